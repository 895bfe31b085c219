/* SPDX-License-Identifier: GPL-2.0 */
#include "../common/quxacl.h"

struct qux_posix_parsed {
	u32 name_len;
	struct smb_sid owner;
	struct smb_sid group;
};

#define QUX_MOUNT_OVERR_UID	0x800

int qux_posix_parse(const void *info, struct qux_posix_parsed *out);
void qux_sid_to_id(unsigned int flags, struct smb_sid *sid, int *id);
