// SPDX-License-Identifier: GPL-2.0
/*
 * mho - IPsec context transfer, the exporting side: the snapshot of an
 * MN's SAs and policies (the XFRM walks, and what a context cannot carry)
 * and their encoding as an MHO_A_CTX nest (see Documentation/context.rst).
 * context.c runs export and move with these; context_build.c rebuilds
 * what they encode.
 *
 * The MN's SAs and policies are found through mho's index of them
 * (xfrm_index.c), or, when it cannot serve, by walking XFRM.
 *
 * Locking: the XFRM walks call back under XFRM's spinlocks, so the
 * callbacks only take references; everything that can sleep happens after
 * the walk. The callers hold mho_net.lock (export) or none of mho's locks
 * (move).
 */

#include <linux/in6.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include <net/xfrm.h>
#include <linux/mho.h>
#include "context_priv.h"
#include "xfrm_index.h"

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

/*
 * xfrm_state_walk() callback, under xfrm_state_lock, or mho_xi_states()'s,
 * with a reference held: take a reference.
 */
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

/* xfrm_policy_walk() callback, under xfrm_policy_lock, or mho_xi's. */
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
		if (t->mode != XFRM_MODE_TUNNEL ?
		    mho_ctx_sel_is_mn(s, &xp->selector) :
		    mho_ctx_ends(s, &t->id.daddr, &t->saddr) ||
		    /* An inbound template a move left without its AR. */
		    (ipv6_addr_any(&t->saddr.in6) &&
		     mho_ctx_is_mn(s, &t->id.daddr)))
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

void mho_ctx_snap_release(struct mho_ctx_snap *s)
{
	u32 i;

	/* (A "leaving" export took some: NULL.) */
	for (i = 0; i < s->n_sa; i++)
		if (s->sa[i])
			xfrm_state_put(s->sa[i]);
	for (i = 0; i < s->n_pol; i++)
		if (s->pol[i])
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
int mho_ctx_snapshot(struct net *net, struct mho_ctx_snap *s,
		     struct netlink_ext_ack *extack)
{
	struct xfrm_policy_walk pw;
	struct xfrm_state_walk sw;
	const xfrm_address_t *other;
	struct xfrm_state *x;
	u32 i;

	if (mho_xi_states(net, s->mn, s->n_mn, mho_ctx_snap_sa, s) ==
	    -EAGAIN) {
		xfrm_state_walk_init(&sw, IPSEC_PROTO_ANY, NULL);
		xfrm_state_walk(net, &sw, mho_ctx_snap_sa, s);
		xfrm_state_walk_done(&sw, net);
	}
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

	if (mho_xi_policies(net, s->mn, s->n_mn, mho_ctx_snap_pol, s) ==
	    -EAGAIN) {
		xfrm_policy_walk_init(&pw, XFRM_POLICY_TYPE_MAIN);
		xfrm_policy_walk(net, &pw, mho_ctx_snap_pol, s);
		xfrm_policy_walk_done(&pw, net);
	}
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

size_t mho_ctx_snap_size(const struct mho_ctx_snap *s)
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
struct nlattr *mho_ctx_put(struct sk_buff *skb, const struct mho_ctx_snap *s,
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
	    (hoa && nla_put_in6_addr(skb, MHO_CTX_A_HOA, hoa)) ||
	    nla_put_u64_64bit(skb, MHO_CTX_A_GENERATION, s->gen,
			      MHO_CTX_A_PAD))
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
