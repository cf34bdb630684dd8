// SPDX-License-Identifier: GPL-2.0
/*
 * mho - IPsec context transfer (seed 003, CXTP): an MN's SAs and policies
 * are exported from the router it leaves and imported, with their
 * addresses rewritten, on the router it moves to.
 *
 * Everything goes through XFRM's own objects and calls: a context is
 * snapshotted from xfrm_state and xfrm_policy under their own locks, and
 * imported by building new ones the way xfrm_user does and inserting them
 * with xfrm_state_add() and xfrm_policy_insert(). mho never touches the
 * IPsec data path.
 *
 * On the wire a context is an MHO_A_CTX nest whose SAs and policies carry
 * the XFRM UAPI structures; see Documentation/context.rst.
 *
 * This file holds the requests' policies, the entry points (export,
 * import, activate, move) and their replies; context_snap.c takes and
 * encodes the snapshot, context_build.c parses, builds and installs.
 *
 * Locking: every entry point runs in process context under mho_net.lock
 * (import, export, activate) or under none of mho's locks (move). The
 * XFRM walks (context_snap.c) call back under XFRM's spinlocks, so the
 * callbacks only take references; everything that can sleep happens
 * after the walk.
 */

#include <linux/in6.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/xfrm.h>
#include <linux/mho.h>
#include "mho.h"
#include "binding.h"
#include "context.h"
#include "context_priv.h"
#include "handoff.h"
#include "event.h"
#include "nlmsg.h"
#include "policy.h"
#include "xfrm_index.h"

/* ---- request policies --------------------------------------------------- */

#define MHO_CTX_RO	MHO_POLICY_REJECT("read-only attribute")

/* Above an s16: see MHO_POLICY_MAX(). */
static struct netlink_range_validation mho_tfcpad_range = {
	.max = IP_MAX_MTU,
};

const struct nla_policy mho_sa_policy[MHO_SA_A_MAX + 1] = {
	[MHO_SA_A_INFO] =
		NLA_POLICY_EXACT_LEN(sizeof(struct xfrm_usersa_info)),
	[MHO_SA_A_AEAD] = NLA_POLICY_MIN_LEN(sizeof(struct xfrm_algo_aead)),
	[MHO_SA_A_CRYPT] = NLA_POLICY_MIN_LEN(sizeof(struct xfrm_algo)),
	[MHO_SA_A_AUTH] = NLA_POLICY_MIN_LEN(sizeof(struct xfrm_algo_auth)),
	[MHO_SA_A_REPLAY] =
		NLA_POLICY_EXACT_LEN(sizeof(struct xfrm_replay_state)),
	[MHO_SA_A_REPLAY_ESN] =
		NLA_POLICY_MIN_LEN(sizeof(struct xfrm_replay_state_esn)),
	[MHO_SA_A_MARK] = NLA_POLICY_EXACT_LEN(sizeof(struct xfrm_mark)),
	[MHO_SA_A_IF_ID] = { .type = NLA_U32 },
	[MHO_SA_A_EXTRA_FLAGS] = { .type = NLA_U32 },
	[MHO_SA_A_TFCPAD] = NLA_POLICY_FULL_RANGE(NLA_U32, &mho_tfcpad_range),
};

const struct nla_policy mho_pol_policy[MHO_POL_A_MAX + 1] = {
	[MHO_POL_A_INFO] =
		NLA_POLICY_EXACT_LEN(sizeof(struct xfrm_userpolicy_info)),
	[MHO_POL_A_TMPL] = { .type = NLA_BINARY,
			     .len = XFRM_MAX_DEPTH *
				    sizeof(struct xfrm_user_tmpl) },
	[MHO_POL_A_MARK] = NLA_POLICY_EXACT_LEN(sizeof(struct xfrm_mark)),
	[MHO_POL_A_IF_ID] = { .type = NLA_U32 },
};

static const struct nla_policy mho_spi_policy[MHO_SPI_A_MAX + 1] = {
	[MHO_SPI_A_OLD] = MHO_POLICY_MIN(NLA_U32, 256),
	[MHO_SPI_A_NEW] = MHO_POLICY_MIN(NLA_U32, 256),
};

const struct nla_policy mho_ctx_export_policy[MHO_CTX_A_MAX + 1] = {
	[MHO_CTX_A_AR] = MHO_POLICY_IN6,
	[MHO_CTX_A_DISPOSE] = MHO_POLICY_MAX(NLA_U8, MHO_CTX_DISPOSE_MAX),
};

const struct nla_policy mho_ctx_import_policy[MHO_CTX_A_MAX + 1] = {
	[MHO_CTX_A_VERSION] = { .type = NLA_U32 },
	[MHO_CTX_A_AR] = MHO_POLICY_IN6,
	[MHO_CTX_A_COA] = MHO_POLICY_IN6,
	[MHO_CTX_A_HOA] = MHO_POLICY_IN6,
	[MHO_CTX_A_SA] = NLA_POLICY_NESTED(mho_sa_policy),
	[MHO_CTX_A_POLICY] = NLA_POLICY_NESTED(mho_pol_policy),
	[MHO_CTX_A_MODE] = MHO_POLICY_MAX(NLA_U8, MHO_CTX_MODE_MAX),
	[MHO_CTX_A_NEW_AR] = MHO_POLICY_IN6,
	[MHO_CTX_A_NEW_COA] = MHO_POLICY_IN6,
	[MHO_CTX_A_SEQ_MARGIN] = { .type = NLA_U32 },
	[MHO_CTX_A_N_SA] = MHO_CTX_RO,
	[MHO_CTX_A_N_POLICY] = MHO_CTX_RO,
	[MHO_CTX_A_GENERATION] = MHO_POLICY_MIN(NLA_U64, 1),
	/* What nla_put_u64_64bit() may add before GENERATION: empty. */
	[MHO_CTX_A_PAD] = NLA_POLICY_EXACT_LEN(0),
	[MHO_CTX_A_BRIDGE] = MHO_POLICY_RANGE(NLA_U32, 1, MHO_CTX_MAX_BRIDGE),
	[MHO_CTX_A_N_BRIDGE] = MHO_CTX_RO,
};

const struct nla_policy mho_ctx_move_policy[MHO_CTX_A_MAX + 1] = {
	[MHO_CTX_A_AR] = MHO_POLICY_IN6,
	[MHO_CTX_A_COA] = MHO_POLICY_IN6,
	[MHO_CTX_A_NEW_AR] = MHO_POLICY_IN6,
	[MHO_CTX_A_NEW_COA] = MHO_POLICY_IN6,
	[MHO_CTX_A_SPI] = NLA_POLICY_NESTED(mho_spi_policy),
	[MHO_CTX_A_SEQ_MARGIN] = { .type = NLA_U32 },
	[MHO_CTX_A_BRIDGE] = MHO_POLICY_RANGE(NLA_U32, 1, MHO_CTX_MAX_BRIDGE),
};

/* ---- entry points ------------------------------------------------------ */

static int mho_ctx_set_state(struct mho_net *mn, struct mho_binding *b,
			     u8 state, struct netlink_ext_ack *extack)
{
	struct mho_binding_cfg cfg = { .set = MHO_BCFG_STATE, .state = state };

	return mho_binding_set(mn, b, &cfg, extack);
}

static u8 mho_ctx_state(const struct mho_binding *b)
{
	return b->h ? READ_ONCE(b->h->state) : MHO_STATE_IDLE;
}

/* The context is in: release what the binding holds (nAR in HOLD). */
static void mho_ctx_installed(struct mho_net *mn, struct mho_binding *b,
			      u32 n_sa)
{
	if (b->role == MHO_ROLE_NAR && mho_ctx_state(b) == MHO_STATE_HOLD)
		mho_ctx_set_state(mn, b, MHO_STATE_RELEASE, NULL);
	else if (b->role == MHO_ROLE_PAR && mho_ctx_state(b) != MHO_STATE_IDLE)
		mho_ctx_set_state(mn, b, MHO_STATE_IDLE, NULL);
	mho_nl_dp_event(mn, b->id, MHO_EVENT_CONTEXT, mho_ctx_state(b), n_sa);
}

/* Wipe the keys of a request's SAs once they are copied. */
void mho_ctx_wipe_keys(const struct nlattr *ctx)
{
	const struct nlattr *a, *k;
	int rem, krem;

	nla_for_each_nested(a, ctx, rem) {
		if (nla_type(a) != MHO_CTX_A_SA)
			continue;
		nla_for_each_nested(k, a, krem)
			if (nla_type(k) == MHO_SA_A_AEAD ||
			    nla_type(k) == MHO_SA_A_CRYPT ||
			    nla_type(k) == MHO_SA_A_AUTH)
				memzero_explicit(nla_data(k), nla_len(k));
	}
}

/* ---- export ------------------------------------------------------------- */

/*
 * A "leaving" export: the snapshot's SAs towards this router (their
 * destination is none of the MN's addresses) move, with their references,
 * from @s to @live; its policies that are not outbound are replaced by
 * their copies in @opt (the same selectors) with every template optional,
 * which go to @live (context_priv.h says why). The rest of @s is deleted
 * as with "inactive"; a policy whose copy could not go in is deleted too.
 */
static void mho_ctx_live_take(struct mho_ctx_snap *s, struct mho_ctx *opt,
			      struct mho_ctx_live *live)
{
	struct xfrm_policy *xp;
	bool mine;
	u32 i;
	int k, t;

	for (i = 0; i < s->n_sa; i++) {
		for (mine = false, k = 0; k < s->n_mn; k++)
			mine |= ipv6_addr_equal(&s->sa[i]->id.daddr.in6,
						&s->mn[k]);
		if (mine)
			continue;
		live->sa[live->n_sa++] = s->sa[i];
		s->sa[i] = NULL;
	}
	for (i = 0; i < opt->n_pol; i++) {
		xp = opt->pol[i];
		if (opt->dir[i] == XFRM_POLICY_OUT)
			continue;
		for (t = 0; t < xp->xfrm_nr; t++)
			xp->xfrm_vec[t].optional = 1;
		/* Its allocation reference stays ours; the SPD takes one. */
		if (xfrm_policy_insert(opt->dir[i], xp, 0))
			continue;
		mho_xi_notify_policy(xp, opt->dir[i], XFRM_MSG_UPDPOLICY);
		live->dir[live->n_pol] = opt->dir[i];
		live->pol[live->n_pol++] = xp;
		opt->pol[i] = NULL;
	}
}

/* What an export needs before anything is allocated or frozen. */
static int mho_ctx_export_check(const struct mho_binding *b,
				struct nlattr **req, u8 *dispose,
				struct netlink_ext_ack *extack)
{
	if (b->role != MHO_ROLE_PAR) {
		NL_SET_ERR_MSG_MOD(extack, "contexts are exported from a pAR binding");
		return -EINVAL;
	}
	if (!b->addr[MHO_SLOT_COA]) {
		NL_SET_ERR_MSG_MOD(extack, "the binding has no care-of address");
		return -EINVAL;
	}
	if (req[MHO_CTX_A_DISPOSE])
		*dispose = nla_get_u8(req[MHO_CTX_A_DISPOSE]);
	if ((*dispose == MHO_CTX_INACTIVE || *dispose == MHO_CTX_LEAVING) &&
	    mho_binding_ctx(b)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the binding already keeps a context");
		return -EBUSY;
	}
	return 0;
}

/* A snapshot to take of the binding's addresses, towards the AR if given. */
static struct mho_ctx_snap *mho_ctx_export_snap(const struct mho_binding *b,
						struct nlattr **req)
{
	struct mho_ctx_snap *s;
	int slot;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return NULL;
	for (slot = 0; slot < MHO_NSLOTS; slot++)
		if (b->addr[slot])
			s->mn[s->n_mn++] = b->addr[slot]->addr;
	if (req[MHO_CTX_A_AR]) {
		s->ar = nla_get_in6_addr(req[MHO_CTX_A_AR]);
		s->have_ar = true;
	}
	return s;
}

/*
 * The next export's generation: above every earlier one here, and at
 * least the wall clock in nanoseconds, so that contexts exported by
 * different routers order by time too (an nAR binding imports from one
 * pAR, then, after the MN has been elsewhere, from another). Routers'
 * clocks must agree to within the time between two moves of an MN
 * (NTP does); a clock far behind shows as refused imports ("mhoctl
 * context show" prints a context's generation).
 */
static u64 mho_ctx_next_gen(struct mho_net *mn)
{
	lockdep_assert_held(&mn->lock);
	mn->ctx_gen = max_t(u64, mn->ctx_gen + 1, ktime_get_real_ns());
	return mn->ctx_gen;
}

/* Free an export's reply that was not sent: it holds the keys. */
static void mho_ctx_export_msg_free(struct sk_buff *msg)
{
	memzero_explicit(msg->data, skb_headlen(msg));
	nlmsg_free(msg);
}

/* The reply, with the snapshot in it; *@nest is its MHO_A_CTX nest. */
static struct sk_buff *mho_ctx_export_msg(struct genl_info *info,
					  const struct mho_ctx_snap *s,
					  const struct mho_binding *b,
					  struct nlattr **nest)
{
	struct sk_buff *msg;
	void *hdr;

	msg = mho_nl_reply_new(info, mho_ctx_snap_size(s), &hdr);
	if (IS_ERR(msg))
		return msg;
	*nest = hdr ? mho_ctx_put(msg, s, &b->addr[MHO_SLOT_COA]->addr,
				  b->addr[MHO_SLOT_HOA] ?
				  &b->addr[MHO_SLOT_HOA]->addr : NULL,
				  info->extack) : ERR_PTR(-EMSGSIZE);
	if (IS_ERR(*nest)) {
		mho_ctx_export_msg_free(msg);
		return ERR_CAST(*nest);
	}
	genlmsg_end(msg, hdr);
	return msg;
}

/*
 * The copy an inactive export keeps for switch-back: the context as it
 * left, not rewritten. It is built from what the reply carries (@nest).
 */
static struct mho_ctx *mho_ctx_export_keep(struct net *net,
					   const struct mho_ctx_snap *s,
					   const struct mho_binding *b,
					   struct nlattr *nest,
					   struct netlink_ext_ack *extack)
{
	struct nlattr *tb[MHO_CTX_A_MAX + 1];
	struct mho_ctx_rewrite *rw;
	struct mho_ctx *kept;
	int err;

	rw = kzalloc(sizeof(*rw), GFP_KERNEL);
	if (!rw)
		return ERR_PTR(-ENOMEM);
	rw->ar = s->ar;
	rw->new_ar = s->ar;
	rw->coa = b->addr[MHO_SLOT_COA]->addr;
	rw->new_coa = rw->coa;
	rw->seq_margin = MHO_CTX_SEQ_MARGIN;
	err = nla_parse_nested(tb, MHO_CTX_A_MAX, nest,
			       mho_ctx_import_policy, extack);
	kept = err ? ERR_PTR(err) :
		     mho_ctx_build(net, nest, rw, false, extack);
	kfree(rw);
	return kept;
}

/**
 * mho_ctx_export - snapshot a pAR binding's MN context into a reply
 * @mn: the namespace, locked
 * @b: the binding
 * @req: the request's MHO_A_CTX attributes (AR, DISPOSE), or all NULL
 * @info: the request, for the reply
 *
 * The binding buffers the MN's packets first (if it was idle), so no
 * packet meets an SA that is about to move. If anything fails, it is put
 * back and nothing else has changed.
 */
int mho_ctx_export(struct mho_net *mn, struct mho_binding *b,
		   struct nlattr **req, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	u8 dispose = MHO_CTX_KEEP;
	struct mho_ctx *kept = NULL, *opt = NULL;
	struct mho_ctx_live *live = NULL;
	struct mho_ctx_snap *s;
	struct nlattr *nest;
	struct sk_buff *msg;
	bool froze = false;
	int err;
	u32 i;

	lockdep_assert_held(&mn->lock);

	err = mho_ctx_export_check(b, req, &dispose, extack);
	if (err)
		return err;
	s = mho_ctx_export_snap(b, req);
	if (!s)
		return -ENOMEM;

	if (mho_ctx_state(b) == MHO_STATE_IDLE) {
		err = mho_ctx_set_state(mn, b, MHO_STATE_BUFFER, extack);
		if (err)
			goto out;
		froze = true;
	}
	err = mho_ctx_snapshot(mn->net, s, extack);
	if (err)
		goto err;
	s->gen = mho_ctx_next_gen(mn);

	msg = mho_ctx_export_msg(info, s, b, &nest);
	if (IS_ERR(msg)) {
		err = PTR_ERR(msg);
		goto err;
	}
	if (dispose == MHO_CTX_INACTIVE || dispose == MHO_CTX_LEAVING) {
		kept = mho_ctx_export_keep(mn->net, s, b, nest, extack);
		if (!IS_ERR(kept) && dispose == MHO_CTX_LEAVING) {
			/* Its policies are the optional copies. */
			opt = mho_ctx_export_keep(mn->net, s, b, nest, extack);
			live = kzalloc(sizeof(*live), GFP_KERNEL);
			if (IS_ERR(opt) || !live) {
				err = IS_ERR(opt) ? PTR_ERR(opt) : -ENOMEM;
				if (!IS_ERR(opt))
					mho_ctx_free(opt);
				opt = NULL;
				mho_ctx_free(kept);
				kept = ERR_PTR(err);
			}
		}
		if (IS_ERR(kept)) {
			err = PTR_ERR(kept);
			mho_ctx_free(opt);
			kfree(live);
			mho_ctx_export_msg_free(msg);
			goto err;
		}
	}

	/*
	 * The reply goes out before anything is removed: if it cannot be
	 * delivered, the caller gets the error and this AR keeps the
	 * context. genlmsg_reply() consumes @msg either way.
	 */
	err = genlmsg_reply(msg, info);
	if (err) {
		mho_ctx_free(kept);
		mho_ctx_free(opt);
		kfree(live);
		goto err;
	}
	if (live)
		mho_ctx_live_take(s, opt, live);
	mho_ctx_free(opt);
	if (dispose != MHO_CTX_KEEP) {
		for (i = 0; i < s->n_pol; i++)
			if (s->pol[i])
				mho_ctx_del_pol(s->pol[i], s->dir[i]);
		for (i = 0; i < s->n_sa; i++)
			if (s->sa[i])
				mho_ctx_del_sa(s->sa[i]);
	}
	/* Not idle (buffering at least): it has its handoff state. */
	if (kept)
		WRITE_ONCE(b->h->ctx, kept);
	if (live && (live->n_sa || live->n_pol))
		b->h->ctx_live = live;
	else
		kfree(live);
	mho_ctx_snap_release(s);
	return 0;

err:
	if (froze)
		mho_ctx_set_state(mn, b, MHO_STATE_IDLE, NULL);
out:
	mho_ctx_snap_release(s);
	return err;
}

/* ---- import and activate ------------------------------------------------ */

/* The rewrite an import asks for; the binding gives the default COA. */
static int mho_ctx_import_rewrite(struct mho_binding *b, struct nlattr **tb,
				  struct mho_ctx_rewrite *rw,
				  struct netlink_ext_ack *extack)
{
	const struct mho_addr *coa;

	if (!tb[MHO_CTX_A_VERSION] || !tb[MHO_CTX_A_AR] || !tb[MHO_CTX_A_COA]) {
		NL_SET_ERR_MSG_MOD(extack,
				   "a context needs its version, AR and care-of address");
		return -EINVAL;
	}
	if (nla_get_u32(tb[MHO_CTX_A_VERSION]) != MHO_CTX_VERSION) {
		NL_SET_ERR_MSG_ATTR(extack, tb[MHO_CTX_A_VERSION],
				    "unsupported context version");
		return -EPROTONOSUPPORT;
	}
	if (!tb[MHO_CTX_A_NEW_AR]) {
		NL_SET_ERR_MSG_MOD(extack, "the new AR's address is required");
		return -EINVAL;
	}
	/* The default: the MN's next care-of address, else its current one. */
	coa = b->addr[MHO_SLOT_NCOA] ?: b->addr[MHO_SLOT_COA];
	if (!tb[MHO_CTX_A_NEW_COA] && !coa) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the new care-of address is required: the binding has none");
		return -EINVAL;
	}
	rw->ar = nla_get_in6_addr(tb[MHO_CTX_A_AR]);
	rw->coa = nla_get_in6_addr(tb[MHO_CTX_A_COA]);
	rw->new_ar = nla_get_in6_addr(tb[MHO_CTX_A_NEW_AR]);
	rw->new_coa = tb[MHO_CTX_A_NEW_COA] ?
		      nla_get_in6_addr(tb[MHO_CTX_A_NEW_COA]) : coa->addr;
	rw->seq_margin = tb[MHO_CTX_A_SEQ_MARGIN] ?
			 nla_get_u32(tb[MHO_CTX_A_SEQ_MARGIN]) :
			 MHO_CTX_SEQ_MARGIN;
	rw->bridge = tb[MHO_CTX_A_BRIDGE] ? nla_get_u32(tb[MHO_CTX_A_BRIDGE]) : 0;
	return 0;
}

/*
 * A context's generation must be above every one the binding imported:
 * one it has seen (a replay) or an older one (stale: the MN has moved
 * on since) is refused.
 */
static int mho_ctx_import_gen(const struct mho_binding *b, struct nlattr **tb,
			      u64 *gen, struct netlink_ext_ack *extack)
{
	u64 seen = b->h ? b->h->ctx_gen : 0;

	if (!tb[MHO_CTX_A_GENERATION]) {
		NL_SET_ERR_MSG_MOD(extack, "a context needs its generation");
		return -EINVAL;
	}
	*gen = nla_get_u64(tb[MHO_CTX_A_GENERATION]);
	if (*gen <= seen) {
		NL_SET_ERR_MSG_ATTR(extack, tb[MHO_CTX_A_GENERATION],
				    "stale or replayed context: its generation is not above the binding's last import");
		return -ESTALE;
	}
	return 0;
}

/* @n_pol: the context's policies, @n_bridge their bridging copies */
static int mho_ctx_put_result(struct sk_buff *msg, const struct mho_ctx *c,
			      u32 n_sa, u32 n_pol, u32 n_bridge)
{
	struct nlattr *nest, *spi;
	u32 i;

	nest = nla_nest_start(msg, MHO_A_CTX);
	if (!nest ||
	    nla_put_u32(msg, MHO_CTX_A_N_SA, n_sa) ||
	    nla_put_u32(msg, MHO_CTX_A_N_POLICY, n_pol) ||
	    (n_bridge && nla_put_u32(msg, MHO_CTX_A_N_BRIDGE, n_bridge)))
		return -EMSGSIZE;
	for (i = 0; c && i < c->n_spi; i++) {
		spi = nla_nest_start(msg, MHO_CTX_A_SPI);
		if (!spi ||
		    nla_put_u32(msg, MHO_SPI_A_OLD, c->spi_old[i]) ||
		    nla_put_u32(msg, MHO_SPI_A_NEW, c->spi_new[i]))
			return -EMSGSIZE;
		nla_nest_end(msg, spi);
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int mho_ctx_reply(struct genl_info *info, const struct mho_ctx *c,
			 u32 n_sa, u32 n_pol, u32 n_bridge)
{
	struct sk_buff *msg;
	void *hdr;

	msg = mho_nl_reply_new(info, NLMSG_GOODSIZE, &hdr);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	if (mho_ctx_put_result(msg, c, n_sa, n_pol, n_bridge)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/**
 * mho_ctx_import - build a context on an nAR binding, install it or keep it
 * @mn: the namespace, locked
 * @b: the binding
 * @ctx: the request's MHO_A_CTX nest, validated
 * @info: the request
 */
int mho_ctx_import(struct mho_net *mn, struct mho_binding *b,
		   struct nlattr *ctx, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *tb[MHO_CTX_A_MAX + 1];
	struct mho_ctx_rewrite *rw;
	struct mho_ctx *c;
	u32 n_sa, n_pol;
	u64 gen;
	u8 mode;
	int err;

	lockdep_assert_held(&mn->lock);

	if (b->role != MHO_ROLE_NAR) {
		NL_SET_ERR_MSG_MOD(extack, "contexts are imported on an nAR binding");
		return -EINVAL;
	}
	if (mho_binding_ctx(b)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the binding has a pending context: activate or drop it first");
		return -EBUSY;
	}
	err = nla_parse_nested(tb, MHO_CTX_A_MAX, ctx, mho_ctx_import_policy,
			       extack);
	if (err)
		return err;
	rw = kzalloc(sizeof(*rw), GFP_KERNEL);
	if (!rw)
		return -ENOMEM;
	err = mho_ctx_import_rewrite(b, tb, rw, extack);
	if (!err)
		err = mho_ctx_import_gen(b, tb, &gen, extack);
	if (err)
		goto out;
	mode = tb[MHO_CTX_A_MODE] ? nla_get_u8(tb[MHO_CTX_A_MODE]) :
				    MHO_CTX_REACTIVE;
	/* A kept context, and the generation, live in the handoff state. */
	err = mho_binding_need_handoff(mn, b);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "out of memory");
		goto out;
	}

	c = mho_ctx_build(mn->net, ctx, rw, true, extack);
	if (IS_ERR(c)) {
		err = PTR_ERR(c);
		goto out;
	}
	n_sa = c->n_sa;
	n_pol = c->n_pol - c->n_bridge;
	if (mode == MHO_CTX_PREDICTIVE) {
		WRITE_ONCE(b->h->ctx, c);
		b->h->ctx_gen = gen;
		err = mho_ctx_reply(info, c, n_sa, n_pol, c->n_bridge);
		goto out;
	}
	err = mho_ctx_install(c, true, extack);
	if (!err) {
		b->h->ctx_gen = gen;
		mho_ctx_installed(mn, b, n_sa);
		err = mho_ctx_reply(info, c, n_sa, n_pol, c->n_bridge);
	}
	mho_ctx_free(c);
out:
	kfree(rw);
	return err;
}

/* Install the binding's pending context, then release its held packets. */
int mho_ctx_activate(struct mho_net *mn, struct mho_binding *b,
		     struct netlink_ext_ack *extack)
{
	struct mho_ctx *c = mho_binding_ctx(b);
	u32 n_sa;
	int err;

	lockdep_assert_held(&mn->lock);

	if (!c) {
		NL_SET_ERR_MSG_MOD(extack, "the binding has no pending context");
		return -ENOENT;
	}
	/*
	 * What a "leaving" export left installed stays as it is, with the
	 * replay state of what the MN sent since: the copy of it is not
	 * installed again, and it becomes the SAs and policies the
	 * binding's handoff no longer ends.
	 */
	mho_ctx_skip_live(c, b->h->ctx_live);
	n_sa = c->n_sa;
	/*
	 * A failure here comes from a change made behind mho's back since
	 * the import (an SA or policy added by someone else): the context
	 * cannot be installed as it is, and is dropped. It comes off the
	 * binding after the install: until then an NA from the MN must not
	 * release the hold (mho_handoff_attach()).
	 */
	err = mho_ctx_install(c, true, extack);
	WRITE_ONCE(b->h->ctx, NULL);
	/* Installed or not, the rest is no longer the handoff's to end. */
	mho_ctx_live_end(&b->h->ctx_live, false);
	if (!err)
		mho_ctx_installed(mn, b, n_sa);
	mho_ctx_free(c);
	return err;
}

/* ---- move --------------------------------------------------------------- */

/* Which SPIs the MN must change (move): from the MHO_CTX_A_SPI nests. */
static int mho_ctx_parse_spi_map(const struct nlattr *ctx,
				 struct mho_ctx_rewrite *rw,
				 struct netlink_ext_ack *extack)
{
	struct nlattr *tb[MHO_SPI_A_MAX + 1];
	const struct nlattr *a;
	int rem, err;

	nla_for_each_nested(a, ctx, rem) {
		if (nla_type(a) != MHO_CTX_A_SPI)
			continue;
		if (rw->n_spi == MHO_CTX_MAX_SA) {
			NL_SET_ERR_MSG_ATTR(extack, a, "too many SPI changes");
			return -E2BIG;
		}
		err = nla_parse_nested(tb, MHO_SPI_A_MAX, a, mho_spi_policy,
				       extack);
		if (err)
			return err;
		if (!tb[MHO_SPI_A_OLD] || !tb[MHO_SPI_A_NEW]) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "an SPI change needs the old and the new SPI");
			return -EINVAL;
		}
		rw->spi_old[rw->n_spi] = nla_get_u32(tb[MHO_SPI_A_OLD]);
		rw->spi_new[rw->n_spi++] = nla_get_u32(tb[MHO_SPI_A_NEW]);
	}
	return 0;
}

/*
 * The rewrite a move asks for: the old and new addresses, the margin and
 * the SPIs the new AR chose.
 */
static struct mho_ctx_rewrite *
mho_ctx_move_rewrite(const struct nlattr *ctx, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[MHO_CTX_A_MAX + 1];
	struct mho_ctx_rewrite *rw;
	int err;

	err = nla_parse_nested(tb, MHO_CTX_A_MAX, ctx, mho_ctx_move_policy,
			       extack);
	if (err)
		return ERR_PTR(err);
	if (!tb[MHO_CTX_A_COA] || !tb[MHO_CTX_A_NEW_COA] ||
	    !tb[MHO_CTX_A_AR] || !tb[MHO_CTX_A_NEW_AR]) {
		NL_SET_ERR_MSG_MOD(extack,
				   "move needs the old and new care-of and AR addresses");
		return ERR_PTR(-EINVAL);
	}
	rw = kzalloc(sizeof(*rw), GFP_KERNEL);
	if (!rw)
		return ERR_PTR(-ENOMEM);
	rw->coa = nla_get_in6_addr(tb[MHO_CTX_A_COA]);
	rw->new_coa = nla_get_in6_addr(tb[MHO_CTX_A_NEW_COA]);
	rw->ar = nla_get_in6_addr(tb[MHO_CTX_A_AR]);
	rw->new_ar = nla_get_in6_addr(tb[MHO_CTX_A_NEW_AR]);
	rw->seq_margin = tb[MHO_CTX_A_SEQ_MARGIN] ?
			 nla_get_u32(tb[MHO_CTX_A_SEQ_MARGIN]) :
			 MHO_CTX_SEQ_MARGIN;
	rw->bridge = tb[MHO_CTX_A_BRIDGE] ? nla_get_u32(tb[MHO_CTX_A_BRIDGE]) : 0;
	/*
	 * The MN's inbound templates name no AR after a move. A packet the
	 * old SA decrypted but the MN's stack has not yet delivered (a
	 * datagram whose first fragments came over the old link and whose
	 * rest comes over the new one, a backlog) meets the moved policy:
	 * with the new AR as the template's source, XFRM would drop it
	 * (XfrmInTmplMismatch). Inbound, that source only checks the SA's
	 * outer source; the SA's lookup (destination, SPI) and its keys are
	 * what authenticate the sender, and the template still requires
	 * the protocol, mode, reqid and SPI.
	 */
	rw->any_ar_in = true;
	err = mho_ctx_parse_spi_map(ctx, rw, extack);
	if (err)
		goto err;
	if (ipv6_addr_equal(&rw->coa, &rw->new_coa) &&
	    ipv6_addr_equal(&rw->ar, &rw->new_ar)) {
		NL_SET_ERR_MSG_MOD(extack, "nothing to move: the addresses are the same");
		err = -EINVAL;
		goto err;
	}
	return rw;

err:
	kfree(rw);
	return ERR_PTR(err);
}

/*
 * Before anything changes: may every new SA go in once the old ones are
 * out? A key (destination, SPI) taken by an SA that is not moving would
 * leave the MN without its SAs halfway through.
 */
static int mho_ctx_move_check(struct net *net, const struct mho_ctx_snap *s,
			      const struct mho_ctx *c,
			      struct netlink_ext_ack *extack)
{
	struct xfrm_state *x, *y;
	bool moving;
	u32 i, j;

	for (i = 0; i < c->n_sa; i++) {
		x = c->sa[i];
		y = xfrm_state_lookup(net, x->mark.v & x->mark.m, &x->id.daddr,
				      x->id.spi, x->id.proto, AF_INET6);
		if (!y)
			continue;
		for (moving = false, j = 0; j < s->n_sa; j++)
			moving |= y == s->sa[j];
		xfrm_state_put(y);
		if (!moving) {
			NL_SET_ERR_MSG_MOD(extack,
					   "an SA with a new SPI and destination exists here already");
			return -EEXIST;
		}
	}
	return 0;
}

/*
 * What puts the MN's SAs and policies back where they were if the
 * install fails half-way: the same context, not rewritten, with the
 * margin (the old SAs may send until they are deleted).
 */
static struct mho_ctx *mho_ctx_move_back(struct net *net,
					 const struct nlattr *nest,
					 const struct mho_ctx_rewrite *rw,
					 struct netlink_ext_ack *extack)
{
	struct mho_ctx_rewrite *back_rw;
	struct mho_ctx *back;

	back_rw = kzalloc(sizeof(*back_rw), GFP_KERNEL);
	if (!back_rw)
		return ERR_PTR(-ENOMEM);
	back_rw->coa = rw->coa;
	back_rw->new_coa = rw->coa;
	back_rw->ar = rw->ar;
	back_rw->new_ar = rw->ar;
	back_rw->seq_margin = rw->seq_margin;
	back = mho_ctx_build(net, nest, back_rw, false, extack);
	kfree(back_rw);
	return back;
}

/* Replace the snapshot's SAs and policies with @c, or put @back in. */
static int mho_ctx_move_swap(const struct mho_ctx_snap *s, struct mho_ctx *c,
			     struct mho_ctx *back,
			     struct netlink_ext_ack *extack)
{
	u32 i;
	int err;

	/*
	 * The old SAs go first: a new SA may have the same key (destination
	 * and SPI) as an old one. The policies are replaced in place (same
	 * selector), or the old ones deleted after.
	 */
	for (i = 0; i < s->n_sa; i++)
		mho_ctx_del_sa(s->sa[i]);
	err = mho_ctx_install(c, false, extack);
	if (err) {
		/* The install removed what it inserted; restore the rest. */
		if (mho_ctx_install(back, false, NULL))
			net_warn_ratelimited("mho: a failed move could not restore the SAs it removed\n");
		return err;
	}
	/* Those replaced by a new one are gone already (-ENOENT). */
	for (i = 0; i < s->n_pol; i++)
		mho_ctx_del_pol(s->pol[i], s->dir[i]);
	return 0;
}

/**
 * mho_ctx_move - move this netns's SAs and policies between addresses
 * @net: the namespace (the MN's own)
 * @ctx: the request's MHO_A_CTX nest, validated
 * @info: the request
 *
 * The MN side of a re-home: the SAs between COA and AR become SAs between
 * NEW_COA and NEW_AR, with the SPIs the new AR chose, and the policies
 * follow. Keys, sequence numbers (plus the margin) and replay windows carry
 * over, as with import; the XFRM migrate call does not change SPIs, so
 * mho does this with its own export and import.
 */
int mho_ctx_move(struct net *net, struct nlattr *ctx, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct mho_ctx *c = NULL, *back = NULL;
	struct sk_buff *tmp = NULL;
	struct mho_ctx_rewrite *rw;
	struct mho_ctx_snap *s;
	struct nlattr *nest;
	u32 n_sa, n_pol, n_bridge;
	int err;

	rw = mho_ctx_move_rewrite(ctx, extack);
	if (IS_ERR(rw))
		return PTR_ERR(rw);
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s) {
		kfree(rw);
		return -ENOMEM;
	}
	s->mn[s->n_mn++] = rw->coa;
	s->ar = rw->ar;
	s->have_ar = true;
	err = mho_ctx_snapshot(net, s, extack);
	if (err)
		goto out;

	/* Through the wire format, so that move is exactly export + import. */
	tmp = nlmsg_new(mho_ctx_snap_size(s), GFP_KERNEL);
	err = -ENOMEM;
	if (!tmp)
		goto out;
	nest = mho_ctx_put(tmp, s, &rw->coa, NULL, extack);
	if (IS_ERR(nest)) {
		err = PTR_ERR(nest);
		goto out;
	}
	c = mho_ctx_build(net, nest, rw, false, extack);
	if (IS_ERR(c)) {
		err = PTR_ERR(c);
		c = NULL;
		goto out;
	}
	n_sa = c->n_sa;
	n_pol = c->n_pol - c->n_bridge;
	n_bridge = c->n_bridge;
	err = mho_ctx_move_check(net, s, c, extack);
	if (err)
		goto out;
	back = mho_ctx_move_back(net, nest, rw, extack);
	if (IS_ERR(back)) {
		err = PTR_ERR(back);
		back = NULL;
		goto out;
	}

	err = mho_ctx_move_swap(s, c, back, extack);
	if (!err)
		err = mho_ctx_reply(info, NULL, n_sa, n_pol, n_bridge);
out:
	if (tmp) {
		/* Scratch, not a packet dropped: consumed, for drop monitors. */
		memzero_explicit(tmp->data, tmp->len);
		consume_skb(tmp);
	}
	mho_ctx_free(back);
	mho_ctx_free(c);
	mho_ctx_snap_release(s);
	kfree(rw);
	return err;
}
