// SPDX-License-Identifier: GPL-2.0
/*
 * test-ctxwire: the portable context encoding (ctxwire.c) on the host.
 *
 *   test-ctxwire               run the tests (KTAP)
 *   test-ctxwire --seeds DIR   write the test contexts, portable, as fuzz
 *                              seeds (fuzz-ctxwire.c)
 *
 * The contexts are built here the way the kernel exports them (native
 * attributes, SA and policy nests flagged NLA_F_NESTED, MHO_CTX_A_PAD
 * before the generation). Checked: the round trip both ways, a known
 * answer written by an independent encoder (test-ctxwire.py, whose output
 * is pasted below), and every rejection.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>
#include <linux/mho.h>

#include "ctxwire.h"

static int n_test, n_fail;

static void ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	n_test++;
	if (!cond)
		n_fail++;
	printf("%s %d ", cond ? "ok" : "not ok", n_test);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* ---- building native attributes ------------------------------------------ */

struct nat {
	unsigned char b[8192];
	size_t len;
	size_t nest[4];
	int depth;
};

static void put(struct nat *n, unsigned int type, const void *v, size_t len)
{
	struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + len),
			    .nla_type = (uint16_t)type };

	memcpy(n->b + n->len, &a, sizeof(a));
	if (len)
		memcpy(n->b + n->len + NLA_HDRLEN, v, len);
	n->len += NLA_ALIGN(NLA_HDRLEN + len);
}

static void put_u32(struct nat *n, unsigned int type, uint32_t v)
{
	put(n, type, &v, 4);
}

static void begin(struct nat *n, unsigned int type)
{
	n->nest[n->depth++] = n->len;
	put(n, type | NLA_F_NESTED, NULL, 0);
}

static void end(struct nat *n)
{
	size_t at = n->nest[--n->depth];
	uint16_t len = (uint16_t)(n->len - at);

	memcpy(n->b + at, &len, 2);
}

static void addr(void *dst, const char *s)
{
	inet_pton(AF_INET6, s, dst);
}

static void sel(struct xfrm_selector *s, const char *d, const char *src)
{
	addr(&s->daddr, d);
	addr(&s->saddr, src);
	s->dport = htons(443);
	s->dport_mask = htons(0xffff);
	s->family = AF_INET6;
	s->prefixlen_d = 128;
	s->prefixlen_s = 64;
	s->proto = IPPROTO_TCP;
	s->ifindex = 7;
	s->user = 1000;
}

static void alg(struct nat *n, unsigned int type, const char *name,
		unsigned int bits, unsigned int extra, unsigned char k0)
{
	unsigned char v[sizeof(struct xfrm_algo_auth) + 64] = {};
	struct xfrm_algo_auth *a = (struct xfrm_algo_auth *)v;
	size_t hdr = type == MHO_SA_A_CRYPT ? sizeof(struct xfrm_algo) :
					      sizeof(struct xfrm_algo_auth);
	unsigned int i;

	strcpy(a->alg_name, name);
	a->alg_key_len = bits;
	if (type != MHO_SA_A_CRYPT)
		a->alg_trunc_len = extra;	/* or alg_icv_len: same place */
	for (i = 0; i < (bits + 7) / 8; i++)
		v[hdr + i] = (unsigned char)(k0 + i);
	put(n, type, v, hdr + (bits + 7) / 8);
}

static void sa(struct nat *n, bool esn, uint32_t spi)
{
	struct xfrm_usersa_info i = {};

	sel(&i.sel, "2001:db8:ff::10", "2001:db8:c::");
	addr(&i.id.daddr, "2001:db8:a::10");
	i.id.spi = htonl(spi);
	i.id.proto = IPPROTO_ESP;
	addr(&i.saddr, "2001:db8:1::1");
	i.lft.soft_byte_limit = i.lft.hard_byte_limit = XFRM_INF;
	i.lft.soft_packet_limit = i.lft.hard_packet_limit = XFRM_INF;
	i.lft.hard_add_expires_seconds = 3600;
	i.curlft.bytes = 0x0102030405060708ull;
	i.curlft.packets = 4242;
	i.curlft.add_time = 1765000000;
	i.stats.integrity_failed = 3;
	i.seq = 77;
	i.reqid = 0x01020304;
	i.family = AF_INET6;
	i.mode = XFRM_MODE_TUNNEL;
	i.replay_window = esn ? 0 : 32;
	i.flags = esn ? XFRM_STATE_ESN : 0;
	begin(n, MHO_CTX_A_SA);
	put(n, MHO_SA_A_INFO, &i, sizeof(i));
	if (esn) {
		uint32_t v[6 + 4] = { 4, 0x10000, 0xfff0, 1, 1, 128,
				      0xffffffff, 0x0f0f0f0f, 0, 0x80000001 };

		alg(n, MHO_SA_A_AEAD, "rfc4106(gcm(aes))", 288, 128, 0x40);
		put(n, MHO_SA_A_REPLAY_ESN, v, sizeof(v));
		put_u32(n, MHO_SA_A_TFCPAD, 1200);
	} else {
		struct xfrm_replay_state r = { 1000, 999, 0x7fffffff };
		struct xfrm_mark m = { 0x42, 0xff };

		alg(n, MHO_SA_A_CRYPT, "cbc(aes)", 128, 0, 0x10);
		alg(n, MHO_SA_A_AUTH, "hmac(sha256)", 256, 128, 0x80);
		put(n, MHO_SA_A_REPLAY, &r, sizeof(r));
		put(n, MHO_SA_A_MARK, &m, sizeof(m));
		put_u32(n, MHO_SA_A_IF_ID, 9);
		put_u32(n, MHO_SA_A_EXTRA_FLAGS, XFRM_SA_XFLAG_DONT_ENCAP_DSCP);
	}
	end(n);
}

static void policy(struct nat *n, uint8_t dir, int ntmpl)
{
	struct xfrm_userpolicy_info p = {};
	struct xfrm_user_tmpl t[2] = {};
	int k;

	sel(&p.sel, "2001:db8:c::", "2001:db8:ff::10");
	p.lft.soft_byte_limit = XFRM_INF;
	p.curlft.use_time = 99;
	p.priority = 0x0000ff00;
	p.index = 0x208;
	p.dir = dir;
	p.action = XFRM_POLICY_ALLOW;
	p.flags = XFRM_POLICY_LOCALOK;
	for (k = 0; k < 2; k++) {
		addr(&t[k].id.daddr, "2001:db8:1::1");
		t[k].id.spi = htonl(0xc0000000 + k);
		t[k].id.proto = IPPROTO_ESP;
		t[k].family = AF_INET6;
		addr(&t[k].saddr, "2001:db8:a::10");
		t[k].reqid = 0x01020304;
		t[k].mode = XFRM_MODE_TUNNEL;
		t[k].optional = (uint8_t)k;
		t[k].aalgos = t[k].ealgos = t[k].calgos = ~0u;
	}
	begin(n, MHO_CTX_A_POLICY);
	put(n, MHO_POL_A_INFO, &p, sizeof(p));
	put(n, MHO_POL_A_TMPL, t, sizeof(t[0]) * ntmpl);
	if (dir == XFRM_POLICY_OUT) {
		struct xfrm_mark m = { 1, 0xffffffff };

		put(n, MHO_POL_A_MARK, &m, sizeof(m));
		put_u32(n, MHO_POL_A_IF_ID, 3);
	}
	end(n);
}

/* The head of a context; with @pad, MHO_CTX_A_PAD before the generation. */
static void head(struct nat *n, bool pad, bool hoa)
{
	unsigned char a[16];
	uint64_t gen = 0x1122334455667788ull;

	memset(n, 0, sizeof(*n));
	put_u32(n, MHO_CTX_A_VERSION, MHO_CTX_VERSION);
	addr(a, "2001:db8:1::1");
	put(n, MHO_CTX_A_AR, a, 16);
	addr(a, "2001:db8:a::10");
	put(n, MHO_CTX_A_COA, a, 16);
	if (hoa) {
		addr(a, "2001:db8:ff::10");
		put(n, MHO_CTX_A_HOA, a, 16);
	}
	if (pad)
		put(n, MHO_CTX_A_PAD, NULL, 0);
	put(n, MHO_CTX_A_GENERATION, &gen, 8);
}

/* A context as an MN's export: 2 SAs, 3 policies. */
static void full(struct nat *n, bool pad)
{
	head(n, pad, true);
	sa(n, false, 0xc0000001);
	sa(n, true, 0xc0000002);
	policy(n, XFRM_POLICY_OUT, 1);
	policy(n, XFRM_POLICY_IN, 2);
	policy(n, XFRM_POLICY_FWD, 2);
}

/* The known answer's context: a head and one inbound policy. */
static void small(struct nat *n)
{
	head(n, false, false);
	policy(n, XFRM_POLICY_IN, 1);
}

/* test-ctxwire.py's encoding of small(). */
static const char small_hex[] =
	"0001000400000002"
	"0002001020010db8000100000000000000000001"
	"0003001020010db8000a00000000000000000010"
	"000f00081122334455667788"
	"000600e3000100a120010db8000c0000000000000000000020010db800ff0000000000000000001001bbffff00000000000a80400600000007000003e8ffffffffffffffff000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000630000ff0000000208000001000002003a20010db8000100000000000000000001c000000032000a20010db8000a0000000000000000001001020304010000ffffffffffffffffffffffff";

static size_t unhex(const char *h, unsigned char *out)
{
	size_t n = 0;
	unsigned int v;

	for (; h[0] && h[1]; h += 2) {
		sscanf(h, "%2x", &v);
		out[n++] = (unsigned char)v;
	}
	return n;
}

/* ---- tests --------------------------------------------------------------- */

/* @n without MHO_CTX_A_PAD: what decode gives back. */
static void drop_pad(const struct nat *n, struct nat *out)
{
	size_t off = 0;
	struct nlattr a;

	memset(out, 0, sizeof(*out));
	while (off < n->len) {
		memcpy(&a, n->b + off, sizeof(a));
		if ((a.nla_type & NLA_TYPE_MASK) != MHO_CTX_A_PAD) {
			memcpy(out->b + out->len, n->b + off,
			       NLA_ALIGN(a.nla_len));
			out->len += NLA_ALIGN(a.nla_len);
		}
		off += NLA_ALIGN(a.nla_len);
	}
}

static void round_trip(const char *what, const struct nat *n)
{
	struct mho_ctxw_buf w, back, again;
	struct nat expect;
	char err[256];

	drop_pad(n, &expect);
	ok(!mho_ctxw_encode(n->b, n->len, &w, err, sizeof(err)),
	   "%s: encodes (%s)", what, err);
	ok(!mho_ctxw_decode(w.data, w.len, &back, err, sizeof(err)),
	   "%s: decodes (%s)", what, err);
	ok(back.len == expect.len && !memcmp(back.data, expect.b, back.len),
	   "%s: decodes to the native attributes it came from", what);
	ok(!mho_ctxw_encode(back.data, back.len, &again, err, sizeof(err)) &&
	   again.len == w.len && !memcmp(again.data, w.data, w.len),
	   "%s: encodes again to the same octets", what);
	ok(w.len < n->len, "%s: portable %zu octets, native %zu", what, w.len,
	   n->len);
	mho_ctxw_free(&w);
	mho_ctxw_free(&back);
	mho_ctxw_free(&again);
	ok(!w.data && !w.len && !back.data, "%s: freed", what);
}

static void known_answer(void)
{
	unsigned char want[1024];
	struct mho_ctxw_buf w, back;
	struct nat n;
	size_t len = unhex(small_hex, want);
	char err[256];
	int r;

	small(&n);
	r = mho_ctxw_encode(n.b, n.len, &w, err, sizeof(err));
	ok(!r && w.len == len && !memcmp(w.data, want, len),
	   "known answer: encode gives test-ctxwire.py's %zu octets (got %zu)",
	   len, w.len);
	ok(!mho_ctxw_decode(want, len, &back, err, sizeof(err)) &&
	   back.len == n.len && !memcmp(back.data, n.b, n.len),
	   "known answer: decode gives the native context");
	mho_ctxw_free(&w);
	mho_ctxw_free(&back);
}

/* @in (portable when @wire) is refused with a message containing @msg. */
static void refused(const char *what, bool wire, const unsigned char *in,
		    size_t len, const char *msg)
{
	struct mho_ctxw_buf out = { (unsigned char *)"x", 1, 1 };
	char err[256];
	int r;

	r = wire ? mho_ctxw_decode(in, len, &out, err, sizeof(err)) :
		   mho_ctxw_encode(in, len, &out, err, sizeof(err));
	ok(r == -1 && !out.data && !out.len && strstr(err, msg),
	   "refused: %s (\"%s\")", what, err);
}

static void rejections(void)
{
	unsigned char w[2048], *big;
	struct nat n, m;
	uint16_t u16;
	size_t len;

	small(&n);
	refused("an empty native context", false, n.b, 0, "empty");
	refused("an empty portable context", true, n.b, 0, "empty");
	memset(&m, 0, sizeof(m));
	put(&m, MHO_CTX_A_PAD, NULL, 0);
	refused("native, nothing but PAD", false, m.b, m.len, "empty");
	refused("native, cut inside an attribute header", false, n.b, 2,
		"truncated");
	refused("native, cut inside an attribute", false, n.b, 6,
		"truncated");
	/* An attribute the encoding does not know. */
	m = n;
	put_u32(&m, MHO_CTX_A_SEQ_MARGIN, 5);
	refused("native, a request-only attribute", false, m.b, m.len,
		"unknown");
	/* A fixed-size structure one octet short. */
	head(&m, false, false);
	begin(&m, MHO_CTX_A_POLICY);
	{
		struct xfrm_userpolicy_info p = {};

		put(&m, MHO_POL_A_INFO, &p, sizeof(p) - 1);
	}
	end(&m);
	refused("native, a short policy info", false, m.b, m.len,
		"bad length");
	/* Seven templates: one more than XFRM_MAX_DEPTH. */
	head(&m, false, false);
	begin(&m, MHO_CTX_A_POLICY);
	{
		struct xfrm_user_tmpl t[7] = {};

		put(&m, MHO_POL_A_TMPL, t, sizeof(t));
	}
	end(&m);
	refused("native, seven templates", false, m.b, m.len, "bad length");
	/* An algorithm whose key is not the length it says. */
	head(&m, false, false);
	begin(&m, MHO_CTX_A_SA);
	alg(&m, MHO_SA_A_CRYPT, "cbc(aes)", 128, 0, 1);
	memcpy(&u16, m.b + m.len - NLA_ALIGN(NLA_HDRLEN + 68 + 16), 2);
	u16 -= 1;
	memcpy(m.b + m.len - NLA_ALIGN(NLA_HDRLEN + 68 + 16), &u16, 2);
	end(&m);
	refused("native, a key one octet short", false, m.b, m.len,
		"bad length");

	len = unhex(small_hex, w);
	refused("portable, cut inside a record header", true, w, 3,
		"truncated");
	refused("portable, cut inside a record", true, w, len - 1,
		"truncated");
	memcpy(m.b, w, len);
	m.b[1] = MHO_CTX_A_PAD;
	refused("portable, a PAD record", true, m.b, len, "unknown");
	memcpy(m.b, w, len);
	m.b[1] = MHO_CTX_A_N_SA;
	refused("portable, a reply-only record", true, m.b, len, "unknown");
	/*
	 * The template record (at 229: the head's 60 octets, the policy
	 * record's header, its info record of 4 + 161) one octet short of a
	 * template, the policy record and the context shortened to match.
	 */
	memcpy(m.b, w, len);
	ok(len == 291 && m.b[61] == MHO_CTX_A_POLICY && m.b[63] == 227 &&
	   m.b[230] == MHO_POL_A_TMPL && m.b[232] == 58,
	   "the known answer's layout");
	m.b[63] = 226;
	m.b[232] = 57;
	refused("portable, a template record of 57 octets", true, m.b, len - 1,
		"bad length");
	m.b[63] = 227;
	m.b[232] = 59;
	refused("portable, a template record running past its policy", true,
		 m.b, len, "truncated");
	/* Nothing bigger than MHO_CTXW_MAX either way. */
	big = calloc(1, MHO_CTXW_MAX + 1);
	refused("portable, over the limit", true, big, MHO_CTXW_MAX + 1,
		"larger");
	refused("native, over the limit", false, big, MHO_CTXW_MAX + 1,
		"larger");
	free(big);
	/* A version record of 8 octets. */
	memset(w, 0, 12);
	w[1] = MHO_CTX_A_VERSION;
	w[3] = 8;
	refused("portable, a version of 8 octets", true, w, 12, "bad length");
}

/* A portable SA record with its AEAD key grown by one octet is refused. */
static void key_length(void)
{
	struct mho_ctxw_buf w;
	unsigned char buf[8192];
	size_t off, sa_len, pos, rl;
	struct nat n;
	char err[256];
	bool found = false;

	head(&n, false, false);
	sa(&n, true, 0x1234);
	if (mho_ctxw_encode(n.b, n.len, &w, err, sizeof(err))) {
		ok(false, "AEAD key length: encode (%s)", err);
		return;
	}
	memcpy(buf, w.data, w.len);
	/* Find the SA record, then its AEAD record; add an octet to both. */
	for (off = 0; off < w.len; off += 4 + rl) {
		rl = (size_t)buf[off + 2] << 8 | buf[off + 3];
		if (buf[off + 1] != MHO_CTX_A_SA)
			continue;
		sa_len = rl;
		for (pos = off + 4; pos < off + 4 + sa_len; pos += 4 + rl) {
			rl = (size_t)buf[pos + 2] << 8 | buf[pos + 3];
			if (buf[pos + 1] != MHO_SA_A_AEAD)
				continue;
			memmove(buf + pos + 4 + rl + 1, buf + pos + 4 + rl,
				w.len - (pos + 4 + rl));
			buf[pos + 4 + rl] = 0;
			rl++;
			buf[pos + 2] = (unsigned char)(rl >> 8);
			buf[pos + 3] = (unsigned char)rl;
			sa_len++;
			buf[off + 2] = (unsigned char)(sa_len >> 8);
			buf[off + 3] = (unsigned char)sa_len;
			found = true;
			break;
		}
		break;
	}
	ok(found, "AEAD key length: the record is there");
	refused("portable, an AEAD key one octet longer than it says", true,
		buf, w.len + 1, "bad length");
	mho_ctxw_free(&w);
}

static int seeds(const char *dir)
{
	struct mho_ctxw_buf w;
	struct nat n;
	char path[4096], err[256];
	FILE *f;
	int i;

	if (mkdir(dir, 0700) && errno != EEXIST)
		return 1;
	for (i = 0; i < 2; i++) {
		if (i)
			full(&n, true);
		else
			small(&n);
		if (mho_ctxw_encode(n.b, n.len, &w, err, sizeof(err)))
			return 1;
		snprintf(path, sizeof(path), "%s/ctx-%d", dir, i);
		f = fopen(path, "w");
		if (!f || fwrite(w.data, 1, w.len, f) != w.len || fclose(f))
			return 1;
		mho_ctxw_free(&w);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct nat n;

	if (argc == 3 && !strcmp(argv[1], "--seeds"))
		return seeds(argv[2]);
	printf("TAP version 13\n");
	full(&n, true);
	round_trip("an MN's export (2 SAs, 3 policies)", &n);
	full(&n, false);
	round_trip("the same without PAD", &n);
	small(&n);
	round_trip("a context of one policy", &n);
	known_answer();
	rejections();
	key_length();
	printf("1..%d\n# %d passed, %d failed\n", n_test, n_test - n_fail,
	       n_fail);
	return n_fail ? 1 : 0;
}
