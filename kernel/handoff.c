// SPDX-License-Identifier: GPL-2.0
/*
 * mho - the handoff of one binding: hold queues, the state machine, and the
 * ordered release of held packets.
 *
 * Ordering. A binding has at most two queues (enum mho_stream). While a
 * queue is being emptied, h->draining is set and every packet that arrives
 * for the binding is queued behind the others, so no packet overtakes an
 * older one. Only the tx timer empties queues; it takes a batch off under
 * h->lock and sends it with the lock dropped.
 *
 * Timers. Both are soft hrtimers, so that their callbacks run in BH
 * context like the netfilter hook. Nobody waits for them under h->lock:
 * a state change moves h->deadline and re-arms the timer, and a callback
 * that finds its deadline moved does nothing. The binding's deletion sets
 * h->dead under the lock (no timer is armed after that) and then cancels
 * both timers synchronously.
 */

#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv6.h>
#include <linux/percpu.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/ipv6.h>
#include <linux/mho.h>

#include "mho.h"
#include "bindtab.h"
#include "compat.h"
#include "dedup.h"
#include "handoff.h"
#include "event.h"
#include "peer.h"
#include "tunnel.h"

/* How many packets the tx timer sends per run when not paced. */
#define MHO_TX_BUDGET		64

static enum hrtimer_restart mho_handoff_tx_timer(struct hrtimer *t);
static enum hrtimer_restart mho_handoff_timer(struct hrtimer *t);
static void mho_kick_work(struct work_struct *work);
static void mho_grow_work(struct work_struct *work);

static u32 mho_hold_ms(const struct mho_binding *b)
{
	return mho_limit_eff(READ_ONCE(b->h->cfg_max_hold_ms),
			     READ_ONCE(b->h->mn->limits.max_hold_ms));
}

static ktime_t mho_after_ms(u32 ms)
{
	return ktime_add_ms(ktime_get(), ms);
}

/* Move the deadline and (re)arm the timer for it. Under h->lock. */
static void mho_deadline(struct mho_handoff *h, ktime_t when)
{
	lockdep_assert_held(&h->lock);
	h->deadline = when;
	if (!h->dead && when != KTIME_MAX)
		hrtimer_start(&h->timer, when, HRTIMER_MODE_ABS_SOFT);
}

static struct kmem_cache *mho_handoff_cache;

int mho_handoff_cache_init(void)
{
	mho_handoff_cache = KMEM_CACHE(mho_handoff, 0);
	return mho_handoff_cache ? 0 : -ENOMEM;
}

void mho_handoff_cache_exit(void)
{
	kmem_cache_destroy(mho_handoff_cache);
}

/*
 * The handoff state for @b, ready to be published in b->h: nothing runs
 * on it before that. Process context.
 */
struct mho_handoff *mho_handoff_new(struct mho_net *mn, struct mho_binding *b)
{
	struct mho_handoff *h;
	int i;

	h = kmem_cache_zalloc(mho_handoff_cache, GFP_KERNEL);
	if (!h)
		return NULL;
	h->b = b;
	h->mn = mn;
	spin_lock_init(&h->lock);
	for (i = 0; i < MHO_NSTREAMS; i++)
		skb_queue_head_init(&h->q[i]);
	h->deadline = KTIME_MAX;
	for (i = 0; i < MHO_NCTR; i++)
		atomic64_set(&h->ctr[i], 0);
	atomic_set(&h->tx_seq, 0);
	hrtimer_setup(&h->tx_timer, mho_handoff_tx_timer, CLOCK_MONOTONIC,
		      HRTIMER_MODE_REL_PINNED_SOFT);
	INIT_WORK(&h->kick_work, mho_kick_work);
	INIT_WORK(&h->grow_work, mho_grow_work);
	h->rx_cpu = raw_smp_processor_id();
	hrtimer_setup(&h->timer, mho_handoff_timer, CLOCK_MONOTONIC,
		      HRTIMER_MODE_ABS_SOFT);
	return h;
}

/*
 * Free what mho_handoff_new() made: never published, or published and
 * destroyed (mho_handoff_destroy()) a grace period ago.
 */
void mho_handoff_free(struct mho_handoff *h)
{
	kmem_cache_free(mho_handoff_cache, h);
}

/* Take @skb off the books of @h and of the netns. Under h->lock. */
static void mho_unaccount(struct mho_binding *b, struct sk_buff *skb)
{
	struct mho_handoff *h = b->h;

	WRITE_ONCE(h->q_pkts, h->q_pkts - 1);
	WRITE_ONCE(h->q_bytes, h->q_bytes - skb->len);
	atomic_long_dec(&h->mn->held_pkts);
	atomic_long_sub(skb->len, &h->mn->held_bytes);
}

/* Drop every held packet; returns how many. Under h->lock. */
static u32 mho_purge(struct mho_binding *b, enum mho_ctr why)
{
	struct mho_handoff *h = b->h;
	struct sk_buff *skb;
	u32 n = 0;
	int i;

	lockdep_assert_held(&h->lock);
	for (i = 0; i < MHO_NSTREAMS; i++) {
		while ((skb = __skb_dequeue(&h->q[i]))) {
			mho_unaccount(b, skb);
			kfree_skb(skb);
			n++;
		}
	}
	atomic64_add(n, &h->ctr[why]);
	return n;
}

/*
 * Hold @skb on queue @s, within the binding's and the netns' limits.
 * Returns false, with the drop counted, if it does not fit; the caller
 * frees it. Under h->lock.
 */
static bool mho_enqueue(struct mho_binding *b, struct sk_buff *skb,
			enum mho_stream s, u32 seq,
			int (*okfn)(struct net *net, struct sock *sk,
				    struct sk_buff *skb),
			bool *overflow)
{
	struct mho_handoff *h = b->h;
	struct mho_net *mn = h->mn;
	unsigned int len = skb->len;
	enum mho_ctr why;

	lockdep_assert_held(&h->lock);

	if (h->q_pkts + 1 > mho_limit_eff(READ_ONCE(h->cfg_max_pkts),
					  READ_ONCE(mn->limits.max_pkts)) ||
	    h->q_bytes + len > mho_limit_eff(READ_ONCE(h->cfg_max_bytes),
					     READ_ONCE(mn->limits.max_bytes))) {
		why = MHO_CTR_DROP_LIMIT;
		goto drop;
	}
	if (atomic_long_add_return(1, &mn->held_pkts) >
	    READ_ONCE(mn->limits.total_pkts)) {
		atomic_long_dec(&mn->held_pkts);
		why = MHO_CTR_DROP_TOTAL;
		goto drop;
	}
	if (atomic_long_add_return(len, &mn->held_bytes) >
	    READ_ONCE(mn->limits.total_bytes)) {
		atomic_long_sub(len, &mn->held_bytes);
		atomic_long_dec(&mn->held_pkts);
		why = MHO_CTR_DROP_TOTAL;
		goto drop;
	}

	/* A held packet must not pin a conntrack entry or a route. */
	nf_reset_ct(skb);
	skb_dst_drop(skb);
	/* Decapsulated packets come with their own (mho_tunnel_finish). */
	MHO_SKB_CB(skb)->okfn = okfn;
	MHO_SKB_CB(skb)->seq = seq;
	__skb_queue_tail(&h->q[s], skb);
	WRITE_ONCE(h->q_pkts, h->q_pkts + 1);
	WRITE_ONCE(h->q_bytes, h->q_bytes + len);
	mho_ctr_inc(h, MHO_CTR_HELD);
	return true;

drop:
	mho_ctr_inc(h, why);
	if (!h->overflowed) {
		h->overflowed = true;
		*overflow = true;
	}
	return false;
}

/* Which queue, if any, may be emptied now. Under h->lock. */
static struct sk_buff_head *mho_releasable(struct mho_binding *b)
{
	struct mho_handoff *h = b->h;

	if (b->role == MHO_ROLE_NAR) {
		if (h->state != MHO_STATE_RELEASE && h->state != MHO_STATE_IDLE)
			return NULL;
		if (!skb_queue_empty(&h->q[MHO_STREAM_OLD]))
			return &h->q[MHO_STREAM_OLD];
		if ((h->state == MHO_STATE_IDLE || h->new_released) &&
		    !skb_queue_empty(&h->q[MHO_STREAM_NEW]))
			return &h->q[MHO_STREAM_NEW];
		return NULL;
	}
	if (h->state == MHO_STATE_BUFFER ||
	    skb_queue_empty(&h->q[MHO_STREAM_OLD]))
		return NULL;
	return &h->q[MHO_STREAM_OLD];
}

/*
 * Start emptying the queues if they may be. Under h->lock.
 *
 * The tx timer runs on the CPU where the binding's packets arrive
 * (h->rx_cpu), pinned: packets a router sends go out through that CPU's
 * queues (veth, for one, queues on the sending CPU's backlog), so held
 * packets sent from one CPU and live ones from another could overtake
 * each other after mho released them in order. A kick from elsewhere (a
 * netlink request, a timer) goes through a work item on that CPU.
 */
static void mho_kick(struct mho_binding *b)
{
	struct mho_handoff *h = b->h;
	int cpu = READ_ONCE(h->rx_cpu);

	lockdep_assert_held(&h->lock);
	if (h->dead || h->draining)
		return;
	if (!mho_releasable(b) && !h->end_pending && !h->cut_pending)
		return;
	h->draining = true;
	if (cpu == raw_smp_processor_id() || !cpu_online(cpu))
		hrtimer_start(&h->tx_timer, 0, HRTIMER_MODE_REL_PINNED_SOFT);
	else
		queue_work_on(cpu, system_highpri_wq, &h->kick_work);
}

static void mho_kick_work(struct work_struct *work)
{
	struct mho_handoff *h = container_of(work, struct mho_handoff,
					     kick_work);

	spin_lock_bh(&h->lock);
	if (!h->dead && h->draining)
		hrtimer_start(&h->tx_timer, 0, HRTIMER_MODE_REL_PINNED_SOFT);
	spin_unlock_bh(&h->lock);
}

/*
 * The duplicate table's growth, and the release it held up (if it did):
 * the tx timer goes on, on its CPU, whether the table grew or could not.
 */
static void mho_grow_work(struct work_struct *work)
{
	struct mho_handoff *h = container_of(work, struct mho_handoff,
					     grow_work);
	int cpu;

#ifdef DEBUG
	/*
	 * Debug builds are slow to grow, so that 72-bicast's release must
	 * wait for the growth to deliver no duplicate.
	 */
	msleep(50);
#endif
	mho_dedup_grow(&h->dedup, &h->lock, &h->dead);

	spin_lock_bh(&h->lock);
	if (h->grow_wait && !h->dead) {
		h->grow_wait = false;
		cpu = READ_ONCE(h->rx_cpu);
		if (!cpu_online(cpu))
			cpu = WORK_CPU_UNBOUND;
		queue_work_on(cpu, system_highpri_wq, &h->kick_work);
	}
	spin_unlock_bh(&h->lock);
}

/*
 * Has @skb been delivered already during this handoff? Records it if not,
 * and has the table grown when it fills. Under h->lock.
 */
static bool mho_dup(struct mho_handoff *h, struct sk_buff *skb)
{
	if (!h->dedup)
		return false;
	if (mho_dedup_seen(h->dedup, skb)) {
		mho_ctr_inc(h, MHO_CTR_DUPLICATES);
		return true;
	}
	/* Not once h->dead is set: mho_handoff_destroy() cancels it then. */
	if (!h->dead && mho_dedup_due(h->dedup))
		schedule_work(&h->grow_work);
	return false;
}

/* Where packets of a binding go when they leave a queue or pass live. */
enum mho_target {
	MHO_TO_LOCAL,	/* on through this router */
	MHO_TO_PEER,	/* into the tunnel to the binding's peer */
	MHO_TO_BICAST,	/* a copy to every bicast peer, then on */
};

static enum mho_target mho_target(const struct mho_binding *b)
{
	if (b->role != MHO_ROLE_PAR)
		return MHO_TO_LOCAL;
	switch (b->h->state) {
	case MHO_STATE_FORWARD:
	case MHO_STATE_LINGER:
		return MHO_TO_PEER;
	case MHO_STATE_BICAST:
		return MHO_TO_BICAST;
	default:
		return MHO_TO_LOCAL;
	}
}

/* Send @skb where @to says; @held: it comes from a queue. BH disabled. */
static void mho_send(struct mho_binding *b, struct sk_buff *skb,
		     enum mho_target to, bool held)
{
	switch (to) {
	case MHO_TO_PEER:
		mho_tunnel_forward(b, skb);
		return;
	case MHO_TO_BICAST:
		rcu_read_lock();
		mho_tunnel_copy_to_bicast(b, skb);
		rcu_read_unlock();
		fallthrough;
	case MHO_TO_LOCAL:
		if (held)
			mho_ctr_inc(b->h, MHO_CTR_RELEASED);
		mho_reinject(skb);
		return;
	}
}

static void mho_event(struct mho_binding *b, enum mho_event type, u8 state,
		      u32 dropped)
{
	mho_nl_dp_event(b->h->mn, b->id, type, state, dropped);
}

/*
 * nAR: both streams are out (or were never held): the binding is idle.
 * Under h->lock.
 */
static void mho_released(struct mho_binding *b)
{
	struct mho_handoff *h = b->h;

	h->new_released = false;
	h->state = MHO_STATE_IDLE;
	/* Keep suppressing duplicates for one hold time. */
	mho_deadline(h, mho_after_ms(mho_hold_ms(b)));
}

/* The tx timer: empty the releasable queue, a batch per run. */
static enum hrtimer_restart mho_handoff_tx_timer(struct hrtimer *t)
{
	struct mho_handoff *h = container_of(t, struct mho_handoff, tx_timer);
	struct mho_binding *b = h->b;
	struct in6_addr home[3] = {};
	struct sk_buff_head batch;
	struct sk_buff_head *q;
	struct sk_buff *skb;
	enum mho_target to;
	bool marker = false, waiting = false, cut, idle;
	u32 rate;
	int n;

	__skb_queue_head_init(&batch);
	spin_lock_bh(&h->lock);
	/* The cut-point marker goes before anything sent after bicast. */
	cut = h->cut_pending && !h->dead;
	h->cut_pending = false;
	rate = b->role == MHO_ROLE_PAR ? READ_ONCE(h->cfg_rate) : 0;
	to = mho_target(b);
	for (n = 0; n < (rate ? 1 : MHO_TX_BUDGET) && !h->dead; n++) {
		q = mho_releasable(b);
		if (!q)
			break;
		/*
		 * A release is faster than the work item that grows the
		 * duplicate table: wait for it, or the table fills, records
		 * no more, and lets the twins of what it missed through.
		 */
		if (h->dedup && mho_dedup_due(h->dedup)) {
			h->grow_wait = true;
			waiting = true;
			schedule_work(&h->grow_work);
			break;
		}
		skb = __skb_dequeue(q);
		mho_unaccount(b, skb);
		if (mho_dup(h, skb)) {
			kfree_skb(skb);
			continue;
		}
		__skb_queue_tail(&batch, skb);
	}
	/* The end-marker follows the last packet that was held. */
	if (h->end_pending && !mho_releasable(b) && !h->dead) {
		h->end_pending = false;
		marker = true;
		if (b->role == MHO_ROLE_HA) {
			home[0] = h->home.marker_peer;
			home[1] = h->home.marker_local;
			home[2] = h->home.marker_coa;
		}
	}
	spin_unlock_bh(&h->lock);

	if (cut)
		mho_tunnel_send_cut(b);
	while ((skb = __skb_dequeue(&batch)))
		mho_send(b, skb, to, true);
	if (marker && b->role == MHO_ROLE_HA)
		mho_tunnel_send_home_marker(b, &home[0], &home[1], &home[2]);
	else if (marker)
		mho_tunnel_send_marker(b);

	spin_lock_bh(&h->lock);
	/*
	 * Still draining: mho_grow_work() starts the timer again (it may
	 * have already: then it must not be forwarded here).
	 */
	if (waiting && !h->dead) {
		spin_unlock_bh(&h->lock);
		return HRTIMER_NORESTART;
	}
	if (h->dead ||
	    (!mho_releasable(b) && !h->end_pending && !h->cut_pending)) {
		h->draining = false;
		idle = !h->dead && h->new_released;
		if (idle)
			mho_released(b);
		spin_unlock_bh(&h->lock);
		if (idle)
			mho_event(b, MHO_EVENT_STATE, MHO_STATE_IDLE, 0);
		return HRTIMER_NORESTART;
	}
	spin_unlock_bh(&h->lock);
	hrtimer_forward_now(t, rate ? ns_to_ktime(NSEC_PER_SEC / rate) : 0);
	return HRTIMER_RESTART;
}

/*
 * nAR: the old stream is out; the new one follows. The binding is idle
 * when that is out too, so that "idle" means that nothing is held any
 * more: at once if nothing is, else when the tx timer has emptied the
 * queues. Returns whether it is idle now. Under h->lock.
 */
static bool mho_release_new(struct mho_binding *b)
{
	struct mho_handoff *h = b->h;

	if (h->new_released)
		return false;
	h->new_released = true;
	mho_kick(b);
	if (h->draining)
		return false;
	mho_released(b);
	return true;
}

/*
 * nAR: has the whole old stream arrived? The end-marker says how many
 * packets the peer forwarded; packets can overtake each other between
 * the routers (one CPU's queue against another's), so the marker alone
 * does not mean the last packet is in. Under h->lock.
 */
static bool mho_old_complete(const struct mho_handoff *h)
{
	return h->marker_seen && h->rx_numbered >= h->marker_seq;
}

/* nAR: the MN is here; deliver the old stream. Under h->lock. */
static void mho_release(struct mho_binding *b)
{
	struct mho_handoff *h = b->h;
	u32 wait = h->cfg_marker_wait_ms ?: mho_hold_ms(b);

	h->state = MHO_STATE_RELEASE;
	h->since = ktime_get();
	mho_kick(b);
	if (mho_old_complete(h))
		mho_release_new(b);
	else
		mho_deadline(h, ktime_add_ms(h->since, wait));
}

/* The deadline timer: hold expiry, marker wait, linger, dedup window. */
static enum hrtimer_restart mho_handoff_timer(struct hrtimer *t)
{
	struct mho_handoff *h = container_of(t, struct mho_handoff, timer);
	struct mho_binding *b = h->b;
	struct mho_dedup *dd = NULL;
	enum mho_event ev = 0;
	u32 dropped = 0;
	u8 state;

	spin_lock_bh(&h->lock);
	if (h->dead || ktime_before(ktime_get(), h->deadline)) {
		spin_unlock_bh(&h->lock);
		return HRTIMER_NORESTART;
	}
	h->deadline = KTIME_MAX;
	switch (h->state) {
	case MHO_STATE_BUFFER:
	case MHO_STATE_HOLD:
		/* Nobody claimed the hold: free it. */
		dropped = mho_purge(b, MHO_CTR_DROP_EXPIRED);
		h->state = MHO_STATE_IDLE;
		swap(dd, h->dedup);
		ev = MHO_EVENT_EXPIRED;
		break;
	case MHO_STATE_RELEASE:
		/* No end-marker: release the new stream anyway. */
		if (mho_release_new(b))
			ev = MHO_EVENT_STATE;
		break;
	case MHO_STATE_LINGER:
		h->reap = true;
		schedule_work(&b->h->mn->reap_work);
		break;
	case MHO_STATE_IDLE:
		/* The duplicate suppression window is over. */
		if (!h->draining)
			swap(dd, h->dedup);
		else
			mho_deadline(h, mho_after_ms(mho_hold_ms(b)));
		break;
	}
	state = h->state;
	spin_unlock_bh(&h->lock);

	mho_dedup_free(dd);
	if (ev)
		mho_event(b, ev, state, dropped);
	return HRTIMER_NORESTART;
}

/*
 * What a change to @state needs allocated, done before anything is changed
 * (it may sleep), for the binding's limit @max_pkts once the change is
 * made (0: the namespace's). Returns NULL when nothing is needed, or an
 * ERR_PTR.
 */
void *mho_handoff_prepare(struct mho_net *mn, struct mho_binding *b, u8 state,
			  u32 max_pkts)
{
	struct mho_dedup *dd;

	if (b->role != MHO_ROLE_NAR || state != MHO_STATE_HOLD)
		return NULL;
	dd = mho_dedup_alloc(mho_limit_eff(max_pkts,
					   READ_ONCE(mn->limits.max_pkts)));
	return dd ?: ERR_PTR(-ENOMEM);
}

/*
 * The binding's max-hold, linger or marker-wait changed (under
 * mho_net.lock): a hold, linger or wait under way now ends that long
 * after it began, at once if that is past.
 */
void mho_handoff_rearm(struct mho_binding *b)
{
	struct mho_handoff *h = b->h;
	u32 ms;

	if (!h)
		return;
	spin_lock_bh(&h->lock);
	switch (h->state) {
	case MHO_STATE_BUFFER:
	case MHO_STATE_HOLD:
		mho_deadline(h, ktime_add_ms(h->since, mho_hold_ms(b)));
		break;
	case MHO_STATE_LINGER:
		ms = h->cfg_linger_ms ?: mho_hold_ms(b);
		mho_deadline(h, ktime_add_ms(h->since, ms));
		break;
	case MHO_STATE_RELEASE:
		ms = h->cfg_marker_wait_ms ?: mho_hold_ms(b);
		mho_deadline(h, ktime_add_ms(h->since, ms));
		break;
	}
	spin_unlock_bh(&h->lock);
}

void mho_handoff_unprepare(void *prep)
{
	mho_dedup_free(prep);
}

/*
 * pAR, forwarding or bicasting: the end-marker goes out after the last
 * packet held, and the binding lingers. Under h->lock.
 */
static void mho_end(struct mho_binding *b)
{
	struct mho_handoff *h = b->h;

	if (h->state == MHO_STATE_BICAST)
		h->cut_pending = true;
	h->end_requested = false;
	h->state = MHO_STATE_LINGER;
	h->since = ktime_get();
	h->end_pending = true;
	mho_kick(b);
	mho_deadline(h, ktime_add_ms(h->since, h->cfg_linger_ms ?:
				     mho_hold_ms(b)));
}

/*
 * Apply a state change checked by mho_binding_check_state(). Runs under
 * mho_net.lock in process context; @prep is what mho_handoff_prepare()
 * returned, and this function owns it.
 */
void mho_handoff_set_state(struct mho_binding *b, u8 state, void *prep)
{
	struct mho_handoff *h = b->h;
	struct mho_dedup *dd = prep, *old = NULL;

	/* Idle, and never anything else: nothing to do. */
	if (!h) {
		mho_dedup_free(dd);
		return;
	}

	spin_lock_bh(&h->lock);
	/* Leaving bicast: the cut-point marker (mho_kick() sends it). */
	if (h->state == MHO_STATE_BICAST && state != MHO_STATE_BICAST &&
	    state != MHO_STATE_END)
		h->cut_pending = true;
	switch (state) {
	case MHO_STATE_IDLE:
		if (b->role == MHO_ROLE_NAR)
			mho_purge(b, MHO_CTR_DROP_EXPIRED);
		h->state = MHO_STATE_IDLE;
		h->new_released = false;
		h->end_requested = false;
		h->deadline = KTIME_MAX;
		swap(old, h->dedup);
		mho_kick(b);
		break;
	case MHO_STATE_BUFFER:
	case MHO_STATE_HOLD:
		if (h->state != state) {
			h->end_requested = false;
			h->overflowed = false;
			h->marker_seen = false;
			h->new_released = false;
			h->cut_seen = false;
			h->marker_seq = 0;
			h->rx_numbered = 0;
			memset(h->frag_held, 0, sizeof(h->frag_held));
			h->since = ktime_get();
			mho_deadline(h, ktime_add_ms(h->since, mho_hold_ms(b)));
		}
		h->state = state;
		if (dd) {
			swap(old, h->dedup);
			swap(dd, h->dedup);
		}
		mho_kick(b);
		break;
	case MHO_STATE_FORWARD:
	case MHO_STATE_BICAST:
		/* A new run of forwarding numbers its packets from 1. */
		if (h->state != MHO_STATE_FORWARD &&
		    h->state != MHO_STATE_BICAST && h->state != MHO_STATE_LINGER)
			atomic_set(&h->tx_seq, 0);
		h->state = state;
		h->deadline = KTIME_MAX;
		mho_kick(b);
		/* The home agent's end-marker came while buffering. */
		if (h->end_requested)
			mho_end(b);
		break;
	case MHO_STATE_END:
		mho_end(b);
		break;
	case MHO_STATE_RELEASE:
		mho_release(b);
		break;
	}
	spin_unlock_bh(&h->lock);
	mho_dedup_free(old);
	mho_dedup_free(dd);
}

/*
 * nAR: the cut-point marker arrived from the peer, which bicast to us and
 * stopped: the copies it sent before (unnumbered) are of packets it
 * delivered to the MN itself. They are dropped, now and when one that
 * overtook the marker arrives later, and counted as duplicates; what the
 * peer forwards from now on (numbered) is kept. Returns how many were
 * dropped. Under h->lock.
 */
static u32 mho_cut(struct mho_binding *b)
{
	struct mho_handoff *h = b->h;
	struct sk_buff *skb, *tmp;
	u32 dropped = 0;

	h->cut_seen = true;
	skb_queue_walk_safe(&h->q[MHO_STREAM_OLD], skb, tmp) {
		if (MHO_SKB_CB(skb)->seq)
			continue;
		__skb_unlink(skb, &h->q[MHO_STREAM_OLD]);
		mho_unaccount(b, skb);
		kfree_skb(skb);
		dropped++;
	}
	atomic64_add(dropped, &h->ctr[MHO_CTR_DUPLICATES]);
	return dropped;
}

/*
 * A marker for @b arrived from a peer: a cut-point marker if @cut (nAR
 * only, see mho_cut()), else an end-marker. BH context.
 *
 * End-marker at the nAR: from its peer, after @seq numbered packets.
 *
 * End-marker at the pAR: from upstream, from the home agent that switched
 * the MN's path: nothing more comes down the old path, so the forwarding
 * ends as if the operator had set "end". While buffering, that waits for
 * forwarding to begin.
 */
void mho_handoff_marker(struct mho_binding *b, bool cut, u32 seq)
{
	struct mho_handoff *h = b->h;
	bool changed = false;
	u32 dropped = 0;
	u8 state;

	mho_ctr_inc(h, MHO_CTR_MARKERS_RX);
	spin_lock_bh(&h->lock);
	if (h->dead) {
		spin_unlock_bh(&h->lock);
		return;
	}
	if (cut) {
		dropped = mho_cut(b);
	} else if (b->role == MHO_ROLE_NAR) {
		h->marker_seen = true;
		h->marker_seq = seq;
		if (h->state == MHO_STATE_RELEASE && mho_old_complete(h))
			changed = mho_release_new(b);
	} else if (h->state == MHO_STATE_FORWARD ||
		   h->state == MHO_STATE_BICAST) {
		mho_end(b);
		changed = true;
	} else if (h->state == MHO_STATE_BUFFER) {
		h->end_requested = true;
	}
	state = h->state;
	spin_unlock_bh(&h->lock);

	mho_event(b, cut ? MHO_EVENT_CUT : MHO_EVENT_MARKER, state, dropped);
	if (changed)
		mho_event(b, MHO_EVENT_STATE, state, 0);
}

/*
 * nAR: the MN announced itself on the access link. BH context.
 *
 * A binding with a pending context (a predictive import) stays in HOLD:
 * released now, its packets would leave before the MN's SAs and policies
 * are installed, in the clear or not at all. The event tells whoever
 * imported it (mhod) to activate it, which installs it and then
 * releases. @h->ctx is written under mho_net.lock, which BH cannot take;
 * only whether it is set is read here. Activation clears it after the
 * install, under that lock, so a NA that sees it clear finds the SAs in
 * place; one that races an import releases as before the import.
 */
void mho_handoff_attach(struct mho_binding *b)
{
	struct mho_handoff *h = READ_ONCE(b->h);
	bool attached = false;
	u8 state;

	if (!h)
		return;
	spin_lock_bh(&h->lock);
	if (!h->dead && h->state == MHO_STATE_HOLD) {
		if (!READ_ONCE(h->ctx))
			mho_release(b);
		attached = true;
	}
	state = h->state;
	spin_unlock_bh(&h->lock);

	if (attached)
		mho_event(b, MHO_EVENT_ATTACH, state, 0);
}

/*
 * Home agent: the MN's care-of address moved away from @old_coa, which
 * @peer (our endpoint: @local) served. The end-marker goes from the tx
 * timer, on the CPU the MN's packets arrive on, so that it follows the
 * packets tunnelled there. A marker still pending for an earlier move is
 * replaced: that path is older still. Process context.
 */
void mho_handoff_home_marker(struct mho_binding *b,
			     const struct in6_addr *peer,
			     const struct in6_addr *local,
			     const struct in6_addr *old_coa)
{
	struct mho_handoff *h = b->h;

	spin_lock_bh(&h->lock);
	h->home.marker_peer = *peer;
	h->home.marker_local = *local;
	h->home.marker_coa = *old_coa;
	h->end_pending = true;
	mho_kick(b);
	spin_unlock_bh(&h->lock);
}

/*
 * pAR, buffering: does this fragment go where the first fragment of its
 * datagram went, to the MN's link, because the binding did not hold that
 * one (it came before the buffering began)? Then the MN reassembles the
 * datagram from fragments that all came one way. Split, the MN would
 * reassemble it only once the rest came through the nAR, and with the
 * MN's IPsec context moved (seed 003), under two SAs: the datagram
 * carries the first fragment's, the old one, and the moved policy drops
 * it (XfrmInTmplMismatch). Only while no context was exported: after
 * that the SAs that protected the first fragment are gone here, and the
 * rest would leave in the clear.
 *
 * First fragments the binding holds are remembered (the last
 * MHO_FRAG_HELD, which covers datagrams whose fragments come together);
 * a later fragment of one of those is held as well. A fragment that
 * comes before its first one goes to the link. Only a fragment header
 * right after the IPv6 header is looked at, as a sender writes it.
 * Called with h->lock held.
 */
static bool mho_frag_elsewhere(struct mho_handoff *h, struct sk_buff *skb)
{
	struct frag_hdr _fh;
	const struct frag_hdr *fh;
	u64 key;
	int i;

	fh = skb_header_pointer(skb, sizeof(struct ipv6hdr), sizeof(_fh), &_fh);
	if (!fh)
		return false;
	key = (u64)ipv6_addr_hash(&ipv6_hdr(skb)->saddr) << 32 |
	      (__force u32)fh->identification;
	if (!(fh->frag_off & htons(IP6_OFFSET))) {
		h->frag_held[h->frag_next++ % MHO_FRAG_HELD] = key;
		return false;
	}
	for (i = 0; i < MHO_FRAG_HELD; i++)
		if (h->frag_held[i] == key)
			return false;
	return !READ_ONCE(h->ctx);
}

/*
 * The verdict for a packet of @b on stream @s, numbered @seq (0: not
 * numbered), which goes on through @okfn when it leaves a queue. Called
 * with h->lock held; releases it. BH context, under RCU.
 */
static unsigned int mho_rx(struct mho_binding *b, struct sk_buff *skb,
			   enum mho_stream s, u32 seq,
			   int (*okfn)(struct net *net, struct sock *sk,
				       struct sk_buff *skb))
	__releases(&b->h->lock)
{
	struct mho_handoff *h = b->h;
	bool overflow = false, released = false, queued;
	enum mho_target to;
	u8 state;

	if (unlikely(h->dead))
		goto pass;
	WRITE_ONCE(h->rx_cpu, smp_processor_id());
	state = h->state;
	switch (state) {
	case MHO_STATE_BUFFER:
		if (unlikely(ipv6_hdr(skb)->nexthdr == NEXTHDR_FRAGMENT) &&
		    b->role == MHO_ROLE_PAR && s == MHO_STREAM_OLD &&
		    mho_frag_elsewhere(h, skb)) {
			spin_unlock_bh(&h->lock);
			mho_ctr_inc(h, MHO_CTR_FRAG_FOLLOWED);
			return NF_ACCEPT;
		}
		goto queue;
	case MHO_STATE_HOLD:
		goto queue;
	case MHO_STATE_RELEASE:
		/*
		 * The new stream waits for the old one. Late packets of the
		 * old one, after the end-marker, are queued so that the
		 * release of the new stream cannot overtake them.
		 */
		if (s == MHO_STREAM_NEW || h->marker_seen)
			goto queue;
		fallthrough;
	default:
		/* Packets being released go first. */
		if (h->draining || mho_releasable(b))
			goto queue;
		if (mho_dup(h, skb)) {
			spin_unlock_bh(&h->lock);
			return NF_DROP;
		}
		break;
	}
pass:
	to = mho_target(b);
	spin_unlock_bh(&h->lock);

	switch (to) {
	case MHO_TO_PEER:
		mho_send(b, skb, to, false);
		return NF_STOLEN;
	case MHO_TO_BICAST:
		mho_tunnel_copy_to_bicast(b, skb);
		return NF_ACCEPT;
	default:
		return NF_ACCEPT;
	}

queue:
	queued = mho_enqueue(b, skb, s, seq, okfn, &overflow);
	if (state == MHO_STATE_RELEASE && mho_old_complete(h))
		released = mho_release_new(b);
	state = h->state;
	spin_unlock_bh(&h->lock);
	if (overflow)
		mho_event(b, MHO_EVENT_OVERFLOW, state, 0);
	if (released)
		mho_event(b, MHO_EVENT_STATE, state, 0);
	return queued ? NF_STOLEN : NF_DROP;
}

/*
 * A packet for @b, an access router's binding, reached the hook: its
 * verdict. At the nAR it is of the new stream (sent to the MN directly),
 * at the pAR of the only one. BH context, under RCU.
 */
unsigned int mho_handoff_rx(struct mho_binding *b, struct sk_buff *skb,
			    const struct nf_hook_state *st)
{
	struct mho_handoff *h = READ_ONCE(b->h);

	/* A binding that never left idle: nothing to do. */
	if (!h)
		return NF_ACCEPT;
	spin_lock_bh(&h->lock);
	return mho_rx(b, skb, b->role == MHO_ROLE_NAR ? MHO_STREAM_NEW :
		      MHO_STREAM_OLD, 0, st->okfn);
}

/*
 * A packet for @b came out of the peer's tunnel, decapsulated, as the
 * @seq-th packet forwarded (0: a bicast copy, not numbered): the old
 * stream. NF_ACCEPT means "deliver it now", through the okfn the tunnel
 * set in its control block. BH context, under RCU.
 */
unsigned int mho_handoff_rx_tunnel(struct mho_binding *b, struct sk_buff *skb,
				   u32 seq)
{
	struct mho_handoff *h = READ_ONCE(b->h);

	if (!h)
		return NF_ACCEPT;
	spin_lock_bh(&h->lock);
	if (likely(!h->dead)) {
		if (seq)
			h->rx_numbered++;
		/* A bicast copy that the cut-point marker overtook. */
		if (!seq && h->cut_seen) {
			spin_unlock_bh(&h->lock);
			mho_ctr_inc(h, MHO_CTR_DUPLICATES);
			return NF_DROP;
		}
	}
	return mho_rx(b, skb, MHO_STREAM_OLD, seq, MHO_SKB_CB(skb)->okfn);
}

/* Forget held packets that came in through @dev, which is going away. */
void mho_handoff_dev_gone(struct mho_binding *b, struct net_device *dev)
{
	struct mho_handoff *h = b->h;
	struct sk_buff *skb, *tmp;
	int i;

	spin_lock_bh(&h->lock);
	for (i = 0; i < MHO_NSTREAMS; i++) {
		skb_queue_walk_safe(&h->q[i], skb, tmp) {
			if (skb->dev != dev)
				continue;
			__skb_unlink(skb, &h->q[i]);
			mho_unaccount(b, skb);
			kfree_skb(skb);
			mho_ctr_inc(h, MHO_CTR_DROP_ERROR);
		}
	}
	spin_unlock_bh(&h->lock);
}

/*
 * The binding is being deleted, under mho_net.lock. A home agent's cache
 * goes next (mho_home_destroy()), once h->dead is set.
 */
void mho_handoff_destroy(struct mho_binding *b)
{
	struct mho_handoff *h = b->h;
	struct mho_dedup *dd = NULL;

	if (!h)
		return;
	spin_lock_bh(&h->lock);
	h->dead = true;
	mho_purge(b, MHO_CTR_DROP_EXPIRED);
	swap(dd, h->dedup);
	spin_unlock_bh(&h->lock);

	/* h->dead stops anyone from arming them again. */
	cancel_work_sync(&h->kick_work);
	cancel_work_sync(&h->grow_work);
	hrtimer_cancel(&h->tx_timer);
	hrtimer_cancel(&h->timer);
	mho_dedup_free(dd);
}
