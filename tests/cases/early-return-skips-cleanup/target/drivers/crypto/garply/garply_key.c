// SPDX-License-Identifier: GPL-2.0
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "garply.h"

static int garply_set_key(struct garply_dev *gd, const void __user *arg, size_t len)
{
	u8 *buf;
	int ret;

	buf = kmalloc(GARPLY_KEY_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (copy_from_user(buf, arg, len)) {
		ret = -EFAULT;
		goto out_free;
	}

	ret = garply_hw_lock(gd);
	if (ret)
		goto out_free;

	ret = garply_hw_load_key(gd, buf, len);
	garply_hw_unlock(gd);
out_free:
	kfree(buf);
	return ret;
}
