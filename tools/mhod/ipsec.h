/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Does the kernel's IPsec policy protect a signaling flow? The XFRM
 * policies (as XFRM_MSG_GETPOLICY dumps them, see xfrm.c) are evaluated
 * here the way the kernel evaluates them for one Mobility Header
 * message: among the IPv6 policies of the direction whose selector
 * matches the flow, the one with the lowest priority value decides. It
 * must allow the flow with a template that requires ESP (not "level
 * use", which lets plaintext through) and, when an SPI is asked for
 * (static SAs), that names it: the peer's address is then bound to that
 * SA (RFC 5568 10: an FBU can only move the traffic of the MN whose SA
 * protected it).
 */
#ifndef MHOD_IPSEC_H
#define MHOD_IPSEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

enum { MHOD_XFRM_IN, MHOD_XFRM_OUT };	/* XFRM_POLICY_IN, _OUT */

struct mhod_xfrm_pol {
	struct in6_addr saddr, daddr;
	uint8_t plen_s, plen_d;
	uint8_t proto;			/* 0: any */
	uint16_t sport, sport_mask;	/* host order; MH type, ICMPv6 type */
	uint16_t dport, dport_mask;
	uint32_t priority;
	uint8_t dir;			/* MHOD_XFRM_IN, _OUT */
	bool block;			/* action block */
	bool esp;			/* a required ESP template */
	bool esp_optional;		/* an ESP template, "level use" only */
	uint32_t spi;			/* the ESP template's SPI (0: any) */
};

enum mhod_ipsec_res {
	MHOD_IPSEC_OK,
	MHOD_IPSEC_NO_POLICY,		/* plaintext passes */
	MHOD_IPSEC_OPTIONAL,		/* ESP "level use": plaintext passes */
	MHOD_IPSEC_NOT_ESP,		/* allowed without an ESP template */
	MHOD_IPSEC_BLOCKED,		/* dropped: signaling would fail */
	MHOD_IPSEC_WRONG_SPI,		/* ESP, but no SPI or another one */
	MHOD_IPSEC_AMBIGUOUS,		/* same priority, different verdicts */
};

/*
 * The verdict for a Mobility Header message of type mh_type from src to
 * dst in direction dir, over the n policies p; spi (host order) is the
 * SA its template must name (static SAs), 0 for any.
 */
enum mhod_ipsec_res mhod_ipsec_covers(const struct mhod_xfrm_pol *p, size_t n,
				      uint8_t dir, const struct in6_addr *src,
				      const struct in6_addr *dst,
				      uint8_t mh_type, uint32_t spi);
/* The same for a flow of another protocol, between those ports. */
enum mhod_ipsec_res mhod_ipsec_covers_l4(const struct mhod_xfrm_pol *p,
					 size_t n, uint8_t dir,
					 const struct in6_addr *src,
					 const struct in6_addr *dst,
					 uint8_t proto, uint16_t sport,
					 uint16_t dport, uint32_t spi);
const char *mhod_ipsec_str(enum mhod_ipsec_res r);

#endif
