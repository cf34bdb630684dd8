// SPDX-License-Identifier: GPL-2.0
/*
 * mho - an index of the namespace's IPv6 SAs and policies by the addresses
 * they name (see xfrm_index.h and Documentation/context.rst, "Cost").
 *
 * XFRM has no call that returns every SA between two addresses, and does
 * not index policies by their templates, so a context export used to walk
 * every SA and policy of the namespace for each MN. This index is fed the
 * way XFRM feeds its key managers: mho registers one (struct xfrm_mgr), and
 * XFRM tells it of every SA and policy added, updated, deleted, expired or
 * flushed through netlink or PF_KEY; mho's own imports and deletions tell
 * it too (mho_xi_notify_*(), which also tell netlink's listeners, as
 * xfrm_user would). An entry names an object by its identity (an SA's
 * destination, SPI, protocol and mark; a policy's index, direction, mark
 * and interface id), never by pointer: a snapshot looks each candidate up
 * with xfrm_state_lookup() or xfrm_policy_byid(), which take a reference,
 * and applies its own tests to what it gets, so an entry left behind by a
 * change XFRM did not announce costs a lookup, not a wrong context.
 *
 * What the index must never do is miss an object. It starts invalid and
 * is built by one walk of XFRM when first used; it becomes invalid again
 * when an entry cannot be allocated (notifications come in atomic context)
 * or XFRM migrates SAs (XFRM_MSG_MIGRATE names no SA), and the next use
 * builds it again. A walk and the notifications cannot miss an object
 * between them: the walks hold XFRM's lock for their whole length, and an
 * object added after its walk is announced after it is added. Entries the
 * notifications add twice are found and dropped.
 */

#include <linux/jhash.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <net/netns/generic.h>
#include <net/netlink.h>
#include <net/ipv6.h>
#include <net/xfrm.h>
#include "xfrm_index.h"
#include <linux/mho.h>

/*
 * At most this many distinct objects are looked up for one snapshot; an
 * MN named by more entries (a context holds 32 SAs and 32 policies) is
 * left to the walk, which reports what is too much.
 */
#define MHO_XI_MAX_CAND		128
#define MHO_XI_MIN_BUCKETS	256U
#define MHO_XI_MAX_BUCKETS	BIT(20)
/* Keys of one policy: two per template, two from the selector. */
#define MHO_XI_MAX_KEYS		(2 * XFRM_MAX_DEPTH + 2)

enum { MHO_XI_SA, MHO_XI_POL };

/* What an entry names; compared whole, so always built zeroed. */
struct mho_xi_id {
	u8 kind;
	u8 proto;			/* SA: id.proto; policy: direction */
	u16 pad;
	struct xfrm_mark mark;
	union {
		struct {
			xfrm_address_t daddr;
			__be32 spi;
		} sa;
		struct {
			u32 index;
			u32 if_id;
		} pol;
	};
};

static_assert(sizeof(struct mho_xi_id) % sizeof(u32) == 0);

/*
 * An entry is in two chains: by its address alone, for the lookups, and
 * by address and id, so that adding or removing one entry never walks the
 * entries of an address many objects share (an AR's, or a CN's).
 */
struct mho_xi_ent {
	struct hlist_node by_key;
	struct hlist_node by_id;
	s64 seq;			/* larger is newer: the walks' order */
	struct in6_addr key;
	struct mho_xi_id id;
};

/* A candidate of a lookup, and its entry's age. */
struct mho_xi_cand {
	struct mho_xi_id id;
	s64 seq;
};

/**
 * struct mho_xi - the index of one network namespace (its pernet data)
 * @lock: guards everything below. A leaf lock: it is taken inside XFRM's
 *	own locks (xfrm_state_lock and xfrm_policy_lock during a rebuild's
 *	walks, a state's lock when its timer reports an expiry) and nothing
 *	is taken inside it. Taken with BH disabled: expiry timers notify
 *	from softirq context.
 * @tab: the hash tables of struct mho_xi_ent: hmask + 1 buckets by
 *	address, then as many by address and id; NULL until the first use,
 *	and after mho_xi_net_exit()
 * @hmask: buckets of each table, less one
 * @seq_new: the last sequence number given to an entry a notification
 *	added (counting up from the build)
 * @seq_old: the last one a build's walk gave (counting down: the walks
 *	go newest first)
 * @count: entries in @tab
 * @valid: every IPv6 ESP/AH SA and main IPv6 policy of the namespace has
 *	its entries in @tab. Cleared when an entry cannot be allocated or
 *	XFRM migrates SAs (which it announces without naming them); the
 *	next use rebuilds the index with a walk.
 * @dead: the namespace is going away; nothing is added any more
 * @rebuilds: how often the index was built from a walk
 * @fallbacks: snapshots that walked XFRM because the index could not serve
 */
struct mho_xi {
	spinlock_t lock;	/* see @lock above */
	struct hlist_head *tab;
	u32 hmask;
	u32 count;
	s64 seq_new;
	s64 seq_old;
	bool valid;
	bool dead;
	u32 rebuilds;
	u32 fallbacks;
};

static unsigned int mho_xi_net_id __read_mostly;
static u32 mho_xi_seed __read_mostly;
/*
 * Serialises building, growing and reading the indexes, so that a
 * snapshot never reads an index another one is still building.
 */
static DEFINE_MUTEX(mho_xi_mutex);

static struct mho_xi *mho_xi_of(const struct net *net)
{
	return net_generic(net, mho_xi_net_id);
}

static u32 mho_xi_hkey(const struct in6_addr *key)
{
	return jhash2((__force const u32 *)key->s6_addr32, 4, mho_xi_seed);
}

static struct hlist_head *mho_xi_bucket(const struct mho_xi *xi,
					const struct in6_addr *key)
{
	return &xi->tab[mho_xi_hkey(key) & xi->hmask];
}

static struct hlist_head *mho_xi_id_bucket(const struct mho_xi *xi,
					   const struct in6_addr *key,
					   const struct mho_xi_id *id)
{
	u32 h = jhash2((const u32 *)id, sizeof(*id) / sizeof(u32),
		       mho_xi_hkey(key));

	return &xi->tab[xi->hmask + 1 + (h & xi->hmask)];
}

static struct mho_xi_ent *mho_xi_find_locked(const struct mho_xi *xi,
					     const struct in6_addr *key,
					     const struct mho_xi_id *id)
{
	struct mho_xi_ent *e;

	hlist_for_each_entry(e, mho_xi_id_bucket(xi, key, id), by_id)
		if (ipv6_addr_equal(&e->key, key) &&
		    !memcmp(&e->id, id, sizeof(*id)))
			return e;
	return NULL;
}

static void mho_xi_link(struct mho_xi *xi, struct mho_xi_ent *e)
{
	hlist_add_head(&e->by_key, mho_xi_bucket(xi, &e->key));
	hlist_add_head(&e->by_id, mho_xi_id_bucket(xi, &e->key, &e->id));
}

static void mho_xi_unlink(struct mho_xi *xi, struct mho_xi_ent *e)
{
	hlist_del(&e->by_key);
	hlist_del(&e->by_id);
	kfree(e);
	xi->count--;
}

/* Under xi->lock. @older: from a build's walk, older than all so far. */
static void mho_xi_add_locked(struct mho_xi *xi, const struct in6_addr *key,
			      const struct mho_xi_id *id, bool older)
{
	struct mho_xi_ent *e;

	if (!xi->valid || mho_xi_find_locked(xi, key, id))
		return;
	e = kmalloc(sizeof(*e), GFP_ATOMIC | __GFP_NOWARN);
	if (!e) {
		/* Kept until the next build frees them with the rest. */
		xi->valid = false;
		return;
	}
	e->key = *key;
	e->id = *id;
	e->seq = older ? --xi->seq_old : ++xi->seq_new;
	mho_xi_link(xi, e);
	xi->count++;
}

/* Under xi->lock. */
static void mho_xi_del_locked(struct mho_xi *xi, const struct in6_addr *key,
			      const struct mho_xi_id *id)
{
	struct mho_xi_ent *e;

	if (xi->tab) {
		e = mho_xi_find_locked(xi, key, id);
		if (e)
			mho_xi_unlink(xi, e);
	}
}

/* Drop the entries @match accepts, under xi->lock. */
static void mho_xi_drop_locked(struct mho_xi *xi,
			       bool (*match)(const struct mho_xi_id *id, u8 arg),
			       u8 arg)
{
	struct mho_xi_ent *e;
	struct hlist_node *n;
	u32 b;

	if (!xi->tab)
		return;
	for (b = 0; b <= xi->hmask; b++)
		hlist_for_each_entry_safe(e, n, &xi->tab[b], by_key)
			if (match(&e->id, arg))
				mho_xi_unlink(xi, e);
}

static bool mho_xi_is_sa_of(const struct mho_xi_id *id, u8 proto)
{
	return id->kind == MHO_XI_SA && xfrm_id_proto_match(id->proto, proto);
}

static bool mho_xi_is_pol(const struct mho_xi_id *id, u8 unused)
{
	return id->kind == MHO_XI_POL;
}

static void mho_xi_free_tab(struct hlist_head *tab, u32 hmask)
{
	struct mho_xi_ent *e;
	struct hlist_node *n;
	u32 b;

	if (!tab)
		return;
	for (b = 0; b <= hmask; b++)
		hlist_for_each_entry_safe(e, n, &tab[b], by_key)
			kfree(e);
	kvfree(tab);
}

/* ---- what an SA or a policy is indexed by -------------------------------- */

/*
 * The SAs a snapshot takes are IPv6, ESP or AH: those are indexed, under
 * both outer addresses. Returns how many keys, or -1 for an SA that the
 * index cannot name (a mark that xfrm_state_lookup() cannot match).
 */
static int mho_xi_sa_keys(const struct xfrm_state *x, struct mho_xi_id *id,
			  struct in6_addr *key)
{
	memset(id, 0, sizeof(*id));
	if (x->props.family != AF_INET6 ||
	    (x->id.proto != IPPROTO_ESP && x->id.proto != IPPROTO_AH))
		return 0;
	if ((x->mark.v & x->mark.m) != x->mark.v)
		return -1;
	id->kind = MHO_XI_SA;
	id->proto = x->id.proto;
	id->mark = x->mark;
	id->sa.daddr = x->id.daddr;
	id->sa.spi = x->id.spi;
	key[0] = x->id.daddr.in6;
	key[1] = x->props.saddr.in6;
	return ipv6_addr_equal(&key[0], &key[1]) ? 1 : 2;
}

static int mho_xi_key_add(struct in6_addr *key, int n,
			  const xfrm_address_t *a)
{
	int i;

	for (i = 0; i < n; i++)
		if (ipv6_addr_equal(&key[i], &a->in6))
			return n;
	key[n] = a->in6;
	return n + 1;
}

/*
 * Main IPv6 policies of the in, out and fwd directions with templates:
 * indexed under their tunnel templates' outer addresses and, if a
 * template is in transport mode, their selector's /128 addresses: every
 * address a snapshot's tests look at.
 */
static int mho_xi_pol_keys(const struct xfrm_policy *xp, int dir,
			   struct mho_xi_id *id, struct in6_addr *key)
{
	const struct xfrm_tmpl *t;
	bool sel = false;
	int i, n = 0;

	memset(id, 0, sizeof(*id));
	if (xp->type != XFRM_POLICY_TYPE_MAIN || xp->family != AF_INET6 ||
	    dir < 0 || dir >= XFRM_POLICY_MAX || !xp->xfrm_nr)
		return 0;
	id->kind = MHO_XI_POL;
	id->proto = dir;
	id->mark = xp->mark;
	id->pol.index = xp->index;
	id->pol.if_id = xp->if_id;
	for (i = 0; i < xp->xfrm_nr && i < XFRM_MAX_DEPTH; i++) {
		t = &xp->xfrm_vec[i];
		if (t->mode != XFRM_MODE_TUNNEL) {
			sel = true;
			continue;
		}
		n = mho_xi_key_add(key, n, &t->id.daddr);
		n = mho_xi_key_add(key, n, &t->saddr);
	}
	/* A snapshot looks at the selector for transport templates only. */
	if (sel && xp->selector.prefixlen_d == 128)
		n = mho_xi_key_add(key, n, &xp->selector.daddr);
	if (sel && xp->selector.prefixlen_s == 128)
		n = mho_xi_key_add(key, n, &xp->selector.saddr);
	return n;
}

/* Add or remove an object's entries under its @n keys (@n < 0: unnamable). */
static void mho_xi_apply(struct mho_xi *xi, const struct in6_addr *key,
			 int n, const struct mho_xi_id *id, bool add,
			 bool older)
{
	int i;

	spin_lock_bh(&xi->lock);
	/* Only a walk can find what the index cannot name. */
	if (n < 0 && add)
		xi->valid = false;
	for (i = 0; i < n; i++) {
		if (add)
			mho_xi_add_locked(xi, &key[i], id, older);
		else
			mho_xi_del_locked(xi, &key[i], id);
	}
	spin_unlock_bh(&xi->lock);
}

static void mho_xi_sa_change(struct mho_xi *xi, struct xfrm_state *x,
			     bool add, bool older)
{
	struct in6_addr key[2];
	struct mho_xi_id id;

	mho_xi_apply(xi, key, mho_xi_sa_keys(x, &id, key), &id, add, older);
}

static void mho_xi_pol_change(struct mho_xi *xi, struct xfrm_policy *xp,
			      int dir, bool add, bool older)
{
	struct in6_addr key[MHO_XI_MAX_KEYS];
	struct mho_xi_id id;

	mho_xi_apply(xi, key, mho_xi_pol_keys(xp, dir, &id, key), &id, add,
		     older);
}

/* ---- the key manager ------------------------------------------------------ */

/*
 * Called under rcu_read_lock(), in process context or from a state's
 * timer (softirq, under x->lock), and for XFRM_MSG_NEWAE from the packet
 * path: that one returns at once.
 */
static int mho_xi_km_notify(struct xfrm_state *x, const struct km_event *c)
{
	struct mho_xi *xi;

	switch (c->event) {
	case XFRM_MSG_NEWSA:
	case XFRM_MSG_UPDSA:
		mho_xi_sa_change(mho_xi_of(xs_net(x)), x, true, false);
		break;
	case XFRM_MSG_DELSA:
	case XFRM_MSG_EXPIRE:
		/* A hard expiry is announced once the state is deleted. */
		if (c->event == XFRM_MSG_EXPIRE && !c->data.hard)
			break;
		if (READ_ONCE(x->km.state) == XFRM_STATE_DEAD)
			mho_xi_sa_change(mho_xi_of(xs_net(x)), x, false, false);
		break;
	case XFRM_MSG_FLUSHSA:
		/*
		 * A flush spares only the states the kernel itself holds
		 * (xfrm_state_kern(): IPComp's tunnel states), which are
		 * not ESP or AH and have no entries here.
		 */
		xi = mho_xi_of(c->net);
		spin_lock_bh(&xi->lock);
		mho_xi_drop_locked(xi, mho_xi_is_sa_of, c->data.proto);
		spin_unlock_bh(&xi->lock);
		break;
	}
	return 0;
}

static int mho_xi_km_notify_policy(struct xfrm_policy *xp, int dir,
				   const struct km_event *c)
{
	struct mho_xi *xi;

	switch (c->event) {
	case XFRM_MSG_NEWPOLICY:
	case XFRM_MSG_UPDPOLICY:
		mho_xi_pol_change(mho_xi_of(xp_net(xp)), xp, dir, true, false);
		break;
	case XFRM_MSG_DELPOLICY:
	case XFRM_MSG_POLEXPIRE:
		if (c->event == XFRM_MSG_POLEXPIRE && !c->data.hard)
			break;
		if (READ_ONCE(xp->walk.dead))
			mho_xi_pol_change(mho_xi_of(xp_net(xp)), xp, dir, false,
					  false);
		break;
	case XFRM_MSG_FLUSHPOLICY:
		if (c->data.type != XFRM_POLICY_TYPE_MAIN)
			break;
		xi = mho_xi_of(c->net);
		spin_lock_bh(&xi->lock);
		mho_xi_drop_locked(xi, mho_xi_is_pol, 0);
		spin_unlock_bh(&xi->lock);
		break;
	}
	return 0;
}

/* mho acquires nothing: XFRM asks every key manager, one is enough. */
static int mho_xi_km_acquire(struct xfrm_state *x, struct xfrm_tmpl *t,
			     struct xfrm_policy *xp)
{
	return -EINVAL;
}

/* Nor compiles socket policies; *dir is left to the other managers. */
static struct xfrm_policy *mho_xi_km_compile(struct sock *sk, int opt,
					     u8 *data, int len, int *dir)
{
	return NULL;
}

/*
 * XFRM moved SAs and policies to new addresses without naming them: the
 * index is built again when next used. Not ours to answer for.
 */
static int mho_xi_km_migrate(const struct xfrm_selector *sel, u8 dir,
			     u8 type, const struct xfrm_migrate *m,
			     int num_bundles, const struct xfrm_kmaddress *k,
			     struct net *net,
			     const struct xfrm_encap_tmpl *encap)
{
	struct mho_xi *xi = mho_xi_of(net);

	spin_lock_bh(&xi->lock);
	xi->valid = false;
	spin_unlock_bh(&xi->lock);
	return -EINVAL;
}

static struct xfrm_mgr mho_xi_mgr = {
	.notify		= mho_xi_km_notify,
	.acquire	= mho_xi_km_acquire,
	.compile_policy	= mho_xi_km_compile,
	.notify_policy	= mho_xi_km_notify_policy,
	.migrate	= mho_xi_km_migrate,
};

void mho_xi_notify_sa(struct xfrm_state *x, int event)
{
	struct km_event c = { .event = event };

	km_state_notify(x, &c);
}

void mho_xi_notify_policy(struct xfrm_policy *xp, int dir, int event)
{
	struct km_event c = { .event = event };

	/* A deletion names the policy by its index. */
	c.data.byid = 1;
	km_policy_notify(xp, dir, &c);
}

/* ---- building and using the index ----------------------------------------- */

static u32 mho_xi_objects(const struct net *net)
{
	u32 n = READ_ONCE(net->xfrm.state_num);
	int dir;

	for (dir = 0; dir < XFRM_POLICY_MAX; dir++)
		n += READ_ONCE(net->xfrm.policy_count[dir]);
	return n;
}

static u32 mho_xi_buckets(u32 entries)
{
	return roundup_pow_of_two(clamp_t(u32, entries, MHO_XI_MIN_BUCKETS,
					  MHO_XI_MAX_BUCKETS));
}

/* xfrm_state_walk() callback, under xfrm_state_lock. */
static int mho_xi_walk_sa(struct xfrm_state *x, int count, void *arg)
{
	mho_xi_sa_change(arg, x, true, true);
	return 0;
}

/* xfrm_policy_walk() callback, under xfrm_policy_lock. */
static int mho_xi_walk_pol(struct xfrm_policy *xp, int dir, int count,
			   void *arg)
{
	mho_xi_pol_change(arg, xp, dir, true, true);
	return 0;
}

/* Build the index from walks of XFRM. Under mho_xi_mutex. */
static int mho_xi_build(struct net *net, struct mho_xi *xi)
{
	struct hlist_head *tab, *old;
	struct xfrm_policy_walk pw;
	struct xfrm_state_walk sw;
	u32 nb, old_mask;
	bool ok;

	nb = mho_xi_buckets(2 * mho_xi_objects(net));
	tab = kvcalloc(2 * nb, sizeof(*tab), GFP_KERNEL);
	if (!tab)
		return -ENOMEM;
	spin_lock_bh(&xi->lock);
	if (xi->dead) {
		spin_unlock_bh(&xi->lock);
		kvfree(tab);
		return -ENOENT;
	}
	old = xi->tab;
	old_mask = xi->hmask;
	xi->tab = tab;
	xi->hmask = nb - 1;
	xi->count = 0;
	xi->seq_new = 0;
	xi->seq_old = 0;
	xi->valid = true;
	xi->rebuilds++;
	spin_unlock_bh(&xi->lock);
	mho_xi_free_tab(old, old_mask);

	/* Newest first, as the walks go: each older than the last. */
	xfrm_state_walk_init(&sw, IPSEC_PROTO_ANY, NULL);
	xfrm_state_walk(net, &sw, mho_xi_walk_sa, xi);
	xfrm_state_walk_done(&sw, net);
	xfrm_policy_walk_init(&pw, XFRM_POLICY_TYPE_MAIN);
	xfrm_policy_walk(net, &pw, mho_xi_walk_pol, xi);
	xfrm_policy_walk_done(&pw, net);

	spin_lock_bh(&xi->lock);
	ok = xi->valid;
	spin_unlock_bh(&xi->lock);
	return ok ? 0 : -ENOMEM;
}

/* Give the index @nb buckets. Under mho_xi_mutex. */
static void mho_xi_grow(struct mho_xi *xi, u32 nb)
{
	struct hlist_head *tab, *old;
	struct mho_xi_ent *e;
	struct hlist_node *n;
	u32 b, old_mask;

	tab = kvcalloc(2 * nb, sizeof(*tab), GFP_KERNEL);
	if (!tab)
		return;		/* longer chains, still right */
	spin_lock_bh(&xi->lock);
	old = xi->tab;
	old_mask = xi->hmask;
	xi->tab = tab;
	xi->hmask = nb - 1;
	for (b = 0; old && b <= old_mask; b++)
		hlist_for_each_entry_safe(e, n, &old[b], by_key)
			mho_xi_link(xi, e);
	spin_unlock_bh(&xi->lock);
	kvfree(old);
}

/*
 * Make the index fit to use: build it if it is not valid, or if it holds
 * far more entries than XFRM has objects (entries of changes XFRM did not
 * announce); grow it if its chains are long. Under mho_xi_mutex.
 */
static int mho_xi_ready(struct net *net, struct mho_xi *xi)
{
	u32 count, buckets, objects;
	bool valid;

	spin_lock_bh(&xi->lock);
	valid = xi->valid && xi->tab;
	count = xi->count;
	buckets = xi->hmask + 1;
	spin_unlock_bh(&xi->lock);

	/*
	 * An SA has at most 2 entries, a policy MHO_XI_MAX_KEYS: more than
	 * that are entries of objects XFRM removed without a word.
	 */
	objects = mho_xi_objects(net);
	if (!valid || count > MHO_XI_MAX_KEYS * (objects + 1024))
		return mho_xi_build(net, xi);
	if (count > 2 * buckets && buckets < MHO_XI_MAX_BUCKETS)
		mho_xi_grow(xi, mho_xi_buckets(2 * count));
	return 0;
}

/*
 * Copy the ids of @kind under the addresses @addr into @cand, each once,
 * newest first. Returns how many, or -EAGAIN.
 */
static int mho_xi_collect(struct net *net, const struct in6_addr *addr,
			  int n, u8 kind, struct mho_xi_cand *cand)
{
	struct mho_xi *xi = mho_xi_of(net);
	struct mho_xi_cand c;
	struct mho_xi_ent *e;
	int i, j, nc = 0;

	if (mho_xi_ready(net, xi))
		goto fallback;
	spin_lock_bh(&xi->lock);
	if (!xi->valid)
		goto fallback_locked;
	for (i = 0; i < n; i++) {
		hlist_for_each_entry(e, mho_xi_bucket(xi, &addr[i]), by_key) {
			if (e->id.kind != kind ||
			    !ipv6_addr_equal(&e->key, &addr[i]))
				continue;
			for (j = 0; j < nc; j++)
				if (!memcmp(&cand[j].id, &e->id, sizeof(e->id)))
					break;
			if (j < nc) {
				cand[j].seq = max(cand[j].seq, e->seq);
				continue;
			}
			if (nc == MHO_XI_MAX_CAND)
				goto fallback_locked;
			cand[nc].id = e->id;
			cand[nc++].seq = e->seq;
		}
	}
	spin_unlock_bh(&xi->lock);
	/* Newest first, as a walk would give them (insertion sort: few). */
	for (i = 1; i < nc; i++) {
		c = cand[i];
		for (j = i; j > 0 && cand[j - 1].seq < c.seq; j--)
			cand[j] = cand[j - 1];
		cand[j] = c;
	}
	return nc;

fallback_locked:
	spin_unlock_bh(&xi->lock);
fallback:
	spin_lock_bh(&xi->lock);
	xi->fallbacks++;
	spin_unlock_bh(&xi->lock);
	return -EAGAIN;
}

int mho_xi_states(struct net *net, const struct in6_addr *addr, int n,
		  int (*sa_fn)(struct xfrm_state *x, int count, void *arg),
		  void *arg)
{
	struct xfrm_state **xs = NULL;
	struct mho_xi_cand *cand;
	struct xfrm_state *x;
	int i, nc, nx = 0;
	int err = 0;

	cand = kmalloc_array(MHO_XI_MAX_CAND, sizeof(*cand), GFP_KERNEL);
	xs = kmalloc_array(MHO_XI_MAX_CAND, sizeof(*xs), GFP_KERNEL);
	if (!cand || !xs) {
		err = -EAGAIN;
		goto out;
	}
	mutex_lock(&mho_xi_mutex);
	nc = mho_xi_collect(net, addr, n, MHO_XI_SA, cand);
	mutex_unlock(&mho_xi_mutex);
	if (nc < 0) {
		err = nc;
		goto out;
	}
	/*
	 * Look every candidate up before calling back, so that an id that
	 * finds another state than the one it was made from (marks that
	 * overlap) can still send the caller to the walk.
	 */
	for (i = 0; i < nc; i++) {
		const struct mho_xi_id *id = &cand[i].id;

		x = xfrm_state_lookup(net, id->mark.v, &id->sa.daddr,
				      id->sa.spi, id->proto, AF_INET6);
		if (!x)
			continue;	/* deleted since, or never announced */
		if (x->mark.v != id->mark.v || x->mark.m != id->mark.m) {
			xfrm_state_put(x);
			err = -EAGAIN;
			goto put;
		}
		xs[nx++] = x;
	}
	for (i = 0; i < nx && !err; i++)
		err = sa_fn(xs[i], i, arg);
put:
	for (i = 0; i < nx; i++)
		xfrm_state_put(xs[i]);
out:
	kfree(xs);
	kfree(cand);
	return err;
}

int mho_xi_policies(struct net *net, const struct in6_addr *addr, int n,
		    int (*pol_fn)(struct xfrm_policy *xp, int dir, int count,
				  void *arg),
		    void *arg)
{
	struct xfrm_policy *xp;
	struct mho_xi_cand *cand;
	int i, nc, err = 0;

	cand = kmalloc_array(MHO_XI_MAX_CAND, sizeof(*cand), GFP_KERNEL);
	if (!cand)
		return -EAGAIN;
	mutex_lock(&mho_xi_mutex);
	nc = mho_xi_collect(net, addr, n, MHO_XI_POL, cand);
	mutex_unlock(&mho_xi_mutex);
	if (nc < 0)
		err = nc;
	/* A policy is found by the exact id it was indexed with. */
	for (i = 0; i < nc && !err; i++) {
		const struct mho_xi_id *id = &cand[i].id;

		xp = xfrm_policy_byid(net, &id->mark, id->pol.if_id,
				      XFRM_POLICY_TYPE_MAIN, id->proto,
				      id->pol.index, 0, &err);
		err = 0;
		if (!xp)
			continue;
		err = pol_fn(xp, id->proto, i, arg);
		xfrm_pol_put(xp);
	}
	kfree(cand);
	return err;
}

int mho_xi_put_stats(struct sk_buff *skb, struct net *net)
{
	struct mho_xi *xi = mho_xi_of(net);
	u32 count, builds, walks;

	spin_lock_bh(&xi->lock);
	count = xi->count;
	builds = xi->rebuilds;
	walks = xi->fallbacks;
	spin_unlock_bh(&xi->lock);
	if (nla_put_u32(skb, MHO_STATS_A_CTX_INDEX_ENTRIES, count) ||
	    nla_put_u32(skb, MHO_STATS_A_CTX_INDEX_BUILDS, builds) ||
	    nla_put_u32(skb, MHO_STATS_A_CTX_INDEX_WALKS, walks))
		return -EMSGSIZE;
	return 0;
}

static int __net_init mho_xi_net_init(struct net *net)
{
	struct mho_xi *xi = mho_xi_of(net);

	spin_lock_init(&xi->lock);
	return 0;
}

/*
 * XFRM's own pernet exit runs after mho's, and a state's timer may still
 * announce an expiry until then: @dead keeps the index empty from here.
 */
static void __net_exit mho_xi_net_exit(struct net *net)
{
	struct mho_xi *xi = mho_xi_of(net);
	struct hlist_head *tab;
	u32 hmask;

	spin_lock_bh(&xi->lock);
	xi->dead = true;
	xi->valid = false;
	tab = xi->tab;
	hmask = xi->hmask;
	xi->tab = NULL;
	xi->count = 0;
	spin_unlock_bh(&xi->lock);
	mho_xi_free_tab(tab, hmask);
}

static struct pernet_operations mho_xi_net_ops = {
	.init	= mho_xi_net_init,
	.exit	= mho_xi_net_exit,
	.id	= &mho_xi_net_id,
	.size	= sizeof(struct mho_xi),
};

/* Every namespace has its index before XFRM can call mho_xi_mgr. */
int mho_xi_init(void)
{
	int err;

	mho_xi_seed = get_random_u32();
	err = register_pernet_subsys(&mho_xi_net_ops);
	if (err)
		return err;
	xfrm_register_km(&mho_xi_mgr);
	return 0;
}

/* xfrm_unregister_km() waits for the notifications in flight. */
void mho_xi_exit(void)
{
	xfrm_unregister_km(&mho_xi_mgr);
	unregister_pernet_subsys(&mho_xi_net_ops);
}
