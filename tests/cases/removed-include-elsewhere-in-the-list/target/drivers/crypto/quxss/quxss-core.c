// SPDX-License-Identifier: GPL-2.0
/*
 * quxss-core.c - hardware cryptographic offloader
 */

#include <linux/clk.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/module.h>
#include <crypto/internal/rng.h>
#include <crypto/internal/skcipher.h>

#include "quxss.h"

static int quxss_probe(struct quxss_dev *ss)
{
	return quxss_register(ss);
}
