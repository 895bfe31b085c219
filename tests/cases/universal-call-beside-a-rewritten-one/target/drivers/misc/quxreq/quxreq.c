// SPDX-License-Identifier: GPL-2.0
#include <linux/string.h>
#include "quxreq.h"

static void quxreq_reset(struct quxreq_dev *qd)
{
	memset(qd->stats, 0, sizeof(qd->stats));
	qd->pending = 0;
}

static int quxreq_send(struct quxreq_dev *qd, const void *data, size_t len)
{
	struct quxreq_msg req;
	u8 buf[QUXREQ_MAX];

	if (len > QUXREQ_MAX)
		return -EINVAL;

	quxreq_msg_init(&req, 0, sizeof(req));
	req.len = len;
	memcpy(buf, data, len);
	return quxreq_xfer(qd, &req, buf);
}
