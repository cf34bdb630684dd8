// SPDX-License-Identifier: GPL-2.0
/*
 * Mobility Header messages (RFC 6275 6.1: BU, BA, BE; RFC 5568 6.2: FBU,
 * FBack, HI, HAck) and their mobility options (RFC 6275 6.2, RFC 5568 6.4,
 * RFC 5096 for mhod's pre-authentication options).
 */
#include <string.h>

#include "bytes.h"
#include "preauth.h"
#include "hmac.h"
#include "wire.h"

#define MH_HDR		6	/* Payload Proto, Header Len, Type, Rsvd, Csum */
#define IPPROTO_NONE_	59
#define IPPROTO_MH_	135
#define BADF_MAC_LEN	12

/* Fixed part (octets before the options) of each message type. */
static const struct {
	uint8_t type;
	uint8_t fixed;
	enum mhod_msg msg;
} mh_types[] = {
	{ MHOD_MH_BU, 12, MHOD_MSG_BU },
	{ MHOD_MH_BA, 12, MHOD_MSG_BA },
	{ MHOD_MH_BE, 24, MHOD_MSG_BE },
	{ MHOD_MH_FBU, 12, MHOD_MSG_FBU },
	{ MHOD_MH_FBACK, 12, MHOD_MSG_FBACK },
	{ MHOD_MH_HI, 10, MHOD_MSG_HI },
	{ MHOD_MH_HACK, 10, MHOD_MSG_HACK },
};

static int mh_type_index(uint8_t type)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mh_types); i++)
		if (mh_types[i].type == type)
			return (int)i;
	return -1;
}

/*
 * The options mhod decodes: alignment xn+y (x = 0: none; the BADs are
 * "last", which implies their alignment) and data length bounds.
 */
struct mho_desc {
	uint8_t x, y;
	uint8_t min, max;
	bool last;
};

static const struct mho_desc *mho_desc(uint8_t type)
{
	static const struct mho_desc bra = { 2, 0, 2, 2, false };
	static const struct mho_desc altcoa = { 8, 6, 16, 16, false };
	static const struct mho_desc nonce = { 2, 0, 4, 4, false };
	static const struct mho_desc bad = {
		0, 0, MHOD_AUTH_MIN, MHOD_AUTH_MAX, true
	};
	static const struct mho_desc lla = { 0, 0, 2, 1 + MHOD_LLA_MAX, false };
	static const struct mho_desc exp = { 0, 0, 5, 255, false };
	static const struct mho_desc badf = {
		0, 0, 4 + MHOD_AUTH_MIN, 4 + MHOD_AUTH_MAX, true
	};
	static const struct mho_desc ipap = { 8, 4, 18, 18, false };

	switch (type) {
	case MHOD_MHO_BRA: return &bra;
	case MHOD_MHO_ALTCOA: return &altcoa;
	case MHOD_MHO_NONCE: return &nonce;
	case MHOD_MHO_BAD: return &bad;
	case MHOD_MHO_LLA: return &lla;
	case MHOD_MHO_EXP: return &exp;
	case MHOD_MHO_BADF: return &badf;
	case MHOD_MHO_IPAP: return &ipap;
	}
	return NULL;
}

/*
 * Which options each message may carry, with which codes and how often.
 * code -1: any code (options without one). A decoded option absent from
 * its message's list is rejected; options mhod does not decode (and
 * experimental options of other experiments) are skipped, as RFC 6275
 * 6.2.1 says.
 */
struct mho_rule {
	uint8_t type;
	int code;
	uint8_t min, max;
};

#define RULES_MAX 5
static const struct {
	uint8_t type;
	struct mho_rule r[RULES_MAX];
} mh_rules[] = {
	{ MHOD_MH_BU, {
		{ MHOD_MHO_ALTCOA, -1, 0, 1 },
		{ MHOD_MHO_NONCE, -1, 0, 1 },
		{ MHOD_MHO_BAD, -1, 0, 1 } } },
	{ MHOD_MH_BA, {
		{ MHOD_MHO_BAD, -1, 0, 1 },
		{ MHOD_MHO_BRA, -1, 0, 1 } } },
	{ MHOD_MH_BE, { { 0 } } },
	{ MHOD_MH_FBU, {
		{ MHOD_MHO_ALTCOA, -1, 0, 1 },
		{ MHOD_MHO_LLA, MHOD_LLA_MN, 0, 1 },
		{ MHOD_MHO_EXP, -1, 0, MHOD_OPTS_MAX },
		{ MHOD_MHO_BADF, -1, 1, 1 } } },
	{ MHOD_MH_FBACK, {
		{ MHOD_MHO_ALTCOA, -1, 0, 1 },
		/* mhod: the nAR, for a reactive context transfer */
		{ MHOD_MHO_IPAP, MHOD_IPA_NAR, 0, 1 },
		{ MHOD_MHO_EXP, -1, 0, MHOD_OPTS_MAX },
		{ MHOD_MHO_BADF, -1, 1, 1 } } },
	{ MHOD_MH_HI, {
		{ MHOD_MHO_IPAP, MHOD_IPA_PCOA, 0, 1 },
		{ MHOD_MHO_IPAP, MHOD_IPA_NCOA, 0, 1 },
		{ MHOD_MHO_LLA, MHOD_LLA_MN, 1, 1 },
		{ MHOD_MHO_EXP, -1, 0, MHOD_OPTS_MAX } } },
	{ MHOD_MH_HACK, {
		{ MHOD_MHO_IPAP, MHOD_IPA_NCOA, 0, 1 },
		{ MHOD_MHO_EXP, -1, 0, MHOD_OPTS_MAX } } },
};

static const struct mho_rule *rules_for(uint8_t type)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mh_rules); i++)
		if (mh_rules[i].type == type)
			return mh_rules[i].r;
	return NULL;
}

static bool is_ours(const struct mhod_mh_opt *o)
{
	return o->type != MHOD_MHO_EXP || o->pa.kind;
}

/* Check the option list against the message's rules. */
static enum mhod_err check_rules(const struct mhod_mh *m, size_t *err_off)
{
	const struct mho_rule *r = rules_for(m->type);
	uint8_t count[RULES_MAX] = { 0 };
	int i, j;

	for (i = 0; i < m->nopts; i++) {
		const struct mhod_mh_opt *o = &m->opts[i];
		bool typed = false;

		if (!mho_desc(o->type) || !is_ours(o))
			continue;
		for (j = 0; j < RULES_MAX && r[j].type; j++) {
			if (r[j].type != o->type)
				continue;
			typed = true;
			if (r[j].code < 0 || r[j].code == o->code)
				break;
		}
		if (j == RULES_MAX || !r[j].type)
			return fail_at(err_off, o->off, typed ?
				       MHOD_E_OPT_CODE : MHOD_E_OPT_UNEXPECTED);
		if (++count[j] > r[j].max)
			return fail_at(err_off, o->off, MHOD_E_OPT_DUP);
	}
	for (j = 0; j < RULES_MAX && r[j].type; j++)
		if (count[j] < r[j].min)
			return fail_at(err_off, 0, MHOD_E_OPT_MISSING);
	return MHOD_OK;
}

const struct mhod_mh_opt *mhod_mh_opt_find(const struct mhod_mh *m,
					   uint8_t type, int code)
{
	int i;

	for (i = 0; i < m->nopts; i++)
		if (m->opts[i].type == type &&
		    (code < 0 || m->opts[i].code == code))
			return &m->opts[i];
	return NULL;
}

/* Decode one option's data (bounds already checked against the MH). */
static enum mhod_err decode_opt(struct mhod_mh_opt *o, const uint8_t *d,
				uint8_t len)
{
	switch (o->type) {
	case MHOD_MHO_BRA:
		o->refresh = get16(d);
		break;
	case MHOD_MHO_ALTCOA:
		get_addr(&o->addr, d);
		break;
	case MHOD_MHO_NONCE:
		o->home_nonce = get16(d);
		o->careof_nonce = get16(d + 2);
		break;
	case MHOD_MHO_BAD:
		o->len = len;
		o->data = d;
		break;
	case MHOD_MHO_LLA:
		o->code = d[0];
		o->lla_len = len - 1;
		memcpy(o->lla, d + 1, o->lla_len);
		break;
	case MHOD_MHO_BADF:
		o->spi = get32(d);
		o->len = len - 4;
		o->data = d + 4;
		break;
	case MHOD_MHO_IPAP:
		o->code = d[0];
		o->plen = d[1];
		if (o->plen > 128)
			return MHOD_E_PLEN;
		get_addr(&o->addr, d + 2);
		break;
	case MHOD_MHO_EXP:
		o->len = len;
		o->data = d;
		if (get16(d) != MHOD_PA_EXPID)
			break;	/* another experiment: skipped */
		if (d[3] & ~MHOD_PA_F_MORE)
			return MHOD_E_PA_FLAGS;
		o->pa.kind = d[2];
		o->pa.more = d[3] & MHOD_PA_F_MORE;
		o->pa.len = len - 4;
		o->pa.data = d + 4;
		if (!o->pa.kind)
			return MHOD_E_PA_KIND;
		break;
	default:
		o->len = len;
		o->data = d;
	}
	return MHOD_OK;
}

/* Walk the options from off to end (RFC 6275 6.2.1). */
static enum mhod_err parse_opts(struct mhod_mh *m, const uint8_t *buf,
				size_t off, size_t end, size_t *err_off)
{
	struct pa_state pa = { 0 };
	size_t pad = 0, pad_start = off;
	bool after_last = false;
	enum mhod_err err;

	while (off < end) {
		const struct mho_desc *desc;
		struct mhod_mh_opt *o;
		uint8_t type = buf[off], len;

		if (after_last)
			return fail_at(err_off, off, MHOD_E_OPT_ORDER);
		if (type == MHOD_MHO_PAD1) {
			if (!pad)
				pad_start = off;
			if (++pad > 7)
				return fail_at(err_off, pad_start, MHOD_E_PAD);
			off++;
			continue;
		}
		if (end - off < 2 || end - off - 2 < buf[off + 1])
			return fail_at(err_off, off, MHOD_E_MH_OPT_OVERRUN);
		len = buf[off + 1];
		if (type == MHOD_MHO_PADN) {
			if (!pad)
				pad_start = off;
			pad += 2u + len;
			if (pad > 7)
				return fail_at(err_off, pad_start, MHOD_E_PAD);
			if (!all_zero(buf + off + 2, len))
				return fail_at(err_off, off, MHOD_E_PAD);
			off += 2u + len;
			continue;
		}
		pad = 0;
		desc = mho_desc(type);
		if (desc && (len < desc->min || len > desc->max))
			return fail_at(err_off, off, MHOD_E_MH_OPT_LEN);
		if (desc && desc->x && off % desc->x != desc->y)
			return fail_at(err_off, off, MHOD_E_MH_OPT_ALIGN);
		if (m->nopts == MHOD_OPTS_MAX)
			return fail_at(err_off, off, MHOD_E_TOO_MANY_OPTS);
		o = &m->opts[m->nopts++];
		memset(o, 0, sizeof(*o));
		o->type = type;
		o->off = (uint16_t)off;
		err = decode_opt(o, buf + off + 2, len);
		if (err)
			return fail_at(err_off, off, err);
		err = o->pa.kind ? pa_frag(&pa, &o->pa) : pa_other(&pa);
		if (err)
			return fail_at(err_off, off, err);
		after_last = desc && desc->last;
		off += 2u + len;
	}
	/* BAD/BADF is last with no padding after it (RFC 6275 6.2.7). */
	if (after_last && pad)
		return fail_at(err_off, pad_start, MHOD_E_OPT_ORDER);
	err = pa_end(&pa);
	return err ? fail_at(err_off, end, err) : MHOD_OK;
}

static enum mhod_err check_msg(const struct mhod_mh *m, size_t *err_off)
{
	switch (m->type) {
	case MHOD_MH_FBU:
		/* RFC 5568 6.2.2: A and H MUST be set. */
		if ((m->flags & (MHOD_BU_A | MHOD_BU_H)) !=
		    (MHOD_BU_A | MHOD_BU_H))
			return fail_at(err_off, 8, MHOD_E_FLAGS);
		break;
	case MHOD_MH_FBACK:
		if (m->status > 1 && (m->status < 128 || m->status > 131))
			return fail_at(err_off, 6, MHOD_E_CODE);
		/* Status 1: use the NCoA in the Alternate CoA option. */
		if (m->status == 1 &&
		    !mhod_mh_opt_find(m, MHOD_MHO_ALTCOA, -1))
			return fail_at(err_off, 6, MHOD_E_OPT_MISSING);
		break;
	case MHOD_MH_HI:
		if (m->code > 1)
			return fail_at(err_off, 9, MHOD_E_CODE);
		/* S MUST be 0 with Code 1 (RFC 5568 6.2.1.1). */
		if (m->code == 1 && (m->flags & MHOD_HI_S))
			return fail_at(err_off, 8, MHOD_E_FLAGS);
		break;
	case MHOD_MH_HACK:
		if (m->code > 4 && (m->code < 128 || m->code > 130))
			return fail_at(err_off, 9, MHOD_E_CODE);
		if (m->code == 2 &&
		    !mhod_mh_opt_find(m, MHOD_MHO_IPAP, MHOD_IPA_NCOA))
			return fail_at(err_off, 9, MHOD_E_OPT_MISSING);
		break;
	case MHOD_MH_BE:
		if (m->status != 1 && m->status != 2)
			return fail_at(err_off, 6, MHOD_E_CODE);
		break;
	}
	return MHOD_OK;
}

enum mhod_err mhod_mh_parse(struct mhod_mh *m, const uint8_t *buf,
			    size_t len, const struct mhod_pkt_info *pi,
			    size_t *err_off)
{
	const uint8_t *p = buf + MH_HDR;
	size_t total;
	enum mhod_err err;
	int t;

	memset(m, 0, sizeof(*m));
	if (len < 8)
		return fail_at(err_off, len, MHOD_E_TRUNCATED);
	if (len > MHOD_MH_MAX)
		return fail_at(err_off, MHOD_MH_MAX, MHOD_E_TOO_LONG);
	/* RFC 6275 6.1.1: nothing follows the header (IPPROTO_NONE). */
	if (buf[0] != IPPROTO_NONE_)
		return fail_at(err_off, 0, MHOD_E_MH_PROTO);
	total = ((size_t)buf[1] + 1) * 8;
	if (total > len)
		return fail_at(err_off, 1, MHOD_E_TRUNCATED);
	if (total < len)
		return fail_at(err_off, total, MHOD_E_MH_LEN);
	if (mhod_csum(&pi->src, &pi->dst, IPPROTO_MH_, buf, len))
		return fail_at(err_off, 4, MHOD_E_CHECKSUM);
	/* Octet 3 is reserved: ignored on receipt. */
	m->type = buf[2];
	t = mh_type_index(m->type);
	if (t < 0)
		return fail_at(err_off, 2, MHOD_E_MH_TYPE);
	/* RFC 6275 9.2: Header Len below the type's minimum. */
	if (total < mh_types[t].fixed)
		return fail_at(err_off, 1, MHOD_E_MH_SHORT);
	m->msg = mh_types[t].msg;
	switch (m->type) {
	case MHOD_MH_BU:
	case MHOD_MH_FBU:
		m->seq = get16(p);
		m->flags = get16(p + 2) & MHOD_BU_FLAGS;
		m->lifetime = get16(p + 4);
		break;
	case MHOD_MH_BA:
	case MHOD_MH_FBACK:
		m->status = p[0];
		m->flags = p[1] & MHOD_BA_K;
		m->seq = get16(p + 2);
		m->lifetime = get16(p + 4);
		break;
	case MHOD_MH_BE:
		m->status = p[0];
		get_addr(&m->home_addr, p + 2);
		break;
	case MHOD_MH_HI:
		m->seq = get16(p);
		m->flags = p[2] & (MHOD_HI_S | MHOD_HI_U);
		m->code = p[3];
		break;
	case MHOD_MH_HACK:
		m->seq = get16(p);
		m->code = p[3];
		break;
	}
	err = parse_opts(m, buf, mh_types[t].fixed, total, err_off);
	if (err)
		return err;
	err = check_rules(m, err_off);
	if (err)
		return err;
	return check_msg(m, err_off);
}

/* Append n octets of padding (Pad1 or PadN). */
static void put_pad(uint8_t *p, size_t n)
{
	if (!n)
		return;
	memset(p, 0, n);
	if (n > 1) {
		p[0] = MHOD_MHO_PADN;
		p[1] = (uint8_t)(n - 2);
	}
}

/* Encode an option's data; returns its length. */
static size_t encode_opt(const struct mhod_mh_opt *o, uint8_t *d)
{
	switch (o->type) {
	case MHOD_MHO_BRA:
		put16(d, o->refresh);
		return 2;
	case MHOD_MHO_ALTCOA:
		put_addr(d, &o->addr);
		return 16;
	case MHOD_MHO_NONCE:
		put16(d, o->home_nonce);
		put16(d + 2, o->careof_nonce);
		return 4;
	case MHOD_MHO_LLA:
		d[0] = o->code;
		memcpy(d + 1, o->lla, o->lla_len);
		return 1u + o->lla_len;
	case MHOD_MHO_BADF:
		put32(d, o->spi);
		if (o->data)
			memcpy(d + 4, o->data, o->len);
		else
			memset(d + 4, 0, o->len);
		return 4u + o->len;
	case MHOD_MHO_IPAP:
		d[0] = o->code;
		d[1] = o->plen;
		put_addr(d + 2, &o->addr);
		return 18;
	case MHOD_MHO_EXP:
		if (o->pa.kind) {
			put16(d, MHOD_PA_EXPID);
			d[2] = o->pa.kind;
			d[3] = o->pa.more ? MHOD_PA_F_MORE : 0;
			memcpy(d + 4, o->pa.data, o->pa.len);
			return 4u + o->pa.len;
		}
		break;
	}
	if (o->data)
		memcpy(d, o->data, o->len);
	else
		memset(d, 0, o->len);
	return o->len;
}

/* Data length of an option as encode_opt() writes it. */
static size_t opt_len(const struct mhod_mh_opt *o)
{
	switch (o->type) {
	case MHOD_MHO_BRA: return 2;
	case MHOD_MHO_ALTCOA: return 16;
	case MHOD_MHO_NONCE: return 4;
	case MHOD_MHO_LLA: return 1u + o->lla_len;
	case MHOD_MHO_BADF: return 4u + o->len;
	case MHOD_MHO_IPAP: return 18;
	case MHOD_MHO_EXP:
		if (o->pa.kind)
			return 4u + o->pa.len;
	}
	return o->len;
}

enum mhod_err mhod_mh_build(const struct mhod_mh *m,
			    const struct mhod_pkt_info *pi, uint8_t *buf,
			    size_t cap, size_t *len)
{
	uint8_t tmp[MHOD_MH_MAX];
	struct mhod_mh check;
	size_t off, i;
	int t = mh_type_index(m->type);

	if (t < 0 || m->nopts > MHOD_OPTS_MAX)
		return MHOD_E_INVAL;
	memset(tmp, 0, sizeof(tmp));
	tmp[0] = IPPROTO_NONE_;
	tmp[2] = m->type;
	switch (m->type) {
	case MHOD_MH_BU:
	case MHOD_MH_FBU:
		put16(tmp + 6, m->seq);
		put16(tmp + 8, m->flags & MHOD_BU_FLAGS);
		put16(tmp + 10, m->lifetime);
		break;
	case MHOD_MH_BA:
	case MHOD_MH_FBACK:
		tmp[6] = m->status;
		tmp[7] = m->flags & MHOD_BA_K;
		put16(tmp + 8, m->seq);
		put16(tmp + 10, m->lifetime);
		break;
	case MHOD_MH_BE:
		tmp[6] = m->status;
		put_addr(tmp + 8, &m->home_addr);
		break;
	case MHOD_MH_HI:
		put16(tmp + 6, m->seq);
		tmp[8] = m->flags & (MHOD_HI_S | MHOD_HI_U);
		tmp[9] = m->code;
		break;
	case MHOD_MH_HACK:
		put16(tmp + 6, m->seq);
		tmp[9] = m->code;
		break;
	}
	off = mh_types[t].fixed;
	for (i = 0; i < m->nopts; i++) {
		const struct mhod_mh_opt *o = &m->opts[i];
		const struct mho_desc *desc = mho_desc(o->type);
		size_t n = opt_len(o), pad = 0;

		if (o->type <= MHOD_MHO_PADN || n > 255)
			return MHOD_E_INVAL;
		if (desc && desc->x)
			pad = (desc->y - off % desc->x + desc->x) % desc->x;
		else if (desc && desc->last)
			pad = (16 - (off + 2 + n) % 8) % 8;
		if (off + pad + 2 + n > sizeof(tmp))
			return MHOD_E_INVAL;
		put_pad(tmp + off, pad);
		off += pad;
		tmp[off] = o->type;
		tmp[off + 1] = (uint8_t)n;
		off += 2 + encode_opt(o, tmp + off + 2);
	}
	if (off % 8) {
		if (off + 8 - off % 8 > sizeof(tmp))
			return MHOD_E_INVAL;
		put_pad(tmp + off, 8 - off % 8);
		off += 8 - off % 8;
	}
	if (off > cap)
		return MHOD_E_NOSPACE;
	tmp[1] = (uint8_t)(off / 8 - 1);
	put16(tmp + 4, mhod_csum(&pi->src, &pi->dst, IPPROTO_MH_, tmp, off));
	if (mhod_mh_parse(&check, tmp, off, pi, NULL))
		return MHOD_E_INVAL;
	memcpy(buf, tmp, off);
	*len = off;
	return MHOD_OK;
}

/* HMAC-SHA1-96 over CoA | PAR | MH up to the authenticator, checksum 0. */
static bool badf_mac(const uint8_t *mh, size_t auth_off, const uint8_t *key,
		     size_t key_len, const struct in6_addr *coa,
		     const struct in6_addr *par, uint8_t mac[MHOD_SHA1_LEN])
{
	static const uint8_t zero[2];
	struct mhod_hmac h;

	mhod_hmac_init(&h, key, key_len);
	mhod_hmac_update(&h, coa->s6_addr, 16);
	mhod_hmac_update(&h, par->s6_addr, 16);
	mhod_hmac_update(&h, mh, 4);
	mhod_hmac_update(&h, zero, 2);
	mhod_hmac_update(&h, mh + MH_HDR, auth_off - MH_HDR);
	return mhod_hmac_final(&h, mac);
}

enum mhod_err mhod_mh_badf_sign(uint8_t *mh, size_t len,
				const struct mhod_pkt_info *pi,
				const uint8_t *key, size_t key_len,
				const struct in6_addr *coa,
				const struct in6_addr *par)
{
	uint8_t mac[MHOD_SHA1_LEN];
	const struct mhod_mh_opt *o;
	struct mhod_mh m;
	size_t auth_off;
	enum mhod_err err;

	err = mhod_mh_parse(&m, mh, len, pi, NULL);
	if (err)
		return err;
	o = mhod_mh_opt_find(&m, MHOD_MHO_BADF, -1);
	if (!o || o->len != BADF_MAC_LEN)
		return MHOD_E_INVAL;
	auth_off = (size_t)(o->data - mh);
	if (!badf_mac(mh, auth_off, key, key_len, coa, par, mac))
		return MHOD_E_CRYPTO;
	memcpy(mh + auth_off, mac, BADF_MAC_LEN);
	explicit_bzero(mac, sizeof(mac));
	put16(mh + 4, 0);
	put16(mh + 4, mhod_csum(&pi->src, &pi->dst, IPPROTO_MH_, mh, len));
	return MHOD_OK;
}

bool mhod_mh_badf_verify(const struct mhod_mh *m, const uint8_t *mh,
			 size_t len, const uint8_t *key, size_t key_len,
			 const struct in6_addr *coa,
			 const struct in6_addr *par)
{
	const struct mhod_mh_opt *o = mhod_mh_opt_find(m, MHOD_MHO_BADF, -1);
	uint8_t mac[MHOD_SHA1_LEN];
	size_t auth_off;
	bool ok;

	if (!o || o->len != BADF_MAC_LEN || o->data < mh ||
	    o->data + o->len > mh + len)
		return false;
	auth_off = (size_t)(o->data - mh);
	ok = badf_mac(mh, auth_off, key, key_len, coa, par, mac) &&
	     mhod_memeq(mac, o->data, BADF_MAC_LEN);
	explicit_bzero(mac, sizeof(mac));
	return ok;
}

PA_ACCESSORS(mhod_mh, MHOD_MHO_EXP, MHOD_PA_MH_FRAG_MAX)
