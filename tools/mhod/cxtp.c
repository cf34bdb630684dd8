// SPDX-License-Identifier: GPL-2.0
/*
 * Context Transfer Protocol messages (RFC 4067 2.2-2.5; RFC 4065 for the
 * numbers), their context data blocks, the authorization token, and
 * mhod's IPsec SA context block (FPT 0xff01, SIGNALING.md 4.8).
 */
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <linux/sctp.h>

#include "bytes.h"
#include "hmac.h"
#include "wire.h"

#define CXTP_HDR	4

static enum mhod_err parse_cdbs(struct mhod_cxtp *m, const uint8_t *buf,
				size_t off, size_t end, bool request,
				size_t *err_off)
{
	while (off < end) {
		struct mhod_cdb *c;
		size_t size, hdr = 4;

		if (end - off < 4)
			return fail_at(err_off, off, MHOD_E_CDB_LEN);
		size = (size_t)buf[off + 2] * 8;
		if (!size || size > end - off)
			return fail_at(err_off, off + 2, MHOD_E_CDB_LEN);
		if (m->ncdbs == MHOD_CDBS_MAX)
			return fail_at(err_off, off, MHOD_E_CDB_TOO_MANY);
		c = &m->cdbs[m->ncdbs++];
		c->fpt = get16(buf + off);
		/* FPT 0 is reserved (RFC 4065 6). */
		if (!c->fpt)
			return fail_at(err_off, off, MHOD_E_CODE);
		c->has_pv = buf[off + 3] & 0x80;	/* the rest: reserved */
		if (c->has_pv) {
			c->pv = get32(buf + off + 4);
			hdr = 8;
		}
		c->data = buf + off + hdr;
		c->len = (uint16_t)(size - hdr);
		/* A request block is the header only, zero-padded. */
		if (request && !all_zero(c->data, c->len))
			return fail_at(err_off, off + hdr, MHOD_E_CDB_REQUEST);
		off += size;
	}
	return MHOD_OK;
}

/*
 * The SPI changes of a CTDR (mhod-wire.rst): the last status entry, FPT
 * 0xff03 with status 0 and the number of changes in its reserved octet,
 * then that many Old(4) New(4) pairs, to the end of the message.
 */
static enum mhod_err parse_spi_map(struct mhod_cxtp *m, const uint8_t *buf,
				   size_t off, size_t end, size_t *err_off)
{
	size_t i, n = buf[off + 3];

	if (m->type != MHOD_CXTP_CTDR || buf[off + 2] || !n ||
	    n > MHOD_SPI_MAP_MAX)
		return fail_at(err_off, off, MHOD_E_SPI_MAP);
	if (end - off - 4 != 8 * n)
		return fail_at(err_off, off + 3, MHOD_E_CXTP_LEN);
	for (i = 0; i < n; i++) {
		m->spi[i].old_spi = get32(buf + off + 4 + 8 * i);
		m->spi[i].new_spi = get32(buf + off + 8 + 8 * i);
		/* SPIs 1-255 are reserved (RFC 4303 2.1). */
		if (m->spi[i].old_spi < 256 || m->spi[i].new_spi < 256)
			return fail_at(err_off, off + 4 + 8 * i, MHOD_E_SPI_MAP);
	}
	m->nspi = (uint8_t)n;
	return MHOD_OK;
}

static enum mhod_err parse_status(struct mhod_cxtp *m, const uint8_t *buf,
				  size_t off, size_t end, size_t *err_off)
{
	for (; off < end; off += 4) {
		if (end - off < 4)
			return fail_at(err_off, off, MHOD_E_CXTP_LEN);
		if (get16(buf + off) == MHOD_FPT_SPI_MAP)
			return parse_spi_map(m, buf, off, end, err_off);
		if (m->nstatus == MHOD_CXTP_STATUS_MAX)
			return fail_at(err_off, off, MHOD_E_CDB_TOO_MANY);
		m->status[m->nstatus].fpt = get16(buf + off);
		m->status[m->nstatus].status = buf[off + 2];
		m->nstatus++;
	}
	return MHOD_OK;
}

/* Octets of the body that follow the 4-octet header, by type. */
static size_t fixed_len(uint8_t type)
{
	switch (type) {
	case MHOD_CXTP_CTAR: return 16 + 16 + 4 + 4;
	case MHOD_CXTP_CTD:
	case MHOD_CXTP_PCTD: return 4 + 16;
	case MHOD_CXTP_CTREQ: return 16 + 4 + 4;
	}
	return 16;
}

enum mhod_err mhod_cxtp_parse(struct mhod_cxtp *m, const uint8_t *buf,
			      size_t len, const struct mhod_pkt_info *pi,
			      size_t *err_off)
{
	const uint8_t *p = buf + CXTP_HDR;
	size_t off, field;
	enum mhod_err err;

	memset(m, 0, sizeof(*m));
	if (len < CXTP_HDR)
		return fail_at(err_off, len, MHOD_E_TRUNCATED);
	if (len > MHOD_MSG_MAX)
		return fail_at(err_off, MHOD_MSG_MAX, MHOD_E_TOO_LONG);
	if (buf[0] >> 5 != MHOD_CXTP_VERSION)
		return fail_at(err_off, 0, MHOD_E_CXTP_VERSION);
	m->type = buf[0] & 0x1f;
	if (m->type < MHOD_CXTP_CTAR || m->type > MHOD_CXTP_CTREQ)
		return fail_at(err_off, 0, MHOD_E_CXTP_TYPE);
	if (buf[1] & MHOD_CXTP_F_V)
		return fail_at(err_off, 1, MHOD_E_CXTP_IPV4);
	/* A or S; the other bits are reserved, ignored on receipt. */
	if (m->type == MHOD_CXTP_CTAR || m->type == MHOD_CXTP_CTD ||
	    m->type == MHOD_CXTP_PCTD || m->type == MHOD_CXTP_CTDR)
		m->flag = buf[1] & MHOD_CXTP_F_A;
	field = get16(buf + 2);
	if (field > len)
		return fail_at(err_off, 2, MHOD_E_TRUNCATED);
	if (field < len)
		return fail_at(err_off, 2, MHOD_E_CXTP_LEN);
	if (len < CXTP_HDR + fixed_len(m->type))
		return fail_at(err_off, len, MHOD_E_TRUNCATED);
	off = CXTP_HDR + fixed_len(m->type);
	switch (m->type) {
	case MHOD_CXTP_CTAR:
		get_addr(&m->prev_ip, p);
		get_addr(&m->ar, p + 16);
		m->seq = get32(p + 32);
		memcpy(m->token, p + 36, 4);
		return parse_cdbs(m, buf, off, len, true, err_off);
	case MHOD_CXTP_CTREQ:
		get_addr(&m->prev_ip, p);
		m->seq = get32(p + 16);
		memcpy(m->token, p + 20, 4);
		return parse_cdbs(m, buf, off, len, true, err_off);
	case MHOD_CXTP_CTAA:
	case MHOD_CXTP_CTDR:
		get_addr(&m->prev_ip, p);
		return parse_status(m, buf, off, len, err_off);
	case MHOD_CXTP_CTC:
		get_addr(&m->prev_ip, p);
		if (len != off)
			return fail_at(err_off, off, MHOD_E_CXTP_LEN);
		return MHOD_OK;
	}
	/* CTD, PCTD */
	m->elapsed_ms = get32(p);
	get_addr(&m->prev_ip, p + 4);
	m->has_key = m->type == MHOD_CXTP_PCTD || pi->ctd_has_key;
	if (m->has_key) {
		if (len - off < 4)
			return fail_at(err_off, len, MHOD_E_TRUNCATED);
		m->alg = get16(buf + off);
		m->key_len = get16(buf + off + 2);
		if (m->alg != MHOD_CXTP_ALG_HMAC_SHA1)
			return fail_at(err_off, off, MHOD_E_CXTP_ALG);
		if (!m->key_len || m->key_len > MHOD_CXTP_KEY_MAX)
			return fail_at(err_off, off + 2, MHOD_E_CXTP_KEY_LEN);
		if (len - off - 4 < m->key_len)
			return fail_at(err_off, len, MHOD_E_TRUNCATED);
		m->key = buf + off + 4;
		off += 4u + m->key_len;
	}
	err = parse_cdbs(m, buf, off, len, false, err_off);
	if (err)
		return err;
	if (!m->ncdbs)
		return fail_at(err_off, off, MHOD_E_CDB_MISSING);
	return MHOD_OK;
}

static size_t cdb_size(const struct mhod_cdb *c)
{
	return (4 + (c->has_pv ? 4u : 0u) + c->len + 7) / 8 * 8;
}

enum mhod_err mhod_cxtp_build(const struct mhod_cxtp *m, uint8_t *buf,
			      size_t cap, size_t *len)
{
	struct mhod_pkt_info pi = { .ctd_has_key = m->has_key };
	uint8_t tmp[MHOD_MSG_MAX];
	struct mhod_cxtp check;
	size_t off, i;
	uint8_t *p = tmp + CXTP_HDR;

	if (m->type < MHOD_CXTP_CTAR || m->type > MHOD_CXTP_CTREQ ||
	    m->ncdbs > MHOD_CDBS_MAX || m->nstatus > MHOD_CXTP_STATUS_MAX ||
	    m->key_len > MHOD_CXTP_KEY_MAX)
		return MHOD_E_INVAL;
	memset(tmp, 0, sizeof(tmp));
	tmp[0] = MHOD_CXTP_VERSION << 5 | m->type;
	off = CXTP_HDR + fixed_len(m->type);
	switch (m->type) {
	case MHOD_CXTP_CTAR:
		tmp[1] = m->flag ? MHOD_CXTP_F_A : 0;
		put_addr(p, &m->prev_ip);
		put_addr(p + 16, &m->ar);
		put32(p + 32, m->seq);
		memcpy(p + 36, m->token, 4);
		break;
	case MHOD_CXTP_CTREQ:
		put_addr(p, &m->prev_ip);
		put32(p + 16, m->seq);
		memcpy(p + 20, m->token, 4);
		break;
	case MHOD_CXTP_CTAA:
	case MHOD_CXTP_CTDR:
	case MHOD_CXTP_CTC:
		if (m->type == MHOD_CXTP_CTDR && m->flag)
			tmp[1] = MHOD_CXTP_F_S;
		if (m->ncdbs || (m->nspi && m->type != MHOD_CXTP_CTDR))
			return MHOD_E_INVAL;
		put_addr(p, &m->prev_ip);
		for (i = 0; m->type != MHOD_CXTP_CTC && i < m->nstatus; i++) {
			put16(tmp + off, m->status[i].fpt);
			tmp[off + 2] = m->status[i].status;
			off += 4;
		}
		if (m->nspi > MHOD_SPI_MAP_MAX)
			return MHOD_E_INVAL;
		if (m->nspi) {
			put16(tmp + off, MHOD_FPT_SPI_MAP);
			tmp[off + 3] = m->nspi;
			off += 4;
			for (i = 0; i < m->nspi; i++, off += 8) {
				put32(tmp + off, m->spi[i].old_spi);
				put32(tmp + off + 4, m->spi[i].new_spi);
			}
		}
		break;
	default:	/* CTD, PCTD */
		tmp[1] = m->flag ? MHOD_CXTP_F_A : 0;
		put32(p, m->elapsed_ms);
		put_addr(p + 4, &m->prev_ip);
		if (m->has_key) {
			put16(tmp + off, m->alg);
			put16(tmp + off + 2, m->key_len);
			if (m->key_len)
				memcpy(tmp + off + 4, m->key, m->key_len);
			off += 4u + m->key_len;
		}
	}
	for (i = 0; i < m->ncdbs; i++) {
		const struct mhod_cdb *c = &m->cdbs[i];
		size_t size = cdb_size(c), hdr = c->has_pv ? 8 : 4;

		if (size > sizeof(tmp) - off || size > 255 * 8)
			return MHOD_E_INVAL;
		put16(tmp + off, c->fpt);
		tmp[off + 2] = (uint8_t)(size / 8);
		tmp[off + 3] = c->has_pv ? 0x80 : 0;
		if (c->has_pv)
			put32(tmp + off + 4, c->pv);
		if (c->len)
			memcpy(tmp + off + hdr, c->data, c->len);
		off += size;
	}
	if (off > cap)
		return MHOD_E_NOSPACE;
	put16(tmp + 2, (uint16_t)off);
	if (mhod_cxtp_parse(&check, tmp, off, &pi, NULL))
		return MHOD_E_INVAL;
	memcpy(buf, tmp, off);
	*len = off;
	explicit_bzero(tmp, off);	/* may hold key material */
	return MHOD_OK;
}

void mhod_cxtp_sctp_cmsg(struct msghdr *mh, void *cbuf)
{
	struct sctp_sndinfo *si;
	struct cmsghdr *cm;

	_Static_assert(CMSG_SPACE(sizeof(*si)) <= MHOD_CXTP_CMSG_SPACE,
		       "MHOD_CXTP_CMSG_SPACE");
	memset(cbuf, 0, MHOD_CXTP_CMSG_SPACE);
	mh->msg_control = cbuf;
	mh->msg_controllen = CMSG_SPACE(sizeof(*si));
	cm = CMSG_FIRSTHDR(mh);
	cm->cmsg_level = IPPROTO_SCTP;
	cm->cmsg_type = SCTP_SNDINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(*si));
	si = (struct sctp_sndinfo *)CMSG_DATA(cm);
	si->snd_flags = SCTP_UNORDERED;
}

void mhod_cxtp_req_span(const struct mhod_cxtp *m, const uint8_t **p,
			size_t *len)
{
	const struct mhod_cdb *first = &m->cdbs[0], *last;

	if (!m->ncdbs) {
		*p = NULL;
		*len = 0;
		return;
	}
	last = &m->cdbs[m->ncdbs - 1];
	*p = first->data - (first->has_pv ? 8 : 4);
	*len = (size_t)(last->data + last->len - *p);
}

bool mhod_cxtp_token(const uint8_t *key, size_t key_len,
		     const struct in6_addr *prev_ip, uint32_t seq,
		     const uint8_t *cdbs, size_t cdbs_len, uint8_t token[4])
{
	uint8_t mac[MHOD_SHA1_LEN], s[4];
	struct mhod_hmac h;
	bool ok;

	put32(s, seq);
	mhod_hmac_init(&h, key, key_len);
	mhod_hmac_update(&h, prev_ip->s6_addr, 16);
	mhod_hmac_update(&h, s, 4);
	if (cdbs_len)
		mhod_hmac_update(&h, cdbs, cdbs_len);
	ok = mhod_hmac_final(&h, mac);
	memcpy(token, mac, 4);
	explicit_bzero(mac, sizeof(mac));
	return ok;
}

/*
 * IPsec SA context block data (after the CDB's 4-octet head):
 *   0 ver dir mode proto | 4 SPI | 8 ENCR id, key bits | 12 INTEG id, rsvd
 *  16 replay window, flags | 20 oseq(8) | 28 seq(8) | 36 bitmap(W/8)
 *  +0 hard bytes(8) | +8 hard seconds(8) | +16 outer dst | +32 outer src
 *  +48 dst plen, src plen, rsvd(2) | +52 sel dst | +68 sel src
 *  +84 key len(2) rsvd(2) | +88 key, zero padding to the block's end.
 */
#define SA_HEAD		36
#define SA_TAIL		88

enum mhod_err mhod_sa_cdb_parse(struct mhod_sa_cdb *sa,
				const struct mhod_cdb *cdb)
{
	const uint8_t *d = cdb->data, *t;
	size_t bm, end;

	memset(sa, 0, sizeof(*sa));
	if (cdb->fpt != MHOD_FPT_IPSEC_SA || cdb->has_pv)
		return MHOD_E_SA_FIELD;
	if (cdb->len < SA_HEAD + SA_TAIL)
		return MHOD_E_SA_LEN;
	if (d[0] != 1)
		return MHOD_E_SA_VERSION;
	sa->dir = d[1];
	sa->mode = d[2];
	sa->proto = d[3];
	sa->spi = get32(d + 4);
	sa->encr_id = get16(d + 8);
	sa->encr_key_bits = get16(d + 10);
	sa->integ_id = get16(d + 12);
	sa->replay_window = get16(d + 16);
	sa->flags = get16(d + 18);
	sa->oseq = get64(d + 20);
	sa->seq = get64(d + 28);
	if (sa->dir > 1 || sa->mode < 1 || sa->mode > 2 ||
	    (sa->proto != 50 && sa->proto != 51) || get16(d + 14) ||
	    sa->replay_window % 8 || sa->replay_window > MHOD_SA_WINDOW_MAX ||
	    (sa->flags & ~MHOD_SA_F_ESN))
		return MHOD_E_SA_FIELD;
	bm = sa->replay_window / 8;
	if (cdb->len < SA_HEAD + bm + SA_TAIL)
		return MHOD_E_SA_LEN;
	sa->bitmap = d + SA_HEAD;
	t = d + SA_HEAD + bm;
	sa->hard_bytes = get64(t);
	sa->hard_seconds = get64(t + 8);
	get_addr(&sa->outer_dst, t + 16);
	get_addr(&sa->outer_src, t + 32);
	sa->sel_dst_plen = t[48];
	sa->sel_src_plen = t[49];
	get_addr(&sa->sel_dst, t + 52);
	get_addr(&sa->sel_src, t + 68);
	sa->key_len = get16(t + 84);
	if (sa->sel_dst_plen > 128 || sa->sel_src_plen > 128)
		return MHOD_E_PLEN;
	if (get16(t + 50) || get16(t + 86) || sa->key_len > MHOD_SA_KEY_MAX)
		return MHOD_E_SA_FIELD;
	end = SA_HEAD + bm + SA_TAIL + sa->key_len;
	/* The block ends with the key and fewer than 8 zero octets. */
	if (end > cdb->len || cdb->len - end >= 8 ||
	    !all_zero(d + end, cdb->len - end))
		return MHOD_E_SA_LEN;
	sa->key = t + SA_TAIL;
	return MHOD_OK;
}

enum mhod_err mhod_sa_cdb_build(const struct mhod_sa_cdb *sa, uint8_t *buf,
				size_t cap, size_t *len)
{
	size_t bm = sa->replay_window / 8, n, padded;
	struct mhod_sa_cdb check;
	struct mhod_cdb c;
	uint8_t *t;

	if (sa->replay_window > MHOD_SA_WINDOW_MAX ||
	    sa->key_len > MHOD_SA_KEY_MAX)
		return MHOD_E_INVAL;
	n = SA_HEAD + bm + SA_TAIL + sa->key_len;
	padded = (4 + n + 7) / 8 * 8 - 4;
	if (padded > cap)
		return MHOD_E_NOSPACE;
	memset(buf, 0, padded);
	buf[0] = 1;
	buf[1] = sa->dir;
	buf[2] = sa->mode;
	buf[3] = sa->proto;
	put32(buf + 4, sa->spi);
	put16(buf + 8, sa->encr_id);
	put16(buf + 10, sa->encr_key_bits);
	put16(buf + 12, sa->integ_id);
	put16(buf + 16, sa->replay_window);
	put16(buf + 18, sa->flags);
	put64(buf + 20, sa->oseq);
	put64(buf + 28, sa->seq);
	if (bm)
		memcpy(buf + SA_HEAD, sa->bitmap, bm);
	t = buf + SA_HEAD + bm;
	put64(t, sa->hard_bytes);
	put64(t + 8, sa->hard_seconds);
	put_addr(t + 16, &sa->outer_dst);
	put_addr(t + 32, &sa->outer_src);
	t[48] = sa->sel_dst_plen;
	t[49] = sa->sel_src_plen;
	put_addr(t + 52, &sa->sel_dst);
	put_addr(t + 68, &sa->sel_src);
	put16(t + 84, sa->key_len);
	if (sa->key_len)
		memcpy(t + SA_TAIL, sa->key, sa->key_len);
	c = (struct mhod_cdb){ .fpt = MHOD_FPT_IPSEC_SA, .len = (uint16_t)padded,
			       .data = buf };
	if (mhod_sa_cdb_parse(&check, &c)) {
		explicit_bzero(buf, padded);
		return MHOD_E_INVAL;
	}
	*len = padded;
	return MHOD_OK;
}

/* ---------------------------------------------------------- mho context */

#define CTX_HEAD	4u
#define CTX_F_MORE	0x80

enum mhod_err mhod_ctx_cdbs_put(struct mhod_cxtp *m, const uint8_t *ctx,
				size_t len, uint8_t *work, size_t cap)
{
	size_t off = 0, used = 0, n, size;
	struct mhod_cdb *c;

	if (!len)
		return MHOD_E_INVAL;
	while (off < len) {
		n = len - off < MHOD_CTX_FRAG_MAX ? len - off : MHOD_CTX_FRAG_MAX;
		/* The block's data: head, fragment, padding to 8n - 4. */
		size = (4 + CTX_HEAD + n + 7) / 8 * 8 - 4;
		if (m->ncdbs == MHOD_CDBS_MAX)
			return MHOD_E_INVAL;
		if (size > cap - used)
			return MHOD_E_NOSPACE;
		memset(work + used, 0, size);
		put16(work + used, (uint16_t)n);
		work[used + 2] = off + n < len ? CTX_F_MORE : 0;
		memcpy(work + used + CTX_HEAD, ctx + off, n);
		c = &m->cdbs[m->ncdbs++];
		*c = (struct mhod_cdb){ .fpt = MHOD_FPT_MHO_CTX,
					.len = (uint16_t)size,
					.data = work + used };
		used += size;
		off += n;
	}
	return MHOD_OK;
}

static enum mhod_err ctx_get(const struct mhod_cxtp *m, uint8_t *out,
			     size_t cap, size_t *len)
{
	bool more = false, seen = false;
	int i, last = -1;
	size_t n;

	*len = 0;
	for (i = 0; i < m->ncdbs; i++) {
		const struct mhod_cdb *c = &m->cdbs[i];

		if (c->fpt != MHOD_FPT_MHO_CTX)
			continue;
		/* One run of blocks, each but the last with M. */
		if ((seen && (!more || last != i - 1)) || c->has_pv ||
		    c->len < CTX_HEAD)
			return seen ? MHOD_E_CTX_ORDER : MHOD_E_CTX_BLOCK;
		n = get16(c->data);
		if (!n || n > c->len - CTX_HEAD ||
		    c->len - CTX_HEAD - n >= 8 ||
		    (c->data[2] & ~CTX_F_MORE) || c->data[3] ||
		    !all_zero(c->data + CTX_HEAD + n, c->len - CTX_HEAD - n))
			return MHOD_E_CTX_BLOCK;
		if (n > cap - *len)
			return MHOD_E_NOSPACE;
		memcpy(out + *len, c->data + CTX_HEAD, n);
		*len += n;
		more = c->data[2] & CTX_F_MORE;
		seen = true;
		last = i;
	}
	if (!seen)
		return MHOD_E_CDB_MISSING;
	return more ? MHOD_E_CTX_ORDER : MHOD_OK;
}

/* What a refused context left in out (keys) is wiped. */
enum mhod_err mhod_ctx_cdbs_get(const struct mhod_cxtp *m, uint8_t *out,
				size_t cap, size_t *len)
{
	enum mhod_err err = ctx_get(m, out, cap, len);

	if (err) {
		explicit_bzero(out, *len);
		*len = 0;
	}
	return err;
}
