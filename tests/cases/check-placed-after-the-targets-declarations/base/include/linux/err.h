#ifndef _LINUX_ERR_H
#define _LINUX_ERR_H

#define EINVAL 22
#define ENOMEM 12

static inline void *ERR_PTR(long error)
{
	return (void *) error;
}

#endif
