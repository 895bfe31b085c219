// SPDX-License-Identifier: GPL-2.0
#include <net/quxp/structs.h>

static int quxp_verify_init(struct quxp_init_chunk *init)
{
	return init->type == 1;
}

int quxp_sf_do_cookie_echo(struct quxp_chunk *chunk)
{
	struct quxp_init_chunk *peer_init;
	int err = 0;

	if (!chunk->subh.cookie_hdr)
		return -EINVAL;

	chunk->chunk_end = 0;
	return err;
}
