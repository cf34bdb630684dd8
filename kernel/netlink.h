/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MHO_NETLINK_H
#define _MHO_NETLINK_H

#include <linux/types.h>
#include <net/netlink.h>

#include "event.h"
#include "policy.h"

int mho_genl_init(void);
void mho_genl_exit(void);

struct genl_info;
struct mho_binding;
struct mho_net;
struct sk_buff;

struct work_struct;

void mho_nl_bindings_reap(struct work_struct *work);

struct sk_buff *mho_nl_reply_new(struct genl_info *info, size_t size,
				 void **hdr);

/*
 * Between the files that handle the family's requests: netlink.c (the
 * family, what every request shares, peers, limits and stats) and
 * binding_nl.c (bindings).
 */
struct netlink_callback;
struct nlattr;

/* What a reply, a notification or a dump carries. */
enum mho_obj {
	MHO_OBJ_PEER,
	MHO_OBJ_BINDING,
	MHO_OBJ_LIMITS,
};

void mho_nl_notify(struct mho_net *mn, enum mho_obj kind, const void *obj,
		   u8 cmd);
int mho_nl_reply(struct genl_info *info, enum mho_obj kind, const void *obj);
int mho_nl_dump(struct sk_buff *skb, struct netlink_callback *cb,
		enum mho_obj kind, u8 cmd);

/* binding_nl.c */
extern const struct nla_policy mho_binding_key_policy[MHO_BINDING_A_MAX + 1];
extern const struct nla_policy mho_binding_new_nl_policy[MHO_A_MAX + 1];
extern const struct nla_policy mho_binding_set_nl_policy[MHO_A_MAX + 1];
extern const struct nla_policy mho_binding_key_nl_policy[MHO_A_MAX + 1];

int mho_nl_put_binding(struct sk_buff *skb, const struct mho_binding *b);
struct mho_binding *mho_nl_binding_key(struct mho_net *mn,
				       struct genl_info *info);
int mho_nl_binding_new_doit(struct sk_buff *skb, struct genl_info *info);
int mho_nl_binding_set_doit(struct sk_buff *skb, struct genl_info *info);
int mho_nl_binding_del_doit(struct sk_buff *skb, struct genl_info *info);
int mho_nl_binding_get_doit(struct sk_buff *skb, struct genl_info *info);
int mho_nl_binding_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

#endif /* _MHO_NETLINK_H */
