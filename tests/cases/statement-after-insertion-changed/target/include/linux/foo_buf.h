/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_FOO_BUF_H
#define _LINUX_FOO_BUF_H

struct foo_ctx;
struct foo_dev;
struct foo_map;

struct foo_buf {
	struct foo_dev *dev;
	struct foo_ctx *ctx;
	unsigned long flags;
};

struct foo_ctx *foo_buf_ctx(struct foo_buf *buf);
struct foo_ctx *foo_set_active_ctx(struct foo_ctx *ctx);
int foo_dev_split(struct foo_dev *fdev, struct foo_buf *buf, struct list_head *list, int refs);

#endif
