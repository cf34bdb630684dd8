// SPDX-License-Identifier: GPL-2.0
/*
 * mho - what the files of the packet path share: a packet mho took at
 * PRE_ROUTING goes on its way (held packets when they are released,
 * decapsulated ones when they are delivered).
 */

#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/percpu.h>
#include <linux/skbuff.h>

#include "datapath.h"

/* The packet mho_reinject() is running the hooks for, on this CPU. */
static DEFINE_PER_CPU(const struct sk_buff *, mho_reinject_skb);

/*
 * Let a packet mho took at PRE_ROUTING continue its way, as if the hook
 * had accepted it: the PRE_ROUTING chain runs again (mho's own hook lets
 * this very packet through), then routing. BH must be disabled.
 */
void mho_reinject(struct sk_buff *skb)
{
	int (*okfn)(struct net *net, struct sock *sk, struct sk_buff *skb);
	struct net *net = dev_net(skb->dev);
	int ret;

	okfn = MHO_SKB_CB(skb)->okfn;
	rcu_read_lock();
	__this_cpu_write(mho_reinject_skb, skb);
	ret = nf_hook(NFPROTO_IPV6, NF_INET_PRE_ROUTING, net, NULL, skb,
		      skb->dev, NULL, okfn);
	__this_cpu_write(mho_reinject_skb, NULL);
	if (ret == 1)
		okfn(net, NULL, skb);
	rcu_read_unlock();
}

bool mho_reinjecting(const struct sk_buff *skb)
{
	return __this_cpu_read(mho_reinject_skb) == skb;
}
