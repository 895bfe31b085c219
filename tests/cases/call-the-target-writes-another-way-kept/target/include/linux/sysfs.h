/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SYSFS_H_
#define _SYSFS_H_

int sysfs_emit(char *buf, const char *fmt, ...);
int sprintf(char *buf, const char *fmt, ...);

#endif
