// SPDX-License-Identifier: GPL-2.0
#include <linux/kernel.h>
#include "corge.h"

static void corge_clear_rings(struct corge_dev *cd)
{
	writel(0, cd->regs + CORGE_RING_CTRL);
	cd->rings_active = false;
}

static int corge_stop(struct corge_dev *cd)
{
	corge_clear_rings(cd);
	corge_irq_disable(cd);
	return 0;
}
