// SPDX-License-Identifier: GPL-2.0-only
#include <linux/spinlock.h>
#include "quxmac.h"

int quxmac_dvr_probe(struct device *device)
{
	struct quxmac_priv *priv = dev_get_drvdata(device);

	quxmac_napi_add(priv);

	mutex_init(&priv->lock);

	/* If a specific clk_csr value is passed from the platform
	 * this means that the CSR Clock Range selection cannot be
	 * changed at run-time and it is fixed.
	 */
	if (priv->plat->clk_csr >= 0)
		priv->clk_csr = priv->plat->clk_csr;
	else
		quxmac_clk_csr_set(priv);

	return 0;
}
