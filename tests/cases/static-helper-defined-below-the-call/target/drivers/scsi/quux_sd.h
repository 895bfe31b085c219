struct quux_cmnd {
	char *buf;
	unsigned int len;
};

#define QUUX_UNMAP_LEN 24

int quux_map_sg(struct quux_cmnd *cmd);
