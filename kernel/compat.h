/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mho - the differences between the kernels mho builds on (6.1 and later).
 * Each shim is the newer API, written with the older one.
 */
#ifndef _MHO_COMPAT_H
#define _MHO_COMPAT_H

#include <linux/hrtimer.h>
#include <linux/netdevice.h>
#include <linux/netfilter_ipv6.h>
#include <net/ip6_route.h>	/* ip6_fragment() */
#include <net/ipv6.h>
#include <net/xfrm.h>
#ifdef MHO_HAVE_NET_GSO_H
#include <net/gso.h>	/* skb_gso_segment(), in linux/netdevice.h before 6.4 */
#endif

/*
 * Kbuild defines MHO_HAVE_* by looking at the kernel's headers, so that
 * backported APIs are found too; see the Kbuild file.
 */

#ifndef MHO_HAVE_HRTIMER_SETUP
/* hrtimer_setup() replaced hrtimer_init() plus an assignment in 6.13. */
static inline void mho_hrtimer_setup(struct hrtimer *timer,
				     enum hrtimer_restart (*fn)(struct hrtimer *),
				     clockid_t clock_id,
				     enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock_id, mode);
	timer->function = fn;
}

#define hrtimer_setup mho_hrtimer_setup
#endif

/*
 * Set up a new state's type, mode and crypto, without the replay state
 * (the caller sets that up after). 6.14 dropped the init_replay and
 * offload arguments: offload is set up on its own, and the replay state
 * always after.
 */
static inline int mho_xfrm_init_state(struct xfrm_state *x,
				      struct netlink_ext_ack *extack)
{
#ifdef MHO_HAVE_XFRM_INIT_STATE_EXTACK
	return __xfrm_init_state(x, extack);
#else
	return __xfrm_init_state(x, false, false, extack);
#endif
}

/*
 * ip6_fragment(): modules reached it through netfilter's nf_ipv6_ops
 * (that is how openvswitch did) until that table went away and the
 * function was exported. Consumes @skb. Under RCU (the table).
 */
static inline int mho_ip6_fragment(struct net *net, struct sock *sk,
				   struct sk_buff *skb,
				   int (*output)(struct net *, struct sock *,
						 struct sk_buff *))
{
#ifdef MHO_HAVE_NF_IPV6_OPS
	const struct nf_ipv6_ops *v6ops = nf_get_ipv6_ops();

	if (!v6ops) {
		kfree_skb(skb);
		return -EAFNOSUPPORT;
	}
	return v6ops->fragment(net, sk, skb, output);
#else
	return ip6_fragment(net, sk, skb, output);
#endif
}

#endif /* _MHO_COMPAT_H */
