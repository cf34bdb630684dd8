// SPDX-License-Identifier: GPL-2.0
/*
 * In-module selftest of duplicate suppression, run at module load when mho
 * is built with DEBUG (the debug tier of "make check" does so). Included
 * at the bottom of dedup.c so that it can fill a set on purpose.
 */

#ifdef DEBUG

/* An IPv6 packet from 2001:db8::1 to 2001:db8::2 whose payload is @n. */
static struct sk_buff *__init mho_st_pkt(u32 n, u8 hop_limit)
{
	struct ipv6hdr *ip6;
	struct sk_buff *skb;
	__be32 data[4] = { htonl(n), htonl(~n), 0, 0 };

	skb = alloc_skb(sizeof(*ip6) + sizeof(data), GFP_KERNEL);
	if (!skb)
		return NULL;
	ip6 = skb_put_zero(skb, sizeof(*ip6));
	skb_reset_network_header(skb);
	ip6->version = 6;
	ip6->nexthdr = IPPROTO_UDP;
	ip6->hop_limit = hop_limit;
	ip6->payload_len = htons(sizeof(data));
	ipv6_addr_set(&ip6->saddr, htonl(0x20010db8), 0, 0, htonl(1));
	ipv6_addr_set(&ip6->daddr, htonl(0x20010db8), 0, 0, htonl(2));
	skb_put_data(skb, data, sizeof(data));
	return skb;
}

/* mho_dedup_seen() of packet @n; -1 if it cannot be built. */
static int __init mho_st_seen(struct mho_dedup *dd, u32 n, u8 hop_limit)
{
	struct sk_buff *skb = mho_st_pkt(n, hop_limit);
	bool seen;

	if (!skb)
		return -1;
	seen = mho_dedup_seen(dd, skb);
	kfree_skb(skb);
	return seen;
}

static bool __init mho_st_dd(bool cond, const char *what)
{
	if (!cond)
		pr_err("mho: dedup selftest %s: FAIL\n", what);
	return cond;
}

/*
 * A full set: with the table narrowed to its first set, packets 1 to
 * MHO_DEDUP_WAYS fill it. @match: packet 3 is seen again (its entry
 * matched) before packet MHO_DEDUP_WAYS + 1 comes.
 */
static bool __init mho_st_fill(struct mho_dedup *dd, bool match)
{
	u32 i;

	dd->mask = 0;
	for (i = 1; i <= MHO_DEDUP_WAYS; i++)
		if (mho_st_seen(dd, i, 64))
			return false;
	if (match && mho_st_seen(dd, 3, 64) != 1)
		return false;
	return mho_st_seen(dd, MHO_DEDUP_WAYS + 1, 64) == 0;
}

/* One table per case: a fresh, smallest one for @fn. */
static bool __init mho_st_dd_case(bool (*fn)(struct mho_dedup *dd))
{
	struct mho_dedup *dd = mho_dedup_alloc(1);
	bool ok;

	if (!dd)
		return false;
	ok = fn(dd);
	mho_dedup_free(dd);
	return ok;
}

static bool __init mho_st_dd_basic(struct mho_dedup *dd)
{
	return mho_st_dd(dd->mask + 1 == MHO_DEDUP_MIN_SETS, "smallest size") &
	       mho_st_dd(mho_st_seen(dd, 1, 64) == 0, "first copy passes") &
	       mho_st_dd(mho_st_seen(dd, 1, 64) == 1,
			 "second copy is dropped") &
	       mho_st_dd(mho_st_seen(dd, 1, 63) == 1,
			 "a copy with another hop limit is dropped") &
	       mho_st_dd(mho_st_seen(dd, 2, 64) == 0, "another packet passes");
}

/* A matched entry goes first: its twin has come already. */
static bool __init mho_st_dd_matched(struct mho_dedup *dd)
{
	return mho_st_dd(mho_st_fill(dd, true), "filling a set") &&
	       mho_st_dd(mho_st_seen(dd, MHO_DEDUP_WAYS + 1, 64) == 1,
			 "the newest is in") &&
	       mho_st_dd(mho_st_seen(dd, 1, 64) == 1,
			 "unmatched entries stay") &&
	       mho_st_dd(mho_st_seen(dd, 3, 64) == 0,
			 "the matched entry made room");
}

/* Without a matched entry, the newest is not recorded: no cascade. */
static bool __init mho_st_dd_unmatched(struct mho_dedup *dd)
{
	u32 i;
	bool ok;

	ok = mho_st_dd(mho_st_fill(dd, false), "filling a set") &&
	     mho_st_dd(mho_st_seen(dd, MHO_DEDUP_WAYS + 1, 64) == 0,
		       "the newest is not recorded");
	for (i = 1; ok && i <= MHO_DEDUP_WAYS; i++)
		ok = mho_st_seen(dd, i, 64) == 1;
	return mho_st_dd(ok, "every entry stays");
}

/*
 * Growth: a table for 65536 packets starts at the smallest size, asks to
 * grow once an eighth of it is used, and keeps every entry, matched bits
 * included, when it does.
 */
static bool __init mho_st_dd_grow(void)
{
	struct mho_dedup *dd = mho_dedup_alloc(65536);
	bool dead = false, ok;
	spinlock_t lock;	/* stands for mho_handoff.lock */
	u32 i, n;

	if (!dd)
		return false;
	spin_lock_init(&lock);
	/* A fixed key: with a random one, a set could overflow by chance. */
	memset(&dd->key, 0, sizeof(dd->key));
	ok = mho_st_dd(dd->mask + 1 == MHO_DEDUP_MIN_SETS &&
		       dd->max_mask + 1 == 65536 * MHO_DEDUP_PER_PKT /
		       MHO_DEDUP_WAYS, "a large limit starts small");
	n = (dd->mask + 1) * MHO_DEDUP_WAYS / MHO_DEDUP_LOAD;
	for (i = 1; ok && i < n; i++)
		ok = mho_st_seen(dd, i, 64) == 0 && !mho_dedup_due(dd);
	ok = mho_st_dd(ok, "no growth below an eighth") &&
	     mho_st_dd(mho_st_seen(dd, 1, 64) == 1, "packet 1 matched") &&
	     mho_st_dd(mho_st_seen(dd, n, 64) == 0 && mho_dedup_due(dd),
		       "growth due at an eighth");
	if (ok) {
		mho_dedup_grow(&dd, &lock, &dead);
		ok = mho_st_dd(dd->mask + 1 == MHO_DEDUP_MIN_SETS *
			       MHO_DEDUP_GROWTH && dd->used == n &&
			       !mho_dedup_due(dd), "grown fourfold");
	}
	for (i = 1; ok && i <= n; i++)
		ok = mho_st_seen(dd, i, 64) == 1;
	ok = mho_st_dd(ok, "every entry moved");
	/* Due again; but its user is going away. */
	n = (dd->mask + 1) * MHO_DEDUP_WAYS / MHO_DEDUP_LOAD;
	for (i = dd->used + 1; ok && i <= n; i++)
		ok = mho_st_seen(dd, i, 64) == 0;
	ok = ok && mho_st_dd(mho_dedup_due(dd), "due again");
	dead = true;
	if (ok) {
		mho_dedup_grow(&dd, &lock, &dead);
		ok = mho_st_dd(dd->mask + 1 == MHO_DEDUP_MIN_SETS *
			       MHO_DEDUP_GROWTH, "no growth once dead");
	}
	mho_dedup_free(dd);
	return ok;
}

bool __init mho_dedup_selftest(void)
{
	bool ok;

	ok = mho_st_dd_case(mho_st_dd_basic) &
	     mho_st_dd_case(mho_st_dd_matched) &
	     mho_st_dd_case(mho_st_dd_unmatched) &
	     mho_st_dd_grow();

	if (ok)
		pr_info("mho: dedup selftests: pass\n");
	return ok;
}

#endif /* DEBUG */
