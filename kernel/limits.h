/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mho - the netns-wide limits: their defaults, bounds and attributes are
 * in one table, in limits.c.
 */
#ifndef _MHO_LIMITS_H
#define _MHO_LIMITS_H

#include <linux/types.h>
#include <net/netlink.h>
#include <linux/mho.h>

/*
 * Netns-wide limits; see enum mho_limits_a for their meaning. Written
 * under mho_net.lock with WRITE_ONCE(), read anywhere with READ_ONCE().
 */
struct mho_limits {
	u32 max_pkts;
	u32 max_bytes;
	u32 max_hold_ms;
	u32 max_bindings;
	u32 max_peers;
	u32 total_pkts;
	u32 total_bytes;
	u32 cache_ms;
	u32 cache_pkts;
	u32 cache_total;
};

/* The longest time anything is held or waited for, in milliseconds. */
#define MHO_LIMIT_MS_MAX	600000

/* MHO_A_LIMITS in MHO_CMD_LIMITS_SET: every limit, within its bounds. */
extern const struct nla_policy mho_limits_policy[MHO_LIMITS_A_MAX + 1];
/* MHO_BINDING_A_LIMITS: the per-binding ones, 0 ("inherit") included. */
extern const struct nla_policy mho_binding_limits_policy[MHO_LIMITS_A_MAX + 1];

/*
 * A binding's limit in force: its own when set (not 0) and below the
 * netns-wide one, which is the default and the ceiling.
 */
static inline u32 mho_limit_eff(u32 own, u32 netns)
{
	return own && own < netns ? own : netns;
}

int mho_limits_setup(void);
void mho_limits_init(struct mho_limits *l);
u32 mho_limit_get(const struct mho_limits *l, int attr);
void mho_limit_set(struct mho_limits *l, int attr, u32 value);

#endif /* _MHO_LIMITS_H */
