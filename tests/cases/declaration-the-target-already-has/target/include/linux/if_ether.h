/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_IF_ETHER_H
#define _LINUX_IF_ETHER_H

typedef unsigned char u8;

#define ETH_ALEN	6

#endif
