// SPDX-License-Identifier: GPL-2.0
#include <linux/netdevice.h>
#include <net/neighbour.h>

static int quxlan_arp_reduce(struct net_device *dev, struct sk_buff *skb)
{
	struct neighbour *n;
	__be32 tip = 0;

	n = neigh_lookup(&arp_tbl, &tip, dev);

	if (n) {
		struct quxlan_rdst *rdst = NULL;
		struct sk_buff *reply;

		if (!(READ_ONCE(n->nud_state) & NUD_CONNECTED)) {
			neigh_release(n);
			goto out;
		}
		rdst = quxlan_first_remote(dev);
		if (rdst && rdst->remote_ifindex) {
			neigh_release(n);
			goto out;
		}
		reply = arp_create(ARPOP_REPLY, ETH_P_ARP, tip, dev, n->ha);
		neigh_release(n);
		if (reply)
			netif_rx(reply);
	}
out:
	consume_skb(skb);
	return NETDEV_TX_OK;
}
