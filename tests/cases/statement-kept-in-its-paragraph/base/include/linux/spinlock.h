#ifndef __LINUX_SPINLOCK_H
#define __LINUX_SPINLOCK_H

typedef struct {
	int raw;
} rwlock_t;

void rwlock_init(rwlock_t *lock);
void spin_lock_init(void *lock);

#endif
