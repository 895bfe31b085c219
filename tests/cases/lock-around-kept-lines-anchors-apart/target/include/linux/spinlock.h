#ifndef __LINUX_SPINLOCK_H
#define __LINUX_SPINLOCK_H

typedef struct spinlock {
	int rlock;
} spinlock_t;

void spin_lock_bh(spinlock_t *lock);
void spin_unlock_bh(spinlock_t *lock);

#endif
