// SPDX-License-Identifier: GPL-2.0
/*
 * mho - the netns-wide limits (enum mho_limits_a, struct mho_limits): one
 * table holds, for each, its field, its default, the bounds
 * MHO_CMD_LIMITS_SET accepts and those a binding's own value accepts. The
 * netlink policies are made from it, and a namespace starts with its
 * defaults. Who enforces a limit reads its field with READ_ONCE().
 */

#include <linux/bits.h>
#include <linux/cache.h>
#include <linux/compiler.h>
#include <linux/init.h>
#include <linux/printk.h>
#include <linux/stddef.h>

#include "limits.h"
#include "policy.h"

/**
 * struct mho_limit - one netns-wide limit
 * @offset: its field in struct mho_limits
 * @def: the value a namespace starts with
 * @range: the values the namespace's limit accepts
 * @binding: the values a binding's own limit accepts: 0 ("the netns-wide
 *	value") to the same maximum; set by mho_limits_setup(), for the
 *	per-binding limits only
 */
struct mho_limit {
	size_t offset;
	u32 def;
	struct netlink_range_validation range;
	struct netlink_range_validation binding;
};

#define MHO_LIMIT(_field, _def, _min, _max) {				\
	.offset = offsetof(struct mho_limits, _field),			\
	.def = (_def),							\
	.range = { .min = (_min), .max = (_max) },			\
}

/*
 * Conservative defaults; an operator raises them with "mhoctl limits set".
 * Not const: 6.1's struct nla_policy points to non-const range tables.
 * Read-only once the module is loaded.
 */
static struct mho_limit mho_limit_table[MHO_LIMITS_A_MAX + 1] __ro_after_init = {
	/*				     field	   default    min      max */
	[MHO_LIMITS_A_MAX_PKTS]	    = MHO_LIMIT(max_pkts,     1024,      1,       BIT(16)),
	[MHO_LIMITS_A_MAX_BYTES]    = MHO_LIMIT(max_bytes,    BIT(20),   1280,    BIT(30)),
	[MHO_LIMITS_A_MAX_HOLD_MS]  = MHO_LIMIT(max_hold_ms,  2000,      1,       MHO_LIMIT_MS_MAX),
	[MHO_LIMITS_A_MAX_BINDINGS] = MHO_LIMIT(max_bindings, BIT(18),   1,       BIT(24)),
	[MHO_LIMITS_A_MAX_PEERS]    = MHO_LIMIT(max_peers,    256,       1,       4096),
	[MHO_LIMITS_A_TOTAL_PKTS]   = MHO_LIMIT(total_pkts,   BIT(16),   1,       BIT(22)),
	[MHO_LIMITS_A_TOTAL_BYTES]  = MHO_LIMIT(total_bytes,  64 << 20,  BIT(16), U32_MAX),
	[MHO_LIMITS_A_CACHE_MS]	    = MHO_LIMIT(cache_ms,     1000,      0,       MHO_LIMIT_MS_MAX),
	[MHO_LIMITS_A_CACHE_PKTS]   = MHO_LIMIT(cache_pkts,   16,        1,       1024),
	[MHO_LIMITS_A_CACHE_TOTAL]  = MHO_LIMIT(cache_total,  4096,      1,       BIT(16)),
};

/* Which limits a binding has of its own (enum mho_limits_a). */
#define MHO_LIMIT_PER_BINDING(attr)	((attr) <= MHO_LIMITS_A_MAX_HOLD_MS)

#define MHO_RANGE(attr)							\
	NLA_POLICY_FULL_RANGE(NLA_U32, &mho_limit_table[attr].range)
#define MHO_BINDING_RANGE(attr)						\
	NLA_POLICY_FULL_RANGE(NLA_U32, &mho_limit_table[attr].binding)

const struct nla_policy mho_limits_policy[MHO_LIMITS_A_MAX + 1] = {
	[MHO_LIMITS_A_MAX_PKTS]	    = MHO_RANGE(MHO_LIMITS_A_MAX_PKTS),
	[MHO_LIMITS_A_MAX_BYTES]    = MHO_RANGE(MHO_LIMITS_A_MAX_BYTES),
	[MHO_LIMITS_A_MAX_HOLD_MS]  = MHO_RANGE(MHO_LIMITS_A_MAX_HOLD_MS),
	[MHO_LIMITS_A_MAX_BINDINGS] = MHO_RANGE(MHO_LIMITS_A_MAX_BINDINGS),
	[MHO_LIMITS_A_MAX_PEERS]    = MHO_RANGE(MHO_LIMITS_A_MAX_PEERS),
	[MHO_LIMITS_A_TOTAL_PKTS]   = MHO_RANGE(MHO_LIMITS_A_TOTAL_PKTS),
	[MHO_LIMITS_A_TOTAL_BYTES]  = MHO_RANGE(MHO_LIMITS_A_TOTAL_BYTES),
	[MHO_LIMITS_A_CACHE_MS]	    = MHO_RANGE(MHO_LIMITS_A_CACHE_MS),
	[MHO_LIMITS_A_CACHE_PKTS]   = MHO_RANGE(MHO_LIMITS_A_CACHE_PKTS),
	[MHO_LIMITS_A_CACHE_TOTAL]  = MHO_RANGE(MHO_LIMITS_A_CACHE_TOTAL),
};

#define MHO_NOT_PER_BINDING	MHO_POLICY_REJECT("not a per-binding limit")

const struct nla_policy mho_binding_limits_policy[MHO_LIMITS_A_MAX + 1] = {
	[MHO_LIMITS_A_MAX_PKTS]	    = MHO_BINDING_RANGE(MHO_LIMITS_A_MAX_PKTS),
	[MHO_LIMITS_A_MAX_BYTES]    = MHO_BINDING_RANGE(MHO_LIMITS_A_MAX_BYTES),
	[MHO_LIMITS_A_MAX_HOLD_MS]  = MHO_BINDING_RANGE(MHO_LIMITS_A_MAX_HOLD_MS),
	[MHO_LIMITS_A_MAX_BINDINGS] = MHO_NOT_PER_BINDING,
	[MHO_LIMITS_A_MAX_PEERS]    = MHO_NOT_PER_BINDING,
	[MHO_LIMITS_A_TOTAL_PKTS]   = MHO_NOT_PER_BINDING,
	[MHO_LIMITS_A_TOTAL_BYTES]  = MHO_NOT_PER_BINDING,
	[MHO_LIMITS_A_CACHE_MS]	    =
		MHO_POLICY_REJECT("set the binding's cache-ms instead"),
	[MHO_LIMITS_A_CACHE_PKTS]   = MHO_NOT_PER_BINDING,
	[MHO_LIMITS_A_CACHE_TOTAL]  = MHO_NOT_PER_BINDING,
};

/*
 * At module load, before the family is registered: a binding's own limit
 * goes from 0 to the netns-wide maximum, and every default is within its
 * bounds.
 */
int __init mho_limits_setup(void)
{
	struct mho_limit *lim;
	int attr;

	for (attr = 1; attr <= MHO_LIMITS_A_MAX; attr++) {
		lim = &mho_limit_table[attr];
		if (lim->def < lim->range.min || lim->def > lim->range.max) {
			pr_err("mho: limit %d: default %u out of its bounds\n",
			       attr, lim->def);
			return -EINVAL;
		}
		if (MHO_LIMIT_PER_BINDING(attr))
			lim->binding.max = lim->range.max;
	}
	return 0;
}

/* A new namespace's limits: the defaults. */
void mho_limits_init(struct mho_limits *l)
{
	int attr;

	for (attr = 1; attr <= MHO_LIMITS_A_MAX; attr++)
		*(u32 *)((void *)l + mho_limit_table[attr].offset) =
			mho_limit_table[attr].def;
}

u32 mho_limit_get(const struct mho_limits *l, int attr)
{
	const u32 *v = (const void *)l + mho_limit_table[attr].offset;

	return READ_ONCE(*v);
}

/* Under mho_net.lock; the packet path reads the limits without it. */
void mho_limit_set(struct mho_limits *l, int attr, u32 value)
{
	u32 *v = (void *)l + mho_limit_table[attr].offset;

	WRITE_ONCE(*v, value);
}
