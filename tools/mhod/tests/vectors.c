// SPDX-License-Identifier: GPL-2.0
/*
 * The reference vectors (shared/signaling/vectors.hex): every frame
 * parses, is the intended message, rebuilds byte for byte, and carries
 * the fields gen_vectors.py put in it, RFC deviations of Wireshark
 * included (FBU lifetime in seconds, the NAACK NCoA at offset 8).
 */
#include <string.h>

#include "ktap.h"
#include "../bytes.h"

#define MAX_VECTORS 64

static const enum mhod_msg expected[] = {
	MHOD_MSG_RTSOLPR, MHOD_MSG_PRRTADV, MHOD_MSG_FBU, MHOD_MSG_HI,
	MHOD_MSG_HACK, MHOD_MSG_FBACK, MHOD_MSG_NA, MHOD_MSG_RA, MHOD_MSG_BU,
	MHOD_MSG_BA, MHOD_MSG_BU, MHOD_MSG_HI_4068, MHOD_MSG_CXTP,
	MHOD_MSG_CXTP, MHOD_MSG_CXTP, MHOD_MSG_CXTP, MHOD_MSG_CXTP,
	MHOD_MSG_CXTP,
};

static bool addr_is(const struct in6_addr *a, const char *s)
{
	struct in6_addr b = t_addr(s);

	return !memcmp(a, &b, sizeof(b));
}

static const struct mhod_cxtp *cxtp_of(const struct t_decoded *d)
{
	return d->pkt.proto == MHOD_IPPROTO_SCTP ? &d->cxtp : &d->icmp.cxtp;
}

/* Fields of each frame, as gen_vectors.py wrote them. */
static void check_fields(int frame, const struct t_decoded *d)
{
	const struct mhod_icmp *ic = &d->icmp;
	const struct mhod_mh *mh = &d->mh;
	const struct mhod_cxtp *cx = cxtp_of(d);
	const struct mhod_nd_opt *no;
	const struct mhod_mh_opt *mo;
	struct in6_addr ncoa = t_addr("2001:db8:2::a");
	struct in6_addr par = t_addr("2001:db8:1::1");
	struct mhod_sa_cdb sa;
	const uint8_t *span;
	uint8_t tok[4];
	size_t n;

	switch (frame) {
	case 1:
		t_check(ic->ident == 0x4242, "ident %#x", ic->ident);
		no = mhod_nd_opt_find(ic, MHOD_ND_LLA, MHOD_LLA_NEW_AP);
		t_check(no && no->lla[5] == 0xaa, "new AP LLA");
		break;
	case 2:
		no = mhod_nd_opt_find(ic, MHOD_ND_IPA, MHOD_IPA_NAR);
		t_check(no && addr_is(&no->addr, "2001:db8:2::1") &&
			no->plen == 128, "NAR IP option");
		no = mhod_nd_opt_find(ic, MHOD_ND_NRPI, -1);
		t_check(no && no->plen == 64 &&
			addr_is(&no->addr, "2001:db8:2::"), "NRPI");
		break;
	case 3:
		t_check(mh->seq == 0x1001, "seq %#x", mh->seq);
		t_check(mh->flags == (MHOD_BU_A | MHOD_BU_H | MHOD_BU_L),
			"flags %#x", mh->flags);
		/* RFC 5568: seconds (Wireshark shows 40 s, 4 s units) */
		t_check(mh->lifetime == 10, "lifetime %u", mh->lifetime);
		mo = mhod_mh_opt_find(mh, MHOD_MHO_ALTCOA, -1);
		t_check(mo && !memcmp(&mo->addr, &ncoa, 16), "AltCoA");
		mo = mhod_mh_opt_find(mh, MHOD_MHO_BADF, -1);
		t_check(mo && mo->spi == 0x100 && mo->len == 12, "BADF");
		t_check(addr_is(&d->pi.src, "2001:db8:1::a"),
			"pseudo-header source is the HoA");
		__attribute__((fallthrough));	/* BADF known answer */
	case 6:
		t_check(mhod_mh_badf_verify(mh, d->pkt.payload, d->pkt.len,
					    t_k_mn_par, sizeof(t_k_mn_par),
					    &ncoa, &par),
			"BADF authenticator verifies");
		t_check(!mhod_mh_badf_verify(mh, d->pkt.payload, d->pkt.len,
					     t_k_mn_par, 19, &ncoa, &par),
			"BADF with another key fails");
		break;
	case 4:
		t_check(mh->seq == 0x2001 && mh->flags == MHOD_HI_U &&
			mh->code == 0, "HI fields");
		mo = mhod_mh_opt_find(mh, MHOD_MHO_IPAP, MHOD_IPA_NCOA);
		t_check(mo && !memcmp(&mo->addr, &ncoa, 16), "HI NCoA");
		t_check(mhod_mh_opt_find(mh, MHOD_MHO_LLA, MHOD_LLA_MN) != NULL,
			"HI MN LLA");
		break;
	case 5:
		t_check(mh->seq == 0x2001 && mh->code == 0, "HAck fields");
		break;
	case 7:
		t_check(mhod_na_is_una(ic), "NA is an UNA");
		t_check(!memcmp(&ic->target, &ncoa, 16), "UNA target");
		break;
	case 8:
		no = mhod_nd_opt_find(ic, MHOD_ND_NAACK, -1);
		/* RFC 5568 6.4.6: NCoA after the 4 reserved octets */
		t_check(no && no->status == 2 && no->has_addr &&
			addr_is(&no->addr, "2001:db8:2::b"), "NAACK");
		break;
	case 9:
	case 11:
		t_check(mh->flags == (MHOD_BU_A | MHOD_BU_H | MHOD_BU_K) &&
			mh->lifetime == 150, "BU fields");
		t_check(mh->seq == (frame == 9 ? 0x3001 : 0x3002), "BU seq");
		t_check(frame == 9 || (d->pkt.has_esp &&
				       d->pkt.esp_spi == 0x1001),
			"BU in ESP");
		break;
	case 10:
		t_check(mh->status == 0 && mh->flags == MHOD_BA_K &&
			mh->seq == 0x3001, "BA fields");
		t_check(addr_is(&d->pi.dst, "2001:db8:100::a"),
			"pseudo-header destination from RH2");
		break;
	case 12:
		t_check(ic->flags == MHOD_HI_U && ic->ident == 0x2002,
			"RFC 4068 HI");
		break;
	case 13:
	case 16:
		t_check(cx->type == MHOD_CXTP_CTAR && cx->flag &&
			cx->seq == 0x5eed0001 && cx->ncdbs == 1 &&
			cx->cdbs[0].fpt == MHOD_FPT_IPSEC_SA, "CTAR fields");
		t_check(addr_is(&cx->ar, frame == 13 ? "2001:db8:2::1" :
				"2001:db8:1::1"), "CTAR AR address");
		mhod_cxtp_req_span(cx, &span, &n);
		mhod_cxtp_token(t_k_cxtp, sizeof(t_k_cxtp), &cx->prev_ip,
				cx->seq, span, n, tok);
		t_check(!memcmp(tok, "\x86\x10\xd7\xe4", 4) &&
			!memcmp(tok, cx->token, 4), "token known answer");
		break;
	case 14:
		t_check(cx->type == MHOD_CXTP_PCTD && cx->has_key &&
			cx->key_len == 16 && !memcmp(cx->key, t_k_cxtp, 16),
			"PCTD key");
		t_check(cx->ncdbs == 1 && !mhod_sa_cdb_parse(&sa, &cx->cdbs[0]),
			"SA block parses");
		t_check(sa.spi == 0x102 && sa.mode == 2 && sa.proto == 50 &&
			sa.encr_id == 20 && sa.replay_window == 64 &&
			sa.oseq == 12345 + 1024 && sa.seq == 12000 &&
			sa.hard_seconds == 3600 && sa.key_len == 36 &&
			sa.key[0] == 0x40 && (sa.flags & MHOD_SA_F_ESN),
			"SA block fields");
		t_check(d->pkt.dport == MHOD_CXTP_PORT &&
			(d->pkt.chunk_flags & 4), "SCTP port 5091, U bit");
		break;
	case 15:
		t_check(cx->type == MHOD_CXTP_CTDR && cx->flag &&
			cx->nstatus == 1 && cx->status[0].fpt == 0xff01 &&
			cx->status[0].status == 0, "CTDR fields");
		break;
	case 17:
		t_check(cx->type == MHOD_CXTP_CTAA && !cx->nstatus, "CTAA");
		break;
	case 18:
		t_check(cx->type == MHOD_CXTP_CTREQ && cx->seq == 0x5eed0001 &&
			!memcmp(cx->token, "\x86\x10\xd7\xe4", 4), "CT-Req");
		break;
	}
}

void test_vectors(const char *path)
{
	static struct t_vector v[MAX_VECTORS];
	static struct t_decoded d;
	uint8_t out[MHOD_PKT_MAX];
	enum mhod_err err;
	size_t len;
	int n, i;

	n = t_load_vectors(path, v, MAX_VECTORS);
	t_begin("vectors: %s has the 18 reference frames", path);
	t_check(n == (int)(ARRAY_SIZE(expected)),
		"loaded %d", n);
	t_end();
	for (i = 0; i < n; i++) {
		t_begin("vector %d %s: parse, fields, rebuild byte for byte",
			v[i].frame, v[i].name);
		err = t_decode(v[i].pkt, v[i].len, &d);
		if (!t_check(!err, "parse: %s at %zu", mhod_err_name(err),
			     d.err_off)) {
			t_end();
			continue;
		}
		if (i < (int)(ARRAY_SIZE(expected)))
			t_check(t_msg(&d) == expected[i], "message %s",
				mhod_msg_name(t_msg(&d)));
		check_fields(v[i].frame, &d);
		t_seed_msg(&d, v[i].pkt, v[i].len);
		err = t_encode(&d, out, sizeof(out), &len);
		if (t_check(!err, "build: %s", mhod_err_name(err)) &&
		    !t_check(len == v[i].len && !memcmp(out, v[i].pkt, len),
			     "rebuilt packet differs")) {
			t_hexdump("want", v[i].pkt, v[i].len);
			t_hexdump("got ", out, len);
		}
		t_end();
	}
}
