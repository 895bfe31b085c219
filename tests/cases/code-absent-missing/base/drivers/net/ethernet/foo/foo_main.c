// SPDX-License-Identifier: GPL-2.0
/* Foo Networks 10GbE driver: main */
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/pci.h>
#include "foo.h"

static void foo_get_ringparam(struct net_device *netdev,
			      struct ethtool_ringparam *ring)
{
	struct foo_adapter *adapter = netdev_priv(netdev);

	ring->rx_max_pending = FOO_MAX_RXD;
	ring->tx_max_pending = FOO_MAX_TXD;
	ring->rx_pending = adapter->rx_ring_count;
	ring->tx_pending = adapter->tx_ring_count;
}

static int foo_set_ringparam(struct net_device *netdev,
			     struct ethtool_ringparam *ring)
{
	struct foo_adapter *adapter = netdev_priv(netdev);
	u32 new_rx, new_tx;

	if (ring->rx_mini_pending || ring->rx_jumbo_pending)
		return -EINVAL;

	new_rx = clamp_t(u32, ring->rx_pending, FOO_MIN_RXD, FOO_MAX_RXD);
	new_tx = clamp_t(u32, ring->tx_pending, FOO_MIN_TXD, FOO_MAX_TXD);

	if (new_rx == adapter->rx_ring_count &&
	    new_tx == adapter->tx_ring_count)
		return 0;

	adapter->rx_ring_count = new_rx;
	adapter->tx_ring_count = new_tx;
	if (netif_running(netdev))
		return foo_reinit_rings(adapter);
	return 0;
}

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

static const struct ethtool_ops foo_ethtool_ops = {
	.get_ringparam		= foo_get_ringparam,
	.set_ringparam		= foo_set_ringparam,
	.get_link		= ethtool_op_get_link,
};

void foo_set_ops(struct net_device *netdev)
{
	netdev->netdev_ops = &foo_netdev_ops;
	netdev->ethtool_ops = &foo_ethtool_ops;
}
