// SPDX-License-Identifier: GPL-2.0
/*
 * mho - lossless, in-order and secure IPv6 handoff.
 *
 * Module entry points and the per network namespace lifecycle.
 */

#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <linux/mho.h>

#include "mho.h"
#include "binding.h"
#include "binding_nl.h"
#include "dedup.h"
#include "home.h"
#include "hook.h"
#include "limits.h"
#include "netlink.h"
#include "peer.h"
#include "xfrm_index.h"

unsigned int mho_net_id __read_mostly;

static int __net_init mho_net_init(struct net *net)
{
	struct mho_net *mn = mho_net(net);
	int err;

	mn->net = net;
	mutex_init(&mn->lock);
	mho_limits_init(&mn->limits);
	mn->generation = 1;
	atomic_long_set(&mn->held_pkts, 0);
	atomic_long_set(&mn->held_bytes, 0);
	atomic64_set(&mn->untrusted, 0);
	atomic_long_set(&mn->cached_pkts, 0);
	/* Bindings whose linger time is over go, with a notification. */
	INIT_WORK(&mn->reap_work, mho_nl_bindings_reap);

	mn->stats = netdev_alloc_pcpu_stats(struct mho_pcpu_stats);
	if (!mn->stats)
		return -ENOMEM;
	err = mho_peers_init(mn);
	if (err)
		goto err_stats;
	err = mho_bindings_net_init(mn);
	if (err)
		goto err_peers;
	err = mho_hook_net_init(mn);
	if (err)
		goto err_bindings;
	return 0;

err_bindings:
	mho_bindings_net_exit(mn);
err_peers:
	mho_peers_destroy(mn);
err_stats:
	free_percpu(mn->stats);
	return err;
}

/*
 * The first step of dismantling the namespace or unloading the module:
 * no new packet reaches mho's hook after this. Unregistering a netfilter
 * hook does not wait for the packets already in it; the netns core runs a
 * synchronize_rcu() between every pre_exit and the exits that follow, so
 * by the time mho_net_exit() frees the tables no packet is using them.
 */
static void __net_exit mho_net_pre_exit(struct net *net)
{
	mho_hook_net_exit(mho_net(net));
}

/*
 * Runs after mho_net_pre_exit() and a grace period. The generic netlink
 * family cannot reach this namespace any more (the netns is dead, or the
 * family was unregistered first), and the hook is gone, so nothing else
 * touches @mn.
 */
static void __net_exit mho_net_exit(struct net *net)
{
	struct mho_net *mn = mho_net(net);

	mho_bindings_net_exit(mn);
	mho_peers_destroy(mn);
	free_percpu(mn->stats);
	mutex_destroy(&mn->lock);
}

/*
 * Held packets point at the device they arrived on (skb->dev) without a
 * reference, as packets in the receive path do; they must be gone before
 * the device is. Devices are unregistered, under RTNL, before mho's pernet
 * exit runs, so the bindings are all still there.
 */
static int mho_netdev_event(struct notifier_block *nb, unsigned long event,
			    void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	if (event == NETDEV_UNREGISTER)
		mho_bindings_dev_gone(mho_net(dev_net(dev)), dev);
	return NOTIFY_DONE;
}

static struct notifier_block mho_netdev_nb = {
	.notifier_call = mho_netdev_event,
};

static struct pernet_operations mho_net_ops = {
	.init		= mho_net_init,
	.pre_exit	= mho_net_pre_exit,
	.exit		= mho_net_exit,
	.id		= &mho_net_id,
	.size		= sizeof(struct mho_net),
};

static int __init mho_init(void)
{
	int err;

	err = mho_limits_setup();
	if (err)
		return err;
	err = mho_bindings_init();
	if (err)
		return err;
#ifdef DEBUG
	if (!mho_binding_selftest() || !mho_home_selftest() ||
	    !mho_dedup_selftest()) {
		err = -ENOTRECOVERABLE;
		goto err_bindings;
	}
#endif
	err = register_pernet_subsys(&mho_net_ops);
	if (err)
		goto err_bindings;
	err = register_netdevice_notifier(&mho_netdev_nb);
	if (err)
		goto err_pernet;
	err = mho_xi_init();
	if (err)
		goto err_notifier;
	err = mho_genl_init();
	if (err)
		goto err_xi;
	return 0;

err_xi:
	mho_xi_exit();
err_notifier:
	unregister_netdevice_notifier(&mho_netdev_nb);
err_pernet:
	unregister_pernet_subsys(&mho_net_ops);
err_bindings:
	mho_bindings_exit();
	return err;
}

static void __exit mho_exit(void)
{
	mho_genl_exit();
	/* Before the per-netns state it reads goes away. */
	unregister_netdevice_notifier(&mho_netdev_nb);
	mho_xi_exit();
	unregister_pernet_subsys(&mho_net_ops);
	mho_bindings_exit();
}

module_init(mho_init);
module_exit(mho_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Lossless, in-order and secure IPv6 handoff");
MODULE_AUTHOR("The mho developers");
MODULE_ALIAS_GENL_FAMILY(MHO_GENL_NAME);
MODULE_VERSION(MHO_VERSION);
