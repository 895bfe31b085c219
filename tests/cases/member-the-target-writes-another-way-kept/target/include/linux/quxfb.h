/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_QUXFB_H
#define _LINUX_QUXFB_H

struct quxfb_cmap { int len; };
struct quxfb_ops { void *owner; void *fb_read; void *fb_write; };
#define THIS_MODULE ((void *)0)
#define __QUXFB_DEFAULT_SYSMEM_OPS_RDWR .fb_read = 0, .fb_write = 0
int quxfb_sys_read(void);
int quxfb_sys_write(void);

struct quxfb_info {
	int node;
	struct quxfb_cmap cmap;
	union {
		char *screen_base;
		char *screen_buffer;
	};
	unsigned long screen_size;
};

void vfree(const void *addr);
void *vmalloc(unsigned long size);
void quxfb_dealloc_cmap(struct quxfb_cmap *cmap);
void quxfb_release(struct quxfb_info *info);

#endif
