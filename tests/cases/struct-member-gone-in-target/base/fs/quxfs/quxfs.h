/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _QUXFS_H
#define _QUXFS_H

/* on-disk inode, little endian */
struct quxfs_disk_inode {
	__le16	i_mode;
	__le32	i_size;
	__le32	i_mtime;
	__le32	i_blocks;
};

struct quxfs_inode_info {
	unsigned long		blocks;
	struct inode		vfs_inode;
};

#define QUXFS_I(inode) container_of(inode, struct quxfs_inode_info, vfs_inode)

int quxfs_free_blocks(struct quxfs_inode_info *qi, loff_t size);

#endif
