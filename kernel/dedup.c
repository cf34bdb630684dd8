// SPDX-License-Identifier: GPL-2.0
/*
 * mho - duplicate suppression at the nAR: a set-associative table of 64-bit
 * fingerprints of the packets delivered since the hold began. A fingerprint
 * covers the inner IPv6 addresses, next header and payload length, and the
 * first MHO_DEDUP_BYTES of payload; not the hop limit, traffic class or
 * flow label, which the two paths may have changed.
 *
 * The table has four entries per packet the binding may hold, eight to a
 * set, so that a whole release fits. Bit 0 of an entry says it has been
 * matched: a packet is duplicated once in the usual case (two paths), so
 * a matched entry is the first to go when its set is full. Evicting an
 * unmatched one instead would make its twin miss, and the twin, recorded
 * in turn, evict the next: one overflow would cascade through the set.
 *
 * The table has no lock of its own: its user (struct mho_handoff.dedup)
 * holds mho_handoff.lock around every mho_dedup_seen().
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

#define MHO_DEDUP_WAYS		8
#define MHO_DEDUP_PER_PKT	4
#define MHO_DEDUP_MIN_SETS	64
#define MHO_DEDUP_BYTES		64
#define MHO_DEDUP_HIT		1ULL

struct mho_dedup_set {
	u64 fp[MHO_DEDUP_WAYS];
	u8 next;
};

struct mho_dedup {
	siphash_key_t key;
	u32 mask;
	struct mho_dedup_set set[];
};

/* A table for up to @max_pkts held packets. Process context. */
struct mho_dedup *mho_dedup_alloc(u32 max_pkts)
{
	unsigned long sets;
	struct mho_dedup *dd;

	sets = max_t(unsigned long, MHO_DEDUP_MIN_SETS,
		     roundup_pow_of_two(DIV_ROUND_UP(max_pkts * MHO_DEDUP_PER_PKT,
						     MHO_DEDUP_WAYS)));
	dd = kvzalloc(struct_size(dd, set, sets), GFP_KERNEL);
	if (dd) {
		get_random_bytes(&dd->key, sizeof(dd->key));
		dd->mask = sets - 1;
	}
	return dd;
}

void mho_dedup_free(struct mho_dedup *dd)
{
	kvfree(dd);
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

	set = &dd->set[(fp >> 32) & dd->mask];
	victim = MHO_DEDUP_WAYS;
	for (way = 0; way < MHO_DEDUP_WAYS; way++) {
		u64 v = set->fp[way];

		if ((v & ~MHO_DEDUP_HIT) == fp) {
			set->fp[way] = v | MHO_DEDUP_HIT;
			return true;
		}
		if (victim == MHO_DEDUP_WAYS && (!v || (v & MHO_DEDUP_HIT)))
			victim = way;
	}
	if (victim == MHO_DEDUP_WAYS) {
		victim = set->next;
		set->next = (set->next + 1) % MHO_DEDUP_WAYS;
	}
	set->fp[victim] = fp;
	return false;
}

#include "selftest/dedup.c"
