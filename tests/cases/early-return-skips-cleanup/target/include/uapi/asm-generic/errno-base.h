/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
#define	ENOMEM		12	/* Out of memory */
#define	EFAULT		14	/* Bad address */
#define	EINVAL		22	/* Invalid argument */
