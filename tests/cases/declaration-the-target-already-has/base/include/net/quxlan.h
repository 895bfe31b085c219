/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __NET_QUXLAN_H
#define __NET_QUXLAN_H

struct quxlan_rdst {
	__be32			 remote_ip;
	u32			 remote_ifindex;
};

#endif
