/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _COMMON_QUXACL_H
#define _COMMON_QUXACL_H

struct smb_sid {
	__u8 revision;
	__u8 num_subauth;
	__u8 authority[6];
	__le32 sub_auth[15];
} __packed;

#endif
