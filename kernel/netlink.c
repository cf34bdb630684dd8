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
 *
 * This file has the family, its operations, what every request shares
 * (replies, notifications, dumps), and the peer, limits and stats
 * requests; binding_nl.c has the binding requests, event.c the events of
 * the data plane.
 */

#include <linux/kernel.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <linux/mho.h>

#include "mho.h"
#include "binding.h"
#include "binding_nl.h"
#include "context.h"
#include "event.h"
#include "handoff.h"
#include "limits.h"
#include "netlink.h"
#include "nlmsg.h"
#include "peer.h"
#include "policy.h"
#include "xfrm_index.h"

static struct genl_family mho_family;

/* ---- policies ---------------------------------------------------------- */

static const struct nla_policy mho_peer_cfg_policy[MHO_PEER_A_MAX + 1] = {
	[MHO_PEER_A_ADDR]	= MHO_POLICY_IN6,
	[MHO_PEER_A_NAME]	= { .type = NLA_NUL_STRING,
				    .len = MHO_NAME_LEN - 1 },
	[MHO_PEER_A_LOCAL]	= MHO_POLICY_IN6,
	[MHO_PEER_A_BINDINGS]	=
		MHO_POLICY_REJECT("the bindings count is read-only"),
};

static const struct nla_policy mho_peer_key_policy[MHO_PEER_A_MAX + 1] = {
	[MHO_PEER_A_ADDR]	= MHO_POLICY_IN6,
};

/* Top-level policies, one per kind of request. */
static const struct nla_policy mho_peer_cfg_nl_policy[MHO_A_MAX + 1] = {
	[MHO_A_PEER] = NLA_POLICY_NESTED(mho_peer_cfg_policy),
};

static const struct nla_policy mho_peer_key_nl_policy[MHO_A_MAX + 1] = {
	[MHO_A_PEER] = NLA_POLICY_NESTED(mho_peer_key_policy),
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

static int mho_nl_put_peer(struct sk_buff *skb, struct mho_net *mn,
			   const void *obj)
{
	const struct mho_peer *peer = obj;
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

static int mho_nl_put_limits(struct sk_buff *skb, struct mho_net *mn,
			     const void *obj)
{
	const struct mho_limits *l = obj;
	struct nlattr *nest;
	int attr;

	nest = nla_nest_start(skb, MHO_A_LIMITS);
	if (!nest)
		return -EMSGSIZE;
	for (attr = 1; attr <= MHO_LIMITS_A_MAX; attr++)
		if (nla_put_u32(skb, attr, mho_limit_get(l, attr)))
			goto cancel;
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* The stats of @mn; @obj is @mn too. */
static int mho_nl_put_stats(struct sk_buff *skb, struct mho_net *mn,
			    const void *obj)
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
			atomic_long_read(&mn->cached_pkts)) ||
	    mho_xi_put_stats(skb, mn->net)) {
		if (nest)
			nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
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

/*
 * Refuse @a, from @attr, as one end of a tunnel between routers. A peer
 * has no interface: it is reached, and its packets are sent, by routing,
 * which a link-local address (meaningful only with an interface) or an
 * IPv4-mapped one (an IPv4 host seen by a dual-stack socket) cannot give.
 */
static int mho_nl_tunnel_addr_check(const struct in6_addr *a,
				    const struct nlattr *attr,
				    struct netlink_ext_ack *extack)
{
	int type = ipv6_addr_type(a);

	if (type & IPV6_ADDR_LINKLOCAL) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "a link-local address needs an interface, and a peer has none: use a global address");
		return -EINVAL;
	}
	if (type & IPV6_ADDR_MAPPED) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "an IPv4-mapped address is not an IPv6 router");
		return -EINVAL;
	}
	return 0;
}

/* Parse a new peer's or a peer's new configuration into @cfg. */
static int mho_nl_peer_cfg(struct genl_info *info, struct nlattr **tb,
			   struct mho_peer_cfg *cfg, struct in6_addr *local)
{
	int err;

	err = mho_nl_parse_peer(info, mho_peer_cfg_policy, tb, &cfg->addr);
	if (err)
		return err;
	if (ipv6_addr_any(&cfg->addr) || ipv6_addr_is_multicast(&cfg->addr) ||
	    ipv6_addr_loopback(&cfg->addr)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[MHO_PEER_A_ADDR],
				    "peer address must be a unicast address");
		return -EINVAL;
	}
	err = mho_nl_tunnel_addr_check(&cfg->addr, tb[MHO_PEER_A_ADDR],
				       info->extack);
	if (err)
		return err;
	if (tb[MHO_PEER_A_NAME])
		cfg->name = nla_data(tb[MHO_PEER_A_NAME]);
	if (tb[MHO_PEER_A_LOCAL]) {
		*local = nla_get_in6_addr(tb[MHO_PEER_A_LOCAL]);
		if (ipv6_addr_is_multicast(local) || ipv6_addr_loopback(local)) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[MHO_PEER_A_LOCAL],
					    "local address must be a unicast address or ::");
			return -EINVAL;
		}
		err = mho_nl_tunnel_addr_check(local, tb[MHO_PEER_A_LOCAL],
					       info->extack);
		if (err)
			return err;
		cfg->local = local;
	}
	return 0;
}

/* The peer at @addr, from @attr; NULL, with the reason, if there is none. */
static struct mho_peer *mho_nl_peer_find(struct mho_net *mn,
					 const struct in6_addr *addr,
					 const struct nlattr *attr,
					 struct netlink_ext_ack *extack)
{
	struct mho_peer *peer = mho_peer_find(mn, addr);

	if (!peer)
		NL_SET_ERR_MSG_ATTR(extack, attr, "no such peer");
	return peer;
}

/* MHO_CMD_PEER_NEW and MHO_CMD_PEER_SET: the same request, and event. */
static int mho_nl_peer_cfg_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mho_net *mn = mho_net(genl_info_net(info));
	u8 cmd = info->genlhdr->cmd;
	struct nlattr *tb[MHO_PEER_A_MAX + 1];
	struct mho_peer_cfg cfg = {};
	struct mho_peer *peer;
	struct in6_addr local;
	int err;

	err = mho_nl_peer_cfg(info, tb, &cfg, &local);
	if (err)
		return err;

	mutex_lock(&mn->lock);
	if (cmd == MHO_CMD_PEER_NEW) {
		err = mho_peer_new(mn, &cfg, &peer, info->extack);
	} else {
		peer = mho_nl_peer_find(mn, &cfg.addr, tb[MHO_PEER_A_ADDR],
					info->extack);
		if (peer)
			mho_peer_set(mn, peer, &cfg);
		else
			err = -ENOENT;
	}
	if (!err)
		mho_nl_notify(mn, mho_nl_put_peer, peer, cmd);
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
	peer = mho_nl_peer_find(mn, &addr, tb[MHO_PEER_A_ADDR], info->extack);
	if (!peer) {
		err = -ENOENT;
		goto out;
	}
	/* The notification describes the peer as it was. */
	msg = mho_nl_event(mn, mho_nl_put_peer, peer, MHO_CMD_PEER_DEL);
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
	peer = mho_nl_peer_find(mn, &addr, tb[MHO_PEER_A_ADDR], info->extack);
	err = peer ? mho_nl_reply(info, mho_nl_put_peer, peer) : -ENOENT;
	mutex_unlock(&mn->lock);
	return err;
}

static int mho_nl_peer_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return mho_nl_dump(skb, cb, &mho_net(sock_net(skb->sk))->peers,
			   mho_nl_put_peer, MHO_CMD_PEER_GET);
}

/* ---- limits and stats -------------------------------------------------- */

static int mho_nl_limits_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mho_net *mn = mho_net(genl_info_net(info));
	struct mho_limits limits;

	mutex_lock(&mn->lock);
	limits = mn->limits;
	mutex_unlock(&mn->lock);
	return mho_nl_reply(info, mho_nl_put_limits, &limits);
}

static int mho_nl_limits_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mho_net *mn = mho_net(genl_info_net(info));
	struct nlattr *tb[MHO_LIMITS_A_MAX + 1];
	int err, attr;

	if (GENL_REQ_ATTR_CHECK(info, MHO_A_LIMITS)) {
		NL_SET_ERR_MSG_MOD(info->extack, "limits are required");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, MHO_LIMITS_A_MAX, info->attrs[MHO_A_LIMITS],
			       mho_limits_policy, info->extack);
	if (err)
		return err;

	mutex_lock(&mn->lock);
	for (attr = 1; attr <= MHO_LIMITS_A_MAX; attr++)
		if (tb[attr])
			mho_limit_set(&mn->limits, attr, nla_get_u32(tb[attr]));
	mho_net_changed(mn);
	mho_nl_notify(mn, mho_nl_put_limits, &mn->limits, MHO_CMD_LIMITS_SET);
	mutex_unlock(&mn->lock);
	return 0;
}

static int mho_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mho_net *mn = mho_net(genl_info_net(info));
	int err;

	mutex_lock(&mn->lock);
	err = mho_nl_reply(info, mho_nl_put_stats, mn);
	mutex_unlock(&mn->lock);
	return err;
}

/* ---- IPsec contexts ----------------------------------------------------- */

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
	b = mho_nl_binding_key(mn, info);
	err = IS_ERR(b) ? PTR_ERR(b) : mho_ctx_export(mn, b, tb, info);
	if (!err)
		mho_nl_notify(mn, mho_nl_put_binding, b, MHO_CMD_BINDING_SET);
	mutex_unlock(&mn->lock);
	return err;
}

static int mho_nl_ctx_import_one(struct mho_net *mn, struct mho_binding *b,
				 struct genl_info *info)
{
	int err = mho_ctx_import(mn, b, info->attrs[MHO_A_CTX], info);

	if (!err)
		mho_nl_notify(mn, mho_nl_put_binding, b, MHO_CMD_BINDING_SET);
	return err;
}

static int mho_nl_ctx_import_doit(struct sk_buff *skb, struct genl_info *info)
{
	int err;

	if (GENL_REQ_ATTR_CHECK(info, MHO_A_CTX)) {
		NL_SET_ERR_MSG_MOD(info->extack, "the context is required");
		return -EINVAL;
	}
	err = mho_nl_binding_do(info, mho_nl_ctx_import_one);
	/*
	 * Whatever happened, the request's copy of the keys is not needed
	 * any more: wipe it, so that neither the error report (which may
	 * echo the request) nor the freed buffer holds it.
	 */
	mho_ctx_wipe_keys(info->attrs[MHO_A_CTX]);
	return err;
}

static int mho_nl_ctx_activate_one(struct mho_net *mn, struct mho_binding *b,
				   struct genl_info *info)
{
	int err = mho_ctx_activate(mn, b, info->extack);

	if (!err)
		mho_nl_notify(mn, mho_nl_put_binding, b, MHO_CMD_BINDING_SET);
	return err;
}

static int mho_nl_ctx_activate_doit(struct sk_buff *skb,
				    struct genl_info *info)
{
	return mho_nl_binding_do(info, mho_nl_ctx_activate_one);
}

static int mho_nl_ctx_drop_one(struct mho_net *mn, struct mho_binding *b,
			       struct genl_info *info)
{
	if (!mho_binding_ctx(b)) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "the binding has no pending context");
		return -ENOENT;
	}
	mho_ctx_free(b->h->ctx);
	WRITE_ONCE(b->h->ctx, NULL);
	mho_ctx_live_end(&b->h->ctx_live, true);
	mho_net_changed(mn);
	mho_nl_notify(mn, mho_nl_put_binding, b, MHO_CMD_BINDING_SET);
	return 0;
}

static int mho_nl_ctx_drop_doit(struct sk_buff *skb, struct genl_info *info)
{
	return mho_nl_binding_do(info, mho_nl_ctx_drop_one);
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
	MHO_OP(MHO_CMD_PEER_NEW, mho_nl_peer_cfg_doit, mho_peer_cfg_nl_policy),
	MHO_OP(MHO_CMD_PEER_SET, mho_nl_peer_cfg_doit, mho_peer_cfg_nl_policy),
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
	/* Before any request can make a binding that raises events. */
	mho_event_init(&mho_family);
	mho_nlmsg_init(&mho_family);
	return genl_register_family(&mho_family);
}

void mho_genl_exit(void)
{
	genl_unregister_family(&mho_family);
}
