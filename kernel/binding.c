// SPDX-License-Identifier: GPL-2.0
/*
 * mho - bindings: one per mobile node, found by id (netlink) or by any of
 * its addresses (netlink and the packet path).
 *
 * Lifetime: a binding is created, changed and deleted only under
 * mho_net.lock. Deleting it unlinks every mho_addr first, so once a grace
 * period has passed no packet-path reader can reach it, and only then is it
 * freed (call_rcu). The packet path therefore needs no reference count.
 */

#include <linux/netlink.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <net/ipv6.h>
#include <linux/mho.h>

#include "mho.h"
#include "binding.h"
#include "context_build.h"
#include "filter.h"
#include "handoff.h"
#include "home.h"
#include "peer.h"

/*
 * Their own caches, so that an idle binding (with its first address
 * embedded) and the other addresses cost their size and no more (kmalloc
 * would round a binding up to 128 bytes and an address to 64).
 */
static struct kmem_cache *mho_binding_cache;
static struct kmem_cache *mho_addr_cache;

int mho_bindings_init(void)
{
	int err = -ENOMEM;

	mho_binding_cache = KMEM_CACHE(mho_binding, 0);
	if (!mho_binding_cache)
		return err;
	mho_addr_cache = KMEM_CACHE(mho_addr_node, 0);
	if (!mho_addr_cache)
		goto err_binding;
	err = mho_handoff_cache_init();
	if (err)
		goto err_addr;
	return 0;

err_addr:
	kmem_cache_destroy(mho_addr_cache);
err_binding:
	kmem_cache_destroy(mho_binding_cache);
	return err;
}

void mho_bindings_exit(void)
{
	/*
	 * Wait for the mho_binding_free_rcu() and mho_addr_free_rcu()
	 * callbacks still in flight (call_rcu(), not kfree_rcu(), whose
	 * batches rcu_barrier() does not wait for on older kernels).
	 */
	rcu_barrier();
	mho_handoff_cache_exit();
	kmem_cache_destroy(mho_addr_cache);
	kmem_cache_destroy(mho_binding_cache);
}

int mho_bindings_net_init(struct mho_net *mn)
{
	int err;

	xa_init_flags(&mn->bindings, XA_FLAGS_ALLOC1);
	mn->next_binding_id = 1;
	err = rhashtable_init(&mn->addrs, &mho_addr_params);
	if (err)
		return err;
	err = mho_filter_init(&mn->filter, &mn->lock);
	if (err)
		rhashtable_destroy(&mn->addrs);
	return err;
}

/* Namespace exit: the hooks are gone and netlink can no longer reach @mn. */
void mho_bindings_net_exit(struct mho_net *mn)
{
	struct mho_binding *b;
	unsigned long id;

	mutex_lock(&mn->lock);
	xa_for_each(&mn->bindings, id, b)
		mho_binding_del(mn, b);
	mutex_unlock(&mn->lock);
	/* No binding is left to arm a timer that schedules it. */
	cancel_work_sync(&mn->reap_work);

	xa_destroy(&mn->bindings);
	mho_filter_destroy(&mn->filter);
	rhashtable_destroy(&mn->addrs);
}

/**
 * mho_binding_lookup - find the binding that owns @addr
 * @mn: the namespace
 * @addr: any address of the binding
 *
 * The caller holds rcu_read_lock() (packet path) or mho_net.lock. The
 * result stays valid until the end of that section.
 */
struct mho_binding *mho_binding_lookup(struct mho_net *mn,
				       const struct in6_addr *addr)
{
	struct mho_addr *a;

	a = rhashtable_lookup_fast(&mn->addrs, addr, mho_addr_params);
	return a ? a->binding : NULL;
}

/* Find a binding by id; the caller holds mho_net.lock. */
struct mho_binding *mho_binding_find(struct mho_net *mn, u32 id)
{
	lockdep_assert_held(&mn->lock);
	return xa_load(&mn->bindings, id);
}

static void mho_binding_free_rcu(struct rcu_head *head)
{
	struct mho_binding *b = container_of(head, struct mho_binding, rcu);

	if (b->h)
		mho_handoff_free(b->h);
	kmem_cache_free(mho_binding_cache, b);
}

static void mho_addr_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(mho_addr_cache,
			container_of(head, struct mho_addr_node, rcu));
}

/*
 * Free @a, which RCU readers may have seen: an address of its own after a
 * grace period; the binding's embedded one is only marked spent (it is
 * freed with the binding, a grace period after its last address).
 */
static void mho_addr_retire(struct mho_binding *b, struct mho_addr *a)
{
	if (a == &b->own) {
		b->own_state = MHO_OWN_SPENT;
		return;
	}
	call_rcu(&container_of(a, struct mho_addr_node, a)->rcu,
		 mho_addr_free_rcu);
}

static void mho_addr_unlink(struct mho_net *mn, struct mho_binding *b,
			    struct mho_addr *a)
{
	rhashtable_remove_fast(&mn->addrs, &a->node, mho_addr_params);
	mho_filter_del(&mn->filter, &mn->addrs);
	mho_addr_retire(b, a);
}

/* A node for a new address of @b: its embedded one if still unused. */
static struct mho_addr *mho_addr_alloc(struct mho_binding *b)
{
	struct mho_addr_node *n;

	if (b->own_state == MHO_OWN_FREE) {
		b->own_state = MHO_OWN_USED;
		return &b->own;
	}
	n = kmem_cache_zalloc(mho_addr_cache, GFP_KERNEL);
	return n ? &n->a : NULL;
}

/* Free a node mho_addr_alloc() gave that no reader has seen. */
static void mho_addr_free(struct mho_binding *b, struct mho_addr *a)
{
	if (a == &b->own) {
		b->own_state = MHO_OWN_FREE;
		return;
	}
	kmem_cache_free(mho_addr_cache, container_of(a, struct mho_addr_node, a));
}

/* The node of @b, in any slot, that holds @addr; NULL if none does. */
static struct mho_addr *mho_binding_has(struct mho_binding *b,
					const struct in6_addr *addr)
{
	int slot;

	for (slot = 0; slot < MHO_NSLOTS; slot++)
		if (b->addr[slot] && ipv6_addr_equal(&b->addr[slot]->addr, addr))
			return b->addr[slot];
	return NULL;
}

/*
 * A change to a binding, from mho_binding_check() to mho_binding_commit():
 * @want: the address each slot is to hold, NULL for none
 * @next: the node each slot is to hold: the binding's own for an address
 *	it keeps (in any slot), else the one in @fresh
 * @fresh: nodes allocated (and inserted) for new addresses
 * @bicast: the new bicast peers, if MHO_BCFG_BICAST
 * @peer: the peer the binding is to have
 * @old_peer: the peer it had
 * @old_coa: its care-of address before the change, if @had_coa
 * @had_coa: it had one
 * @newh: its handoff state, allocated for this change, or NULL
 * @prep: what the state change needs (mho_handoff_prepare()), or NULL
 */
struct mho_binding_change {
	const struct in6_addr *want[MHO_NSLOTS];
	struct mho_addr *next[MHO_NSLOTS];
	struct mho_addr *fresh[MHO_NSLOTS];
	struct mho_peer *bicast[MHO_BICAST_MAX];
	struct mho_peer *peer;
	struct mho_peer *old_peer;
	struct in6_addr old_coa;
	bool had_coa;
	struct mho_handoff *newh;
	void *prep;
};

/* The addresses @b is to have: unicast, distinct and nobody else's. */
static int mho_binding_check_addrs(struct mho_net *mn, struct mho_binding *b,
				   const struct mho_binding_cfg *cfg,
				   struct mho_binding_change *ch,
				   struct netlink_ext_ack *extack)
{
	const struct in6_addr **want = ch->want;
	struct mho_binding *owner;
	int slot, other;
	bool any = false;

	for (slot = 0; slot < MHO_NSLOTS; slot++) {
		if (!(cfg->set & MHO_BCFG_SLOT(slot))) {
			if (b->addr[slot])
				want[slot] = &b->addr[slot]->addr;
		} else if (!ipv6_addr_any(&cfg->addr[slot])) {
			want[slot] = &cfg->addr[slot];
		}
		if (!want[slot])
			continue;
		any = true;

		if (ipv6_addr_is_multicast(want[slot]) ||
		    ipv6_addr_loopback(want[slot])) {
			NL_SET_ERR_MSG_MOD(extack,
					   "binding addresses must be unicast");
			return -EINVAL;
		}
		for (other = 0; other < slot; other++) {
			if (want[other] &&
			    ipv6_addr_equal(want[other], want[slot])) {
				NL_SET_ERR_MSG_MOD(extack,
						   "the same address is given twice");
				return -EINVAL;
			}
		}
		owner = mho_binding_lookup(mn, want[slot]);
		if (owner && owner != b) {
			NL_SET_ERR_MSG_MOD(extack,
					   "address already used by another binding");
			return -EADDRINUSE;
		}
	}
	if (!any) {
		NL_SET_ERR_MSG_MOD(extack, "a binding needs at least one address");
		return -EINVAL;
	}
	if (b->role == MHO_ROLE_HA && !want[MHO_SLOT_HOA]) {
		NL_SET_ERR_MSG_MOD(extack,
				   "home agent binding needs a home address");
		return -EINVAL;
	}
	return 0;
}

/*
 * The states an operator may ask for: by role, and for end and release,
 * from the state the binding is in.
 */
static int mho_binding_check_state(const struct mho_binding *b, u8 state,
				   struct netlink_ext_ack *extack)
{
	u8 cur = b->h ? READ_ONCE(b->h->state) : MHO_STATE_IDLE;

	switch (b->role) {
	case MHO_ROLE_PAR:
		switch (state) {
		case MHO_STATE_IDLE:
		case MHO_STATE_BUFFER:
		case MHO_STATE_FORWARD:
		case MHO_STATE_BICAST:
			return 0;
		case MHO_STATE_END:
			if (cur == MHO_STATE_FORWARD || cur == MHO_STATE_BICAST)
				return 0;
			NL_SET_ERR_MSG_MOD(extack,
					   "end is only valid in forward or bicast");
			return -EINVAL;
		}
		break;
	case MHO_ROLE_NAR:
		switch (state) {
		case MHO_STATE_IDLE:
		case MHO_STATE_HOLD:
			return 0;
		case MHO_STATE_RELEASE:
			if (cur == MHO_STATE_HOLD)
				return 0;
			NL_SET_ERR_MSG_MOD(extack,
					   "release is only valid in hold");
			return -EINVAL;
		}
		break;
	default:
		if (state == MHO_STATE_IDLE)
			return 0;
		break;
	}
	NL_SET_ERR_MSG_MOD(extack, "state not valid for the binding's role");
	return -EINVAL;
}

/*
 * Check @cfg against @b and the tables, and fill in @ch. Allocates
 * nothing and changes nothing.
 */
static int mho_binding_check(struct mho_net *mn, struct mho_binding *b,
			     const struct mho_binding_cfg *cfg,
			     struct mho_binding_change *ch,
			     struct netlink_ext_ack *extack)
{
	int other, err, i;

	lockdep_assert_held(&mn->lock);

	if ((cfg->set & MHO_BCFG_CACHE_MS) && b->role != MHO_ROLE_HA) {
		NL_SET_ERR_MSG_MOD(extack,
				   "cache-ms is for home agent bindings only");
		return -EINVAL;
	}
	ch->peer = mho_binding_peer(b);
	ch->old_peer = ch->peer;
	ch->had_coa = b->addr[MHO_SLOT_COA];
	if (ch->had_coa)
		ch->old_coa = b->addr[MHO_SLOT_COA]->addr;

	err = mho_binding_check_addrs(mn, b, cfg, ch, extack);
	if (err)
		return err;
	if (cfg->set & MHO_BCFG_BICAST) {
		for (i = 0; i < cfg->n_bicast; i++) {
			ch->bicast[i] = mho_peer_find(mn, &cfg->bicast[i]);
			if (!ch->bicast[i]) {
				NL_SET_ERR_MSG_MOD(extack,
						   "no such peer for bicast");
				return -ENOENT;
			}
			for (other = 0; other < i; other++) {
				if (ch->bicast[other] == ch->bicast[i]) {
					NL_SET_ERR_MSG_MOD(extack,
							   "a bicast peer is given twice");
					return -EINVAL;
				}
			}
		}
	}
	if (cfg->set & MHO_BCFG_STATE) {
		err = mho_binding_check_state(b, cfg->state, extack);
		if (err)
			return err;
	}
	if (cfg->set & MHO_BCFG_PEER) {
		ch->peer = NULL;
		if (!ipv6_addr_any(&cfg->peer)) {
			ch->peer = mho_peer_find(mn, &cfg->peer);
			if (!ch->peer) {
				NL_SET_ERR_MSG_MOD(extack, "no such peer");
				return -ENOENT;
			}
		}
	}
	return 0;
}

/* Handoff state for @b, not yet published; NULL if out of memory. */
static struct mho_handoff *mho_binding_handoff_new(struct mho_net *mn,
						   struct mho_binding *b)
{
	struct mho_handoff *h = mho_handoff_new(mn, b);

	if (h)
		mho_home_init(h);
	return h;
}

/* Free what mho_binding_prepare() made; nothing of it was inserted. */
static void mho_binding_unprepare(struct mho_binding *b,
				  struct mho_binding_change *ch)
{
	int slot;

	for (slot = 0; slot < MHO_NSLOTS; slot++)
		if (ch->fresh[slot])
			mho_addr_free(b, ch->fresh[slot]);
	mho_handoff_unprepare(ch->prep);
	if (ch->newh)
		mho_handoff_free(ch->newh);
}

/*
 * Allocate what the checked change @ch needs and insert its new addresses:
 * the only step that can fail, and on failure it leaves nothing behind.
 * An address that moves between slots of the same binding keeps its node:
 * it never leaves the hash table, and packets keep matching it.
 */
static int mho_binding_prepare(struct mho_net *mn, struct mho_binding *b,
			       const struct mho_binding_cfg *cfg,
			       struct mho_binding_change *ch,
			       struct netlink_ext_ack *extack)
{
	int slot, err;

	/*
	 * The handoff state, the first time the binding needs it: a peer
	 * (the tunnel's packets and markers are counted), a state other than
	 * idle, a handoff setting or limit, or the home agent role.
	 */
	if (!b->h && (b->role == MHO_ROLE_HA || ch->peer ||
		      ((cfg->set & MHO_BCFG_STATE) &&
		       cfg->state != MHO_STATE_IDLE) ||
		      (cfg->set & (MHO_BCFG_BICAST | MHO_BCFG_RATE |
				   MHO_BCFG_LINGER | MHO_BCFG_MARKER_WAIT |
				   MHO_BCFG_CACHE_MS | MHO_BCFG_MAX_PKTS |
				   MHO_BCFG_MAX_BYTES | MHO_BCFG_MAX_HOLD)))) {
		ch->newh = mho_binding_handoff_new(mn, b);
		if (!ch->newh) {
			NL_SET_ERR_MSG_MOD(extack, "out of memory");
			return -ENOMEM;
		}
	}
	if (cfg->set & MHO_BCFG_STATE) {
		u32 max_pkts = b->h ? b->h->cfg_max_pkts : 0;

		if (cfg->set & MHO_BCFG_MAX_PKTS)
			max_pkts = cfg->max_pkts;
		ch->prep = mho_handoff_prepare(mn, b, cfg->state, max_pkts);
		if (IS_ERR(ch->prep)) {
			NL_SET_ERR_MSG_MOD(extack, "out of memory");
			err = PTR_ERR(ch->prep);
			ch->prep = NULL;
			goto err_free;
		}
	}

	/* Reuse the nodes of addresses the binding keeps; allocate the rest. */
	for (slot = 0; slot < MHO_NSLOTS; slot++) {
		if (!ch->want[slot])
			continue;
		ch->next[slot] = mho_binding_has(b, ch->want[slot]);
		if (ch->next[slot])
			continue;
		ch->fresh[slot] = mho_addr_alloc(b);
		if (!ch->fresh[slot]) {
			NL_SET_ERR_MSG_MOD(extack, "out of memory");
			err = -ENOMEM;
			goto err_free;
		}
		ch->fresh[slot]->addr = *ch->want[slot];
		ch->fresh[slot]->binding = b;
		ch->next[slot] = ch->fresh[slot];
	}

	for (slot = 0; slot < MHO_NSLOTS; slot++) {
		if (!ch->fresh[slot])
			continue;
		mho_filter_add(&mn->filter, &mn->addrs,
			       &ch->fresh[slot]->addr);
		err = rhashtable_lookup_insert_fast(&mn->addrs,
						    &ch->fresh[slot]->node,
						    mho_addr_params);
		if (err)
			mho_filter_del(&mn->filter, &mn->addrs);
		if (err == -EEXIST) {
			NL_SET_ERR_MSG_MOD(extack,
					   "address already used by another binding");
			goto err_unlink;
		}
		if (err) {
			NL_SET_ERR_MSG_MOD(extack, "cannot insert the address");
			goto err_unlink;
		}
	}
	return 0;

err_unlink:
	while (--slot >= 0)
		if (ch->fresh[slot]) {
			rhashtable_remove_fast(&mn->addrs, &ch->fresh[slot]->node,
					       mho_addr_params);
			mho_filter_del(&mn->filter, &mn->addrs);
		}
	/* The nodes were visible to RCU readers: free them after a grace period. */
	for (slot = 0; slot < MHO_NSLOTS; slot++) {
		if (ch->fresh[slot])
			mho_addr_retire(b, ch->fresh[slot]);
		ch->fresh[slot] = NULL;
	}
err_free:
	mho_binding_unprepare(b, ch);
	return err;
}

/* The handoff settings of @cfg, on the handoff state @b now has. */
static void mho_binding_commit_handoff(struct mho_binding *b,
				       const struct mho_binding_cfg *cfg,
				       struct mho_binding_change *ch)
{
	int i;

	if (cfg->set & MHO_BCFG_MAX_PKTS)
		WRITE_ONCE(b->h->cfg_max_pkts, cfg->max_pkts);
	if (cfg->set & MHO_BCFG_MAX_BYTES)
		WRITE_ONCE(b->h->cfg_max_bytes, cfg->max_bytes);
	if (cfg->set & MHO_BCFG_MAX_HOLD)
		WRITE_ONCE(b->h->cfg_max_hold_ms, cfg->max_hold_ms);
	if (cfg->set & MHO_BCFG_RATE)
		WRITE_ONCE(b->h->cfg_rate, cfg->rate);
	if (cfg->set & MHO_BCFG_LINGER)
		WRITE_ONCE(b->h->cfg_linger_ms, cfg->linger_ms);
	if (cfg->set & MHO_BCFG_MARKER_WAIT)
		WRITE_ONCE(b->h->cfg_marker_wait_ms, cfg->marker_wait_ms);
	if (cfg->set & MHO_BCFG_BICAST) {
		/* Readers see each slot old or new; both peers stay alive. */
		for (i = 0; i < MHO_BICAST_MAX; i++) {
			if (b->h->bicast[i])
				b->h->bicast[i]->n_bindings--;
			if (ch->bicast[i])
				ch->bicast[i]->n_bindings++;
			WRITE_ONCE(b->h->bicast[i], ch->bicast[i]);
		}
	}
	if (cfg->set & MHO_BCFG_CACHE_MS) {
		WRITE_ONCE(b->h->home.cfg_cache_ms, cfg->cache_ms);
		mho_home_rearm(b);
	}
	if (cfg->set & MHO_BCFG_STATE) {
		mho_handoff_set_state(b, cfg->state, ch->prep);
		/*
		 * The handoff is over: the MN left (end), or stays and has
		 * its context back (idle, after an activation took these).
		 */
		if (cfg->state == MHO_STATE_END ||
		    cfg->state == MHO_STATE_IDLE) {
			mho_ctx_live_end(&b->h->ctx_live, true);
		}
	}
	if (cfg->set & (MHO_BCFG_MAX_HOLD | MHO_BCFG_LINGER |
			MHO_BCFG_MARKER_WAIT))
		mho_handoff_rearm(b);
}

/* Make the prepared change @ch. Nothing can fail here. */
static void mho_binding_commit(struct mho_net *mn, struct mho_binding *b,
			       const struct mho_binding_cfg *cfg,
			       struct mho_binding_change *ch)
{
	struct mho_addr *coa;
	int slot, other;

	for (slot = 0; slot < MHO_NSLOTS; slot++) {
		struct mho_addr *old = b->addr[slot];
		bool kept = false;

		for (other = 0; other < MHO_NSLOTS; other++)
			kept |= old && ch->next[other] == old;
		if (old && !kept)
			mho_addr_unlink(mn, b, old);
	}
	memcpy(b->addr, ch->next, sizeof(b->addr));
	if (ch->newh)
		/* Initialised before it is seen: the packet path READ_ONCE()s. */
		smp_store_release(&b->h, ch->newh);

	/* A binding given a peer has handoff state (mho_binding_prepare()). */
	if (ch->peer != ch->old_peer) {
		if (ch->old_peer)
			ch->old_peer->n_bindings--;
		if (ch->peer)
			ch->peer->n_bindings++;
		WRITE_ONCE(b->h->peer, ch->peer);
	}
	mho_binding_commit_handoff(b, cfg, ch);

	/* A home agent's binding update: the MN's path changes. */
	if (b->role != MHO_ROLE_HA)
		return;
	coa = b->addr[MHO_SLOT_COA];
	if (coa ? !ch->had_coa || !ipv6_addr_equal(&coa->addr, &ch->old_coa) :
	    ch->had_coa)
		mho_home_moved(b, ch->had_coa ? &ch->old_coa : NULL,
			       ch->old_peer, coa ? &coa->addr : NULL);
}

/**
 * mho_binding_need_handoff - give @b its handoff state if it has none
 * @mn: the namespace, locked
 * @b: the binding
 *
 * For what keeps state there outside a binding request: a kept IPsec
 * context. Returns 0 or -ENOMEM.
 */
int mho_binding_need_handoff(struct mho_net *mn, struct mho_binding *b)
{
	struct mho_handoff *h;

	lockdep_assert_held(&mn->lock);
	if (b->h)
		return 0;
	h = mho_binding_handoff_new(mn, b);
	if (!h)
		return -ENOMEM;
	/* Initialised before it is seen: the packet path READ_ONCE()s. */
	smp_store_release(&b->h, h);
	return 0;
}

/*
 * Apply the addresses, peer and limits of @cfg to @b, which is new (all
 * fields empty) or existing: check (nothing allocated), prepare (the one
 * step that can fail, undone on failure) and commit (cannot fail), so an
 * error leaves @b and the tables as they were.
 */
static int mho_binding_apply(struct mho_net *mn, struct mho_binding *b,
			     const struct mho_binding_cfg *cfg,
			     struct netlink_ext_ack *extack)
{
	struct mho_binding_change ch = {};
	int err;

	err = mho_binding_check(mn, b, cfg, &ch, extack);
	if (!err)
		err = mho_binding_prepare(mn, b, cfg, &ch, extack);
	if (!err)
		mho_binding_commit(mn, b, cfg, &ch);
	return err;
}

int mho_binding_new(struct mho_net *mn, const struct mho_binding_cfg *cfg,
		    struct mho_binding **out, struct netlink_ext_ack *extack)
{
	struct mho_binding *b;
	int err;

	lockdep_assert_held(&mn->lock);

	if (!(cfg->set & MHO_BCFG_ROLE)) {
		NL_SET_ERR_MSG_MOD(extack, "role is required");
		return -EINVAL;
	}
	if ((cfg->set & MHO_BCFG_ID) && mho_binding_find(mn, cfg->id)) {
		NL_SET_ERR_MSG_MOD(extack, "binding id already in use");
		return -EEXIST;
	}
	if (mn->n_bindings >= READ_ONCE(mn->limits.max_bindings)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "too many bindings (see max-bindings)");
		return -ENOSPC;
	}

	b = kmem_cache_zalloc(mho_binding_cache, GFP_KERNEL);
	if (!b) {
		NL_SET_ERR_MSG_MOD(extack, "out of memory");
		return -ENOMEM;
	}
	b->role = cfg->role;
	atomic64_set(&b->rx_pkts, 0);
	atomic64_set(&b->rx_bytes, 0);

	/* Reserve the id first: nothing outside mho_net.lock can see it yet. */
	if (cfg->set & MHO_BCFG_ID) {
		b->id = cfg->id;
		err = xa_insert(&mn->bindings, b->id, b, GFP_KERNEL);
	} else {
		err = xa_alloc_cyclic(&mn->bindings, &b->id, b,
				      XA_LIMIT(1, U32_MAX),
				      &mn->next_binding_id, GFP_KERNEL);
		err = err < 0 ? err : 0;
	}
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "cannot allocate a binding id");
		goto err_free;
	}

	err = mho_binding_apply(mn, b, cfg, extack);
	if (err)
		goto err_erase;

	mn->n_bindings++;
	mho_net_changed(mn);
	*out = b;
	return 0;

err_erase:
	xa_erase(&mn->bindings, b->id);
	/*
	 * An address may have been in the table for a moment (a later one
	 * failed to go in), and a packet may have found @b through it.
	 */
	call_rcu(&b->rcu, mho_binding_free_rcu);
	return err;
err_free:
	kmem_cache_free(mho_binding_cache, b);
	return err;
}

int mho_binding_set(struct mho_net *mn, struct mho_binding *b,
		    const struct mho_binding_cfg *cfg,
		    struct netlink_ext_ack *extack)
{
	int err;

	lockdep_assert_held(&mn->lock);

	if ((cfg->set & MHO_BCFG_ROLE) && cfg->role != b->role) {
		NL_SET_ERR_MSG_MOD(extack, "role cannot be changed");
		return -EINVAL;
	}
	err = mho_binding_apply(mn, b, cfg, extack);
	if (!err)
		mho_net_changed(mn);
	return err;
}

void mho_binding_del(struct mho_net *mn, struct mho_binding *b)
{
	int slot, i;

	lockdep_assert_held(&mn->lock);

	for (slot = 0; slot < MHO_NSLOTS; slot++)
		if (b->addr[slot])
			mho_addr_unlink(mn, b, b->addr[slot]);
	xa_erase(&mn->bindings, b->id);
	/* Drops what it holds; waits for its timers. */
	mho_handoff_destroy(b);
	if (b->h) {
		mho_home_destroy(b->h);
		mho_ctx_free(b->h->ctx);
		WRITE_ONCE(b->h->ctx, NULL);
		mho_ctx_live_end(&b->h->ctx_live, true);
		if (b->h->peer)
			b->h->peer->n_bindings--;
	}
	for (i = 0; b->h && i < MHO_BICAST_MAX; i++)
		if (b->h->bicast[i])
			b->h->bicast[i]->n_bindings--;
	mn->n_bindings--;
	mho_net_changed(mn);
	call_rcu(&b->rcu, mho_binding_free_rcu);
}

/*
 * The first pAR binding with an id of *@id or more whose linger time is
 * over (the deadline timer set h->reap and scheduled mho_net.reap_work),
 * its id in *@id; NULL when there is none. The caller holds mho_net.lock.
 */
struct mho_binding *mho_binding_next_reaped(struct mho_net *mn,
					    unsigned long *id)
{
	struct mho_binding *b;

	lockdep_assert_held(&mn->lock);
	xa_for_each_start(&mn->bindings, *id, b, *id)
		if (b->h && READ_ONCE(b->h->reap))
			return b;
	return NULL;
}

/* @dev is being unregistered: no held packet may keep pointing at it. */
void mho_bindings_dev_gone(struct mho_net *mn, struct net_device *dev)
{
	struct mho_binding *b;
	unsigned long id;

	mutex_lock(&mn->lock);
	xa_for_each(&mn->bindings, id, b)
		if (b->h && READ_ONCE(b->h->q_pkts))
			mho_handoff_dev_gone(b, dev);
	mutex_unlock(&mn->lock);
}

#include "selftest/binding.c"
