// SPDX-License-Identifier: GPL-2.0
/*
 * ICMPv6 messages: FMIPv6 RtSolPr/PrRtAdv (RFC 5568 6.1) and the RFC 4068
 * ICMPv6 HI/HAck, Neighbor and Router Advertisements (RFC 4861 4.4, 4.2:
 * UNA and NAACK, RFC 5568 6.3, 6.4.6), CXTP over ICMPv6 150 (RFC 4065 8),
 * and their ND options (RFC 4861 4.6, RFC 5568 6.4, mhod's option 253).
 */
#include <string.h>

#include "bytes.h"
#include "preauth.h"
#include "wire.h"

#define IPPROTO_ICMPV6_	58

/* NAACK Status (RFC 5568 6.4.6): 1-4, 128. */
static bool naack_status_ok(uint8_t s)
{
	return (s >= 1 && s <= 4) || s == 128;
}

static uint8_t lla_len_of(const struct mhod_pkt_info *pi)
{
	return pi->lla_len ? pi->lla_len : 6;
}

/* Octets of an ND option holding hdr octets then the link-layer address. */
static size_t lla_opt_size(size_t hdr, size_t lla_len)
{
	return (hdr + lla_len + 7) / 8 * 8;
}

static enum mhod_err parse_nd_opt(struct mhod_nd_opt *o, const uint8_t *p,
				  size_t size, const struct mhod_pkt_info *pi)
{
	size_t hdr;

	switch (o->type) {
	case MHOD_ND_SLLA:
	case MHOD_ND_TLLA:
	case MHOD_ND_LLA:
		hdr = o->type == MHOD_ND_LLA ? 3 : 2;
		o->lla_len = lla_len_of(pi);
		if (o->lla_len > MHOD_LLA_MAX ||
		    size != lla_opt_size(hdr, o->lla_len))
			return MHOD_E_ND_OPT_LEN;
		if (o->type == MHOD_ND_LLA) {
			o->code = p[2];
			if (o->code > MHOD_LLA_AP_NO_FMIP)
				return MHOD_E_OPT_CODE;
		}
		memcpy(o->lla, p + hdr, o->lla_len);
		if (!all_zero(p + hdr + o->lla_len, size - hdr - o->lla_len))
			return MHOD_E_PAD;
		return MHOD_OK;
	case MHOD_ND_IPA:
	case MHOD_ND_NRPI:
		/* Type Len Code PLen Reserved(4) Address(16); reserved ignored */
		if (size != 24)
			return MHOD_E_ND_OPT_LEN;
		o->code = p[2];
		o->plen = p[3];
		if (o->type == MHOD_ND_IPA ?
		    o->code < MHOD_IPA_PCOA || o->code > MHOD_IPA_NAR_PREFIX :
		    o->code != 0)
			return MHOD_E_OPT_CODE;
		if (o->plen > 128)
			return MHOD_E_PLEN;
		get_addr(&o->addr, p + 8);
		return MHOD_OK;
	case MHOD_ND_NAACK:
		/* Type Len Code Status Reserved(4) [NCoA(16)] */
		if (size != 8 && size != 24)
			return MHOD_E_ND_OPT_LEN;
		o->code = p[2];
		o->status = p[3];
		if (o->code)
			return MHOD_E_OPT_CODE;
		if (!naack_status_ok(o->status))
			return MHOD_E_CODE;
		o->has_addr = size == 24;
		if (o->has_addr)
			get_addr(&o->addr, p + 8);
		else if (o->status == 2)	/* "use the supplied NCoA" */
			return MHOD_E_OPT_MISSING;
		return MHOD_OK;
	case MHOD_ND_PA:
		/* Type Len ExpID(2) Kind Flags DataLen(2) Data pad */
		if (get16(p + 2) != MHOD_PA_EXPID)
			break;
		if (p[5] & ~MHOD_PA_F_MORE)
			return MHOD_E_PA_FLAGS;
		o->pa.kind = p[4];
		o->pa.more = p[5] & MHOD_PA_F_MORE;
		o->pa.len = get16(p + 6);
		o->pa.data = p + 8;
		if (!o->pa.kind)
			return MHOD_E_PA_KIND;
		if (o->pa.len > size - 8 || size - 8 - o->pa.len >= 8)
			return MHOD_E_ND_OPT_LEN;
		if (!all_zero(p + 8 + o->pa.len, size - 8 - o->pa.len))
			return MHOD_E_PAD;
		return MHOD_OK;
	}
	o->raw = p;
	o->raw_len = (uint16_t)size;
	return MHOD_OK;
}

static enum mhod_err parse_nd_opts(struct mhod_icmp *m, const uint8_t *buf,
				   size_t off, size_t end,
				   const struct mhod_pkt_info *pi,
				   size_t *err_off)
{
	struct pa_state pa = { 0 };
	enum mhod_err err;

	while (off < end) {
		struct mhod_nd_opt *o;
		size_t size;

		if (end - off < 2)
			return fail_at(err_off, off, MHOD_E_ND_OPT_OVERRUN);
		if (!buf[off + 1])
			return fail_at(err_off, off + 1, MHOD_E_ND_OPT_LEN);
		size = (size_t)buf[off + 1] * 8;
		if (size > end - off)
			return fail_at(err_off, off, MHOD_E_ND_OPT_OVERRUN);
		if (m->nopts == MHOD_OPTS_MAX)
			return fail_at(err_off, off, MHOD_E_TOO_MANY_OPTS);
		o = &m->opts[m->nopts++];
		memset(o, 0, sizeof(*o));
		o->type = buf[off];
		err = parse_nd_opt(o, buf + off, size, pi);
		if (!err)
			err = o->pa.kind ? pa_frag(&pa, &o->pa) : pa_other(&pa);
		if (err)
			return fail_at(err_off, off, err);
		off += size;
	}
	err = pa_end(&pa);
	return err ? fail_at(err_off, end, err) : MHOD_OK;
}

/*
 * Options each message may carry: type, code (-1: any), how often. Options
 * mhod decodes that a message does not list are rejected; the others are
 * skipped (RFC 4861 4.6: unrecognized options are ignored).
 */
struct nd_rule {
	uint8_t type;
	int code;
	uint8_t min, max;
};

#define ND_RULES_MAX 12
static const struct {
	enum mhod_msg msg;
	struct nd_rule r[ND_RULES_MAX];
} nd_rules[] = {
	{ MHOD_MSG_RTSOLPR, {
		{ MHOD_ND_LLA, MHOD_LLA_SENDER, 0, 1 },
		{ MHOD_ND_LLA, MHOD_LLA_NEW_AP, 0, MHOD_OPTS_MAX },
		{ MHOD_ND_LLA, MHOD_LLA_WILDCARD, 0, 1 },
		{ MHOD_ND_PA, -1, 0, MHOD_OPTS_MAX } } },
	{ MHOD_MSG_PRRTADV, {
		{ MHOD_ND_LLA, MHOD_LLA_SENDER, 0, 1 },
		{ MHOD_ND_LLA, MHOD_LLA_NEW_AP, 0, MHOD_OPTS_MAX },
		{ MHOD_ND_LLA, MHOD_LLA_NAR, 0, MHOD_OPTS_MAX },
		{ MHOD_ND_LLA, MHOD_LLA_AP_SAME_IF, 0, MHOD_OPTS_MAX },
		{ MHOD_ND_LLA, MHOD_LLA_AP_NO_PREFIX, 0, MHOD_OPTS_MAX },
		{ MHOD_ND_LLA, MHOD_LLA_AP_NO_FMIP, 0, MHOD_OPTS_MAX },
		{ MHOD_ND_IPA, MHOD_IPA_NAR, 0, MHOD_OPTS_MAX },
		{ MHOD_ND_IPA, MHOD_IPA_NCOA, 0, 1 },
		{ MHOD_ND_NRPI, -1, 0, MHOD_OPTS_MAX },
		{ MHOD_ND_PA, -1, 0, MHOD_OPTS_MAX } } },
	{ MHOD_MSG_HI_4068, {
		{ MHOD_ND_LLA, MHOD_LLA_MN, 0, 1 },
		{ MHOD_ND_IPA, MHOD_IPA_PCOA, 0, 1 },
		{ MHOD_ND_IPA, MHOD_IPA_NCOA, 0, 1 } } },
	{ MHOD_MSG_HACK_4068, {
		{ MHOD_ND_IPA, MHOD_IPA_NCOA, 0, 1 } } },
	{ MHOD_MSG_NA, {
		{ MHOD_ND_TLLA, -1, 0, 1 } } },
	{ MHOD_MSG_RA, {
		{ MHOD_ND_SLLA, -1, 0, 1 },
		{ MHOD_ND_NAACK, -1, 0, 1 } } },
	{ MHOD_MSG_CXTP, { { 0 } } },
};

static bool nd_decoded(const struct mhod_nd_opt *o)
{
	return !o->raw;
}

static enum mhod_err check_nd_rules(const struct mhod_icmp *m,
				    const size_t *offs, size_t *err_off)
{
	const struct nd_rule *r = NULL;
	uint8_t count[ND_RULES_MAX] = { 0 };
	size_t i;
	int j;

	for (i = 0; i < ARRAY_SIZE(nd_rules); i++)
		if (nd_rules[i].msg == m->msg)
			r = nd_rules[i].r;
	for (i = 0; i < m->nopts; i++) {
		const struct mhod_nd_opt *o = &m->opts[i];
		bool typed = false;

		if (!nd_decoded(o))
			continue;
		for (j = 0; j < ND_RULES_MAX && r[j].type; j++) {
			if (r[j].type != o->type)
				continue;
			typed = true;
			if (r[j].code < 0 || r[j].code == o->code)
				break;
		}
		if (j == ND_RULES_MAX || !r[j].type)
			return fail_at(err_off, offs[i], typed ?
				       MHOD_E_OPT_CODE : MHOD_E_OPT_UNEXPECTED);
		if (++count[j] > r[j].max)
			return fail_at(err_off, offs[i], MHOD_E_OPT_DUP);
	}
	for (j = 0; j < ND_RULES_MAX && r[j].type; j++)
		if (count[j] < r[j].min)
			return fail_at(err_off, 0, MHOD_E_OPT_MISSING);
	return MHOD_OK;
}

static bool is_ap_lla(const struct mhod_nd_opt *o)
{
	return o->type == MHOD_ND_LLA &&
	       (o->code == MHOD_LLA_NEW_AP || o->code >= MHOD_LLA_AP_SAME_IF);
}

/*
 * RtSolPr (RFC 5568 6.1.1): at least one new-AP LLA, or one wildcard and
 * no new-AP LLA.
 */
static enum mhod_err check_rtsolpr(const struct mhod_icmp *m,
				   size_t *err_off)
{
	bool ap = mhod_nd_opt_find(m, MHOD_ND_LLA, MHOD_LLA_NEW_AP);
	bool wild = mhod_nd_opt_find(m, MHOD_ND_LLA, MHOD_LLA_WILDCARD);

	if (ap && wild)
		return fail_at(err_off, 8, MHOD_E_OPT_UNEXPECTED);
	if (!ap && !wild)
		return fail_at(err_off, 8, MHOD_E_OPT_MISSING);
	return MHOD_OK;
}

/*
 * PrRtAdv (RFC 5568 6.1.2), options in this order:
 *   [LLA sender]  tuple...  [IPA NCoA]
 *   tuple = LLA new AP (code 1, or 5/6/7 with Code 2)
 *           [LLA NAR (3)] [IPA NAR (3)] [NRPI]
 * with the NAR's LLA and IP address in every tuple for Codes 0 and 1; the
 * NCoA only in an unsolicited trigger (Code 1); Identifier 0 when
 * unsolicited (Codes 1 and 4). Pre-auth options may come anywhere.
 */
static enum mhod_err check_prrtadv(const struct mhod_icmp *m,
				   const size_t *offs, size_t *err_off)
{
	int stage = 0;	/* 0 start, 1 sender, 2 in tuple, 3 after NCoA */
	int tuples = 0, last = 0;
	bool want_nar = m->code <= 1;
	uint8_t i;

	if ((m->code == 1 || m->code == 4) && m->ident)
		return fail_at(err_off, 6, MHOD_E_IDENT);
	for (i = 0; i < m->nopts; i++) {
		const struct mhod_nd_opt *o = &m->opts[i];
		int rank;

		if (!nd_decoded(o) || o->type == MHOD_ND_PA)
			continue;
		if (o->type == MHOD_ND_LLA && o->code == MHOD_LLA_SENDER) {
			if (stage)
				return fail_at(err_off, offs[i],
					       MHOD_E_OPT_ORDER);
			stage = 1;
			continue;
		}
		if (is_ap_lla(o)) {
			if (stage == 3)
				return fail_at(err_off, offs[i],
					       MHOD_E_OPT_ORDER);
			if (o->code != MHOD_LLA_NEW_AP && m->code != 2)
				return fail_at(err_off, offs[i],
					       MHOD_E_OPT_CODE);
			if (tuples && want_nar && last < 2)
				return fail_at(err_off, offs[i],
					       MHOD_E_OPT_MISSING);
			tuples++;
			stage = 2;
			last = 0;
			continue;
		}
		if (o->type == MHOD_ND_IPA && o->code == MHOD_IPA_NCOA) {
			if (m->code != 1)
				return fail_at(err_off, offs[i],
					       MHOD_E_OPT_UNEXPECTED);
			if (stage != 2)
				return fail_at(err_off, offs[i],
					       MHOD_E_OPT_ORDER);
			if (want_nar && last < 2)
				return fail_at(err_off, offs[i],
					       MHOD_E_OPT_MISSING);
			stage = 3;
			continue;
		}
		/* LLA NAR = 1, IPA NAR = 2, NRPI = 3: once each, in order */
		rank = o->type == MHOD_ND_LLA ? 1 : o->type == MHOD_ND_IPA ?
			2 : 3;
		if (stage != 2)
			return fail_at(err_off, offs[i], MHOD_E_OPT_ORDER);
		if (rank <= last)
			return fail_at(err_off, offs[i], rank == last ?
				       MHOD_E_OPT_DUP : MHOD_E_OPT_ORDER);
		if (want_nar && rank - last > 1 && last < 2)
			return fail_at(err_off, offs[i], MHOD_E_OPT_MISSING);
		last = rank;
	}
	if (!tuples || (want_nar && stage == 2 && last < 2))
		return fail_at(err_off, 8, MHOD_E_OPT_MISSING);
	return MHOD_OK;
}

static bool is_multicast(const struct in6_addr *a)
{
	return a->s6_addr[0] == 0xff;
}

static bool is_link_local(const struct in6_addr *a)
{
	return a->s6_addr[0] == 0xfe && (a->s6_addr[1] & 0xc0) == 0x80;
}

enum mhod_err mhod_icmp_parse(struct mhod_icmp *m, const uint8_t *buf,
			      size_t len, const struct mhod_pkt_info *pi,
			      size_t *err_off)
{
	size_t offs[MHOD_OPTS_MAX], off, opt0 = 8;
	enum mhod_err err;
	uint8_t type;
	int i;

	memset(m, 0, sizeof(*m));
	if (len < 4)
		return fail_at(err_off, len, MHOD_E_TRUNCATED);
	if (len > MHOD_MSG_MAX)
		return fail_at(err_off, MHOD_MSG_MAX, MHOD_E_TOO_LONG);
	if (mhod_csum(&pi->src, &pi->dst, IPPROTO_ICMPV6_, buf, len))
		return fail_at(err_off, 2, MHOD_E_CHECKSUM);
	type = buf[0];
	m->code = buf[1];
	switch (type) {
	case MHOD_ICMP_FMIP:
		if (len < 8)
			return fail_at(err_off, len, MHOD_E_TRUNCATED);
		m->ident = get16(buf + 6);
		switch (buf[4]) {
		case MHOD_FMIP_RTSOLPR:
			m->msg = MHOD_MSG_RTSOLPR;
			if (m->code)
				return fail_at(err_off, 1, MHOD_E_ICMP_CODE);
			break;
		case MHOD_FMIP_PRRTADV:
			m->msg = MHOD_MSG_PRRTADV;
			if (m->code > 5)
				return fail_at(err_off, 1, MHOD_E_ICMP_CODE);
			break;
		case MHOD_FMIP_HI_4068:
			m->msg = MHOD_MSG_HI_4068;
			m->flags = buf[5] & (MHOD_HI_S | MHOD_HI_U);
			if (m->code > 1)
				return fail_at(err_off, 1, MHOD_E_ICMP_CODE);
			break;
		case MHOD_FMIP_HACK_4068:
			m->msg = MHOD_MSG_HACK_4068;
			if (m->code > 4 && (m->code < 128 || m->code > 130))
				return fail_at(err_off, 1, MHOD_E_ICMP_CODE);
			break;
		default:
			return fail_at(err_off, 4, MHOD_E_ICMP_SUBTYPE);
		}
		break;
	case MHOD_ICMP_EXP_MOBILITY:
		if (len < 8)
			return fail_at(err_off, len, MHOD_E_TRUNCATED);
		if (buf[4] != MHOD_EXP_CXTP)
			return fail_at(err_off, 4, MHOD_E_ICMP_SUBTYPE);
		m->msg = MHOD_MSG_CXTP;
		if (m->code)
			return fail_at(err_off, 1, MHOD_E_ICMP_CODE);
		opt0 = len;
		break;
	case MHOD_ICMP_NA:
		if (len < 24)
			return fail_at(err_off, len, MHOD_E_TRUNCATED);
		m->msg = MHOD_MSG_NA;
		if (m->code)
			return fail_at(err_off, 1, MHOD_E_ICMP_CODE);
		m->flags = buf[4] & (MHOD_NA_R | MHOD_NA_S | MHOD_NA_O);
		get_addr(&m->target, buf + 8);
		if (is_multicast(&m->target))
			return fail_at(err_off, 8, MHOD_E_ND_TARGET);
		if ((m->flags & MHOD_NA_S) && is_multicast(&pi->dst))
			return fail_at(err_off, 4, MHOD_E_ND_FLAGS);
		opt0 = 24;
		break;
	case MHOD_ICMP_RA:
		if (len < 16)
			return fail_at(err_off, len, MHOD_E_TRUNCATED);
		m->msg = MHOD_MSG_RA;
		if (m->code)
			return fail_at(err_off, 1, MHOD_E_ICMP_CODE);
		if (!is_link_local(&pi->src))
			return fail_at(err_off, 0, MHOD_E_RA_SOURCE);
		m->cur_hop_limit = buf[4];
		m->flags = buf[5];
		m->router_lifetime = get16(buf + 6);
		m->reachable_time = get32(buf + 8);
		m->retrans_timer = get32(buf + 12);
		opt0 = 16;
		break;
	default:
		return fail_at(err_off, 0, MHOD_E_ICMP_TYPE);
	}
	/* RFC 4861 and RFC 4065 8: only from on-link, Hop Limit 255. */
	if (pi->hop_limit >= 0 && pi->hop_limit != 255)
		return fail_at(err_off, 0, MHOD_E_HOP_LIMIT);
	if (m->msg == MHOD_MSG_CXTP) {
		err = mhod_cxtp_parse(&m->cxtp, buf + 8, len - 8, pi, &off);
		return err ? fail_at(err_off, off + 8, err) : MHOD_OK;
	}
	err = parse_nd_opts(m, buf, opt0, len, pi, err_off);
	if (err)
		return err;
	for (i = 0, off = opt0; i < m->nopts; i++) {
		offs[i] = off;
		off += (size_t)buf[off + 1] * 8;
	}
	err = check_nd_rules(m, offs, err_off);
	if (err)
		return err;
	if (m->msg == MHOD_MSG_RTSOLPR)
		return check_rtsolpr(m, err_off);
	if (m->msg == MHOD_MSG_PRRTADV)
		return check_prrtadv(m, offs, err_off);
	return MHOD_OK;
}

bool mhod_na_is_una(const struct mhod_icmp *m)
{
	return m->msg == MHOD_MSG_NA &&
	       !(m->flags & (MHOD_NA_R | MHOD_NA_S | MHOD_NA_O));
}

const struct mhod_nd_opt *mhod_nd_opt_find(const struct mhod_icmp *m,
					   uint8_t type, int code)
{
	int i;

	for (i = 0; i < m->nopts; i++)
		if (m->opts[i].type == type && nd_decoded(&m->opts[i]) &&
		    (code < 0 || m->opts[i].code == code))
			return &m->opts[i];
	return NULL;
}

/* Encode one ND option at p (zeroed, room checked); returns its size. */
static size_t build_nd_opt(const struct mhod_nd_opt *o, uint8_t *p,
			   size_t room)
{
	size_t size, hdr;

	if (o->raw) {
		if (o->raw_len > room || o->raw_len < 8 || o->raw_len % 8)
			return 0;
		memcpy(p, o->raw, o->raw_len);
		return o->raw_len;
	}
	switch (o->type) {
	case MHOD_ND_SLLA:
	case MHOD_ND_TLLA:
	case MHOD_ND_LLA:
		hdr = o->type == MHOD_ND_LLA ? 3 : 2;
		if (o->lla_len > MHOD_LLA_MAX)
			return 0;
		size = lla_opt_size(hdr, o->lla_len);
		if (size > room)
			return 0;
		p[2] = o->code;
		memcpy(p + hdr, o->lla, o->lla_len);
		break;
	case MHOD_ND_IPA:
	case MHOD_ND_NRPI:
		size = 24;
		if (size > room)
			return 0;
		p[2] = o->code;
		p[3] = o->plen;
		put_addr(p + 8, &o->addr);
		break;
	case MHOD_ND_NAACK:
		size = o->has_addr ? 24 : 8;
		if (size > room)
			return 0;
		p[2] = o->code;
		p[3] = o->status;
		if (o->has_addr)
			put_addr(p + 8, &o->addr);
		break;
	case MHOD_ND_PA:
		size = (8 + (size_t)o->pa.len + 7) / 8 * 8;
		if (size > room || size > 255 * 8)
			return 0;
		put16(p + 2, MHOD_PA_EXPID);
		p[4] = o->pa.kind;
		p[5] = o->pa.more ? MHOD_PA_F_MORE : 0;
		put16(p + 6, o->pa.len);
		memcpy(p + 8, o->pa.data, o->pa.len);
		break;
	default:
		return 0;
	}
	p[0] = o->type;
	p[1] = (uint8_t)(size / 8);
	return size;
}

enum mhod_err mhod_icmp_build(const struct mhod_icmp *m,
			      const struct mhod_pkt_info *pi, uint8_t *buf,
			      size_t cap, size_t *len)
{
	uint8_t tmp[MHOD_MSG_MAX];
	struct mhod_pkt_info check_pi = *pi;
	struct mhod_icmp check[1];
	size_t off = 8, n, i;
	enum mhod_err err;

	memset(tmp, 0, sizeof(tmp));
	tmp[1] = m->code;
	switch (m->msg) {
	case MHOD_MSG_RTSOLPR:
	case MHOD_MSG_PRRTADV:
	case MHOD_MSG_HI_4068:
	case MHOD_MSG_HACK_4068:
		tmp[0] = MHOD_ICMP_FMIP;
		tmp[4] = m->msg == MHOD_MSG_RTSOLPR ? MHOD_FMIP_RTSOLPR :
			 m->msg == MHOD_MSG_PRRTADV ? MHOD_FMIP_PRRTADV :
			 m->msg == MHOD_MSG_HI_4068 ? MHOD_FMIP_HI_4068 :
			 MHOD_FMIP_HACK_4068;
		if (m->msg == MHOD_MSG_HI_4068)
			tmp[5] = m->flags & (MHOD_HI_S | MHOD_HI_U);
		put16(tmp + 6, m->ident);
		break;
	case MHOD_MSG_CXTP:
		tmp[0] = MHOD_ICMP_EXP_MOBILITY;
		tmp[4] = MHOD_EXP_CXTP;
		err = mhod_cxtp_build(&m->cxtp, tmp + 8, sizeof(tmp) - 8, &n);
		if (err)
			return err == MHOD_E_NOSPACE ? MHOD_E_INVAL : err;
		off += n;
		break;
	case MHOD_MSG_NA:
		tmp[0] = MHOD_ICMP_NA;
		tmp[4] = m->flags & (MHOD_NA_R | MHOD_NA_S | MHOD_NA_O);
		put_addr(tmp + 8, &m->target);
		off = 24;
		break;
	case MHOD_MSG_RA:
		tmp[0] = MHOD_ICMP_RA;
		tmp[4] = m->cur_hop_limit;
		tmp[5] = m->flags;
		put16(tmp + 6, m->router_lifetime);
		put32(tmp + 8, m->reachable_time);
		put32(tmp + 12, m->retrans_timer);
		off = 16;
		break;
	default:
		return MHOD_E_INVAL;
	}
	if (m->nopts > MHOD_OPTS_MAX)
		return MHOD_E_INVAL;
	for (i = 0; m->msg != MHOD_MSG_CXTP && i < m->nopts; i++) {
		n = build_nd_opt(&m->opts[i], tmp + off, sizeof(tmp) - off);
		if (!n)
			return MHOD_E_INVAL;
		off += n;
	}
	if (off > cap)
		return MHOD_E_NOSPACE;
	put16(tmp + 2, mhod_csum(&pi->src, &pi->dst, IPPROTO_ICMPV6_, tmp,
				 off));
	check_pi.hop_limit = -1;
	for (i = 0; i < m->nopts; i++)
		if (m->opts[i].lla_len && !m->opts[i].raw)
			check_pi.lla_len = m->opts[i].lla_len;
	if (mhod_icmp_parse(check, tmp, off, &check_pi, NULL))
		return MHOD_E_INVAL;
	memcpy(buf, tmp, off);
	*len = off;
	return MHOD_OK;
}

PA_ACCESSORS(mhod_icmp, MHOD_ND_PA, MHOD_PA_ND_FRAG_MAX)
