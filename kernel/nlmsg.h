/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mho - what every request handler shares: replies, notifications and
 * dumps of one object, built by the put function the caller passes. See
 * nlmsg.c.
 */
#ifndef _MHO_NLMSG_H
#define _MHO_NLMSG_H

#include <linux/types.h>

struct genl_family;
struct genl_info;
struct mho_net;
struct netlink_callback;
struct sk_buff;
struct xarray;

/*
 * Put one object (a peer, a binding, the limits, the stats) of @mn into
 * @skb.
 */
typedef int (*mho_nl_put_t)(struct sk_buff *skb, struct mho_net *mn,
			    const void *obj);

void mho_nlmsg_init(const struct genl_family *family);

void mho_nl_notify(struct mho_net *mn, mho_nl_put_t put, const void *obj,
		   u8 cmd);
struct sk_buff *mho_nl_event(struct mho_net *mn, mho_nl_put_t put,
			     const void *obj, u8 cmd);
void mho_nl_send_event(struct mho_net *mn, struct sk_buff *msg);
int mho_nl_reply(struct genl_info *info, mho_nl_put_t put, const void *obj);
struct sk_buff *mho_nl_reply_new(struct genl_info *info, size_t size,
				 void **hdr);
int mho_nl_dump(struct sk_buff *skb, struct netlink_callback *cb,
		struct xarray *xa, mho_nl_put_t put, u8 cmd);

#endif /* _MHO_NLMSG_H */
