// SPDX-License-Identifier: GPL-2.0
/*
 * Bar SoC MMC host controller driver.
 */
#include <linux/io.h>
#include <linux/interrupt.h>
#include <linux/mmc/host.h>
#include <linux/platform_device.h>

#define BAR_INT_STATUS		0x20
#define BAR_INT_CLEAR		0x24
#define BAR_INT_CMD_TIMEOUT	BIT(0)
#define BAR_INT_CMD_CRC		BIT(1)
#define BAR_INT_CMD_END_BIT	BIT(2)

struct bar_host {
	struct mmc_host *mmc;
	void __iomem *base;
	spinlock_t lock;
	struct mmc_command *cmd;
	unsigned long cmd_done_jiffies;
};

static irqreturn_t bar_mmc_irq(int irq, void *dev_id)
{
	struct bar_host *host = dev_id;
	struct mmc_command *cmd;
	u32 status;

	spin_lock(&host->lock);
	status = readl(host->base + BAR_INT_STATUS);
	writel(status, host->base + BAR_INT_CLEAR);
	cmd = host->cmd;
	if (!cmd) {
		spin_unlock(&host->lock);
		return IRQ_NONE;
	}

	if (status & BAR_INT_CMD_TIMEOUT)
		cmd->error = -ETIMEDOUT;
	else if (status & BAR_INT_CMD_CRC)
		cmd->error = -EILSEQ;

	host->cmd_done_jiffies = jiffies;
	host->cmd = NULL;
	spin_unlock(&host->lock);
	mmc_request_done(host->mmc, cmd->mrq);
	return IRQ_HANDLED;
}

static void bar_mmc_request(struct mmc_host *mmc, struct mmc_request *mrq)
{
	struct bar_host *host = mmc_priv(mmc);
	unsigned long flags;

	spin_lock_irqsave(&host->lock, flags);
	host->cmd = mrq->cmd;
	writel(mrq->cmd->arg, host->base + 0x08);
	writel(mrq->cmd->opcode | BIT(31), host->base + 0x0c);
	spin_unlock_irqrestore(&host->lock, flags);
}

static const struct mmc_host_ops bar_mmc_ops = {
	.request	= bar_mmc_request,
};
