// SPDX-License-Identifier: GPL-2.0
/*
 * Pre-authentication keys: X25519 and an IKEv2-style prf+ with
 * HMAC-SHA-256, through libcrypto. See pakeys.h for the payloads and the
 * derivation.
 */
#include <stddef.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "bytes.h"
#include "pakeys.h"
#include "wire.h"

#define SHA256_LEN	32

static const char pa_label[] = "mhod-pa-1";

void mhod_pa_wipe(void *p, size_t len)
{
	OPENSSL_cleanse(p, len);
}

int mhod_pa_local_new(struct mhod_pa_local *l, uint32_t spi)
{
	EVP_PKEY *pk = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
	size_t priv_len = sizeof(l->priv), pub_len = sizeof(l->pub);
	int ok;

	l->spi = spi;
	ok = pk && EVP_PKEY_get_raw_private_key(pk, l->priv, &priv_len) == 1 &&
	     EVP_PKEY_get_raw_public_key(pk, l->pub, &pub_len) == 1 &&
	     priv_len == sizeof(l->priv) && pub_len == sizeof(l->pub) &&
	     RAND_bytes(l->nonce, sizeof(l->nonce)) == 1;
	EVP_PKEY_free(pk);	/* libcrypto clears its copy of the key */
	if (!ok)
		mhod_pa_wipe(l, sizeof(*l));
	return ok ? 0 : -1;
}

void mhod_pa_wire_of(const struct mhod_pa_local *l, struct mhod_pa_wire *w)
{
	memset(w, 0, sizeof(*w));
	w->set = true;
	put32(w->sa, l->spi);
	w->sa[4] = MHOD_PA_T_ENCR;
	put16(w->sa + 6, MHOD_PA_ENCR_GCM16);
	put16(w->ke, MHOD_PA_GROUP_X25519);
	memcpy(w->ke + 4, l->pub, sizeof(l->pub));
	memcpy(w->nonce, l->nonce, sizeof(l->nonce));
}

int mhod_pa_peer_get(const struct mhod_pa_wire *w, struct mhod_pa_peer *p)
{
	if (!w->set || w->sa[4] != MHOD_PA_T_ENCR ||
	    get16(w->sa + 6) != MHOD_PA_ENCR_GCM16 ||
	    get16(w->ke) != MHOD_PA_GROUP_X25519 || get16(w->ke + 2))
		return -1;
	p->spi = get32(w->sa);
	if (p->spi < 256)
		return -1;
	p->pub = w->ke + 4;
	p->nonce = w->nonce;
	return 0;
}

int mhod_pa_wire_get(const struct mhod_mh *m, struct mhod_pa_wire *w)
{
	static const struct {
		uint8_t kind;
		size_t off, len;
	} f[] = {
		{ MHOD_PA_SA, offsetof(struct mhod_pa_wire, sa), MHOD_PA_SA_LEN },
		{ MHOD_PA_KE, offsetof(struct mhod_pa_wire, ke), MHOD_PA_KE_LEN },
		{ MHOD_PA_NONCE, offsetof(struct mhod_pa_wire, nonce),
		  MHOD_PA_NONCE_LEN },
	};
	uint8_t buf[MHOD_PA_MAX];
	size_t i, len, found = 0;

	memset(w, 0, sizeof(*w));
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (mhod_mh_pa_get(m, f[i].kind, buf, sizeof(buf), &len))
			return -1;
		if (!len)
			continue;
		if (len != f[i].len)
			return -1;
		memcpy((uint8_t *)w + f[i].off, buf, len);
		found++;
	}
	if (!found)
		return 0;
	if (found != sizeof(f) / sizeof(f[0]))
		return -1;
	w->set = true;
	return 1;
}

int mhod_pa_wire_add(struct mhod_mh *m, const struct mhod_pa_wire *w)
{
	return mhod_mh_pa_add(m, MHOD_PA_SA, w->sa, sizeof(w->sa)) ||
	       mhod_mh_pa_add(m, MHOD_PA_KE, w->ke, sizeof(w->ke)) ||
	       mhod_mh_pa_add(m, MHOD_PA_NONCE, w->nonce, sizeof(w->nonce)) ?
	       -1 : 0;
}

static int prf(const uint8_t *key, size_t klen, const uint8_t *data,
	       size_t dlen, uint8_t out[SHA256_LEN])
{
	size_t n = 0;

	return EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, klen, data,
			 dlen, out, SHA256_LEN, &n) && n == SHA256_LEN ? 0 : -1;
}

static int x25519(const uint8_t priv[MHOD_PA_X25519_LEN],
		  const uint8_t *pub, uint8_t out[MHOD_PA_X25519_LEN])
{
	EVP_PKEY *a, *b;
	EVP_PKEY_CTX *ctx = NULL;
	size_t n = MHOD_PA_X25519_LEN;
	static const uint8_t zero[MHOD_PA_X25519_LEN];
	int ok;

	a = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv,
					 MHOD_PA_X25519_LEN);
	b = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, pub,
					MHOD_PA_X25519_LEN);
	if (a && b)
		ctx = EVP_PKEY_CTX_new(a, NULL);
	ok = ctx && EVP_PKEY_derive_init(ctx) == 1 &&
	     EVP_PKEY_derive_set_peer(ctx, b) == 1 &&
	     EVP_PKEY_derive(ctx, out, &n) == 1 && n == MHOD_PA_X25519_LEN &&
	     CRYPTO_memcmp(out, zero, n);	/* RFC 7748 6.1 */
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(a);
	EVP_PKEY_free(b);
	return ok ? 0 : -1;
}

int mhod_pa_derive(const struct mhod_pa_local *l, const struct mhod_pa_peer *p,
		   bool mn_side, const struct in6_addr *mn,
		   const struct in6_addr *ar, struct mhod_pa_keys *k)
{
	const uint8_t *ni = mn_side ? l->nonce : p->nonce;
	const uint8_t *nr = mn_side ? p->nonce : l->nonce;
	uint32_t spi_i = mn_side ? l->spi : p->spi;
	uint32_t spi_r = mn_side ? p->spi : l->spi;
	uint8_t g_ir[MHOD_PA_X25519_LEN], seed[SHA256_LEN];
	uint8_t nn[2 * MHOD_PA_NONCE_LEN];
	/* T(n-1) | S | n, S = label | Ni | Nr | SPIi | SPIr | MN | AR */
	uint8_t s[SHA256_LEN + sizeof(pa_label) - 1 + sizeof(nn) + 8 + 32 + 1];
	uint8_t keymat[2 * SHA256_LEN], *t = s + SHA256_LEN;
	size_t slen = 0, off;
	int ret = -1, i;

	memcpy(nn, ni, MHOD_PA_NONCE_LEN);
	memcpy(nn + MHOD_PA_NONCE_LEN, nr, MHOD_PA_NONCE_LEN);
	if (x25519(l->priv, p->pub, g_ir) ||
	    prf(nn, sizeof(nn), g_ir, sizeof(g_ir), seed))
		goto out;
	memcpy(t, pa_label, sizeof(pa_label) - 1);
	slen = sizeof(pa_label) - 1;
	memcpy(t + slen, nn, sizeof(nn));
	slen += sizeof(nn);
	put32(t + slen, spi_i);
	put32(t + slen + 4, spi_r);
	slen += 8;
	memcpy(t + slen, mn, 16);
	memcpy(t + slen + 16, ar, 16);
	slen += 32;
	/* T1 = prf(K, S | 0x01), T2 = prf(K, T1 | S | 0x02). */
	for (i = 0, off = 0; i < 2; i++, off += SHA256_LEN) {
		const uint8_t *in = i ? s : t;
		size_t inlen = (i ? SHA256_LEN : 0) + slen + 1;

		t[slen] = (uint8_t)(i + 1);
		if (prf(seed, sizeof(seed), in, inlen, keymat + off))
			goto out;
		memcpy(s, keymat + off, SHA256_LEN);
	}
	memcpy(k->esp_mn, keymat, MHOD_PA_ESP_KEY_LEN);
	memcpy(k->esp_ar, keymat + MHOD_PA_ESP_KEY_LEN, MHOD_PA_ESP_KEY_LEN);
	memcpy(k->badf, keymat + 2 * MHOD_PA_ESP_KEY_LEN, MHOD_PA_BADF_KEY_LEN);
	ret = 0;
out:
	if (ret)
		mhod_pa_wipe(k, sizeof(*k));
	mhod_pa_wipe(g_ir, sizeof(g_ir));
	mhod_pa_wipe(seed, sizeof(seed));
	mhod_pa_wipe(s, sizeof(s));
	mhod_pa_wipe(keymat, sizeof(keymat));
	return ret;
}
