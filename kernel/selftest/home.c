// SPDX-License-Identifier: GPL-2.0
/*
 * In-module selftest of the Mobility Header parser, run at module load
 * when mho is built with DEBUG. Included at the bottom of home.c. Every
 * case is a packet as the hook sees it (IPv6 header at skb->data), built
 * here byte by byte, including ones whose headers lie about their length.
 */

#ifdef DEBUG

struct mho_st_mh {
	const char *what;
	u8 bytes[96];
	unsigned int len;	/* bytes after the IPv6 header */
	u8 nexthdr;		/* of the IPv6 header */
	enum mho_mh want;
};

/*
 * A Mobility Header is "59, 1, type" followed by zeroes here: payload
 * proto 59, header length 1 (16 bytes), the type, and zero for the rest.
 */
static const struct mho_st_mh mho_st_mh_cases[] __initconst = {
	{ "binding update", { 59, 1, 5 }, 16, IPPROTO_MH, MHO_MH_CONTROL },
	{ "home test init", { 59, 1, 1 }, 16, IPPROTO_MH, MHO_MH_CONTROL },
	{ "care-of test init", { 59, 1, 2 }, 16, IPPROTO_MH,
	  MHO_MH_CONTROL },
	{ "binding ack is not kept", { 59, 1, 6 }, 16, IPPROTO_MH,
	  MHO_MH_OTHER },
	{ "udp is not", { 0 }, 16, IPPROTO_UDP, MHO_MH_OTHER },
	{ "behind a destination option (HAO)",
	  { 135, 2, 1, 2, 0, 0, 0xc9, 16, [24] = 59, 1, 5 }, 40,
	  NEXTHDR_DEST, MHO_MH_CONTROL },
	{ "shorter than the base header", { 59, 1, 5, 0 }, 4, IPPROTO_MH,
	  MHO_MH_MALFORMED },
	{ "longer than the packet", { 59, 3, 5, 0, 0, 0 }, 16, IPPROTO_MH,
	  MHO_MH_MALFORMED },
	{ "payload proto not 59", { 6, 1, 5 }, 16, IPPROTO_MH,
	  MHO_MH_MALFORMED },
	{ "too short for a binding update", { 59, 0, 5 }, 8, IPPROTO_MH,
	  MHO_MH_MALFORMED },
	{ "extension header beyond the end", { 135, 8 }, 8, NEXTHDR_DEST,
	  MHO_MH_MALFORMED },
	{ "extension header cut short", { 135 }, 1, NEXTHDR_DEST,
	  MHO_MH_OTHER },
	{ "first fragment", { 135, 0, 0, 1, 0, 0, 0, 1, 59, 1, 1 }, 24,
	  NEXTHDR_FRAGMENT, MHO_MH_MALFORMED },
	{ "later fragment", { 135, 0, 0, 8, 0, 0, 0, 1, 59, 1, 1 }, 24,
	  NEXTHDR_FRAGMENT, MHO_MH_OTHER },
};

bool __init mho_home_selftest(void)
{
	const struct mho_st_mh *c;
	struct ipv6hdr *ip6;
	struct sk_buff *skb;
	enum mho_mh got;
	bool ok = true;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mho_st_mh_cases); i++) {
		c = &mho_st_mh_cases[i];
		skb = alloc_skb(sizeof(*ip6) + c->len, GFP_KERNEL);
		if (!skb)
			return false;
		ip6 = skb_put_zero(skb, sizeof(*ip6));
		skb_reset_network_header(skb);
		ip6->version = 6;
		ip6->nexthdr = c->nexthdr;
		ip6->payload_len = htons(c->len);
		skb_put_data(skb, c->bytes, c->len);
		got = mho_home_parse(skb);
		kfree_skb(skb);
		if (got != c->want) {
			pr_err("mho: home selftest %s: got %d, want %d: FAIL\n",
			       c->what, got, c->want);
			ok = false;
		}
	}
	if (ok)
		pr_info("mho: home selftests: pass\n");
	return ok;
}

#endif /* DEBUG */
