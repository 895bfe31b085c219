// SPDX-License-Identifier: GPL-2.0
/* Foo Networks 10GbE driver: ethtool support */
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/pci.h>
#include "foo.h"

static const char foo_gstrings_stats[][ETH_GSTRING_LEN] = {
	"rx_packets", "tx_packets", "rx_bytes", "tx_bytes",
};

static void foo_get_drvinfo(struct net_device *netdev,
			    struct ethtool_drvinfo *drvinfo)
{
	struct foo_adapter *adapter = netdev_priv(netdev);

	strscpy(drvinfo->driver, foo_driver_name, sizeof(drvinfo->driver));
	strscpy(drvinfo->bus_info, pci_name(adapter->pdev),
		sizeof(drvinfo->bus_info));
}

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

static const struct ethtool_ops foo_ethtool_ops = {
	.get_drvinfo		= foo_get_drvinfo,
	.get_ringparam		= foo_get_ringparam,
	.set_ringparam		= foo_set_ringparam,
	.get_link		= ethtool_op_get_link,
};

void foo_set_ethtool_ops(struct net_device *netdev)
{
	netdev->ethtool_ops = &foo_ethtool_ops;
}
