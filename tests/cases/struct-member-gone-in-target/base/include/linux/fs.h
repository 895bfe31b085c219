/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_FS_H
#define _LINUX_FS_H

#include <linux/types.h>
#include <linux/time64.h>

struct inode {
	umode_t			i_mode;
	unsigned short		i_opflags;
	kuid_t			i_uid;
	kgid_t			i_gid;
	unsigned int		i_flags;
	unsigned long		i_ino;
	loff_t			i_size;
	struct timespec64	i_atime;
	struct timespec64	i_mtime;
	struct timespec64	i_ctime;
	blkcnt_t		i_blocks;
};

extern struct timespec64 current_time(struct inode *inode);
extern void mark_inode_dirty(struct inode *inode);

#endif /* _LINUX_FS_H */
