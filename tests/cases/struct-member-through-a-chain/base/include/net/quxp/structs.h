/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _QUXP_STRUCTS_H
#define _QUXP_STRUCTS_H

struct quxp_init_chunk {
	__u8 type;
	__u8 flags;
	__be16 length;
};

struct quxp_cookie {
	__u32 my_vtag;
	__u32 peer_vtag;
	__u32 raw_addr_list_len;
	struct quxp_init_chunk peer_init[];
};

struct quxp_signed_cookie {
	__u8 signature[32];
	__u32 __pad;
	struct quxp_cookie c;
} __packed;

struct quxp_chunk {
	struct list_head list;
	union {
		__be32 *v;
		struct quxp_datahdr *data_hdr;
		struct quxp_signed_cookie *cookie_hdr;
	} subh;
	unsigned int chunk_end;
};

#endif
