// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>
#include "quxbus.h"

static int __init quxbus_init(void)
{
	int ret;

	if (!quxbus_present())
		return -ENODEV;

	if (qux_root_partition)
		return 0;

	ret = quxbus_bus_init();
	return ret;
}

static void __exit quxbus_exit(void)
{
	quxbus_connection_stop();
	quxbus_free_channels();
	bus_unregister(&quxbus_bus);
}
