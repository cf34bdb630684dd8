// SPDX-License-Identifier: GPL-2.0
/*
 * mho - duplicate suppression at the nAR: a set-associative table of 64-bit
 * fingerprints of the packets delivered since the hold began. A fingerprint
 * covers the inner IPv6 addresses, next header and payload length, and the
 * first MHO_DEDUP_BYTES of payload; not the hop limit, traffic class or
 * flow label, which the two paths may have changed.
 *
 * The table starts small and grows with what is recorded, not with what
 * the binding may hold: a hold sized for a whole stream (max-pkts 65536)
 * would otherwise zero megabytes at once for a handoff that may deliver a
 * few hundred packets. When an eighth of its entries are in use (two to a
 * set of sixteen, on average), the hook asks for a table four times
 * larger (mho_dedup_due()); the work item that answers allocates it in
 * process context and moves the entries over under the user's lock
 * (mho_dedup_grow()). Growth stops at eight entries per packet the
 * binding may hold. A release (the tx timer, a burst) waits for it: it
 * stops when the table is due and the work item starts it again, or it
 * could fill the table faster than the work item grows it (72-bicast on
 * 6.12: 43 duplicates in 2000 packets without the wait). A live packet
 * does not wait: it comes at the rate of the link.
 *
 * A set overflows when more than sixteen fingerprints fall in it: about
 * once in 2 * 10^10 sets at two to a set, where the table grows, and in
 * 5 * 10^7 at three; a table that cannot grow (its limit, or no memory)
 * goes on filling.
 * Bit 0 of an entry says it has been matched: a packet is duplicated
 * once in the usual case (two paths), so a matched entry makes room
 * first. If none has, the new fingerprint is not recorded: its twin, if
 * one comes, is delivered, one duplicate. Evicting an unmatched entry
 * instead would make its twin miss, and the twin, recorded in turn, evict
 * the next: one overflow would cascade through the set. (An eight-way
 * version that evicted the oldest did: one overflow in 72-bicast, at a
 * quarter full, delivered nine duplicates.)
 *
 * The table has no lock of its own: its user (struct mho_handoff.dedup)
 * holds mho_handoff.lock around every mho_dedup_seen() and
 * mho_dedup_due(), and mho_dedup_grow() takes it to swap tables.
 */

#include <linux/ipv6.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/siphash.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/ipv6.h>

#include "dedup.h"

#define MHO_DEDUP_WAYS		16
#define MHO_DEDUP_PER_PKT	8	/* entries per packet, at most */
#define MHO_DEDUP_LOAD		8	/* grow when 1/8 of entries are used */
#define MHO_DEDUP_MIN_SETS	64	/* 8 KB */
#define MHO_DEDUP_BYTES		64
#define MHO_DEDUP_HIT		1ULL
#define MHO_DEDUP_GROWTH	4

/* Two cache lines. */
struct mho_dedup_set {
	u64 fp[MHO_DEDUP_WAYS];
};

/**
 * struct mho_dedup - the fingerprint table
 * @key: SipHash key, random per hold and kept when the table grows
 * @mask: sets - 1
 * @max_mask: the largest @mask the binding's limit allows
 * @used: entries that were empty when recorded into: the table's load
 * @set: the sets, an allocation of their own so that it is a whole
 *	number of pages
 */
struct mho_dedup {
	siphash_key_t key;
	u32 mask;
	u32 max_mask;
	u32 used;
	struct mho_dedup_set *set;
};

static struct mho_dedup *mho_dedup_new(unsigned long sets)
{
	struct mho_dedup *dd;

	dd = kzalloc(sizeof(*dd), GFP_KERNEL);
	if (!dd)
		return NULL;
	dd->set = kvcalloc(sets, sizeof(*dd->set), GFP_KERNEL);
	if (!dd->set) {
		kfree(dd);
		return NULL;
	}
	dd->mask = sets - 1;
	return dd;
}

/*
 * A table for up to @max_pkts held packets: the smallest, which grows
 * towards that. Process context.
 */
struct mho_dedup *mho_dedup_alloc(u32 max_pkts)
{
	unsigned long max;
	struct mho_dedup *dd;

	max = max_t(unsigned long, MHO_DEDUP_MIN_SETS,
		    roundup_pow_of_two(DIV_ROUND_UP((unsigned long)max_pkts *
						    MHO_DEDUP_PER_PKT,
						    MHO_DEDUP_WAYS)));
	dd = mho_dedup_new(MHO_DEDUP_MIN_SETS);
	if (dd) {
		get_random_bytes(&dd->key, sizeof(dd->key));
		dd->max_mask = max - 1;
	}
	return dd;
}

void mho_dedup_free(struct mho_dedup *dd)
{
	if (dd) {
		kvfree(dd->set);
		kfree(dd);
	}
}

/* How many sets @dd should grow to now; 0 if it should not. */
static unsigned long mho_dedup_want(const struct mho_dedup *dd)
{
	unsigned long sets = (unsigned long)dd->mask + 1;

	if (dd->mask >= dd->max_mask ||
	    dd->used < sets * MHO_DEDUP_WAYS / MHO_DEDUP_LOAD)
		return 0;
	return min_t(unsigned long, sets * MHO_DEDUP_GROWTH,
		     (unsigned long)dd->max_mask + 1);
}

/* Should the user schedule mho_dedup_grow()? Under the user's lock. */
bool mho_dedup_due(const struct mho_dedup *dd)
{
	return mho_dedup_want(dd);
}

/*
 * Copy @src's entries into the larger, empty @dst. A set of @src spreads
 * over the sets of @dst whose index has the same low bits, never more than
 * its sixteen entries, so nothing is lost.
 */
static void mho_dedup_move(struct mho_dedup *dst, const struct mho_dedup *src)
{
	unsigned int i, way;

	dst->key = src->key;
	dst->max_mask = src->max_mask;
	for (i = 0; i <= src->mask; i++) {
		for (way = 0; way < MHO_DEDUP_WAYS; way++) {
			u64 fp = src->set[i].fp[way];
			struct mho_dedup_set *set;
			unsigned int free;

			if (!fp)
				continue;
			set = &dst->set[(fp >> 32) & dst->mask];
			for (free = 0; free < MHO_DEDUP_WAYS; free++)
				if (!set->fp[free])
					break;
			if (WARN_ON_ONCE(free == MHO_DEDUP_WAYS))
				continue;
			set->fp[free] = fp;
			dst->used++;
		}
	}
}

/*
 * The work item's half: replace the table in *@slot, if it is due, by
 * one MHO_DEDUP_GROWTH times larger. @lock protects *@slot, and @dead
 * (read under it) says its user is going away. Process context; sleeps.
 *
 * The table in *@slot may change while the new one is allocated (a new
 * hold, the end of the window); the entries moved are whatever table is
 * there once @lock is taken again, if it still wants that size. If there
 * is no memory, the table stops growing (and is never due again): it
 * makes room as it did before it could grow.
 */
void mho_dedup_grow(struct mho_dedup **slot, spinlock_t *lock,
		    const bool *dead)
{
	struct mho_dedup *dd;
	unsigned long sets;

	spin_lock_bh(lock);
	sets = *dead || !*slot ? 0 : mho_dedup_want(*slot);
	spin_unlock_bh(lock);
	if (!sets)
		return;
	dd = mho_dedup_new(sets);

	spin_lock_bh(lock);
	if (!dd) {
		if (*slot)
			(*slot)->max_mask = (*slot)->mask;
	} else if (!*dead && *slot && mho_dedup_want(*slot) == sets) {
		mho_dedup_move(dd, *slot);
		swap(dd, *slot);
	}
	spin_unlock_bh(lock);
	mho_dedup_free(dd);
}

/* Has this packet been delivered already? Records it if not. */
bool mho_dedup_seen(struct mho_dedup *dd, const struct sk_buff *skb)
{
	struct {
		struct in6_addr saddr;
		struct in6_addr daddr;
		__be16 plen;
		u8 nexthdr;
		u8 pad;
		u8 data[MHO_DEDUP_BYTES];
	} key = {};
	const struct ipv6hdr *ip6 = ipv6_hdr(skb);
	struct mho_dedup_set *set;
	unsigned int n, way, victim;
	u64 fp;

	key.saddr = ip6->saddr;
	key.daddr = ip6->daddr;
	key.plen = ip6->payload_len;
	key.nexthdr = ip6->nexthdr;
	n = min_t(unsigned int, MHO_DEDUP_BYTES,
		  skb->len - skb_network_offset(skb) - sizeof(*ip6));
	if (skb_copy_bits(skb, skb_network_offset(skb) + sizeof(*ip6),
			  key.data, n))
		return false;
	fp = siphash(&key, offsetof(typeof(key), data) + n, &dd->key);
	fp &= ~MHO_DEDUP_HIT;
	if (!fp)
		fp = 2;

	/* Entries fill a set from its start: the first empty one ends it. */
	set = &dd->set[(fp >> 32) & dd->mask];
	victim = MHO_DEDUP_WAYS;
	for (way = 0; way < MHO_DEDUP_WAYS; way++) {
		u64 v = set->fp[way];

		if (!v) {
			set->fp[way] = fp;
			dd->used++;
			return false;
		}
		if ((v & ~MHO_DEDUP_HIT) == fp) {
			set->fp[way] = v | MHO_DEDUP_HIT;
			return true;
		}
		if (victim == MHO_DEDUP_WAYS && (v & MHO_DEDUP_HIT))
			victim = way;
	}
	/* Full: a matched entry makes room, else see the top of the file. */
	if (victim < MHO_DEDUP_WAYS)
		set->fp[victim] = fp;
	return false;
}

#include "selftest/dedup.c"
