/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mho - events from the data plane (the packet path and the timers) to the
 * family's events group. See event.c.
 */
#ifndef _MHO_EVENT_H
#define _MHO_EVENT_H

#include <linux/types.h>

struct genl_family;
struct mho_net;

/* The family's multicast groups, by index; netlink.c registers them. */
enum {
	MHO_MCGRP_EVENTS_IDX,
};

void mho_event_init(const struct genl_family *family);
void mho_nl_dp_event(struct mho_net *mn, u32 id, u8 type, u8 state,
		     u32 dropped);

#endif /* _MHO_EVENT_H */
