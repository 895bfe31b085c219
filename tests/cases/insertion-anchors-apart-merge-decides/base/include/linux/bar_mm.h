/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_BAR_MM_H
#define _LINUX_BAR_MM_H

#include <linux/types.h>

struct bar_mm {
	struct {
		unsigned long mmap_base;	/* base of mmap area */
		unsigned long task_size;	/* size of task vm space */
		int map_count;			/* number of VMAs */

		spinlock_t table_lock;		/* protects the page tables */
		struct rw_semaphore mmap_lock;

		struct list_head mmlist;	/* list of maybe swapped mms; these
						 * are strung together off
						 * init_bar_mm.mmlist, under
						 * mmlist_lock
						 */


		unsigned long hiwater_rss;	/* high-water RSS usage */
		unsigned long hiwater_vm;	/* high-water virtual memory usage */

		unsigned long total_vm;		/* total pages mapped */
		unsigned long locked_vm;	/* pages that have PG_mlocked set */
	} __randomize_layout;
};

#endif /* _LINUX_BAR_MM_H */
