// SPDX-License-Identifier: GPL-2.0
/*
 * The IPsec check's policy evaluation (ipsec.c): which policy decides
 * for a Mobility Header flow, as the kernel decides, and whether that
 * protects it. The tables are what "ip xfrm policy" makes for the
 * setups of Documentation/mhod.rst (IPsec).
 */
#include <string.h>

#include "ktap.h"
#include "../ipsec.h"

static struct mhod_xfrm_pol pol(uint8_t dir, const char *src, int plen_s,
				const char *dst, int plen_d, uint8_t proto,
				int type, uint32_t prio, bool esp, uint32_t spi)
{
	struct mhod_xfrm_pol p = { 0 };

	p.dir = dir;
	p.saddr = t_addr(src);
	p.daddr = t_addr(dst);
	p.plen_s = plen_s;
	p.plen_d = plen_d;
	p.proto = proto;
	if (type >= 0) {
		p.sport = type;
		p.sport_mask = 0xffff;
	}
	p.priority = prio;
	p.esp = esp;
	p.spi = spi;
	return p;
}

#define IN MHOD_XFRM_IN
#define OUT MHOD_XFRM_OUT

void test_ipsec(void)
{
	struct in6_addr mn = t_addr("2001:db8:ff::10"),
			par = t_addr("2001:db8:a::1"),
			other = t_addr("2001:db8:a::2"),
			ncoa = t_addr("2001:db8:b::2");
	struct mhod_xfrm_pol p[8];
	int n = 0;

	t_begin("ipsec: no policy, plaintext passes");
	t_check(mhod_ipsec_covers(p, 0, IN, &mn, &par, 8, 0) ==
		MHOD_IPSEC_NO_POLICY, "no policy is not reported");
	t_end();

	/* The pAR's: its MN bound to SPI 0x1001, a catch-all for
	 * reactive FBUs (from an NCoA) of lower priority, FBacks out.
	 */
	p[n++] = pol(IN, "2001:db8:ff::10", 128, "2001:db8:a::1", 128, 135,
		     -1, 0, true, 0x1001);
	p[n++] = pol(IN, "::", 0, "2001:db8:a::1", 128, 135, -1, 2000, true, 0);
	p[n++] = pol(OUT, "2001:db8:a::1", 128, "2001:db8:ff::10", 128, 135,
		     -1, 0, true, 0x1002);
	t_begin("ipsec: the pAR's MN, bound to its SPIs");
	t_check(mhod_ipsec_covers(p, n, IN, &mn, &par, 8, 0x1001) ==
		MHOD_IPSEC_OK, "FBU in");
	t_check(mhod_ipsec_covers(p, n, OUT, &par, &mn, 9, 0x1002) ==
		MHOD_IPSEC_OK, "FBack out");
	t_check(mhod_ipsec_covers(p, n, IN, &mn, &par, 8, 0x2001) ==
		MHOD_IPSEC_WRONG_SPI, "another SPI is accepted");
	t_check(mhod_ipsec_covers(p, n, IN, &ncoa, &par, 8, 0) ==
		MHOD_IPSEC_OK, "the catch-all does not cover the NCoA");
	t_check(mhod_ipsec_covers(p, n, IN, &ncoa, &par, 8, 0x1001) ==
		MHOD_IPSEC_WRONG_SPI, "a template without an SPI binds an address");
	t_check(mhod_ipsec_covers(p, n, OUT, &par, &other, 9, 0x1002) ==
		MHOD_IPSEC_NO_POLICY, "FBack to an address without a policy");
	t_check(mhod_ipsec_covers(p, n, IN, &mn, &par, 8, 0) ==
		MHOD_IPSEC_OK, "IKEv2 (no SPI asked for)");
	t_end();

	t_begin("ipsec: the lowest priority value decides");
	/* A bypass of higher priority (lower value) for all MH. */
	p[n++] = pol(IN, "::", 0, "::", 0, 135, -1, 0, false, 0);
	t_check(mhod_ipsec_covers(p, n, IN, &mn, &par, 8, 0x1001) ==
		MHOD_IPSEC_AMBIGUOUS, "a tie of verdicts is not reported");
	p[0].priority = 1;
	t_check(mhod_ipsec_covers(p, n, IN, &mn, &par, 8, 0x1001) ==
		MHOD_IPSEC_NOT_ESP, "a bypass of priority 0 does not decide");
	p[0].priority = 0;
	n--;
	t_end();

	t_begin("ipsec: selectors: protocol, MH type, prefixes");
	p[0].proto = 17;	/* UDP: does not cover MH */
	t_check(mhod_ipsec_covers(p, n, IN, &mn, &par, 8, 0) ==
		MHOD_IPSEC_OK, "the catch-all should decide");
	p[1].proto = 17;
	t_check(mhod_ipsec_covers(p, n, IN, &mn, &par, 8, 0x1001) ==
		MHOD_IPSEC_NO_POLICY, "a UDP policy covers MH");
	p[0].proto = 0;		/* any protocol */
	t_check(mhod_ipsec_covers(p, n, IN, &mn, &par, 8, 0x1001) ==
		MHOD_IPSEC_OK, "proto any does not cover MH");
	p[0].proto = 135;
	p[0].sport = 5;		/* BU only */
	p[0].sport_mask = 0xffff;
	t_check(mhod_ipsec_covers(p, n, IN, &mn, &par, 8, 0x1001) ==
		MHOD_IPSEC_NO_POLICY, "a BU policy covers the FBU");
	p[0].sport = 8;
	t_check(mhod_ipsec_covers(p, n, IN, &mn, &par, 8, 0x1001) ==
		MHOD_IPSEC_OK, "an FBU policy does not cover the FBU");
	p[0].plen_s = 112;	/* 2001:db8:ff::/112: mn and its kin */
	t_check(mhod_ipsec_covers(p, n, IN, &mn, &par, 8, 0x1001) ==
		MHOD_IPSEC_OK, "a /112 does not cover its address");
	t_check(mhod_ipsec_covers(p, n, OUT, &mn, &par, 8, 0x1001) ==
		MHOD_IPSEC_NO_POLICY, "an in policy decides outbound");
	t_end();

	t_begin("ipsec: optional, block, and non-ESP templates");
	p[0].esp = false;
	p[0].esp_optional = true;
	t_check(mhod_ipsec_covers(p, n, IN, &mn, &par, 8, 0x1001) ==
		MHOD_IPSEC_OPTIONAL, "level use passes");
	p[0].esp_optional = false;
	t_check(mhod_ipsec_covers(p, n, IN, &mn, &par, 8, 0x1001) ==
		MHOD_IPSEC_NOT_ESP, "an allow without ESP passes");
	p[0].block = true;
	t_check(mhod_ipsec_covers(p, n, IN, &mn, &par, 8, 0x1001) ==
		MHOD_IPSEC_BLOCKED, "a block passes");
	t_check(strlen(mhod_ipsec_str(MHOD_IPSEC_BLOCKED)) > 0, "no text");
	t_end();

	/* Context transfer: SCTP 5091 between the routers' core addresses. */
	t_begin("ipsec: SCTP between neighbours, by protocol and port");
	n = 0;
	p[n++] = pol(OUT, "2001:db8:12::1", 128, "2001:db8:12::2", 128, 135,
		     -1, 0, true, 0x2002);
	t_check(mhod_ipsec_covers_l4(p, n, OUT, &p[0].saddr, &p[0].daddr, 132,
				     5091, 5091, 0x2002) == MHOD_IPSEC_NO_POLICY,
		"an MH policy covers SCTP");
	p[n++] = pol(OUT, "2001:db8:12::1", 128, "2001:db8:12::2", 128, 132,
		     -1, 0, true, 0x2002);
	t_check(mhod_ipsec_covers_l4(p, n, OUT, &p[0].saddr, &p[0].daddr, 132,
				     5091, 5091, 0x2002) == MHOD_IPSEC_OK,
		"an SCTP policy does not cover SCTP");
	p[1].dport = 5090;	/* CARD's port only */
	p[1].dport_mask = 0xffff;
	t_check(mhod_ipsec_covers_l4(p, n, OUT, &p[0].saddr, &p[0].daddr, 132,
				     5091, 5091, 0x2002) == MHOD_IPSEC_NO_POLICY,
		"a policy for port 5090 covers 5091");
	p[1].dport = 5091;
	t_check(mhod_ipsec_covers_l4(p, n, OUT, &p[0].saddr, &p[0].daddr, 132,
				     5091, 5091, 0x2002) == MHOD_IPSEC_OK,
		"a policy for port 5091 does not cover it");
	t_end();
}
