/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mho - a binding and the table of its addresses: what the packet path
 * reads. Creating, changing and deleting bindings is binding.c's
 * (binding.h), which the packet path does not need.
 */
#ifndef _MHO_BINDTAB_H
#define _MHO_BINDTAB_H

#include <linux/atomic.h>
#include <linux/in6.h>
#include <linux/jhash.h>
#include <linux/rhashtable.h>
#include <net/ipv6.h>

#include "mho.h"
#include "filter.h"

struct mho_handoff;

/* The addresses a binding can have; a packet matches on any of them. */
enum mho_slot {
	MHO_SLOT_HOA,
	MHO_SLOT_COA,
	MHO_SLOT_NCOA,
	MHO_NSLOTS,
};

struct mho_binding;

/**
 * struct mho_addr - one address of a binding, in mho_net.addrs
 * @node: hash table linkage, keyed by @addr
 * @addr: the address; never changes once inserted. Changing a binding's
 *	address inserts a new mho_addr and frees the old one after a grace
 *	period, so a lookup under RCU never sees a key change under it.
 * @binding: the owner, valid for as long as this node is reachable
 *
 * The first address a binding gets is the node embedded in it
 * (mho_binding.own), freed with the binding; the others are
 * struct mho_addr_node, freed on their own after a grace period.
 */
struct mho_addr {
	struct rhash_head node;
	struct in6_addr addr;
	struct mho_binding *binding;
};

/**
 * struct mho_addr_node - an address allocated on its own
 * @a: the address
 * @rcu: for call_rcu()
 */
struct mho_addr_node {
	struct mho_addr a;
	struct rcu_head rcu;
};

/*
 * mho_net.addrs, the addresses of every binding. Every packet that enters
 * the namespace is a candidate, and nearly all of them have no binding:
 * the address filter (filter.h) turns most of those away before the
 * table is read, and the lookup itself is made cheap for the rest (see
 * Documentation/performance.rst, benchmark 1): an entry is compared with
 * two 64-bit compares rather than rhashtable's out-of-line memcmp(), and
 * the hash is jhash_3words() of the address with its two prefix words
 * folded into one, which costs less than half of jhash2() over all four.
 *
 * The fold does not let anyone pile bindings into one bucket. Two
 * addresses give jhash the same input only if their last 64 bits (the part
 * a mobile node chooses) are equal and they are in two of the operator's
 * prefixes whose two words XOR to the same value; any other two are told
 * apart by jhash with the table's random seed. A packet's address is only
 * looked up, never inserted.
 */
static inline u32 mho_addr_hash(const void *data, u32 len, u32 seed)
{
	const struct in6_addr *a = data;

	return jhash_3words((__force u32)(a->s6_addr32[0] ^ a->s6_addr32[1]),
			    (__force u32)a->s6_addr32[2],
			    (__force u32)a->s6_addr32[3], seed);
}

static inline int mho_addr_cmp(struct rhashtable_compare_arg *arg,
			       const void *obj)
{
	const struct mho_addr *a = obj;

	return !ipv6_addr_equal(&a->addr, arg->key);
}

static const struct rhashtable_params mho_addr_params = {
	.head_offset		= offsetof(struct mho_addr, node),
	.key_offset		= offsetof(struct mho_addr, addr),
	.key_len		= sizeof(struct in6_addr),
	.automatic_shrinking	= true,
	.hashfn			= mho_addr_hash,
	.obj_cmpfn		= mho_addr_cmp,
};

/* mho_binding.own_state: what became of the embedded address node. */
enum mho_own_state {
	MHO_OWN_FREE,	/* never used */
	MHO_OWN_USED,	/* in the table, in a slot (or about to be) */
	MHO_OWN_SPENT,	/* unlinked; readers may still see it: not reused */
};

/**
 * struct mho_binding - one mobile node
 * @id: key in mho_net.bindings
 * @role: enum mho_role; fixed at creation
 * @own_state: enum mho_own_state, of @own; under mho_net.lock
 * @addr: the binding's addresses, NULL where absent
 * @rx_pkts: packets matched by the hook
 * @rx_bytes: their bytes
 * @h: the handoff machinery, with its own lock (see handoff.h); NULL
 *	until the binding first needs it (a peer, a state other than idle,
 *	a handoff setting or limit, a kept IPsec context, or the home agent
 *	role), so that an idle binding costs little. Set once, under
 *	mho_net.lock, with smp_store_release(); freed with the binding. It
 *	also holds the binding's peer and kept context, which an idle
 *	binding does not have.
 * @rcu: the binding is freed after a grace period
 * @own: the binding's first address node, so that an idle binding with
 *	one address is one allocation (see Documentation/performance.rst,
 *	benchmark 5). Once unlinked it is never reused: a reader may still
 *	be looking at it until the binding itself is freed.
 *
 * @addr is written under mho_net.lock; the packet path reaches a binding
 * through an mho_addr under RCU and touches only the counters.
 */
struct mho_binding {
	u32 id;
	u8 role;
	u8 own_state;
	struct mho_addr *addr[MHO_NSLOTS];
	atomic64_t rx_pkts;
	atomic64_t rx_bytes;
	struct mho_handoff *h;
	struct rcu_head rcu;
	struct mho_addr own;
};

/* The table's part of mho_binding_lookup_rcu(): a hit, or a rare miss. */
static inline struct mho_binding *
mho_binding_lookup_table(struct mho_net *mn, const struct in6_addr *addr)
{
	struct mho_addr *a;

	a = rhashtable_lookup(&mn->addrs, addr, mho_addr_params);
	return a ? a->binding : NULL;
}

/**
 * mho_binding_lookup_rcu - mho_binding_lookup() for the packet path
 * @mn: the namespace
 * @addr: any address of the binding
 *
 * The caller holds rcu_read_lock(), as netfilter hooks do; the result stays
 * valid until it drops it. Unlike rhashtable_lookup_fast(), this takes no
 * read lock of its own. The address filter answers first, inline: most
 * packets stop there, without a call.
 */
static __always_inline struct mho_binding *
mho_binding_lookup_rcu(struct mho_net *mn, const struct in6_addr *addr)
{
	if (!mho_filter_maybe(rcu_dereference(mn->filter.cur), addr))
		return NULL;
	return mho_binding_lookup_table(mn, addr);
}

#endif /* _MHO_BINDTAB_H */
