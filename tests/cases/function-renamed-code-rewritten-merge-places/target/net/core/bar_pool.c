// SPDX-License-Identifier: GPL-2.0
#include <linux/bar_pool.h>

static struct page *bar_pool_drain_frag(struct bar_pool *pool,
					struct page *page)
{
	long drain_count = BIAS_MAX - pool->frag_users;

	/* Some user is still using the page frag */
	if (likely(page_pool_defrag_page(page, drain_count)))
		return NULL;

	if (page_ref_count(page) == 1 && !page_is_pfmemalloc(page)) {
		if (pool->p.flags & BAR_POOL_FLAG_DMA_SYNC_DEV)
			bar_pool_dma_sync_for_device(pool, page, -1);

		return page;
	}

	bar_pool_return_page(pool, page);
	return NULL;
}

struct page *bar_pool_alloc_frag(struct bar_pool *pool,
				 unsigned int *offset,
				 unsigned int size, gfp_t gfp)
{
	unsigned int max_size = PAGE_SIZE << pool->p.order;
	struct page *page = pool->frag_page;

	if (WARN_ON(!(pool->p.flags & BAR_POOL_FLAG_PAGE_FRAG) ||
		    size > max_size))
		return NULL;

	size = ALIGN(size, dma_get_cache_alignment());
	*offset = pool->frag_offset;

	if (page && *offset + size > max_size) {
		page = bar_pool_drain_frag(pool, page);
		if (page) {
			bar_stat_inc(pool, fast);
			goto frag_reset;
		}
	}

	if (!page) {
		page = bar_pool_alloc_pages(pool, gfp);
		if (unlikely(!page)) {
			pool->frag_page = NULL;
			return NULL;
		}

		pool->frag_page = page;

frag_reset:
		pool->frag_users = 1;
		*offset = 0;
		pool->frag_offset = size;
		bar_pool_fragment_page(page, BIAS_MAX);
		return page;
	}

	pool->frag_users++;
	pool->frag_offset = *offset + size;
	bar_stat_inc(pool, fast);
	return page;
}
EXPORT_SYMBOL(bar_pool_alloc_frag);
