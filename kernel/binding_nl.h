/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mho - the binding requests (binding_nl.c), for the file that registers
 * them (netlink.c) and the ones that key a request by binding (context
 * requests).
 */
#ifndef _MHO_BINDING_NL_H
#define _MHO_BINDING_NL_H

#include <net/genetlink.h>
#include <linux/mho.h>

struct mho_binding;
struct mho_net;
struct work_struct;

extern const struct nla_policy mho_binding_key_policy[MHO_BINDING_A_MAX + 1];
extern const struct nla_policy mho_binding_new_nl_policy[MHO_A_MAX + 1];
extern const struct nla_policy mho_binding_set_nl_policy[MHO_A_MAX + 1];
extern const struct nla_policy mho_binding_key_nl_policy[MHO_A_MAX + 1];

int mho_nl_put_binding(struct sk_buff *skb, struct mho_net *mn,
		       const void *obj);
struct mho_binding *mho_nl_binding_key(struct mho_net *mn,
				       struct genl_info *info);
/* What a request does to the binding it names, under mho_net.lock. */
typedef int (*mho_nl_binding_fn)(struct mho_net *mn, struct mho_binding *b,
				 struct genl_info *info);
int mho_nl_binding_do(struct genl_info *info, mho_nl_binding_fn fn);

int mho_nl_binding_new_doit(struct sk_buff *skb, struct genl_info *info);
int mho_nl_binding_set_doit(struct sk_buff *skb, struct genl_info *info);
int mho_nl_binding_del_doit(struct sk_buff *skb, struct genl_info *info);
int mho_nl_binding_get_doit(struct sk_buff *skb, struct genl_info *info);
int mho_nl_binding_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
void mho_nl_bindings_reap(struct work_struct *work);

#endif /* _MHO_BINDING_NL_H */
