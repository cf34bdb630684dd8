// SPDX-License-Identifier: GPL-2.0
/*
 * mho's context in CXTP context data blocks (FPT 0xff02): split and
 * gathered back at every size around a block's limit, carried in a PCTD,
 * and every inconsistency refused with what it left wiped.
 */
#include <string.h>

#include "ktap.h"

static uint8_t ctx[3 * MHOD_CTX_FRAG_MAX + 100];
static uint8_t work[MHOD_CTX_WORK(sizeof(ctx))];
static uint8_t out[sizeof(ctx)];

static void round_trip(size_t len)
{
	struct mhod_cxtp m;
	size_t n = 1, i, want = (len + MHOD_CTX_FRAG_MAX - 1) / MHOD_CTX_FRAG_MAX;
	enum mhod_err err;

	t_begin("mho context blocks: %zu octets split and gathered back", len);
	memset(&m, 0, sizeof(m));
	err = mhod_ctx_cdbs_put(&m, ctx, len, work, MHOD_CTX_WORK(len));
	if (t_check(!err, "put: %s", mhod_err_name(err))) {
		t_check(m.ncdbs == want, "%u blocks, not %zu", m.ncdbs, want);
		for (i = 0; i < m.ncdbs; i++)
			t_check((m.cdbs[i].len + 4) % 8 == 0 &&
				m.cdbs[i].len + 4 <= 255 * 8,
				"block %zu: %u octets", i, m.cdbs[i].len);
		err = mhod_ctx_cdbs_get(&m, out, sizeof(out), &n);
		t_check(!err && n == len && !memcmp(out, ctx, len),
			"get: %s, %zu octets", mhod_err_name(err), n);
	}
	t_end();
}

/* A PCTD with a key, an SA block and a context over two blocks. */
static void in_pctd(void)
{
	static const uint8_t key[20] = { 1, 2, 3 };
	uint8_t msg[MHOD_MSG_MAX], sa[8] = { 0 };
	struct mhod_pkt_info pi = { 0 };
	struct mhod_cxtp m, back;
	size_t len = MHOD_CTX_FRAG_MAX + 300, n;
	enum mhod_err err;

	t_begin("mho context blocks in a PCTD, after another block");
	memset(&m, 0, sizeof(m));
	m.type = MHOD_CXTP_PCTD;
	m.flag = true;
	m.has_key = true;
	m.alg = MHOD_CXTP_ALG_HMAC_SHA1;
	m.key_len = sizeof(key);
	m.key = key;
	m.ncdbs = 1;
	m.cdbs[0] = (struct mhod_cdb){ .fpt = MHOD_FPT_MLD, .len = 4,
				       .data = sa };
	err = mhod_ctx_cdbs_put(&m, ctx, len, work, sizeof(work));
	t_check(!err && m.ncdbs == 3, "put: %s", mhod_err_name(err));
	err = mhod_cxtp_build(&m, msg, sizeof(msg), &n);
	if (t_check(!err, "build: %s", mhod_err_name(err))) {
		err = mhod_cxtp_parse(&back, msg, n, &pi, NULL);
		t_check(!err && back.ncdbs == 3, "parse: %s", mhod_err_name(err));
		err = mhod_ctx_cdbs_get(&back, out, sizeof(out), &n);
		t_check(!err && n == len && !memcmp(out, ctx, len),
			"get: %s", mhod_err_name(err));
	}
	t_end();
}

/* Split 3 blocks' worth, break it with fn, expect err and a wiped out. */
static void refused(const char *what, void (*fn)(struct mhod_cxtp *m),
		    enum mhod_err want)
{
	struct mhod_cxtp m;
	enum mhod_err err;
	size_t n = 99, i;
	bool wiped = true;

	t_begin("mho context blocks refused: %s", what);
	memset(&m, 0, sizeof(m));
	memset(out, 0, sizeof(out));
	mhod_ctx_cdbs_put(&m, ctx, 2 * MHOD_CTX_FRAG_MAX + 11, work,
			  sizeof(work));
	fn(&m);
	err = mhod_ctx_cdbs_get(&m, out, sizeof(out), &n);
	t_check(err == want, "%s, not %s", mhod_err_name(err),
		mhod_err_name(want));
	for (i = 0; i < sizeof(out); i++)
		wiped &= !out[i];
	t_check(n == 0 && wiped, "%zu octets left, wiped %d", n, wiped);
	t_end();
}

static void no_more(struct mhod_cxtp *m) { work[2] = 0; (void)m; }
static void more_last(struct mhod_cxtp *m)
{
	((uint8_t *)m->cdbs[2].data)[2] = 0x80;
}
static void rsvd(struct mhod_cxtp *m) { ((uint8_t *)m->cdbs[1].data)[3] = 1; }
static void flags(struct mhod_cxtp *m) { ((uint8_t *)m->cdbs[1].data)[2] |= 1; }
static void pad(struct mhod_cxtp *m)
{
	((uint8_t *)m->cdbs[2].data)[m->cdbs[2].len - 1] = 1;
}
static void zero_len(struct mhod_cxtp *m) { memset((uint8_t *)m->cdbs[2].data, 0, 2); }
static void over(struct mhod_cxtp *m)
{
	((uint8_t *)m->cdbs[2].data)[1] += 8;	/* past the block */
}
static void short_frag(struct mhod_cxtp *m)
{
	((uint8_t *)m->cdbs[2].data)[1] -= 8;	/* 8+ octets of padding */
}
static void gap(struct mhod_cxtp *m)
{
	m->cdbs[3] = m->cdbs[2];
	m->cdbs[2] = (struct mhod_cdb){ .fpt = MHOD_FPT_MLD, .len = 4,
					.data = m->cdbs[3].data };
	m->ncdbs = 4;
}
static void cut(struct mhod_cxtp *m) { m->ncdbs = 2; }
static void none(struct mhod_cxtp *m)
{
	m->ncdbs = 1;
	m->cdbs[0].fpt = MHOD_FPT_IPSEC_SA;
}
static void pv(struct mhod_cxtp *m) { m->cdbs[0].has_pv = true; }

void test_ctx_cdbs(void)
{
	static const size_t sizes[] = {
		1, 7, 8, MHOD_CTX_FRAG_MAX - 1, MHOD_CTX_FRAG_MAX,
		MHOD_CTX_FRAG_MAX + 1, 3 * MHOD_CTX_FRAG_MAX + 100,
	};
	struct mhod_cxtp m;
	size_t i, n;
	enum mhod_err err;

	for (i = 0; i < sizeof(ctx); i++)
		ctx[i] = (uint8_t)(i * 7 + 1);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		round_trip(sizes[i]);
	in_pctd();

	t_begin("mho context blocks: limits");
	memset(&m, 0, sizeof(m));
	t_check(mhod_ctx_cdbs_put(&m, ctx, 0, work, sizeof(work)) ==
		MHOD_E_INVAL, "an empty context is refused");
	memset(&m, 0, sizeof(m));
	t_check(mhod_ctx_cdbs_put(&m, ctx, 100, work, 100) == MHOD_E_NOSPACE,
		"work too small");
	memset(&m, 0, sizeof(m));
	m.ncdbs = MHOD_CDBS_MAX - 1;
	t_check(mhod_ctx_cdbs_put(&m, ctx, MHOD_CTX_FRAG_MAX + 1, work,
				  sizeof(work)) == MHOD_E_INVAL,
		"more blocks than a message holds");
	memset(&m, 0, sizeof(m));
	mhod_ctx_cdbs_put(&m, ctx, 500, work, sizeof(work));
	n = 99;
	err = mhod_ctx_cdbs_get(&m, out, 499, &n);
	t_check(err == MHOD_E_NOSPACE && n == 0, "out too small: %s",
		mhod_err_name(err));
	t_end();

	refused("the first block without M", no_more, MHOD_E_CTX_ORDER);
	refused("M on the last block", more_last, MHOD_E_CTX_ORDER);
	refused("reserved octet set", rsvd, MHOD_E_CTX_BLOCK);
	refused("unknown flag", flags, MHOD_E_CTX_BLOCK);
	refused("padding not zero", pad, MHOD_E_CTX_BLOCK);
	refused("fragment of length 0", zero_len, MHOD_E_CTX_BLOCK);
	refused("fragment past its block", over, MHOD_E_CTX_BLOCK);
	refused("8 octets of padding or more", short_frag, MHOD_E_CTX_BLOCK);
	refused("another block between two", gap, MHOD_E_CTX_ORDER);
	refused("the last block missing", cut, MHOD_E_CTX_ORDER);
	refused("no mho context block", none, MHOD_E_CDB_MISSING);
	refused("a presence vector", pv, MHOD_E_CTX_BLOCK);
}
