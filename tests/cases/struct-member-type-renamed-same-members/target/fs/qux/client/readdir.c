// SPDX-License-Identifier: GPL-2.0
#include "quxpdu.h"

static void qux_posix_to_id(const void *info, unsigned int flags, int *uid, int *gid)
{
	struct qux_posix_parsed parsed;

	qux_posix_parse(info, &parsed);
	qux_sid_to_id(flags, &parsed.owner, uid);

	qux_sid_to_id(flags, &parsed.group, gid);
}
