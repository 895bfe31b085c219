// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Driver for the TMP12x family of I2C temperature sensors.
 */
#include <linux/err.h>
#include <linux/hwmon.h>
#include <linux/i2c.h>
#include <linux/module.h>
#include <linux/mutex.h>

#define TMP_REG_TEMP	0x00
#define TMP_REG_CONFIG	0x01
#define TMP_REG_LIMIT	0x03

struct tmp_sensor {
	struct i2c_client *client;
	struct mutex lock;
};

static int tmp_read_limit(struct tmp_sensor *s, long *val)
{
	int ret;

	mutex_lock(&s->lock);
	ret = i2c_smbus_read_word_swapped(s->client, TMP_REG_LIMIT);
	mutex_unlock(&s->lock);
	if (ret < 0)
		return ret;

	*val = sign_extend32(ret >> 4, 11) * 625 / 10;
	return 0;
}

static int tmp_read_temp(struct tmp_sensor *s, long *val)
{
	int ret;

	mutex_lock(&s->lock);
	ret = i2c_smbus_read_word_swapped(s->client, TMP_REG_TEMP);
	mutex_unlock(&s->lock);
	if (ret < 0)
		return ret;

	*val = sign_extend32(ret >> 4, 11) * 625 / 10;
	return 0;
}

static int tmp_read(struct device *dev, enum hwmon_sensor_types type,
		    u32 attr, int channel, long *val)
{
	struct tmp_sensor *s = dev_get_drvdata(dev);

	switch (attr) {
	case hwmon_temp_max:
		return tmp_read_limit(s, val);
	case hwmon_temp_input:
		return tmp_read_temp(s, val);
	default:
		return -EOPNOTSUPP;
	}
}

MODULE_DESCRIPTION("TMP12x temperature sensor driver");
MODULE_LICENSE("GPL");
