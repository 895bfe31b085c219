#ifndef QUXWL_CORE_H
#define QUXWL_CORE_H

#include <linux/spinlock.h>

enum quxwl_flags {
	QUXWL_FLAG_UNREGISTERING,
};

struct quxwl_base {
	unsigned long dev_flags;
	spinlock_t base_lock;
	struct workqueue_struct *workqueue_aux;
	struct work_struct reset_work;
};

#endif
