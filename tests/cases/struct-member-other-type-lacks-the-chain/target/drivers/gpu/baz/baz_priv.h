/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BAZ_PRIV_H
#define BAZ_PRIV_H

struct queue_manager;

struct baz_dev {
	struct baz_node *nodes[8];
	struct queue_manager *queues;
	unsigned int num_nodes;
};

struct baz_process_device {
	struct baz_dev *dev;
	struct baz_process *process;
	unsigned int gpu_id;
};

struct baz_queue_data {
	unsigned int gpu_id;
	unsigned int type;
	unsigned int mqd_size;
};

struct baz_process_device *baz_device_data_by_id(struct baz_process *p, unsigned int gpu_id);
unsigned int mqd_size_of_type(struct queue_manager *qm, unsigned int type);

#endif
