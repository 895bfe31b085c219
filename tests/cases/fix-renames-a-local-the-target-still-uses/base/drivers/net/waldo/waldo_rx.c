// SPDX-License-Identifier: GPL-2.0
#include <linux/skbuff.h>
#include "waldo.h"

static int waldo_rx_frame(struct waldo_priv *wp, struct sk_buff *skb)
{
	int len;

	len = waldo_read_len(wp);
	if (len > WALDO_MTU)
		return -EMSGSIZE;

	skb_put(skb, len);
	return waldo_copy_frame(wp, skb->data, len);
}
