// SPDX-License-Identifier: GPL-2.0
/*
 * quxfs: truncate
 */
#include <linux/fs.h>
#include "quxfs.h"

int quxfs_truncate(struct inode *inode, loff_t size)
{
	struct quxfs_inode_info *qi = QUXFS_I(inode);
	int err;

	err = quxfs_free_blocks(qi, size);
	if (err)
		return err;

	inode->i_size = size;
	mark_inode_dirty(inode);
	return 0;
}
