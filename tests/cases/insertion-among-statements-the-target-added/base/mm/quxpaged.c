// SPDX-License-Identifier: GPL-2.0
#include <linux/mm.h>
#include <linux/pagemap.h>

static int qux_collapse_file(struct address_space *mapping, pgoff_t start)
{
	struct page *hpage;
	int result;

	result = qux_alloc_charge_hpage(&hpage, mapping);
	if (result != SCAN_SUCCEED)
		goto out;

	/*
	 * Ensure we have slots for all the pages in the range.
	 */
	do {
		result = qux_create_range(mapping, start);
	} while (result == -ENOMEM);

out:
	return result;
}
