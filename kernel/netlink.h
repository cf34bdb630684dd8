/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MHO_NETLINK_H
#define _MHO_NETLINK_H

#include <linux/types.h>

int mho_genl_init(void);
void mho_genl_exit(void);

struct genl_info;
struct mho_binding;
struct mho_net;
struct sk_buff;

void mho_nl_binding_deleted(struct mho_net *mn, struct mho_binding *b);
void mho_nl_dp_event(struct mho_net *mn, u32 id, u8 type, u8 state,
		     u32 dropped);

struct sk_buff *mho_nl_reply_new(struct genl_info *info, size_t size,
				 void **hdr);

#endif /* _MHO_NETLINK_H */
