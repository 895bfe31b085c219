// SPDX-License-Identifier: GPL-2.0-only
#include <linux/err.h>
#include "quxsim.h"

static int max_iotlb_entries = 2048;

struct quxsim *quxsim_create(struct quxsim_dev_attr *dev_attr,
			     const struct vdpa_dev_set_config *config)
{
	const struct vdpa_config_ops *ops;
	struct quxsim *quxsim;
	struct device *dev;
	int i, ret = -ENOMEM;

	if (!dev_attr->alloc_size)
		return ERR_PTR(-EINVAL);

	if (config->mask & QUXSIM_DEV_FEATURES) {
		if (config->device_features & ~dev_attr->supported_features)
			return ERR_PTR(-EINVAL);
		dev_attr->supported_features = config->device_features;
	}

	ops = &quxsim_config_ops;
	quxsim = quxsim_alloc(dev_attr, ops);
	if (!quxsim)
		return ERR_PTR(ret);
	for (i = 0; i < dev_attr->nvqs; i++)
		quxsim_vq_init(quxsim, i);
	dev = &quxsim->vdpa.dev;
	return quxsim;
}
