// SPDX-License-Identifier: GPL-2.0
#include "compression.h"

int quux_decompress_bio(struct quux_ws *ws, struct compressed_bio *cb)
{
	u32 cur_in = 0;
	u32 seg_len;

	while (cur_in < cb->compressed_len) {
		seg_len = quux_read_len(cb, cur_in);
		quux_trace_segment(cb->bbio.inode, cur_in, seg_len);

		/* Copy the compressed segment payload into workspace */
		quux_copy_segment(cb, ws->cbuf, seg_len, &cur_in);
	}
	return 0;
}
