/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MHO_PEER_H
#define _MHO_PEER_H

#include <linux/in6.h>
#include <linux/rhashtable-types.h>
#include <linux/mho.h>

struct mho_net;
struct netlink_ext_ack;

/**
 * struct mho_peer - another access router or home agent that mho trusts
 * @node: in mho_net.peer_addrs, keyed by @addr
 * @addr: the peer's address; never changes
 * @idx: key in mho_net.peers
 * @local: our tunnel endpoint towards the peer, :: for "by routing"
 * @name: operator's label, may be empty
 * @n_bindings: bindings that point at this peer; the peer cannot be deleted
 *	while it is not zero
 * @rcu: the peer is freed after a grace period
 *
 * Every field but @addr and @idx is written under mho_net.lock.
 */
struct mho_peer {
	struct rhash_head node;
	struct in6_addr addr;
	u32 idx;
	struct in6_addr local;
	char name[MHO_NAME_LEN];
	u32 n_bindings;
	struct rcu_head rcu;
};

/* A request to create or change a peer, parsed from netlink. */
struct mho_peer_cfg {
	struct in6_addr addr;
	const char *name;		/* NULL: unchanged */
	const struct in6_addr *local;	/* NULL: unchanged */
};

int mho_peers_init(struct mho_net *mn);
void mho_peers_destroy(struct mho_net *mn);

struct mho_peer *mho_peer_find(struct mho_net *mn, const struct in6_addr *addr);
int mho_peer_new(struct mho_net *mn, const struct mho_peer_cfg *cfg,
		 struct mho_peer **out, struct netlink_ext_ack *extack);
void mho_peer_set(struct mho_net *mn, struct mho_peer *peer,
		  const struct mho_peer_cfg *cfg);
int mho_peer_del(struct mho_net *mn, struct mho_peer *peer,
		 struct netlink_ext_ack *extack);

#endif /* _MHO_PEER_H */
