// SPDX-License-Identifier: GPL-2.0
/*
 * mho - the IPv6-in-IPv6 tunnel between peers (RFC 2473).
 *
 * Sending: a packet for the MN gets mho's destination option and an outer
 * IPv6 header from our endpoint to the peer, and leaves through
 * ip6_local_out() with a route from ip6_dst_lookup_flow(). That route
 * lookup is where XFRM applies the operator's policies: with a policy for
 * "proto ipv6" between the two routers the packet leaves ESP-protected.
 *
 * Receiving: the netfilter hook hands over packets whose first extension
 * header is a destination options header. If it carries mho's option, the
 * packet must come from a configured peer, be addressed to this router and
 * pass the XFRM inbound policy check; then it is decapsulated and goes on
 * as the inner packet. Anything else carrying the option is dropped and
 * counted as untrusted.
 */

#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <net/addrconf.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/xfrm.h>
#include <linux/mho.h>

#include "mho.h"
#include "binding.h"
#include "handoff.h"
#include "peer.h"
#include "tunnel.h"

#define MHO_ENCAP_LEN	(sizeof(struct ipv6hdr) + sizeof(struct mho_opt_hdr))

/* A route to @daddr for IPv6-in-IPv6; @saddr :: lets routing choose. */
static struct dst_entry *mho_tunnel_route(struct net *net,
					  const struct in6_addr *daddr,
					  const struct in6_addr *saddr,
					  struct flowi6 *fl6)
{
	memset(fl6, 0, sizeof(*fl6));
	fl6->flowi6_proto = IPPROTO_IPV6;
	fl6->daddr = *daddr;
	fl6->saddr = *saddr;
	return ip6_dst_lookup_flow(net, NULL, fl6, NULL);
}

/*
 * Put the outer headers in front of @skb and send it; consumes @skb.
 * @opt: with mho's destination option (@flags, @seq) between the two
 * IPv6 headers; without, plain RFC 2473.
 */
static int mho_tunnel_push(struct net *net, struct dst_entry *dst,
			   const struct flowi6 *fl6, struct sk_buff *skb,
			   bool opt, u8 flags, u32 seq)
{
	const struct ipv6hdr *inner = ipv6_hdr(skb);
	struct mho_opt_hdr *oh;
	struct ipv6hdr *ip6;
	int err;

	if (skb_cow_head(skb, LL_RESERVED_SPACE(dst->dev) + dst->header_len +
			 MHO_ENCAP_LEN)) {
		dst_release(dst);
		kfree_skb(skb);
		return -ENOMEM;
	}
	inner = ipv6_hdr(skb);

	if (opt) {
		oh = skb_push(skb, sizeof(*oh));
		memset(oh, 0, sizeof(*oh));
		oh->nexthdr = IPPROTO_IPV6;
		oh->hdrlen = 1;
		oh->type = MHO_OPT_TYPE;
		oh->len = 8;
		oh->magic = htons(MHO_OPT_MAGIC);
		oh->version = MHO_OPT_VERSION;
		oh->flags = flags;
		oh->seq = htonl(seq);
		oh->pad_type = IPV6_TLV_PADN;
		oh->pad_len = 2;
	}

	ip6 = skb_push(skb, sizeof(*ip6));
	skb_reset_network_header(skb);
	ip6_flow_hdr(ip6, ip6_tclass(ip6_flowinfo(inner)), 0);
	ip6->nexthdr = opt ? NEXTHDR_DEST : IPPROTO_IPV6;
	ip6->hop_limit = ip6_dst_hoplimit(dst);
	ip6->saddr = fl6->saddr;
	ip6->daddr = fl6->daddr;

	skb->protocol = htons(ETH_P_IPV6);
	if (skb->ip_summed == CHECKSUM_COMPLETE)
		skb->ip_summed = CHECKSUM_NONE;
	memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
	/* RFC 2473 section 7: the entry point fragments what does not fit. */
	skb->ignore_df = 1;
	skb_dst_set(skb, dst);

	err = ip6_local_out(net, NULL, skb);
	return net_xmit_eval(err) ? -ENOBUFS : 0;
}

/*
 * Tunnel @skb, a packet this router received for the MN of @b, to @peer.
 * @numbered: it is forwarded to the binding's peer and gets the next
 * sequence number (the end-marker says how many there were); bicast
 * copies carry 0. Consumes @skb. BH context, under RCU.
 */
/* Forwarding @skb: the inner hop limit goes down by one. */
static int mho_tunnel_forwarding(struct sk_buff *skb)
{
	if (skb_ensure_writable(skb, sizeof(struct ipv6hdr)) ||
	    ipv6_hdr(skb)->hop_limit <= 1)
		return -EINVAL;
	ipv6_hdr(skb)->hop_limit--;
	skb_scrub_packet(skb, false);
	return 0;
}

/*
 * Tunnel @skb, a packet this router received for the MN of @b, to @daddr
 * from @saddr (:: lets routing choose); with mho's option if @opt, and
 * then the next sequence number if @numbered. Consumes @skb.
 */
static int mho_tunnel_forward(struct mho_binding *b, struct sk_buff *skb,
			      const struct in6_addr *daddr,
			      const struct in6_addr *saddr, bool opt,
			      bool numbered)
{
	struct net *net = b->mn->net;
	struct dst_entry *dst;
	struct flowi6 fl6;
	int err;

	err = mho_tunnel_forwarding(skb);
	if (err) {
		kfree_skb(skb);
		return err;
	}
	dst = mho_tunnel_route(net, daddr, saddr, &fl6);
	if (IS_ERR(dst)) {
		kfree_skb(skb);
		return PTR_ERR(dst);
	}
	return mho_tunnel_push(net, dst, &fl6, skb, opt, 0,
			       numbered ? atomic_inc_return(&b->h->tx_seq) : 0);
}

int mho_tunnel_xmit(struct mho_binding *b, const struct mho_peer *peer,
		    struct sk_buff *skb, bool numbered)
{
	return mho_tunnel_forward(b, skb, &peer->addr, &peer->local, true,
				  numbered);
}

/*
 * Home agent: tunnel @skb, a packet for the home address of @b, to the
 * care-of address @coa, RFC 2473 style (no mho option: the MN's own
 * tunnel device decapsulates it). The outer source is routing's choice
 * (a route's preferred source, for one). Consumes @skb. BH context.
 */
int mho_tunnel_xmit_home(struct mho_binding *b, struct sk_buff *skb,
			 const struct in6_addr *coa)
{
	return mho_tunnel_forward(b, skb, coa, &in6addr_any, false, false);
}

/*
 * An end-marker: mho's option with MHO_OPT_F_END and, inside, an empty
 * IPv6 packet to @inner, which names the binding at @peer; @seq counts
 * the packets numbered before it. It is an IPv6-in-IPv6 packet like the
 * others, so the same XFRM policies protect it. BH context.
 */
static int mho_tunnel_marker(struct net *net, const struct in6_addr *peer,
			     const struct in6_addr *local,
			     const struct in6_addr *inner, u32 seq)
{
	struct dst_entry *dst;
	struct ipv6hdr *ip6;
	struct sk_buff *skb;
	struct flowi6 fl6;
	int hlen;

	dst = mho_tunnel_route(net, peer, local, &fl6);
	if (IS_ERR(dst))
		return PTR_ERR(dst);

	hlen = LL_RESERVED_SPACE(dst->dev) + dst->header_len + MHO_ENCAP_LEN;
	skb = alloc_skb(hlen + sizeof(*ip6), GFP_ATOMIC);
	if (!skb) {
		dst_release(dst);
		return -ENOMEM;
	}
	skb_reserve(skb, hlen);
	ip6 = skb_put(skb, sizeof(*ip6));
	skb_reset_network_header(skb);
	ip6_flow_hdr(ip6, 0, 0);
	ip6->payload_len = 0;
	ip6->nexthdr = NEXTHDR_NONE;
	ip6->hop_limit = 255;
	ip6->saddr = fl6.saddr;
	ip6->daddr = *inner;

	return mho_tunnel_push(net, dst, &fl6, skb, true, MHO_OPT_F_END, seq);
}

static void mho_tunnel_marker_sent(struct mho_binding *b, int err)
{
	mho_ctr_inc(b->h, err ? MHO_CTR_DROP_ERROR : MHO_CTR_MARKERS_TX);
}

/*
 * pAR: the end-marker to the binding's peer, after every packet it
 * forwarded, naming the MN by its first address. BH context.
 */
void mho_tunnel_send_marker(struct mho_binding *b)
{
	struct mho_addr *addr = NULL;
	const struct mho_peer *peer;
	int slot, err = -ENOENT;

	rcu_read_lock();
	peer = READ_ONCE(b->peer);
	for (slot = 0; slot < MHO_NSLOTS && !addr; slot++)
		addr = READ_ONCE(b->addr[slot]);
	if (peer && addr)
		err = mho_tunnel_marker(b->mn->net, &peer->addr, &peer->local,
					&addr->addr, atomic_read(&b->h->tx_seq));
	rcu_read_unlock();
	mho_tunnel_marker_sent(b, err);
}

/*
 * Home agent: the end-marker down the old path, to the AR that served
 * the MN at @old_coa. The home agent numbers nothing: the count is 0.
 * BH context.
 */
void mho_tunnel_send_home_marker(struct mho_binding *b,
				 const struct in6_addr *peer,
				 const struct in6_addr *local,
				 const struct in6_addr *old_coa)
{
	mho_tunnel_marker_sent(b, mho_tunnel_marker(b->mn->net, peer, local,
						    old_coa, 0));
}

/*
 * Where a decapsulated packet goes once mho lets it go: routing, as
 * ip6_rcv_finish() would do it (that is not exported). Policy routing on
 * the inner packet works; the early demux and l3mdev steps of
 * ip6_rcv_finish() do not apply to a packet that is forwarded to an MN.
 */
int mho_tunnel_finish(struct net *net, struct sock *sk, struct sk_buff *skb)
{
	const struct ipv6hdr *ip6 = ipv6_hdr(skb);
	struct flowi6 fl6 = {
		.flowi6_iif = skb->dev->ifindex,
		.daddr = ip6->daddr,
		.saddr = ip6->saddr,
		.flowlabel = ip6_flowinfo(ip6),
		.flowi6_mark = skb->mark,
		.flowi6_proto = ip6->nexthdr,
	};
	struct dst_entry *dst;

	dst = ip6_route_input_lookup(net, skb->dev, &fl6, skb,
				     RT6_LOOKUP_F_HAS_SADDR);
	skb_dst_drop(skb);
	skb_dst_set(skb, dst);
	return dst_input(skb);
}

static unsigned int mho_tunnel_untrusted(struct mho_net *mn)
{
	atomic64_inc(&mn->untrusted);
	return NF_DROP;
}

/*
 * A packet whose first extension header is a destination options header
 * reached the hook. Returns -ENOENT if it is not mho's, else the hook's
 * verdict. BH context, under RCU.
 */
int mho_tunnel_rcv(struct mho_net *mn, struct sk_buff *skb,
		   const struct nf_hook_state *st)
{
	const struct mho_opt_hdr *opt;
	const struct ipv6hdr *outer, *inner;
	struct mho_handoff *h;
	struct mho_binding *b;
	struct mho_peer *peer;
	unsigned int plen;
	u32 seq;
	u8 flags;

	if (!pskb_may_pull(skb, MHO_ENCAP_LEN))
		return -ENOENT;
	outer = ipv6_hdr(skb);
	opt = (const struct mho_opt_hdr *)(outer + 1);
	if (opt->hdrlen != 1 || opt->type != MHO_OPT_TYPE || opt->len != 8 ||
	    opt->magic != htons(MHO_OPT_MAGIC))
		return -ENOENT;
	/*
	 * In transport mode XFRM puts ESP or AH after our destination
	 * options header. The packet comes back through this hook once it
	 * has been decrypted (xfrm6_transport_finish()); judge it then.
	 */
	if (opt->nexthdr == NEXTHDR_ESP || opt->nexthdr == NEXTHDR_AUTH)
		return -ENOENT;
	/* Transit traffic is not ours to open. */
	peer = mho_peer_find(mn, &outer->saddr);
	if (peer && !ipv6_addr_any(&peer->local)) {
		if (!ipv6_addr_equal(&peer->local, &outer->daddr))
			return mho_tunnel_untrusted(mn);
	} else if (!ipv6_chk_addr(st->net, &outer->daddr, NULL, 0)) {
		return -ENOENT;
	}
	if (!peer || opt->version != MHO_OPT_VERSION ||
	    opt->nexthdr != IPPROTO_IPV6)
		return mho_tunnel_untrusted(mn);
	if (!xfrm6_policy_check(NULL, XFRM_POLICY_IN, skb))
		return mho_tunnel_untrusted(mn);
	flags = opt->flags;
	seq = ntohl(opt->seq);

	/* Decapsulate: from here on the packet is the inner one. */
	if (!pskb_may_pull(skb, MHO_ENCAP_LEN + sizeof(*inner)))
		return mho_tunnel_untrusted(mn);
	skb_pull_rcsum(skb, MHO_ENCAP_LEN);
	skb_reset_network_header(skb);
	skb_set_transport_header(skb, sizeof(*inner));
	inner = ipv6_hdr(skb);
	plen = ntohs(inner->payload_len);
	/*
	 * The inner packet skips ip6_rcv_core(): a hop-by-hop header would
	 * go unprocessed, so such packets are refused.
	 */
	if (inner->version != 6 || inner->nexthdr == NEXTHDR_HOP ||
	    plen + sizeof(*inner) > skb->len ||
	    pskb_trim_rcsum(skb, plen + sizeof(*inner)))
		return mho_tunnel_untrusted(mn);
	inner = ipv6_hdr(skb);
	/* Forget the outer packet's route, IPsec state and conntrack entry. */
	skb_scrub_packet(skb, false);
	memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
	IP6CB(skb)->iif = skb->dev->ifindex;
	IP6CB(skb)->nhoff = offsetof(struct ipv6hdr, nexthdr);

	b = mho_binding_lookup_rcu(mn, &inner->daddr);
	if (b && b->role == MHO_ROLE_NAR) {
		struct mho_peer *want = READ_ONCE(b->peer);

		if (want && want != peer)
			return mho_tunnel_untrusted(mn);
	} else if (!b || b->role != MHO_ROLE_PAR || !(flags & MHO_OPT_F_END)) {
		b = NULL;
	}
	/* A binding that never left idle has no handoff state to update. */
	h = b ? READ_ONCE(b->h) : NULL;

	if (flags & MHO_OPT_F_END) {
		if (inner->nexthdr != NEXTHDR_NONE || plen || !b)
			return mho_tunnel_untrusted(mn);
		if (h)
			mho_handoff_marker(b, seq);
		consume_skb(skb);
		return NF_STOLEN;
	}
	/*
	 * The inner packet goes on through mho_tunnel_finish(), not through
	 * the hook's continuation: after XFRM that defers packets to a
	 * tasklet, and held packets delivered meanwhile would overtake them.
	 */
	MHO_SKB_CB(skb)->okfn = mho_tunnel_finish;
	if (h) {
		unsigned int verdict;

		mho_ctr_inc(h, MHO_CTR_TUNNEL_RX);
		verdict = mho_handoff_rx(b, skb, true, seq, NULL);
		if (verdict != NF_ACCEPT)
			return verdict;
	}
	/* No binding here: a plain tunnel endpoint. */
	mho_handoff_reinject(skb);
	return NF_STOLEN;
}
