// SPDX-License-Identifier: GPL-2.0
/*
 * IPsec policy evaluation (ipsec.h), after the kernel's
 * __xfrm6_selector_match() and xfrm_policy_lookup_bytype().
 */
#include <netinet/in.h>

#include "ipsec.h"

#ifndef IPPROTO_MH
#define IPPROTO_MH 135
#endif

static bool in_prefix(const struct in6_addr *a, const struct in6_addr *p,
		      unsigned int plen)
{
	unsigned int i;

	if (plen > 128)
		return false;
	for (i = 0; i < plen / 8; i++)
		if (a->s6_addr[i] != p->s6_addr[i])
			return false;
	return !(plen % 8) || !((a->s6_addr[i] ^ p->s6_addr[i]) &
				(uint8_t)(0xff << (8 - plen % 8)));
}

/* A Mobility Header flow: its type is the flow's source "port", its
 * destination "port" is 0 (xfrm_flowi_sport(), xfrm_flowi_dport()).
 */
static bool matches(const struct mhod_xfrm_pol *p, const struct in6_addr *src,
		    const struct in6_addr *dst, uint8_t proto, uint16_t sport,
		    uint16_t dport)
{
	return in_prefix(src, &p->saddr, p->plen_s) &&
	       in_prefix(dst, &p->daddr, p->plen_d) &&
	       (!p->proto || p->proto == proto) &&
	       !((sport ^ p->sport) & p->sport_mask) &&
	       !((dport ^ p->dport) & p->dport_mask);
}

static enum mhod_ipsec_res verdict(const struct mhod_xfrm_pol *p, uint32_t spi)
{
	if (p->block)
		return MHOD_IPSEC_BLOCKED;
	if (!p->esp)
		return p->esp_optional ? MHOD_IPSEC_OPTIONAL : MHOD_IPSEC_NOT_ESP;
	if (spi && p->spi != spi)
		return MHOD_IPSEC_WRONG_SPI;
	return MHOD_IPSEC_OK;
}

enum mhod_ipsec_res mhod_ipsec_covers(const struct mhod_xfrm_pol *p, size_t n,
				      uint8_t dir, const struct in6_addr *src,
				      const struct in6_addr *dst,
				      uint8_t mh_type, uint32_t spi)
{
	return mhod_ipsec_covers_l4(p, n, dir, src, dst, IPPROTO_MH, mh_type,
				    0, spi);
}

enum mhod_ipsec_res mhod_ipsec_covers_l4(const struct mhod_xfrm_pol *p,
					 size_t n, uint8_t dir,
					 const struct in6_addr *src,
					 const struct in6_addr *dst,
					 uint8_t proto, uint16_t sport,
					 uint16_t dport, uint32_t spi)
{
	enum mhod_ipsec_res res = MHOD_IPSEC_NO_POLICY, v;
	const struct mhod_xfrm_pol *best = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i].dir != dir ||
		    !matches(&p[i], src, dst, proto, sport, dport))
			continue;
		v = verdict(&p[i], spi);
		if (!best || p[i].priority < best->priority) {
			best = &p[i];
			res = v;
		} else if (p[i].priority == best->priority && v != res) {
			/* The kernel takes the older one; a dump does not
			 * say which that is.
			 */
			res = MHOD_IPSEC_AMBIGUOUS;
		}
	}
	return res;
}

const char *mhod_ipsec_str(enum mhod_ipsec_res r)
{
	switch (r) {
	case MHOD_IPSEC_OK:
		return "protected by ESP";
	case MHOD_IPSEC_NO_POLICY:
		return "no IPsec policy covers it: it would go in plaintext";
	case MHOD_IPSEC_OPTIONAL:
		return "its policy's ESP template is optional (level use): plaintext passes";
	case MHOD_IPSEC_NOT_ESP:
		return "its policy allows it without ESP";
	case MHOD_IPSEC_BLOCKED:
		return "its policy blocks it";
	case MHOD_IPSEC_WRONG_SPI:
		return "its policy's ESP template names no SPI, or another SPI than the [IPsec] section's";
	case MHOD_IPSEC_AMBIGUOUS:
		return "policies of the same priority disagree about it";
	}
	return "?";
}
