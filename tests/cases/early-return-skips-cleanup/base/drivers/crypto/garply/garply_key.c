// SPDX-License-Identifier: GPL-2.0
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "garply.h"

static int garply_set_key(struct garply_dev *gd, const void __user *arg, size_t len)
{
	int ret;

	ret = garply_hw_lock(gd);
	if (ret)
		return ret;

	ret = garply_hw_load_key(gd, gd->key_buf, len);
	garply_hw_unlock(gd);
	return ret;
}
