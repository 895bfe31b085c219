/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _QUXETH_CORE_H
#define _QUXETH_CORE_H

#define QUXETH_ROLE_NONE	0
#define QUXETH_ROLE_PRIMARY	1
#define QUXETH_ROLE_SECONDARY	2
#define QUXETH_TEXT(card, level, fmt, ...) do { } while (0)

struct device;
struct quxeth_card {
	int role;
	bool os_mismatch;
};

void *dev_get_drvdata(struct device *dev);

#endif
