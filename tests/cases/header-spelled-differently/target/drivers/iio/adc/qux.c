// SPDX-License-Identifier: GPL-2.0
/*
 * Qux ADC driver: reads conversions over a register window.
 */
#include <linux/device.h>
#include <linux/module.h>
#include <linux/regmap.h>

struct qux_adc {
	struct regmap *map;
	u8 buf[8];
};

static int qux_read_raw(struct qux_adc *adc, int *val)
{
	int ret;

	ret = regmap_bulk_read(adc->map, 0x10, adc->buf, 4);
	if (ret)
		return ret;

	*val = adc->buf[0] | adc->buf[1] << 8 | adc->buf[2] << 16 | adc->buf[3] << 24;
	return 0;
}

static int qux_probe(struct device *dev)
{
	struct qux_adc *adc;

	adc = devm_kzalloc(dev, sizeof(*adc), GFP_KERNEL);
	if (!adc)
		return -ENOMEM;
	return 0;
}
