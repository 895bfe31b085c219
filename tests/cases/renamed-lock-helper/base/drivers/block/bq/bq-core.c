// SPDX-License-Identifier: GPL-2.0
/*
 * bq: a tiny request queue for the example block driver.
 */
#include <linux/blkdev.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include "bq.h"

static void bq_kick_dispatch(struct bq_queue *q)
{
	queue_work(q->wq, &q->dispatch_work);
}

void bq_insert_request(struct bq_queue *q, struct bq_request *rq)
{
	spin_lock_irq(&q->queue_lock);
	list_add_tail(&rq->queuelist, &q->dispatch_list);
	q->nr_queued++;
	spin_unlock_irq(&q->queue_lock);

	bq_kick_dispatch(q);
}

static struct bq_request *bq_dispatch_one(struct bq_queue *q)
{
	struct bq_request *rq;

	spin_lock_irq(&q->queue_lock);
	rq = list_first_entry_or_null(&q->dispatch_list, struct bq_request,
				      queuelist);
	if (rq)
		list_del_init(&rq->queuelist);
	spin_unlock_irq(&q->queue_lock);

	return rq;
}

static void bq_dispatch_work(struct work_struct *work)
{
	struct bq_queue *q = container_of(work, struct bq_queue, dispatch_work);
	struct bq_request *rq;

	while ((rq = bq_dispatch_one(q)) != NULL) {
		if (q->ops->queue_rq(q, rq) == BQ_STS_BUSY) {
			bq_insert_request(q, rq);
			break;
		}
	}
}

void bq_complete_request(struct bq_queue *q, struct bq_request *rq, int error)
{
	unsigned long flags;

	spin_lock_irqsave(&q->queue_lock, flags);
	q->nr_queued--;
	spin_unlock_irqrestore(&q->queue_lock, flags);

	rq->end_io(rq, error);
}

void bq_init_queue(struct bq_queue *q, const struct bq_ops *ops)
{
	spin_lock_init(&q->queue_lock);
	INIT_LIST_HEAD(&q->dispatch_list);
	INIT_WORK(&q->dispatch_work, bq_dispatch_work);
	q->ops = ops;
}
