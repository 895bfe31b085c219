/* SPDX-License-Identifier: GPL-2.0 */
struct fred_queue;

struct fred_dev {
	struct fred_queue *queue;
	spinlock_t lock;
	bool running;
};

unsigned int fred_drain(struct fred_queue *q);
void fred_account(struct fred_dev *fd, unsigned int pending);
void fred_restart(struct fred_dev *fd);
