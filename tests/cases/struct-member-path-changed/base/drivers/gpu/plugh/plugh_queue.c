// SPDX-License-Identifier: GPL-2.0
/* Plugh GPU queue manager. */
#include "plugh.h"

static void plugh_flush(struct plugh_qm *qm)
{
	qm->flushes++;
}

static int plugh_evict_queues(struct plugh_qm *qm)
{
	int ret = 0;

	if (!qm->dev->kfd->res.has_mes)
		ret = plugh_unmap_queues(qm);
	qm->evicted = true;
	return ret;
}

static int plugh_restore_queues(struct plugh_qm *qm)
{
	qm->evicted = false;
	return plugh_map_queues(qm);
}
