// SPDX-License-Identifier: GPL-2.0
#include <linux/netdevice.h>
#include <linux/etherdevice.h>
#include "qux.h"

static int qux_open(struct net_device *ndev)
{
	struct qux_priv *priv = netdev_priv(ndev);

	netif_carrier_off(ndev);
	qux_start_queues(priv);
	return 0;
}

static void qux_tx_timeout(struct net_device *ndev, unsigned int txqueue)
{
	struct qux_priv *priv = netdev_priv(ndev);

	priv->tx_timeouts++;
	netdev_warn(ndev, "tx timeout on queue %u\n", txqueue);
	qux_hw_reset(priv);
	qux_start_queues(priv);
}
