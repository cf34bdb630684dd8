/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mho - the per-binding handoff machinery: hold queues, their limits, the
 * state machine and ordered release. See handoff.c.
 */
#ifndef _MHO_HANDOFF_H
#define _MHO_HANDOFF_H

#include <linux/atomic.h>
#include <linux/hrtimer.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/mho.h>

#include "bindtab.h"
#include "datapath.h"

struct mho_binding;
struct mho_ctx;
struct mho_ctx_live;

/* Datagrams a pAR remembers having held the first fragment of. */
#define MHO_FRAG_HELD	16
struct mho_net;
struct mho_peer;

/* Which hold queue a packet belongs to. */
enum mho_stream {
	MHO_STREAM_OLD,		/* pAR: the only queue; nAR: from the tunnel */
	MHO_STREAM_NEW,		/* nAR: sent to the MN directly */
	MHO_NSTREAMS,
};

/**
 * struct mho_home - what a home agent binding has beyond the rest of
 *	struct mho_handoff; home.c is what uses it
 * @cache: copies of control messages, oldest first; each copy's arrival
 *	time is in its mho_skb_cb. Under mho_handoff.lock, like the rest.
 * @cache_pkts: copies in @cache
 * @cache_full: a cache-full event was sent since @cache was last empty
 * @cfg_cache_ms: MHO_BINDING_A_CACHE_MS (T_b), 0 = the netns-wide value
 * @cache_timer: frees copies older than T_b (soft hrtimer)
 * @marker_peer: where the pending end-marker goes (the old peer) ...
 * @marker_local: ... from where (the old peer's local address, or ::)
 * @marker_coa: ... naming this old care-of address
 */
struct mho_home {
	struct sk_buff_head cache;
	u32 cache_pkts;
	bool cache_full;
	u32 cfg_cache_ms;
	struct hrtimer cache_timer;
	struct in6_addr marker_peer;
	struct in6_addr marker_local;
	struct in6_addr marker_coa;
};

struct mho_dedup;

/**
 * struct mho_handoff - the data plane of one binding
 * @b: the binding it belongs to
 * @mn: the namespace's mho state, for the packet path and the timers
 * @peer: the peer the binding is tied to, or NULL; holds a use count.
 *	Written under mho_net.lock, read under RCU (mho_binding_peer()).
 * @ctx: the IPsec context kept for the binding, not installed: a
 *	predictive import, or an export kept for switch-back; NULL if none.
 *	Under mho_net.lock, written with WRITE_ONCE(): the NA hook reads
 *	whether it is set (mho_handoff_attach()).
 * @ctx_live: pAR: what a "leaving" export left installed for the MN's
 *	last packets here (context_priv.h); under mho_net.lock
 * @lock: protects everything below but @ctr, @cfg_* and @bicast; taken
 *	with spin_lock_bh() from process context, the hook and the timers.
 *	Nothing is transmitted under it.
 * @state: enum mho_state
 * @dead: the binding is being deleted; nothing is queued or armed any more
 * @draining: a context is delivering or tunnelling packets taken off the
 *	queues; packets that arrive meanwhile are queued behind them so that
 *	none overtakes an older one
 * @grow_wait: nAR: the tx timer stopped, @draining still set, until
 *	@grow_work has given @dedup its larger table; @grow_work kicks it
 * @marker_seen: nAR: the end-marker arrived (before or after release)
 * @new_released: nAR, in RELEASE: the old stream is complete and the new
 *	one is being delivered; the binding becomes idle when that is done
 * @cut_seen: nAR: the cut-point marker arrived: bicast copies (unnumbered
 *	tunnel packets) are of packets the MN got from the pAR, and dropped
 * @cut_pending: pAR: bicast ended; the cut-point marker goes to the
 *	bicast peers before anything else is sent
 * @marker_seq: nAR: how many numbered packets the end-marker says the
 *	peer forwarded
 * @rx_numbered: nAR: numbered packets received from the peer since the
 *	hold began
 * @overflowed: an overflow event was sent for this hold
 * @reap: pAR: the linger time is over; mho_net.reap_work deletes it
 * @end_pending: pAR: the end-marker goes out once the queue is empty;
 *	home agent: the end-marker for the old path goes out
 * @end_requested: pAR: an end-marker came from upstream (the home agent)
 *	while buffering; forwarding ends as soon as it begins
 * @q: the hold queues, see enum mho_stream
 * @q_pkts: packets in @q, both queues
 * @q_bytes: their bytes
 * @since: when the current hold, release or linger began
 * @deadline: when @timer fires, for hold expiry, marker wait, linger and
 *	the end of duplicate suppression
 * @tx_seq: pAR: sequence number of the last packet sent into the tunnel;
 *	atomic, as live packets are tunnelled without @lock
 * @dedup: nAR: fingerprints of delivered packets, from HOLD until the end
 *	of release plus the hold time; NULL otherwise
 * @tx_timer: drains the queues (soft hrtimer, so it runs in BH context),
 *	pinned to @rx_cpu
 * @kick_work: starts @tx_timer on @rx_cpu when the kick comes from
 *	another CPU
 * @grow_work: gives @dedup a larger table when it asks (mho_dedup_due())
 * @rx_cpu: the CPU the binding's last packet arrived on
 * @timer: the @deadline timer (soft hrtimer)
 * @cfg_rate: forwarding pace for held packets, packets/s, 0 = unpaced
 * @cfg_linger_ms: MHO_BINDING_A_LINGER_MS
 * @cfg_marker_wait_ms: MHO_BINDING_A_MARKER_WAIT_MS
 * @ctx_gen: nAR: the highest context generation imported, under
 *	mho_net.lock; kept while the binding lives, so that a context it
 *	has seen, or an older one, is refused
 * @bicast: peers that get copies in BICAST; written under mho_net.lock,
 *	read under RCU (a peer with users is never freed)
 * @frag_held: pAR: the datagrams whose first fragment it held since it
 *	last started to buffer (a hash of the source and the identification,
 *	the last MHO_FRAG_HELD), under @lock; see mho_frag_elsewhere()
 * @frag_next: where the next one goes in @frag_held
 * @ctr: counters, enum mho_ctr
 * @home: home agent bindings only: the cache and the pending end-marker,
 *	under @lock like the rest
 */
struct mho_handoff {
	struct mho_binding *b;
	struct mho_net *mn;
	struct mho_peer *peer;
	struct mho_ctx *ctx;
	struct mho_ctx_live *ctx_live;
	spinlock_t lock;	/* see above */
	u8 state;
	bool dead;
	bool draining;
	bool grow_wait;
	bool marker_seen;
	bool new_released;
	bool cut_seen;
	bool cut_pending;
	bool overflowed;
	bool reap;
	bool end_pending;
	bool end_requested;
	struct sk_buff_head q[MHO_NSTREAMS];
	u32 q_pkts;
	u32 q_bytes;
	u32 marker_seq;
	u32 rx_numbered;
	ktime_t since;
	ktime_t deadline;
	atomic_t tx_seq;
	struct mho_dedup *dedup;
	struct hrtimer tx_timer;
	struct hrtimer timer;
	struct work_struct kick_work;
	struct work_struct grow_work;
	int rx_cpu;
	u32 cfg_rate;
	u32 cfg_linger_ms;
	u32 cfg_marker_wait_ms;
	u32 cfg_max_pkts;
	u32 cfg_max_bytes;
	u32 cfg_max_hold_ms;
	u64 ctx_gen;
	struct mho_peer *bicast[MHO_BICAST_MAX];
	u64 frag_held[MHO_FRAG_HELD];
	u8 frag_next;
	atomic64_t ctr[MHO_NCTR];
	struct mho_home home;
};

/*
 * The peer of @b, or NULL, for readers under RCU or mho_net.lock: the
 * peer lives in the handoff state, which a binding without one lacks.
 */
static inline struct mho_peer *mho_binding_peer(const struct mho_binding *b)
{
	const struct mho_handoff *h = READ_ONCE(b->h);

	return h ? READ_ONCE(h->peer) : NULL;
}

/* The IPsec context @b keeps, or NULL; under mho_net.lock. */
static inline struct mho_ctx *mho_binding_ctx(const struct mho_binding *b)
{
	return b->h ? b->h->ctx : NULL;
}

int mho_handoff_cache_init(void);
void mho_handoff_cache_exit(void);
struct mho_handoff *mho_handoff_new(struct mho_net *mn, struct mho_binding *b);
void mho_handoff_free(struct mho_handoff *h);
void mho_handoff_destroy(struct mho_binding *b);
void *mho_handoff_prepare(struct mho_net *mn, struct mho_binding *b, u8 state,
			  u32 max_pkts);
void mho_handoff_unprepare(void *prep);
void mho_handoff_rearm(struct mho_binding *b);
void mho_handoff_set_state(struct mho_binding *b, u8 state, void *prep);
void mho_handoff_dev_gone(struct mho_binding *b, struct net_device *dev);

unsigned int mho_handoff_rx(struct mho_binding *b, struct sk_buff *skb,
			    const struct nf_hook_state *st);
unsigned int mho_handoff_rx_tunnel(struct mho_binding *b, struct sk_buff *skb,
				   u32 seq);
void mho_handoff_marker(struct mho_binding *b, bool cut, u32 seq);
void mho_handoff_attach(struct mho_binding *b);
void mho_handoff_home_marker(struct mho_binding *b,
			     const struct in6_addr *peer,
			     const struct in6_addr *local,
			     const struct in6_addr *old_coa);

static inline void mho_ctr_inc(struct mho_handoff *h, enum mho_ctr c)
{
	atomic64_inc(&h->ctr[c]);
}

#endif /* _MHO_HANDOFF_H */
