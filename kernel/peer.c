// SPDX-License-Identifier: GPL-2.0
/*
 * mho - peers: the access routers and home agents mho exchanges packets
 * with. A peer is created and removed only through netlink, under
 * mho_net.lock; the packet path finds it by address under RCU.
 */

#include <linux/netlink.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "mho.h"
#include "peer.h"

static const struct rhashtable_params mho_peer_params = {
	.head_offset		= offsetof(struct mho_peer, node),
	.key_offset		= offsetof(struct mho_peer, addr),
	.key_len		= sizeof(struct in6_addr),
	.automatic_shrinking	= true,
};

int mho_peers_init(struct mho_net *mn)
{
	xa_init_flags(&mn->peers, XA_FLAGS_ALLOC);
	return rhashtable_init(&mn->peer_addrs, &mho_peer_params);
}

/* Called when the namespace goes away; no binding refers to a peer any more. */
void mho_peers_destroy(struct mho_net *mn)
{
	struct mho_peer *peer;
	unsigned long idx;

	mutex_lock(&mn->lock);
	xa_for_each(&mn->peers, idx, peer) {
		WARN_ON_ONCE(peer->n_bindings);
		rhashtable_remove_fast(&mn->peer_addrs, &peer->node,
				       mho_peer_params);
		xa_erase(&mn->peers, idx);
		kfree_rcu(peer, rcu);
	}
	mn->n_peers = 0;
	mutex_unlock(&mn->lock);

	xa_destroy(&mn->peers);
	rhashtable_destroy(&mn->peer_addrs);
}

/* Look a peer up by address; callers hold mho_net.lock or rcu_read_lock(). */
struct mho_peer *mho_peer_find(struct mho_net *mn, const struct in6_addr *addr)
{
	return rhashtable_lookup_fast(&mn->peer_addrs, addr, mho_peer_params);
}

static void mho_peer_apply(struct mho_peer *peer,
			   const struct mho_peer_cfg *cfg)
{
	if (cfg->name)
		strscpy(peer->name, cfg->name, sizeof(peer->name));
	if (cfg->local)
		peer->local = *cfg->local;
}

int mho_peer_new(struct mho_net *mn, const struct mho_peer_cfg *cfg,
		 struct mho_peer **out, struct netlink_ext_ack *extack)
{
	struct mho_peer *peer;
	int err;

	lockdep_assert_held(&mn->lock);

	if (mho_peer_find(mn, &cfg->addr)) {
		NL_SET_ERR_MSG_MOD(extack, "peer already exists");
		return -EEXIST;
	}
	if (mn->n_peers >= READ_ONCE(mn->limits.max_peers)) {
		NL_SET_ERR_MSG_MOD(extack, "too many peers (see max-peers)");
		return -ENOSPC;
	}

	peer = kzalloc(sizeof(*peer), GFP_KERNEL);
	if (!peer) {
		NL_SET_ERR_MSG_MOD(extack, "out of memory");
		return -ENOMEM;
	}
	peer->addr = cfg->addr;
	mho_peer_apply(peer, cfg);

	err = xa_alloc_cyclic(&mn->peers, &peer->idx, peer, xa_limit_32b,
			      &mn->next_peer_idx, GFP_KERNEL);
	if (err < 0) {
		NL_SET_ERR_MSG_MOD(extack, "cannot allocate a peer index");
		goto err_free;
	}
	err = rhashtable_insert_fast(&mn->peer_addrs, &peer->node,
				     mho_peer_params);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "cannot insert the peer");
		goto err_erase;
	}

	mn->n_peers++;
	mho_net_changed(mn);
	*out = peer;
	return 0;

err_erase:
	xa_erase(&mn->peers, peer->idx);
err_free:
	kfree(peer);
	return err;
}

void mho_peer_set(struct mho_net *mn, struct mho_peer *peer,
		  const struct mho_peer_cfg *cfg)
{
	lockdep_assert_held(&mn->lock);
	mho_peer_apply(peer, cfg);
	mho_net_changed(mn);
}

int mho_peer_del(struct mho_net *mn, struct mho_peer *peer,
		 struct netlink_ext_ack *extack)
{
	lockdep_assert_held(&mn->lock);

	if (peer->n_bindings) {
		NL_SET_ERR_MSG_MOD(extack,
				   "peer is used by bindings; change or delete them first");
		return -EBUSY;
	}
	rhashtable_remove_fast(&mn->peer_addrs, &peer->node, mho_peer_params);
	xa_erase(&mn->peers, peer->idx);
	mn->n_peers--;
	mho_net_changed(mn);
	/* RCU readers in the packet path may still hold it. */
	kfree_rcu(peer, rcu);
	return 0;
}
