// SPDX-License-Identifier: GPL-2.0
#include "baz_priv.h"

int baz_restore_queue(struct baz_process *p, struct baz_queue_data *q_data)
{
	struct baz_process_device *pdd;
	int ret = 0;

	if (!q_data->gpu_id) {
		ret = -EINVAL;
		goto exit;
	}

	pdd = baz_device_data_by_id(p, q_data->gpu_id);
	if (!pdd) {
		pr_err("Failed to get pdd\n");
		ret = -EINVAL;
		goto exit;
	}

	ret = baz_queue_create(pdd, q_data);
exit:
	return ret;
}
