/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MHO_NETLINK_H
#define _MHO_NETLINK_H

#include <linux/build_bug.h>
#include <linux/limits.h>
#include <linux/types.h>
#include <net/netlink.h>

/*
 * A netlink policy keeps a range's bounds as s16 (struct nla_policy's min
 * and max): a larger bound wraps, and nla_get_range_unsigned() WARNs when
 * it meets one, on the first attribute it checks (a panic with
 * panic_on_warn). mho's policies use these instead of the kernel's
 * NLA_POLICY_MAX/MIN/RANGE, and a bound that does not fit fails the build;
 * make lint refuses the kernel's macros in kernel/. A larger range takes
 * NLA_POLICY_FULL_RANGE() and a struct netlink_range_validation. (The
 * bound is read a second time through __builtin_expect(), a mere hint,
 * for checkpatch's sake: bounds are constants, reading them twice is
 * harmless.)
 */
#define MHO_S16_BOUND(x)						\
	((x) + BUILD_BUG_ON_ZERO((unsigned long long)			\
				 __builtin_expect((x) - S16_MIN, 0) >	\
				 (unsigned long long)(S16_MAX - S16_MIN)))
#define MHO_POLICY_MAX(tp, max)	NLA_POLICY_MAX(tp, MHO_S16_BOUND(max))
#define MHO_POLICY_MIN(tp, min)	NLA_POLICY_MIN(tp, MHO_S16_BOUND(min))
#define MHO_POLICY_RANGE(tp, min, max)					\
	NLA_POLICY_RANGE(tp, MHO_S16_BOUND(min), MHO_S16_BOUND(max))

/* Policy entries every part of the family uses. */
#define MHO_POLICY_IN6		NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr))
#define MHO_POLICY_REJECT(msg)	{ .type = NLA_REJECT, .reject_message = (msg) }

int mho_genl_init(void);
void mho_genl_exit(void);

struct genl_info;
struct mho_binding;
struct mho_net;
struct sk_buff;

void mho_nl_binding_deleted(struct mho_net *mn, struct mho_binding *b);
void mho_nl_dp_event(struct mho_net *mn, u32 id, u8 type, u8 state,
		     u32 dropped);

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
