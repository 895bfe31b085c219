/* SPDX-License-Identifier: GPL-2.0 */
struct plugh_priv {
	struct net_device *ndev;
	struct platform_device *pdev;
	struct napi_struct napi;
	unsigned int tx_timeout_count;
};

void plugh_mac_set_speed(struct plugh_priv *priv, int speed);
