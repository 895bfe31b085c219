struct quux_vdpa {
	spinlock_t stats_lock;
	spinlock_t config_lock;
	unsigned long calls;
	void *config_cb;
};

void quux_release_cb(void *cb);
