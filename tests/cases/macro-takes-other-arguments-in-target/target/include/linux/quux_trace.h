struct quux_entry {
	int id;
	int seen;
	char name[16];
};

int quux_next_id(int flags);

#define __assign_str(dst, src) quux_copy_str(dst, src)
