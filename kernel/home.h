/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mho - the home agent role: tunnelling to the care-of address, and the
 * cache of Mobility Header signalling for the home address (seed 002,
 * IV.C). See home.c.
 */
#ifndef _MHO_HOME_H
#define _MHO_HOME_H

#include <linux/skbuff.h>
#include <linux/types.h>

struct mho_binding;
struct mho_handoff;
struct mho_peer;

/* Largest control message the cache keeps a copy of. */
#define MHO_CACHE_MAX_LEN	1280

/* What mho_home_parse() found in a packet for the home address. */
enum mho_mh {
	MHO_MH_OTHER,		/* not a control message mho keeps */
	MHO_MH_CONTROL,		/* a whole HoTI, CoTI or Binding Update */
	MHO_MH_MALFORMED,	/* a Mobility Header mho cannot parse */
};

void mho_home_init(struct mho_handoff *h);
void mho_home_destroy(struct mho_handoff *h);
enum mho_mh mho_home_parse(const struct sk_buff *skb);
unsigned int mho_home_rx(struct mho_binding *b, struct sk_buff *skb);
void mho_home_moved(struct mho_binding *b, const struct in6_addr *old_coa,
		    const struct mho_peer *old_peer,
		    const struct in6_addr *new_coa);
void mho_home_rearm(struct mho_binding *b);

#ifdef DEBUG
bool mho_home_selftest(void);
#endif

#endif /* _MHO_HOME_H */
