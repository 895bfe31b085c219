/* SPDX-License-Identifier: GPL-2.0 */
/* Foo Networks 10GbE driver */
#ifndef _FOO_H_
#define _FOO_H_

#include <linux/bitops.h>
#include <linux/netdevice.h>

#define FOO_MIN_RXD	64
#define FOO_MAX_RXD	4096
#define FOO_MIN_TXD	64
#define FOO_MAX_TXD	4096

enum foo_state_t {
	__FOO_TESTING,
	__FOO_RESETTING,
	__FOO_DOWN,
};

struct foo_adapter {
	struct net_device *netdev;
	struct pci_dev *pdev;
	unsigned long state;
	u32 rx_ring_count;
	u32 tx_ring_count;
};

extern char foo_driver_name[];

int foo_setup_rings(struct foo_adapter *adapter);
void foo_free_rings(struct foo_adapter *adapter);
int foo_reinit_rings(struct foo_adapter *adapter);
void foo_irq_enable(struct foo_adapter *adapter);
void foo_irq_disable(struct foo_adapter *adapter);
netdev_tx_t foo_xmit_frame(struct sk_buff *skb, struct net_device *netdev);

#endif /* _FOO_H_ */
