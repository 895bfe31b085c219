/* SPDX-License-Identifier: GPL-2.0 */
void qux_mapping_set_update(struct address_space *mapping);
