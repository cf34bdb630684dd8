/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MHO_CONTEXT_H
#define _MHO_CONTEXT_H

#include <linux/in6.h>
#include <linux/types.h>
#include <net/netlink.h>
#include <linux/mho.h>

struct genl_info;
struct mho_binding;
struct mho_ctx;
struct mho_net;
struct net;
struct netlink_ext_ack;
struct nlattr;
struct sk_buff;

/*
 * How a context's addresses change on its way to the new router (seed 003,
 * Tables I to IV): the old router's address becomes the new one's, and the
 * MN's old care-of address its new one. Either pair may be equal.
 */
struct mho_ctx_rewrite {
	struct in6_addr ar, new_ar;
	struct in6_addr coa, new_coa;
	u32 seq_margin;
	u32 n_spi;			/* move: SPIs the MN must change */
	u32 spi_old[MHO_CTX_MAX_SA];
	u32 spi_new[MHO_CTX_MAX_SA];
};

extern const struct nla_policy mho_ctx_export_policy[MHO_CTX_A_MAX + 1];
extern const struct nla_policy mho_ctx_import_policy[MHO_CTX_A_MAX + 1];
extern const struct nla_policy mho_ctx_move_policy[MHO_CTX_A_MAX + 1];

int mho_ctx_export(struct mho_net *mn, struct mho_binding *b,
		   struct nlattr **req, struct genl_info *info);
int mho_ctx_import(struct mho_net *mn, struct mho_binding *b,
		   struct nlattr *ctx, struct genl_info *info);
int mho_ctx_activate(struct mho_net *mn, struct mho_binding *b,
		     struct netlink_ext_ack *extack);
int mho_ctx_move(struct net *net, struct nlattr *ctx, struct genl_info *info);
void mho_ctx_free(struct mho_ctx *c);
void mho_ctx_wipe_keys(const struct nlattr *ctx);
u32 mho_ctx_n_sa(const struct mho_ctx *c);
u32 mho_ctx_n_policy(const struct mho_ctx *c);

#endif /* _MHO_CONTEXT_H */
