/* SPDX-License-Identifier: GPL-2.0 */
#define WALDO_MTU	1536
#define EMSGSIZE	90

struct waldo_stats {
	u64 rx_bytes;
};

struct waldo_priv {
	void __iomem *regs;
	struct waldo_stats stats;
};

int waldo_read_len(struct waldo_priv *wp);
int waldo_copy_frame(struct waldo_priv *wp, void *buf, unsigned int len);
