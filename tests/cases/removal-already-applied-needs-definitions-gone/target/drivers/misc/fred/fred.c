// SPDX-License-Identifier: GPL-2.0
#include <linux/spinlock.h>
#include "fred.h"

static void fred_flush_queue(struct fred_dev *fd)
{
	bool was_running = fd->running;
	struct fred_queue *q = fd->queue;
	unsigned int pending;
	unsigned long flags;

	spin_lock_irqsave(&fd->lock, flags);
	fd->running = false;
	pending = fred_drain(q);
	spin_unlock_irqrestore(&fd->lock, flags);
	fred_account(fd, pending);
	if (was_running)
		fred_restart(fd);
}
