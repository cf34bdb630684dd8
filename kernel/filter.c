// SPDX-License-Identifier: GPL-2.0
/*
 * mho - the address filter's upkeep (see filter.h for what it is and how
 * readers use it). Everything here runs under the table's mutex
 * (mho_addr_filter.lock: mho_net.lock), in process context.
 *
 * Size: the bitmap has at least MHO_FILTER_BITS bits per address (two of
 * them set per address, so about 3% of the misses it lets through when it
 * has just been sized, 5% at its fullest), rounded up to a power of two,
 * and at least 1 << MHO_FILTER_MIN_ORDER bits. An insertion that would
 * leave fewer bits per address doubles it; when the table has shrunk to a
 * quarter of that, or as many addresses have left as remain (their bits
 * are still set), it is rebuilt at the size the table needs.
 *
 * A rebuild walks the whole table, once per doubling or per as many
 * removals as there are addresses: linear in the table, constant per
 * change on average. If its memory cannot be had, the old filter stays:
 * it lets more misses through, and still never hides an address.
 */

#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>

#include "filter.h"

#define MHO_FILTER_BITS		8
#define MHO_FILTER_MIN_ORDER	12	/* 512 bytes */
#define MHO_FILTER_MAX_ORDER	31	/* mho_filter_bit2() takes 32 - order */

/* The order of a filter for @n addresses. */
static u32 mho_filter_order(unsigned long n)
{
	unsigned long bits = n * MHO_FILTER_BITS;

	if (bits <= (1UL << MHO_FILTER_MIN_ORDER))
		return MHO_FILTER_MIN_ORDER;
	return min_t(u32, order_base_2(bits), MHO_FILTER_MAX_ORDER);
}

static struct mho_filter *mho_filter_alloc(u32 order)
{
	struct mho_filter *f;

	f = kvzalloc(struct_size(f, bits, BITS_TO_LONGS(1UL << order)),
		     GFP_KERNEL);
	if (!f)
		return NULL;
	f->order = order;
	f->shift1 = 64 - order;
	f->shift2 = 32 - order;
	f->seed = get_random_u64();
	return f;
}

static void mho_filter_set(struct mho_filter *f, const struct in6_addr *a)
{
	u64 k = mho_filter_key(f, a);

	set_bit(mho_filter_bit1(f, k), f->bits);
	set_bit(mho_filter_bit2(f, k), f->bits);
}

static struct mho_filter *mho_filter_cur(struct mho_addr_filter *af)
{
	return rcu_dereference_protected(af->cur, lockdep_is_held(af->lock));
}

/*
 * Replace the filter with one of @order built from @ht (and @extra, about
 * to enter it, if not NULL). The caller holds the table's mutex, so the
 * table does not change during the walk; a resize of its own that the
 * walk meets (-EAGAIN) makes it see some entries twice, which is harmless.
 */
static void mho_filter_rebuild(struct mho_addr_filter *af,
			       struct rhashtable *ht, u32 order,
			       const struct in6_addr *extra)
{
	struct mho_filter *old = mho_filter_cur(af), *f;
	struct rhashtable_iter iter;
	unsigned int i = 0;
	void *obj;

	f = mho_filter_alloc(order);
	if (!f)
		return;
	rhashtable_walk_enter(ht, &iter);
	rhashtable_walk_start(&iter);
	while ((obj = rhashtable_walk_next(&iter))) {
		if (IS_ERR(obj))
			continue;	/* -EAGAIN: the walk goes on */
		mho_filter_set(f, obj + ht->p.key_offset);
		/*
		 * A million addresses take a while: leave the RCU read
		 * section the walk holds, now and then, to let others run.
		 * The walk picks up where it stopped.
		 */
		if (!(++i % 4096) && need_resched()) {
			rhashtable_walk_stop(&iter);
			cond_resched();
			rhashtable_walk_start(&iter);
		}
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
	if (extra)
		mho_filter_set(f, extra);
	af->stale = 0;
	rcu_assign_pointer(af->cur, f);
	kvfree_rcu(old, rcu);
}

int mho_filter_init(struct mho_addr_filter *af, struct mutex *lock)
{
	struct mho_filter *f = mho_filter_alloc(MHO_FILTER_MIN_ORDER);

	if (!f)
		return -ENOMEM;
	af->stale = 0;
	af->lock = lock;
	RCU_INIT_POINTER(af->cur, f);
	return 0;
}

void mho_filter_destroy(struct mho_addr_filter *af)
{
	kvfree_rcu(rcu_dereference_protected(af->cur, true), rcu);
	RCU_INIT_POINTER(af->cur, NULL);
}

void mho_filter_add(struct mho_addr_filter *af, struct rhashtable *ht,
		    const struct in6_addr *a)
{
	struct mho_filter *f = mho_filter_cur(af);
	unsigned long n = atomic_read(&ht->nelems) + 1;

	if (n * MHO_FILTER_BITS > (1UL << f->order) &&
	    f->order < MHO_FILTER_MAX_ORDER) {
		mho_filter_rebuild(af, ht, mho_filter_order(n), a);
		if (mho_filter_cur(af) != f)
			return;
	}
	mho_filter_set(f, a);
}

void mho_filter_del(struct mho_addr_filter *af, struct rhashtable *ht)
{
	struct mho_filter *f = mho_filter_cur(af);
	unsigned long n = atomic_read(&ht->nelems);

	af->stale++;
	if (af->stale > max(n, 64UL) ||
	    (f->order > MHO_FILTER_MIN_ORDER &&
	     n * MHO_FILTER_BITS * 4 < (1UL << f->order)))
		mho_filter_rebuild(af, ht, mho_filter_order(n), NULL);
}

size_t mho_filter_bytes(struct mho_addr_filter *af)
{
	return BITS_TO_LONGS(1UL << mho_filter_cur(af)->order) *
	       sizeof(unsigned long);
}
