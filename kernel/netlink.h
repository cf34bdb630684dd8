/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MHO_NETLINK_H
#define _MHO_NETLINK_H

#include <linux/types.h>

int mho_genl_init(void);
void mho_genl_exit(void);

struct mho_binding;
struct mho_net;

void mho_nl_binding_deleted(struct mho_net *mn, struct mho_binding *b);
void mho_nl_dp_event(struct mho_net *mn, u32 id, u8 type, u8 state,
		     u32 dropped);

#endif /* _MHO_NETLINK_H */
