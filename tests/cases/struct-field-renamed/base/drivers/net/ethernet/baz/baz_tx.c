// SPDX-License-Identifier: GPL-2.0
/*
 * Baz 100M Ethernet MAC driver: transmit path.
 */
#include <linux/netdevice.h>
#include <linux/etherdevice.h>
#include <linux/dma-mapping.h>
#include "baz.h"

static void baz_clean_tx_ring(struct baz_priv *priv)
{
	unsigned int i;

	for (i = 0; i < BAZ_TX_RING; i++) {
		if (!priv->tx_skb[i])
			continue;
		dma_unmap_single(priv->dev, priv->tx_dma[i],
				 priv->tx_skb[i]->len, DMA_TO_DEVICE);
		dev_kfree_skb_any(priv->tx_skb[i]);
		priv->tx_skb[i] = NULL;
	}
	priv->tx_cur = 0;
	priv->tx_dirty = 0;
}

netdev_tx_t baz_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct baz_priv *priv = netdev_priv(dev);
	unsigned int entry;

	spin_lock_bh(&priv->tx_lock);
	entry = priv->tx_cur;
	priv->tx_skb[entry] = skb;
	priv->tx_dma[entry] = dma_map_single(priv->dev, skb->data, skb->len,
					     DMA_TO_DEVICE);
	baz_fill_desc(priv, entry, skb->len);
	priv->tx_cur = (entry + 1) % BAZ_TX_RING;
	if (priv->tx_cur == priv->tx_dirty)
		netif_stop_queue(dev);
	spin_unlock_bh(&priv->tx_lock);

	baz_kick_tx(priv);
	return NETDEV_TX_OK;
}

void baz_tx_timeout(struct net_device *dev, unsigned int txqueue)
{
	struct baz_priv *priv = netdev_priv(dev);

	netdev_warn(dev, "transmit timed out, resetting\n");
	spin_lock_bh(&priv->tx_lock);
	baz_stop_dma(priv);
	baz_clean_tx_ring(priv);
	spin_unlock_bh(&priv->tx_lock);

	baz_init_dma(priv);
	netif_wake_queue(dev);
}
