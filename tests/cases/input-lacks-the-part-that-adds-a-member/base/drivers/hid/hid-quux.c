// SPDX-License-Identifier: GPL-2.0
#include <linux/hid.h>

struct quux {
	struct hid_device *hdev;
	u8 *rxbuf;
	int rxbuf_idx;
};

static int quux_raw_event(struct hid_device *hdev, u8 *data, int size)
{
	struct quux *qx = hid_get_drvdata(hdev);

	if (data[3] > 60)
		return -EINVAL;
	memcpy(&qx->rxbuf[qx->rxbuf_idx], &data[4], data[3]);
	qx->rxbuf_idx += data[3];
	return 1;
}
