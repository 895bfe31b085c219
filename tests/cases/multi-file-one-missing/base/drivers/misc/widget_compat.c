// SPDX-License-Identifier: GPL-2.0
/*
 * 32-bit compat ioctl support for the widget driver.
 */
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/uaccess.h>
#include "widget.h"

struct widget_info32 {
	compat_size_t len;
	compat_ulong_t flags;
};

long widget_compat_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	struct widget_ctx *ctx = file->private_data;
	struct widget_info32 info;

	switch (cmd) {
	case WIDGET_IOC_INFO32:
		info.len = ctx->len;
		info.flags = ctx->flags;
		if (copy_to_user(compat_ptr(arg), &info, sizeof(info)))
			return -EFAULT;
		return 0;
	default:
		return -ENOIOCTLCMD;
	}
}
