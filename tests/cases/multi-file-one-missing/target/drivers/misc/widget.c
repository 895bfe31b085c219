// SPDX-License-Identifier: GPL-2.0
/*
 * Widget character device driver.
 *
 * Copyright (C) 2016 Example Corp.
 */
#include <linux/module.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/miscdevice.h>
#include <linux/uaccess.h>

#define WIDGET_BUF_SIZE		4096

struct widget_ctx {
	char *buf;
	size_t len;
	unsigned long flags;
};

static int widget_open(struct inode *inode, struct file *file)
{
	struct widget_ctx *ctx;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;

	ctx->buf = kmalloc(WIDGET_BUF_SIZE, GFP_KERNEL);
	if (!ctx->buf) {
		kfree(ctx);
		return -ENOMEM;
	}

	file->private_data = ctx;
	return 0;
}

static ssize_t widget_read(struct file *file, char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	struct widget_ctx *ctx = file->private_data;

	return simple_read_from_buffer(ubuf, count, ppos, ctx->buf, ctx->len);
}

static ssize_t widget_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	struct widget_ctx *ctx = file->private_data;
	ssize_t ret;

	ret = simple_write_to_buffer(ctx->buf, WIDGET_BUF_SIZE, ppos,
				     ubuf, count);
	if (ret > 0)
		ctx->len = max_t(size_t, ctx->len, *ppos);
	return ret;
}

static int widget_release(struct inode *inode, struct file *file)
{
	struct widget_ctx *ctx = file->private_data;

	kfree(ctx->buf);
	kfree(ctx);
	return 0;
}

static const struct file_operations widget_fops = {
	.owner		= THIS_MODULE,
	.open		= widget_open,
	.read		= widget_read,
	.write		= widget_write,
	.release	= widget_release,
	.llseek		= default_llseek,
};

static struct miscdevice widget_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "widget",
	.fops	= &widget_fops,
};
module_misc_device(widget_misc);

MODULE_DESCRIPTION("Example widget character device");
MODULE_LICENSE("GPL");
