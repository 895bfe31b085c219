struct quux_assoc;
struct quux_transport;

#define QUUX_CLOSED 0

int quux_state(struct quux_assoc *asoc);
int quux_connect_new_asoc(struct quux_assoc *asoc);
int quux_send(struct quux_assoc *asoc, struct quux_transport *t);
int quux_wait(struct quux_assoc *asoc, long timeo);
