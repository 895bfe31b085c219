/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_SHADOW_MAP_H
#define _LINUX_SHADOW_MAP_H

#include <linux/types.h>

struct shadow_region;

#if defined(CONFIG_SHADOW_GENERIC) || defined(CONFIG_SHADOW_TAGS)

void shadow_map_early(void *start, unsigned long size);
int shadow_map_range(unsigned long addr, unsigned long size);
void shadow_unmap_range(unsigned long start, unsigned long end,
			unsigned long free_start,
			unsigned long free_end);

#else /* CONFIG_SHADOW_GENERIC || CONFIG_SHADOW_TAGS */

static inline void shadow_map_early(void *start,
				    unsigned long size)
{ }
static inline int shadow_map_range(unsigned long start,
				   unsigned long size)
{
	return 0;
}
static inline void shadow_unmap_range(unsigned long start,
				      unsigned long end,
				      unsigned long free_start,
				      unsigned long free_end) { }

#endif /* CONFIG_SHADOW_GENERIC || CONFIG_SHADOW_TAGS */

#ifdef CONFIG_SHADOW_INLINE

static inline void shadow_poison_range(const void *start, unsigned long size)
{
	shadow_region_poison(start, size);
}

#else /* CONFIG_SHADOW_INLINE */

static inline void shadow_map_early(void *start,
				    unsigned long size) { }
static inline int shadow_map_range(unsigned long start,
				   unsigned long size)
{
	return 0;
}
static inline void shadow_unmap_range(unsigned long start,
				      unsigned long end,
				      unsigned long free_start,
				      unsigned long free_end) { }

#endif /* CONFIG_SHADOW_INLINE */

#endif /* _LINUX_SHADOW_MAP_H */
