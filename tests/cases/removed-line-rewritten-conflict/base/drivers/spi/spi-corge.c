// SPDX-License-Identifier: GPL-2.0
/*
 * Corge SPI controller driver.
 */
#include <linux/clk.h>
#include <linux/dmaengine.h>
#include <linux/io.h>
#include <linux/spi/spi.h>

#define CORGE_CTRL		0x00
#define CORGE_CTRL_EN		BIT(0)
#define CORGE_CTRL_DMA		BIT(1)
#define CORGE_CTRL_LSB		BIT(2)
#define CORGE_CLKDIV		0x04
#define CORGE_FIFO_DEPTH	32

struct corge_spi {
	void __iomem *regs;
	struct clk *clk;
	struct dma_chan *rx_chan;
};

static void corge_set_clk(struct corge_spi *cs, u32 speed_hz)
{
	u32 div = DIV_ROUND_UP(clk_get_rate(cs->clk), speed_hz);

	writel(div, cs->regs + CORGE_CLKDIV);
}

static bool corge_can_dma(struct spi_controller *ctlr, struct spi_device *spi,
			  struct spi_transfer *xfer)
{
	struct corge_spi *cs = spi_controller_get_devdata(ctlr);

	return cs->rx_chan && xfer->len > CORGE_FIFO_DEPTH;
}

static int corge_transfer_one(struct spi_controller *ctlr,
			      struct spi_device *spi,
			      struct spi_transfer *xfer)
{
	struct corge_spi *cs = spi_controller_get_devdata(ctlr);
	u32 ctrl = CORGE_CTRL_EN;

	corge_set_clk(cs, xfer->speed_hz);
	if (spi->mode & SPI_LSB_FIRST)
		ctrl |= CORGE_CTRL_LSB;
	if (corge_can_dma(ctlr, spi, xfer))
		ctrl |= CORGE_CTRL_DMA;
	writel(ctrl, cs->regs + CORGE_CTRL);

	return corge_pio_xfer(cs, xfer);
}
