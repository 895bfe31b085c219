// SPDX-License-Identifier: GPL-2.0
#include "quux_socket.h"

static int quux_wait_for_connect(struct quux_assoc *, long *timeo_p);

int quux_sendmsg_to_asoc(struct quux_assoc *asoc, struct quux_transport *transport, long timeo)
{
	int err = 0;

	if (quux_state(asoc) == QUUX_CLOSED) {
		err = quux_connect_new_asoc(asoc);
		if (err)
			return err;
		err = quux_wait_for_connect(asoc, &timeo);
		if (err)
			return err;
	}
	return quux_send(asoc, transport);
}

static int quux_wait_for_connect(struct quux_assoc *asoc, long *timeo_p)
{
	return quux_wait(asoc, *timeo_p);
}
