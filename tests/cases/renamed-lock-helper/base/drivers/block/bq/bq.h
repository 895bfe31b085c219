/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BQ_H
#define _BQ_H

#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

enum bq_rq_state {
	BQ_RQ_IDLE,
	BQ_RQ_DISPATCHED,
	BQ_RQ_COMPLETE,
};

#define BQ_STS_OK	0
#define BQ_STS_BUSY	1

struct bq_queue;

struct bq_request {
	struct list_head queuelist;
	enum bq_rq_state state;
	void (*end_io)(struct bq_request *rq, int error);
};

struct bq_ops {
	int (*queue_rq)(struct bq_queue *q, struct bq_request *rq);
};

struct bq_queue {
	spinlock_t queue_lock;
	struct list_head dispatch_list;
	unsigned int nr_queued;
	struct workqueue_struct *wq;
	struct work_struct dispatch_work;
	const struct bq_ops *ops;
};

void bq_insert_request(struct bq_queue *q, struct bq_request *rq);
void bq_complete_request(struct bq_queue *q, struct bq_request *rq, int error);
void bq_init_queue(struct bq_queue *q, const struct bq_ops *ops);

#endif /* _BQ_H */
