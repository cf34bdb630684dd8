// SPDX-License-Identifier: GPL-2.0
/*
 * mho - the home agent role of a binding.
 *
 * Tunnelling. A packet for the home address is sent, IPv6-in-IPv6 (RFC
 * 2473, next header 41, nothing in between, so that any mobile node's
 * tunnel device takes it), to the care-of address; without one, the MN is
 * at home and the packet passes. Packets for the binding's other
 * addresses always pass: tunnelling those could nest without end.
 *
 * The end-marker. When the care-of address changes, the old path gets an
 * end-marker: to the binding's old peer (the AR that served the MN),
 * naming the old care-of address. It leaves from the binding's tx timer,
 * on the CPU the MN's packets arrive on, so it follows the packets
 * already tunnelled (see mho_kick()). A pAR that gets it ends its
 * forwarding as "state end" would (mho_handoff_marker()).
 *
 * The control message cache (seed 002, IV.C). A correspondent that moves
 * at the same time as the MN sends its Home Test Init, Care-of Test Init
 * and Binding Update (Mobility Header types 1, 2 and 5) to the home
 * address. The home agent tunnels each to the care-of address it knows,
 * which may be stale, and keeps a copy for T_b. When the care-of address
 * changes, every copy younger than T_b goes to the new one. Copies stay
 * until T_b is over (a second move within T_b gets them again), within
 * the per-binding and netns-wide limits on their number; each is at most
 * MHO_CACHE_MAX_LEN bytes.
 */

#include <linux/hrtimer.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <net/ipv6.h>
#include <net/mip6.h>
#include <linux/mho.h>

#include "mho.h"
#include "bindtab.h"
#include "compat.h"
#include "handoff.h"
#include "home.h"
#include "event.h"
#include "peer.h"
#include "tunnel.h"

static enum hrtimer_restart mho_home_cache_timer(struct hrtimer *t);

void mho_home_init(struct mho_handoff *h)
{
	struct mho_home *home = &h->home;

	__skb_queue_head_init(&home->cache);
	hrtimer_setup(&home->cache_timer, mho_home_cache_timer,
		      CLOCK_MONOTONIC, HRTIMER_MODE_ABS_SOFT);
}

/* T_b of @b, in ms; 0: no cache. */
static u32 mho_home_cache_ms(const struct mho_binding *b)
{
	return READ_ONCE(b->h->home.cfg_cache_ms) ?:
	       READ_ONCE(b->h->mn->limits.cache_ms);
}

static ktime_t mho_home_when(const struct sk_buff *skb)
{
	return MHO_SKB_CB(skb)->when;
}

/* Take @skb, a copy, off the cache's books. Under h->lock. */
static void mho_home_unaccount(struct mho_binding *b)
{
	struct mho_home *home = &b->h->home;

	WRITE_ONCE(home->cache_pkts, home->cache_pkts - 1);
	atomic_long_dec(&b->h->mn->cached_pkts);
	if (!home->cache_pkts)
		home->cache_full = false;
}

/*
 * Move the copies older than T_b to @expired and arm the timer for the
 * next one. Under h->lock.
 */
static void mho_home_expire(struct mho_binding *b, struct sk_buff_head *expired)
{
	struct mho_home *home = &b->h->home;
	u32 ms = mho_home_cache_ms(b);
	ktime_t now = ktime_get();
	struct sk_buff *skb;

	lockdep_assert_held(&b->h->lock);
	while ((skb = skb_peek(&home->cache))) {
		ktime_t end = ktime_add_ms(mho_home_when(skb), ms);

		if (ms && ktime_before(now, end)) {
			if (!b->h->dead)
				hrtimer_start(&home->cache_timer, end,
					      HRTIMER_MODE_ABS_SOFT);
			return;
		}
		__skb_unlink(skb, &home->cache);
		mho_home_unaccount(b);
		__skb_queue_tail(expired, skb);
	}
}

static void mho_home_free(struct mho_binding *b, struct sk_buff_head *list,
			  enum mho_ctr why)
{
	struct sk_buff *skb;
	u32 n = 0;

	while ((skb = __skb_dequeue(list))) {
		kfree_skb(skb);
		n++;
	}
	atomic64_add(n, &b->h->ctr[why]);
}

static enum hrtimer_restart mho_home_cache_timer(struct hrtimer *t)
{
	struct mho_home *home = container_of(t, struct mho_home, cache_timer);
	struct mho_handoff *h = container_of(home, struct mho_handoff, home);
	struct mho_binding *b = h->b;
	struct sk_buff_head expired;

	__skb_queue_head_init(&expired);
	spin_lock_bh(&h->lock);
	mho_home_expire(b, &expired);
	spin_unlock_bh(&h->lock);
	mho_home_free(b, &expired, MHO_CTR_CACHE_EXPIRED);
	return HRTIMER_NORESTART;
}

/* T_b changed (under mho_net.lock): expire or re-arm accordingly. */
void mho_home_rearm(struct mho_binding *b)
{
	struct sk_buff_head expired;

	__skb_queue_head_init(&expired);
	spin_lock_bh(&b->h->lock);
	mho_home_expire(b, &expired);
	spin_unlock_bh(&b->h->lock);
	mho_home_free(b, &expired, MHO_CTR_CACHE_EXPIRED);
}

/*
 * The binding is being deleted; mho_handoff_destroy() has set h->dead.
 * Process context.
 */
void mho_home_destroy(struct mho_handoff *h)
{
	struct mho_home *home = &h->home;
	struct sk_buff_head gone;
	struct sk_buff *skb;

	__skb_queue_head_init(&gone);
	spin_lock_bh(&h->lock);
	while ((skb = __skb_dequeue(&home->cache))) {
		mho_home_unaccount(h->b);
		__skb_queue_tail(&gone, skb);
	}
	spin_unlock_bh(&h->lock);
	/* h->dead keeps it from being armed again. */
	hrtimer_cancel(&home->cache_timer);
	mho_home_free(h->b, &gone, MHO_CTR_CACHE_EXPIRED);
}

/*
 * Is @skb, an IPv6 packet at skb->data, a control message to keep? The
 * extension headers are walked with ipv6_skip_exthdr(), every read goes
 * through skb_header_pointer(), and the Mobility Header is checked
 * against its own length field (RFC 6275, 6.1.1) before anything is
 * believed. A fragment cannot be kept whole: a Mobility Header in a
 * fragment counts as malformed (with conntrack loaded, mho sees the
 * reassembled packet instead).
 */
enum mho_mh mho_home_parse(const struct sk_buff *skb)
{
	const struct ip6_mh *mh;
	struct ip6_mh _mh;
	__be16 frag_off;
	unsigned int len;
	u8 nexthdr;
	int off;

	nexthdr = ipv6_hdr(skb)->nexthdr;
	off = ipv6_skip_exthdr(skb, skb_network_offset(skb) +
			       sizeof(struct ipv6hdr), &nexthdr, &frag_off);
	if (off < 0 || nexthdr != IPPROTO_MH)
		return MHO_MH_OTHER;
	if (frag_off)
		return MHO_MH_MALFORMED;
	mh = skb_header_pointer(skb, off, sizeof(_mh), &_mh);
	if (!mh)
		return MHO_MH_MALFORMED;
	len = (mh->ip6mh_hdrlen + 1) << 3;
	if (mh->ip6mh_proto != IPPROTO_NONE || off + len > skb->len)
		return MHO_MH_MALFORMED;
	switch (mh->ip6mh_type) {
	case IP6_MH_TYPE_HOTI:
	case IP6_MH_TYPE_COTI:
	case IP6_MH_TYPE_BU:
		/* Each needs at least 16 bytes: header length 1 or more. */
		if (!mh->ip6mh_hdrlen)
			return MHO_MH_MALFORMED;
		return MHO_MH_CONTROL;
	}
	return MHO_MH_OTHER;
}

/* Keep a copy of @skb, a control message, if the limits allow. */
static void mho_home_keep(struct mho_binding *b, const struct sk_buff *skb)
{
	struct mho_handoff *h = b->h;
	struct mho_home *home = &h->home;
	struct mho_net *mn = b->h->mn;
	struct sk_buff *copy = NULL;
	bool full_event = false;

	if (skb->len <= MHO_CACHE_MAX_LEN &&
	    READ_ONCE(home->cache_pkts) < READ_ONCE(mn->limits.cache_pkts))
		copy = skb_copy(skb, GFP_ATOMIC);
	if (copy) {
		/* A copy pins no route, device, conntrack or IPsec state. */
		skb_scrub_packet(copy, false);
		copy->dev = NULL;
		MHO_SKB_CB(copy)->when = ktime_get();
	}

	spin_lock_bh(&h->lock);
	if (h->dead) {
		spin_unlock_bh(&h->lock);
		kfree_skb(copy);
		return;
	}
	if (copy && home->cache_pkts < READ_ONCE(mn->limits.cache_pkts)) {
		if (atomic_long_add_return(1, &mn->cached_pkts) <=
		    READ_ONCE(mn->limits.cache_total)) {
			__skb_queue_tail(&home->cache, copy);
			WRITE_ONCE(home->cache_pkts, home->cache_pkts + 1);
			if (home->cache_pkts == 1)
				hrtimer_start(&home->cache_timer,
					      ktime_add_ms(MHO_SKB_CB(copy)->when,
							   mho_home_cache_ms(b)),
					      HRTIMER_MODE_ABS_SOFT);
			spin_unlock_bh(&h->lock);
			mho_ctr_inc(h, MHO_CTR_CACHED);
			return;
		}
		atomic_long_dec(&mn->cached_pkts);
	}
	if (!home->cache_full) {
		home->cache_full = true;
		full_event = true;
	}
	spin_unlock_bh(&h->lock);

	kfree_skb(copy);
	mho_ctr_inc(h, MHO_CTR_CACHE_FULL);
	if (full_event)
		mho_nl_dp_event(mn, b->id, MHO_EVENT_CACHE_FULL,
				READ_ONCE(h->state), 0);
}

/*
 * Tunnel @skb to the care-of address @coa, RFC 2473 style (no mho option:
 * the MN's own tunnel device decapsulates it). The outer source is
 * routing's choice (a route's preferred source, for one). Counts @ok per
 * packet sent; returns how many. BH context.
 */
static unsigned int mho_home_tunnel(struct mho_binding *b, struct sk_buff *skb,
				    const struct in6_addr *coa, enum mho_ctr ok)
{
	struct mho_tunnel_tx tx = {
		.b = b, .n = 1, .daddr = { coa }, .saddr = { &in6addr_any },
		.ok = ok,
	};

	return mho_tunnel_send(&tx, skb);
}

/*
 * A packet for @b, a home agent binding, arrived: the hook's verdict. BH
 * context, under RCU.
 */
unsigned int mho_home_rx(struct mho_binding *b, struct sk_buff *skb)
{
	struct mho_handoff *h = READ_ONCE(b->h);
	struct mho_addr *hoa, *coa;
	u32 ms;

	/* Not published yet: the binding is being created. */
	if (!h)
		return NF_ACCEPT;
	hoa = READ_ONCE(b->addr[MHO_SLOT_HOA]);
	if (!hoa || !ipv6_addr_equal(&ipv6_hdr(skb)->daddr, &hoa->addr))
		return NF_ACCEPT;
	WRITE_ONCE(h->rx_cpu, smp_processor_id());

	ms = mho_home_cache_ms(b);
	if (ms) {
		switch (mho_home_parse(skb)) {
		case MHO_MH_CONTROL:
			mho_home_keep(b, skb);
			break;
		case MHO_MH_MALFORMED:
			mho_ctr_inc(h, MHO_CTR_MH_MALFORMED);
			break;
		case MHO_MH_OTHER:
			break;
		}
	}

	coa = READ_ONCE(b->addr[MHO_SLOT_COA]);
	if (!coa)
		return NF_ACCEPT;
	mho_home_tunnel(b, skb, &coa->addr, MHO_CTR_HOME_TUNNELLED);
	return NF_STOLEN;
}

/* Send every copy younger than T_b to @coa. Process context. */
static void mho_home_reforward(struct mho_binding *b,
			       const struct in6_addr *coa)
{
	struct mho_handoff *h = b->h;
	struct sk_buff_head out, expired;
	struct sk_buff *skb, *copy;
	u32 sent = 0;

	__skb_queue_head_init(&out);
	__skb_queue_head_init(&expired);
	spin_lock_bh(&h->lock);
	mho_home_expire(b, &expired);
	skb_queue_walk(&h->home.cache, skb) {
		copy = skb_copy(skb, GFP_ATOMIC);
		if (!copy) {
			mho_ctr_inc(h, MHO_CTR_DROP_ERROR);
			continue;
		}
		__skb_queue_tail(&out, copy);
	}
	spin_unlock_bh(&h->lock);
	mho_home_free(b, &expired, MHO_CTR_CACHE_EXPIRED);
	if (skb_queue_empty(&out))
		return;

	/* The tunnel's output path expects BH context. */
	local_bh_disable();
	while ((skb = __skb_dequeue(&out)))
		sent += mho_home_tunnel(b, skb, coa, MHO_CTR_REFORWARDED);
	local_bh_enable();
	if (sent)
		mho_nl_dp_event(b->h->mn, b->id, MHO_EVENT_REFORWARD,
				READ_ONCE(h->state), sent);
}

/*
 * The care-of address of @b, a home agent binding, changed from @old_coa
 * (NULL: none), served by @old_peer (NULL: none), to @new_coa (NULL:
 * none, the MN is home). Under mho_net.lock, process context; the new
 * address is already in place.
 */
void mho_home_moved(struct mho_binding *b, const struct in6_addr *old_coa,
		    const struct mho_peer *old_peer,
		    const struct in6_addr *new_coa)
{
	if (old_coa && old_peer)
		mho_handoff_home_marker(b, &old_peer->addr, &old_peer->local,
					old_coa);
	if (new_coa)
		mho_home_reforward(b, new_coa);
}

#include "selftest/home.c"
