// SPDX-License-Identifier: GPL-2.0
#include <linux/quxfb.h>

static void *videomemory;

static int vqux_probe(struct quxfb_info *info)
{
	videomemory = vmalloc(4096);
	info->screen_base = (char *)videomemory;
	return 0;
}

static const struct quxfb_ops vqux_ops = {
	.fb_read	= quxfb_sys_read,
	.fb_write	= quxfb_sys_write,
};

static void vqux_remove(struct quxfb_info *info)
{
	quxfb_release(info);
}
