struct quux_conn {
	int state;
	int seen;
};

#define QUUX_UP 1

unsigned int quux_conn_count(void);
