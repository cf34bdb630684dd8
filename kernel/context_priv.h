/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mho - what the three parts of IPsec context transfer share, and nothing
 * outside them: context.c (requests and replies), context_snap.c
 * (snapshot and encoding) and context_build.c (building and installing).
 */
#ifndef _MHO_CONTEXT_PRIV_H
#define _MHO_CONTEXT_PRIV_H

#include <linux/in6.h>
#include <linux/types.h>
#include <net/netlink.h>
#include <net/xfrm.h>
#include <linux/mho.h>
#include "bindtab.h"

/*
 * How a context's addresses change on its way to the new router (seed 003,
 * Tables I to IV): the old router's address becomes the new one's, and the
 * MN's old care-of address its new one. Either pair may be equal.
 */
struct mho_ctx_rewrite {
	struct in6_addr ar, new_ar;
	struct in6_addr coa, new_coa;
	u32 seq_margin;
	u32 bridge;			/* seconds, 0: no bridging policies */
	bool any_ar_in;			/* move: inbound templates, no AR */
	u32 n_spi;			/* move: SPIs the MN must change */
	u32 spi_old[MHO_CTX_MAX_SA];
	u32 spi_new[MHO_CTX_MAX_SA];
};

/*
 * A context's policies, and a bridging copy of each (MHO_CTX_A_BRIDGE):
 * what a built context holds at most.
 */
#define MHO_CTX_POL_SLOTS	(2 * MHO_CTX_MAX_POLICY)

/**
 * struct mho_ctx - a context built for this router, not (yet) installed
 * @n_sa: entries in @sa
 * @n_pol: entries in @pol and @dir
 * @n_bridge: of those, the bridging copies (each after its policy)
 * @sa: states with their allocation reference, never inserted; NULL once
 *	the SAD owns one
 * @pol: policies with their allocation reference, never inserted; NULL
 *	once the SPD has one
 * @dir: each policy's direction
 * @replace: each policy's insert may replace one with the same selector
 *	(an activation's, over what a "leaving" export left)
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
	u32 n_bridge;
	struct xfrm_state *sa[MHO_CTX_MAX_SA];
	struct xfrm_policy *pol[MHO_CTX_POL_SLOTS];
	u8 dir[MHO_CTX_POL_SLOTS];
	bool replace[MHO_CTX_POL_SLOTS];
	u32 n_spi;
	u32 spi_old[MHO_CTX_MAX_SA];
	u32 spi_new[MHO_CTX_MAX_SA];
};

/**
 * struct mho_ctx_live - what a "leaving" export left installed at the pAR
 * @n_sa: entries in @sa
 * @n_pol: entries in @pol and @dir
 * @sa: the SAs whose destination is not the MN's (its packets to this
 *	router), with the snapshot's references
 * @pol: the copies of the policies that are not outbound (in, fwd), every
 *	template optional, that replaced them; with their allocation
 *	references
 * @dir: each policy's direction
 *
 * The MN may still send under the SAs until it leaves. Their policies'
 * templates are optional because the MN's packets that the nAR decrypts
 * after the move may be routed through this router, in the clear and
 * with the same addresses; a required template would drop them, and no
 * policy at all (as "inactive" leaves) would drop what the SAs decrypt
 * (XfrmInNoPols). Optional, a packet decrypted by another SA is still
 * refused. mho_ctx_live_end() deletes it all when the handoff ends; an
 * activation that puts the context back keeps the SAs and replaces the
 * policies with the required ones (mho_ctx_skip_live()). Hangs off the
 * binding, under mho_net.lock.
 */
struct mho_ctx_live {
	u32 n_sa;
	u32 n_pol;
	struct xfrm_state *sa[MHO_CTX_MAX_SA];
	struct xfrm_policy *pol[MHO_CTX_POL_SLOTS];
	u8 dir[MHO_CTX_POL_SLOTS];
};

/* What a snapshot collects: references taken during the XFRM walks. */
struct mho_ctx_snap {
	u64 gen;
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

/* context.c: a context's SA and policy nests, which context_build.c parses */
extern const struct nla_policy mho_sa_policy[MHO_SA_A_MAX + 1];
extern const struct nla_policy mho_pol_policy[MHO_POL_A_MAX + 1];

/* context_snap.c */
int mho_ctx_snapshot(struct net *net, struct mho_ctx_snap *s,
		     struct netlink_ext_ack *extack);
void mho_ctx_snap_release(struct mho_ctx_snap *s);
size_t mho_ctx_snap_size(const struct mho_ctx_snap *s);
struct nlattr *mho_ctx_put(struct sk_buff *skb, const struct mho_ctx_snap *s,
			   const struct in6_addr *coa,
			   const struct in6_addr *hoa,
			   struct netlink_ext_ack *extack);

/* context_build.c */
struct mho_ctx *mho_ctx_build(struct net *net, const struct nlattr *ctx,
			      const struct mho_ctx_rewrite *rw, bool fresh_spi,
			      struct netlink_ext_ack *extack);
int mho_ctx_install(struct mho_ctx *c, bool excl,
		    struct netlink_ext_ack *extack);
void mho_ctx_skip_live(struct mho_ctx *c, const struct mho_ctx_live *live);
void mho_ctx_del_sa(struct xfrm_state *x);
void mho_ctx_del_pol(struct xfrm_policy *xp, int dir);

#endif /* _MHO_CONTEXT_PRIV_H */
