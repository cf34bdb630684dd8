// SPDX-License-Identifier: GPL-2.0
/*
 * Every message type, built with every option it may carry, parsed back
 * and rebuilt to the same octets; each is written to a pcap with the
 * tshark display filter it must match (tests/interop.sh runs them).
 */
#include <stdio.h>
#include <string.h>

#include "ktap.h"
#include "../pakeys.h"
#include "../pcap.h"

static FILE *pcap, *filters;
static int frame;

static const uint8_t mn_mac[6] = { 2, 0, 0, 0, 0, 0x0a };
static const uint8_t par_mac[6] = { 2, 0, 0, 0, 0, 1 };
static const uint8_t nar_mac[6] = { 2, 0, 0, 0, 0, 2 };
static const uint8_t ap_mac[6] = { 2, 0, 0, 0, 0, 0xaa };
static const uint8_t ap2_mac[6] = { 2, 0, 0, 0, 0, 0xab };

/* Pre-authentication payloads (test data, not real keys). */
static uint8_t pa_sa[4 + 4 * 4], pa_ke[4 + 256], pa_nonce[32],
	pa_cert[1 + 1800], pa_auth[1 + 256], big_cert[MHOD_PA_MAX];

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

static void init_payloads(void)
{
	static const uint8_t sa[] = {
		0, 0, 0x10, 0x01,	/* SPI */
		1, 0, 0, 20,		/* ENCR AES-GCM-16 */
		2, 0, 0, 5,		/* PRF HMAC-SHA2-256 */
		3, 0, 0, 0,		/* INTEG none */
		4, 0, 0, 19,		/* DH ECP-256 */
	};

	memcpy(pa_sa, sa, sizeof(sa));
	fill(pa_ke, sizeof(pa_ke), 1);
	pa_ke[0] = 0;
	pa_ke[1] = 14;		/* MODP-2048 */
	pa_ke[2] = 0;
	pa_ke[3] = 0;
	fill(pa_nonce, sizeof(pa_nonce), 3);
	fill(pa_cert, sizeof(pa_cert), 5);
	pa_cert[0] = 4;		/* X.509 certificate - signature */
	fill(pa_auth, sizeof(pa_auth), 9);
	pa_auth[0] = 14;	/* Digital Signature */
	fill(big_cert, sizeof(big_cert), 11);
	big_cert[0] = 4;
}

static struct in6_addr A(const char *s)
{
	return t_addr(s);
}

/*
 * Wrap the message in its packet, check it decodes to the same message and
 * rebuilds to the same octets, and record it for tshark. known_bad: the
 * frames that SIGNALING.md 5 says tshark mis-decodes.
 */
static void emit(const char *name, struct mhod_pkt *pkt, const uint8_t *msg,
		 size_t len, enum mhod_msg want, const char *filter,
		 bool known_bad)
{
	static struct t_decoded d;
	uint8_t buf[MHOD_PKT_MAX], again[MHOD_PKT_MAX];
	size_t n, n2;
	enum mhod_err err;

	t_begin("build %s: parses back as %s and rebuilds identically", name,
		mhod_msg_name(want));
	pkt->payload = msg;
	pkt->len = len;
	if (!pkt->hop_limit)
		pkt->hop_limit = 255;
	err = mhod_pkt_build(pkt, buf, sizeof(buf), &n, t_k_esp,
			     sizeof(t_k_esp));
	if (!t_check(!err, "packet: %s", mhod_err_name(err)))
		goto out;
	err = t_decode(buf, n, &d);
	if (!t_check(!err, "parse: %s at %zu", mhod_err_name(err), d.err_off))
		goto out;
	t_check(t_msg(&d) == want, "parsed as %s", mhod_msg_name(t_msg(&d)));
	t_seed_msg(&d, buf, n);
	err = t_encode(&d, again, sizeof(again), &n2);
	t_check(!err && n2 == n && !memcmp(buf, again, n),
		"rebuilt differs (%s)", mhod_err_name(err));
	if (pcap) {
		frame++;
		mhod_pcap_write(pcap, buf, n, 1700000000 + (uint32_t)frame, 0);
		fprintf(filters, "%d\t%s\t%s\t%s\n", frame, name,
			known_bad ? "known-bad" : "clean", filter);
	}
out:
	t_end();
}

static struct mhod_pkt pkt_between(const char *src, const char *dst,
				   uint8_t proto)
{
	struct mhod_pkt p = { 0 };

	p.src = A(src);
	p.dst = A(dst);
	p.proto = proto;
	return p;
}

/* A message that cannot be built is a failed test of its own. */
static bool built(const char *name, enum mhod_err err)
{
	if (!err)
		return true;
	t_begin("build %s", name);
	t_check(false, "build: %s", mhod_err_name(err));
	t_end();
	return false;
}

static void icmp_msg(const char *name, struct mhod_icmp *m,
		     struct mhod_pkt *pkt, const char *filter, bool known_bad)
{
	struct mhod_pkt_info pi;
	uint8_t buf[MHOD_MSG_MAX];
	size_t n;
	enum mhod_err err;

	mhod_pkt_info_of(pkt, &pi);
	err = mhod_icmp_build(m, &pi, buf, sizeof(buf), &n);
	if (!built(name, err))
		return;
	emit(name, pkt, buf, n, m->msg, filter, known_bad);
}

static enum mhod_msg mh_msg_of(uint8_t type)
{
	switch (type) {
	case MHOD_MH_BU: return MHOD_MSG_BU;
	case MHOD_MH_BA: return MHOD_MSG_BA;
	case MHOD_MH_BE: return MHOD_MSG_BE;
	case MHOD_MH_FBU: return MHOD_MSG_FBU;
	case MHOD_MH_FBACK: return MHOD_MSG_FBACK;
	case MHOD_MH_HI: return MHOD_MSG_HI;
	case MHOD_MH_HACK: return MHOD_MSG_HACK;
	}
	return MHOD_MSG_NONE;
}

static void mh_msg(const char *name, struct mhod_mh *m, struct mhod_pkt *pkt,
		   const char *filter, bool badf)
{
	struct in6_addr ncoa = A("2001:db8:2::a"), par = A("2001:db8:1::1");
	struct mhod_pkt_info pi;
	uint8_t buf[MHOD_MH_MAX];
	size_t n;
	enum mhod_err err;

	mhod_pkt_info_of(pkt, &pi);
	err = mhod_mh_build(m, &pi, buf, sizeof(buf), &n);
	if (!err && badf)
		err = mhod_mh_badf_sign(buf, n, &pi, t_k_mn_par,
					sizeof(t_k_mn_par), &ncoa, &par);
	if (!built(name, err))
		return;
	pkt->hop_limit = 64;
	emit(name, pkt, buf, n, mh_msg_of(m->type), filter, false);
}

static void nd_lla(struct mhod_icmp *m, uint8_t type, uint8_t code,
		   const uint8_t *mac)
{
	struct mhod_nd_opt *o = &m->opts[m->nopts++];

	memset(o, 0, sizeof(*o));
	o->type = type;
	o->code = code;
	o->lla_len = 6;
	memcpy(o->lla, mac, 6);
}

static void nd_addr(struct mhod_icmp *m, uint8_t type, uint8_t code,
		    uint8_t plen, const char *addr)
{
	struct mhod_nd_opt *o = &m->opts[m->nopts++];

	memset(o, 0, sizeof(*o));
	o->type = type;
	o->code = code;
	o->plen = plen;
	o->addr = A(addr);
}

static struct mhod_mh_opt *mh_opt(struct mhod_mh *m, uint8_t type)
{
	struct mhod_mh_opt *o = &m->opts[m->nopts++];

	memset(o, 0, sizeof(*o));
	o->type = type;
	return o;
}

/* A message of that kind with no options. */
static void icmp_new(struct mhod_icmp *m, enum mhod_msg msg, uint8_t code,
		     uint16_t ident)
{
	memset(m, 0, sizeof(*m));
	m->msg = msg;
	m->code = code;
	m->ident = ident;
}

static void mh_new(struct mhod_mh *m, uint8_t type, uint16_t seq,
		   uint16_t flags, uint16_t lifetime)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->seq = seq;
	m->flags = flags;
	m->lifetime = lifetime;
}

static void mh_ipap(struct mhod_mh *m, uint8_t code, const char *addr)
{
	struct mhod_mh_opt *o = mh_opt(m, MHOD_MHO_IPAP);

	o->code = code;
	o->plen = 128;
	o->addr = A(addr);
}

static void mh_lla(struct mhod_mh *m, const uint8_t *mac)
{
	struct mhod_mh_opt *o = mh_opt(m, MHOD_MHO_LLA);

	o->code = MHOD_LLA_MN;
	o->lla_len = 6;
	memcpy(o->lla, mac, 6);
}

/* A BADF (or BAD) option; auth NULL: mh_msg() signs it. */
static void mh_auth(struct mhod_mh *m, uint8_t type, uint32_t spi,
		    const uint8_t *auth)
{
	struct mhod_mh_opt *o = mh_opt(m, type);

	o->spi = spi;
	o->len = 12;
	o->data = auth;
}

/* An MH packet; hoa: with a Home Address option. */
static struct mhod_pkt mh_pkt(const char *src, const char *dst,
			      const char *hoa)
{
	struct mhod_pkt p = pkt_between(src, dst, MHOD_IPPROTO_MH);

	if (hoa) {
		p.has_hao = true;
		p.hoa = A(hoa);
	}
	return p;
}

static struct mhod_pkt sctp_pkt(const char *src, const char *dst,
				uint32_t vtag)
{
	struct mhod_pkt p = pkt_between(src, dst, MHOD_IPPROTO_SCTP);

	p.sport = MHOD_CXTP_PORT;
	p.dport = MHOD_CXTP_PORT;
	p.vtag = vtag;
	p.tsn = 1;
	p.chunk_flags = 7;
	return p;
}

static void cxtp_new(struct mhod_cxtp *c, uint8_t type, bool flag)
{
	memset(c, 0, sizeof(*c));
	c->type = type;
	c->flag = flag;
	c->prev_ip = A("2001:db8:1::a");
}

/* A CXTP message over SCTP; filter: what it must match beyond SCTP's. */
static void cxtp_msg(const char *name, const struct mhod_cxtp *c,
		     struct mhod_pkt *pkt, const char *filter)
{
	uint8_t msg[MHOD_MSG_MAX];
	char full[256];
	enum mhod_err err;
	size_t n;

	err = mhod_cxtp_build(c, msg, sizeof(msg), &n);
	if (!built(name, err))
		return;
	snprintf(full, sizeof(full),
		 "sctp.port==5091 && sctp.checksum.status==1 && %s", filter);
	emit(name, pkt, msg, n, MHOD_MSG_CXTP, full, false);
}

static void add_pa_icmp(struct mhod_icmp *m, const uint8_t *cert, size_t n)
{
	mhod_icmp_pa_add(m, MHOD_PA_SA, pa_sa, sizeof(pa_sa));
	mhod_icmp_pa_add(m, MHOD_PA_KE, pa_ke, sizeof(pa_ke));
	mhod_icmp_pa_add(m, MHOD_PA_NONCE, pa_nonce, sizeof(pa_nonce));
	mhod_icmp_pa_add(m, MHOD_PA_CERT, cert, n);
	mhod_icmp_pa_add(m, MHOD_PA_AUTH, pa_auth, sizeof(pa_auth));
}

static void add_pa_mh(struct mhod_mh *m)
{
	mhod_mh_pa_add(m, MHOD_PA_SA, pa_sa, sizeof(pa_sa));
	mhod_mh_pa_add(m, MHOD_PA_KE, pa_ke, sizeof(pa_ke));
	mhod_mh_pa_add(m, MHOD_PA_NONCE, pa_nonce, sizeof(pa_nonce));
	mhod_mh_pa_add(m, MHOD_PA_CERT, pa_cert, 600);
	mhod_mh_pa_add(m, MHOD_PA_AUTH, pa_auth, sizeof(pa_auth));
}

#define MN_PAR	"2001:db8:1::a", "fe80::1"
#define F_PA_ND	"icmpv6.opt.type==253"
#define F_PA_MH	"mip6.em.data"

static void fmip_icmp(void)
{
	static struct mhod_icmp m;
	struct mhod_pkt p;

	icmp_new(&m, MHOD_MSG_RTSOLPR, 0, 0x1234);
	nd_lla(&m, MHOD_ND_LLA, MHOD_LLA_SENDER, mn_mac);
	nd_lla(&m, MHOD_ND_LLA, MHOD_LLA_NEW_AP, ap_mac);
	nd_lla(&m, MHOD_ND_LLA, MHOD_LLA_NEW_AP, ap2_mac);
	add_pa_icmp(&m, pa_cert, sizeof(pa_cert));
	p = pkt_between(MN_PAR, MHOD_IPPROTO_ICMPV6);
	icmp_msg("RtSolPr+preauth", &m, &p,
		 "icmpv6.type==154 && icmpv6.fmip6.subtype==2 && "
		 "icmpv6.fmip6.identifier==0x1234 && icmpv6.opt.lla.option_code==4 && "
		 F_PA_ND, false);

	icmp_new(&m, MHOD_MSG_RTSOLPR, 0, 7);
	nd_lla(&m, MHOD_ND_LLA, MHOD_LLA_WILDCARD, ap_mac);
	p = pkt_between(MN_PAR, MHOD_IPPROTO_ICMPV6);
	icmp_msg("RtSolPr wildcard", &m, &p,
		 "icmpv6.fmip6.subtype==2 && icmpv6.opt.lla.option_code==0",
		 false);

	icmp_new(&m, MHOD_MSG_PRRTADV, 0, 0x1234);
	nd_lla(&m, MHOD_ND_LLA, MHOD_LLA_SENDER, par_mac);
	nd_lla(&m, MHOD_ND_LLA, MHOD_LLA_NEW_AP, ap_mac);
	nd_lla(&m, MHOD_ND_LLA, MHOD_LLA_NAR, nar_mac);
	nd_addr(&m, MHOD_ND_IPA, MHOD_IPA_NAR, 128, "2001:db8:2::1");
	nd_addr(&m, MHOD_ND_NRPI, 0, 64, "2001:db8:2::");
	nd_lla(&m, MHOD_ND_LLA, MHOD_LLA_NEW_AP, ap2_mac);
	nd_lla(&m, MHOD_ND_LLA, MHOD_LLA_NAR, nar_mac);
	nd_addr(&m, MHOD_ND_IPA, MHOD_IPA_NAR, 128, "2001:db8:3::1");
	add_pa_icmp(&m, big_cert, sizeof(big_cert));
	p = pkt_between("fe80::1", "2001:db8:1::a", MHOD_IPPROTO_ICMPV6);
	icmp_msg("PrRtAdv two tuples+preauth", &m, &p,
		 "icmpv6.fmip6.subtype==3 && icmpv6.code==0 && "
		 "icmpv6.opt.ipa.ipv6_address==2001:db8:3::1 && "
		 "icmpv6.opt.nrpi.prefix_len==64 && " F_PA_ND, false);
	{
		uint8_t got[MHOD_PA_MAX];
		size_t n = 0;

		t_begin("PrRtAdv: a certificate split over two ND options "
			"reassembles");
		t_check(m.nopts == 8 + 6 &&
			!mhod_icmp_pa_get(&m, MHOD_PA_CERT, got, sizeof(got),
					  &n) && n == sizeof(big_cert) &&
			!memcmp(got, big_cert, n), "cert %zu", n);
		t_end();
	}

	icmp_new(&m, MHOD_MSG_PRRTADV, 1, 0);
	nd_lla(&m, MHOD_ND_LLA, MHOD_LLA_NEW_AP, ap_mac);
	nd_lla(&m, MHOD_ND_LLA, MHOD_LLA_NAR, nar_mac);
	nd_addr(&m, MHOD_ND_IPA, MHOD_IPA_NAR, 128, "2001:db8:2::1");
	nd_addr(&m, MHOD_ND_IPA, MHOD_IPA_NCOA, 128, "2001:db8:2::a");
	p = pkt_between("fe80::1", "2001:db8:1::a", MHOD_IPPROTO_ICMPV6);
	icmp_msg("PrRtAdv unsolicited trigger with NCoA", &m, &p,
		 "icmpv6.fmip6.subtype==3 && icmpv6.code==1 && "
		 "icmpv6.fmip6.identifier==0 && icmpv6.opt.ipa.option_code==2",
		 false);

	icmp_new(&m, MHOD_MSG_PRRTADV, 2, 0);
	nd_lla(&m, MHOD_ND_LLA, MHOD_LLA_AP_SAME_IF, ap_mac);
	nd_lla(&m, MHOD_ND_LLA, MHOD_LLA_AP_NO_PREFIX, ap2_mac);
	nd_lla(&m, MHOD_ND_LLA, MHOD_LLA_AP_NO_FMIP, nar_mac);
	p = pkt_between("fe80::1", "2001:db8:1::a", MHOD_IPPROTO_ICMPV6);
	icmp_msg("PrRtAdv code 2 (no new router info)", &m, &p,
		 "icmpv6.fmip6.subtype==3 && icmpv6.code==2 && "
		 "icmpv6.opt.lla.option_code==7", false);

	icmp_new(&m, MHOD_MSG_HI_4068, 0, 9);
	m.flags = MHOD_HI_U;
	nd_lla(&m, MHOD_ND_LLA, MHOD_LLA_MN, mn_mac);
	nd_addr(&m, MHOD_ND_IPA, MHOD_IPA_PCOA, 128, "2001:db8:1::a");
	nd_addr(&m, MHOD_ND_IPA, MHOD_IPA_NCOA, 128, "2001:db8:2::a");
	p = pkt_between("2001:db8:1::1", "2001:db8:2::1", MHOD_IPPROTO_ICMPV6);
	icmp_msg("HI (RFC 4068 ICMPv6)", &m, &p,
		 "icmpv6.fmip6.subtype==4 && icmpv6.fmip6.hi.flag.a==1", false);

	icmp_new(&m, MHOD_MSG_HACK_4068, 2, 9);
	nd_addr(&m, MHOD_ND_IPA, MHOD_IPA_NCOA, 128, "2001:db8:2::b");
	p = pkt_between("2001:db8:2::1", "2001:db8:1::1", MHOD_IPPROTO_ICMPV6);
	icmp_msg("HAck (RFC 4068 ICMPv6)", &m, &p,
		 "icmpv6.fmip6.subtype==5 && icmpv6.code==2", false);

	icmp_new(&m, MHOD_MSG_NA, 0, 0);
	m.target = A("2001:db8:2::a");
	nd_lla(&m, MHOD_ND_TLLA, 0, mn_mac);
	p = pkt_between("2001:db8:2::a", "ff02::1", MHOD_IPPROTO_ICMPV6);
	icmp_msg("UNA", &m, &p,
		 "icmpv6.type==136 && icmpv6.nd.na.flag.s==0 && "
		 "icmpv6.nd.na.flag.o==0 && icmpv6.nd.na.flag.r==0 && "
		 "icmpv6.nd.na.target_address==2001:db8:2::a && "
		 "icmpv6.opt.target_linkaddr==02:00:00:00:00:0a", false);

	/* NAACK with an NCoA: tshark reads it at the wrong offset */
	icmp_new(&m, MHOD_MSG_RA, 0, 0);
	m.cur_hop_limit = 64;
	nd_lla(&m, MHOD_ND_SLLA, 0, nar_mac);
	m.opts[m.nopts].type = MHOD_ND_NAACK;
	m.opts[m.nopts].status = 2;
	m.opts[m.nopts].has_addr = true;
	m.opts[m.nopts++].addr = A("2001:db8:2::b");
	p = pkt_between("fe80::2", "2001:db8:2::a", MHOD_IPPROTO_ICMPV6);
	icmp_msg("RA+NAACK(2, NCoA)", &m, &p,
		 "icmpv6.type==134 && icmpv6.opt.naack.status==2", true);

	icmp_new(&m, MHOD_MSG_RA, 0, 0);
	m.opts[m.nopts].type = MHOD_ND_NAACK;
	m.opts[m.nopts++].status = 128;
	p = pkt_between("fe80::2", "2001:db8:2::a", MHOD_IPPROTO_ICMPV6);
	icmp_msg("RA+NAACK(128)", &m, &p,
		 "icmpv6.type==134 && icmpv6.opt.naack.status==128 && "
		 "icmpv6.opt.naack.option_code==0", false);
}

/* The signed octets of the payloads a message carries. */
static size_t signed_of(const struct mhod_icmp *ic, const struct mhod_mh *mh,
			uint8_t *out, size_t cap)
{
	static uint8_t pay[MHOD_PA_KIND_MAX + 1][MHOD_PA_MAX];
	struct mhod_pa_set set = { 0 };
	uint8_t kind;
	size_t n;

	for (kind = MHOD_PA_SA; kind <= MHOD_PA_KIND_MAX; kind++) {
		if (ic ? mhod_icmp_pa_get(ic, kind, pay[kind], MHOD_PA_MAX, &n) :
		    mhod_mh_pa_get(mh, kind, pay[kind], MHOD_PA_MAX, &n))
			return 0;
		if (n) {
			set.p[kind] = pay[kind];
			set.len[kind] = n;
		}
	}
	return mhod_pa_signed_octets(&set, out, cap);
}

/*
 * The pAR relays the MN's payloads from its RtSolPr (ND options) into the
 * HI (mobility options, other fragments): the signed octets stay the same.
 */
static void preauth_relay(const struct mhod_mh *hi)
{
	static struct mhod_icmp rs;
	static uint8_t a[8192], b[8192];
	size_t na, nb, want;

	icmp_new(&rs, MHOD_MSG_RTSOLPR, 0, 0);
	nd_lla(&rs, MHOD_ND_LLA, MHOD_LLA_NEW_AP, ap_mac);
	add_pa_icmp(&rs, pa_cert, 600);
	na = signed_of(&rs, NULL, a, sizeof(a));
	nb = signed_of(NULL, hi, b, sizeof(b));
	want = 9 + 3 * 4 + sizeof(pa_sa) + sizeof(pa_ke) + sizeof(pa_nonce) +
		600;
	t_begin("pre-auth: signed octets are the same in RtSolPr and HI");
	t_check(na == want && nb == want && !memcmp(a, b, na) &&
		!memcmp(a, "mhod-pa-1\x01", 10), "lengths %zu %zu, want %zu",
		na, nb, want);
	t_check(!signed_of(&rs, NULL, a, 100), "a short buffer gives 0");
	t_end();
}

static void fmip_mh(void)
{
	static struct mhod_mh m;
	static struct mhod_pa_wire pa_w;
	struct mhod_pa_local pa_l;
	struct mhod_pkt p;

	mh_new(&m, MHOD_MH_FBU, 0x1001, MHOD_BU_A | MHOD_BU_H, 30);
	mh_opt(&m, MHOD_MHO_ALTCOA)->addr = A("2001:db8:2::a");
	mh_lla(&m, mn_mac);
	mh_auth(&m, MHOD_MHO_BADF, 0x100, NULL);
	p = mh_pkt("2001:db8:1::a", "2001:db8:1::1", "2001:db8:1::a");
	mh_msg("FBU", &m, &p,
	       "mip6.mhtype==8 && mip6.fbu.seqnr==4097 && mip6.fbu.a_flag==1 && "
	       "mip6.fbu.h_flag==1 && mip6.acoa.acoa==2001:db8:2::a && "
	       "mip6.lla.optcode==2 && mip6.badff.spi==256 && "
	       "ipv6.opt.mipv6.home_address==2001:db8:1::a", true);

	mh_new(&m, MHOD_MH_FBACK, 0x1001, MHOD_BA_K, 30);
	m.status = 1;
	mh_opt(&m, MHOD_MHO_ALTCOA)->addr = A("2001:db8:2::c");
	mh_auth(&m, MHOD_MHO_BADF, 0x100, NULL);
	p = mh_pkt("2001:db8:1::1", "2001:db8:2::a", NULL);
	mh_msg("FBack status 1 + AltCoA", &m, &p,
	       "mip6.mhtype==9 && mip6.fback.status==1 && mip6.fback.k_flag==1 && "
	       "mip6.fback.seqnr==4097 && mip6.acoa.acoa==2001:db8:2::c && "
	       "mip6.badff.spi==256", true);

	/* Reactive context transfer: the FBack names the nAR (ar.c). */
	mh_new(&m, MHOD_MH_FBACK, 0x1003, 0, 30);
	mh_ipap(&m, MHOD_IPA_NAR, "2001:db8:12::2");
	mh_auth(&m, MHOD_MHO_BADF, 0x100, NULL);
	p = mh_pkt("2001:db8:1::1", "2001:db8:2::a", NULL);
	mh_msg("FBack + nAR address", &m, &p,
	       "mip6.mhtype==9 && mip6.fback.status==0 && "
	       "mip6.fback.seqnr==4099 && mip6.mhipv6ap.opt_code==3 && "
	       "mip6.badff.spi==256", true);

	/* Pre-authentication as mhod sends it (pakeys.h): FBU and FBack. */
	memset(&pa_l, 0x5a, sizeof(pa_l));
	pa_l.spi = 0xc0000001;
	mhod_pa_wire_of(&pa_l, &pa_w);
	mh_new(&m, MHOD_MH_FBU, 0x1002, MHOD_BU_A | MHOD_BU_H, 30);
	mh_opt(&m, MHOD_MHO_ALTCOA)->addr = A("2001:db8:2::a");
	mhod_pa_wire_add(&m, &pa_w);
	mh_auth(&m, MHOD_MHO_BADF, 0x100, NULL);
	p = mh_pkt("2001:db8:1::a", "2001:db8:1::1", NULL);
	mh_msg("FBU + preauth", &m, &p,
	       "mip6.mhtype==8 && mip6.fbu.seqnr==4098 && "
	       "mip6.acoa.acoa==2001:db8:2::a && mip6.badff.spi==256 && "
	       F_PA_MH, true);
	mh_new(&m, MHOD_MH_FBACK, 0x1002, 0, 30);
	mhod_pa_wire_add(&m, &pa_w);
	mh_auth(&m, MHOD_MHO_BADF, 0x100, NULL);
	p = mh_pkt("2001:db8:1::1", "2001:db8:1::a", NULL);
	mh_msg("FBack + preauth", &m, &p,
	       "mip6.mhtype==9 && mip6.fback.status==0 && "
	       "mip6.fback.seqnr==4098 && mip6.badff.spi==256 && " F_PA_MH,
	       true);

	mh_new(&m, MHOD_MH_HI, 0x2001, MHOD_HI_S | MHOD_HI_U, 0);
	mh_ipap(&m, MHOD_IPA_PCOA, "2001:db8:1::a");
	mh_ipap(&m, MHOD_IPA_NCOA, "2001:db8:2::a");
	mh_lla(&m, mn_mac);
	add_pa_mh(&m);
	p = mh_pkt("2001:db8:1::1", "2001:db8:2::1", NULL);
	mh_msg("HI S+U + preauth", &m, &p,
	       "mip6.mhtype==14 && mip6.hi.seqnr==8193 && mip6.hi.s_flag==1 && "
	       "mip6.hi.u_flag==1 && mip6.hi.code==0 && "
	       "mip6.mhipv6ap.opt_code==1 && mip6.mhipv6ap.opt_code==2 && "
	       "mip6.lla.optcode==2 && " F_PA_MH, false);
	{
		uint8_t got[MHOD_PA_MAX];
		size_t n = 0;

		t_begin("HI: payloads split over mobility options reassemble");
		t_check(!mhod_mh_pa_get(&m, MHOD_PA_CERT, got, sizeof(got), &n) &&
			n == 600 && !memcmp(got, pa_cert, 600), "cert %zu", n);
		t_check(!mhod_mh_pa_get(&m, MHOD_PA_KE, got, sizeof(got), &n) &&
			n == sizeof(pa_ke) && !memcmp(got, pa_ke, n), "KE %zu",
			n);
		t_end();
	}
	preauth_relay(&m);

	mh_new(&m, MHOD_MH_HACK, 0x2001, 0, 0);
	m.code = 2;
	mh_ipap(&m, MHOD_IPA_NCOA, "2001:db8:2::b");
	add_pa_mh(&m);
	p = mh_pkt("2001:db8:2::1", "2001:db8:1::1", NULL);
	mh_msg("HAck code 2 + NCoA + preauth", &m, &p,
	       "mip6.mhtype==15 && mip6.hack.seqnr==8193 && mip6.hack.code==2 && "
	       "mip6.mhipv6ap.ipv6_address==2001:db8:2::b && " F_PA_MH, false);

	mh_new(&m, MHOD_MH_HACK, 0x2002, 0, 0);
	m.code = 130;
	p = mh_pkt("2001:db8:2::1", "2001:db8:1::1", NULL);
	mh_msg("HAck insufficient resources", &m, &p,
	       "mip6.mhtype==15 && mip6.hack.code==130", false);
}

static void mip6_mh(void)
{
	static struct mhod_mh m;
	static const uint8_t auth[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
	struct mhod_mh_opt *o;
	struct mhod_pkt p;

	mh_new(&m, MHOD_MH_BU, 0x3001, MHOD_BU_A | MHOD_BU_H | MHOD_BU_K,
	       150);
	mh_opt(&m, MHOD_MHO_ALTCOA)->addr = A("2001:db8:2::a");
	p = mh_pkt("2001:db8:2::a", "2001:db8:100::1", "2001:db8:100::a");
	mh_msg("BU home registration", &m, &p,
	       "mip6.mhtype==5 && mip6.bu.seqnr==12289 && mip6.bu.a_flag==1 && "
	       "mip6.bu.h_flag==1 && mip6.bu.k_flag==1 && mip6.bu.lifetime==150 && "
	       "ipv6.opt.mipv6.home_address==2001:db8:100::a", false);

	p = mh_pkt("2001:db8:2::a", "2001:db8:100::1", "2001:db8:100::a");
	p.has_esp = true;
	p.esp_spi = 0x1001;
	p.esp_seq = 7;
	mh_msg("BU in ESP", &m, &p,
	       "esp.spi==0x1001 && esp.protocol==135 && mip6.mhtype==5 && "
	       "mip6.bu.seqnr==12289", false);

	mh_new(&m, MHOD_MH_BU, 0x3002, MHOD_BU_A, 100);
	mh_opt(&m, MHOD_MHO_ALTCOA)->addr = A("2001:db8:2::a");
	o = mh_opt(&m, MHOD_MHO_NONCE);
	o->home_nonce = 0x11;
	o->careof_nonce = 0x22;
	mh_auth(&m, MHOD_MHO_BAD, 0, auth);
	p = mh_pkt("2001:db8:2::a", "2001:db8:300::1", "2001:db8:100::a");
	mh_msg("BU correspondent registration (nonces, BAD)", &m, &p,
	       "mip6.mhtype==5 && mip6.bu.h_flag==0 && mip6.ni.hni==0x11 && "
	       "mip6.ni.cni==0x22 && mip6.bad.auth", false);

	mh_new(&m, MHOD_MH_BA, 0x2fff, MHOD_BA_K, 0);
	m.status = 135;
	mh_opt(&m, MHOD_MHO_BRA)->refresh = 60;
	mh_auth(&m, MHOD_MHO_BAD, 0, auth);
	p = mh_pkt("2001:db8:100::1", "2001:db8:2::a", NULL);
	p.has_rh2 = true;
	p.rh2 = A("2001:db8:100::a");
	mh_msg("BA seq out of window + BRA + BAD", &m, &p,
	       "mip6.mhtype==6 && mip6.ba.status==135 && mip6.ba.k_flag==1 && "
	       "mip6.ba.seqnr==12287 && mip6.bra.interval==60 && "
	       "ipv6.routing.mipv6.home_address==2001:db8:100::a", false);

	mh_new(&m, MHOD_MH_BE, 0, 0, 0);
	m.status = 2;
	m.home_addr = A("2001:db8:100::a");
	p = mh_pkt("2001:db8:1::1", "2001:db8:2::a", NULL);
	mh_msg("BE unrecognized MH type", &m, &p,
	       "mip6.mhtype==7 && mip6.be.status==2 && "
	       "mip6.be.haddr==2001:db8:100::a", false);
}

static void cxtp_msgs(void)
{
	static struct mhod_icmp ic;
	static struct mhod_cxtp c;
	static uint8_t sa_buf[512], bitmap[8];
	static const uint8_t sa_key[36] = { 0x40, 0x41, 0x42 };
	struct mhod_sa_cdb sa = { 0 };
	struct mhod_pkt p;
	uint8_t msg[MHOD_MSG_MAX];
	const uint8_t *span;
	size_t n;

	memset(&ic, 0, sizeof(ic));
	ic.msg = MHOD_MSG_CXTP;
	ic.cxtp.type = MHOD_CXTP_CTAR;
	ic.cxtp.flag = true;
	ic.cxtp.prev_ip = A("2001:db8:1::a");
	ic.cxtp.ar = A("2001:db8:2::1");
	ic.cxtp.seq = 0x5eed0002;
	ic.cxtp.ncdbs = 2;
	ic.cxtp.cdbs[0] = (struct mhod_cdb){ .fpt = MHOD_FPT_IPSEC_SA,
					     .len = 4, .data = sa_buf };
	ic.cxtp.cdbs[1] = (struct mhod_cdb){ .fpt = MHOD_FPT_MLD,
					     .has_pv = true, .pv = 0x80000000 };
	memset(sa_buf, 0, sizeof(sa_buf));
	/* The token covers the request blocks as they go on the wire. */
	{
		uint8_t reqs[16] = { 0xff, 0x01, 1, 0, 0, 0, 0, 0,
				     0, 1, 1, 0x80, 0x80, 0, 0, 0 };

		mhod_cxtp_token(t_k_cxtp, sizeof(t_k_cxtp), &ic.cxtp.prev_ip,
				ic.cxtp.seq, reqs, sizeof(reqs), ic.cxtp.token);
	}
	p = pkt_between("2001:db8:1::a", "2001:db8:1::1", MHOD_IPPROTO_ICMPV6);
	icmp_msg("CTAR (ICMPv6 150/1)", &ic, &p,
		 "icmpv6.type==150 && icmpv6.fmip6.subtype==1", true);
	{
		struct mhod_pkt_info pi;
		struct mhod_icmp back;
		uint8_t tok[4];

		mhod_pkt_info_of(&p, &pi);
		t_begin("CTAR: token over the parsed request blocks verifies");
		if (t_check(!mhod_icmp_build(&ic, &pi, msg, sizeof(msg), &n) &&
			    !mhod_icmp_parse(&back, msg, n, &pi, NULL),
			    "round trip")) {
			mhod_cxtp_req_span(&back.cxtp, &span, &n);
			mhod_cxtp_token(t_k_cxtp, sizeof(t_k_cxtp),
					&back.cxtp.prev_ip, back.cxtp.seq,
					span, n, tok);
			t_check(n == 16 && !memcmp(tok, back.cxtp.token, 4),
				"token");
		}
		t_end();
	}

	memset(&ic, 0, sizeof(ic));
	ic.msg = MHOD_MSG_CXTP;
	ic.cxtp.type = MHOD_CXTP_CTAA;
	ic.cxtp.prev_ip = A("2001:db8:1::a");
	ic.cxtp.nstatus = 2;
	ic.cxtp.status[0] = (struct mhod_cxtp_status){ MHOD_FPT_IPSEC_SA, 1 };
	ic.cxtp.status[1] = (struct mhod_cxtp_status){ MHOD_FPT_MLD, 2 };
	p = pkt_between("2001:db8:2::1", "2001:db8:2::a", MHOD_IPPROTO_ICMPV6);
	icmp_msg("CTAA with failures", &ic, &p,
		 "icmpv6.type==150 && icmpv6.fmip6.subtype==1", true);

	/* PCTD with an IPsec SA block */
	sa.dir = 1;
	sa.mode = 1;
	sa.proto = 50;
	sa.spi = 0x102;
	sa.encr_id = 20;
	sa.replay_window = 64;
	sa.flags = MHOD_SA_F_ESN;
	sa.oseq = 5000;
	sa.seq = 4000;
	memset(bitmap, 0xf0, sizeof(bitmap));
	sa.bitmap = bitmap;
	sa.hard_seconds = 3600;
	sa.outer_dst = A("2001:db8:1::a");
	sa.outer_src = A("2001:db8:1::1");
	sa.sel_dst_plen = 128;
	sa.sel_src_plen = 128;
	sa.sel_dst = A("2001:db8:1::a");
	sa.sel_src = A("2001:db8:100::1");
	sa.key_len = sizeof(sa_key);
	sa.key = sa_key;
	t_begin("SA context block: build and parse back");
	if (t_check(!mhod_sa_cdb_build(&sa, sa_buf, sizeof(sa_buf), &n),
		    "build")) {
		struct mhod_cdb cdb = { .fpt = MHOD_FPT_IPSEC_SA,
					.len = (uint16_t)n, .data = sa_buf };
		struct mhod_sa_cdb back;

		t_check((n + 4) % 8 == 0, "padded to 8n - 4: %zu", n);
		t_check(!mhod_sa_cdb_parse(&back, &cdb) && back.spi == 0x102 &&
			back.oseq == 5000 && back.key_len == 36 &&
			!memcmp(back.key, sa_key, 36) && back.bitmap[0] == 0xf0,
			"fields");
	}
	t_end();

	cxtp_new(&c, MHOD_CXTP_PCTD, true);
	c.has_key = true;
	c.alg = MHOD_CXTP_ALG_HMAC_SHA1;
	c.key_len = sizeof(t_k_cxtp);
	c.key = t_k_cxtp;
	c.ncdbs = 1;
	c.cdbs[0] = (struct mhod_cdb){ .fpt = MHOD_FPT_IPSEC_SA,
				       .len = (uint16_t)n, .data = sa_buf };
	p = sctp_pkt("2001:db8:1::1", "2001:db8:2::1", 0x0c0ffee0);
	cxtp_msg("PCTD (SCTP 5091)", &c, &p,
		 "sctp.data_u_bit==1 && data.data[0]==0x24");

	/* PCTD with mho's context, over two blocks (FPT 0xff02) */
	{
		static uint8_t ctx[MHOD_CTX_FRAG_MAX + 40];
		static uint8_t work[MHOD_CTX_WORK(sizeof(ctx))];
		struct mhod_cxtp cc = c;

		fill(ctx, sizeof(ctx), 0x31);
		cc.ncdbs = 0;
		if (!mhod_ctx_cdbs_put(&cc, ctx, sizeof(ctx), work,
				       sizeof(work))) {
			p.tsn = 3;
			cxtp_msg("PCTD with an mho context (SCTP 5091)", &cc,
				 &p, "data.data[0]==0x24");
		}
	}

	c.type = MHOD_CXTP_CTD;
	c.elapsed_ms = 12;
	c.has_key = false;
	p.tsn = 2;
	cxtp_msg("CTD (SCTP 5091)", &c, &p, "data.data[0]==0x23");

	cxtp_new(&c, MHOD_CXTP_CTDR, true);
	c.nstatus = 1;
	c.status[0] = (struct mhod_cxtp_status){ MHOD_FPT_IPSEC_SA, 0 };
	p = sctp_pkt("2001:db8:2::1", "2001:db8:1::1", 0x0decaf00);
	cxtp_msg("CTDR (SCTP 5091)", &c, &p, "data.data[0]==0x25");

	cxtp_new(&c, MHOD_CXTP_CTC, false);
	p.tsn = 2;
	cxtp_msg("CTC (SCTP 5091)", &c, &p, "data.data[0]==0x26");

	cxtp_new(&c, MHOD_CXTP_CTREQ, false);
	c.seq = 0x5eed0002;
	c.ncdbs = 1;
	c.cdbs[0] = (struct mhod_cdb){ .fpt = MHOD_FPT_IPSEC_SA, .len = 4,
				       .data = (const uint8_t *)"\0\0\0" };
	p.tsn = 3;
	cxtp_msg("CT-Req token 0 (SCTP 5091)", &c, &p, "data.data[0]==0x27");
}

void test_messages(const char *pcap_path)
{
	char path[4096];

	init_payloads();
	if (pcap_path) {
		pcap = mhod_pcap_open(pcap_path);
		snprintf(path, sizeof(path), "%s.filters", pcap_path);
		filters = fopen(path, "w");
		t_begin("pcap: %s opened", pcap_path);
		t_check(pcap && filters, "cannot write %s", pcap_path);
		t_end();
	}
	fmip_icmp();
	fmip_mh();
	mip6_mh();
	cxtp_msgs();
	if (pcap)
		mhod_pcap_close(pcap);
	if (filters)
		fclose(filters);
	pcap = filters = NULL;
}
