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

#endif /* _MHO_NETLINK_H */
