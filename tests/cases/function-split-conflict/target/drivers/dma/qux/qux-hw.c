// SPDX-License-Identifier: GPL-2.0
/*
 * Qux DMA engine: hardware bring-up.
 */
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/io.h>
#include <linux/iopoll.h>
#include "qux.h"

static inline void qux_write(struct qux_dev *qd, u32 reg, u32 val)
{
	writel(val, qd->regs + reg);
}

static int qux_wait_bit_clear(struct qux_dev *qd, u32 reg, u32 bit,
			      unsigned int timeout_us)
{
	u32 val;

	return readl_poll_timeout(qd->regs + reg, val, !(val & bit), 10,
				  timeout_us);
}

static void qux_setup_rings(struct qux_dev *qd)
{
	qux_write(qd, QUX_RX_BASE_LO, lower_32_bits(qd->rx_dma));
	qux_write(qd, QUX_RX_BASE_HI, upper_32_bits(qd->rx_dma));
	qux_write(qd, QUX_TX_BASE_LO, lower_32_bits(qd->tx_dma));
	qux_write(qd, QUX_TX_BASE_HI, upper_32_bits(qd->tx_dma));
}

int qux_hw_reset(struct qux_dev *qd)
{
	int ret;

	qux_write(qd, QUX_CTRL, QUX_CTRL_RESET);
	ret = qux_wait_bit_clear(qd, QUX_CTRL, QUX_CTRL_RESET, 100);
	if (ret)
		return ret;

	qux_setup_rings(qd);
	qux_write(qd, QUX_CTRL, QUX_CTRL_ENABLE);
	return 0;
}

void qux_hw_stop(struct qux_dev *qd)
{
	qux_write(qd, QUX_CTRL, 0);
	qux_write(qd, QUX_INT_MASK, 0);
}
