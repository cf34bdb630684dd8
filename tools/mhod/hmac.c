// SPDX-License-Identifier: GPL-2.0
/*
 * HMAC-SHA1 with libcrypto's EVP_MAC (OpenSSL 3): mhod does not carry a
 * hash of its own.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "hmac.h"

/*
 * Fetched once and kept for the process's life: mhod is single-threaded
 * and a fetch per MAC would look the algorithm up in the provider each
 * time.
 */
static EVP_MAC *hmac_alg(void)
{
	static EVP_MAC *mac;

	if (!mac)
		mac = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL);
	return mac;
}

void mhod_hmac_init(struct mhod_hmac *h, const uint8_t *key, size_t len)
{
	static const uint8_t empty[1];
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						 (char *)"SHA1", 0),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC *mac = hmac_alg();

	h->ok = false;
	h->ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
	if (!h->ctx)
		return;
	/* An empty key is a key: libcrypto wants a pointer all the same. */
	h->ok = EVP_MAC_init(h->ctx, len ? key : empty, len, params) == 1;
}

void mhod_hmac_update(struct mhod_hmac *h, const void *data, size_t len)
{
	if (h->ok && len)
		h->ok = EVP_MAC_update(h->ctx, data, len) == 1;
}

bool mhod_hmac_final(struct mhod_hmac *h, uint8_t out[MHOD_SHA1_LEN])
{
	size_t n = 0;

	if (h->ok)
		h->ok = EVP_MAC_final(h->ctx, out, &n, MHOD_SHA1_LEN) == 1 &&
			n == MHOD_SHA1_LEN;
	EVP_MAC_CTX_free(h->ctx);
	h->ctx = NULL;
	if (!h->ok)
		memset(out, 0, MHOD_SHA1_LEN);
	return h->ok;
}

bool mhod_memeq(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0;
}
