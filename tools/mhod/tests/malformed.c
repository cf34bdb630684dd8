// SPDX-License-Identifier: GPL-2.0
/*
 * Malformed input: every reference message truncated at every octet, and
 * a table of single defects (bad lengths, checksums, padding, option
 * overruns, codes, flags, order, duplicates), each rejected with the
 * expected error code.
 */
#include <string.h>

#include "ktap.h"
#include "../bytes.h"
#include "../pkt.h"

#define MAX_VECTORS 64

enum { PI_NONE, PI_HOPLIMIT, PI_GLOBAL_SRC, PI_COA_NOT_HOA };

struct mcase {
	const char *name;
	int frame;		/* reference vector */
	size_t off;		/* replace octets at off with hex */
	const char *hex;
	size_t newlen;		/* > 0: cut the message to this length */
	bool recsum;		/* recompute the checksum after the change */
	int pi;			/* PI_*: change the packet information */
	bool sa;		/* the error is the SA block's (CXTP CDB 0) */
	enum mhod_err want;
};

#define E(x) MHOD_E_##x
static const struct mcase cases[] = {
	/* RtSolPr (40 octets: header 8, LLA sender 8.., LLA new AP 24..) */
	{ "RtSolPr bad checksum", 1, 2, "0000", 0, false, 0, false, E(CHECKSUM) },
	{ "RtSolPr code 1", 1, 1, "01", 0, true, 0, false, E(ICMP_CODE) },
	{ "ICMPv6 154 subtype 9", 1, 4, "09", 0, true, 0, false, E(ICMP_SUBTYPE) },
	{ "RtSolPr Hop Limit 64", 1, 0, "", 0, false, PI_HOPLIMIT, false, E(HOP_LIMIT) },
	{ "ND option length 0", 1, 9, "00", 0, true, 0, false, E(ND_OPT_LEN) },
	{ "ND option overrun", 1, 25, "03", 0, true, 0, false, E(ND_OPT_OVERRUN) },
	{ "LLA option too short for the link", 1, 9, "01", 0, true, 0, false, E(ND_OPT_LEN) },
	{ "LLA padding not zero", 1, 39, "01", 0, true, 0, false, E(PAD) },
	{ "LLA option code 9", 1, 26, "09", 0, true, 0, false, E(OPT_CODE) },
	{ "RtSolPr LLA code 2 (MN) not allowed", 1, 26, "02", 0, true, 0, false, E(OPT_CODE) },
	{ "RtSolPr two sender LLAs", 1, 26, "04", 0, true, 0, false, E(OPT_DUP) },
	{ "RtSolPr wildcard with a new AP", 1, 10, "00", 0, true, 0, false, E(OPT_UNEXPECTED) },
	{ "RtSolPr without an AP", 1, 24, "99", 0, true, 0, false, E(OPT_MISSING) },
	{ "RtSolPr cut in its header", 1, 0, "", 6, true, 0, false, E(TRUNCATED) },
	/* PrRtAdv (104: LLA4 8, LLA1 24, LLA3 40, IPA3 56, NRPI 80) */
	{ "PrRtAdv code 6", 2, 1, "06", 0, true, 0, false, E(ICMP_CODE) },
	{ "PrRtAdv unsolicited with an Identifier", 2, 1, "01", 0, true, 0, false, E(IDENT) },
	{ "PrRtAdv NAR LLA before the AP", 2, 26, "03", 0, true, 0, false, E(OPT_ORDER) },
	{ "PrRtAdv without the NAR address", 2, 56, "99", 0, true, 0, false, E(OPT_MISSING) },
	{ "PrRtAdv prefix length 129", 2, 83, "81", 0, true, 0, false, E(PLEN) },
	{ "PrRtAdv NRPI code 1", 2, 82, "01", 0, true, 0, false, E(OPT_CODE) },
	{ "PrRtAdv IP address option length 2", 2, 57, "02", 0, true, 0, false, E(ND_OPT_LEN) },
	{ "PrRtAdv NCoA when solicited", 2, 58, "02", 0, true, 0, false, E(OPT_UNEXPECTED) },
	{ "PrRtAdv two sender LLAs", 2, 26, "04", 0, true, 0, false, E(OPT_DUP) },
	{ "PrRtAdv with a NAACK",
	  2, 80, "140300010000000000", 0, true, 0, false, E(OPT_UNEXPECTED) },
	/* FBU (64: fixed 12, PadN 12, AltCoA 14, LLA 32, PadN 41, BADF 46) */
	{ "FBU bad checksum", 3, 4, "0000", 0, false, 0, false, E(CHECKSUM) },
	{ "BU checksummed with the CoA, not the HoA",
	  9, 0, "", 0, false, PI_COA_NOT_HOA, false, E(CHECKSUM) },
	{ "MH Payload Proto 6", 3, 0, "06", 0, true, 0, false, E(MH_PROTO) },
	{ "MH Header Len past the end", 3, 1, "08", 0, true, 0, false, E(TRUNCATED) },
	{ "MH octets after Header Len", 3, 1, "06", 0, true, 0, false, E(MH_LEN) },
	{ "MH type 32", 3, 2, "20", 0, true, 0, false, E(MH_TYPE) },
	{ "FBU without the A flag", 3, 8, "60", 0, true, 0, false, E(FLAGS) },
	{ "FBU AltCoA at 8n+4",
	  3, 12, "031020010db800020000000000000000000a0000", 0, true, 0, false, E(MH_OPT_ALIGN) },
	{ "FBU AltCoA length 15", 3, 15, "0f", 0, true, 0, false, E(MH_OPT_LEN) },
	{ "FBU PadN not zero", 3, 43, "01", 0, true, 0, false, E(PAD) },
	{ "FBU 14 octets of padding",
	  3, 32, "010a000000000000000000000000", 0, true, 0, false, E(PAD) },
	{ "FBU option overrun", 3, 33, "30", 0, true, 0, false, E(MH_OPT_OVERRUN) },
	{ "FBU MH-LLA code 3", 3, 34, "03", 0, true, 0, false, E(OPT_CODE) },
	{ "FBU with Nonce Indices",
	  3, 32, "040400010002070602020000000a", 0, true, 0, false, E(OPT_UNEXPECTED) },
	{ "FBU BADF authenticator of 8 octets", 3, 47, "0c", 0, true, 0, false, E(MH_OPT_LEN) },
	/* HI (72: fixed 10, PadN, PCoA 12, PadN, NCoA 36, LLA 56, PadN 65) */
	{ "HI code 2", 4, 9, "02", 0, true, 0, false, E(CODE) },
	{ "HI S with code 1", 4, 8, "8001", 0, true, 0, false, E(FLAGS) },
	{ "HI prefix length 129", 4, 15, "81", 0, true, 0, false, E(PLEN) },
	{ "HI NAR address option", 4, 14, "03", 0, true, 0, false, E(OPT_CODE) },
	{ "HI two NCoAs", 4, 14, "02", 0, true, 0, false, E(OPT_DUP) },
	{ "HI without the MN LLA", 4, 56, "99", 0, true, 0, false, E(OPT_MISSING) },
	{ "HI Header Len below its minimum", 4, 1, "00", 8, true, 0, false, E(MH_SHORT) },
	{ "HI cut in its header", 4, 0, "", 7, false, 0, false, E(TRUNCATED) },
	/* HAck (16) */
	{ "HAck code 5", 5, 9, "05", 0, true, 0, false, E(CODE) },
	{ "HAck code 2 without the NCoA", 5, 9, "02", 0, true, 0, false, E(OPT_MISSING) },
	/* FBack (32: fixed 12, PadN 12, BADF 14) */
	{ "FBack status 5", 6, 6, "05", 0, true, 0, false, E(CODE) },
	{ "FBack status 1 without the AltCoA", 6, 6, "01", 0, true, 0, false, E(OPT_MISSING) },
	{ "FBack without BADF", 6, 14, "99", 0, true, 0, false, E(OPT_MISSING) },
	{ "FBack padding after BADF",
	  6, 12, "1510000001000000000000000000000000000000", 0, true, 0, false, E(OPT_ORDER) },
	/* UNA (32: target 8, TLLA 24) */
	{ "NA target multicast", 7, 8, "ff", 0, true, 0, false, E(ND_TARGET) },
	{ "NA solicited to a multicast address", 7, 4, "40", 0, true, 0, false, E(ND_FLAGS) },
	{ "NA code 1", 7, 1, "01", 0, true, 0, false, E(ICMP_CODE) },
	{ "NA TLLA overrun", 7, 25, "02", 0, true, 0, false, E(ND_OPT_OVERRUN) },
	{ "NA cut before its target ends", 7, 0, "", 20, true, 0, false, E(TRUNCATED) },
	/* RA + NAACK (40: NAACK 16) */
	{ "NAACK length 2", 8, 17, "02", 0, true, 0, false, E(ND_OPT_LEN) },
	{ "NAACK option code 1", 8, 18, "01", 0, true, 0, false, E(OPT_CODE) },
	{ "NAACK status 5", 8, 19, "05", 0, true, 0, false, E(CODE) },
	{ "NAACK status 2 without the NCoA", 8, 17, "01", 24, true, 0, false, E(OPT_MISSING) },
	{ "RA from a global address", 8, 0, "", 0, true, PI_GLOBAL_SRC, false, E(RA_SOURCE) },
	{ "ICMPv6 type 1", 8, 0, "01", 0, true, 0, false, E(ICMP_TYPE) },
	/* BA (16: fixed 12, PadN 12) */
	{ "BA option overrun in its last octet",
	  10, 12, "00000099", 0, true, 0, false, E(MH_OPT_OVERRUN) },
	{ "BA retyped BE: shorter than a BE", 10, 2, "07", 0, true, 0, false, E(MH_SHORT) },
	/* CTAR over ICMPv6 (ICMPv6 8 + CXTP 52) */
	{ "CTAR request block with data", 13, 56, "01", 0, true, 0, false, E(CDB_REQUEST) },
	{ "CXTP over ICMPv6 code 1", 13, 1, "01", 0, true, 0, false, E(ICMP_CODE) },
	{ "ICMPv6 150 subtype 0 (CARD)", 13, 4, "00", 0, true, 0, false, E(ICMP_SUBTYPE) },
	{ "CTAR CDB length past the end", 13, 54, "02", 0, true, 0, false, E(CDB_LEN) },
	/* PCTD over SCTP (hdr 0, elapsed 4, prev 8, alg 24, key 28, CDB 44) */
	{ "CXTP version 2", 14, 0, "44", 0, false, 0, false, E(CXTP_VERSION) },
	{ "CXTP type 9", 14, 0, "29", 0, false, 0, false, E(CXTP_TYPE) },
	{ "CXTP with IPv4 addresses", 14, 1, "c0", 0, false, 0, false, E(CXTP_IPV4) },
	{ "CXTP Length short of the message", 14, 2, "00db", 0, false, 0, false, E(CXTP_LEN) },
	{ "CXTP Length past the message", 14, 2, "00dd", 0, false, 0, false, E(TRUNCATED) },
	{ "PCTD algorithm 2", 14, 24, "0002", 0, false, 0, false, E(CXTP_ALG) },
	{ "PCTD key length 0", 14, 26, "0000", 0, false, 0, false, E(CXTP_KEY_LEN) },
	{ "PCTD key length 65", 14, 26, "0041", 0, false, 0, false, E(CXTP_KEY_LEN) },
	{ "PCTD key past the end", 14, 2, "0028", 40, false, 0, false, E(TRUNCATED) },
	{ "PCTD CDB length 0", 14, 46, "00", 0, false, 0, false, E(CDB_LEN) },
	{ "PCTD CDB length past the end", 14, 46, "17", 0, false, 0, false, E(CDB_LEN) },
	{ "PCTD FPT 0", 14, 44, "0000", 0, false, 0, false, E(CODE) },
	{ "PCTD without a CDB", 14, 2, "002c", 44, false, 0, false, E(CDB_MISSING) },
	{ "SA block version 2", 14, 48, "02", 0, false, 0, true, E(SA_VERSION) },
	{ "SA block direction 2", 14, 49, "02", 0, false, 0, true, E(SA_FIELD) },
	{ "SA block mode 3", 14, 50, "03", 0, false, 0, true, E(SA_FIELD) },
	{ "SA block protocol 17", 14, 51, "11", 0, false, 0, true, E(SA_FIELD) },
	{ "SA block window 63", 14, 64, "003f", 0, false, 0, true, E(SA_FIELD) },
	{ "SA block unknown flag", 14, 66, "0003", 0, false, 0, true, E(SA_FIELD) },
	{ "SA block selector prefix 129", 14, 140, "81", 0, false, 0, true, E(PLEN) },
	{ "SA block key length 300", 14, 176, "012c", 0, false, 0, true, E(SA_FIELD) },
	{ "SA block key past the block", 14, 176, "0029", 0, false, 0, true, E(SA_LEN) },
	{ "SA block key shorter than its octets", 14, 176, "0023", 0, false, 0, true, E(SA_LEN) },
	/* CTDR (24: statuses from 20) */
	{ "CTDR status list not in 4-octet units",
	  15, 2, "0017", 23, false, 0, false, E(CXTP_LEN) },
	{ "CTDR cut in its header", 15, 0, "", 3, false, 0, false, E(TRUNCATED) },
	/* CT-Req (36: request CDB 28) */
	{ "CT-Req request block with data", 18, 32, "01", 0, false, 0, false, E(CDB_REQUEST) },
};

#undef E

static void fix_csum(const struct t_decoded *d, uint8_t *m, size_t len,
		     const struct mhod_pkt_info *pi)
{
	if (d->pkt.proto == MHOD_IPPROTO_ICMPV6 && len >= 4) {
		put16(m + 2, 0);
		put16(m + 2, mhod_csum(&pi->src, &pi->dst, 58, m, len));
	} else if (d->pkt.proto == MHOD_IPPROTO_MH && len >= 6) {
		put16(m + 4, 0);
		put16(m + 4, mhod_csum(&pi->src, &pi->dst, 135, m, len));
	}
}

/* Parse msg as the message type of the packet d came from. */
static enum mhod_err parse_as(const struct t_decoded *d, const uint8_t *m,
			      size_t len, const struct mhod_pkt_info *pi,
			      bool sa)
{
	static struct mhod_icmp ic;
	static struct mhod_mh mh;
	static struct mhod_cxtp cx;
	struct mhod_sa_cdb block;
	enum mhod_err err;

	switch (d->pkt.proto) {
	case MHOD_IPPROTO_ICMPV6:
		return mhod_icmp_parse(&ic, m, len, pi, NULL);
	case MHOD_IPPROTO_MH:
		return mhod_mh_parse(&mh, m, len, pi, NULL);
	}
	err = mhod_cxtp_parse(&cx, m, len, pi, NULL);
	if (err || !sa)
		return err;
	return mhod_sa_cdb_parse(&block, &cx.cdbs[0]);
}

static const struct t_vector *find(const struct t_vector *v, int n, int frame)
{
	int i;

	for (i = 0; i < n; i++)
		if (v[i].frame == frame)
			return &v[i];
	return NULL;
}

static void run_case(const struct mcase *c, const struct t_vector *v, int n)
{
	static struct t_decoded d;
	const struct t_vector *vec = find(v, n, c->frame);
	struct mhod_pkt_info pi;
	uint8_t m[MHOD_PKT_MAX];
	size_t len, hl = strlen(c->hex) / 2;
	enum mhod_err err;

	t_begin("malformed: %s -> %s", c->name, mhod_err_name(c->want));
	if (!t_check(vec && !t_decode(vec->pkt, vec->len, &d), "vector %d",
		     c->frame))
		goto out;
	pi = d.pi;
	len = d.pkt.len;
	memcpy(m, d.pkt.payload, len);
	if (!t_check(c->off + hl <= len, "case outside the message"))
		goto out;
	t_unhex(c->hex, m + c->off, hl);
	if (c->newlen)
		len = c->newlen;
	if (c->pi == PI_HOPLIMIT)
		pi.hop_limit = 64;
	else if (c->pi == PI_GLOBAL_SRC)
		pi.src = t_addr("2001:db8:2::1");
	else if (c->pi == PI_COA_NOT_HOA)
		pi.src = d.pkt.src;
	if (c->recsum)
		fix_csum(&d, m, len, &pi);
	/* the unchanged message must pass, else the case proves nothing */
	if (c->hex[0] || c->newlen || c->pi)
		t_check(!parse_as(&d, d.pkt.payload, d.pkt.len, &d.pi, c->sa),
			"the reference message does not parse");
	err = parse_as(&d, m, len, &pi, c->sa);
	t_check(err == c->want, "got %s", mhod_err_name(err));
out:
	t_end();
}

/*
 * Cut each message at every octet: with its checksum unchanged (ICMPv6:
 * checksum error; MH and CXTP: their length fields say more) and, for
 * ICMPv6, with the checksum fixed: inside the fixed part a truncation,
 * inside an option an overrun, at an option boundary anything but a
 * checksum error (the shorter message may even be valid).
 */
static void truncations(const struct t_vector *v, int n)
{
	static struct t_decoded d;
	uint8_t m[MHOD_PKT_MAX];
	bool boundary[MHOD_PKT_MAX];
	int i;

	for (i = 0; i < n; i++) {
		struct mhod_pkt_info pi;
		size_t len, cut, bad = 0, opt0, o;
		enum mhod_err err, want;
		const uint8_t *p;

		t_begin("truncated: vector %d %s cut at every octet",
			v[i].frame, v[i].name);
		if (!t_check(!t_decode(v[i].pkt, v[i].len, &d), "decode")) {
			t_end();
			continue;
		}
		pi = d.pi;
		p = d.pkt.payload;
		len = d.pkt.len;
		opt0 = p[0] == MHOD_ICMP_FMIP ? 8 : p[0] == MHOD_ICMP_NA ? 24 :
			p[0] == MHOD_ICMP_RA ? 16 : len;
		memset(boundary, 0, sizeof(boundary));
		for (o = opt0; d.pkt.proto == MHOD_IPPROTO_ICMPV6 && o < len;
		     o += (size_t)p[o + 1] * 8)
			boundary[o] = true;
		for (cut = 0; cut < len && bad < 3; cut++) {
			memcpy(m, p, cut);
			err = parse_as(&d, m, cut, &pi, false);
			want = d.pkt.proto == MHOD_IPPROTO_ICMPV6 && cut >= 4 ?
				MHOD_E_CHECKSUM : MHOD_E_TRUNCATED;
			if (!t_check(err == want, "cut at %zu: %s", cut,
				     mhod_err_name(err)))
				bad++;
			if (d.pkt.proto != MHOD_IPPROTO_ICMPV6 || cut < 4)
				continue;
			fix_csum(&d, m, cut, &pi);
			err = parse_as(&d, m, cut, &pi, false);
			if (cut < opt0)
				want = MHOD_E_TRUNCATED;
			else if (boundary[cut])
				want = err == MHOD_E_CHECKSUM ? MHOD_OK : err;
			else
				want = MHOD_E_ND_OPT_OVERRUN;
			if (!t_check(err == want, "cut at %zu, checksum fixed: %s",
				     cut, mhod_err_name(err)))
				bad++;
		}
		t_end();
	}
}

/* An option count over MHOD_OPTS_MAX, and messages over the size limits. */
static void limits(void)
{
	static struct mhod_mh mh;
	static struct mhod_icmp ic;
	struct mhod_pkt_info pi = { .hop_limit = -1 };
	uint8_t m[MHOD_MSG_MAX + 16];
	size_t i;

	pi.src = t_addr("2001:db8:1::1");
	pi.dst = t_addr("2001:db8:2::1");
	t_begin("malformed: HI with 33 options -> TOO_MANY_OPTS");
	memset(m, 0, sizeof(m));
	m[0] = 59;
	m[1] = 80 / 8 - 1;
	m[2] = MHOD_MH_HI;
	for (i = 0; i < 33; i++)
		m[10 + 2 * i] = 0x99;	/* unknown option, length 0 */
	m[76] = MHOD_MHO_PADN;
	m[77] = 2;
	put16(m + 4, mhod_csum(&pi.src, &pi.dst, 135, m, 80));
	t_check(mhod_mh_parse(&mh, m, 80, &pi, NULL) == MHOD_E_TOO_MANY_OPTS,
		"33 options");
	/* 32 are fine (the MN LLA is among them) */
	m[10 + 2 * 31] = MHOD_MHO_LLA;
	m[10 + 2 * 31 + 1] = 7;
	t_end();

	t_begin("malformed: MH of 2056 octets -> TOO_LONG");
	t_check(mhod_mh_parse(&mh, m, MHOD_MH_MAX + 8, &pi, NULL) ==
		MHOD_E_TOO_LONG, "MH");
	t_end();
	t_begin("malformed: ICMPv6 of 4097 octets -> TOO_LONG");
	t_check(mhod_icmp_parse(&ic, m, MHOD_MSG_MAX + 1, &pi, NULL) ==
		MHOD_E_TOO_LONG, "ICMPv6");
	t_end();
}

/*
 * Pre-authentication options: built as options of a foreign experiment
 * (which parsers skip), then given mhod's Experiment ID.
 */
struct pa_case {
	const char *name;
	uint8_t mh_type;	/* MH message, or 0 for an ICMPv6 one */
	enum mhod_msg icmp;
	const char *opts[3];	/* option data after the Experiment ID */
	bool ours;		/* give them mhod's Experiment ID */
	enum mhod_err want;
};

#define N16 "000102030405060708090a0b0c0d0e0f"
static const struct pa_case pa_cases[] = {
	{ "HI nonce of 10 octets",
	  MHOD_MH_HI, 0, { "0300" "00010203040506070809" }, true, MHOD_E_PA_LEN },
	{ "HI SA payload of 10 octets",
	  MHOD_MH_HI, 0, { "0100" "00010203040506070809" }, true, MHOD_E_PA_LEN },
	{ "HI fragment followed by another kind",
	  MHOD_MH_HI, 0, { "0380" N16, "0400" "04010203" }, true, MHOD_E_PA_FRAG },
	{ "HI last fragment with M", MHOD_MH_HI, 0, { "0380" N16 }, true, MHOD_E_PA_FRAG },
	{ "HI two nonces", MHOD_MH_HI, 0, { "0300" N16, "0300" N16 }, true, MHOD_E_OPT_DUP },
	{ "HI payload kind 9", MHOD_MH_HI, 0, { "0900" N16 }, true, MHOD_E_PA_KIND },
	{ "HI payload kind 0", MHOD_MH_HI, 0, { "0000" N16 }, true, MHOD_E_PA_KIND },
	{ "HI reserved flag", MHOD_MH_HI, 0, { "0340" N16 }, true, MHOD_E_PA_FLAGS },
	{ "FBU with a pre-auth nonce", MHOD_MH_FBU, 0, { "0300" N16 }, true, MHOD_OK },
	{ "FBack with a pre-auth nonce",
	  MHOD_MH_FBACK, 0, { "0300" N16 }, true, MHOD_OK },
	{ "BA with a pre-auth option",
	  MHOD_MH_BA, 0, { "0300" N16 }, true, MHOD_E_OPT_UNEXPECTED },
	{ "HI with another experiment's option", MHOD_MH_HI, 0, { "0300" "0102" }, false, MHOD_OK },
	{ "RtSolPr empty fragment", 0, MHOD_MSG_RTSOLPR, { "0300" "0000" }, true, MHOD_E_PA_FRAG },
	{ "RtSolPr DataLen past the option",
	  0, MHOD_MSG_RTSOLPR, { "0300" "0011" N16 }, true, MHOD_E_ND_OPT_LEN },
	{ "RtSolPr padding not zero",
	  0, MHOD_MSG_RTSOLPR, { "0300" "000f" N16 }, true, MHOD_E_PAD },
	{ "RtSolPr an 8-octet unit of padding",
	  0, MHOD_MSG_RTSOLPR, { "0300" "0008" N16 }, true, MHOD_E_ND_OPT_LEN },
	{ "RtSolPr nonce in two fragments",
	  0, MHOD_MSG_RTSOLPR,
	  { "0380" "0008" "0001020304050607", "0300" "0008" "0001020304050607" },
	  true, MHOD_OK },
	{ "NA with a pre-auth option",
	  0, MHOD_MSG_NA, { "0300" "0010" N16 }, true, MHOD_E_OPT_UNEXPECTED },
	{ "RtSolPr with another experiment's option",
	  0, MHOD_MSG_RTSOLPR, { "0300" "0002" "0102" }, false, MHOD_OK },
};

static void pa_mh_case(const struct pa_case *c, uint8_t data[3][64],
		       size_t lens[3])
{
	static struct mhod_mh m, back;
	struct mhod_pkt_info pi = { .hop_limit = -1 };
	uint8_t buf[MHOD_MH_MAX];
	size_t n = 0, i;
	struct mhod_mh_opt *o;
	enum mhod_err err;

	pi.src = t_addr("2001:db8:1::1");
	pi.dst = t_addr("2001:db8:2::1");
	memset(&m, 0, sizeof(m));
	m.type = c->mh_type;
	m.flags = c->mh_type == MHOD_MH_FBU ? MHOD_BU_A | MHOD_BU_H : 0;
	for (i = 0; i < 3 && lens[i]; i++) {
		o = &m.opts[m.nopts++];
		o->type = MHOD_MHO_EXP;
		o->data = data[i];
		o->len = (uint8_t)lens[i];
	}
	o = &m.opts[m.nopts++];
	if (c->mh_type == MHOD_MH_FBU || c->mh_type == MHOD_MH_FBACK) {
		o->type = MHOD_MHO_BADF;
		o->len = 12;
	} else if (c->mh_type == MHOD_MH_BA) {
		o->type = MHOD_MHO_BRA;
		o->refresh = 1;
	} else {
		o->type = MHOD_MHO_LLA;
		o->code = MHOD_LLA_MN;
		o->lla_len = 6;
	}
	err = mhod_mh_build(&m, &pi, buf, sizeof(buf), &n);
	if (!t_check(!err, "build: %s", mhod_err_name(err)))
		return;
	if (mhod_mh_parse(&back, buf, n, &pi, NULL))
		return;
	for (i = 0; c->ours && i < back.nopts; i++)
		if (back.opts[i].type == MHOD_MHO_EXP)
			put16(buf + back.opts[i].off + 2, MHOD_PA_EXPID);
	put16(buf + 4, 0);
	put16(buf + 4, mhod_csum(&pi.src, &pi.dst, 135, buf, n));
	err = mhod_mh_parse(&back, buf, n, &pi, NULL);
	t_check(err == c->want, "got %s", mhod_err_name(err));
}

static void pa_icmp_case(const struct pa_case *c, uint8_t data[3][64],
			 size_t lens[3])
{
	static struct mhod_icmp m, back;
	static uint8_t raw[3][80];
	struct mhod_pkt_info pi = { .hop_limit = -1, .lla_len = 6 };
	uint8_t buf[MHOD_MSG_MAX];
	size_t n = 0, i, off;
	struct mhod_nd_opt *o;
	enum mhod_err err;

	pi.src = t_addr("2001:db8:1::a");
	pi.dst = t_addr("ff02::1");
	memset(&m, 0, sizeof(m));
	m.msg = c->icmp;
	m.target = t_addr("2001:db8:1::a");
	if (c->icmp == MHOD_MSG_RTSOLPR) {
		o = &m.opts[m.nopts++];
		o->type = MHOD_ND_LLA;
		o->code = MHOD_LLA_NEW_AP;
		o->lla_len = 6;
	}
	for (i = 0; i < 3 && lens[i]; i++) {
		size_t size = (2 + lens[i] + 7) / 8 * 8;

		memset(raw[i], 0, sizeof(raw[i]));
		raw[i][0] = MHOD_ND_PA;
		raw[i][1] = (uint8_t)(size / 8);
		memcpy(raw[i] + 2, data[i], lens[i]);
		o = &m.opts[m.nopts++];
		o->type = MHOD_ND_PA;
		o->raw = raw[i];
		o->raw_len = (uint16_t)size;
	}
	err = mhod_icmp_build(&m, &pi, buf, sizeof(buf), &n);
	if (!t_check(!err, "build: %s", mhod_err_name(err)))
		return;
	for (off = c->icmp == MHOD_MSG_NA ? 24 : 8; c->ours && off < n;
	     off += (size_t)buf[off + 1] * 8)
		if (buf[off] == MHOD_ND_PA)
			put16(buf + off + 2, MHOD_PA_EXPID);
	put16(buf + 2, 0);
	put16(buf + 2, mhod_csum(&pi.src, &pi.dst, 58, buf, n));
	err = mhod_icmp_parse(&back, buf, n, &pi, NULL);
	t_check(err == c->want, "got %s", mhod_err_name(err));
}

static void pa_malformed(void)
{
	uint8_t data[3][64];
	size_t lens[3], i, j;

	for (i = 0; i < ARRAY_SIZE(pa_cases); i++) {
		const struct pa_case *c = &pa_cases[i];

		t_begin("pre-auth: %s -> %s", c->name, mhod_err_name(c->want));
		for (j = 0; j < 3; j++) {
			/* Experiment ID 0 (someone else's) then the data */
			lens[j] = c->opts[j] ?
				2 + t_unhex(c->opts[j], data[j] + 2, 62) : 0;
			data[j][0] = 0;
			data[j][1] = 0;
		}
		if (c->mh_type)
			pa_mh_case(c, data, lens);
		else
			pa_icmp_case(c, data, lens);
		t_end();
	}
}

/*
 * The Mobile IPv6 headers of the sockets API (pkt.h): the builders' Home
 * Address option parses back; a second option, a wrong length, an
 * unknown option, a header length that is not the buffer's, are refused.
 */
static void xhdrs(void)
{
	struct in6_addr hoa = t_addr("2001:db8:ff::1"), got;
	uint8_t h[2 * MHOD_XHDR_LEN];

	t_begin("HAO header: built, parsed back; RH2 header built");
	mhod_hao_hdr(h, &hoa);
	/* fuzz-wire's whole-packet mode reads it as a header too. */
	t_seed("wire", 3, h, MHOD_XHDR_LEN);
	memset(&got, 0, sizeof(got));
	if (t_check(mhod_dstopts_hao(h, MHOD_XHDR_LEN, &got) == MHOD_OK,
		    "parse"))
		t_check(!memcmp(&got, &hoa, sizeof(got)), "address");
	t_check(h[1] == 2 && h[6] == 201 && h[7] == 16, "layout");
	mhod_rh2_hdr(h, &hoa);
	t_check(h[1] == 2 && h[2] == 2 && h[3] == 1 &&
		!memcmp(h + 8, &hoa, 16), "RH2 layout");
	t_end();

	t_begin("HAO header refused: two options, bad lengths, unknown option");
	mhod_hao_hdr(h, &hoa);
	t_check(mhod_dstopts_hao(h, MHOD_XHDR_LEN - 8, &got) != MHOD_OK,
		"shorter than its length");
	t_check(mhod_dstopts_hao(h, 7, &got) != MHOD_OK, "7 octets");
	h[7] = 15;
	t_check(mhod_dstopts_hao(h, MHOD_XHDR_LEN, &got) != MHOD_OK,
		"option length 15");
	mhod_hao_hdr(h, &hoa);
	h[2] = 0x1e;	/* not PadN */
	t_check(mhod_dstopts_hao(h, MHOD_XHDR_LEN, &got) != MHOD_OK,
		"unknown option");
	mhod_hao_hdr(h, &hoa);
	mhod_hao_hdr(h + MHOD_XHDR_LEN, &hoa);
	memcpy(h + MHOD_XHDR_LEN, h + 6, 18);	/* a second HAO */
	memset(h + MHOD_XHDR_LEN + 18, 0, 6);
	h[MHOD_XHDR_LEN + 18] = 1;
	h[MHOD_XHDR_LEN + 19] = 4;
	h[1] = 5;
	t_check(mhod_dstopts_hao(h, 2 * MHOD_XHDR_LEN, &got) != MHOD_OK,
		"two Home Address options");
	memset(h + 2, 0, 4);	/* Pad1s, no option */
	memset(h + 6, 0, 18);
	h[1] = 2;
	t_check(mhod_dstopts_hao(h, MHOD_XHDR_LEN, &got) != MHOD_OK,
		"no Home Address option");
	t_end();
}

void test_malformed(const char *path)
{
	static struct t_vector v[MAX_VECTORS];
	int n = t_load_vectors(path, v, MAX_VECTORS);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		run_case(&cases[i], v, n);
	truncations(v, n);
	limits();
	pa_malformed();
	xhdrs();
}
