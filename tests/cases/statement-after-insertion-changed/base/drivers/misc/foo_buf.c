// SPDX-License-Identifier: GPL-2.0
#include <linux/foo_buf.h>

int foo_split_buffer(struct foo_buf *buf, struct list_head *list)
{
	struct foo_dev *fdev = buf->dev;
	struct foo_map *map = NULL;
	int extra_refs, ret;

	if (foo_buf_locked(buf))
		return -EBUSY;

	if (foo_buf_writeback(buf))
		return -EBUSY;

	if (foo_buf_mapped(buf)) {
		map = foo_buf_get_map(buf);
		if (!map) {
			ret = -EBUSY;
			goto out;
		}
		foo_map_lock(map);
	}

	extra_refs = foo_buf_refs(buf);
	ret = foo_dev_split(fdev, buf, list, extra_refs);
	if (map)
		foo_map_unlock(map);
out:
	return ret;
}
