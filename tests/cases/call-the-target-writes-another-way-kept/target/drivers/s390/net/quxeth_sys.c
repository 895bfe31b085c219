// SPDX-License-Identifier: GPL-2.0
#include <linux/sysfs.h>
#include "quxeth_core.h"

static ssize_t quxeth_role_show(struct device *dev, char *buf, int show_state)
{
	struct quxeth_card *card = dev_get_drvdata(dev);
	const char *word = "none";
	int rc = 0;

	if (card->role == QUXETH_ROLE_PRIMARY)
		word = "primary";
	else if (card->role == QUXETH_ROLE_SECONDARY)
		word = "secondary";

	if (rc)
		QUXETH_TEXT(card, 2, "SBP%02x", card->role);
	else
		rc = sprintf(buf, "%s\n", word);

	return rc;
}
