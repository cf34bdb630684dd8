// SPDX-License-Identifier: GPL-2.0
/*
 * mho - the "mho" generic netlink family.
 *
 * Every operation has its own strict policy, every rejection carries an
 * extack message, and every command requires CAP_NET_ADMIN in the user
 * namespace that owns the network namespace (GENL_UNS_ADMIN_PERM). The
 * same holds for joining the events group.
 *
 * Handlers take mho_net.lock for the whole request, so a request either
 * applies completely or not at all, and the notification it sends is
 * ordered with the change.
 */

#include <linux/kernel.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <linux/mho.h>

#include "mho.h"
#include "binding.h"
#include "context.h"
#include "netlink.h"
#include "peer.h"

/* Bounds of the limits; the per-binding ones also accept 0 ("inherit"). */
#define MHO_PKTS_MAX		65536
#define MHO_BYTES_MIN		1280
#define MHO_BYTES_MAX		BIT(30)
#define MHO_HOLD_MS_MAX		600000
#define MHO_BINDINGS_MAX	BIT(24)
#define MHO_PEERS_MAX		4096
#define MHO_TOTAL_PKTS_MAX	BIT(22)
#define MHO_TOTAL_BYTES_MIN	65536
#define MHO_RATE_MAX		10000000
#define MHO_WAIT_MS_MAX		MHO_HOLD_MS_MAX
#define MHO_CACHE_MS_MAX	MHO_HOLD_MS_MAX
#define MHO_CACHE_PKTS_MAX	1024
#define MHO_CACHE_TOTAL_MAX	BIT(16)

enum {
	MHO_MCGRP_EVENTS_IDX,
};

static struct genl_family mho_family;

/* The range tables are not const: 6.1's struct nla_policy wants them so. */
static struct netlink_range_validation mho_rng_rate = {
	.min = 0, .max = MHO_RATE_MAX,
};

static struct netlink_range_validation mho_rng_wait = {
	.min = 0, .max = MHO_WAIT_MS_MAX,
};

static struct netlink_range_validation mho_rng_cache_ms = {
	.min = 0, .max = MHO_CACHE_MS_MAX,
};

static struct netlink_range_validation mho_rng_cache_pkts = {
	.min = 1, .max = MHO_CACHE_PKTS_MAX,
};

static struct netlink_range_validation mho_rng_cache_total = {
	.min = 1, .max = MHO_CACHE_TOTAL_MAX,
};

static struct netlink_range_validation mho_rng_pkts = {
	.min = 1, .max = MHO_PKTS_MAX,
};

static struct netlink_range_validation mho_rng_bytes = {
	.min = MHO_BYTES_MIN, .max = MHO_BYTES_MAX,
};

static struct netlink_range_validation mho_rng_hold = {
	.min = 1, .max = MHO_HOLD_MS_MAX,
};

static struct netlink_range_validation mho_rng_bindings = {
	.min = 1, .max = MHO_BINDINGS_MAX,
};

static struct netlink_range_validation mho_rng_peers = {
	.min = 1, .max = MHO_PEERS_MAX,
};

static struct netlink_range_validation mho_rng_total_pkts = {
	.min = 1, .max = MHO_TOTAL_PKTS_MAX,
};

static struct netlink_range_validation mho_rng_total_bytes = {
	.min = MHO_TOTAL_BYTES_MIN, .max = U32_MAX,
};

static struct netlink_range_validation mho_rng_b_pkts = {
	.max = MHO_PKTS_MAX,
};

static struct netlink_range_validation mho_rng_b_bytes = {
	.max = MHO_BYTES_MAX,
};

static struct netlink_range_validation mho_rng_b_hold = {
	.max = MHO_HOLD_MS_MAX,
};

#define MHO_POLICY_IN6	NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr))

/* ---- policies ---------------------------------------------------------- */

static const struct nla_policy mho_peer_cfg_policy[MHO_PEER_A_MAX + 1] = {
	[MHO_PEER_A_ADDR]	= MHO_POLICY_IN6,
	[MHO_PEER_A_NAME]	= { .type = NLA_NUL_STRING,
				    .len = MHO_NAME_LEN - 1 },
	[MHO_PEER_A_LOCAL]	= MHO_POLICY_IN6,
	[MHO_PEER_A_BINDINGS]	= { .type = NLA_REJECT,
				    .reject_message = "the bindings count is read-only" },
};

static const struct nla_policy mho_peer_key_policy[MHO_PEER_A_MAX + 1] = {
	[MHO_PEER_A_ADDR]	= MHO_POLICY_IN6,
};

/* A binding's own limits: 0 means "the netns-wide value". */
static const struct nla_policy mho_binding_limits_policy[MHO_LIMITS_A_MAX + 1] = {
	[MHO_LIMITS_A_MAX_PKTS]	    = NLA_POLICY_FULL_RANGE(NLA_U32, &mho_rng_b_pkts),
	[MHO_LIMITS_A_MAX_BYTES]    = NLA_POLICY_FULL_RANGE(NLA_U32, &mho_rng_b_bytes),
	[MHO_LIMITS_A_MAX_HOLD_MS]  = NLA_POLICY_FULL_RANGE(NLA_U32, &mho_rng_b_hold),
	[MHO_LIMITS_A_MAX_BINDINGS] = { .type = NLA_REJECT,
					.reject_message = "not a per-binding limit" },
	[MHO_LIMITS_A_MAX_PEERS]    = { .type = NLA_REJECT,
					.reject_message = "not a per-binding limit" },
	[MHO_LIMITS_A_TOTAL_PKTS]   = { .type = NLA_REJECT,
					.reject_message = "not a per-binding limit" },
	[MHO_LIMITS_A_TOTAL_BYTES]  = { .type = NLA_REJECT,
					.reject_message = "not a per-binding limit" },
	[MHO_LIMITS_A_CACHE_MS]	    = { .type = NLA_REJECT,
					.reject_message = "set the binding's cache-ms instead" },
	[MHO_LIMITS_A_CACHE_PKTS]   = { .type = NLA_REJECT,
					.reject_message = "not a per-binding limit" },
	[MHO_LIMITS_A_CACHE_TOTAL]  = { .type = NLA_REJECT,
					.reject_message = "not a per-binding limit" },
};

static const struct nla_policy mho_limits_policy[MHO_LIMITS_A_MAX + 1] = {
	[MHO_LIMITS_A_MAX_PKTS]	    = NLA_POLICY_FULL_RANGE(NLA_U32, &mho_rng_pkts),
	[MHO_LIMITS_A_MAX_BYTES]    = NLA_POLICY_FULL_RANGE(NLA_U32, &mho_rng_bytes),
	[MHO_LIMITS_A_MAX_HOLD_MS]  = NLA_POLICY_FULL_RANGE(NLA_U32, &mho_rng_hold),
	[MHO_LIMITS_A_MAX_BINDINGS] = NLA_POLICY_FULL_RANGE(NLA_U32, &mho_rng_bindings),
	[MHO_LIMITS_A_MAX_PEERS]    = NLA_POLICY_FULL_RANGE(NLA_U32, &mho_rng_peers),
	[MHO_LIMITS_A_TOTAL_PKTS]   = NLA_POLICY_FULL_RANGE(NLA_U32, &mho_rng_total_pkts),
	[MHO_LIMITS_A_TOTAL_BYTES]  = NLA_POLICY_FULL_RANGE(NLA_U32, &mho_rng_total_bytes),
	[MHO_LIMITS_A_CACHE_MS]	    = NLA_POLICY_FULL_RANGE(NLA_U32, &mho_rng_cache_ms),
	[MHO_LIMITS_A_CACHE_PKTS]   = NLA_POLICY_FULL_RANGE(NLA_U32, &mho_rng_cache_pkts),
	[MHO_LIMITS_A_CACHE_TOTAL]  = NLA_POLICY_FULL_RANGE(NLA_U32, &mho_rng_cache_total),
};

#define MHO_BINDING_CFG_POLICY						\
	[MHO_BINDING_A_ID]	= MHO_POLICY_MIN(NLA_U32, 1),		\
	[MHO_BINDING_A_ROLE]	= MHO_POLICY_RANGE(NLA_U8, MHO_ROLE_PAR,	\
						   MHO_ROLE_MAX),	\
	[MHO_BINDING_A_HOA]	= MHO_POLICY_IN6,			\
	[MHO_BINDING_A_COA]	= MHO_POLICY_IN6,			\
	[MHO_BINDING_A_NCOA]	= MHO_POLICY_IN6,			\
	[MHO_BINDING_A_PEER]	= MHO_POLICY_IN6,			\
	[MHO_BINDING_A_LIMITS]	= NLA_POLICY_NESTED(mho_binding_limits_policy), \
	[MHO_BINDING_A_STATS]	= { .type = NLA_REJECT,			\
				    .reject_message = "counters are read-only" }, \
	[MHO_BINDING_A_STATE]	= MHO_POLICY_MAX(NLA_U8, MHO_STATE_MAX),	\
	[MHO_BINDING_A_BICAST]	= { .type = NLA_BINARY,			\
				    .len = MHO_BICAST_MAX *		\
					   sizeof(struct in6_addr) },	\
	[MHO_BINDING_A_RATE]	= NLA_POLICY_FULL_RANGE(NLA_U32, &mho_rng_rate), \
	[MHO_BINDING_A_LINGER_MS] =					\
		NLA_POLICY_FULL_RANGE(NLA_U32, &mho_rng_wait),		\
	[MHO_BINDING_A_MARKER_WAIT_MS] =				\
		NLA_POLICY_FULL_RANGE(NLA_U32, &mho_rng_wait),		\
	[MHO_BINDING_A_QUEUED_PKTS] = { .type = NLA_REJECT,		\
				    .reject_message = "queue sizes are read-only" }, \
	[MHO_BINDING_A_QUEUED_BYTES] = { .type = NLA_REJECT,		\
				    .reject_message = "queue sizes are read-only" }, \
	[MHO_BINDING_A_CACHE_MS] =					\
		NLA_POLICY_FULL_RANGE(NLA_U32, &mho_rng_cache_ms),	\
	[MHO_BINDING_A_CACHED_PKTS] = { .type = NLA_REJECT,		\
				    .reject_message = "the cache size is read-only" }, \
	[MHO_BINDING_A_CTX_SAS] = { .type = NLA_REJECT,			\
				    .reject_message = "the context is read-only" }, \
	[MHO_BINDING_A_CTX_POLICIES] = { .type = NLA_REJECT,		\
				    .reject_message = "the context is read-only" }

static const struct nla_policy mho_binding_new_policy[MHO_BINDING_A_MAX + 1] = {
	MHO_BINDING_CFG_POLICY,
};

static const struct nla_policy mho_binding_set_policy[MHO_BINDING_A_MAX + 1] = {
	MHO_BINDING_CFG_POLICY,
	[MHO_BINDING_A_MATCH]	= MHO_POLICY_IN6,
};

static const struct nla_policy mho_binding_key_policy[MHO_BINDING_A_MAX + 1] = {
	[MHO_BINDING_A_ID]	= MHO_POLICY_MIN(NLA_U32, 1),
	[MHO_BINDING_A_MATCH]	= MHO_POLICY_IN6,
};

/* Top-level policies, one per kind of request. */
static const struct nla_policy mho_peer_cfg_nl_policy[MHO_A_MAX + 1] = {
	[MHO_A_PEER] = NLA_POLICY_NESTED(mho_peer_cfg_policy),
};

static const struct nla_policy mho_peer_key_nl_policy[MHO_A_MAX + 1] = {
	[MHO_A_PEER] = NLA_POLICY_NESTED(mho_peer_key_policy),
};

static const struct nla_policy mho_binding_new_nl_policy[MHO_A_MAX + 1] = {
	[MHO_A_BINDING] = NLA_POLICY_NESTED(mho_binding_new_policy),
};

static const struct nla_policy mho_binding_set_nl_policy[MHO_A_MAX + 1] = {
	[MHO_A_BINDING] = NLA_POLICY_NESTED(mho_binding_set_policy),
};

static const struct nla_policy mho_binding_key_nl_policy[MHO_A_MAX + 1] = {
	[MHO_A_BINDING] = NLA_POLICY_NESTED(mho_binding_key_policy),
};

static const struct nla_policy mho_limits_nl_policy[MHO_A_MAX + 1] = {
	[MHO_A_LIMITS] = NLA_POLICY_NESTED(mho_limits_policy),
};

static const struct nla_policy mho_ctx_export_nl_policy[MHO_A_MAX + 1] = {
	[MHO_A_BINDING] = NLA_POLICY_NESTED(mho_binding_key_policy),
	[MHO_A_CTX] = _NLA_POLICY_NESTED(MHO_CTX_A_MAX, mho_ctx_export_policy),
};

static const struct nla_policy mho_ctx_import_nl_policy[MHO_A_MAX + 1] = {
	[MHO_A_BINDING] = NLA_POLICY_NESTED(mho_binding_key_policy),
	[MHO_A_CTX] = _NLA_POLICY_NESTED(MHO_CTX_A_MAX, mho_ctx_import_policy),
};

static const struct nla_policy mho_ctx_move_nl_policy[MHO_A_MAX + 1] = {
	[MHO_A_CTX] = _NLA_POLICY_NESTED(MHO_CTX_A_MAX, mho_ctx_move_policy),
};

/* For requests that take no attribute: strict validation rejects any. */
static const struct nla_policy mho_empty_nl_policy[MHO_A_MAX + 1] = {
};

/* ---- message builders -------------------------------------------------- */

static int mho_nl_put_peer(struct sk_buff *skb, const struct mho_peer *peer)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, MHO_A_PEER);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_in6_addr(skb, MHO_PEER_A_ADDR, &peer->addr) ||
	    (peer->name[0] &&
	     nla_put_string(skb, MHO_PEER_A_NAME, peer->name)) ||
	    (!ipv6_addr_any(&peer->local) &&
	     nla_put_in6_addr(skb, MHO_PEER_A_LOCAL, &peer->local)) ||
	    nla_put_u32(skb, MHO_PEER_A_BINDINGS, peer->n_bindings)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static const int mho_slot_attr[MHO_NSLOTS] = {
	[MHO_SLOT_HOA]	= MHO_BINDING_A_HOA,
	[MHO_SLOT_COA]	= MHO_BINDING_A_COA,
	[MHO_SLOT_NCOA]	= MHO_BINDING_A_NCOA,
};

/* What a binding that has no handoff state reports: zeroes, idle. */
static const struct mho_handoff mho_nl_idle;

static int mho_nl_put_binding(struct sk_buff *skb, const struct mho_binding *b)
{
	struct in6_addr bicast[MHO_BICAST_MAX];
	const struct mho_handoff *h;
	struct nlattr *nest, *sub;
	int slot, i;

	nest = nla_nest_start(skb, MHO_A_BINDING);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, MHO_BINDING_A_ID, b->id) ||
	    nla_put_u8(skb, MHO_BINDING_A_ROLE, b->role))
		goto cancel;
	for (slot = 0; slot < MHO_NSLOTS; slot++)
		if (b->addr[slot] &&
		    nla_put_in6_addr(skb, mho_slot_attr[slot],
				     &b->addr[slot]->addr))
			goto cancel;
	if (b->peer && nla_put_in6_addr(skb, MHO_BINDING_A_PEER, &b->peer->addr))
		goto cancel;

	sub = nla_nest_start(skb, MHO_BINDING_A_LIMITS);
	if (!sub ||
	    nla_put_u32(skb, MHO_LIMITS_A_MAX_PKTS, b->max_pkts) ||
	    nla_put_u32(skb, MHO_LIMITS_A_MAX_BYTES, b->max_bytes) ||
	    nla_put_u32(skb, MHO_LIMITS_A_MAX_HOLD_MS, b->max_hold_ms))
		goto cancel;
	nla_nest_end(skb, sub);

	/* A binding without handoff state is idle, with nothing set. */
	h = b->h ?: &mho_nl_idle;
	if (nla_put_u8(skb, MHO_BINDING_A_STATE, READ_ONCE(h->state)) ||
	    nla_put_u32(skb, MHO_BINDING_A_RATE, READ_ONCE(h->cfg_rate)) ||
	    nla_put_u32(skb, MHO_BINDING_A_LINGER_MS,
			READ_ONCE(h->cfg_linger_ms)) ||
	    nla_put_u32(skb, MHO_BINDING_A_MARKER_WAIT_MS,
			READ_ONCE(h->cfg_marker_wait_ms)) ||
	    nla_put_u32(skb, MHO_BINDING_A_QUEUED_PKTS,
			READ_ONCE(h->q_pkts)) ||
	    nla_put_u32(skb, MHO_BINDING_A_QUEUED_BYTES,
			READ_ONCE(h->q_bytes)) ||
	    nla_put_u32(skb, MHO_BINDING_A_CACHE_MS,
			READ_ONCE(h->home.cfg_cache_ms)) ||
	    nla_put_u32(skb, MHO_BINDING_A_CACHED_PKTS,
			READ_ONCE(h->home.cache_pkts)) ||
	    nla_put_u32(skb, MHO_BINDING_A_CTX_SAS, mho_ctx_n_sa(b->ctx)) ||
	    nla_put_u32(skb, MHO_BINDING_A_CTX_POLICIES,
			mho_ctx_n_policy(b->ctx)))
		goto cancel;
	for (i = 0; i < MHO_BICAST_MAX && h->bicast[i]; i++)
		bicast[i] = h->bicast[i]->addr;
	if (i && nla_put(skb, MHO_BINDING_A_BICAST, i * sizeof(bicast[0]),
			 bicast))
		goto cancel;

	sub = nla_nest_start(skb, MHO_BINDING_A_STATS);
	if (!sub ||
	    nla_put_u64_64bit(skb, MHO_CTR_A_RX_PKTS,
			      atomic64_read(&b->rx_pkts), MHO_CTR_A_PAD) ||
	    nla_put_u64_64bit(skb, MHO_CTR_A_RX_BYTES,
			      atomic64_read(&b->rx_bytes), MHO_CTR_A_PAD))
		goto cancel;
	for (i = 0; i < MHO_NCTR; i++)
		if (nla_put_u64_64bit(skb, MHO_CTR_A_HELD + i,
				      atomic64_read(&h->ctr[i]),
				      MHO_CTR_A_PAD))
			goto cancel;
	nla_nest_end(skb, sub);

	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int mho_nl_put_limits(struct sk_buff *skb, const struct mho_limits *l)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, MHO_A_LIMITS);
	if (!nest ||
	    nla_put_u32(skb, MHO_LIMITS_A_MAX_PKTS, l->max_pkts) ||
	    nla_put_u32(skb, MHO_LIMITS_A_MAX_BYTES, l->max_bytes) ||
	    nla_put_u32(skb, MHO_LIMITS_A_MAX_HOLD_MS, l->max_hold_ms) ||
	    nla_put_u32(skb, MHO_LIMITS_A_MAX_BINDINGS, l->max_bindings) ||
	    nla_put_u32(skb, MHO_LIMITS_A_MAX_PEERS, l->max_peers) ||
	    nla_put_u32(skb, MHO_LIMITS_A_TOTAL_PKTS, l->total_pkts) ||
	    nla_put_u32(skb, MHO_LIMITS_A_TOTAL_BYTES, l->total_bytes) ||
	    nla_put_u32(skb, MHO_LIMITS_A_CACHE_MS, l->cache_ms) ||
	    nla_put_u32(skb, MHO_LIMITS_A_CACHE_PKTS, l->cache_pkts) ||
	    nla_put_u32(skb, MHO_LIMITS_A_CACHE_TOTAL, l->cache_total)) {
		if (nest)
			nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int mho_nl_put_stats(struct sk_buff *skb, struct mho_net *mn)
{
	u64 rx_pkts = 0, rx_bytes = 0;
	struct nlattr *nest;
	int cpu;

	lockdep_assert_held(&mn->lock);

	for_each_possible_cpu(cpu) {
		const struct mho_pcpu_stats *s = per_cpu_ptr(mn->stats, cpu);
		unsigned int start;
		u64 pkts, bytes;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			pkts = u64_stats_read(&s->rx_pkts);
			bytes = u64_stats_read(&s->rx_bytes);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		rx_pkts += pkts;
		rx_bytes += bytes;
	}

	nest = nla_nest_start(skb, MHO_A_STATS);
	if (!nest ||
	    nla_put_u32(skb, MHO_STATS_A_BINDINGS, mn->n_bindings) ||
	    nla_put_u32(skb, MHO_STATS_A_PEERS, mn->n_peers) ||
	    nla_put_u64_64bit(skb, MHO_STATS_A_RX_PKTS, rx_pkts,
			      MHO_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, MHO_STATS_A_RX_BYTES, rx_bytes,
			      MHO_STATS_A_PAD) ||
	    nla_put_u32(skb, MHO_STATS_A_GENERATION, mn->generation) ||
	    nla_put_u32(skb, MHO_STATS_A_HELD_PKTS,
			atomic_long_read(&mn->held_pkts)) ||
	    nla_put_u32(skb, MHO_STATS_A_HELD_BYTES,
			atomic_long_read(&mn->held_bytes)) ||
	    nla_put_u64_64bit(skb, MHO_STATS_A_UNTRUSTED,
			      atomic64_read(&mn->untrusted), MHO_STATS_A_PAD) ||
	    nla_put_u32(skb, MHO_STATS_A_CACHED_PKTS,
			atomic_long_read(&mn->cached_pkts))) {
		if (nest)
			nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

enum mho_obj {
	MHO_OBJ_PEER,
	MHO_OBJ_BINDING,
	MHO_OBJ_LIMITS,
};

/* Build a message for @obj (a peer, a binding or mho_net.limits). */
static struct sk_buff *mho_nl_msg(enum mho_obj kind, const void *obj,
				  u32 portid, u32 seq, u8 cmd)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return ERR_PTR(-ENOMEM);
	hdr = genlmsg_put(msg, portid, seq, &mho_family, 0, cmd);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free;
	}
	switch (kind) {
	case MHO_OBJ_PEER:
		err = mho_nl_put_peer(msg, obj);
		break;
	case MHO_OBJ_BINDING:
		err = mho_nl_put_binding(msg, obj);
		break;
	case MHO_OBJ_LIMITS:
		err = mho_nl_put_limits(msg, obj);
		break;
	default:
		err = -EINVAL;
	}
	if (err)
		goto err_free;
	genlmsg_end(msg, hdr);
	return msg;

err_free:
	nlmsg_free(msg);
	return ERR_PTR(err);
}

/*
 * Tell the events group about a change. Called under mho_net.lock so that
 * listeners see changes in the order they were made. A failure to build
 * the message is not the requester's problem: the change stands, and the
 * listeners get ENOBUFS, as when their socket overruns, so that they know
 * to resynchronise with a dump.
 */
static void mho_nl_send_event(struct mho_net *mn, struct sk_buff *msg)
{
	lockdep_assert_held(&mn->lock);

	if (IS_ERR(msg)) {
		genl_set_err(&mho_family, mn->net, 0, MHO_MCGRP_EVENTS_IDX,
			     -ENOBUFS);
		return;
	}
	genlmsg_multicast_netns(&mho_family, mn->net, msg, 0,
				MHO_MCGRP_EVENTS_IDX, GFP_KERNEL);
}

/* The event for a change, or NULL when nobody listens. */
static struct sk_buff *mho_nl_event(struct mho_net *mn, enum mho_obj kind,
				    const void *obj, u8 cmd)
{
	if (!genl_has_listeners(&mho_family, mn->net, MHO_MCGRP_EVENTS_IDX))
		return NULL;
	return mho_nl_msg(kind, obj, 0, 0, cmd);
}

static void mho_nl_notify(struct mho_net *mn, enum mho_obj kind,
			  const void *obj, u8 cmd)
{
	struct sk_buff *msg = mho_nl_event(mn, kind, obj, cmd);

	if (msg)
		mho_nl_send_event(mn, msg);
}

static int mho_nl_reply(struct genl_info *info, enum mho_obj kind,
			const void *obj)
{
	struct sk_buff *msg;

	msg = mho_nl_msg(kind, obj, info->snd_portid, info->snd_seq,
			 info->genlhdr->cmd);
	if (IS_ERR(msg)) {
		NL_SET_ERR_MSG_MOD(info->extack, "cannot build the reply");
		return PTR_ERR(msg);
	}
	return genlmsg_reply(msg, info);
}

/* A binding the module deleted by itself (linger over); under the lock. */
void mho_nl_binding_deleted(struct mho_net *mn, struct mho_binding *b)
{
	mho_nl_notify(mn, MHO_OBJ_BINDING, b, MHO_CMD_BINDING_DEL);
}

/*
 * An event from the data plane: the packet path or a timer, so any
 * context but hard IRQ, without mho_net.lock. An event that cannot be
 * built tells listeners ENOBUFS, as in mho_nl_send_event().
 */
void mho_nl_dp_event(struct mho_net *mn, u32 id, u8 type, u8 state,
		     u32 dropped)
{
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&mho_family, mn->net, MHO_MCGRP_EVENTS_IDX))
		return;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_ATOMIC);
	if (!msg)
		goto err;
	hdr = genlmsg_put(msg, 0, 0, &mho_family, 0, MHO_CMD_EVENT);
	if (!hdr)
		goto err_free;
	nest = nla_nest_start(msg, MHO_A_EVENT);
	if (!nest ||
	    nla_put_u8(msg, MHO_EVENT_A_TYPE, type) ||
	    nla_put_u32(msg, MHO_EVENT_A_BINDING, id) ||
	    nla_put_u8(msg, MHO_EVENT_A_STATE, state) ||
	    ((type == MHO_EVENT_EXPIRED || type == MHO_EVENT_CUT) &&
	     nla_put_u32(msg, MHO_EVENT_A_DROPPED, dropped)) ||
	    ((type == MHO_EVENT_REFORWARD || type == MHO_EVENT_CONTEXT) &&
	     nla_put_u32(msg, MHO_EVENT_A_COUNT, dropped)))
		goto err_free;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&mho_family, mn->net, msg, 0,
				MHO_MCGRP_EVENTS_IDX, GFP_ATOMIC);
	return;

err_free:
	nlmsg_free(msg);
err:
	genl_set_err(&mho_family, mn->net, 0, MHO_MCGRP_EVENTS_IDX, -ENOBUFS);
}

/* ---- peers ------------------------------------------------------------- */

/* Parse MHO_A_PEER and its required address into @tb and @addr. */
static int mho_nl_parse_peer(struct genl_info *info,
			     const struct nla_policy *policy,
			     struct nlattr **tb, struct in6_addr *addr)
{
	int err;

	if (GENL_REQ_ATTR_CHECK(info, MHO_A_PEER)) {
		NL_SET_ERR_MSG_MOD(info->extack, "peer attributes are required");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, MHO_PEER_A_MAX, info->attrs[MHO_A_PEER],
			       policy, info->extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[MHO_A_PEER], tb,
			      MHO_PEER_A_ADDR)) {
		NL_SET_ERR_MSG_MOD(info->extack, "peer address is required");
		return -EINVAL;
	}
	*addr = nla_get_in6_addr(tb[MHO_PEER_A_ADDR]);
	return 0;
}

static int mho_nl_peer_cfg(struct genl_info *info, struct nlattr **tb,
			   struct mho_peer_cfg *cfg, struct in6_addr *local)
{
	if (ipv6_addr_any(&cfg->addr) || ipv6_addr_is_multicast(&cfg->addr) ||
	    ipv6_addr_loopback(&cfg->addr)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[MHO_PEER_A_ADDR],
				    "peer address must be a unicast address");
		return -EINVAL;
	}
	if (tb[MHO_PEER_A_NAME])
		cfg->name = nla_data(tb[MHO_PEER_A_NAME]);
	if (tb[MHO_PEER_A_LOCAL]) {
		*local = nla_get_in6_addr(tb[MHO_PEER_A_LOCAL]);
		if (ipv6_addr_is_multicast(local) || ipv6_addr_loopback(local)) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[MHO_PEER_A_LOCAL],
					    "local address must be a unicast address or ::");
			return -EINVAL;
		}
		cfg->local = local;
	}
	return 0;
}

static int mho_nl_peer_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mho_net *mn = mho_net(genl_info_net(info));
	struct nlattr *tb[MHO_PEER_A_MAX + 1];
	struct mho_peer_cfg cfg = {};
	struct mho_peer *peer;
	struct in6_addr local;
	int err;

	err = mho_nl_parse_peer(info, mho_peer_cfg_policy, tb, &cfg.addr);
	if (err)
		return err;
	err = mho_nl_peer_cfg(info, tb, &cfg, &local);
	if (err)
		return err;

	mutex_lock(&mn->lock);
	err = mho_peer_new(mn, &cfg, &peer, info->extack);
	if (!err)
		mho_nl_notify(mn, MHO_OBJ_PEER, peer, MHO_CMD_PEER_NEW);
	mutex_unlock(&mn->lock);
	return err;
}

static int mho_nl_peer_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mho_net *mn = mho_net(genl_info_net(info));
	struct nlattr *tb[MHO_PEER_A_MAX + 1];
	struct mho_peer_cfg cfg = {};
	struct mho_peer *peer;
	struct in6_addr local;
	int err;

	err = mho_nl_parse_peer(info, mho_peer_cfg_policy, tb, &cfg.addr);
	if (err)
		return err;
	err = mho_nl_peer_cfg(info, tb, &cfg, &local);
	if (err)
		return err;

	mutex_lock(&mn->lock);
	peer = mho_peer_find(mn, &cfg.addr);
	if (!peer) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[MHO_PEER_A_ADDR],
				    "no such peer");
		err = -ENOENT;
		goto out;
	}
	mho_peer_set(mn, peer, &cfg);
	mho_nl_notify(mn, MHO_OBJ_PEER, peer, MHO_CMD_PEER_SET);
out:
	mutex_unlock(&mn->lock);
	return err;
}

static int mho_nl_peer_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mho_net *mn = mho_net(genl_info_net(info));
	struct nlattr *tb[MHO_PEER_A_MAX + 1];
	struct sk_buff *msg = NULL;
	struct mho_peer *peer;
	struct in6_addr addr;
	int err;

	err = mho_nl_parse_peer(info, mho_peer_key_policy, tb, &addr);
	if (err)
		return err;

	mutex_lock(&mn->lock);
	peer = mho_peer_find(mn, &addr);
	if (!peer) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[MHO_PEER_A_ADDR],
				    "no such peer");
		err = -ENOENT;
		goto out;
	}
	/* The notification describes the peer as it was. */
	msg = mho_nl_event(mn, MHO_OBJ_PEER, peer, MHO_CMD_PEER_DEL);
	err = mho_peer_del(mn, peer, info->extack);
	if (!err && msg) {
		mho_nl_send_event(mn, msg);
		msg = NULL;
	}
out:
	mutex_unlock(&mn->lock);
	if (!IS_ERR_OR_NULL(msg))
		nlmsg_free(msg);
	return err;
}

static int mho_nl_peer_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mho_net *mn = mho_net(genl_info_net(info));
	struct nlattr *tb[MHO_PEER_A_MAX + 1];
	struct mho_peer *peer;
	struct in6_addr addr;
	int err;

	err = mho_nl_parse_peer(info, mho_peer_key_policy, tb, &addr);
	if (err)
		return err;

	mutex_lock(&mn->lock);
	peer = mho_peer_find(mn, &addr);
	if (!peer) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[MHO_PEER_A_ADDR],
				    "no such peer");
		err = -ENOENT;
	} else {
		err = mho_nl_reply(info, MHO_OBJ_PEER, peer);
	}
	mutex_unlock(&mn->lock);
	return err;
}

/*
 * Dumps resume from an index kept in cb->args[0]. cb->seq carries the
 * generation, so a dump that spans a change is flagged NLM_F_DUMP_INTR.
 */
static int mho_nl_peer_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct mho_net *mn = mho_net(sock_net(skb->sk));
	unsigned long idx = cb->args[0];
	struct mho_peer *peer;
	void *hdr;

	mutex_lock(&mn->lock);
	cb->seq = mn->generation;
	xa_for_each_start(&mn->peers, idx, peer, cb->args[0]) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &mho_family, NLM_F_MULTI,
				  MHO_CMD_PEER_GET);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (mho_nl_put_peer(skb, peer)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = idx + 1;
	}
	mutex_unlock(&mn->lock);
	return skb->len;
}

/* ---- bindings ---------------------------------------------------------- */

static int mho_nl_parse_binding(struct genl_info *info,
				const struct nla_policy *policy,
				struct nlattr **tb)
{
	if (GENL_REQ_ATTR_CHECK(info, MHO_A_BINDING)) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "binding attributes are required");
		return -EINVAL;
	}
	return nla_parse_nested(tb, MHO_BINDING_A_MAX,
				info->attrs[MHO_A_BINDING], policy,
				info->extack);
}

/* Find the binding a request names, by id or by any of its addresses. */
static struct mho_binding *mho_nl_binding_target(struct mho_net *mn,
						 struct genl_info *info,
						 struct nlattr **tb)
{
	struct mho_binding *b;
	struct in6_addr addr;

	lockdep_assert_held(&mn->lock);

	if (tb[MHO_BINDING_A_ID] && tb[MHO_BINDING_A_MATCH]) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "give id or match, not both");
		return ERR_PTR(-EINVAL);
	}
	if (tb[MHO_BINDING_A_ID]) {
		b = mho_binding_find(mn, nla_get_u32(tb[MHO_BINDING_A_ID]));
		if (!b) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[MHO_BINDING_A_ID],
					    "no such binding");
			return ERR_PTR(-ENOENT);
		}
		return b;
	}
	if (tb[MHO_BINDING_A_MATCH]) {
		addr = nla_get_in6_addr(tb[MHO_BINDING_A_MATCH]);
		b = mho_binding_lookup(mn, &addr);
		if (!b) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    tb[MHO_BINDING_A_MATCH],
					    "no such binding");
			return ERR_PTR(-ENOENT);
		}
		return b;
	}
	NL_SET_ERR_MSG_MOD(info->extack, "id or match is required");
	return ERR_PTR(-EINVAL);
}

/* What the policy cannot say about a binding request. */
static int mho_nl_binding_check(struct genl_info *info, struct nlattr **tb)
{
	struct nlattr *a = tb[MHO_BINDING_A_BICAST];

	if (a && nla_len(a) % sizeof(struct in6_addr)) {
		NL_SET_ERR_MSG_ATTR(info->extack, a,
				    "bicast must be a list of IPv6 addresses");
		return -EINVAL;
	}
	a = tb[MHO_BINDING_A_STATE];
	if (a && nla_get_u8(a) == MHO_STATE_LINGER) {
		NL_SET_ERR_MSG_ATTR(info->extack, a,
				    "linger is entered by the module, after end");
		return -EINVAL;
	}
	return 0;
}

static void mho_nl_binding_cfg(struct nlattr **tb, struct mho_binding_cfg *cfg)
{
	struct nlattr *lim[MHO_LIMITS_A_MAX + 1];
	int slot;

	if (tb[MHO_BINDING_A_ID]) {
		cfg->set |= MHO_BCFG_ID;
		cfg->id = nla_get_u32(tb[MHO_BINDING_A_ID]);
	}
	if (tb[MHO_BINDING_A_ROLE]) {
		cfg->set |= MHO_BCFG_ROLE;
		cfg->role = nla_get_u8(tb[MHO_BINDING_A_ROLE]);
	}
	for (slot = 0; slot < MHO_NSLOTS; slot++) {
		if (!tb[mho_slot_attr[slot]])
			continue;
		cfg->set |= MHO_BCFG_SLOT(slot);
		cfg->addr[slot] = nla_get_in6_addr(tb[mho_slot_attr[slot]]);
	}
	if (tb[MHO_BINDING_A_PEER]) {
		cfg->set |= MHO_BCFG_PEER;
		cfg->peer = nla_get_in6_addr(tb[MHO_BINDING_A_PEER]);
	}
	if (tb[MHO_BINDING_A_STATE]) {
		cfg->set |= MHO_BCFG_STATE;
		cfg->state = nla_get_u8(tb[MHO_BINDING_A_STATE]);
	}
	if (tb[MHO_BINDING_A_BICAST]) {
		/* The length was checked by mho_nl_binding_check(). */
		cfg->set |= MHO_BCFG_BICAST;
		cfg->n_bicast = nla_len(tb[MHO_BINDING_A_BICAST]) /
				sizeof(struct in6_addr);
		memcpy(cfg->bicast, nla_data(tb[MHO_BINDING_A_BICAST]),
		       cfg->n_bicast * sizeof(struct in6_addr));
	}
	if (tb[MHO_BINDING_A_RATE]) {
		cfg->set |= MHO_BCFG_RATE;
		cfg->rate = nla_get_u32(tb[MHO_BINDING_A_RATE]);
	}
	if (tb[MHO_BINDING_A_LINGER_MS]) {
		cfg->set |= MHO_BCFG_LINGER;
		cfg->linger_ms = nla_get_u32(tb[MHO_BINDING_A_LINGER_MS]);
	}
	if (tb[MHO_BINDING_A_MARKER_WAIT_MS]) {
		cfg->set |= MHO_BCFG_MARKER_WAIT;
		cfg->marker_wait_ms =
			nla_get_u32(tb[MHO_BINDING_A_MARKER_WAIT_MS]);
	}
	if (tb[MHO_BINDING_A_CACHE_MS]) {
		cfg->set |= MHO_BCFG_CACHE_MS;
		cfg->cache_ms = nla_get_u32(tb[MHO_BINDING_A_CACHE_MS]);
	}
	if (!tb[MHO_BINDING_A_LIMITS])
		return;
	/* Already validated against the policy with the rest of the request. */
	if (nla_parse_nested(lim, MHO_LIMITS_A_MAX, tb[MHO_BINDING_A_LIMITS],
			     mho_binding_limits_policy, NULL))
		return;
	if (lim[MHO_LIMITS_A_MAX_PKTS]) {
		cfg->set |= MHO_BCFG_MAX_PKTS;
		cfg->max_pkts = nla_get_u32(lim[MHO_LIMITS_A_MAX_PKTS]);
	}
	if (lim[MHO_LIMITS_A_MAX_BYTES]) {
		cfg->set |= MHO_BCFG_MAX_BYTES;
		cfg->max_bytes = nla_get_u32(lim[MHO_LIMITS_A_MAX_BYTES]);
	}
	if (lim[MHO_LIMITS_A_MAX_HOLD_MS]) {
		cfg->set |= MHO_BCFG_MAX_HOLD;
		cfg->max_hold_ms = nla_get_u32(lim[MHO_LIMITS_A_MAX_HOLD_MS]);
	}
}

static int mho_nl_binding_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mho_net *mn = mho_net(genl_info_net(info));
	struct nlattr *tb[MHO_BINDING_A_MAX + 1];
	struct mho_binding_cfg cfg = {};
	struct mho_binding *b;
	int err;

	err = mho_nl_parse_binding(info, mho_binding_new_policy, tb);
	if (err)
		return err;
	err = mho_nl_binding_check(info, tb);
	if (err)
		return err;
	mho_nl_binding_cfg(tb, &cfg);

	mutex_lock(&mn->lock);
	err = mho_binding_new(mn, &cfg, &b, info->extack);
	if (!err) {
		mho_nl_notify(mn, MHO_OBJ_BINDING, b, MHO_CMD_BINDING_NEW);
		/*
		 * The binding exists now whatever happens to the reply; a
		 * requester that misses it can find the binding by address.
		 */
		mho_nl_reply(info, MHO_OBJ_BINDING, b);
	}
	mutex_unlock(&mn->lock);
	return err;
}

static int mho_nl_binding_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mho_net *mn = mho_net(genl_info_net(info));
	struct nlattr *tb[MHO_BINDING_A_MAX + 1];
	struct mho_binding_cfg cfg = {};
	struct mho_binding *b;
	int err;

	err = mho_nl_parse_binding(info, mho_binding_set_policy, tb);
	if (err)
		return err;
	err = mho_nl_binding_check(info, tb);
	if (err)
		return err;
	mho_nl_binding_cfg(tb, &cfg);
	/* The id selects the binding; it is not a change. */
	cfg.set &= ~MHO_BCFG_ID;

	mutex_lock(&mn->lock);
	b = mho_nl_binding_target(mn, info, tb);
	if (IS_ERR(b)) {
		err = PTR_ERR(b);
		goto out;
	}
	err = mho_binding_set(mn, b, &cfg, info->extack);
	if (!err)
		mho_nl_notify(mn, MHO_OBJ_BINDING, b, MHO_CMD_BINDING_SET);
out:
	mutex_unlock(&mn->lock);
	return err;
}

static int mho_nl_binding_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mho_net *mn = mho_net(genl_info_net(info));
	struct nlattr *tb[MHO_BINDING_A_MAX + 1];
	struct mho_binding *b;
	int err;

	err = mho_nl_parse_binding(info, mho_binding_key_policy, tb);
	if (err)
		return err;

	mutex_lock(&mn->lock);
	b = mho_nl_binding_target(mn, info, tb);
	if (IS_ERR(b)) {
		err = PTR_ERR(b);
		goto out;
	}
	/* Notify before the binding goes: the message describes it as it was. */
	mho_nl_notify(mn, MHO_OBJ_BINDING, b, MHO_CMD_BINDING_DEL);
	mho_binding_del(mn, b);
out:
	mutex_unlock(&mn->lock);
	return err;
}

static int mho_nl_binding_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mho_net *mn = mho_net(genl_info_net(info));
	struct nlattr *tb[MHO_BINDING_A_MAX + 1];
	struct mho_binding *b;
	int err;

	err = mho_nl_parse_binding(info, mho_binding_key_policy, tb);
	if (err)
		return err;

	mutex_lock(&mn->lock);
	b = mho_nl_binding_target(mn, info, tb);
	if (IS_ERR(b))
		err = PTR_ERR(b);
	else
		err = mho_nl_reply(info, MHO_OBJ_BINDING, b);
	mutex_unlock(&mn->lock);
	return err;
}

static int mho_nl_binding_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	struct mho_net *mn = mho_net(sock_net(skb->sk));
	unsigned long id = cb->args[0];
	struct mho_binding *b;
	void *hdr;

	mutex_lock(&mn->lock);
	cb->seq = mn->generation;
	xa_for_each_start(&mn->bindings, id, b, cb->args[0]) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &mho_family, NLM_F_MULTI,
				  MHO_CMD_BINDING_GET);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (mho_nl_put_binding(skb, b)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = id + 1;
	}
	mutex_unlock(&mn->lock);
	return skb->len;
}

/* ---- limits and stats -------------------------------------------------- */

static int mho_nl_limits_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mho_net *mn = mho_net(genl_info_net(info));
	struct mho_limits limits;

	mutex_lock(&mn->lock);
	limits = mn->limits;
	mutex_unlock(&mn->lock);
	return mho_nl_reply(info, MHO_OBJ_LIMITS, &limits);
}

static int mho_nl_limits_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mho_net *mn = mho_net(genl_info_net(info));
	struct nlattr *tb[MHO_LIMITS_A_MAX + 1];
	struct mho_limits *l = &mn->limits;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, MHO_A_LIMITS)) {
		NL_SET_ERR_MSG_MOD(info->extack, "limits are required");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, MHO_LIMITS_A_MAX, info->attrs[MHO_A_LIMITS],
			       mho_limits_policy, info->extack);
	if (err)
		return err;

	mutex_lock(&mn->lock);
	/* The packet path reads these without the lock. */
	if (tb[MHO_LIMITS_A_MAX_PKTS])
		WRITE_ONCE(l->max_pkts, nla_get_u32(tb[MHO_LIMITS_A_MAX_PKTS]));
	if (tb[MHO_LIMITS_A_MAX_BYTES])
		WRITE_ONCE(l->max_bytes, nla_get_u32(tb[MHO_LIMITS_A_MAX_BYTES]));
	if (tb[MHO_LIMITS_A_MAX_HOLD_MS])
		WRITE_ONCE(l->max_hold_ms,
			   nla_get_u32(tb[MHO_LIMITS_A_MAX_HOLD_MS]));
	if (tb[MHO_LIMITS_A_MAX_BINDINGS])
		WRITE_ONCE(l->max_bindings,
			   nla_get_u32(tb[MHO_LIMITS_A_MAX_BINDINGS]));
	if (tb[MHO_LIMITS_A_MAX_PEERS])
		WRITE_ONCE(l->max_peers, nla_get_u32(tb[MHO_LIMITS_A_MAX_PEERS]));
	if (tb[MHO_LIMITS_A_TOTAL_PKTS])
		WRITE_ONCE(l->total_pkts,
			   nla_get_u32(tb[MHO_LIMITS_A_TOTAL_PKTS]));
	if (tb[MHO_LIMITS_A_TOTAL_BYTES])
		WRITE_ONCE(l->total_bytes,
			   nla_get_u32(tb[MHO_LIMITS_A_TOTAL_BYTES]));
	if (tb[MHO_LIMITS_A_CACHE_MS])
		WRITE_ONCE(l->cache_ms, nla_get_u32(tb[MHO_LIMITS_A_CACHE_MS]));
	if (tb[MHO_LIMITS_A_CACHE_PKTS])
		WRITE_ONCE(l->cache_pkts,
			   nla_get_u32(tb[MHO_LIMITS_A_CACHE_PKTS]));
	if (tb[MHO_LIMITS_A_CACHE_TOTAL])
		WRITE_ONCE(l->cache_total,
			   nla_get_u32(tb[MHO_LIMITS_A_CACHE_TOTAL]));
	mho_net_changed(mn);
	mho_nl_notify(mn, MHO_OBJ_LIMITS, l, MHO_CMD_LIMITS_SET);
	mutex_unlock(&mn->lock);
	return 0;
}

static int mho_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mho_net *mn = mho_net(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &mho_family, 0, MHO_CMD_STATS_GET);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free;
	}
	mutex_lock(&mn->lock);
	err = mho_nl_put_stats(msg, mn);
	mutex_unlock(&mn->lock);
	if (err)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	NL_SET_ERR_MSG_MOD(info->extack, "cannot build the reply");
	nlmsg_free(msg);
	return err;
}

/* ---- IPsec contexts ----------------------------------------------------- */

/* A reply of @size for @info; *@hdr is its genl header. */
struct sk_buff *mho_nl_reply_new(struct genl_info *info, size_t size,
				 void **hdr)
{
	struct sk_buff *msg;

	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg)
		return ERR_PTR(-ENOMEM);
	*hdr = genlmsg_put_reply(msg, info, &mho_family, 0,
				 info->genlhdr->cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return ERR_PTR(-EMSGSIZE);
	}
	return msg;
}

/*
 * The binding a context request names, and its MHO_A_CTX attributes (all
 * NULL when absent). The caller holds mho_net.lock.
 */
static struct mho_binding *mho_nl_ctx_binding(struct mho_net *mn,
					      struct genl_info *info)
{
	struct nlattr *tb[MHO_BINDING_A_MAX + 1];
	int err;

	err = mho_nl_parse_binding(info, mho_binding_key_policy, tb);
	if (err)
		return ERR_PTR(err);
	return mho_nl_binding_target(mn, info, tb);
}

static int mho_nl_ctx_export_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mho_net *mn = mho_net(genl_info_net(info));
	struct nlattr *tb[MHO_CTX_A_MAX + 1] = {};
	struct mho_binding *b;
	int err;

	if (info->attrs[MHO_A_CTX]) {
		err = nla_parse_nested(tb, MHO_CTX_A_MAX, info->attrs[MHO_A_CTX],
				       mho_ctx_export_policy, info->extack);
		if (err)
			return err;
	}
	mutex_lock(&mn->lock);
	b = mho_nl_ctx_binding(mn, info);
	err = IS_ERR(b) ? PTR_ERR(b) : mho_ctx_export(mn, b, tb, info);
	if (!err)
		mho_nl_notify(mn, MHO_OBJ_BINDING, b, MHO_CMD_BINDING_SET);
	mutex_unlock(&mn->lock);
	return err;
}

static int mho_nl_ctx_import_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mho_net *mn = mho_net(genl_info_net(info));
	struct mho_binding *b;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, MHO_A_CTX)) {
		NL_SET_ERR_MSG_MOD(info->extack, "the context is required");
		return -EINVAL;
	}
	mutex_lock(&mn->lock);
	b = mho_nl_ctx_binding(mn, info);
	err = IS_ERR(b) ? PTR_ERR(b) :
	      mho_ctx_import(mn, b, info->attrs[MHO_A_CTX], info);
	if (!err)
		mho_nl_notify(mn, MHO_OBJ_BINDING, b, MHO_CMD_BINDING_SET);
	mutex_unlock(&mn->lock);
	/*
	 * Whatever happened, the request's copy of the keys is not needed
	 * any more: wipe it, so that neither the error report (which may
	 * echo the request) nor the freed buffer holds it.
	 */
	mho_ctx_wipe_keys(info->attrs[MHO_A_CTX]);
	return err;
}

static int mho_nl_ctx_activate_doit(struct sk_buff *skb,
				    struct genl_info *info)
{
	struct mho_net *mn = mho_net(genl_info_net(info));
	struct mho_binding *b;
	int err;

	mutex_lock(&mn->lock);
	b = mho_nl_ctx_binding(mn, info);
	err = IS_ERR(b) ? PTR_ERR(b) : mho_ctx_activate(mn, b, info->extack);
	if (!err)
		mho_nl_notify(mn, MHO_OBJ_BINDING, b, MHO_CMD_BINDING_SET);
	mutex_unlock(&mn->lock);
	return err;
}

static int mho_nl_ctx_drop_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mho_net *mn = mho_net(genl_info_net(info));
	struct mho_binding *b;
	int err = 0;

	mutex_lock(&mn->lock);
	b = mho_nl_ctx_binding(mn, info);
	if (IS_ERR(b)) {
		err = PTR_ERR(b);
	} else if (!b->ctx) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "the binding has no pending context");
		err = -ENOENT;
	} else {
		mho_ctx_free(b->ctx);
		b->ctx = NULL;
		mho_net_changed(mn);
		mho_nl_notify(mn, MHO_OBJ_BINDING, b, MHO_CMD_BINDING_SET);
	}
	mutex_unlock(&mn->lock);
	return err;
}

static int mho_nl_ctx_move_doit(struct sk_buff *skb, struct genl_info *info)
{
	if (GENL_REQ_ATTR_CHECK(info, MHO_A_CTX)) {
		NL_SET_ERR_MSG_MOD(info->extack, "the addresses are required");
		return -EINVAL;
	}
	return mho_ctx_move(genl_info_net(info), info->attrs[MHO_A_CTX], info);
}

/* ---- family ------------------------------------------------------------ */

#define MHO_OP(_cmd, _doit, _policy) {					\
	.cmd = (_cmd),							\
	.doit = (_doit),						\
	.policy = (_policy),						\
	.maxattr = MHO_A_MAX,						\
	.flags = GENL_UNS_ADMIN_PERM,					\
}

#define MHO_OP_DUMP(_cmd, _doit, _dumpit, _policy) {			\
	.cmd = (_cmd),							\
	.doit = (_doit),						\
	.dumpit = (_dumpit),						\
	.policy = (_policy),						\
	.maxattr = MHO_A_MAX,						\
	.flags = GENL_UNS_ADMIN_PERM,					\
}

static const struct genl_ops mho_ops[] = {
	MHO_OP(MHO_CMD_PEER_NEW, mho_nl_peer_new_doit, mho_peer_cfg_nl_policy),
	MHO_OP(MHO_CMD_PEER_SET, mho_nl_peer_set_doit, mho_peer_cfg_nl_policy),
	MHO_OP(MHO_CMD_PEER_DEL, mho_nl_peer_del_doit, mho_peer_key_nl_policy),
	MHO_OP_DUMP(MHO_CMD_PEER_GET, mho_nl_peer_get_doit,
		    mho_nl_peer_dumpit, mho_peer_key_nl_policy),
	MHO_OP(MHO_CMD_BINDING_NEW, mho_nl_binding_new_doit,
	       mho_binding_new_nl_policy),
	MHO_OP(MHO_CMD_BINDING_SET, mho_nl_binding_set_doit,
	       mho_binding_set_nl_policy),
	MHO_OP(MHO_CMD_BINDING_DEL, mho_nl_binding_del_doit,
	       mho_binding_key_nl_policy),
	MHO_OP_DUMP(MHO_CMD_BINDING_GET, mho_nl_binding_get_doit,
		    mho_nl_binding_dumpit, mho_binding_key_nl_policy),
	MHO_OP(MHO_CMD_LIMITS_GET, mho_nl_limits_get_doit, mho_empty_nl_policy),
	MHO_OP(MHO_CMD_LIMITS_SET, mho_nl_limits_set_doit, mho_limits_nl_policy),
	MHO_OP(MHO_CMD_STATS_GET, mho_nl_stats_get_doit, mho_empty_nl_policy),
	MHO_OP(MHO_CMD_CTX_EXPORT, mho_nl_ctx_export_doit,
	       mho_ctx_export_nl_policy),
	MHO_OP(MHO_CMD_CTX_IMPORT, mho_nl_ctx_import_doit,
	       mho_ctx_import_nl_policy),
	MHO_OP(MHO_CMD_CTX_ACTIVATE, mho_nl_ctx_activate_doit,
	       mho_binding_key_nl_policy),
	MHO_OP(MHO_CMD_CTX_DROP, mho_nl_ctx_drop_doit,
	       mho_binding_key_nl_policy),
	MHO_OP(MHO_CMD_CTX_MOVE, mho_nl_ctx_move_doit, mho_ctx_move_nl_policy),
};

static const struct genl_multicast_group mho_mcgrps[] = {
	[MHO_MCGRP_EVENTS_IDX] = {
		.name = MHO_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

static struct genl_family mho_family __ro_after_init = {
	.name		= MHO_GENL_NAME,
	.version	= MHO_GENL_VERSION,
	.maxattr	= MHO_A_MAX,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= mho_ops,
	.n_ops		= ARRAY_SIZE(mho_ops),
	.resv_start_op	= MHO_CMD_MAX + 1,
	.mcgrps		= mho_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(mho_mcgrps),
};

int __init mho_genl_init(void)
{
	return genl_register_family(&mho_family);
}

void mho_genl_exit(void)
{
	genl_unregister_family(&mho_family);
}
