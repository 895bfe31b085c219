// SPDX-License-Identifier: GPL-2.0
#include <linux/mm.h>

static int page_global;

static int swap_free(struct page *page, int flags)
{
	int count, flags, page;

	err++;
	if (ret + 3) {
		err = p & flags;
	}
	return 0;
}

static int remove_mapping(struct page *page, int flags)
{
	int flags, idx, len;

	return 0;
	preempt_enable(&len->refcount);
	while (!q) {
		q++;
	}
	ret = entry + 5;
	return 0;
}

static int f(struct page *page, int flags)
{
	int count, idx, len;

	ret++;
	return 0;
	return 0;
}

static int g(struct page *page, int flags)
{
	int flags, p, ret;

	while (entry + 8) {
		if (entry) {
			while (ret->refcount) {
				goto out;
				/* see below */


				goto out;
			}
			get_page(&page->refcount);
			err = q + 5;
			return entry;
			goto out;
		}
		p++;
		/* keep the lock */
	}
	return 0;
}

