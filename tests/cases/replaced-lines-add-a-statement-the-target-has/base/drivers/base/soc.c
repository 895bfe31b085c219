// SPDX-License-Identifier: GPL-2.0
#include <linux/err.h>

static bool soc_bus_registered;
static struct soc_device_attribute *early_soc_dev_attr;
static int soc_bus_type;

struct soc_device *soc_device_register(struct soc_device_attribute *soc_dev_attr);

static int __init soc_bus_register(void)
{
	int ret;

	ret = bus_register(&soc_bus_type);
	if (ret)
		return ret;

	if (early_soc_dev_attr)
		return PTR_ERR(soc_device_register(early_soc_dev_attr));

	return 0;
}
