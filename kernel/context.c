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
 * Locking: every entry point runs in process context under mho_net.lock
 * (import, export, activate) or under none of mho's locks (move). The
 * XFRM walks call back under XFRM's spinlocks, so the callbacks only take
 * references; everything that can sleep happens after the walk.
 */

#include <linux/in6.h>
#include <linux/random.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/xfrm.h>
#include <linux/mho.h>
#include "mho.h"
#include "binding.h"
#include "compat.h"
#include "context.h"
#include "handoff.h"
#include "netlink.h"

/**
 * struct mho_ctx - a context built for this router, not (yet) installed
 * @n_sa: entries in @sa
 * @n_pol: entries in @pol and @dir
 * @sa: states with their allocation reference, never inserted; NULL once
 *	the SAD owns one
 * @pol: policies with their allocation reference, never inserted; NULL
 *	once the SPD has one
 * @dir: each policy's direction
 * @n_spi: SPIs changed because they were taken here
 * @spi_old: the SPIs in the context, host order
 * @spi_new: the SPIs they became
 *
 * A pending context (predictive import, or an export kept for switch-back)
 * hangs off its binding and is freed with it, under mho_net.lock.
 */
struct mho_ctx {
	u32 n_sa;
	u32 n_pol;
	struct xfrm_state *sa[MHO_CTX_MAX_SA];
	struct xfrm_policy *pol[MHO_CTX_MAX_POLICY];
	u8 dir[MHO_CTX_MAX_POLICY];
	u32 n_spi;
	u32 spi_old[MHO_CTX_MAX_SA];
	u32 spi_new[MHO_CTX_MAX_SA];
};

/* What a snapshot collects: references taken during the XFRM walks. */
struct mho_ctx_snap {
	struct in6_addr mn[MHO_NSLOTS];
	int n_mn;
	struct in6_addr ar;
	bool have_ar;
	bool full;
	u32 n_sa;
	u32 n_pol;
	struct xfrm_state *sa[MHO_CTX_MAX_SA];
	struct xfrm_policy *pol[MHO_CTX_MAX_POLICY];
	u8 dir[MHO_CTX_MAX_POLICY];
};

#define MHO_CTX_RO	MHO_POLICY_REJECT("read-only attribute")

/* Above an s16: see MHO_POLICY_MAX(). */
static struct netlink_range_validation mho_tfcpad_range = {
	.max = IP_MAX_MTU,
};

static const struct nla_policy mho_sa_policy[MHO_SA_A_MAX + 1] = {
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

static const struct nla_policy mho_pol_policy[MHO_POL_A_MAX + 1] = {
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
};

const struct nla_policy mho_ctx_move_policy[MHO_CTX_A_MAX + 1] = {
	[MHO_CTX_A_AR] = MHO_POLICY_IN6,
	[MHO_CTX_A_COA] = MHO_POLICY_IN6,
	[MHO_CTX_A_NEW_AR] = MHO_POLICY_IN6,
	[MHO_CTX_A_NEW_COA] = MHO_POLICY_IN6,
	[MHO_CTX_A_SPI] = NLA_POLICY_NESTED(mho_spi_policy),
	[MHO_CTX_A_SEQ_MARGIN] = { .type = NLA_U32 },
};

/* Reject with @msg, a literal: extack keeps a pointer to static storage. */
#define MHO_CTX_REJECT(extack, msg) ({ NL_SET_ERR_MSG_MOD(extack, msg); -EINVAL; })

/* ---- snapshot ---------------------------------------------------------- */

static bool mho_ctx_is_mn(const struct mho_ctx_snap *s,
			  const xfrm_address_t *a)
{
	int i;

	for (i = 0; i < s->n_mn; i++)
		if (ipv6_addr_equal(&s->mn[i], &a->in6))
			return true;
	return false;
}

/* Do the outer addresses @d and @src join the MN to the AR (if known)? */
static bool mho_ctx_ends(const struct mho_ctx_snap *s,
			 const xfrm_address_t *d, const xfrm_address_t *src)
{
	const xfrm_address_t *other;

	if (mho_ctx_is_mn(s, d))
		other = src;
	else if (mho_ctx_is_mn(s, src))
		other = d;
	else
		return false;
	return !s->have_ar || ipv6_addr_equal(&other->in6, &s->ar);
}

/* xfrm_state_walk() callback, under xfrm_state_lock: take a reference. */
static int mho_ctx_snap_sa(struct xfrm_state *x, int count, void *ptr)
{
	struct mho_ctx_snap *s = ptr;

	if (x->props.family != AF_INET6 || x->km.state != XFRM_STATE_VALID ||
	    (x->id.proto != IPPROTO_ESP && x->id.proto != IPPROTO_AH) ||
	    !mho_ctx_ends(s, &x->id.daddr, &x->props.saddr))
		return 0;
	if (s->n_sa == MHO_CTX_MAX_SA) {
		s->full = true;
		return -ENOSPC;
	}
	xfrm_state_hold(x);
	s->sa[s->n_sa++] = x;
	return 0;
}

static bool mho_ctx_sel_is_mn(const struct mho_ctx_snap *s,
			      const struct xfrm_selector *sel)
{
	return (sel->prefixlen_d == 128 && mho_ctx_is_mn(s, &sel->daddr)) ||
	       (sel->prefixlen_s == 128 && mho_ctx_is_mn(s, &sel->saddr));
}

/* xfrm_policy_walk() callback, under xfrm_policy_lock. */
static int mho_ctx_snap_pol(struct xfrm_policy *xp, int dir, int count,
			    void *ptr)
{
	struct mho_ctx_snap *s = ptr;
	const struct xfrm_tmpl *t;
	int i;

	if (xp->type != XFRM_POLICY_TYPE_MAIN || xp->family != AF_INET6 ||
	    dir >= XFRM_POLICY_MAX)
		return 0;
	for (i = 0; i < xp->xfrm_nr; i++) {
		t = &xp->xfrm_vec[i];
		if (t->mode == XFRM_MODE_TUNNEL ?
		    mho_ctx_ends(s, &t->id.daddr, &t->saddr) :
		    mho_ctx_sel_is_mn(s, &xp->selector))
			break;
	}
	if (i == xp->xfrm_nr)
		return 0;
	if (s->n_pol == MHO_CTX_MAX_POLICY) {
		s->full = true;
		return -ENOSPC;
	}
	xfrm_pol_hold(xp);
	s->dir[s->n_pol] = dir;
	s->pol[s->n_pol++] = xp;
	return 0;
}

static void mho_ctx_snap_release(struct mho_ctx_snap *s)
{
	u32 i;

	for (i = 0; i < s->n_sa; i++)
		xfrm_state_put(s->sa[i]);
	for (i = 0; i < s->n_pol; i++)
		xfrm_pol_put(s->pol[i]);
	kfree(s);
}

/*
 * What a context does not carry. An SA or policy that depends on one of
 * these would be installed without it at the other end and behave
 * differently there (or not at all), so the export, and move, refuse it.
 * The encapsulation, care-of address, security context and offload are
 * set when the state or policy is created (XFRM_MSG_UPDSA copies into an
 * existing encapsulation or care-of address, never adds one); the output
 * mark can change, under x->lock.
 */
static int mho_ctx_check(const struct mho_ctx_snap *s,
			 struct netlink_ext_ack *extack)
{
	struct xfrm_state *x;
	bool smark;
	u32 i;

	for (i = 0; i < s->n_sa; i++) {
		x = s->sa[i];
		spin_lock_bh(&x->lock);
		smark = x->props.smark.v || x->props.smark.m;
		spin_unlock_bh(&x->lock);
		if (x->encap) {
			NL_SET_ERR_MSG_MOD(extack,
					   "an SA of the MN uses UDP encapsulation, which a context does not carry");
			return -EOPNOTSUPP;
		}
		if (smark) {
			NL_SET_ERR_MSG_MOD(extack,
					   "an SA of the MN sets an output mark, which a context does not carry");
			return -EOPNOTSUPP;
		}
		if (x->security) {
			NL_SET_ERR_MSG_MOD(extack,
					   "an SA of the MN has a security context, which a context does not carry");
			return -EOPNOTSUPP;
		}
		if (x->coaddr) {
			NL_SET_ERR_MSG_MOD(extack,
					   "an SA of the MN has a care-of address, which a context does not carry");
			return -EOPNOTSUPP;
		}
		if (x->xso.dev) {
			NL_SET_ERR_MSG_MOD(extack,
					   "an SA of the MN is offloaded to a device, which a context does not carry");
			return -EOPNOTSUPP;
		}
	}
	for (i = 0; i < s->n_pol; i++) {
		if (s->pol[i]->security) {
			NL_SET_ERR_MSG_MOD(extack,
					   "a policy of the MN has a security context, which a context does not carry");
			return -EOPNOTSUPP;
		}
	}
	return 0;
}

/*
 * Collect the MN's SAs and policies: those whose outer addresses join one
 * of the MN's addresses to the AR. Without an AR address, the other end
 * of the MN's SAs is taken, and must be the same for all of them.
 */
static int mho_ctx_snapshot(struct net *net, struct mho_ctx_snap *s,
			    struct netlink_ext_ack *extack)
{
	struct xfrm_policy_walk pw;
	struct xfrm_state_walk sw;
	const xfrm_address_t *other;
	struct xfrm_state *x;
	u32 i;

	xfrm_state_walk_init(&sw, IPSEC_PROTO_ANY, NULL);
	xfrm_state_walk(net, &sw, mho_ctx_snap_sa, s);
	xfrm_state_walk_done(&sw, net);
	if (s->full) {
		NL_SET_ERR_MSG_MOD(extack, "the MN has more SAs than a context holds");
		return -E2BIG;
	}
	if (!s->n_sa) {
		NL_SET_ERR_MSG_MOD(extack, "no SA of this MN here");
		return -ENOENT;
	}
	for (i = 0; !s->have_ar && i < s->n_sa; i++) {
		x = s->sa[i];
		other = mho_ctx_is_mn(s, &x->id.daddr) ? &x->props.saddr :
							&x->id.daddr;
		if (i && !ipv6_addr_equal(&other->in6, &s->ar)) {
			NL_SET_ERR_MSG_MOD(extack,
					   "the MN's SAs end at several addresses here; give the AR's");
			return -EINVAL;
		}
		s->ar = other->in6;
	}
	s->have_ar = true;

	xfrm_policy_walk_init(&pw, XFRM_POLICY_TYPE_MAIN);
	xfrm_policy_walk(net, &pw, mho_ctx_snap_pol, s);
	xfrm_policy_walk_done(&pw, net);
	if (s->full) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the MN has more policies than a context holds");
		return -E2BIG;
	}
	return mho_ctx_check(s, extack);
}

/* ---- serialisation ------------------------------------------------------ */

static size_t mho_ctx_sa_size(const struct xfrm_state *x)
{
	size_t n = 256 + nla_total_size(sizeof(struct xfrm_usersa_info));

	if (x->aead)
		n += nla_total_size(aead_len(x->aead));
	if (x->ealg)
		n += nla_total_size(xfrm_alg_len(x->ealg));
	if (x->aalg)
		n += nla_total_size(xfrm_alg_auth_len(x->aalg));
	if (x->replay_esn)
		n += nla_total_size(xfrm_replay_state_esn_len(x->replay_esn));
	return n;
}

static size_t mho_ctx_snap_size(const struct mho_ctx_snap *s)
{
	size_t n = 512;
	u32 i;

	for (i = 0; i < s->n_sa; i++)
		n += mho_ctx_sa_size(s->sa[i]);
	n += s->n_pol * (256 + nla_total_size(sizeof(struct xfrm_userpolicy_info)) +
			 nla_total_size(XFRM_MAX_DEPTH *
					sizeof(struct xfrm_user_tmpl)));
	return n;
}

static int mho_ctx_put_sa(struct sk_buff *skb, struct xfrm_state *x)
{
	struct xfrm_replay_state_esn *esn = NULL;
	struct xfrm_usersa_info info = {};
	struct xfrm_replay_state replay;
	size_t esn_len = 0;
	struct nlattr *nest;
	int err = -EMSGSIZE;

	if (x->replay_esn) {
		esn_len = xfrm_replay_state_esn_len(x->replay_esn);
		esn = kmalloc(esn_len, GFP_KERNEL);
		if (!esn)
			return -ENOMEM;
	}

	/* The counters move under x->lock, with every packet. */
	spin_lock_bh(&x->lock);
	info.id = x->id;
	info.sel = x->sel;
	info.lft = x->lft;
	info.curlft = x->curlft;
	info.stats.replay_window = x->stats.replay_window;
	info.stats.replay = x->stats.replay;
	info.stats.integrity_failed = x->stats.integrity_failed;
	info.saddr = x->props.saddr;
	info.mode = x->props.mode;
	info.replay_window = x->props.replay_window;
	info.reqid = x->props.reqid;
	info.family = x->props.family;
	info.flags = x->props.flags;
	replay = x->replay;
	if (esn)
		memcpy(esn, x->replay_esn, esn_len);
	spin_unlock_bh(&x->lock);

	nest = nla_nest_start(skb, MHO_CTX_A_SA);
	if (!nest)
		goto out;
	if (nla_put(skb, MHO_SA_A_INFO, sizeof(info), &info) ||
	    (x->aead &&
	     nla_put(skb, MHO_SA_A_AEAD, aead_len(x->aead), x->aead)) ||
	    (x->ealg &&
	     nla_put(skb, MHO_SA_A_CRYPT, xfrm_alg_len(x->ealg), x->ealg)) ||
	    (x->aalg &&
	     nla_put(skb, MHO_SA_A_AUTH, xfrm_alg_auth_len(x->aalg),
		     x->aalg)) ||
	    (esn ? nla_put(skb, MHO_SA_A_REPLAY_ESN, esn_len, esn) :
		   nla_put(skb, MHO_SA_A_REPLAY, sizeof(replay), &replay)) ||
	    ((x->mark.v || x->mark.m) &&
	     nla_put(skb, MHO_SA_A_MARK, sizeof(x->mark), &x->mark)) ||
	    (x->if_id && nla_put_u32(skb, MHO_SA_A_IF_ID, x->if_id)) ||
	    (x->props.extra_flags &&
	     nla_put_u32(skb, MHO_SA_A_EXTRA_FLAGS, x->props.extra_flags)) ||
	    (x->tfcpad && nla_put_u32(skb, MHO_SA_A_TFCPAD, x->tfcpad))) {
		nla_nest_cancel(skb, nest);
		goto out;
	}
	nla_nest_end(skb, nest);
	err = 0;
out:
	kfree(esn);
	return err;
}

static int mho_ctx_put_pol(struct sk_buff *skb, struct xfrm_policy *xp,
			   int dir)
{
	struct xfrm_user_tmpl ut[XFRM_MAX_DEPTH] = {};
	struct xfrm_userpolicy_info info = {};
	struct nlattr *nest;
	int i, n;

	read_lock_bh(&xp->lock);
	info.sel = xp->selector;
	info.lft = xp->lft;
	info.curlft = xp->curlft;
	info.priority = xp->priority;
	info.index = xp->index;
	info.dir = dir;
	info.action = xp->action;
	info.flags = xp->flags;
	info.share = XFRM_SHARE_ANY;
	n = xp->xfrm_nr;
	for (i = 0; i < n; i++) {
		const struct xfrm_tmpl *t = &xp->xfrm_vec[i];

		ut[i].id = t->id;
		ut[i].family = t->encap_family;
		ut[i].saddr = t->saddr;
		ut[i].reqid = t->reqid;
		ut[i].mode = t->mode;
		ut[i].share = t->share;
		ut[i].optional = t->optional;
		ut[i].aalgos = t->aalgos;
		ut[i].ealgos = t->ealgos;
		ut[i].calgos = t->calgos;
	}
	read_unlock_bh(&xp->lock);

	nest = nla_nest_start(skb, MHO_CTX_A_POLICY);
	if (!nest ||
	    nla_put(skb, MHO_POL_A_INFO, sizeof(info), &info) ||
	    (n && nla_put(skb, MHO_POL_A_TMPL, n * sizeof(ut[0]), ut)) ||
	    ((xp->mark.v || xp->mark.m) &&
	     nla_put(skb, MHO_POL_A_MARK, sizeof(xp->mark), &xp->mark)) ||
	    (xp->if_id && nla_put_u32(skb, MHO_POL_A_IF_ID, xp->if_id))) {
		if (nest)
			nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* Put the snapshot into @skb as an MHO_A_CTX nest; returns the nest. */
static struct nlattr *mho_ctx_put(struct sk_buff *skb,
				  const struct mho_ctx_snap *s,
				  const struct in6_addr *coa,
				  const struct in6_addr *hoa,
				  struct netlink_ext_ack *extack)
{
	struct nlattr *nest;
	u32 i;
	int err;

	nest = nla_nest_start(skb, MHO_A_CTX);
	if (!nest)
		goto too_big;
	if (nla_put_u32(skb, MHO_CTX_A_VERSION, MHO_CTX_VERSION) ||
	    nla_put_in6_addr(skb, MHO_CTX_A_AR, &s->ar) ||
	    nla_put_in6_addr(skb, MHO_CTX_A_COA, coa) ||
	    (hoa && nla_put_in6_addr(skb, MHO_CTX_A_HOA, hoa)))
		goto too_big;
	for (i = 0; i < s->n_sa; i++) {
		err = mho_ctx_put_sa(skb, s->sa[i]);
		if (err == -ENOMEM) {
			NL_SET_ERR_MSG_MOD(extack, "out of memory");
			return ERR_PTR(err);
		}
		if (err)
			goto too_big;
	}
	for (i = 0; i < s->n_pol; i++)
		if (mho_ctx_put_pol(skb, s->pol[i], s->dir[i]))
			goto too_big;
	nla_nest_end(skb, nest);
	return nest;

too_big:
	NL_SET_ERR_MSG_MOD(extack, "the context does not fit in a message");
	return ERR_PTR(-EMSGSIZE);
}

/* ---- building ----------------------------------------------------------- */

static void mho_ctx_rewrite_addr(xfrm_address_t *a,
				 const struct mho_ctx_rewrite *rw)
{
	if (ipv6_addr_equal(&a->in6, &rw->ar))
		a->in6 = rw->new_ar;
	else if (ipv6_addr_equal(&a->in6, &rw->coa))
		a->in6 = rw->new_coa;
}

static void mho_ctx_rewrite_sel(struct xfrm_selector *sel,
				const struct mho_ctx_rewrite *rw)
{
	if (sel->prefixlen_d == 128)
		mho_ctx_rewrite_addr(&sel->daddr, rw);
	if (sel->prefixlen_s == 128)
		mho_ctx_rewrite_addr(&sel->saddr, rw);
}

/* A state that was never inserted: wipe its keys, then let XFRM free it. */
static void mho_ctx_put_state(struct xfrm_state *x)
{
	if (x->aead)
		memzero_explicit(x->aead->alg_key,
				 DIV_ROUND_UP(x->aead->alg_key_len, 8));
	if (x->ealg)
		memzero_explicit(x->ealg->alg_key,
				 DIV_ROUND_UP(x->ealg->alg_key_len, 8));
	if (x->aalg)
		memzero_explicit(x->aalg->alg_key,
				 DIV_ROUND_UP(x->aalg->alg_key_len, 8));
	x->km.state = XFRM_STATE_DEAD;
	xfrm_state_put(x);
}

/* A policy that was never inserted (as xfrm_user frees one). */
static void mho_ctx_put_policy(struct xfrm_policy *xp)
{
	xp->walk.dead = 1;
	xfrm_policy_destroy(xp);
}

/* Is an algorithm attribute whole: its name ended, its key inside it? */
static bool mho_ctx_alg_ok(const struct nlattr *a, size_t hdr,
			   const char *name, u32 key_bits)
{
	return memchr(name, 0, sizeof_field(struct xfrm_algo, alg_name)) &&
	       key_bits <= 8 * 512 &&
	       nla_len(a) >= hdr + DIV_ROUND_UP(key_bits, 8);
}

static int mho_ctx_attach_algs(struct xfrm_state *x, struct nlattr **tb,
			       struct netlink_ext_ack *extack)
{
	struct xfrm_algo_desc *algo;

	if (tb[MHO_SA_A_AEAD]) {
		struct xfrm_algo_aead *u = nla_data(tb[MHO_SA_A_AEAD]);

		if (!mho_ctx_alg_ok(tb[MHO_SA_A_AEAD], sizeof(*u), u->alg_name,
				    u->alg_key_len))
			goto bad;
		algo = xfrm_aead_get_byname(u->alg_name, u->alg_icv_len, 1);
		if (!algo)
			goto unknown;
		x->aead = kmemdup(u, aead_len(u), GFP_KERNEL);
		if (!x->aead)
			return -ENOMEM;
		strscpy(x->aead->alg_name, algo->name,
			sizeof(x->aead->alg_name));
		x->props.ealgo = algo->desc.sadb_alg_id;
		x->geniv = algo->uinfo.aead.geniv;
	}
	if (tb[MHO_SA_A_CRYPT]) {
		struct xfrm_algo *u = nla_data(tb[MHO_SA_A_CRYPT]);

		if (!mho_ctx_alg_ok(tb[MHO_SA_A_CRYPT], sizeof(*u), u->alg_name,
				    u->alg_key_len))
			goto bad;
		algo = xfrm_ealg_get_byname(u->alg_name, 1);
		if (!algo)
			goto unknown;
		x->ealg = kmemdup(u, xfrm_alg_len(u), GFP_KERNEL);
		if (!x->ealg)
			return -ENOMEM;
		strscpy(x->ealg->alg_name, algo->name,
			sizeof(x->ealg->alg_name));
		x->props.ealgo = algo->desc.sadb_alg_id;
		x->geniv = algo->uinfo.encr.geniv;
	}
	if (tb[MHO_SA_A_AUTH]) {
		struct xfrm_algo_auth *u = nla_data(tb[MHO_SA_A_AUTH]);

		if (!mho_ctx_alg_ok(tb[MHO_SA_A_AUTH], sizeof(*u), u->alg_name,
				    u->alg_key_len))
			goto bad;
		algo = xfrm_aalg_get_byname(u->alg_name, 1);
		if (!algo)
			goto unknown;
		if (u->alg_trunc_len > algo->uinfo.auth.icv_fullbits) {
			NL_SET_ERR_MSG_ATTR(extack, tb[MHO_SA_A_AUTH],
					    "ICV truncation longer than the ICV");
			return -EINVAL;
		}
		x->aalg = kmemdup(u, xfrm_alg_auth_len(u), GFP_KERNEL);
		if (!x->aalg)
			return -ENOMEM;
		strscpy(x->aalg->alg_name, algo->name,
			sizeof(x->aalg->alg_name));
		if (!x->aalg->alg_trunc_len)
			x->aalg->alg_trunc_len = algo->uinfo.auth.icv_truncbits;
		x->props.aalgo = algo->desc.sadb_alg_id;
	}
	return 0;

bad:
	NL_SET_ERR_MSG_MOD(extack, "an SA algorithm is truncated or unnamed");
	return -EINVAL;
unknown:
	NL_SET_ERR_MSG_MOD(extack, "an SA algorithm is unknown to this kernel");
	return -ENOENT;
}

/* What xfrm_user's verify_newsa_info() checks, for the IPv6 SAs mho moves. */
static int mho_ctx_check_sa(struct nlattr **tb, struct netlink_ext_ack *extack)
{
	const struct xfrm_usersa_info *p;
	struct xfrm_replay_state_esn *esn;
	int err = 0;

	if (!tb[MHO_SA_A_INFO]) {
		NL_SET_ERR_MSG_MOD(extack, "an SA has no info");
		return -EINVAL;
	}
	p = nla_data(tb[MHO_SA_A_INFO]);
	/*
	 * The selector is IPv6, or empty with XFRM_STATE_AF_UNSPEC, which
	 * xfrm_user keeps as AF_UNSPEC: strongSwan's tunnel-mode SAs.
	 */
	if (p->family != AF_INET6 ||
	    (p->sel.family != AF_INET6 &&
	     (p->sel.family != AF_UNSPEC ||
	      !(p->flags & XFRM_STATE_AF_UNSPEC))))
		err = MHO_CTX_REJECT(extack, "only IPv6 SAs can be moved");
	else if (p->sel.prefixlen_d > 128 || p->sel.prefixlen_s > 128)
		err = MHO_CTX_REJECT(extack, "an SA selector has a prefix longer than 128");
	else if (p->mode != XFRM_MODE_TRANSPORT && p->mode != XFRM_MODE_TUNNEL)
		err = MHO_CTX_REJECT(extack, "an SA is neither transport nor tunnel mode");
	else if (p->id.proto == IPPROTO_ESP &&
		 !!tb[MHO_SA_A_AEAD] == !!tb[MHO_SA_A_CRYPT])
		err = MHO_CTX_REJECT(extack, "an ESP SA needs either an AEAD or a cipher");
	else if (p->id.proto == IPPROTO_ESP && tb[MHO_SA_A_AEAD] &&
		 tb[MHO_SA_A_AUTH])
		err = MHO_CTX_REJECT(extack, "an AEAD SA has an authentication algorithm");
	else if (p->id.proto == IPPROTO_AH &&
		 (!tb[MHO_SA_A_AUTH] || tb[MHO_SA_A_AEAD] ||
		  tb[MHO_SA_A_CRYPT]))
		err = MHO_CTX_REJECT(extack, "an AH SA needs exactly an authentication algorithm");
	else if (p->id.proto != IPPROTO_ESP && p->id.proto != IPPROTO_AH)
		err = MHO_CTX_REJECT(extack, "an SA is neither ESP nor AH");
	else if (ntohl(p->id.spi) < 256)
		err = MHO_CTX_REJECT(extack, "an SA has a reserved SPI");
	else if (!tb[MHO_SA_A_REPLAY] == !tb[MHO_SA_A_REPLAY_ESN])
		err = MHO_CTX_REJECT(extack, "an SA needs exactly one replay state");
	else if ((p->flags & XFRM_STATE_ESN) && !tb[MHO_SA_A_REPLAY_ESN])
		err = MHO_CTX_REJECT(extack, "an ESN SA has no ESN replay state");
	if (err)
		return err;
	if (tb[MHO_SA_A_REPLAY_ESN]) {
		esn = nla_data(tb[MHO_SA_A_REPLAY_ESN]);
		if (esn->bmp_len > XFRMA_REPLAY_ESN_MAX / sizeof(esn->bmp[0]) / 8 ||
		    nla_len(tb[MHO_SA_A_REPLAY_ESN]) <
		    xfrm_replay_state_esn_len(esn) ||
		    esn->replay_window > esn->bmp_len * sizeof(__u32) * 8) {
			NL_SET_ERR_MSG_ATTR(extack, tb[MHO_SA_A_REPLAY_ESN],
					    "an ESN replay state is inconsistent");
			return -EINVAL;
		}
	}
	return 0;
}

/* Continue the outbound sequence numbers @margin further on. */
static int mho_ctx_seq_margin(struct xfrm_state *x, u32 margin)
{
	struct xfrm_replay_state_esn *e = x->replay_esn;
	u64 seq;

	if (e && (x->props.flags & XFRM_STATE_ESN)) {
		seq = ((u64)e->oseq_hi << 32 | e->oseq) + margin;
		e->oseq = lower_32_bits(seq);
		e->oseq_hi = upper_32_bits(seq);
		x->preplay_esn->oseq = e->oseq;
		x->preplay_esn->oseq_hi = e->oseq_hi;
		return 0;
	}
	if (e) {
		if (e->oseq > U32_MAX - margin)
			return -ERANGE;
		e->oseq += margin;
		x->preplay_esn->oseq = e->oseq;
		return 0;
	}
	if (x->replay.oseq > U32_MAX - margin)
		return -ERANGE;
	x->replay.oseq += margin;
	x->preplay.oseq = x->replay.oseq;
	return 0;
}

static struct xfrm_state *mho_ctx_build_sa(struct net *net,
					   const struct nlattr *nest,
					   const struct mho_ctx_rewrite *rw,
					   struct netlink_ext_ack *extack)
{
	struct nlattr *tb[MHO_SA_A_MAX + 1];
	const struct xfrm_usersa_info *p;
	struct xfrm_replay_state_esn *e;
	struct xfrm_state *x;
	int err;

	err = nla_parse_nested(tb, MHO_SA_A_MAX, nest, mho_sa_policy, extack);
	if (err)
		return ERR_PTR(err);
	err = mho_ctx_check_sa(tb, extack);
	if (err)
		return ERR_PTR(err);
	p = nla_data(tb[MHO_SA_A_INFO]);

	x = xfrm_state_alloc(net);
	if (!x)
		return ERR_PTR(-ENOMEM);
	x->id = p->id;
	x->sel = p->sel;
	x->lft = p->lft;
	x->props.mode = p->mode;
	x->props.replay_window = min_t(unsigned int, p->replay_window,
				       sizeof(x->replay.bitmap) * 8);
	x->props.reqid = p->reqid;
	x->props.family = p->family;
	x->props.saddr = p->saddr;
	x->props.flags = p->flags;
	mho_ctx_rewrite_addr(&x->id.daddr, rw);
	mho_ctx_rewrite_addr(&x->props.saddr, rw);
	mho_ctx_rewrite_sel(&x->sel, rw);

	err = mho_ctx_attach_algs(x, tb, extack);
	if (err)
		goto err;
	if (tb[MHO_SA_A_MARK])
		memcpy(&x->mark, nla_data(tb[MHO_SA_A_MARK]), sizeof(x->mark));
	if (tb[MHO_SA_A_IF_ID])
		x->if_id = nla_get_u32(tb[MHO_SA_A_IF_ID]);
	if (tb[MHO_SA_A_EXTRA_FLAGS])
		x->props.extra_flags = nla_get_u32(tb[MHO_SA_A_EXTRA_FLAGS]);
	if (tb[MHO_SA_A_TFCPAD])
		x->tfcpad = nla_get_u32(tb[MHO_SA_A_TFCPAD]);

	err = mho_xfrm_init_state(x, extack);
	if (err)
		goto err;

	if (tb[MHO_SA_A_REPLAY_ESN]) {
		e = nla_data(tb[MHO_SA_A_REPLAY_ESN]);
		x->replay_esn = kmemdup(e, xfrm_replay_state_esn_len(e),
					GFP_KERNEL);
		x->preplay_esn = kmemdup(e, xfrm_replay_state_esn_len(e),
					 GFP_KERNEL);
		err = -ENOMEM;
		if (!x->replay_esn || !x->preplay_esn)
			goto err;
	} else {
		memcpy(&x->replay, nla_data(tb[MHO_SA_A_REPLAY]),
		       sizeof(x->replay));
		x->preplay = x->replay;
	}
	err = mho_ctx_seq_margin(x, rw->seq_margin);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack,
				   "an SA's sequence numbers would wrap: rekey it instead");
		goto err;
	}
	x->replay_maxdiff = net->xfrm.sysctl_aevent_rseqth;
	/* sysctl_xfrm_aevent_etime is in 100 ms units */
	x->replay_maxage = (net->xfrm.sysctl_aevent_etime * HZ) / XFRM_AE_ETH_M;
	err = xfrm_init_replay(x, extack);
	if (err)
		goto err;
	/* Lifetimes go on from where they were. */
	x->curlft.bytes = p->curlft.bytes;
	x->curlft.packets = p->curlft.packets;
	x->curlft.add_time = p->curlft.add_time;
	x->curlft.use_time = p->curlft.use_time;
	return x;

err:
	mho_ctx_put_state(x);
	return ERR_PTR(err);
}

static int mho_ctx_check_pol(const struct xfrm_userpolicy_info *p,
			     const struct nlattr *tmpl,
			     struct netlink_ext_ack *extack)
{
	const struct xfrm_user_tmpl *ut;
	int err = 0;
	int i, n = 0;

	if (tmpl) {
		n = nla_len(tmpl) / sizeof(*ut);
		if (nla_len(tmpl) % sizeof(*ut))
			err = MHO_CTX_REJECT(extack, "policy templates are truncated");
	}
	if (p->dir != XFRM_POLICY_IN && p->dir != XFRM_POLICY_OUT &&
	    p->dir != XFRM_POLICY_FWD)
		err = MHO_CTX_REJECT(extack, "a policy has no direction");
	else if (p->action != XFRM_POLICY_ALLOW &&
		 p->action != XFRM_POLICY_BLOCK)
		err = MHO_CTX_REJECT(extack, "a policy action is unknown");
	else if (p->sel.family != AF_INET6)
		err = MHO_CTX_REJECT(extack, "only IPv6 policies can be moved");
	else if (p->sel.prefixlen_d > 128 || p->sel.prefixlen_s > 128)
		err = MHO_CTX_REJECT(extack, "a policy selector has a prefix longer than 128");
	for (i = 0; !err && i < n; i++) {
		ut = (const struct xfrm_user_tmpl *)nla_data(tmpl) + i;
		if (ut->mode != XFRM_MODE_TRANSPORT &&
		    ut->mode != XFRM_MODE_TUNNEL)
			err = MHO_CTX_REJECT(extack,
					     "a policy template is neither transport nor tunnel mode");
		else if (ut->family != AF_INET6 && ut->family != AF_UNSPEC)
			err = MHO_CTX_REJECT(extack, "a policy template is not IPv6");
		else if (ut->id.proto != IPPROTO_ESP &&
			 ut->id.proto != IPPROTO_AH &&
			 ut->id.proto != IPPROTO_COMP)
			err = MHO_CTX_REJECT(extack,
					     "a policy template is neither ESP, AH nor IPComp");
	}
	if (err)
		return err;
	return 0;
}

/* The SPI @spi (network order) becomes, by @c's changes and @rw's map. */
static __be32 mho_ctx_map_spi(const struct mho_ctx *c,
			      const struct mho_ctx_rewrite *rw, __be32 spi)
{
	u32 i;

	for (i = 0; i < c->n_spi; i++)
		if (ntohl(spi) == c->spi_old[i])
			return htonl(c->spi_new[i]);
	for (i = 0; i < rw->n_spi; i++)
		if (ntohl(spi) == rw->spi_old[i])
			return htonl(rw->spi_new[i]);
	return spi;
}

static struct xfrm_policy *mho_ctx_build_pol(struct net *net,
					     const struct nlattr *nest,
					     const struct mho_ctx *c,
					     const struct mho_ctx_rewrite *rw,
					     u8 *dir,
					     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[MHO_POL_A_MAX + 1];
	const struct xfrm_userpolicy_info *p;
	const struct xfrm_user_tmpl *ut;
	struct xfrm_policy *xp;
	int err, i;

	err = nla_parse_nested(tb, MHO_POL_A_MAX, nest, mho_pol_policy, extack);
	if (err)
		return ERR_PTR(err);
	if (!tb[MHO_POL_A_INFO]) {
		NL_SET_ERR_MSG_MOD(extack, "a policy has no info");
		return ERR_PTR(-EINVAL);
	}
	p = nla_data(tb[MHO_POL_A_INFO]);
	err = mho_ctx_check_pol(p, tb[MHO_POL_A_TMPL], extack);
	if (err)
		return ERR_PTR(err);

	xp = xfrm_policy_alloc(net, GFP_KERNEL);
	if (!xp)
		return ERR_PTR(-ENOMEM);
	xp->selector = p->sel;
	mho_ctx_rewrite_sel(&xp->selector, rw);
	xp->lft = p->lft;
	xp->action = p->action;
	xp->flags = p->flags;
	xp->family = p->sel.family;
	xp->priority = p->priority;
	xp->type = XFRM_POLICY_TYPE_MAIN;
	if (tb[MHO_POL_A_TMPL]) {
		ut = nla_data(tb[MHO_POL_A_TMPL]);
		xp->xfrm_nr = nla_len(tb[MHO_POL_A_TMPL]) / sizeof(*ut);
		for (i = 0; i < xp->xfrm_nr; i++, ut++) {
			struct xfrm_tmpl *t = &xp->xfrm_vec[i];

			t->id = ut->id;
			t->saddr = ut->saddr;
			if (ut->mode == XFRM_MODE_TUNNEL) {
				mho_ctx_rewrite_addr(&t->id.daddr, rw);
				mho_ctx_rewrite_addr(&t->saddr, rw);
			}
			if (t->id.spi)
				t->id.spi = mho_ctx_map_spi(c, rw, t->id.spi);
			t->reqid = ut->reqid;
			t->mode = ut->mode;
			t->share = ut->share;
			t->optional = ut->optional;
			t->aalgos = ut->aalgos;
			t->ealgos = ut->ealgos;
			t->calgos = ut->calgos;
			/* If all masks are ~0, then all algorithms are allowed. */
			t->allalgs = !~(t->aalgos & t->ealgos & t->calgos);
			t->encap_family = ut->family ?: AF_INET6;
		}
	}
	if (tb[MHO_POL_A_MARK])
		memcpy(&xp->mark, nla_data(tb[MHO_POL_A_MARK]),
		       sizeof(xp->mark));
	if (tb[MHO_POL_A_IF_ID])
		xp->if_id = nla_get_u32(tb[MHO_POL_A_IF_ID]);
	*dir = p->dir;
	return xp;
}

/* Is (daddr, spi, proto) of @x taken here, or earlier in @c? */
static bool mho_ctx_spi_taken(struct net *net, const struct mho_ctx *c,
			      const struct xfrm_state *x)
{
	struct xfrm_state *y;
	u32 i;

	for (i = 0; i < c->n_sa; i++)
		if (c->sa[i]->id.spi == x->id.spi &&
		    c->sa[i]->id.proto == x->id.proto &&
		    ipv6_addr_equal(&c->sa[i]->id.daddr.in6, &x->id.daddr.in6))
			return true;
	y = xfrm_state_lookup(net, x->mark.v & x->mark.m, &x->id.daddr,
			      x->id.spi, x->id.proto, AF_INET6);
	if (!y)
		return false;
	xfrm_state_put(y);
	return true;
}

/*
 * Give @x a free SPI. Its peer must be told: the mapping goes into @c and
 * from there into the reply.
 */
static int mho_ctx_new_spi(struct net *net, struct mho_ctx *c,
			   struct xfrm_state *x, struct netlink_ext_ack *extack)
{
	__be32 old = x->id.spi;
	int tries;

	for (tries = 0; tries < 64; tries++) {
		x->id.spi = htonl(get_random_u32() | 0x100);
		if (!mho_ctx_spi_taken(net, c, x)) {
			c->spi_old[c->n_spi] = ntohl(old);
			c->spi_new[c->n_spi++] = ntohl(x->id.spi);
			return 0;
		}
	}
	NL_SET_ERR_MSG_MOD(extack, "no free SPI found");
	return -EADDRINUSE;
}

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
 * Build every SA and policy of the context nest @ctx for this router.
 * @fresh_spi: an SPI already taken here gets a new one (import); otherwise
 * @rw's map applies to the SAs towards the AR (move).
 */
static struct mho_ctx *mho_ctx_build(struct net *net, const struct nlattr *ctx,
				     const struct mho_ctx_rewrite *rw,
				     bool fresh_spi,
				     struct netlink_ext_ack *extack)
{
	const struct nlattr *a;
	struct xfrm_state *x;
	struct xfrm_policy *xp;
	struct mho_ctx *c;
	bool to_ar;
	int rem, err = 0;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return ERR_PTR(-ENOMEM);
	nla_for_each_nested(a, ctx, rem) {
		if (nla_type(a) != MHO_CTX_A_SA)
			continue;
		if (c->n_sa == MHO_CTX_MAX_SA) {
			NL_SET_ERR_MSG_ATTR(extack, a, "too many SAs");
			err = -E2BIG;
			goto err;
		}
		x = mho_ctx_build_sa(net, a, rw, extack);
		if (IS_ERR(x)) {
			err = PTR_ERR(x);
			goto err;
		}
		to_ar = ipv6_addr_equal(&x->id.daddr.in6, &rw->new_ar);
		if (!fresh_spi && to_ar)
			x->id.spi = mho_ctx_map_spi(c, rw, x->id.spi);
		if (fresh_spi && mho_ctx_spi_taken(net, c, x))
			err = mho_ctx_new_spi(net, c, x, extack);
		c->sa[c->n_sa++] = x;
		if (err)
			goto err;
	}
	if (!c->n_sa) {
		NL_SET_ERR_MSG_MOD(extack, "the context has no SA");
		err = -EINVAL;
		goto err;
	}
	nla_for_each_nested(a, ctx, rem) {
		if (nla_type(a) != MHO_CTX_A_POLICY)
			continue;
		if (c->n_pol == MHO_CTX_MAX_POLICY) {
			NL_SET_ERR_MSG_ATTR(extack, a, "too many policies");
			err = -E2BIG;
			goto err;
		}
		xp = mho_ctx_build_pol(net, a, c, rw, &c->dir[c->n_pol], extack);
		if (IS_ERR(xp)) {
			err = PTR_ERR(xp);
			goto err;
		}
		c->pol[c->n_pol++] = xp;
	}
	return c;

err:
	mho_ctx_free(c);
	return ERR_PTR(err);
}

void mho_ctx_free(struct mho_ctx *c)
{
	u32 i;

	if (!c)
		return;
	for (i = 0; i < c->n_sa; i++)
		if (c->sa[i])
			mho_ctx_put_state(c->sa[i]);
	for (i = 0; i < c->n_pol; i++)
		if (c->pol[i])
			mho_ctx_put_policy(c->pol[i]);
	kfree(c);
}

u32 mho_ctx_n_sa(const struct mho_ctx *c)
{
	return c ? c->n_sa : 0;
}

u32 mho_ctx_n_policy(const struct mho_ctx *c)
{
	return c ? c->n_pol : 0;
}

/*
 * Install @c: every SA, then every policy (@excl: a policy may not replace
 * one with the same selector). All or nothing: on failure what was
 * inserted is removed again, and @c is spent either way (the caller frees
 * it).
 */
static int mho_ctx_install(struct mho_ctx *c, bool excl,
			   struct netlink_ext_ack *extack)
{
	u32 i, j;
	int err;

	for (i = 0; i < c->n_sa; i++) {
		c->sa[i]->km.state = XFRM_STATE_VALID;
		err = xfrm_state_add(c->sa[i]);
		if (err) {
			c->sa[i]->km.state = XFRM_STATE_VOID;
			NL_SET_ERR_MSG_MOD(extack,
					   "an SA with the same SPI and destination exists here");
			goto undo_sa;
		}
	}
	for (j = 0; j < c->n_pol; j++) {
		err = xfrm_policy_insert(c->dir[j], c->pol[j], excl);
		if (err) {
			NL_SET_ERR_MSG_MOD(extack,
					   "a policy with the same selector exists here");
			goto undo_pol;
		}
	}
	/*
	 * The SAD keeps the states' allocation references; the SPD took its
	 * own on the policies, so ours go.
	 */
	for (i = 0; i < c->n_sa; i++)
		c->sa[i] = NULL;
	for (j = 0; j < c->n_pol; j++) {
		xfrm_pol_put(c->pol[j]);
		c->pol[j] = NULL;
	}
	return 0;

undo_pol:
	while (j--) {
		xfrm_policy_delete(c->pol[j], c->dir[j]);
		xfrm_pol_put(c->pol[j]);
		c->pol[j] = NULL;
	}
undo_sa:
	/* xfrm_state_delete() drops the allocation reference itself. */
	while (i--) {
		xfrm_state_delete(c->sa[i]);
		c->sa[i] = NULL;
	}
	return err;
}

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
	struct mho_ctx_rewrite *rw = NULL;
	struct mho_ctx *kept = NULL;
	struct mho_ctx_snap *s;
	struct nlattr *nest;
	struct sk_buff *msg;
	bool froze = false;
	void *hdr;
	int err, slot;
	u32 i;

	lockdep_assert_held(&mn->lock);

	if (b->role != MHO_ROLE_PAR) {
		NL_SET_ERR_MSG_MOD(extack, "contexts are exported from a pAR binding");
		return -EINVAL;
	}
	if (!b->addr[MHO_SLOT_COA]) {
		NL_SET_ERR_MSG_MOD(extack, "the binding has no care-of address");
		return -EINVAL;
	}
	if (req[MHO_CTX_A_DISPOSE])
		dispose = nla_get_u8(req[MHO_CTX_A_DISPOSE]);
	if (dispose == MHO_CTX_INACTIVE && b->ctx) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the binding already keeps a context");
		return -EBUSY;
	}

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	for (slot = 0; slot < MHO_NSLOTS; slot++)
		if (b->addr[slot])
			s->mn[s->n_mn++] = b->addr[slot]->addr;
	if (req[MHO_CTX_A_AR]) {
		s->ar = nla_get_in6_addr(req[MHO_CTX_A_AR]);
		s->have_ar = true;
	}

	if (mho_ctx_state(b) == MHO_STATE_IDLE) {
		err = mho_ctx_set_state(mn, b, MHO_STATE_BUFFER, extack);
		if (err)
			goto out;
		froze = true;
	}
	err = mho_ctx_snapshot(mn->net, s, extack);
	if (err)
		goto err;

	msg = mho_nl_reply_new(info, mho_ctx_snap_size(s), &hdr);
	if (IS_ERR(msg)) {
		err = PTR_ERR(msg);
		goto err;
	}
	nest = hdr ? mho_ctx_put(msg, s, &b->addr[MHO_SLOT_COA]->addr,
				 b->addr[MHO_SLOT_HOA] ?
				 &b->addr[MHO_SLOT_HOA]->addr : NULL,
				 extack) : ERR_PTR(-EMSGSIZE);
	if (IS_ERR(nest)) {
		err = PTR_ERR(nest);
		goto err_msg;
	}
	genlmsg_end(msg, hdr);

	if (dispose == MHO_CTX_INACTIVE) {
		struct nlattr *tb[MHO_CTX_A_MAX + 1];

		/* The copy is built from what the reply carries. */
		rw = kzalloc(sizeof(*rw), GFP_KERNEL);
		err = -ENOMEM;
		if (!rw)
			goto err_msg;
		rw->ar = s->ar;
		rw->new_ar = s->ar;
		rw->coa = b->addr[MHO_SLOT_COA]->addr;
		rw->new_coa = rw->coa;
		rw->seq_margin = MHO_CTX_SEQ_MARGIN;
		err = nla_parse_nested(tb, MHO_CTX_A_MAX, nest,
				       mho_ctx_import_policy, extack);
		if (err)
			goto err_msg;
		kept = mho_ctx_build(mn->net, nest, rw, false, extack);
		if (IS_ERR(kept)) {
			err = PTR_ERR(kept);
			goto err_msg;
		}
	}
	kfree(rw);

	/*
	 * The reply goes out before anything is removed: if it cannot be
	 * delivered, the caller gets the error and this AR keeps the
	 * context. genlmsg_reply() consumes @msg either way.
	 */
	err = genlmsg_reply(msg, info);
	if (err) {
		mho_ctx_free(kept);
		goto err;
	}
	if (dispose != MHO_CTX_KEEP) {
		for (i = 0; i < s->n_pol; i++)
			xfrm_policy_delete(s->pol[i], s->dir[i]);
		for (i = 0; i < s->n_sa; i++)
			xfrm_state_delete(s->sa[i]);
	}
	b->ctx = kept ?: b->ctx;
	mho_ctx_snap_release(s);
	return 0;

err_msg:
	kfree(rw);
	/* The reply holds the keys. */
	memzero_explicit(msg->data, skb_headlen(msg));
	nlmsg_free(msg);
err:
	if (froze)
		mho_ctx_set_state(mn, b, MHO_STATE_IDLE, NULL);
out:
	mho_ctx_snap_release(s);
	return err;
}

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
	return 0;
}

static int mho_ctx_put_result(struct sk_buff *msg, const struct mho_ctx *c,
			      u32 n_sa, u32 n_pol)
{
	struct nlattr *nest, *spi;
	u32 i;

	nest = nla_nest_start(msg, MHO_A_CTX);
	if (!nest ||
	    nla_put_u32(msg, MHO_CTX_A_N_SA, n_sa) ||
	    nla_put_u32(msg, MHO_CTX_A_N_POLICY, n_pol))
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
			 u32 n_sa, u32 n_pol)
{
	struct sk_buff *msg;
	void *hdr;

	msg = mho_nl_reply_new(info, NLMSG_GOODSIZE, &hdr);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	if (mho_ctx_put_result(msg, c, n_sa, n_pol)) {
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
	u8 mode;
	int err;

	lockdep_assert_held(&mn->lock);

	if (b->role != MHO_ROLE_NAR) {
		NL_SET_ERR_MSG_MOD(extack, "contexts are imported on an nAR binding");
		return -EINVAL;
	}
	if (b->ctx) {
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
	if (err)
		goto out;
	mode = tb[MHO_CTX_A_MODE] ? nla_get_u8(tb[MHO_CTX_A_MODE]) :
				    MHO_CTX_REACTIVE;

	c = mho_ctx_build(mn->net, ctx, rw, true, extack);
	if (IS_ERR(c)) {
		err = PTR_ERR(c);
		goto out;
	}
	n_sa = c->n_sa;
	n_pol = c->n_pol;
	if (mode == MHO_CTX_PREDICTIVE) {
		b->ctx = c;
		err = mho_ctx_reply(info, c, n_sa, n_pol);
		goto out;
	}
	err = mho_ctx_install(c, true, extack);
	if (!err) {
		mho_ctx_installed(mn, b, n_sa);
		err = mho_ctx_reply(info, c, n_sa, n_pol);
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
	struct mho_ctx *c = b->ctx;
	u32 n_sa;
	int err;

	lockdep_assert_held(&mn->lock);

	if (!c) {
		NL_SET_ERR_MSG_MOD(extack, "the binding has no pending context");
		return -ENOENT;
	}
	n_sa = c->n_sa;
	/*
	 * A failure here comes from a change made behind mho's back since
	 * the import (an SA or policy added by someone else): the context
	 * cannot be installed as it is, and is dropped.
	 */
	b->ctx = NULL;
	err = mho_ctx_install(c, true, extack);
	if (!err)
		mho_ctx_installed(mn, b, n_sa);
	mho_ctx_free(c);
	return err;
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
	struct nlattr *tb[MHO_CTX_A_MAX + 1];
	struct mho_ctx_rewrite *rw, *back_rw = NULL;
	struct mho_ctx *c = NULL, *back = NULL;
	struct sk_buff *tmp = NULL;
	struct mho_ctx_snap *s;
	struct nlattr *nest;
	u32 i, n_sa, n_pol;
	int err;

	err = nla_parse_nested(tb, MHO_CTX_A_MAX, ctx, mho_ctx_move_policy,
			       extack);
	if (err)
		return err;
	if (!tb[MHO_CTX_A_COA] || !tb[MHO_CTX_A_NEW_COA] ||
	    !tb[MHO_CTX_A_AR] || !tb[MHO_CTX_A_NEW_AR]) {
		NL_SET_ERR_MSG_MOD(extack,
				   "move needs the old and new care-of and AR addresses");
		return -EINVAL;
	}
	rw = kzalloc(sizeof(*rw), GFP_KERNEL);
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!rw || !s) {
		kfree(rw);
		kfree(s);
		return -ENOMEM;
	}
	rw->coa = nla_get_in6_addr(tb[MHO_CTX_A_COA]);
	rw->new_coa = nla_get_in6_addr(tb[MHO_CTX_A_NEW_COA]);
	rw->ar = nla_get_in6_addr(tb[MHO_CTX_A_AR]);
	rw->new_ar = nla_get_in6_addr(tb[MHO_CTX_A_NEW_AR]);
	rw->seq_margin = tb[MHO_CTX_A_SEQ_MARGIN] ?
			 nla_get_u32(tb[MHO_CTX_A_SEQ_MARGIN]) :
			 MHO_CTX_SEQ_MARGIN;
	err = mho_ctx_parse_spi_map(ctx, rw, extack);
	if (err)
		goto out;
	if (ipv6_addr_equal(&rw->coa, &rw->new_coa) &&
	    ipv6_addr_equal(&rw->ar, &rw->new_ar)) {
		NL_SET_ERR_MSG_MOD(extack, "nothing to move: the addresses are the same");
		err = -EINVAL;
		goto out;
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
	n_pol = c->n_pol;
	err = mho_ctx_move_check(net, s, c, extack);
	if (err)
		goto out;

	/*
	 * What puts the MN's SAs and policies back where they were if the
	 * install fails half-way: the same context, not rewritten, with the
	 * margin (the old SAs may send until they are deleted).
	 */
	back_rw = kzalloc(sizeof(*back_rw), GFP_KERNEL);
	err = -ENOMEM;
	if (!back_rw)
		goto out;
	back_rw->coa = rw->coa;
	back_rw->new_coa = rw->coa;
	back_rw->ar = rw->ar;
	back_rw->new_ar = rw->ar;
	back_rw->seq_margin = rw->seq_margin;
	back = mho_ctx_build(net, nest, back_rw, false, extack);
	if (IS_ERR(back)) {
		err = PTR_ERR(back);
		back = NULL;
		goto out;
	}

	/*
	 * The old SAs go first: a new SA may have the same key (destination
	 * and SPI) as an old one. The policies are replaced in place (same
	 * selector), or the old ones deleted after.
	 */
	for (i = 0; i < s->n_sa; i++)
		xfrm_state_delete(s->sa[i]);
	err = mho_ctx_install(c, false, extack);
	if (err) {
		/* The install removed what it inserted; restore the rest. */
		if (mho_ctx_install(back, false, NULL))
			net_warn_ratelimited("mho: a failed move could not restore the SAs it removed\n");
		goto out;
	}
	/* Those replaced by a new one are gone already (-ENOENT). */
	for (i = 0; i < s->n_pol; i++)
		xfrm_policy_delete(s->pol[i], s->dir[i]);
	err = mho_ctx_reply(info, NULL, n_sa, n_pol);
out:
	if (tmp) {
		memzero_explicit(tmp->data, tmp->len);
		nlmsg_free(tmp);
	}
	mho_ctx_free(back);
	mho_ctx_free(c);
	mho_ctx_snap_release(s);
	kfree(back_rw);
	kfree(rw);
	return err;
}
