// SPDX-License-Identifier: GPL-2.0
/*
 * In-module selftest of the binding tables, run at module load when mho is
 * built with DEBUG (the debug tier of "make check" does so). Included at
 * the bottom of binding.c so that it can use its static helpers.
 */

#ifdef DEBUG

static void __init mho_st_addr(struct in6_addr *a, u16 last)
{
	ipv6_addr_set(a, htonl(0x20010db8), 0, 0, htonl(last));
}

static struct mho_addr *__init mho_st_node(struct mho_net *mn, u16 last)
{
	struct in6_addr a;

	mho_st_addr(&a, last);
	return rhashtable_lookup_fast(&mn->addrs, &a, mho_addr_params);
}

static bool __init mho_st(bool cond, const char *what)
{
	if (!cond)
		pr_err("mho: binding selftest %s: FAIL\n", what);
	return cond;
}

/* mho_net.reap_work, which main.c points at netlink's reaper: unused here. */
static void mho_st_no_reap(struct work_struct *work)
{
}

/* A new binding is reachable by each of its addresses, under RCU too. */
static bool __init mho_st_new(struct mho_net *mn, struct mho_binding **b)
{
	struct mho_binding_cfg cfg = {};
	struct in6_addr other;
	bool found;
	int err;

	cfg.set = MHO_BCFG_ROLE | MHO_BCFG_COA | MHO_BCFG_NCOA;
	cfg.role = MHO_ROLE_PAR;
	mho_st_addr(&cfg.addr[MHO_SLOT_COA], 1);
	mho_st_addr(&cfg.addr[MHO_SLOT_NCOA], 2);
	err = mho_binding_new(mn, &cfg, b, NULL);
	if (!mho_st(!err && (*b)->id == 1, "new"))
		return false;
	if (!mho_st(mho_binding_lookup(mn, &cfg.addr[MHO_SLOT_COA]) == *b &&
		    mho_binding_lookup(mn, &cfg.addr[MHO_SLOT_NCOA]) == *b,
		    "lookup"))
		return false;
	/* The packet path's lookup, under RCU, finds the same; a miss is NULL. */
	mho_st_addr(&other, 3);
	rcu_read_lock();
	found = mho_binding_lookup_rcu(mn, &cfg.addr[MHO_SLOT_COA]) == *b &&
		mho_binding_lookup_rcu(mn, &cfg.addr[MHO_SLOT_NCOA]) == *b &&
		!mho_binding_lookup_rcu(mn, &other);
	rcu_read_unlock();
	if (!mho_st(found, "lookup under rcu"))
		return false;
	/* The first address is the node embedded in the binding. */
	return mho_st((*b)->addr[MHO_SLOT_COA] == &(*b)->own &&
		      (*b)->own_state == MHO_OWN_USED &&
		      (*b)->addr[MHO_SLOT_NCOA] != &(*b)->own, "embedded node");
}

/*
 * Handoff: NCOA becomes COA and keeps its node; the old COA goes. Then
 * swapping two addresses of one binding is not a conflict.
 */
static bool __init mho_st_move(struct mho_net *mn, struct mho_binding *b)
{
	struct mho_binding_cfg cfg = {};
	struct mho_addr *node;

	node = mho_st_node(mn, 2);
	if (!mho_st(node, "node"))
		return false;
	cfg.set = MHO_BCFG_COA | MHO_BCFG_NCOA;
	mho_st_addr(&cfg.addr[MHO_SLOT_COA], 2);
	if (!mho_st(!mho_binding_set(mn, b, &cfg, NULL), "move"))
		return false;
	if (!mho_st(mho_st_node(mn, 2) == node && b->addr[MHO_SLOT_COA] == node &&
		    !b->addr[MHO_SLOT_NCOA] && !mho_st_node(mn, 1), "move keeps node"))
		return false;
	/* The embedded node went with the old COA, and is not reused. */
	if (!mho_st(b->own_state == MHO_OWN_SPENT, "embedded node spent"))
		return false;

	mho_st_addr(&cfg.addr[MHO_SLOT_COA], 3);
	mho_st_addr(&cfg.addr[MHO_SLOT_NCOA], 2);
	if (!mho_st(!mho_binding_set(mn, b, &cfg, NULL), "add"))
		return false;
	if (!mho_st(b->addr[MHO_SLOT_COA] != &b->own, "spent node not reused"))
		return false;
	mho_st_addr(&cfg.addr[MHO_SLOT_COA], 2);
	mho_st_addr(&cfg.addr[MHO_SLOT_NCOA], 3);
	if (!mho_st(!mho_binding_set(mn, b, &cfg, NULL), "swap"))
		return false;
	return mho_st(b->addr[MHO_SLOT_COA] == node &&
		      mho_st_node(mn, 3) == b->addr[MHO_SLOT_NCOA], "swap nodes");
}

/* What a new binding is refused for; a refusal changes nothing. */
static bool __init mho_st_refused(struct mho_net *mn)
{
	struct mho_binding_cfg cfg = {};
	struct mho_binding *b2;

	/* Another binding cannot take an address. */
	cfg.set = MHO_BCFG_ROLE | MHO_BCFG_COA | MHO_BCFG_HOA;
	cfg.role = MHO_ROLE_NAR;
	mho_st_addr(&cfg.addr[MHO_SLOT_HOA], 4);
	mho_st_addr(&cfg.addr[MHO_SLOT_COA], 3);
	if (!mho_st(mho_binding_new(mn, &cfg, &b2, NULL) == -EADDRINUSE, "conflict"))
		return false;
	if (!mho_st(mn->n_bindings == 1 && !mho_st_node(mn, 4) &&
		    !xa_load(&mn->bindings, 2), "conflict changes nothing"))
		return false;

	/* The same address twice in one request is refused. */
	mho_st_addr(&cfg.addr[MHO_SLOT_COA], 4);
	if (!mho_st(mho_binding_new(mn, &cfg, &b2, NULL) == -EINVAL, "twice"))
		return false;

	/* A home agent binding needs a home address. */
	cfg.set = MHO_BCFG_ROLE | MHO_BCFG_COA;
	cfg.role = MHO_ROLE_HA;
	mho_st_addr(&cfg.addr[MHO_SLOT_COA], 5);
	if (!mho_st(mho_binding_new(mn, &cfg, &b2, NULL) == -EINVAL, "ha hoa"))
		return false;

	/* The limit on bindings holds. */
	cfg.role = MHO_ROLE_NAR;
	if (!mho_st(!mho_binding_new(mn, &cfg, &b2, NULL), "second"))
		return false;
	mho_st_addr(&cfg.addr[MHO_SLOT_COA], 6);
	return mho_st(mho_binding_new(mn, &cfg, &b2, NULL) == -ENOSPC, "limit");
}

/* Address @j of mobile node @i, in a prefix of its own. */
static void __init mho_st_addr2(struct in6_addr *a, u32 i, u32 j)
{
	ipv6_addr_set(a, htonl(0x20010db8), htonl(0xf11e0000), htonl(i),
		      htonl(j));
}

/*
 * The address filter (filter.h) grows with the table, never hides an
 * address in it, turns most others away, and shrinks when the table
 * empties. @mn has no binding left.
 */
static bool __init mho_st_filter(struct mho_net *mn)
{
	const unsigned int n = 1000, probes = 4096;
	struct mho_binding_cfg cfg = {};
	unsigned int i, maybe = 0;
	struct mho_binding *b;
	bool found = true;
	struct in6_addr a;
	unsigned long id;

	if (!mho_st(mho_filter_bytes(&mn->filter) == 512, "filter starts small"))
		return false;
	mn->limits.max_bindings = n;
	cfg.set = MHO_BCFG_ROLE | MHO_BCFG_COA | MHO_BCFG_NCOA;
	cfg.role = MHO_ROLE_NAR;
	for (i = 0; i < n; i++) {
		mho_st_addr2(&cfg.addr[MHO_SLOT_COA], i, 1);
		mho_st_addr2(&cfg.addr[MHO_SLOT_NCOA], i, 2);
		if (!mho_st(!mho_binding_new(mn, &cfg, &b, NULL), "filter new"))
			return false;
	}
	/* 2,000 addresses, 8 bits or more each: 2,048 bytes or more. */
	if (!mho_st(mho_filter_bytes(&mn->filter) >= 2048, "filter grows"))
		return false;
	rcu_read_lock();
	for (i = 0; i < n; i++) {
		mho_st_addr2(&a, i, 1);
		b = mho_binding_lookup_rcu(mn, &a);
		mho_st_addr2(&a, i, 2);
		found &= b && mho_binding_lookup_rcu(mn, &a) == b;
	}
	/* Addresses no binding has: about 3 to 5% get through. */
	for (i = 0; i < probes; i++) {
		mho_st_addr2(&a, i, 3);
		maybe += mho_filter_maybe(rcu_dereference(mn->filter.cur), &a);
	}
	rcu_read_unlock();
	if (!mho_st(found, "filter hides no address") ||
	    !mho_st(maybe < probes / 10, "filter turns misses away"))
		return false;

	xa_for_each(&mn->bindings, id, b)
		mho_binding_del(mn, b);
	rcu_read_lock();
	mho_st_addr2(&a, 0, 1);
	found = !mho_binding_lookup_rcu(mn, &a);
	rcu_read_unlock();
	return mho_st(found && !mn->n_bindings, "filter del") &&
	       mho_st(mho_filter_bytes(&mn->filter) == 512 && mn->filter.stale < n,
		      "filter shrinks");
}

bool __init mho_binding_selftest(void)
{
	struct mho_binding *b;
	struct mho_net *mn;
	unsigned long id;
	bool ok = false;

	mn = kzalloc(sizeof(*mn), GFP_KERNEL);
	if (!mn)
		return false;
	mutex_init(&mn->lock);
	INIT_WORK(&mn->reap_work, mho_st_no_reap);
	mn->limits.max_bindings = 2;
	mn->limits.max_peers = 1;
	if (mho_peers_init(mn))
		goto out_free;
	if (mho_bindings_net_init(mn))
		goto out_peers;

	mutex_lock(&mn->lock);
	if (!mho_st_new(mn, &b) || !mho_st_move(mn, b) || !mho_st_refused(mn))
		goto out;

	/* Deleting unlinks every address. */
	mho_binding_del(mn, b);
	if (!mho_st(!mho_st_node(mn, 2) && !mho_st_node(mn, 3) &&
		    mn->n_bindings == 1, "del"))
		goto out;
	xa_for_each(&mn->bindings, id, b)
		mho_binding_del(mn, b);
	if (!mho_st_filter(mn))
		goto out;

	ok = true;
	pr_info("mho: binding selftests: pass\n");
out:
	mutex_unlock(&mn->lock);
	mho_bindings_net_exit(mn);
out_peers:
	mho_peers_destroy(mn);
out_free:
	mutex_destroy(&mn->lock);
	kfree(mn);
	return ok;
}

#endif /* DEBUG */
