// SPDX-License-Identifier: GPL-2.0
/*
 * The portable context encoding (ctxwire.h; the layout is in
 * Documentation/context.rst, "Portable encoding").
 *
 * A record is Type(2) Length(2) Value, big-endian, Length counting the
 * value's octets only, no padding. Types are the UAPI's attribute numbers
 * (enum mho_ctx_a at the top, enum mho_sa_a and enum mho_pol_a inside the
 * SA and POLICY records), which only ever grow. Values:
 *
 *   u32, u64          big-endian
 *   address           16 octets, as on the wire
 *   XFRM structure    its fields in declaration order, each integer
 *                     big-endian in its own width, addresses, SPIs, ports
 *                     and names as they are (already network order or
 *                     bytes); no padding. Algorithms: the structure, then
 *                     the key's (bits + 7) / 8 octets; ESN replay state:
 *                     the structure, then bmp_len 32-bit words; templates:
 *                     1 to XFRM_MAX_DEPTH structures back to back
 *   SA, POLICY        the records of the nest
 *
 * MHO_CTX_A_PAD, an artefact of the native form, is dropped.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>
#include <linux/mho.h>

#include "ctxwire.h"

/* ---- structures, field by field ------------------------------------------ */

enum { F_RAW, F_INT, F_SUB };

struct ftab;

struct fld {
	unsigned short off;
	unsigned short size;
	unsigned char kind;
	const struct ftab *sub;
};

struct ftab {
	const struct fld *f;
	unsigned int n;
	size_t native;			/* sizeof the structure */
};

#define FL(t, m, k)	{ offsetof(t, m), sizeof(((t *)0)->m), k, NULL }
#define SB(t, m, s)	{ offsetof(t, m), sizeof(((t *)0)->m), F_SUB, &s }
#define TAB(name, t, ...)						\
	static const struct fld name##_f[] = { __VA_ARGS__ };		\
	static const struct ftab name = {				\
		name##_f, sizeof(name##_f) / sizeof(name##_f[0]), sizeof(t) }

#define SEL struct xfrm_selector
TAB(t_sel, SEL, FL(SEL, daddr, F_RAW), FL(SEL, saddr, F_RAW),
    FL(SEL, dport, F_RAW), FL(SEL, dport_mask, F_RAW),
    FL(SEL, sport, F_RAW), FL(SEL, sport_mask, F_RAW),
    FL(SEL, family, F_INT), FL(SEL, prefixlen_d, F_INT),
    FL(SEL, prefixlen_s, F_INT), FL(SEL, proto, F_INT),
    FL(SEL, ifindex, F_INT), FL(SEL, user, F_INT));
#undef SEL

TAB(t_id, struct xfrm_id, FL(struct xfrm_id, daddr, F_RAW),
    FL(struct xfrm_id, spi, F_RAW), FL(struct xfrm_id, proto, F_INT));

#define LFT struct xfrm_lifetime_cfg
TAB(t_lft, LFT, FL(LFT, soft_byte_limit, F_INT),
    FL(LFT, hard_byte_limit, F_INT), FL(LFT, soft_packet_limit, F_INT),
    FL(LFT, hard_packet_limit, F_INT),
    FL(LFT, soft_add_expires_seconds, F_INT),
    FL(LFT, hard_add_expires_seconds, F_INT),
    FL(LFT, soft_use_expires_seconds, F_INT),
    FL(LFT, hard_use_expires_seconds, F_INT));
#undef LFT

#define CUR struct xfrm_lifetime_cur
TAB(t_cur, CUR, FL(CUR, bytes, F_INT), FL(CUR, packets, F_INT),
    FL(CUR, add_time, F_INT), FL(CUR, use_time, F_INT));
#undef CUR

#define STS struct xfrm_stats
TAB(t_stats, STS, FL(STS, replay_window, F_INT), FL(STS, replay, F_INT),
    FL(STS, integrity_failed, F_INT));
#undef STS

#define SA struct xfrm_usersa_info
TAB(t_sa, SA, SB(SA, sel, t_sel), SB(SA, id, t_id), FL(SA, saddr, F_RAW),
    SB(SA, lft, t_lft), SB(SA, curlft, t_cur), SB(SA, stats, t_stats),
    FL(SA, seq, F_INT), FL(SA, reqid, F_INT), FL(SA, family, F_INT),
    FL(SA, mode, F_INT), FL(SA, replay_window, F_INT),
    FL(SA, flags, F_INT));
#undef SA

#define POL struct xfrm_userpolicy_info
TAB(t_pol, POL, SB(POL, sel, t_sel), SB(POL, lft, t_lft),
    SB(POL, curlft, t_cur), FL(POL, priority, F_INT),
    FL(POL, index, F_INT), FL(POL, dir, F_INT), FL(POL, action, F_INT),
    FL(POL, flags, F_INT), FL(POL, share, F_INT));
#undef POL

#define TMPL struct xfrm_user_tmpl
TAB(t_tmpl, TMPL, SB(TMPL, id, t_id), FL(TMPL, family, F_INT),
    FL(TMPL, saddr, F_RAW), FL(TMPL, reqid, F_INT), FL(TMPL, mode, F_INT),
    FL(TMPL, share, F_INT), FL(TMPL, optional, F_INT),
    FL(TMPL, aalgos, F_INT), FL(TMPL, ealgos, F_INT),
    FL(TMPL, calgos, F_INT));
#undef TMPL

TAB(t_mark, struct xfrm_mark, FL(struct xfrm_mark, v, F_INT),
    FL(struct xfrm_mark, m, F_INT));

#define RPL struct xfrm_replay_state
TAB(t_replay, RPL, FL(RPL, oseq, F_INT), FL(RPL, seq, F_INT),
    FL(RPL, bitmap, F_INT));
#undef RPL

#define ESN struct xfrm_replay_state_esn
TAB(t_esn, ESN, FL(ESN, bmp_len, F_INT), FL(ESN, oseq, F_INT),
    FL(ESN, seq, F_INT), FL(ESN, oseq_hi, F_INT), FL(ESN, seq_hi, F_INT),
    FL(ESN, replay_window, F_INT));
#undef ESN

/* The key length (bits) is at the same offset in all three. */
TAB(t_algo, struct xfrm_algo, FL(struct xfrm_algo, alg_name, F_RAW),
    FL(struct xfrm_algo, alg_key_len, F_INT));
TAB(t_auth, struct xfrm_algo_auth,
    FL(struct xfrm_algo_auth, alg_name, F_RAW),
    FL(struct xfrm_algo_auth, alg_key_len, F_INT),
    FL(struct xfrm_algo_auth, alg_trunc_len, F_INT));
TAB(t_aead, struct xfrm_algo_aead,
    FL(struct xfrm_algo_aead, alg_name, F_RAW),
    FL(struct xfrm_algo_aead, alg_key_len, F_INT),
    FL(struct xfrm_algo_aead, alg_icv_len, F_INT));

/* XFRM_MAX_DEPTH, the kernel's (include/net/xfrm.h) limit on templates. */
#define TMPL_MAX	6

#define ALG_NAME_LEN	sizeof(((struct xfrm_algo *)0)->alg_name)

static size_t wire_size(const struct ftab *t)
{
	size_t n = 0;
	unsigned int i;

	for (i = 0; i < t->n; i++)
		n += t->f[i].kind == F_SUB ? wire_size(t->f[i].sub) :
					     t->f[i].size;
	return n;
}

static uint64_t get_be(const unsigned char *p, unsigned int size)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < size; i++)
		v = v << 8 | p[i];
	return v;
}

static void put_be(unsigned char *p, uint64_t v, unsigned int size)
{
	while (size--) {
		p[size] = (unsigned char)v;
		v >>= 8;
	}
}

/* A native integer of @size octets, in this host's order. */
static uint64_t get_native(const unsigned char *p, unsigned int size)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	switch (size) {
	case 1:
		memcpy(&u8, p, 1);
		return u8;
	case 2:
		memcpy(&u16, p, 2);
		return u16;
	case 4:
		memcpy(&u32, p, 4);
		return u32;
	}
	memcpy(&u64, p, 8);
	return u64;
}

static void put_native(unsigned char *p, uint64_t v, unsigned int size)
{
	uint8_t u8 = (uint8_t)v;
	uint16_t u16 = (uint16_t)v;
	uint32_t u32 = (uint32_t)v;

	switch (size) {
	case 1:
		memcpy(p, &u8, 1);
		return;
	case 2:
		memcpy(p, &u16, 2);
		return;
	case 4:
		memcpy(p, &u32, 4);
		return;
	}
	memcpy(p, &v, 8);
}

/* Native structure @st to its portable form at @w; returns the octets. */
static size_t st_encode(const struct ftab *t, const unsigned char *st,
			unsigned char *w)
{
	const struct fld *f;
	size_t n = 0;
	unsigned int i;

	for (i = 0; i < t->n; i++) {
		f = &t->f[i];
		if (f->kind == F_SUB) {
			n += st_encode(f->sub, st + f->off, w + n);
			continue;
		}
		if (f->kind == F_RAW)
			memcpy(w + n, st + f->off, f->size);
		else
			put_be(w + n, get_native(st + f->off, f->size),
			       f->size);
		n += f->size;
	}
	return n;
}

/* Portable @w to the native structure @st, which the caller zeroed. */
static size_t st_decode(const struct ftab *t, const unsigned char *w,
			unsigned char *st)
{
	const struct fld *f;
	size_t n = 0;
	unsigned int i;

	for (i = 0; i < t->n; i++) {
		f = &t->f[i];
		if (f->kind == F_SUB) {
			n += st_decode(f->sub, w + n, st + f->off);
			continue;
		}
		if (f->kind == F_RAW)
			memcpy(st + f->off, w + n, f->size);
		else
			put_native(st + f->off, get_be(w + n, f->size),
				   f->size);
		n += f->size;
	}
	return n;
}

/* ---- attributes ---------------------------------------------------------- */

enum { V_U32, V_U64, V_ADDR, V_ST, V_ALG, V_ESN, V_TMPL, V_NEST, V_DROP };

struct aset;

struct aspec {
	unsigned short type;
	unsigned char kind;
	const struct ftab *tab;
	const struct aset *nest;
};

struct aset {
	const char *name;
	const struct aspec *a;
	unsigned int n;
};

static const struct aspec sa_specs[] = {
	{ MHO_SA_A_INFO, V_ST, &t_sa, NULL },
	{ MHO_SA_A_AEAD, V_ALG, &t_aead, NULL },
	{ MHO_SA_A_CRYPT, V_ALG, &t_algo, NULL },
	{ MHO_SA_A_AUTH, V_ALG, &t_auth, NULL },
	{ MHO_SA_A_REPLAY, V_ST, &t_replay, NULL },
	{ MHO_SA_A_REPLAY_ESN, V_ESN, &t_esn, NULL },
	{ MHO_SA_A_MARK, V_ST, &t_mark, NULL },
	{ MHO_SA_A_IF_ID, V_U32, NULL, NULL },
	{ MHO_SA_A_EXTRA_FLAGS, V_U32, NULL, NULL },
	{ MHO_SA_A_TFCPAD, V_U32, NULL, NULL },
};

static const struct aset sa_set = {
	"SA", sa_specs, sizeof(sa_specs) / sizeof(sa_specs[0])
};

static const struct aspec pol_specs[] = {
	{ MHO_POL_A_INFO, V_ST, &t_pol, NULL },
	{ MHO_POL_A_TMPL, V_TMPL, &t_tmpl, NULL },
	{ MHO_POL_A_MARK, V_ST, &t_mark, NULL },
	{ MHO_POL_A_IF_ID, V_U32, NULL, NULL },
};

static const struct aset pol_set = {
	"policy", pol_specs, sizeof(pol_specs) / sizeof(pol_specs[0])
};

static const struct aspec ctx_specs[] = {
	{ MHO_CTX_A_VERSION, V_U32, NULL, NULL },
	{ MHO_CTX_A_AR, V_ADDR, NULL, NULL },
	{ MHO_CTX_A_COA, V_ADDR, NULL, NULL },
	{ MHO_CTX_A_HOA, V_ADDR, NULL, NULL },
	{ MHO_CTX_A_SA, V_NEST, NULL, &sa_set },
	{ MHO_CTX_A_POLICY, V_NEST, NULL, &pol_set },
	{ MHO_CTX_A_GENERATION, V_U64, NULL, NULL },
	{ MHO_CTX_A_PAD, V_DROP, NULL, NULL },
};

static const struct aset ctx_set = {
	"context", ctx_specs, sizeof(ctx_specs) / sizeof(ctx_specs[0])
};

static const struct aspec *spec_of(const struct aset *set, unsigned int type)
{
	unsigned int i;

	for (i = 0; i < set->n; i++)
		if (set->a[i].type == type)
			return &set->a[i];
	return NULL;
}

/* ---- output -------------------------------------------------------------- */

struct conv {
	struct mho_ctxw_buf out;
	char *err;
	size_t errlen;
	bool failed;
};

static int fail(struct conv *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct conv *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->failed && c->errlen) {
		va_start(ap, fmt);
		vsnprintf(c->err, c->errlen, fmt, ap);
		va_end(ap);
	}
	c->failed = true;
	return -1;
}

void mho_ctxw_free(struct mho_ctxw_buf *b)
{
	if (b->data) {
		explicit_bzero(b->data, b->cap);
		free(b->data);
	}
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

/*
 * @n zeroed octets at the end of the output; their offset, or -1. The
 * buffer grows by copying (the old one, which may hold keys, is wiped),
 * never beyond MHO_CTXW_MAX.
 */
static long reserve(struct conv *c, size_t n)
{
	struct mho_ctxw_buf *b = &c->out;
	unsigned char *bigger;
	size_t cap;
	long off;

	if (n > MHO_CTXW_MAX - b->len)
		return fail(c, "the context is larger than %u octets",
			    MHO_CTXW_MAX);
	if (b->len + n > b->cap) {
		cap = b->cap ? b->cap : 1024;
		while (cap < b->len + n)
			cap *= 2;
		bigger = calloc(1, cap);
		if (!bigger)
			return fail(c, "out of memory");
		if (b->data) {
			memcpy(bigger, b->data, b->len);
			explicit_bzero(b->data, b->cap);
			free(b->data);
		}
		b->data = bigger;
		b->cap = cap;
	}
	off = (long)b->len;
	memset(b->data + b->len, 0, n);
	b->len += n;
	return off;
}

static int put_bytes(struct conv *c, const void *p, size_t n)
{
	long off = reserve(c, n);

	if (off < 0)
		return -1;
	memcpy(c->out.data + off, p, n);
	return 0;
}

/* ---- values, either way --------------------------------------------------- */

/*
 * @enc: native to portable; otherwise portable to native. The value's
 * layout is the same either way but for the structures' sizes and the
 * integers' byte order.
 */
static int enc_attrs(struct conv *c, const struct aset *set,
		     const unsigned char *p, size_t len);
static int dec_attrs(struct conv *c, const struct aset *set,
		     const unsigned char *p, size_t len);

/* The size of one structure of @t as it is read. */
static size_t in_size(const struct ftab *t, bool enc)
{
	return enc ? t->native : wire_size(t);
}

static uint64_t read_int(bool enc, const unsigned char *p, unsigned int n)
{
	return enc ? get_native(p, n) : get_be(p, n);
}

/* One integer of @n octets, turned to the other side's order. */
static int conv_int(struct conv *c, bool enc, const unsigned char *in,
		    unsigned int n)
{
	unsigned char b[8];

	if (enc)
		put_be(b, get_native(in, n), n);
	else
		put_native(b, get_be(in, n), n);
	return put_bytes(c, b, n);
}

/* One structure of table @t, appended in the other form. */
static int conv_st(struct conv *c, bool enc, const struct ftab *t,
		   const unsigned char *in)
{
	long off = reserve(c, enc ? wire_size(t) : t->native);

	if (off < 0)
		return -1;
	if (enc)
		st_encode(t, in, c->out.data + off);
	else
		st_decode(t, in, c->out.data + off);
	return 0;
}

static int conv_value(struct conv *c, bool enc, const struct aset *set,
		      const struct aspec *s, const unsigned char *v,
		      size_t vlen)
{
	size_t ss = s->tab ? in_size(s->tab, enc) : 0, n, i;

	switch (s->kind) {
	case V_U32:
	case V_U64:
		n = s->kind == V_U32 ? 4 : 8;
		if (vlen != n)
			break;
		return conv_int(c, enc, v, n);
	case V_ADDR:
		if (vlen != 16)
			break;
		return put_bytes(c, v, 16);
	case V_ST:
		if (vlen != ss)
			break;
		return conv_st(c, enc, s->tab, v);
	case V_ALG:
		/* The structure, then exactly the key its length names. */
		if (vlen < ss)
			break;
		n = ((size_t)read_int(enc, v + ALG_NAME_LEN, 4) + 7) / 8;
		if (vlen - ss != n)
			break;
		if (conv_st(c, enc, s->tab, v))
			return -1;
		return put_bytes(c, v + ss, n);
	case V_ESN:
		/* The structure, then bmp_len 32-bit words. */
		if (vlen < ss)
			break;
		n = read_int(enc, v, 4);
		if ((vlen - ss) % 4 || (vlen - ss) / 4 != n)
			break;
		if (conv_st(c, enc, s->tab, v))
			return -1;
		for (i = 0; i < n; i++)
			if (conv_int(c, enc, v + ss + 4 * i, 4))
				return -1;
		return 0;
	case V_TMPL:
		n = vlen / ss;
		if (vlen % ss || !n || n > TMPL_MAX)
			break;
		for (i = 0; i < n; i++)
			if (conv_st(c, enc, s->tab, v + i * ss))
				return -1;
		return 0;
	case V_NEST:
		return enc ? enc_attrs(c, s->nest, v, vlen) :
			     dec_attrs(c, s->nest, v, vlen);
	}
	return fail(c, "%s %s %u has a bad length (%zu)", set->name,
		    enc ? "attribute" : "record", s->type, vlen);
}

/* ---- native to portable -------------------------------------------------- */

static int enc_attrs(struct conv *c, const struct aset *set,
		     const unsigned char *p, size_t len)
{
	const struct aspec *s;
	struct nlattr nla;
	size_t step, vlen;
	long hdr;

	while (len) {
		if (len < NLA_HDRLEN)
			return fail(c, "a truncated %s attribute", set->name);
		memcpy(&nla, p, sizeof(nla));
		if (nla.nla_len < NLA_HDRLEN || nla.nla_len > len)
			return fail(c, "a truncated %s attribute", set->name);
		vlen = nla.nla_len - NLA_HDRLEN;
		s = spec_of(set, nla.nla_type & NLA_TYPE_MASK);
		if (!s)
			return fail(c, "%s attribute %u is unknown here",
				    set->name, nla.nla_type & NLA_TYPE_MASK);
		if (s->kind != V_DROP) {
			hdr = reserve(c, 4);
			if (hdr < 0 || conv_value(c, true, set, s, p + NLA_HDRLEN, vlen))
				return -1;
			if (c->out.len - (size_t)hdr - 4 > 0xffff)
				return fail(c, "a %s attribute is too large",
					    set->name);
			put_be(c->out.data + hdr, s->type, 2);
			put_be(c->out.data + hdr + 2,
			       c->out.len - (size_t)hdr - 4, 2);
		}
		step = NLA_ALIGN(nla.nla_len);
		if (step > len)
			step = len;	/* the last attribute's padding */
		p += step;
		len -= step;
	}
	return 0;
}

/* ---- portable to native -------------------------------------------------- */

static int dec_attrs(struct conv *c, const struct aset *set,
		     const unsigned char *p, size_t len)
{
	const struct aspec *s;
	unsigned int type;
	struct nlattr nla;
	size_t rlen, nlen;
	long hdr;

	while (len) {
		if (len < 4)
			return fail(c, "a truncated %s record", set->name);
		type = (unsigned int)get_be(p, 2);
		rlen = (size_t)get_be(p + 2, 2);
		if (rlen > len - 4)
			return fail(c, "a truncated %s record", set->name);
		s = spec_of(set, type);
		if (!s || s->kind == V_DROP)
			return fail(c, "%s record %u is unknown here",
				    set->name, type);
		hdr = reserve(c, NLA_HDRLEN);
		if (hdr < 0 || conv_value(c, false, set, s, p + 4, rlen))
			return -1;
		nlen = c->out.len - (size_t)hdr;
		if (nlen > 0xffff)
			return fail(c, "a %s record is too large", set->name);
		nla.nla_len = (uint16_t)nlen;
		nla.nla_type = (uint16_t)(type |
				(s->kind == V_NEST ? NLA_F_NESTED : 0));
		memcpy(c->out.data + hdr, &nla, sizeof(nla));
		if (reserve(c, NLA_ALIGN(nlen) - nlen) < 0)
			return -1;
		p += 4 + rlen;
		len -= 4 + rlen;
	}
	return 0;
}

/* ---- entry points -------------------------------------------------------- */

static int run(int (*walk)(struct conv *, const struct aset *,
			   const unsigned char *, size_t),
	       const unsigned char *in, size_t len, struct mho_ctxw_buf *out,
	       char *err, size_t errlen)
{
	struct conv c = { .err = err, .errlen = errlen };

	if (errlen)
		err[0] = '\0';
	memset(out, 0, sizeof(*out));
	if (!len)
		fail(&c, "the context is empty");
	else if (len > MHO_CTXW_MAX)
		fail(&c, "the context is larger than %u octets", MHO_CTXW_MAX);
	else if (!walk(&c, &ctx_set, in, len) && !c.out.len)
		fail(&c, "the context is empty");	/* nothing but PAD */
	if (c.failed) {
		mho_ctxw_free(&c.out);
		return -1;
	}
	*out = c.out;
	return 0;
}

int mho_ctxw_encode(const unsigned char *native, size_t len,
		    struct mho_ctxw_buf *out, char *err, size_t errlen)
{
	return run(enc_attrs, native, len, out, err, errlen);
}

int mho_ctxw_decode(const unsigned char *wire, size_t len,
		    struct mho_ctxw_buf *out, char *err, size_t errlen)
{
	return run(dec_attrs, wire, len, out, err, errlen);
}
