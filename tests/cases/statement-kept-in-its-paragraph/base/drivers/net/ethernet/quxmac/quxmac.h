#include <linux/spinlock.h>

struct quxmac_plat {
	int clk_csr;
};

struct quxmac_priv {
	struct quxmac_plat *plat;
	struct mutex lock;
	rwlock_t ptp_lock;
	int clk_csr;
};
