// SPDX-License-Identifier: GPL-2.0
#include <linux/netdevice.h>
#include "plugh.h"

static void plugh_link_up(struct plugh_priv *priv, int speed)
{
	struct net_device *ndev = priv->ndev;

	plugh_mac_set_speed(priv, speed);
	dev_dbg(&priv->pdev->dev, "link up at %d Mbps\n", speed);
	napi_enable(&priv->napi);
	netif_carrier_on(ndev);
}
