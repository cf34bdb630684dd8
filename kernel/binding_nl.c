// SPDX-License-Identifier: GPL-2.0
/*
 * mho - binding requests of the "mho" generic netlink family: their
 * policies, the binding as requests and notifications carry it, and the
 * MHO_CMD_BINDING_* handlers. The family itself is in netlink.c, what
 * every request shares in nlmsg.c.
 */

#include <linux/kernel.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <linux/mho.h>

#include "mho.h"
#include "binding.h"
#include "context_build.h"
#include "handoff.h"
#include "limits.h"
#include "binding_nl.h"
#include "nlmsg.h"
#include "policy.h"
#include "peer.h"

/* A binding's forwarding pace, packets/s; its limits are in limits.c. */
#define MHO_RATE_MAX		10000000

/* The range tables are not const: 6.1's struct nla_policy wants them so. */
static struct netlink_range_validation mho_rng_rate = {
	.min = 0, .max = MHO_RATE_MAX,
};

/* Linger, marker wait and cache time, in milliseconds. */
static struct netlink_range_validation mho_rng_ms = {
	.min = 0, .max = MHO_LIMIT_MS_MAX,
};

/* ---- policies ---------------------------------------------------------- */

#define MHO_BINDING_CFG_POLICY						\
	[MHO_BINDING_A_ID]	= MHO_POLICY_MIN(NLA_U32, 1),		\
	[MHO_BINDING_A_ROLE]	= MHO_POLICY_RANGE(NLA_U8, MHO_ROLE_PAR,	\
						   MHO_ROLE_MAX),	\
	[MHO_BINDING_A_HOA]	= MHO_POLICY_IN6,			\
	[MHO_BINDING_A_COA]	= MHO_POLICY_IN6,			\
	[MHO_BINDING_A_NCOA]	= MHO_POLICY_IN6,			\
	[MHO_BINDING_A_PEER]	= MHO_POLICY_IN6,			\
	[MHO_BINDING_A_LIMITS]	= NLA_POLICY_NESTED(mho_binding_limits_policy), \
	[MHO_BINDING_A_STATS]	= MHO_POLICY_REJECT("counters are read-only"), \
	[MHO_BINDING_A_STATE]	= MHO_POLICY_MAX(NLA_U8, MHO_STATE_MAX),	\
	[MHO_BINDING_A_BICAST]	= { .type = NLA_BINARY,			\
				    .len = MHO_BICAST_MAX *		\
					   sizeof(struct in6_addr) },	\
	[MHO_BINDING_A_RATE]	= NLA_POLICY_FULL_RANGE(NLA_U32, &mho_rng_rate), \
	[MHO_BINDING_A_LINGER_MS] =					\
		NLA_POLICY_FULL_RANGE(NLA_U32, &mho_rng_ms),		\
	[MHO_BINDING_A_MARKER_WAIT_MS] =				\
		NLA_POLICY_FULL_RANGE(NLA_U32, &mho_rng_ms),		\
	[MHO_BINDING_A_QUEUED_PKTS] =					\
		MHO_POLICY_REJECT("queue sizes are read-only"),		\
	[MHO_BINDING_A_QUEUED_BYTES] =					\
		MHO_POLICY_REJECT("queue sizes are read-only"),		\
	[MHO_BINDING_A_CACHE_MS] =					\
		NLA_POLICY_FULL_RANGE(NLA_U32, &mho_rng_ms),		\
	[MHO_BINDING_A_CACHED_PKTS] =					\
		MHO_POLICY_REJECT("the cache size is read-only"),	\
	[MHO_BINDING_A_CTX_SAS] =					\
		MHO_POLICY_REJECT("the context is read-only"),		\
	[MHO_BINDING_A_CTX_POLICIES] =					\
		MHO_POLICY_REJECT("the context is read-only"),		\
	[MHO_BINDING_A_EFFECTIVE_LIMITS] =				\
		MHO_POLICY_REJECT("effective limits are read-only")

static const struct nla_policy mho_binding_new_policy[MHO_BINDING_A_MAX + 1] = {
	MHO_BINDING_CFG_POLICY,
};

static const struct nla_policy mho_binding_set_policy[MHO_BINDING_A_MAX + 1] = {
	MHO_BINDING_CFG_POLICY,
	[MHO_BINDING_A_MATCH]	= MHO_POLICY_IN6,
};

const struct nla_policy mho_binding_key_policy[MHO_BINDING_A_MAX + 1] = {
	[MHO_BINDING_A_ID]	= MHO_POLICY_MIN(NLA_U32, 1),
	[MHO_BINDING_A_MATCH]	= MHO_POLICY_IN6,
};

const struct nla_policy mho_binding_new_nl_policy[MHO_A_MAX + 1] = {
	[MHO_A_BINDING] = NLA_POLICY_NESTED(mho_binding_new_policy),
};

const struct nla_policy mho_binding_set_nl_policy[MHO_A_MAX + 1] = {
	[MHO_A_BINDING] = NLA_POLICY_NESTED(mho_binding_set_policy),
};

const struct nla_policy mho_binding_key_nl_policy[MHO_A_MAX + 1] = {
	[MHO_A_BINDING] = NLA_POLICY_NESTED(mho_binding_key_policy),
};

/* ---- the binding in a message ------------------------------------------- */

static const int mho_slot_attr[MHO_NSLOTS] = {
	[MHO_SLOT_HOA]	= MHO_BINDING_A_HOA,
	[MHO_SLOT_COA]	= MHO_BINDING_A_COA,
	[MHO_SLOT_NCOA]	= MHO_BINDING_A_NCOA,
};

/* What a binding that has no handoff state reports: zeroes, idle. */
static const struct mho_handoff mho_nl_idle;

/*
 * The limits in force, so that a reader need not know how a binding's own
 * (0: inherit) and the namespace's combine; the namespace's are read
 * without the lock, as the packet path reads them.
 */
static int mho_nl_put_eff_limits(struct sk_buff *skb, struct mho_net *mn,
				 const struct mho_handoff *h)
{
	const struct mho_limits *l = &mn->limits;
	struct nlattr *sub;

	sub = nla_nest_start(skb, MHO_BINDING_A_EFFECTIVE_LIMITS);
	if (!sub ||
	    nla_put_u32(skb, MHO_LIMITS_A_MAX_PKTS,
			mho_limit_eff(h->cfg_max_pkts,
				      READ_ONCE(l->max_pkts))) ||
	    nla_put_u32(skb, MHO_LIMITS_A_MAX_BYTES,
			mho_limit_eff(h->cfg_max_bytes,
				      READ_ONCE(l->max_bytes))) ||
	    nla_put_u32(skb, MHO_LIMITS_A_MAX_HOLD_MS,
			mho_limit_eff(h->cfg_max_hold_ms,
				      READ_ONCE(l->max_hold_ms))))
		return -EMSGSIZE;
	nla_nest_end(skb, sub);
	return 0;
}

int mho_nl_put_binding(struct sk_buff *skb, struct mho_net *mn,
		       const void *obj)
{
	const struct mho_binding *b = obj;
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
	/* A binding without handoff state is idle, with nothing set. */
	h = b->h ?: &mho_nl_idle;
	if (h->peer && nla_put_in6_addr(skb, MHO_BINDING_A_PEER, &h->peer->addr))
		goto cancel;
	sub = nla_nest_start(skb, MHO_BINDING_A_LIMITS);
	if (!sub ||
	    nla_put_u32(skb, MHO_LIMITS_A_MAX_PKTS, h->cfg_max_pkts) ||
	    nla_put_u32(skb, MHO_LIMITS_A_MAX_BYTES, h->cfg_max_bytes) ||
	    nla_put_u32(skb, MHO_LIMITS_A_MAX_HOLD_MS, h->cfg_max_hold_ms))
		goto cancel;
	nla_nest_end(skb, sub);
	if (mho_nl_put_eff_limits(skb, mn, h))
		goto cancel;
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
	    nla_put_u32(skb, MHO_BINDING_A_CTX_SAS, mho_ctx_n_sa(h->ctx)) ||
	    nla_put_u32(skb, MHO_BINDING_A_CTX_POLICIES,
			mho_ctx_n_policy(h->ctx)))
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

/* A binding the module deleted by itself (linger over); under the lock. */
/*
 * mho_net.reap_work: delete the pAR bindings whose linger time is over,
 * each with the notification a deletion request would send.
 */
void mho_nl_bindings_reap(struct work_struct *work)
{
	struct mho_net *mn = container_of(work, struct mho_net, reap_work);
	struct mho_binding *b;
	unsigned long id = 0;

	mutex_lock(&mn->lock);
	while ((b = mho_binding_next_reaped(mn, &id))) {
		mho_nl_notify(mn, mho_nl_put_binding, b, MHO_CMD_BINDING_DEL);
		mho_binding_del(mn, b);
		id++;
	}
	mutex_unlock(&mn->lock);
}

/* ---- requests ---------------------------------------------------------- */

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

/* Parse a new or set request's MHO_A_BINDING into @tb and @cfg. */
static int mho_nl_binding_req(struct genl_info *info,
			      const struct nla_policy *policy,
			      struct nlattr **tb, struct mho_binding_cfg *cfg)
{
	int err;

	err = mho_nl_parse_binding(info, policy, tb);
	if (!err)
		err = mho_nl_binding_check(info, tb);
	if (!err)
		mho_nl_binding_cfg(tb, cfg);
	return err;
}

int mho_nl_binding_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mho_net *mn = mho_net(genl_info_net(info));
	struct nlattr *tb[MHO_BINDING_A_MAX + 1];
	struct mho_binding_cfg cfg = {};
	struct mho_binding *b;
	int err;

	err = mho_nl_binding_req(info, mho_binding_new_policy, tb, &cfg);
	if (err)
		return err;

	mutex_lock(&mn->lock);
	err = mho_binding_new(mn, &cfg, &b, info->extack);
	if (!err) {
		mho_nl_notify(mn, mho_nl_put_binding, b, MHO_CMD_BINDING_NEW);
		/*
		 * The binding exists now whatever happens to the reply; a
		 * requester that misses it can find the binding by address.
		 */
		mho_nl_reply(info, mho_nl_put_binding, b);
	}
	mutex_unlock(&mn->lock);
	return err;
}

int mho_nl_binding_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mho_net *mn = mho_net(genl_info_net(info));
	struct nlattr *tb[MHO_BINDING_A_MAX + 1];
	struct mho_binding_cfg cfg = {};
	struct mho_binding *b;
	int err;

	err = mho_nl_binding_req(info, mho_binding_set_policy, tb, &cfg);
	if (err)
		return err;
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
		mho_nl_notify(mn, mho_nl_put_binding, b, MHO_CMD_BINDING_SET);
out:
	mutex_unlock(&mn->lock);
	return err;
}

/*
 * The binding a request names by MHO_BINDING_A_ID or _MATCH alone (delete,
 * get, and the context commands). The caller holds mho_net.lock.
 */
struct mho_binding *mho_nl_binding_key(struct mho_net *mn,
				       struct genl_info *info)
{
	struct nlattr *tb[MHO_BINDING_A_MAX + 1];
	int err;

	err = mho_nl_parse_binding(info, mho_binding_key_policy, tb);
	if (err)
		return ERR_PTR(err);
	return mho_nl_binding_target(mn, info, tb);
}

/*
 * Run @fn on the binding @info names, under mho_net.lock for the whole
 * request: the shape of every request that acts on one existing binding.
 */
int mho_nl_binding_do(struct genl_info *info, mho_nl_binding_fn fn)
{
	struct mho_net *mn = mho_net(genl_info_net(info));
	struct mho_binding *b;
	int err;

	mutex_lock(&mn->lock);
	b = mho_nl_binding_key(mn, info);
	err = IS_ERR(b) ? PTR_ERR(b) : fn(mn, b, info);
	mutex_unlock(&mn->lock);
	return err;
}

static int mho_nl_binding_del_one(struct mho_net *mn, struct mho_binding *b,
				  struct genl_info *info)
{
	/* Before the binding goes: the message describes it as it was. */
	mho_nl_notify(mn, mho_nl_put_binding, b, MHO_CMD_BINDING_DEL);
	mho_binding_del(mn, b);
	return 0;
}

int mho_nl_binding_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return mho_nl_binding_do(info, mho_nl_binding_del_one);
}

static int mho_nl_binding_get_one(struct mho_net *mn, struct mho_binding *b,
				  struct genl_info *info)
{
	return mho_nl_reply(info, mho_nl_put_binding, b);
}

int mho_nl_binding_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return mho_nl_binding_do(info, mho_nl_binding_get_one);
}

int mho_nl_binding_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return mho_nl_dump(skb, cb, &mho_net(sock_net(skb->sk))->bindings,
			   mho_nl_put_binding, MHO_CMD_BINDING_GET);
}

