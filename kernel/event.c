// SPDX-License-Identifier: GPL-2.0
/*
 * mho - events from the data plane: a hold that overflowed or expired, a
 * marker that arrived or could not be sent, the MN's attachment, the home
 * agent's cache. The packet path, the timers and the home agent raise them
 * here; this file knows the family only through the pointer netlink.c
 * gives it at module init, so that nothing below netlink.c calls into it.
 */

#include <linux/cache.h>
#include <net/genetlink.h>
#include <linux/mho.h>

#include "mho.h"
#include "event.h"

/* Set once, before the family is registered; read-only after init. */
static const struct genl_family *mho_events_family __ro_after_init;

void __init mho_event_init(const struct genl_family *family)
{
	mho_events_family = family;
}

/*
 * An event from the data plane: the packet path or a timer, so any
 * context but hard IRQ, without mho_net.lock. An event that cannot be
 * built tells listeners ENOBUFS, as netlink.c does for the changes it notifies.
 */
void mho_nl_dp_event(struct mho_net *mn, u32 id, u8 type, u8 state,
		     u32 dropped)
{
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(mho_events_family, mn->net, MHO_MCGRP_EVENTS_IDX))
		return;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_ATOMIC);
	if (!msg)
		goto err;
	hdr = genlmsg_put(msg, 0, 0, mho_events_family, 0, MHO_CMD_EVENT);
	if (!hdr)
		goto err_free;
	nest = nla_nest_start(msg, MHO_A_EVENT);
	if (!nest ||
	    nla_put_u8(msg, MHO_EVENT_A_TYPE, type) ||
	    nla_put_u32(msg, MHO_EVENT_A_BINDING, id) ||
	    nla_put_u8(msg, MHO_EVENT_A_STATE, state) ||
	    ((type == MHO_EVENT_EXPIRED || type == MHO_EVENT_CUT) &&
	     nla_put_u32(msg, MHO_EVENT_A_DROPPED, dropped)) ||
	    ((type == MHO_EVENT_REFORWARD || type == MHO_EVENT_CONTEXT) &&
	     nla_put_u32(msg, MHO_EVENT_A_COUNT, dropped)))
		goto err_free;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(mho_events_family, mn->net, msg, 0,
				MHO_MCGRP_EVENTS_IDX, GFP_ATOMIC);
	return;

err_free:
	nlmsg_free(msg);
err:
	genl_set_err(mho_events_family, mn->net, 0, MHO_MCGRP_EVENTS_IDX, -ENOBUFS);
}
