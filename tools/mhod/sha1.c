// SPDX-License-Identifier: GPL-2.0
/*
 * SHA-1 and HMAC-SHA1, written from FIPS 180-4 and RFC 2104; checked
 * against RFC 3174 and RFC 2202 known answers by the tests.
 */
#include <string.h>

#include "bytes.h"
#include "sha1.h"

static uint32_t rol(uint32_t x, int n)
{
	return x << n | x >> (32 - n);
}

static void sha1_block(uint32_t h[5], const uint8_t *p)
{
	uint32_t w[80], a, b, c, d, e, f, k, t;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = get32(p + 4 * i);
	for (i = 16; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	a = h[0];
	b = h[1];
	c = h[2];
	d = h[3];
	e = h[4];
	for (i = 0; i < 80; i++) {
		if (i < 20) {
			f = (b & c) | (~b & d);
			k = 0x5a827999;
		} else if (i < 40) {
			f = b ^ c ^ d;
			k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d);
			k = 0x8f1bbcdc;
		} else {
			f = b ^ c ^ d;
			k = 0xca62c1d6;
		}
		t = rol(a, 5) + f + e + k + w[i];
		e = d;
		d = c;
		c = rol(b, 30);
		b = a;
		a = t;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
	explicit_bzero(w, sizeof(w));
}

void mhod_sha1_init(struct mhod_sha1 *c)
{
	static const uint32_t iv[5] = {
		0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0
	};

	memcpy(c->h, iv, sizeof(iv));
	c->len = 0;
	c->fill = 0;
}

void mhod_sha1_update(struct mhod_sha1 *c, const void *data, size_t len)
{
	const uint8_t *p = data;

	c->len += len;
	while (len) {
		size_t n = MHOD_SHA1_BLOCK - c->fill;

		if (n > len)
			n = len;
		memcpy(c->buf + c->fill, p, n);
		c->fill += n;
		p += n;
		len -= n;
		if (c->fill == MHOD_SHA1_BLOCK) {
			sha1_block(c->h, c->buf);
			c->fill = 0;
		}
	}
}

void mhod_sha1_final(struct mhod_sha1 *c, uint8_t out[MHOD_SHA1_LEN])
{
	uint64_t bits = c->len * 8;
	uint8_t pad[MHOD_SHA1_BLOCK + 8] = { 0x80 };
	uint8_t lenbuf[8];
	size_t padlen;
	int i;

	padlen = (c->fill < 56 ? 56 : 120) - c->fill;
	put64(lenbuf, bits);
	mhod_sha1_update(c, pad, padlen);
	mhod_sha1_update(c, lenbuf, 8);
	for (i = 0; i < 5; i++)
		put32(out + 4 * i, c->h[i]);
	explicit_bzero(c, sizeof(*c));
}

void mhod_hmac_init(struct mhod_hmac *h, const uint8_t *key, size_t len)
{
	uint8_t k[MHOD_SHA1_BLOCK] = { 0 }, ikey[MHOD_SHA1_BLOCK];
	int i;

	if (len > MHOD_SHA1_BLOCK) {
		mhod_sha1_init(&h->inner);
		mhod_sha1_update(&h->inner, key, len);
		mhod_sha1_final(&h->inner, k);
	} else if (len) {
		memcpy(k, key, len);
	}
	for (i = 0; i < MHOD_SHA1_BLOCK; i++) {
		ikey[i] = k[i] ^ 0x36;
		h->okey[i] = k[i] ^ 0x5c;
	}
	mhod_sha1_init(&h->inner);
	mhod_sha1_update(&h->inner, ikey, sizeof(ikey));
	explicit_bzero(k, sizeof(k));
	explicit_bzero(ikey, sizeof(ikey));
}

void mhod_hmac_update(struct mhod_hmac *h, const void *data, size_t len)
{
	mhod_sha1_update(&h->inner, data, len);
}

void mhod_hmac_final(struct mhod_hmac *h, uint8_t out[MHOD_SHA1_LEN])
{
	struct mhod_sha1 outer;
	uint8_t ihash[MHOD_SHA1_LEN];

	mhod_sha1_final(&h->inner, ihash);
	mhod_sha1_init(&outer);
	mhod_sha1_update(&outer, h->okey, sizeof(h->okey));
	mhod_sha1_update(&outer, ihash, sizeof(ihash));
	mhod_sha1_final(&outer, out);
	explicit_bzero(ihash, sizeof(ihash));
	explicit_bzero(h, sizeof(*h));
}

int mhod_memeq(const void *a, const void *b, size_t len)
{
	const volatile uint8_t *x = a, *y = b;
	uint8_t d = 0;
	size_t i;

	for (i = 0; i < len; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}
