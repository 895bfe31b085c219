// SPDX-License-Identifier: GPL-2.0
/* Grault Ethernet driver: reset and link handling. */
#include <linux/delay.h>
#include <linux/netdevice.h>

#define GRAULT_CTRL		0x00
#define GRAULT_CTRL_RESET	0x01
#define GRAULT_STATUS		0x04

struct grault_priv {
	void __iomem *regs;
	struct net_device *ndev;
	bool link_up;
};

static int grault_reset_hw(struct grault_priv *priv)
{
	int tries = 10;

	writel(GRAULT_CTRL_RESET, priv->regs + GRAULT_CTRL);
	while (tries--) {
		if (!(readl(priv->regs + GRAULT_CTRL) & GRAULT_CTRL_RESET))
			break;
		usleep_range(100, 200);
	}
	priv->link_up = false;
	return 0;
}

static int grault_open(struct net_device *ndev)
{
	struct grault_priv *priv = netdev_priv(ndev);

	return grault_reset_hw(priv);
}
