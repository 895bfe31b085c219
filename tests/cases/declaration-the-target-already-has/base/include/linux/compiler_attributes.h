/* SPDX-License-Identifier: GPL-2.0 */
#define __aligned(x)	__attribute__((__aligned__(x)))
