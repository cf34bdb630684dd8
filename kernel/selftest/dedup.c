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
 * A full set: with the table narrowed to its first set, packets 1 to 8
 * fill it. @match: packet 3 is seen again (its entry matched) before
 * packet 9 comes. Returns the packet that must have made room for 9.
 */
static int __init mho_st_fill(struct mho_dedup *dd, bool match)
{
	u32 i;

	dd->mask = 0;
	for (i = 1; i <= MHO_DEDUP_WAYS; i++)
		if (mho_st_seen(dd, i, 64))
			return -1;
	if (match && mho_st_seen(dd, 3, 64) != 1)
		return -1;
	if (mho_st_seen(dd, 9, 64))
		return -1;
	return match ? 3 : 1;
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
	return mho_st_dd(mho_st_fill(dd, true) == 3, "filling a set") &&
	       mho_st_dd(mho_st_seen(dd, 1, 64) == 1,
			 "unmatched entries stay") &&
	       mho_st_dd(mho_st_seen(dd, 3, 64) == 0,
			 "the matched entry made room");
}

/* Without a matched entry, the oldest goes. */
static bool __init mho_st_dd_oldest(struct mho_dedup *dd)
{
	return mho_st_dd(mho_st_fill(dd, false) == 1, "filling a set") &&
	       mho_st_dd(mho_st_seen(dd, 2, 64) == 1, "newer entries stay") &&
	       mho_st_dd(mho_st_seen(dd, 9, 64) == 1, "the newest is in") &&
	       mho_st_dd(mho_st_seen(dd, 1, 64) == 0, "the oldest made room");
}

bool __init mho_dedup_selftest(void)
{
	struct mho_dedup *dd;
	bool ok;

	ok = mho_st_dd_case(mho_st_dd_basic) &
	     mho_st_dd_case(mho_st_dd_matched) &
	     mho_st_dd_case(mho_st_dd_oldest);
	/* Four entries per packet, eight to a set: 1000 packets, 512 sets. */
	dd = mho_dedup_alloc(1000);
	if (!dd)
		return false;
	ok &= mho_st_dd(dd->mask + 1 == 512, "size for 1000 packets");
	mho_dedup_free(dd);

	if (ok)
		pr_info("mho: dedup selftests: pass\n");
	return ok;
}

#endif /* DEBUG */
