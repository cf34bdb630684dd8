/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mho - an index of the namespace's IPv6 SAs and policies by the addresses
 * they name, so that a context export or move finds an MN's SAs and
 * policies in time proportional to their number, not to every SA and
 * policy of the namespace (see Documentation/context.rst, "Cost").
 */
#ifndef _MHO_XFRM_INDEX_H
#define _MHO_XFRM_INDEX_H

#include <linux/in6.h>
#include <linux/types.h>
#include <net/xfrm.h>

struct sk_buff;

int mho_xi_init(void);
void mho_xi_exit(void);

/*
 * Call @sa_fn for every SA with one of @addr (@n of them) at either end of
 * its outer addresses, or @pol_fn for every policy naming one of them in a
 * template's outer addresses or as a /128 of its selector, as the XFRM
 * walks would (newest first per address; the callbacks apply their own
 * tests, and a callback's error stops the calls and is returned). Each
 * object is passed once, with a reference held for the call; no lock is
 * held. Returns -EAGAIN, before any call, when the index cannot serve (the
 * caller walks XFRM instead). Process context.
 */
int mho_xi_states(struct net *net, const struct in6_addr *addr, int n,
		  int (*sa_fn)(struct xfrm_state *x, int count, void *arg),
		  void *arg);
int mho_xi_policies(struct net *net, const struct in6_addr *addr, int n,
		    int (*pol_fn)(struct xfrm_policy *xp, int dir, int count,
				  void *arg),
		    void *arg);

/* MHO_STATS_A_CTX_INDEX_*, for MHO_CMD_STATS_GET. */
int mho_xi_put_stats(struct sk_buff *skb, struct net *net);

/*
 * Tell XFRM's key managers (netlink, PF_KEY, this index) about mho's own
 * changes, as xfrm_user does for the ones made through netlink.
 */
void mho_xi_notify_sa(struct xfrm_state *x, int event);
void mho_xi_notify_policy(struct xfrm_policy *xp, int dir, int event);

#endif /* _MHO_XFRM_INDEX_H */
