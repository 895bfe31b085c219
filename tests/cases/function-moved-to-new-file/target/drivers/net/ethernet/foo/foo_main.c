// SPDX-License-Identifier: GPL-2.0
/* Foo Networks 10GbE driver: main */
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/pci.h>
#include "foo.h"

static int foo_open(struct net_device *netdev)
{
	struct foo_adapter *adapter = netdev_priv(netdev);
	int err;

	err = foo_setup_rings(adapter);
	if (err)
		return err;

	foo_irq_enable(adapter);
	netif_tx_start_all_queues(netdev);
	return 0;
}

static int foo_close(struct net_device *netdev)
{
	struct foo_adapter *adapter = netdev_priv(netdev);

	netif_tx_stop_all_queues(netdev);
	foo_irq_disable(adapter);
	foo_free_rings(adapter);
	return 0;
}

static const struct net_device_ops foo_netdev_ops = {
	.ndo_open		= foo_open,
	.ndo_stop		= foo_close,
	.ndo_start_xmit		= foo_xmit_frame,
	.ndo_set_mac_address	= eth_mac_addr,
};

void foo_set_ops(struct net_device *netdev)
{
	netdev->netdev_ops = &foo_netdev_ops;
	foo_set_ethtool_ops(netdev);
}
