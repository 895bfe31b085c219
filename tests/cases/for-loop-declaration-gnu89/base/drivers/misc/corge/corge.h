/* SPDX-License-Identifier: GPL-2.0 */
#define CORGE_RING_CTRL		0x40
#define CORGE_NUM_RINGS		4

struct corge_ring {
	u32 head;
	u32 tail;
};

struct corge_dev {
	void __iomem *regs;
	struct corge_ring ring[CORGE_NUM_RINGS];
	bool rings_active;
};

void corge_irq_disable(struct corge_dev *cd);
