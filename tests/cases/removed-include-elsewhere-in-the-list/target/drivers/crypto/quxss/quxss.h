/* SPDX-License-Identifier: GPL-2.0 */
struct quxss_dev { int id; };
int quxss_register(struct quxss_dev *ss);
