/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _QUX_H_
#define _QUX_H_

struct qux_priv {
	void __iomem *regs;
	unsigned int tx_pending;
	unsigned int tx_timeouts;
};

int qux_hw_reset(struct qux_priv *priv);
void qux_start_queues(struct qux_priv *priv);

#endif
