#ifndef _LINUX_ERR_H
#define _LINUX_ERR_H

static inline long PTR_ERR(const void *ptr)
{
	return (long) ptr;
}

static inline bool IS_ERR(const void *ptr)
{
	return !ptr;
}

int bus_register(void *bus);
void bus_unregister(void *bus);

#endif
