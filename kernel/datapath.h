/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mho - what every file of the packet path shares: the control block of a
 * packet mho owns, the per-binding counters (struct mho_handoff.ctr,
 * counted with mho_ctr_inc()), and the way a packet mho took goes on
 * (datapath.c).
 */
#ifndef _MHO_DATAPATH_H
#define _MHO_DATAPATH_H

#include <linux/build_bug.h>
#include <linux/ipv6.h>
#include <linux/ktime.h>
#include <linux/skbuff.h>

/* Per-binding counters, in the order of MHO_CTR_A_HELD and after. */
enum mho_ctr {
	MHO_CTR_HELD,
	MHO_CTR_FORWARDED,
	MHO_CTR_COPIED,
	MHO_CTR_RELEASED,
	MHO_CTR_TUNNEL_RX,
	MHO_CTR_DUPLICATES,
	MHO_CTR_MARKERS_TX,
	MHO_CTR_MARKERS_RX,
	MHO_CTR_DROP_LIMIT,
	MHO_CTR_DROP_TOTAL,
	MHO_CTR_DROP_EXPIRED,
	MHO_CTR_DROP_ERROR,
	MHO_CTR_HOME_TUNNELLED,
	MHO_CTR_CACHED,
	MHO_CTR_REFORWARDED,
	MHO_CTR_CACHE_EXPIRED,
	MHO_CTR_CACHE_FULL,
	MHO_CTR_MH_MALFORMED,
	MHO_CTR_DROP_TOO_BIG,
	MHO_CTR_FRAG_FOLLOWED,
	MHO_NCTR,
};

/*
 * What mho keeps in skb->cb while it owns a packet. The IPv6 control block
 * comes first and is left intact: the packet resumes its way through the
 * stack (ip6_rcv_finish() or what stood for it) when it is released.
 */
struct mho_skb_cb {
	struct inet6_skb_parm h6;
	int (*okfn)(struct net *net, struct sock *sk, struct sk_buff *skb);
	union {
		ktime_t when;	/* home agent cache: when the copy was made */
		u32 seq;	/* nAR, old stream: its sequence number, 0 for
				 * a bicast copy
				 */
	};
};

static_assert(sizeof(struct mho_skb_cb) <= sizeof_field(struct sk_buff, cb));

#define MHO_SKB_CB(skb) ((struct mho_skb_cb *)(skb)->cb)

void mho_reinject(struct sk_buff *skb);
bool mho_reinjecting(const struct sk_buff *skb);

#endif /* _MHO_DATAPATH_H */
