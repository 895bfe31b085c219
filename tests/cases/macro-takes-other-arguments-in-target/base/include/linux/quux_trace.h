struct quux_entry {
	int id;
	int seen;
	char name[16];
};

int quux_next_id(void);

#define __assign_str(dst) quux_copy_str(dst)
