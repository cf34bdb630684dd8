// SPDX-License-Identifier: GPL-2.0
/*
 * IPv6 packets around signaling messages: parse and build the headers
 * mhod's messages travel with (see pkt.h).
 */
#include <string.h>

#include "bytes.h"
#include "pkt.h"
#include "hmac.h"

#define IPV6_HDR	40
#define NH_ROUTING	43
#define NH_ESP		50
#define NH_DSTOPTS	60
#define OPT_HAO		201
#define SCTP_HDR	12
#define DATA_HDR	16

uint32_t mhod_crc32c(const uint8_t *p, size_t len)
{
	uint32_t c = 0xffffffff;
	int k;

	while (len--) {
		c ^= *p++;
		for (k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0x82f63b78 : c >> 1;
	}
	return ~c;
}

static bool esp_icv(const uint8_t *esp, size_t len, const uint8_t *key,
		    size_t key_len, uint8_t icv[MHOD_SHA1_LEN])
{
	struct mhod_hmac h;

	mhod_hmac_init(&h, key, key_len);
	mhod_hmac_update(&h, esp, len);
	return mhod_hmac_final(&h, icv);
}

/* Destination Options: padding and one Home Address option. */
static enum mhod_err parse_dstopts(struct mhod_pkt *p, const uint8_t *h,
				   size_t size)
{
	size_t off = 2;

	while (off < size) {
		if (h[off] == 0) {
			off++;
			continue;
		}
		if (size - off < 2 || size - off - 2 < h[off + 1])
			return MHOD_E_TRUNCATED;
		if (h[off] == OPT_HAO) {
			if (h[off + 1] != 16 || p->has_hao)
				return MHOD_E_INVAL;
			p->has_hao = true;
			get_addr(&p->hoa, h + off + 2);
		} else if (h[off] != 1) {
			return MHOD_E_INVAL;
		}
		off += 2u + h[off + 1];
	}
	return p->has_hao ? MHOD_OK : MHOD_E_INVAL;
}

enum mhod_err mhod_dstopts_hao(const uint8_t *h, size_t len,
			       struct in6_addr *hao)
{
	struct mhod_pkt p;
	enum mhod_err err;

	if (len < 8 || len != (h[1] + 1u) * 8u)
		return MHOD_E_TRUNCATED;
	memset(&p, 0, sizeof(p));
	err = parse_dstopts(&p, h, len);
	if (err == MHOD_OK)
		*hao = p.hoa;
	return err;
}

void mhod_hao_hdr(uint8_t h[MHOD_XHDR_LEN], const struct in6_addr *a)
{
	/* PadN(4) puts the HAO at 8n+6 (RFC 6275 6.3). */
	memset(h, 0, MHOD_XHDR_LEN);
	h[1] = 2;
	h[2] = 1;
	h[3] = 2;
	h[6] = OPT_HAO;
	h[7] = 16;
	put_addr(h + 8, a);
}

void mhod_rh2_hdr(uint8_t h[MHOD_XHDR_LEN], const struct in6_addr *a)
{
	memset(h, 0, MHOD_XHDR_LEN);
	h[1] = 2;
	h[2] = 2;
	h[3] = 1;
	put_addr(h + 8, a);
}

static enum mhod_err parse_sctp(struct mhod_pkt *p, const uint8_t *s,
				size_t len)
{
	uint8_t copy[MHOD_PKT_MAX];
	size_t clen;
	uint32_t crc;

	if (len < SCTP_HDR + DATA_HDR || len > sizeof(copy))
		return MHOD_E_TRUNCATED;
	memcpy(copy, s, len);
	memset(copy + 8, 0, 4);
	crc = mhod_crc32c(copy, len);
	/* CRC32c goes on the wire least significant octet first. */
	if (s[8] != (crc & 0xff) || s[9] != ((crc >> 8) & 0xff) ||
	    s[10] != ((crc >> 16) & 0xff) || s[11] != crc >> 24)
		return MHOD_E_CHECKSUM;
	p->sport = get16(s);
	p->dport = get16(s + 2);
	p->vtag = get32(s + 4);
	if (s[SCTP_HDR] != 0)	/* DATA */
		return MHOD_E_INVAL;
	p->chunk_flags = s[SCTP_HDR + 1];
	clen = get16(s + SCTP_HDR + 2);
	if (clen < DATA_HDR || clen > len - SCTP_HDR ||
	    (clen + 3) / 4 * 4 != len - SCTP_HDR)
		return MHOD_E_TRUNCATED;
	p->tsn = get32(s + SCTP_HDR + 4);
	p->sid = get16(s + SCTP_HDR + 8);
	p->ssn = get16(s + SCTP_HDR + 10);
	p->ppid = get32(s + SCTP_HDR + 12);
	p->payload = s + SCTP_HDR + DATA_HDR;
	p->len = clen - DATA_HDR;
	return MHOD_OK;
}

enum mhod_err mhod_pkt_parse(struct mhod_pkt *p, const uint8_t *buf,
			     size_t len, const uint8_t *esp_key,
			     size_t esp_key_len)
{
	size_t off = IPV6_HDR, end;
	uint8_t nh;

	memset(p, 0, sizeof(*p));
	if (len < IPV6_HDR || len > MHOD_PKT_MAX)
		return MHOD_E_TRUNCATED;
	p->vtcfl = get32(buf);
	if (p->vtcfl >> 28 != 6 || get16(buf + 4) != len - IPV6_HDR)
		return MHOD_E_TRUNCATED;
	nh = buf[6];
	p->hop_limit = buf[7];
	get_addr(&p->src, buf + 8);
	get_addr(&p->dst, buf + 24);
	end = len;
	for (;;) {
		size_t size;
		enum mhod_err err;

		if (nh == NH_DSTOPTS || nh == NH_ROUTING) {
			if (end - off < 8)
				return MHOD_E_TRUNCATED;
			size = ((size_t)buf[off + 1] + 1) * 8;
			if (size > end - off)
				return MHOD_E_TRUNCATED;
			if (nh == NH_DSTOPTS) {
				err = parse_dstopts(p, buf + off, size);
				if (err)
					return err;
			} else {
				/* type 2, Segments Left 1, one address */
				if (size != 24 || buf[off + 2] != 2 ||
				    buf[off + 3] != 1 || p->has_rh2)
					return MHOD_E_INVAL;
				p->has_rh2 = true;
				get_addr(&p->rh2, buf + off + 8);
			}
			nh = buf[off];
			off += size;
			continue;
		}
		if (nh == NH_ESP) {
			uint8_t icv[MHOD_SHA1_LEN];
			size_t padlen, i;

			if (!esp_key || end - off < 8 + 2 + MHOD_ESP_ICV)
				return MHOD_E_TRUNCATED;
			p->has_esp = true;
			p->esp_spi = get32(buf + off);
			p->esp_seq = get32(buf + off + 4);
			if (!esp_icv(buf + off, end - off - MHOD_ESP_ICV,
				     esp_key, esp_key_len, icv))
				return MHOD_E_CRYPTO;
			if (!mhod_memeq(icv, buf + end - MHOD_ESP_ICV,
					MHOD_ESP_ICV))
				return MHOD_E_CHECKSUM;
			end -= MHOD_ESP_ICV;
			nh = buf[end - 1];
			padlen = buf[end - 2];
			if (padlen > end - off - 8 - 2)
				return MHOD_E_TRUNCATED;
			end -= 2;
			for (i = 0; i < padlen; i++)
				if (buf[end - padlen + i] != i + 1)
					return MHOD_E_PAD;
			end -= padlen;
			off += 8;
			continue;
		}
		break;
	}
	p->proto = nh;
	if (nh == MHOD_IPPROTO_SCTP)
		return parse_sctp(p, buf + off, end - off);
	if (nh != MHOD_IPPROTO_ICMPV6 && nh != MHOD_IPPROTO_MH)
		return MHOD_E_INVAL;
	p->payload = buf + off;
	p->len = end - off;
	return MHOD_OK;
}

enum mhod_err mhod_pkt_build(const struct mhod_pkt *p, uint8_t *buf,
			     size_t cap, size_t *len, const uint8_t *esp_key,
			     size_t esp_key_len)
{
	uint8_t tmp[MHOD_PKT_MAX], *nhp = tmp + 6;
	size_t off = IPV6_HDR, esp = 0, need;

	need = IPV6_HDR + 24 + 24 + 8 + 4 + MHOD_ESP_ICV + SCTP_HDR +
		DATA_HDR + 3 + p->len;
	if (need > sizeof(tmp) || (p->has_esp && !esp_key))
		return MHOD_E_INVAL;
	memset(tmp, 0, sizeof(tmp));
	put32(tmp, p->vtcfl ? p->vtcfl : 6u << 28);
	tmp[7] = p->hop_limit;
	put_addr(tmp + 8, &p->src);
	put_addr(tmp + 24, &p->dst);
	if (p->has_hao) {
		*nhp = NH_DSTOPTS;
		nhp = tmp + off;
		mhod_hao_hdr(tmp + off, &p->hoa);
		off += MHOD_XHDR_LEN;
	}
	if (p->has_rh2) {
		*nhp = NH_ROUTING;
		nhp = tmp + off;
		mhod_rh2_hdr(tmp + off, &p->rh2);
		off += MHOD_XHDR_LEN;
	}
	if (p->has_esp) {
		*nhp = NH_ESP;
		esp = off;
		put32(tmp + off, p->esp_spi);
		put32(tmp + off + 4, p->esp_seq);
		off += 8;
	}
	if (!p->has_esp)
		*nhp = p->proto;
	if (p->proto == MHOD_IPPROTO_SCTP) {
		uint8_t *s = tmp + off;
		size_t clen = DATA_HDR + p->len, slen;
		uint32_t crc;

		put16(s, p->sport);
		put16(s + 2, p->dport);
		put32(s + 4, p->vtag);
		s[SCTP_HDR + 1] = p->chunk_flags;
		put16(s + SCTP_HDR + 2, (uint16_t)clen);
		put32(s + SCTP_HDR + 4, p->tsn);
		put16(s + SCTP_HDR + 8, p->sid);
		put16(s + SCTP_HDR + 10, p->ssn);
		put32(s + SCTP_HDR + 12, p->ppid);
		memcpy(s + SCTP_HDR + DATA_HDR, p->payload, p->len);
		slen = SCTP_HDR + (clen + 3) / 4 * 4;
		crc = mhod_crc32c(s, slen);
		s[8] = crc & 0xff;
		s[9] = (crc >> 8) & 0xff;
		s[10] = (crc >> 16) & 0xff;
		s[11] = crc >> 24;
		off += slen;
	} else {
		memcpy(tmp + off, p->payload, p->len);
		off += p->len;
	}
	if (p->has_esp) {
		uint8_t icv[MHOD_SHA1_LEN];
		size_t padlen = (4 - (off - esp - 8 + 2) % 4) % 4, i;

		for (i = 0; i < padlen; i++)
			tmp[off++] = (uint8_t)(i + 1);
		tmp[off++] = (uint8_t)padlen;
		tmp[off++] = p->proto;
		if (!esp_icv(tmp + esp, off - esp, esp_key, esp_key_len, icv))
			return MHOD_E_CRYPTO;
		memcpy(tmp + off, icv, MHOD_ESP_ICV);
		off += MHOD_ESP_ICV;
	}
	if (off > cap)
		return MHOD_E_NOSPACE;
	put16(tmp + 4, (uint16_t)(off - IPV6_HDR));
	memcpy(buf, tmp, off);
	*len = off;
	return MHOD_OK;
}

void mhod_pkt_info_of(const struct mhod_pkt *p, struct mhod_pkt_info *pi)
{
	memset(pi, 0, sizeof(*pi));
	pi->src = p->has_hao ? p->hoa : p->src;
	pi->dst = p->has_rh2 ? p->rh2 : p->dst;
	pi->hop_limit = p->hop_limit;
	pi->lla_len = 6;
}
