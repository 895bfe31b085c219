// SPDX-License-Identifier: GPL-2.0
#include <linux/mm.h>
#include <linux/pagemap.h>

static int qux_collapse_file(struct address_space *mapping, pgoff_t start)
{
	struct folio *new_folio;
	int result;

	result = qux_alloc_charge_folio(&new_folio, mapping);
	if (result != SCAN_SUCCEED)
		goto out;

	__folio_set_locked(new_folio);
	if (mapping_use_swap(mapping))
		__folio_set_swapbacked(new_folio);
	new_folio->index = start;
	new_folio->mapping = mapping;

	/*
	 * Ensure we have slots for all the pages in the range.
	 */
	do {
		result = qux_create_range(mapping, start);
	} while (result == -ENOMEM);

out:
	return result;
}
