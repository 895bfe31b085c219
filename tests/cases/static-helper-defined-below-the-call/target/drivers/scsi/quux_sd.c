// SPDX-License-Identifier: GPL-2.0
#include <linux/slab.h>
#include "quux_sd.h"

static int quux_setup_unmap(struct quux_cmnd *cmd)
{
	char *buf;
	int ret;

	buf = kzalloc(QUUX_UNMAP_LEN, GFP_NOIO);
	if (!buf)
		return -ENOMEM;
	cmd->buf = buf;

	ret = quux_map_sg(cmd);
	if (ret)
		return ret;

	cmd->len = QUUX_UNMAP_LEN;
	return 0;
}

static void quux_uninit_command(struct quux_cmnd *cmd)
{
	kfree(cmd->buf);
	cmd->buf = NULL;
}
