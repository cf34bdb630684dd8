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
#include <net/ipv6_frag.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>
#include <net/xfrm.h>
#include <linux/mho.h>

#include "mho.h"
#include "bindtab.h"
#include "compat.h"
#include "datapath.h"
#include "handoff.h"
#include "event.h"
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
 * The largest inner packet the tunnel can carry: the outer header's
 * payload length is 16 bits, and it counts mho's option too. Larger ones
 * (from a link with a larger MTU) get a Packet Too Big with this MTU.
 */
static unsigned int mho_tunnel_max_inner(bool opt)
{
	return IPV6_MAXPLEN - (opt ? sizeof(struct mho_opt_hdr) : 0);
}

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
 * Tunnel one packet the size of a wire packet to every destination of
 * @tx, with the next sequence number if @tx numbers them. Consumes @skb.
 * Returns how many were sent.
 */
static unsigned int mho_tunnel_one(const struct mho_tunnel_tx *tx,
				   struct sk_buff *skb)
{
	struct mho_handoff *h = tx->b->h;
	struct net *net = h->mn->net;
	unsigned int i, sent = 0;
	struct dst_entry *dst;
	struct sk_buff *out;
	struct flowi6 fl6;
	u32 seq;

	seq = tx->numbered ? atomic_inc_return(&h->tx_seq) : 0;
	for (i = 0; i < tx->n; i++) {
		out = i + 1 < tx->n ? skb_clone(skb, GFP_ATOMIC) : skb;
		if (!out) {
			mho_ctr_inc(h, MHO_CTR_DROP_ERROR);
			continue;
		}
		dst = mho_tunnel_route(net, tx->daddr[i], tx->saddr[i], &fl6);
		if (IS_ERR(dst)) {
			kfree_skb(out);
			mho_ctr_inc(h, MHO_CTR_DROP_ERROR);
			continue;
		}
		if (mho_tunnel_push(net, dst, &fl6, out, tx->opt, 0, seq)) {
			mho_ctr_inc(h, MHO_CTR_DROP_ERROR);
			continue;
		}
		mho_ctr_inc(h, tx->ok);
		sent++;
	}
	return sent;
}

/*
 * ip6_fragment() hands each fragment to an output function with no room
 * for an argument: mho_tunnel_refrag() leaves the transmission in
 * progress on this CPU here (BH context: nothing else runs on it
 * meanwhile), with the count so far.
 */
struct mho_refrag {
	const struct mho_tunnel_tx *tx;
	unsigned int sent;
};

static DEFINE_PER_CPU(struct mho_refrag *, mho_refrag);

static int mho_tunnel_refrag_out(struct net *net, struct sock *sk,
				 struct sk_buff *skb)
{
	struct mho_refrag *rf = __this_cpu_read(mho_refrag);

	skb_dst_drop(skb);
	rf->sent += mho_tunnel_one(rf->tx, skb);
	/* A fragment that could not be sent is counted; go on with the rest. */
	return 0;
}

/*
 * A datagram the netfilter defragmenter reassembled (conntrack is loaded):
 * fragment it again as ip6_output() would on a link, no larger than the
 * fragments it came in (IP6CB frag_max_size), and tunnel each fragment.
 * ip6_fragment() needs a route for its headroom and MTU: the tunnel's, whose
 * MTU is made to bound the fragment size so that it never answers a
 * Packet Too Big (the tunnel takes any fragment: the outer packet is
 * fragmented if need be). Consumes @skb.
 */
static unsigned int mho_tunnel_refrag(const struct mho_tunnel_tx *tx,
				      struct sk_buff *skb)
{
	struct mho_refrag rf = { .tx = tx }, *saved;
	struct net *net = tx->b->h->mn->net;
	struct dst_entry *dst;
	struct flowi6 fl6;
	int err;

	dst = mho_tunnel_route(net, tx->daddr[0], tx->saddr[0], &fl6);
	if (IS_ERR(dst)) {
		kfree_skb(skb);
		mho_ctr_inc(tx->b->h, MHO_CTR_DROP_ERROR);
		return 0;
	}
	IP6CB(skb)->frag_max_size = min_t(u32, IP6CB(skb)->frag_max_size,
					  dst_mtu(dst));
	skb_dst_set(skb, dst);
	skb->ignore_df = 1;

	/*
	 * RCU for netfilter's table of ipv6 functions (compat.h): the
	 * callers here hold it, but for the home agent's re-forwarding,
	 * which only disables BH.
	 */
	rcu_read_lock();
	saved = __this_cpu_read(mho_refrag);
	__this_cpu_write(mho_refrag, &rf);
	err = mho_ip6_fragment(net, NULL, skb, mho_tunnel_refrag_out);
	__this_cpu_write(mho_refrag, saved);
	rcu_read_unlock();
	if (err && !rf.sent)
		mho_ctr_inc(tx->b->h, MHO_CTR_DROP_ERROR);
	return rf.sent;
}

/**
 * mho_tunnel_send - tunnel a packet this router received for an MN
 * @tx: where to, and how
 * @skb: the packet; consumed
 *
 * The tunnel carries what this router would have sent on the MN's link:
 * a GSO packet (TSO of a local sender, GRO on the way in) is segmented
 * first, and a datagram that the netfilter defragmenter reassembled is
 * fragmented again; each piece takes its own sequence number. An
 * encapsulated piece that does not fit the path to the peer is fragmented
 * by this entry point (RFC 2473 section 7) and reassembled by the exit
 * point, so that a handoff never lowers the sender's path MTU: only an
 * inner packet too large for any IPv6 packet to carry (an inner MTU above
 * 65,519) is refused with a Packet Too Big. BH context, under RCU.
 *
 * Counts @tx->ok for each packet sent, and the drops. Returns how many
 * packets were sent.
 */
unsigned int mho_tunnel_send(const struct mho_tunnel_tx *tx,
			     struct sk_buff *skb)
{
	struct mho_handoff *h = tx->b->h;
	unsigned int max = mho_tunnel_max_inner(tx->opt), sent = 0;
	struct sk_buff *segs, *next;

	if (unlikely(!skb_is_gso(skb) && skb->len > max)) {
		icmpv6_send(skb, ICMPV6_PKT_TOOBIG, 0, max);
		kfree_skb(skb);
		mho_ctr_inc(h, MHO_CTR_DROP_TOO_BIG);
		return 0;
	}
	if (mho_tunnel_forwarding(skb)) {
		kfree_skb(skb);
		mho_ctr_inc(h, MHO_CTR_DROP_ERROR);
		return 0;
	}
	if (skb_is_gso(skb)) {
		segs = skb_gso_segment(skb, 0);
		if (IS_ERR_OR_NULL(segs)) {
			kfree_skb(skb);
			mho_ctr_inc(h, MHO_CTR_DROP_ERROR);
			return 0;
		}
		consume_skb(skb);
		skb_list_walk_safe(segs, skb, next) {
			skb_mark_not_on_list(skb);
			sent += mho_tunnel_one(tx, skb);
		}
		return sent;
	}
	if (IP6CB(skb)->frag_max_size && skb->len > IP6CB(skb)->frag_max_size)
		return mho_tunnel_refrag(tx, skb);
	return mho_tunnel_one(tx, skb);
}

/*
 * pAR, forwarding: @skb into the tunnel to the binding's peer, with the
 * next sequence number. BH disabled.
 */
void mho_tunnel_forward(struct mho_binding *b, struct sk_buff *skb)
{
	struct mho_tunnel_tx tx = {
		.b = b, .n = 1, .opt = true, .numbered = true,
		.ok = MHO_CTR_FORWARDED,
	};
	struct mho_peer *peer;

	rcu_read_lock();
	peer = mho_binding_peer(b);
	if (!peer) {
		rcu_read_unlock();
		kfree_skb(skb);
		mho_ctr_inc(b->h, MHO_CTR_DROP_ERROR);
		return;
	}
	tx.daddr[0] = &peer->addr;
	tx.saddr[0] = &peer->local;
	mho_tunnel_send(&tx, skb);
	rcu_read_unlock();
}

/*
 * pAR, bicasting: a copy of @skb to every bicast peer; @skb itself goes
 * on. BH context, under RCU (the peers).
 */
void mho_tunnel_copy_to_bicast(struct mho_binding *b, struct sk_buff *skb)
{
	struct mho_handoff *h = b->h;
	struct mho_tunnel_tx tx = {
		.b = b, .opt = true, .ok = MHO_CTR_COPIED,
	};
	struct sk_buff *copy;
	int i;

	for (i = 0; i < MHO_BICAST_MAX; i++) {
		struct mho_peer *peer = READ_ONCE(h->bicast[i]);

		if (!peer)
			break;
		tx.daddr[tx.n] = &peer->addr;
		tx.saddr[tx.n++] = &peer->local;
	}
	if (!tx.n)
		return;
	copy = skb_clone(skb, GFP_ATOMIC);
	if (!copy) {
		atomic64_add(tx.n, &h->ctr[MHO_CTR_DROP_ERROR]);
		return;
	}
	mho_tunnel_send(&tx, copy);
}

/*
 * A marker: mho's option with @flags (MHO_OPT_F_END: an end-marker,
 * MHO_OPT_F_CUT: a cut-point marker) and, inside, an empty IPv6 packet
 * to @inner, which names the binding at @peer; @seq counts the packets
 * numbered before it. It is an IPv6-in-IPv6 packet like the others, so
 * the same XFRM policies protect it. BH context.
 */
static int mho_tunnel_marker(struct net *net, const struct in6_addr *peer,
			     const struct in6_addr *local,
			     const struct in6_addr *inner, u8 flags, u32 seq)
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

	return mho_tunnel_push(net, dst, &fl6, skb, true, flags, seq);
}

/*
 * A marker that could not be sent is a drop the operator must hear of:
 * the peer now releases only when its marker-wait runs out. BH context.
 */
static void mho_tunnel_marker_sent(struct mho_binding *b, int err)
{
	if (!err) {
		mho_ctr_inc(b->h, MHO_CTR_MARKERS_TX);
		return;
	}
	mho_ctr_inc(b->h, MHO_CTR_DROP_ERROR);
	mho_nl_dp_event(b->h->mn, b->id, MHO_EVENT_MARKER_LOST,
			READ_ONCE(b->h->state), 0);
}

/* The address a marker names @b by: its first. Under RCU. */
static const struct in6_addr *mho_tunnel_marker_name(struct mho_binding *b)
{
	struct mho_addr *addr = NULL;
	int slot;

	for (slot = 0; slot < MHO_NSLOTS && !addr; slot++)
		addr = READ_ONCE(b->addr[slot]);
	return addr ? &addr->addr : NULL;
}

/*
 * pAR: the end-marker to the binding's peer, after every packet it
 * forwarded. BH context.
 */
void mho_tunnel_send_marker(struct mho_binding *b)
{
	const struct in6_addr *name;
	const struct mho_peer *peer;
	int err = -ENOENT;

	rcu_read_lock();
	peer = mho_binding_peer(b);
	name = mho_tunnel_marker_name(b);
	if (peer && name)
		err = mho_tunnel_marker(b->h->mn->net, &peer->addr, &peer->local,
					name, MHO_OPT_F_END,
					atomic_read(&b->h->tx_seq));
	rcu_read_unlock();
	mho_tunnel_marker_sent(b, err);
}

/*
 * pAR: bicast ended. A cut-point marker to every bicast peer, after the
 * last copy sent to it: the copies it holds are of packets delivered
 * here. Counted with the end-markers. BH context.
 */
void mho_tunnel_send_cut(struct mho_binding *b)
{
	const struct in6_addr *name;
	struct mho_peer *peer;
	int i;

	rcu_read_lock();
	name = mho_tunnel_marker_name(b);
	for (i = 0; i < MHO_BICAST_MAX; i++) {
		peer = READ_ONCE(b->h->bicast[i]);
		if (!peer)
			break;
		mho_tunnel_marker_sent(b, name ?
				       mho_tunnel_marker(b->h->mn->net, &peer->addr,
							 &peer->local, name,
							 MHO_OPT_F_CUT, 0) :
				       -ENOENT);
	}
	rcu_read_unlock();
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
	mho_tunnel_marker_sent(b, mho_tunnel_marker(b->h->mn->net, peer, local,
						    old_coa, MHO_OPT_F_END, 0));
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
 * A fragment of a tunnel packet from a peer: the entry point fragmented
 * what did not fit the path (mho_tunnel_send()). It is reassembled here,
 * by the netfilter defragmenter's own code and within its memory limits
 * (net.netfilter.nf_conntrack_frag6_high_thresh, _timeout; an incomplete
 * datagram that times out is counted in Ip6ReasmTimeout), but only for
 * tunnel packets from a configured peer: other fragments pass untouched
 * (with conntrack loaded, its defragmenter has reassembled everything
 * before this hook). Returns -ENOENT with @skb now the whole packet, or
 * the hook's verdict: NF_STOLEN while fragments are missing, NF_DROP
 * (counted as untrusted) for one that cannot be reassembled (overlapping,
 * too large, truncated first fragment).
 */
static int mho_tunnel_defrag(struct mho_net *mn, struct sk_buff *skb,
			     const struct nf_hook_state *st)
{
	int err;

	err = nf_ct_frag6_gather(st->net, skb, IP6_DEFRAG_CONNTRACK_IN);
	if (err == -EINPROGRESS)
		return NF_STOLEN;
	/* 0 without reassembly: a fragment it let through as it was. */
	if (err || !pskb_may_pull(skb, MHO_ENCAP_LEN) ||
	    ((const struct mho_opt_hdr *)(ipv6_hdr(skb) + 1))->nexthdr ==
	    NEXTHDR_FRAGMENT)
		return mho_tunnel_untrusted(mn);
	return -ENOENT;
}

/*
 * Is @skb, whose first extension header is a destination options header,
 * a tunnel packet from a configured peer, to this router, that passes the
 * XFRM inbound policy check? Returns its peer if it is; else NULL, with
 * *@verdict -ENOENT if it is not mho's, or the hook's verdict. Whole
 * again if it came in fragments. BH context, under RCU.
 */
static struct mho_peer *mho_tunnel_check(struct mho_net *mn,
					 struct sk_buff *skb,
					 const struct nf_hook_state *st,
					 int *verdict)
{
	const struct mho_opt_hdr *opt;
	const struct ipv6hdr *outer;
	struct mho_peer *peer;

	*verdict = -ENOENT;
	if (!pskb_may_pull(skb, MHO_ENCAP_LEN))
		return NULL;
	outer = ipv6_hdr(skb);
	opt = (const struct mho_opt_hdr *)(outer + 1);
	if (opt->hdrlen != 1 || opt->type != MHO_OPT_TYPE || opt->len != 8 ||
	    opt->magic != htons(MHO_OPT_MAGIC))
		return NULL;
	/*
	 * In transport mode XFRM puts ESP or AH after our destination
	 * options header. The packet comes back through this hook once it
	 * has been decrypted (xfrm6_transport_finish()); judge it then.
	 */
	if (opt->nexthdr == NEXTHDR_ESP || opt->nexthdr == NEXTHDR_AUTH)
		return NULL;
	/* Transit traffic is not ours to open. */
	peer = mho_peer_find(mn, &outer->saddr);
	if (peer && !ipv6_addr_any(&peer->local)) {
		if (!ipv6_addr_equal(&peer->local, &outer->daddr))
			goto untrusted;
	} else if (!ipv6_chk_addr(st->net, &outer->daddr, NULL, 0)) {
		return NULL;
	}
	if (!peer)
		goto untrusted;
	if (opt->nexthdr == NEXTHDR_FRAGMENT) {
		*verdict = mho_tunnel_defrag(mn, skb, st);
		if (*verdict != -ENOENT)
			return NULL;
		outer = ipv6_hdr(skb);
		opt = (const struct mho_opt_hdr *)(outer + 1);
		if (opt->nexthdr == NEXTHDR_ESP || opt->nexthdr == NEXTHDR_AUTH)
			return NULL;
	}
	if (opt->version != MHO_OPT_VERSION || opt->nexthdr != IPPROTO_IPV6)
		goto untrusted;
	if (!xfrm6_policy_check(NULL, XFRM_POLICY_IN, skb))
		goto untrusted;
	return peer;

untrusted:
	*verdict = mho_tunnel_untrusted(mn);
	return NULL;
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
	const struct ipv6hdr *inner;
	struct mho_handoff *h;
	struct mho_binding *b;
	struct mho_peer *peer;
	unsigned int plen;
	int verdict;
	u32 seq;
	u8 flags;

	peer = mho_tunnel_check(mn, skb, st, &verdict);
	if (!peer)
		return verdict;
	opt = (const struct mho_opt_hdr *)(ipv6_hdr(skb) + 1);
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
		struct mho_peer *want = mho_binding_peer(b);

		if (want && want != peer)
			return mho_tunnel_untrusted(mn);
	} else if (!b || b->role != MHO_ROLE_PAR || !(flags & MHO_OPT_F_END)) {
		b = NULL;
	}
	/* A binding that never left idle has no handoff state to update. */
	h = b ? READ_ONCE(b->h) : NULL;

	if (flags & (MHO_OPT_F_END | MHO_OPT_F_CUT)) {
		/* A cut-point marker is for an nAR, from its peer only. */
		if (inner->nexthdr != NEXTHDR_NONE || plen || !b ||
		    ((flags & MHO_OPT_F_CUT) &&
		     (b->role != MHO_ROLE_NAR || (flags & MHO_OPT_F_END))))
			return mho_tunnel_untrusted(mn);
		if (h)
			mho_handoff_marker(b, flags & MHO_OPT_F_CUT, seq);
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
		verdict = mho_handoff_rx_tunnel(b, skb, seq);
		if (verdict != NF_ACCEPT)
			return verdict;
	}
	/* No binding here: a plain tunnel endpoint. */
	mho_reinject(skb);
	return NF_STOLEN;
}
