// SPDX-License-Identifier: GPL-2.0
/*
 * mho - replies, notifications and dumps, for every file that handles the
 * family's requests (netlink.c, binding_nl.c, context.c).
 *
 * Each takes the put function of the object it carries, so that this file
 * knows no object; and it knows the family only through the pointer
 * netlink.c gives it at module init, as event.c does, so that the request
 * handlers depend on it and not on the file that registers them.
 */

#include <linux/cache.h>
#include <linux/xarray.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <linux/mho.h>

#include "mho.h"
#include "event.h"
#include "nlmsg.h"

/* Set once, before the family is registered; read-only after init. */
static const struct genl_family *mho_nl_family __ro_after_init;

void __init mho_nlmsg_init(const struct genl_family *family)
{
	mho_nl_family = family;
}

/* Build a message for @obj. */
static struct sk_buff *mho_nl_msg(struct mho_net *mn, mho_nl_put_t put,
				  const void *obj, u32 portid, u32 seq, u8 cmd)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return ERR_PTR(-ENOMEM);
	hdr = genlmsg_put(msg, portid, seq, mho_nl_family, 0, cmd);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free;
	}
	err = put(msg, mn, obj);
	if (err)
		goto err_free;
	genlmsg_end(msg, hdr);
	return msg;

err_free:
	nlmsg_free(msg);
	return ERR_PTR(err);
}

/*
 * Tell the events group about a change. Called under mho_net.lock so that
 * listeners see changes in the order they were made. A failure to build
 * the message is not the requester's problem: the change stands, and the
 * listeners get ENOBUFS, as when their socket overruns, so that they know
 * to resynchronise with a dump.
 */
void mho_nl_send_event(struct mho_net *mn, struct sk_buff *msg)
{
	lockdep_assert_held(&mn->lock);

	if (IS_ERR(msg)) {
		genl_set_err(mho_nl_family, mn->net, 0, MHO_MCGRP_EVENTS_IDX,
			     -ENOBUFS);
		return;
	}
	genlmsg_multicast_netns(mho_nl_family, mn->net, msg, 0,
				MHO_MCGRP_EVENTS_IDX, GFP_KERNEL);
}

/*
 * The event for a change, or NULL when nobody listens: built before a
 * deletion, so that it describes the object as it was.
 */
struct sk_buff *mho_nl_event(struct mho_net *mn, mho_nl_put_t put,
			     const void *obj, u8 cmd)
{
	if (!genl_has_listeners(mho_nl_family, mn->net, MHO_MCGRP_EVENTS_IDX))
		return NULL;
	return mho_nl_msg(mn, put, obj, 0, 0, cmd);
}

void mho_nl_notify(struct mho_net *mn, mho_nl_put_t put, const void *obj,
		   u8 cmd)
{
	struct sk_buff *msg = mho_nl_event(mn, put, obj, cmd);

	if (msg)
		mho_nl_send_event(mn, msg);
}

int mho_nl_reply(struct genl_info *info, mho_nl_put_t put, const void *obj)
{
	struct sk_buff *msg;

	msg = mho_nl_msg(mho_net(genl_info_net(info)), put, obj,
			 info->snd_portid, info->snd_seq, info->genlhdr->cmd);
	if (IS_ERR(msg)) {
		NL_SET_ERR_MSG_MOD(info->extack, "cannot build the reply");
		return PTR_ERR(msg);
	}
	return genlmsg_reply(msg, info);
}

/*
 * A reply of @size for @info, for a caller that fills it itself (a
 * context); *@hdr is its genl header.
 */
struct sk_buff *mho_nl_reply_new(struct genl_info *info, size_t size,
				 void **hdr)
{
	struct sk_buff *msg;

	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg)
		return ERR_PTR(-ENOMEM);
	*hdr = genlmsg_put_reply(msg, info, mho_nl_family, 0,
				 info->genlhdr->cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return ERR_PTR(-EMSGSIZE);
	}
	return msg;
}

/*
 * Dump the objects of @xa (the peers in creation order, the bindings in id
 * order) with @cmd. A dump resumes from the index kept in cb->args[0];
 * cb->seq carries the generation, so a dump that spans a change is
 * flagged NLM_F_DUMP_INTR.
 */
int mho_nl_dump(struct sk_buff *skb, struct netlink_callback *cb,
		struct xarray *xa, mho_nl_put_t put, u8 cmd)
{
	struct mho_net *mn = mho_net(sock_net(skb->sk));
	unsigned long idx = cb->args[0];
	void *obj, *hdr;

	mutex_lock(&mn->lock);
	cb->seq = mn->generation;
	xa_for_each_start(xa, idx, obj, cb->args[0]) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, mho_nl_family,
				  NLM_F_MULTI, cmd);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (put(skb, mn, obj)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = idx + 1;
	}
	mutex_unlock(&mn->lock);
	return skb->len;
}
