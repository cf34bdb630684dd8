/* SPDX-License-Identifier: GPL-2.0 */
/*
 * HMAC-SHA1 (RFC 2104) through OpenSSL's libcrypto: the MAC that the BADF
 * authenticator (RFC 5568 6.4.5), the CXTP token (RFC 4067 2.5.1) and the
 * test ESP's ICV are defined with. Nothing else in mhod may use SHA-1.
 */
#ifndef MHOD_HMAC_H
#define MHOD_HMAC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MHOD_SHA1_LEN	20

struct evp_mac_ctx_st;

/* One MAC computation: init, any number of updates, final. */
struct mhod_hmac {
	struct evp_mac_ctx_st *ctx;
	bool ok;		/* false once any step has failed */
};

void mhod_hmac_init(struct mhod_hmac *h, const uint8_t *key, size_t len);
void mhod_hmac_update(struct mhod_hmac *h, const void *data, size_t len);
/*
 * Writes the MAC and frees the state (libcrypto wipes the key material it
 * held). Returns false, with @out zeroed, if any step failed (libcrypto
 * out of memory): the caller must not send, or accept, what it signs.
 */
bool mhod_hmac_final(struct mhod_hmac *h, uint8_t out[MHOD_SHA1_LEN]);

/* Constant-time comparison for authenticators. */
bool mhod_memeq(const void *a, const void *b, size_t len);

#endif /* MHOD_HMAC_H */
