/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mho - duplicate suppression at the nAR: fingerprints of the packets
 * delivered during a handoff. See dedup.c.
 */
#ifndef _MHO_DEDUP_H
#define _MHO_DEDUP_H

#include <linux/types.h>

struct mho_dedup;
struct sk_buff;

struct mho_dedup *mho_dedup_alloc(u32 max_pkts);
void mho_dedup_free(struct mho_dedup *dd);
bool mho_dedup_seen(struct mho_dedup *dd, const struct sk_buff *skb);

#ifdef DEBUG
bool mho_dedup_selftest(void);
#endif

#endif /* _MHO_DEDUP_H */
