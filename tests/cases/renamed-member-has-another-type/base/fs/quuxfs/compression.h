#define EUCLEAN 117
#define unlikely(x) (x)
typedef unsigned int u32;

struct inode;
struct quux_inode;

struct compressed_bio {
	struct inode *inode;
	u32 compressed_len;
};

struct quux_ws {
	char *cbuf;
};

#define QUUX_I(i) ((struct quux_inode *)(i))
void quux_err(struct quux_inode *inode, const char *msg);
u32 quux_read_len(struct compressed_bio *cb, u32 at);
void quux_trace_segment(void *inode, u32 at, u32 len);
void quux_copy_segment(struct compressed_bio *cb, char *to, u32 len, u32 *at);
