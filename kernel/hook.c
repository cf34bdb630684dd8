// SPDX-License-Identifier: GPL-2.0
/*
 * mho - the netfilter hook: every IPv6 packet that enters the namespace is
 * matched, by destination address, against the bindings.
 *
 * A packet that matches no binding costs two bit tests of the address
 * filter, or, for the few the filter lets through, one RCU hash lookup,
 * and nothing else (multicast ICMPv6 is also checked for an MN's Neighbor
 * Advertisement, and packets that start with a destination options header
 * for mho's tunnel option). netfilter calls the hook under rcu_read_lock().
 */

#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv6.h>
#include <linux/skbuff.h>
#include <net/ipv6.h>
#include <net/ndisc.h>
#include <linux/mho.h>

#include "mho.h"
#include "bindtab.h"
#include "datapath.h"
#include "filter.h"
#include "handoff.h"
#include "home.h"
#include "hook.h"
#include "tunnel.h"

/*
 * An unsolicited Neighbor Advertisement from one of an MN's addresses: the
 * MN has attached to this router's access link. Only multicast ICMPv6
 * packets get here, so the rest of the traffic never pays for it; it is
 * kept out of line so that mho_hook_in() needs no stack buffer (nor stack
 * protector) for them.
 */
static noinline void mho_hook_na(struct mho_net *mn, struct sk_buff *skb)
{
	const struct ipv6hdr *ip6 = ipv6_hdr(skb);
	struct mho_binding *b;
	struct nd_msg _na;
	const struct nd_msg *na;

	b = mho_binding_lookup_rcu(mn, &ip6->saddr);
	if (!b || b->role != MHO_ROLE_NAR || ip6->hop_limit != 255)
		return;
	na = skb_header_pointer(skb, sizeof(*ip6), sizeof(_na), &_na);
	if (!na || na->icmph.icmp6_type != NDISC_NEIGHBOUR_ADVERTISEMENT ||
	    na->icmph.icmp6_code || na->icmph.icmp6_solicited ||
	    !ipv6_addr_equal(&na->target, &ip6->saddr))
		return;
	mho_handoff_attach(b);
}

/* Everything but the common case of mho_hook_in(), below. */
static noinline unsigned int mho_hook_slow(struct mho_net *mn,
					   struct sk_buff *skb,
					   const struct nf_hook_state *state)
{
	const struct ipv6hdr *ip6 = ipv6_hdr(skb);
	struct mho_pcpu_stats *stats;
	struct mho_binding *b;
	int verdict;

	/* ip6_rcv_core() has already pulled and checked the IPv6 header. */
	if (unlikely(ip6->nexthdr == NEXTHDR_DEST)) {
		verdict = mho_tunnel_rcv(mn, skb, state);
		if (verdict != -ENOENT)
			return verdict;
	}

	b = mho_binding_lookup_rcu(mn, &ip6->daddr);
	if (likely(!b)) {
		if (unlikely(ip6->nexthdr == IPPROTO_ICMPV6 &&
			     ipv6_addr_is_multicast(&ip6->daddr)))
			mho_hook_na(mn, skb);
		return NF_ACCEPT;
	}
	/* A held packet on its way again: it was counted and handled. */
	if (mho_reinjecting(skb))
		return NF_ACCEPT;

	atomic64_inc(&b->rx_pkts);
	atomic64_add(skb->len, &b->rx_bytes);

	stats = this_cpu_ptr(mn->stats);
	u64_stats_update_begin(&stats->syncp);
	u64_stats_inc(&stats->rx_pkts);
	u64_stats_add(&stats->rx_bytes, skb->len);
	u64_stats_update_end(&stats->syncp);

	/* The role decides: a home agent tunnels, an access router holds. */
	if (b->role == MHO_ROLE_HA)
		return mho_home_rx(b, skb);
	return mho_handoff_rx(b, skb, state);
}

/*
 * @priv is the namespace's mho_net (mho_hook_net_init()). The common case,
 * a packet to an address no binding has and without a destination options
 * header first, is decided here by the address filter (filter.h), in a few
 * instructions and without a call; the rest goes to mho_hook_slow().
 */
static unsigned int mho_hook_in(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	const struct ipv6hdr *ip6 = ipv6_hdr(skb);
	struct mho_net *mn = priv;

	if (likely(ip6->nexthdr != NEXTHDR_DEST &&
		   !mho_filter_maybe(rcu_dereference(mn->filter.cur),
				     &ip6->daddr) &&
		   !(ip6->nexthdr == IPPROTO_ICMPV6 &&
		     ipv6_addr_is_multicast(&ip6->daddr))))
		return NF_ACCEPT;
	return mho_hook_slow(mn, skb, state);
}

/*
 * After defragmentation (when conntrack is loaded, mho sees whole tunnel
 * packets) and before conntrack: a packet mho holds has no conntrack entry
 * yet, and gets one when it is released and the PRE_ROUTING chain runs for
 * it again (see mho_reinject()). mho also sees the address the
 * packet was really sent to, before any destination NAT.
 *
 * Each namespace registers its own copy, whose priv is its mho_net: the
 * hook then needs no net_generic() lookup per packet. The copy lives in
 * the mho_net, which outlives the registration (mho_net_pre_exit()).
 */
static const struct nf_hook_ops mho_hook_template = {
	.hook		= mho_hook_in,
	.pf		= NFPROTO_IPV6,
	.hooknum	= NF_INET_PRE_ROUTING,
	.priority	= NF_IP6_PRI_CONNTRACK_DEFRAG + 1,
};

int mho_hook_net_init(struct mho_net *mn)
{
	mn->hook_ops = mho_hook_template;
	mn->hook_ops.priv = mn;
	return nf_register_net_hook(mn->net, &mn->hook_ops);
}

void mho_hook_net_exit(struct mho_net *mn)
{
	nf_unregister_net_hook(mn->net, &mn->hook_ops);
}
