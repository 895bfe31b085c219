/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_BAR_POOL_H
#define _LINUX_BAR_POOL_H

#define max_t(type, x, y) ((type)(x) > (type)(y) ? (type)(x) : (type)(y))

struct skb_shared_info {
	unsigned char nr_frags;
};

#endif
