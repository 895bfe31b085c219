// SPDX-License-Identifier: GPL-2.0
#include <linux/bar_pool.h>

static bar_ref_t bar_pool_drain_frag(struct bar_pool *pool, bar_ref_t ref)
{
	long drain_count = BIAS_MAX - pool->frag_users;

	if (likely(bar_ref_fragments(ref, drain_count) == drain_count))
		return ref;
	bar_pool_return_ref(pool, ref);
	return 0;
}

bar_ref_t bar_pool_alloc_frag_ref(struct bar_pool *pool,
				  unsigned int *offset, unsigned int size,
				  gfp_t gfp)
{
	unsigned int max_size = PAGE_SIZE << pool->p.order;
	bar_ref_t ref = pool->frag_ref;

	if (WARN_ON(size > max_size))
		return 0;

	size = ALIGN(size, dma_get_cache_alignment());
	*offset = pool->frag_offset;

	if (ref && *offset + size > max_size) {
		ref = bar_pool_drain_frag(pool, ref);
		if (ref) {
			bar_stat_inc(pool, fast);
			goto frag_reset;
		}
	}

	if (!ref) {
		ref = bar_pool_alloc_ref(pool, gfp);
		if (unlikely(!ref)) {
			pool->frag_ref = 0;
			return 0;
		}

		pool->frag_ref = ref;

frag_reset:
		pool->frag_users = 1;
		*offset = 0;
		pool->frag_offset = size;
		bar_ref_set_frags(ref, BIAS_MAX);
		return ref;
	}

	pool->frag_users++;
	pool->frag_offset = *offset + size;
	return ref;
}
EXPORT_SYMBOL(bar_pool_alloc_frag_ref);

struct page *bar_pool_alloc_frag(struct bar_pool *pool, unsigned int *offset,
				 unsigned int size, gfp_t gfp)
{
	return bar_ref_to_page(bar_pool_alloc_frag_ref(pool, offset, size, gfp));
}
EXPORT_SYMBOL(bar_pool_alloc_frag);
