// SPDX-License-Identifier: GPL-2.0
#include <linux/spinlock.h>
#include "quux_vdpa.h"

static long quux_set_config_call(struct quux_vdpa *v, void *cb)
{
	unsigned long flags;
	void *old;

	spin_lock_irqsave(&v->stats_lock, flags);
	v->calls++;
	spin_unlock_irqrestore(&v->stats_lock, flags);

	old = v->config_cb;
	v->config_cb = cb;
	quux_release_cb(old);
	return 0;
}

static long quux_reset(struct quux_vdpa *v)
{
	unsigned long flags;

	spin_lock_irqsave(&v->config_lock, flags);
	v->config_cb = NULL;
	spin_unlock_irqrestore(&v->config_lock, flags);
	return 0;
}
