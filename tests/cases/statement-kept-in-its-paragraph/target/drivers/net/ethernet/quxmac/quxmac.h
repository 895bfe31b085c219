#include <linux/spinlock.h>

struct quxmac_plat {
	int clk_csr;
};

struct quxmac_fpe_cfg {
	int verify_retries;
	int verify_time;
	int status;
	struct timer_list verify_timer;
	int lock;
};

struct quxmac_priv {
	struct quxmac_plat *plat;
	struct mutex lock;
	rwlock_t ptp_lock;
	struct quxmac_fpe_cfg fpe_cfg;
	int clk_csr;
};
