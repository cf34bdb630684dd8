/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MHO_CONTEXT_H
#define _MHO_CONTEXT_H

#include <linux/in6.h>
#include <linux/types.h>
#include <net/genetlink.h>
#include <linux/mho.h>

#include "context_build.h"

struct mho_binding;
struct mho_net;

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
void mho_ctx_wipe_keys(const struct nlattr *ctx);

#endif /* _MHO_CONTEXT_H */
