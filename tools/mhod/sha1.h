/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SHA-1 (FIPS 180-4) and HMAC-SHA1 (RFC 2104): the MAC that the BADF
 * authenticator (RFC 5568 6.4.5) and the CXTP token (RFC 4067 2.5.1) are
 * defined with. Nothing else in mhod may use SHA-1.
 */
#ifndef MHOD_SHA1_H
#define MHOD_SHA1_H

#include <stddef.h>
#include <stdint.h>

#define MHOD_SHA1_LEN	20
#define MHOD_SHA1_BLOCK	64

struct mhod_sha1 {
	uint32_t h[5];
	uint64_t len;
	uint8_t buf[MHOD_SHA1_BLOCK];
	size_t fill;
};

void mhod_sha1_init(struct mhod_sha1 *c);
void mhod_sha1_update(struct mhod_sha1 *c, const void *data, size_t len);
void mhod_sha1_final(struct mhod_sha1 *c, uint8_t out[MHOD_SHA1_LEN]);

struct mhod_hmac {
	struct mhod_sha1 inner;
	uint8_t okey[MHOD_SHA1_BLOCK];
};

void mhod_hmac_init(struct mhod_hmac *h, const uint8_t *key, size_t len);
void mhod_hmac_update(struct mhod_hmac *h, const void *data, size_t len);
/* Writes the MAC and wipes the state (it holds key-derived octets). */
void mhod_hmac_final(struct mhod_hmac *h, uint8_t out[MHOD_SHA1_LEN]);

/* Constant-time comparison for authenticators. */
int mhod_memeq(const void *a, const void *b, size_t len);

#endif /* MHOD_SHA1_H */
