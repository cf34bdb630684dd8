// SPDX-License-Identifier: GPL-2.0
/*
 * mho - the netfilter hook: every IPv6 packet that enters the namespace is
 * matched, by destination address, against the bindings.
 *
 * A packet that matches no binding costs one RCU hash lookup and nothing
 * else. netfilter calls the hook under rcu_read_lock().
 */

#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv6.h>
#include <linux/skbuff.h>

#include "mho.h"
#include "binding.h"
#include "hook.h"

static unsigned int mho_hook_in(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	struct mho_net *mn = mho_net(state->net);
	struct mho_pcpu_stats *stats;
	struct mho_binding *b;

	/* ip6_rcv_core() has already pulled and checked the IPv6 header. */
	b = mho_binding_lookup(mn, &ipv6_hdr(skb)->daddr);
	if (likely(!b))
		return NF_ACCEPT;

	atomic64_inc(&b->rx_pkts);
	atomic64_add(skb->len, &b->rx_bytes);

	stats = this_cpu_ptr(mn->stats);
	u64_stats_update_begin(&stats->syncp);
	u64_stats_inc(&stats->rx_pkts);
	u64_stats_add(&stats->rx_bytes, skb->len);
	u64_stats_update_end(&stats->syncp);

	return NF_ACCEPT;
}

/*
 * After conntrack and mangle, before destination NAT: mho sees the address
 * the packet was really sent to.
 */
static const struct nf_hook_ops mho_hook_ops[] = {
	{
		.hook		= mho_hook_in,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_PRE_ROUTING,
		.priority	= NF_IP6_PRI_MANGLE + 1,
	},
};

int mho_hook_net_init(struct net *net)
{
	return nf_register_net_hooks(net, mho_hook_ops,
				     ARRAY_SIZE(mho_hook_ops));
}

void mho_hook_net_exit(struct net *net)
{
	nf_unregister_net_hooks(net, mho_hook_ops, ARRAY_SIZE(mho_hook_ops));
}
