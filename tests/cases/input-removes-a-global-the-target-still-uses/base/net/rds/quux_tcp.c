// SPDX-License-Identifier: GPL-2.0
#include <linux/atomic.h>
#include "quux_tcp.h"

static atomic_t quux_tc_count;
static unsigned int quux_tc_limit = 64;

static void quux_set_callbacks(struct quux_conn *qc)
{
	qc->state = QUUX_UP;
	atomic_inc(&quux_tc_count);
}

static int quux_tc_full(void)
{
	return atomic_read(&quux_tc_count) >= quux_tc_limit;
}

int quux_conn_alloc(struct quux_conn *qc)
{
	if (quux_tc_full())
		return -ENOBUFS;
	quux_set_callbacks(qc);
	return 0;
}
