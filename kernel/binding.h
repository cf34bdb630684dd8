/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mho - creating, changing and deleting bindings (binding.c); the binding
 * itself and the address table are in bindtab.h.
 */
#ifndef _MHO_BINDING_H
#define _MHO_BINDING_H

#include <linux/in6.h>

#include "mho.h"
#include "bindtab.h"

struct mho_net;
struct mho_peer;
struct net_device;
struct netlink_ext_ack;

/* Which fields of a struct mho_binding_cfg are set. */
enum {
	MHO_BCFG_ID		= BIT(0),
	MHO_BCFG_ROLE		= BIT(1),
	MHO_BCFG_HOA		= BIT(2),	/* BIT(MHO_BCFG_HOA + slot) */
	MHO_BCFG_COA		= BIT(3),
	MHO_BCFG_NCOA		= BIT(4),
	MHO_BCFG_PEER		= BIT(5),
	MHO_BCFG_MAX_PKTS	= BIT(6),
	MHO_BCFG_MAX_BYTES	= BIT(7),
	MHO_BCFG_MAX_HOLD	= BIT(8),
	MHO_BCFG_STATE		= BIT(9),
	MHO_BCFG_BICAST		= BIT(10),
	MHO_BCFG_RATE		= BIT(11),
	MHO_BCFG_LINGER		= BIT(12),
	MHO_BCFG_MARKER_WAIT	= BIT(13),
	MHO_BCFG_CACHE_MS	= BIT(14),
};

#define MHO_BCFG_SLOT(slot)	(MHO_BCFG_HOA << (slot))

/* A request to create or change a binding, parsed from netlink. */
struct mho_binding_cfg {
	u32 set;
	u32 id;
	u8 role;
	struct in6_addr addr[MHO_NSLOTS];	/* :: removes the address */
	struct in6_addr peer;			/* :: removes the peer */
	u32 max_pkts;
	u32 max_bytes;
	u32 max_hold_ms;
	u8 state;
	u8 n_bicast;
	struct in6_addr bicast[MHO_BICAST_MAX];
	u32 rate;
	u32 linger_ms;
	u32 marker_wait_ms;
	u32 cache_ms;
};

int mho_bindings_init(void);
void mho_bindings_exit(void);
int mho_bindings_net_init(struct mho_net *mn);
void mho_bindings_net_exit(struct mho_net *mn);

struct mho_binding *mho_binding_lookup(struct mho_net *mn,
				       const struct in6_addr *addr);

struct mho_binding *mho_binding_find(struct mho_net *mn, u32 id);
int mho_binding_new(struct mho_net *mn, const struct mho_binding_cfg *cfg,
		    struct mho_binding **out, struct netlink_ext_ack *extack);
int mho_binding_set(struct mho_net *mn, struct mho_binding *b,
		    const struct mho_binding_cfg *cfg,
		    struct netlink_ext_ack *extack);
void mho_binding_del(struct mho_net *mn, struct mho_binding *b);
int mho_binding_need_handoff(struct mho_net *mn, struct mho_binding *b);
struct mho_binding *mho_binding_next_reaped(struct mho_net *mn,
					    unsigned long *id);
void mho_bindings_dev_gone(struct mho_net *mn, struct net_device *dev);

#ifdef DEBUG
bool mho_binding_selftest(void);
#endif

#endif /* _MHO_BINDING_H */
