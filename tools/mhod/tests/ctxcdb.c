// SPDX-License-Identifier: GPL-2.0
/*
 * mho's context in CXTP context data blocks (FPT 0xff02): split and
 * gathered back at every size around a block's limit, carried in a PCTD,
 * and every inconsistency refused with what it left wiped. And the SPI
 * changes the nAR reports: in a CTDR (FPT 0xff03), and in an FBack
 * (mhod's option, kind 6).
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

/* A CTDR with a status entry and two SPI changes, as built. */
static size_t ctdr_spi(uint8_t *buf, size_t cap)
{
	struct mhod_cxtp m;
	size_t len = 0;

	memset(&m, 0, sizeof(m));
	m.type = MHOD_CXTP_CTDR;
	m.flag = true;
	m.nstatus = 1;
	m.status[0] = (struct mhod_cxtp_status){ MHOD_FPT_MHO_CTX, 0 };
	m.nspi = 2;
	m.spi[0] = (struct mhod_spi_change){ 0x4002, 0x5e2a91f3 };
	m.spi[1] = (struct mhod_spi_change){ 0x100, 0xffffffff };
	if (mhod_cxtp_build(&m, buf, cap, &len))
		return 0;
	return len;
}

/* at: the octet set to v, -1 for none; cut: octets added or taken off. */
static void spi_refused(const char *what, int at, uint8_t v, int cut,
			enum mhod_err want)
{
	struct mhod_pkt_info pi = { 0 };
	struct mhod_cxtp m;
	uint8_t buf[128];
	size_t len = ctdr_spi(buf, sizeof(buf));
	enum mhod_err err;

	t_begin("CTDR SPI changes refused: %s", what);
	if (at >= 0)
		buf[at] = v;
	if (cut) {
		len = (size_t)((int)len + cut);
		buf[2] = 0;
		buf[3] = (uint8_t)len;	/* the Length field follows */
	}
	err = mhod_cxtp_parse(&m, buf, len, &pi, NULL);
	t_check(err == want, "%s, not %s", mhod_err_name(err),
		mhod_err_name(want));
	t_end();
}

/* The FBack's BADF option, its authenticator left zero. */
static void badf(struct mhod_mh *m)
{
	struct mhod_mh_opt *o = &m->opts[m->nopts++];

	memset(o, 0, sizeof(*o));
	o->type = MHOD_MHO_BADF;
	o->spi = 0x100;
	o->len = 12;
}

static void spi_changes(void)
{
	struct mhod_pkt_info pi = { 0 };
	uint8_t buf[128], msg[256], pairs[16];
	struct mhod_cxtp m;
	struct mhod_mh fb, back;
	size_t len, n;
	enum mhod_err err;

	t_begin("CTDR with SPI changes: built, parsed back");
	len = ctdr_spi(buf, sizeof(buf));
	/* 4 head, 16 previous IP, 4 status, 4 mark, 2 x 8 pairs */
	t_check(len == 44, "%zu octets", len);
	err = mhod_cxtp_parse(&m, buf, len, &pi, NULL);
	t_check(!err && m.nstatus == 1 && m.nspi == 2 &&
		m.spi[0].old_spi == 0x4002 && m.spi[0].new_spi == 0x5e2a91f3 &&
		m.spi[1].old_spi == 0x100 && m.spi[1].new_spi == 0xffffffff &&
		buf[24] == 0xff && buf[25] == 0x03 && buf[27] == 2,
		"parse: %s", mhod_err_name(err));
	m.type = MHOD_CXTP_CTAA;
	t_check(mhod_cxtp_build(&m, msg, sizeof(msg), &n) == MHOD_E_INVAL,
		"a CTAA with SPI changes is built");
	t_end();

	spi_refused("status not 0", 26, 1, 0, MHOD_E_SPI_MAP);
	spi_refused("count 0", 27, 0, 0, MHOD_E_SPI_MAP);
	spi_refused("count 33", 27, 33, 0, MHOD_E_SPI_MAP);
	spi_refused("count above the pairs", 27, 3, 0, MHOD_E_CXTP_LEN);
	spi_refused("an SPI below 256", 30, 0, 0, MHOD_E_SPI_MAP);
	spi_refused("octets after the pairs", -1, 0, 4, MHOD_E_CXTP_LEN);
	spi_refused("a CTAA with SPI changes", 0, 0x20 | MHOD_CXTP_CTAA, 0,
		    MHOD_E_SPI_MAP);

	t_begin("FBack with SPI changes (mhod's option, kind 6)");
	memset(&fb, 0, sizeof(fb));
	fb.type = MHOD_MH_FBACK;
	fb.seq = 7;
	fb.lifetime = 10;
	memset(pairs, 0x11, sizeof(pairs));
	err = mhod_mh_pa_add(&fb, MHOD_PA_SPI_MAP, pairs, sizeof(pairs));
	t_check(!err, "add: %s", mhod_err_name(err));
	badf(&fb);
	err = mhod_mh_build(&fb, &pi, msg, sizeof(msg), &len);
	t_check(!err, "build: %s", mhod_err_name(err));
	err = mhod_mh_parse(&back, msg, len, &pi, NULL);
	t_check(!err, "parse: %s", mhod_err_name(err));
	err = mhod_mh_pa_get(&back, MHOD_PA_SPI_MAP, buf, sizeof(buf), &n);
	t_check(!err && n == sizeof(pairs) && !memcmp(buf, pairs, n),
		"get: %s, %zu octets", mhod_err_name(err), n);
	memset(&fb, 0, sizeof(fb));
	fb.type = MHOD_MH_FBACK;
	mhod_mh_pa_add(&fb, MHOD_PA_SPI_MAP, pairs, 12);
	badf(&fb);
	t_check(mhod_mh_build(&fb, &pi, msg, sizeof(msg), &len) != MHOD_OK,
		"12 octets of pairs are built");
	t_end();
}

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
	spi_changes();
}
