// SPDX-License-Identifier: GPL-2.0
#include <linux/quxfb.h>

static void *videomemory;

static int vqux_probe(struct quxfb_info *info)
{
	videomemory = vmalloc(4096);
	info->screen_buffer = videomemory;
	return 0;
}

static const struct quxfb_ops vqux_ops = {
	.owner		= THIS_MODULE,
	__QUXFB_DEFAULT_SYSMEM_OPS_RDWR,
};

static void vqux_remove(struct quxfb_info *info)
{
	quxfb_release(info);
}
