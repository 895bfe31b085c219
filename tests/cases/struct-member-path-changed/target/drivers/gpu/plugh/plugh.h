/* SPDX-License-Identifier: GPL-2.0 */
struct plugh_res { bool has_mes; };
struct plugh_dev { struct plugh_res res; };
struct plugh_qm { struct plugh_dev *dev; int flushes; bool evicted; };
int plugh_unmap_queues(struct plugh_qm *qm);
int plugh_map_queues(struct plugh_qm *qm);
