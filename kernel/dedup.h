/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mho - duplicate suppression at the nAR: fingerprints of the packets
 * delivered during a handoff. See dedup.c.
 */
#ifndef _MHO_DEDUP_H
#define _MHO_DEDUP_H

#include <linux/spinlock.h>
#include <linux/types.h>

struct mho_dedup;
struct sk_buff;

struct mho_dedup *mho_dedup_alloc(u32 max_pkts);
void mho_dedup_free(struct mho_dedup *dd);
bool mho_dedup_seen(struct mho_dedup *dd, const struct sk_buff *skb);
bool mho_dedup_due(const struct mho_dedup *dd);
void mho_dedup_grow(struct mho_dedup **slot, spinlock_t *lock,
		    const bool *dead);

#ifdef DEBUG
bool mho_dedup_selftest(void);
#endif

#endif /* _MHO_DEDUP_H */
