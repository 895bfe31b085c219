/* SPDX-License-Identifier: GPL-2.0 */
#define QUXREQ_MAX	64

struct quxreq_msg {
	u32 len;
};

struct quxreq_dev {
	u64 stats[4];
	unsigned int pending;
};

int quxreq_xfer(struct quxreq_dev *qd, struct quxreq_msg *req, u8 *buf);
