// SPDX-License-Identifier: GPL-2.0
/*
 * mho - IPsec context transfer, the importing side: parse a context nest,
 * check each SA and policy as xfrm_user would, build new xfrm_state and
 * xfrm_policy objects with the addresses rewritten and the sequence
 * numbers carried on, change the SPIs that are taken here (or that the
 * MN was told to change), and install them all or nothing with
 * xfrm_state_add() and xfrm_policy_insert(). context.c runs import,
 * activate, export (the copy kept for switch-back) and move with these.
 *
 * Locking: called in process context under mho_net.lock (import, export,
 * activate) or under none of mho's locks (move); everything here may
 * sleep. A built context holds the allocation references of objects that
 * were never inserted, until mho_ctx_install() hands them to XFRM or
 * mho_ctx_free() drops them.
 */

#include <linux/in6.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include <net/xfrm.h>
#include <linux/mho.h>
#include "compat.h"
#include "context_build.h"
#include "context_priv.h"
#include "xfrm_index.h"

/* Reject with @msg, a literal: extack keeps a pointer to static storage. */
#define MHO_CTX_REJECT(extack, msg) ({ NL_SET_ERR_MSG_MOD(extack, msg); -EINVAL; })

/* ---- building ----------------------------------------------------------- */

static void mho_ctx_rewrite_addr(xfrm_address_t *a,
				 const struct mho_ctx_rewrite *rw)
{
	if (ipv6_addr_equal(&a->in6, &rw->ar))
		a->in6 = rw->new_ar;
	else if (ipv6_addr_equal(&a->in6, &rw->coa))
		a->in6 = rw->new_coa;
}

/* A selector side that is the old care-of address, as a /128. */
static bool mho_ctx_sel_is_coa(const xfrm_address_t *a, u8 prefixlen,
			       const struct mho_ctx_rewrite *rw)
{
	return prefixlen == 128 && ipv6_addr_equal(&a->in6, &rw->coa);
}

/*
 * A selector's /128 sides are addresses, rewritten; with @keep_coa (a
 * bridging copy), the old care-of address stays.
 */
static void mho_ctx_rewrite_sel(struct xfrm_selector *sel,
				const struct mho_ctx_rewrite *rw, bool keep_coa)
{
	if (sel->prefixlen_d == 128 &&
	    !(keep_coa && mho_ctx_sel_is_coa(&sel->daddr, 128, rw)))
		mho_ctx_rewrite_addr(&sel->daddr, rw);
	if (sel->prefixlen_s == 128 &&
	    !(keep_coa && mho_ctx_sel_is_coa(&sel->saddr, 128, rw)))
		mho_ctx_rewrite_addr(&sel->saddr, rw);
}

/*
 * Does a policy with selector @sel need a bridging copy? Only when asked
 * for, the care-of address changes, and the selector names the old one:
 * the packets the pAR forwards are still addressed to it, and the moved
 * policy, which names the new one, would not take them (at the nAR they
 * would leave unprotected; at the MN a tunnel's would be dropped,
 * XfrmInNoPols).
 */
static bool mho_ctx_needs_bridge(const struct xfrm_selector *sel,
				 const struct mho_ctx_rewrite *rw)
{
	return rw->bridge && !ipv6_addr_equal(&rw->coa, &rw->new_coa) &&
	       (mho_ctx_sel_is_coa(&sel->daddr, sel->prefixlen_d, rw) ||
		mho_ctx_sel_is_coa(&sel->saddr, sel->prefixlen_s, rw));
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
	mho_ctx_rewrite_sel(&x->sel, rw, false);

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

/*
 * Build the policy in @nest, rewritten; or, with @bridge, its bridging
 * copy (the old care-of address kept in the selector, the templates
 * rewritten, a hard lifetime of rw->bridge seconds at most), or NULL if
 * it needs none. *@named: its selector names the old care-of address.
 */
static struct xfrm_policy *mho_ctx_build_pol(struct net *net,
					     const struct nlattr *nest,
					     const struct mho_ctx *c,
					     const struct mho_ctx_rewrite *rw,
					     bool bridge, u8 *dir, bool *named,
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
	if (bridge && !mho_ctx_needs_bridge(&p->sel, rw))
		return NULL;
	*named = mho_ctx_sel_is_coa(&p->sel.daddr, p->sel.prefixlen_d, rw) ||
		 mho_ctx_sel_is_coa(&p->sel.saddr, p->sel.prefixlen_s, rw);

	xp = xfrm_policy_alloc(net, GFP_KERNEL);
	if (!xp)
		return ERR_PTR(-ENOMEM);
	xp->selector = p->sel;
	mho_ctx_rewrite_sel(&xp->selector, rw, bridge);
	xp->lft = p->lft;
	/*
	 * XFRM's policy timer deletes it then, as any expired policy
	 * (announced as XFRM_MSG_POLEXPIRE, hard): an add time of its own
	 * is the insert's.
	 */
	if (bridge && (!xp->lft.hard_add_expires_seconds ||
		       xp->lft.hard_add_expires_seconds > rw->bridge))
		xp->lft.hard_add_expires_seconds = rw->bridge;
	if (bridge && xp->lft.soft_add_expires_seconds >=
		      xp->lft.hard_add_expires_seconds)
		xp->lft.soft_add_expires_seconds = 0;
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
			if (rw->any_ar_in && p->dir != XFRM_POLICY_OUT &&
			    ut->mode == XFRM_MODE_TUNNEL &&
			    ipv6_addr_equal(&ut->saddr.in6, &rw->ar))
				t->saddr = (xfrm_address_t){};
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

static bool mho_ctx_pol_same(const struct xfrm_policy *a,
			     const struct xfrm_policy *b);

/*
 * The rewrite can give two policies of a context the same selector: a
 * bridging copy made when the MN came from an address (it names that
 * address) and the policy that names the care-of address, when the MN
 * goes back to that address before the copy expired. The policy that
 * named the care-of address is the MN's own; the stale copy goes (at the
 * install it would replace that policy, and then expire with it, or be
 * refused as a duplicate).
 */
static void mho_ctx_drop_stale(struct mho_ctx *c, const bool *named)
{
	bool drop[MHO_CTX_POL_SLOTS] = {};
	u32 i, j, n;

	for (i = 0; i < c->n_pol; i++)
		for (j = i + 1; j < c->n_pol; j++)
			if (c->dir[i] == c->dir[j] && named[i] != named[j] &&
			    mho_ctx_pol_same(c->pol[i], c->pol[j]))
				drop[named[i] ? j : i] = true;
	for (i = 0, n = 0; i < c->n_pol; i++) {
		if (drop[i]) {
			mho_ctx_put_policy(c->pol[i]);
			continue;
		}
		c->dir[n] = c->dir[i];
		c->pol[n++] = c->pol[i];
	}
	c->n_pol = n;
}

/*
 * Build every SA and policy of the context nest @ctx for this router.
 * @fresh_spi: an SPI already taken here gets a new one (import); otherwise
 * @rw's map applies to the SAs towards the AR (move).
 */
struct mho_ctx *mho_ctx_build(struct net *net, const struct nlattr *ctx,
			      const struct mho_ctx_rewrite *rw, bool fresh_spi,
			      struct netlink_ext_ack *extack)
{
	bool named[MHO_CTX_POL_SLOTS] = {};
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
		if (c->n_pol - c->n_bridge == MHO_CTX_MAX_POLICY) {
			NL_SET_ERR_MSG_ATTR(extack, a, "too many policies");
			err = -E2BIG;
			goto err;
		}
		xp = mho_ctx_build_pol(net, a, c, rw, false, &c->dir[c->n_pol],
				       &named[c->n_pol], extack);
		if (IS_ERR(xp)) {
			err = PTR_ERR(xp);
			goto err;
		}
		c->pol[c->n_pol++] = xp;
		/* Its bridging copy, if it needs one: a slot of its own. */
		xp = mho_ctx_build_pol(net, a, c, rw, true, &c->dir[c->n_pol],
				       &named[c->n_pol], extack);
		if (IS_ERR(xp)) {
			err = PTR_ERR(xp);
			goto err;
		}
		if (xp) {
			c->pol[c->n_pol++] = xp;
			c->n_bridge++;
		}
	}
	mho_ctx_drop_stale(c, named);
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

/*
 * Delete an installed SA or policy (the caller holds a reference), and
 * announce it as netlink's deletion would be.
 */
void mho_ctx_del_sa(struct xfrm_state *x)
{
	if (!xfrm_state_delete(x))
		mho_xi_notify_sa(x, XFRM_MSG_DELSA);
}

void mho_ctx_del_pol(struct xfrm_policy *xp, int dir)
{
	if (!xfrm_policy_delete(xp, dir))
		mho_xi_notify_policy(xp, dir, XFRM_MSG_DELPOLICY);
}

/*
 * What a "leaving" export left, taken off its binding (*@livep): deleted
 * (@del) or left installed as any other SA and policy; either way the
 * references go.
 */
void mho_ctx_live_end(struct mho_ctx_live **livep, bool del)
{
	struct mho_ctx_live *live = *livep;
	u32 i;

	if (!live)
		return;
	*livep = NULL;
	for (i = 0; del && i < live->n_pol; i++)
		mho_ctx_del_pol(live->pol[i], live->dir[i]);
	for (i = 0; del && i < live->n_sa; i++)
		mho_ctx_del_sa(live->sa[i]);
	for (i = 0; i < live->n_sa; i++)
		xfrm_state_put(live->sa[i]);
	for (i = 0; i < live->n_pol; i++)
		xfrm_pol_put(live->pol[i]);
	kfree(live);
}

u32 mho_ctx_n_sa(const struct mho_ctx *c)
{
	return c ? c->n_sa : 0;
}

u32 mho_ctx_n_policy(const struct mho_ctx *c)
{
	return c ? c->n_pol : 0;
}

/* Do two policies have the same selector, as XFRM's insert compares them? */
static bool mho_ctx_pol_same(const struct xfrm_policy *a,
			     const struct xfrm_policy *b)
{
	const struct xfrm_selector *x = &a->selector, *y = &b->selector;

	return a->type == b->type && a->if_id == b->if_id &&
	       a->mark.v == b->mark.v && a->mark.m == b->mark.m &&
	       x->family == y->family &&
	       xfrm_addr_equal(&x->daddr, &y->daddr, x->family) &&
	       xfrm_addr_equal(&x->saddr, &y->saddr, x->family) &&
	       x->prefixlen_d == y->prefixlen_d &&
	       x->prefixlen_s == y->prefixlen_s && x->proto == y->proto &&
	       x->dport == y->dport && x->dport_mask == y->dport_mask &&
	       x->sport == y->sport && x->sport_mask == y->sport_mask &&
	       x->ifindex == y->ifindex && x->user == y->user;
}

/*
 * Take out of @c the SAs @live has installed still (the same destination,
 * SPI and protocol), so that installing @c keeps them as they are, with
 * their replay state; and let @c's policies replace @live's (the same
 * direction and selector), whose templates are optional.
 */
void mho_ctx_skip_live(struct mho_ctx *c, const struct mho_ctx_live *live)
{
	const struct xfrm_state *x, *y;
	bool same;
	u32 i, j, n;

	if (!live)
		return;
	for (i = 0, n = 0; i < c->n_sa; i++) {
		x = c->sa[i];
		for (same = false, j = 0; j < live->n_sa && !same; j++) {
			y = live->sa[j];
			same = x->id.spi == y->id.spi &&
			       x->id.proto == y->id.proto &&
			       xfrm_addr_equal(&x->id.daddr, &y->id.daddr,
					       AF_INET6);
		}
		if (same)
			mho_ctx_put_state(c->sa[i]);
		else
			c->sa[n++] = c->sa[i];
	}
	c->n_sa = n;
	for (i = 0; i < c->n_pol; i++)
		for (j = 0; j < live->n_pol && !c->replace[i]; j++)
			c->replace[i] = c->dir[i] == live->dir[j] &&
					mho_ctx_pol_same(c->pol[i],
							 live->pol[j]);
}

/*
 * Install @c: every SA, then every policy (@excl: a policy may not replace
 * one with the same selector, unless its @replace says so). All or
 * nothing: on failure what was inserted is removed again, and @c is spent
 * either way (the caller frees it).
 */
int mho_ctx_install(struct mho_ctx *c, bool excl,
		    struct netlink_ext_ack *extack)
{
	u32 i, j;
	int err;

	/*
	 * Each state gets a reference of ours for the announcement at the
	 * end: once inserted, its allocation reference is the SAD's, and
	 * anyone may delete it.
	 */
	for (i = 0; i < c->n_sa; i++) {
		c->sa[i]->km.state = XFRM_STATE_VALID;
		xfrm_state_hold(c->sa[i]);
		err = xfrm_state_add(c->sa[i]);
		if (err) {
			xfrm_state_put(c->sa[i]);
			c->sa[i]->km.state = XFRM_STATE_VOID;
			NL_SET_ERR_MSG_MOD(extack,
					   "an SA with the same SPI and destination exists here");
			goto undo_sa;
		}
	}
	for (j = 0; j < c->n_pol; j++) {
		err = xfrm_policy_insert(c->dir[j], c->pol[j],
					 excl && !c->replace[j]);
		if (err) {
			NL_SET_ERR_MSG_MOD(extack,
					   "a policy with the same selector exists here");
			goto undo_pol;
		}
	}
	/*
	 * Announced as netlink's would be: to its listeners, and to mho's
	 * index of SAs and policies. The SAD keeps the states' allocation
	 * references; the SPD took its own on the policies, so ours go.
	 */
	for (i = 0; i < c->n_sa; i++) {
		mho_xi_notify_sa(c->sa[i], XFRM_MSG_NEWSA);
		xfrm_state_put(c->sa[i]);
		c->sa[i] = NULL;
	}
	for (j = 0; j < c->n_pol; j++) {
		mho_xi_notify_policy(c->pol[j], c->dir[j], XFRM_MSG_NEWPOLICY);
		xfrm_pol_put(c->pol[j]);
		c->pol[j] = NULL;
	}
	return 0;

undo_pol:
	/*
	 * A policy that replaced one (@replace) goes too: the one it
	 * replaced, an optional copy that was only to end with the
	 * handoff, is not put back.
	 */
	while (j--) {
		xfrm_policy_delete(c->pol[j], c->dir[j]);
		xfrm_pol_put(c->pol[j]);
		c->pol[j] = NULL;
	}
undo_sa:
	/* xfrm_state_delete() drops the allocation reference itself. */
	while (i--) {
		xfrm_state_delete(c->sa[i]);
		xfrm_state_put(c->sa[i]);
		c->sa[i] = NULL;
	}
	return err;
}
