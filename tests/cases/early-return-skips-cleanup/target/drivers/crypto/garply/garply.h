/* SPDX-License-Identifier: GPL-2.0 */
#include <uapi/asm-generic/errno-base.h>
#define GARPLY_KEY_MAX	64

struct garply_dev {
	void __iomem *regs;
	u8 key_buf[GARPLY_KEY_MAX];
};

int garply_hw_lock(struct garply_dev *gd);
void garply_hw_unlock(struct garply_dev *gd);
int garply_hw_load_key(struct garply_dev *gd, const u8 *key, size_t len);
