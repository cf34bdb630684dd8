/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mho - per network namespace state shared by every part of the module.
 */
#ifndef _MHO_MHO_H
#define _MHO_MHO_H

#include <linux/mutex.h>
#include <linux/netfilter.h>
#include <linux/rhashtable-types.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "filter.h"
#include "limits.h"

struct mho_pcpu_stats {
	u64_stats_t rx_pkts;
	u64_stats_t rx_bytes;
	struct u64_stats_sync syncp;
};

/**
 * struct mho_net - mho state of one network namespace
 * @net: the namespace
 * @lock: serialises every change to the tables and counts below, and every
 *	netlink reader that walks them (doit and dumpit run in process
 *	context, so a mutex is fine). The packet path never takes it: it
 *	only does RCU lookups in @addrs and @peer_addrs.
 * @addrs: every address of every binding -> struct mho_addr
 * @filter: the bitmap in front of @addrs (filter.h)
 * @bindings: binding id -> struct mho_binding, for id lookups and dumps
 * @next_binding_id: cursor for automatic, cyclic id allocation
 * @n_bindings: number of entries in @bindings
 * @peer_addrs: peer address -> struct mho_peer
 * @peers: internal index -> struct mho_peer, the stable dump order
 * @next_peer_idx: cursor for @peers
 * @n_peers: number of entries in @peers
 * @generation: bumped by every change; dumps compare it to detect one
 * @ctx_gen: the generation of the last context exported here (under
 *	@lock; see mho_ctx_export())
 * @limits: current limits; written under @lock, read with READ_ONCE()
 * @stats: netns-wide packet counters, written by the packet path
 * @held_pkts: packets held by all bindings, against limits.total_pkts
 * @held_bytes: their bytes, against limits.total_bytes
 * @untrusted: mho tunnel packets dropped for their source or IPsec policy
 * @cached_pkts: control message copies kept by all home agent bindings,
 *	against limits.cache_total
 * @reap_work: deletes the bindings whose linger time is over (a timer
 *	cannot take @lock)
 */
struct mho_net {
	struct net *net;
	struct mutex lock;	/* see @lock above */
	struct rhashtable addrs;
	struct mho_addr_filter filter;
	struct xarray bindings;
	u32 next_binding_id;
	u32 n_bindings;
	struct rhashtable peer_addrs;
	struct xarray peers;
	u32 next_peer_idx;
	u32 n_peers;
	u32 generation;
	u64 ctx_gen;
	struct mho_limits limits;
	struct mho_pcpu_stats __percpu *stats;
	atomic_long_t held_pkts;
	atomic_long_t held_bytes;
	atomic64_t untrusted;
	atomic_long_t cached_pkts;
	struct work_struct reap_work;
	struct nf_hook_ops hook_ops;
};

extern unsigned int mho_net_id;

static inline struct mho_net *mho_net(const struct net *net)
{
	return net_generic(net, mho_net_id);
}

/*
 * Record that the configuration of @mn changed (for dump consistency).
 * The generation is never 0: genl_dump_check_consistent() ignores a dump
 * whose first part saw sequence 0.
 */
static inline void mho_net_changed(struct mho_net *mn)
{
	lockdep_assert_held(&mn->lock);
	if (!++mn->generation)
		mn->generation = 1;
}

#endif /* _MHO_MHO_H */
