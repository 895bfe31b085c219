/* SPDX-License-Identifier: GPL-2.0 */
extern bool qux_root_partition;
extern bool qux_nested;
bool quxbus_present(void);
int quxbus_bus_init(void);
void quxbus_connection_stop(void);
void quxbus_free_channels(void);
extern struct bus_type quxbus_bus;
