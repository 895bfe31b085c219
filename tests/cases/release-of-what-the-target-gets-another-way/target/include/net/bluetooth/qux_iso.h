/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _QUX_ISO_H
#define _QUX_ISO_H

struct sock { int sk_state; };
struct qux_conn { struct sock *sk; int src; int dst; };

struct sock *qux_get_sock(int src, int dst, int state);
struct sock *qux_get_sock_listen(int src, int dst);
struct sock *qux_sock_alloc(struct sock *parent);
void lock_sock(struct sock *sk);
void release_sock(struct sock *sk);
void sock_put(struct sock *sk);

#define BT_LISTEN 4

#endif
