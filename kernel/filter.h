/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mho - the address filter: a bitmap in front of the address table that
 * tells the packet path, in a few instructions, that a destination is not
 * a binding's, which is the answer for nearly every packet a router
 * forwards (Documentation/performance.rst, benchmark 1).
 *
 * Each address sets two bits, picked from a hash of the address folded to
 * 64 bits plus a random seed. A clear bit means no binding has the
 * address; two set bits mean perhaps, and the packet path then looks the
 * address up in mho_net.addrs as it would without the filter. The filter
 * never answers no for an address in the table, so a packet never misses
 * its binding; a wrong "perhaps" (an address that shares its bits with
 * others, chosen or not) costs the lookup the packet would have paid
 * anyway, nothing more.
 *
 * Writers hold the table's mutex (mho_net.lock). A bit is set before the
 * address enters the table (whose insertion publishes with a release),
 * and is never cleared: removing an address leaves its bits, counted as
 * stale, until the filter is rebuilt from the table. Rebuilding (to grow,
 * to shrink, or to drop stale bits) builds a new filter and publishes it
 * with rcu_assign_pointer(); readers see the old one, a superset, or the
 * new one, and the old one is freed after a grace period.
 */
#ifndef _MHO_FILTER_H
#define _MHO_FILTER_H

#include <linux/bitops.h>
#include <linux/in6.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

struct mutex;
struct rhashtable;

/**
 * struct mho_filter - the bitmap
 * @rcu: for kvfree_rcu()
 * @seed: random, per filter
 * @order: the bitmap has 1 << @order bits
 * @shift1: 64 - @order, for mho_filter_bit1()
 * @shift2: 32 - @order, for mho_filter_bit2()
 * @bits: the bitmap
 */
struct mho_filter {
	struct rcu_head rcu;
	u64 seed;
	u32 order;
	u8 shift1;
	u8 shift2;
	unsigned long bits[];
};

/*
 * The address folded to 64 bits, plus the seed, mixed by the first half
 * of MurmurHash3's finaliser (a shift, a multiply, a shift): every bit of
 * the address reaches both the high and the low half, so addresses that
 * differ only in their last octets (::1, ::2, ...) fall far apart.
 */
static __always_inline u64 mho_filter_key(const struct mho_filter *f,
					  const struct in6_addr *a)
{
	const u32 *w = (__force const u32 *)a->s6_addr32;
	u64 k;

	/* 32-bit loads: an address is only 4-byte aligned. */
	k = ((u64)(w[0] ^ w[2]) << 32 | (w[1] ^ w[3])) + f->seed;
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	return k ^ (k >> 33);
}

/* The two bits: from the top of the key, and from the top of its low half. */
static __always_inline unsigned long
mho_filter_bit1(const struct mho_filter *f, u64 k)
{
	return k >> f->shift1;
}

static __always_inline unsigned long
mho_filter_bit2(const struct mho_filter *f, u64 k)
{
	return (u32)k >> f->shift2;
}

/**
 * mho_filter_maybe - may a binding have @a?
 * @f: rcu_dereference() of the table's mho_addr_filter.cur
 * @a: the address
 *
 * False: no binding has @a. True: look it up.
 */
static __always_inline bool mho_filter_maybe(const struct mho_filter *f,
					     const struct in6_addr *a)
{
	u64 k = mho_filter_key(f, a);

	return test_bit(mho_filter_bit1(f, k), f->bits) &&
	       test_bit(mho_filter_bit2(f, k), f->bits);
}

/**
 * struct mho_addr_filter - the filter of one address table
 * @cur: the filter; never NULL between mho_filter_init() and
 *	mho_filter_destroy()
 * @stale: addresses that left the table since @cur was built
 * @lock: the mutex that serialises every change to the table, held by
 *	every caller below
 */
struct mho_addr_filter {
	struct mho_filter __rcu *cur;
	unsigned long stale;
	struct mutex *lock;	/* the table's; see @lock above */
};

int mho_filter_init(struct mho_addr_filter *af, struct mutex *lock);
/* After the last reader's grace period has begun (see main.c). */
void mho_filter_destroy(struct mho_addr_filter *af);
/*
 * Before @a enters @ht, whose objects hold their struct in6_addr key at
 * @ht's key_offset; never fails (see filter.c).
 */
void mho_filter_add(struct mho_addr_filter *af, struct rhashtable *ht,
		    const struct in6_addr *a);
/* After an address left @ht (or failed to enter it). */
void mho_filter_del(struct mho_addr_filter *af, struct rhashtable *ht);
/* The filter's size in bytes, for the selftest. */
size_t mho_filter_bytes(struct mho_addr_filter *af);

#endif /* _MHO_FILTER_H */
