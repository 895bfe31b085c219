/* SPDX-License-Identifier: GPL-2.0 */
#include "quxacl.h"

struct qux_posix_parsed {
	u32 name_len;
	struct cifs_sid owner;
	struct cifs_sid group;
};

#define QUX_MOUNT_OVERR_UID	0x800

int qux_posix_parse(const void *info, struct qux_posix_parsed *out);
void qux_sid_to_id(unsigned int flags, struct cifs_sid *sid, int *id);
