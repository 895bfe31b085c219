// SPDX-License-Identifier: GPL-2.0
#include <net/bluetooth/qux_iso.h>

static void qux_conn_ready(struct qux_conn *conn)
{
	struct sock *parent = NULL;
	struct sock *sk;

	parent = qux_get_sock(conn->src, conn->dst, BT_LISTEN);
	if (!parent)
		return;

	lock_sock(parent);

	sk = qux_sock_alloc(parent);
	if (!sk) {
		release_sock(parent);
		return;
	}

	conn->sk = sk;
	release_sock(parent);
}
