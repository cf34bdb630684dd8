// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for every message parser. The first octet selects:
 *   bits 0-1  0 ICMPv6 (RtSolPr, PrRtAdv, NA, RA, CXTP/150, ...), 1 MH,
 *             2 CXTP (SCTP payload), 3 a whole IPv6 packet (pkt.c),
 *             and the same octets as a Destination Options header with
 *             a Home Address option
 *   bits 2-3  link-layer address length: 6, 8, 1, 16
 *   bit 6     CTD carries key material
 *   bit 7     leave the checksum as it is (else it is fixed up, so that
 *             the fuzzer gets past it)
 * A message that parses must build, the result must parse, and building
 * that again must give the same octets. Context blocks that parse as
 * IPsec SA blocks must build and parse back too. A Mobility Header
 * message's pre-authentication payloads go through what the daemon does
 * with them (decode, and the key derivation with a fixed value of ours).
 */
#include <stdlib.h>
#include <string.h>

#include "../bytes.h"
#include "../pakeys.h"
#include "../pkt.h"
#include "../wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t lla_lens[4] = { 6, 8, 1, 16 };
static const uint8_t key[20] = { 1, 2, 3 };

#define CHECK(x) do { if (!(x)) abort(); } while (0)

static void sa_blocks(const struct mhod_cxtp *c)
{
	uint8_t buf[4096];
	struct mhod_sa_cdb sa, back;
	struct mhod_cdb cdb;
	size_t n, i;

	for (i = 0; i < c->ncdbs; i++) {
		if (mhod_sa_cdb_parse(&sa, &c->cdbs[i]))
			continue;
		CHECK(!mhod_sa_cdb_build(&sa, buf, sizeof(buf), &n));
		cdb = (struct mhod_cdb){ .fpt = MHOD_FPT_IPSEC_SA,
					 .len = (uint16_t)n, .data = buf };
		CHECK(!mhod_sa_cdb_parse(&back, &cdb));
		CHECK(back.spi == sa.spi && back.key_len == sa.key_len &&
		      !memcmp(back.key, sa.key, sa.key_len));
	}
}

/*
 * mho context blocks: what get() accepts, put() splits into blocks that
 * get() gathers back to the same octets; what it refuses leaves nothing.
 */
static void ctx_blocks(const struct mhod_cxtp *c)
{
	static uint8_t ctx[MHOD_MSG_MAX], ctx2[MHOD_MSG_MAX];
	static uint8_t work[MHOD_CTX_WORK(MHOD_MSG_MAX)];
	static struct mhod_cxtp m;
	size_t n, n2;

	if (mhod_ctx_cdbs_get(c, ctx, sizeof(ctx), &n)) {
		CHECK(n == 0);
		return;
	}
	memset(&m, 0, sizeof(m));
	CHECK(!mhod_ctx_cdbs_put(&m, ctx, n, work, sizeof(work)));
	CHECK(!mhod_ctx_cdbs_get(&m, ctx2, sizeof(ctx2), &n2));
	CHECK(n == n2 && !memcmp(ctx, ctx2, n));
}

static void cxtp_extras(const struct mhod_cxtp *c)
{
	const uint8_t *span;
	uint8_t tok[4];
	size_t n;

	mhod_cxtp_req_span(c, &span, &n);
	mhod_cxtp_token(key, sizeof(key), &c->prev_ip, c->seq, span, n, tok);
	sa_blocks(c);
	ctx_blocks(c);
}

static void icmp(uint8_t *buf, size_t len, struct mhod_pkt_info *pi,
		 bool fix)
{
	static struct mhod_icmp m, m2;
	static uint8_t out[MHOD_MSG_MAX], out2[MHOD_MSG_MAX], pa[MHOD_PA_MAX];
	size_t n, n2, got;
	uint8_t kind;

	if (fix && len >= 4) {
		put16(buf + 2, 0);
		put16(buf + 2, mhod_csum(&pi->src, &pi->dst, 58, buf, len));
	}
	if (mhod_icmp_parse(&m, buf, len, pi, NULL))
		return;
	for (kind = 0; kind <= MHOD_PA_KIND_MAX + 1; kind++)
		CHECK(!mhod_icmp_pa_get(&m, kind, pa, sizeof(pa), &got));
	if (m.msg == MHOD_MSG_CXTP)
		cxtp_extras(&m.cxtp);
	CHECK(!mhod_icmp_build(&m, pi, out, sizeof(out), &n));
	CHECK(!mhod_icmp_parse(&m2, out, n, pi, NULL));
	CHECK(!mhod_icmp_build(&m2, pi, out2, sizeof(out2), &n2));
	CHECK(n == n2 && !memcmp(out, out2, n));
}

static void preauth(const struct mhod_mh *m, const struct mhod_pkt_info *pi)
{
	static const struct mhod_pa_local ours = { .spi = 0xc0000001,
						   .priv = { 0x40, 9, 9 } };
	struct mhod_pa_wire w;
	struct mhod_pa_peer p;
	struct mhod_pa_keys k;
	int got = mhod_pa_wire_get(m, &w);

	CHECK(got >= -1 && got <= 1 && w.set == (got == 1));
	if (got != 1 || mhod_pa_peer_get(&w, &p))
		return;
	CHECK(p.spi >= 256);
	if (mhod_pa_derive(&ours, &p, false, &pi->src, &pi->dst, &k))
		CHECK(!k.esp_mn[0] && !k.badf[0]);
}

static void mh(uint8_t *buf, size_t len, struct mhod_pkt_info *pi, bool fix)
{
	static struct mhod_mh m, m2;
	static uint8_t out[MHOD_MH_MAX], out2[MHOD_MH_MAX], pa[MHOD_PA_MAX];
	struct in6_addr coa = pi->src;
	size_t n, n2, got;
	enum mhod_err err;
	uint8_t kind;

	if (fix && len >= 6) {
		put16(buf + 4, 0);
		put16(buf + 4, mhod_csum(&pi->src, &pi->dst, 135, buf, len));
	}
	if (mhod_mh_parse(&m, buf, len, pi, NULL))
		return;
	for (kind = 0; kind <= MHOD_PA_KIND_MAX + 1; kind++)
		CHECK(!mhod_mh_pa_get(&m, kind, pa, sizeof(pa), &got));
	preauth(&m, pi);
	(void)mhod_mh_badf_verify(&m, buf, len, key, sizeof(key), &coa,
				  &pi->dst);
	err = mhod_mh_build(&m, pi, out, sizeof(out), &n);
	/* Canonical padding may need a little more room than the input. */
	CHECK(!err || (err == MHOD_E_INVAL && len > MHOD_MH_MAX - 8 * 32));
	if (err)
		return;
	CHECK(!mhod_mh_parse(&m2, out, n, pi, NULL));
	CHECK(!mhod_mh_build(&m2, pi, out2, sizeof(out2), &n2));
	CHECK(n == n2 && !memcmp(out, out2, n));
	if (mhod_mh_opt_find(&m, MHOD_MHO_BADF, -1) &&
	    mhod_mh_opt_find(&m, MHOD_MHO_BADF, -1)->len == 12) {
		CHECK(!mhod_mh_badf_sign(out, n, pi, key, sizeof(key), &coa,
					 &pi->dst));
		CHECK(!mhod_mh_parse(&m2, out, n, pi, NULL));
		CHECK(mhod_mh_badf_verify(&m2, out, n, key, sizeof(key), &coa,
					  &pi->dst));
	}
}

static void cxtp(const uint8_t *buf, size_t len, struct mhod_pkt_info *pi)
{
	static struct mhod_cxtp m, m2;
	static uint8_t out[MHOD_MSG_MAX], out2[MHOD_MSG_MAX];
	size_t n, n2;

	if (mhod_cxtp_parse(&m, buf, len, pi, NULL))
		return;
	cxtp_extras(&m);
	CHECK(!mhod_cxtp_build(&m, out, sizeof(out), &n));
	CHECK(!mhod_cxtp_parse(&m2, out, n, pi, NULL));
	CHECK(!mhod_cxtp_build(&m2, out2, sizeof(out2), &n2));
	CHECK(n == n2 && !memcmp(out, out2, n));
}

/*
 * A Destination Options header as IPV6_RECVDSTOPTS hands it to the home
 * agent: one that gives a Home Address, and the header mhod builds for
 * that address, give the same address.
 */
static void dstopts(const uint8_t *buf, size_t len)
{
	uint8_t h[MHOD_XHDR_LEN];
	struct in6_addr a, b;

	if (mhod_dstopts_hao(buf, len, &a))
		return;
	mhod_hao_hdr(h, &a);
	CHECK(!mhod_dstopts_hao(h, sizeof(h), &b));
	CHECK(!memcmp(&a, &b, sizeof(a)));
}

static void packet(const uint8_t *buf, size_t len)
{
	static uint8_t out[MHOD_PKT_MAX];
	struct mhod_pkt p;
	size_t n;

	dstopts(buf, len);
	if (mhod_pkt_parse(&p, buf, len, key, sizeof(key)))
		return;
	CHECK(!mhod_pkt_build(&p, out, sizeof(out), &n, key, sizeof(key)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[MHOD_PKT_MAX + 16];
	struct mhod_pkt_info pi = { .hop_limit = 255 };
	uint8_t sel;
	size_t len;

	if (size < 1 || size - 1 > sizeof(buf))
		return 0;
	sel = data[0];
	len = size - 1;
	memcpy(buf, data + 1, len);
	pi.lla_len = lla_lens[(sel >> 2) & 3];
	pi.ctd_has_key = sel & 0x40;
	pi.src.s6_addr[0] = 0xfe;	/* fe80::1, link-local for RAs */
	pi.src.s6_addr[1] = 0x80;
	pi.src.s6_addr[15] = 1;
	pi.dst.s6_addr[0] = 0x20;	/* 2001:db8::2 */
	pi.dst.s6_addr[1] = 0x01;
	pi.dst.s6_addr[2] = 0x0d;
	pi.dst.s6_addr[3] = 0xb8;
	pi.dst.s6_addr[15] = 2;
	switch (sel & 3) {
	case 0:
		icmp(buf, len, &pi, !(sel & 0x80));
		break;
	case 1:
		mh(buf, len, &pi, !(sel & 0x80));
		break;
	case 2:
		cxtp(buf, len, &pi);
		break;
	default:
		packet(buf, len);
	}
	return 0;
}
