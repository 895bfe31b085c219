// SPDX-License-Identifier: GPL-2.0
/*
 * quuxfs inode handling.
 */
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/pagemap.h>
#include <linux/writeback.h>
#include "quux.h"

static struct kmem_cache *quux_inode_cachep;

struct inode *quux_alloc_inode(struct super_block *sb)
{
	struct quux_inode_info *qi;

	qi = kmem_cache_alloc(quux_inode_cachep, GFP_KERNEL);
	if (!qi)
		return NULL;
	qi->i_flags = 0;
	qi->i_extent_count = 0;
	spin_lock_init(&qi->i_extent_lock);
	return &qi->vfs_inode;
}

void quux_free_inode(struct inode *inode)
{
	kmem_cache_free(quux_inode_cachep, QUUX_I(inode));
}

void quux_evict_inode(struct inode *inode)
{
	struct quux_inode_info *qi = QUUX_I(inode);
	int want_delete = 0;

	if (!inode->i_nlink && !is_bad_inode(inode))
		want_delete = 1;

	truncate_inode_pages_final(&inode->i_data);

	if (want_delete) {
		quux_truncate_extents(inode, 0);
		quux_free_ino(inode->i_sb, inode->i_ino);
	}

	invalidate_inode_buffers(inode);
	clear_inode(inode);
	quux_release_extents(qi);
}

int quux_write_inode(struct inode *inode, struct writeback_control *wbc)
{
	struct quux_inode_info *qi = QUUX_I(inode);
	struct buffer_head *bh;
	int err = 0;

	bh = quux_read_raw_inode(inode->i_sb, inode->i_ino);
	if (IS_ERR(bh))
		return PTR_ERR(bh);

	quux_fill_raw_inode(inode, qi, bh);
	mark_buffer_dirty(bh);
	if (wbc->sync_mode == WB_SYNC_ALL) {
		sync_dirty_buffer(bh);
		if (buffer_req(bh) && !buffer_uptodate(bh))
			err = -EIO;
	}
	brelse(bh);
	return err;
}
