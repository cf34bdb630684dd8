/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pre-authentication keys (PreAuthentication = fmipv6; Documentation/
 * mhod.rst, Pre-authentication): an ephemeral X25519 exchange between
 * the mobile node and the nAR, relayed by the pAR in the FBU, HI, HAck
 * and FBack (each protected by ESP on its hop), and the keys both ends
 * derive from it: an ESP SA in each direction (AES-GCM-16, 128-bit key)
 * and the BADF key the MN signs its FBUs to the nAR with.
 *
 * Payloads (enum mhod_pa_kind), as mhod sends them:
 *   SA     SPI(4): the sender's inbound ESP SPI; transform ENCR (1),
 *          reserved, ID 20 (AES-GCM with a 16-octet ICV, IKEv2 numbers)
 *   KE     group 31 (Curve25519, RFC 8031), reserved(2), 32 octets
 *   NONCE  32 random octets
 * Keys: SKEYSEED = HMAC-SHA-256(Ni | Nr, g^ir); KEYMAT = prf+(SKEYSEED,
 * "mhod-pa-1" | Ni | Nr | SPIi | SPIr | MN address | AR address), as
 * IKEv2 (RFC 7296 2.13, 2.14) does; the first 20 octets key the MN's
 * ESP SA to the AR, the next 20 the AR's to the MN (each an AES-128 key
 * and a 4-octet salt, RFC 4106), the last 20 the BADF key.
 */
#ifndef MHOD_PAKEYS_H
#define MHOD_PAKEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define MHOD_PA_GROUP_X25519	31
#define MHOD_PA_T_ENCR		1	/* IKEv2 transform type */
#define MHOD_PA_ENCR_GCM16	20	/* AES-GCM, 16-octet ICV */
#define MHOD_PA_X25519_LEN	32
#define MHOD_PA_NONCE_LEN	32
#define MHOD_PA_SA_LEN		8
#define MHOD_PA_KE_LEN		(4 + MHOD_PA_X25519_LEN)
#define MHOD_PA_ESP_KEY_LEN	20	/* AES-128 + salt */
#define MHOD_PA_BADF_KEY_LEN	20

/* One side's ephemeral values; priv is wiped by mhod_pa_wipe(). */
struct mhod_pa_local {
	uint32_t spi;			/* our inbound ESP SPI */
	uint8_t priv[MHOD_PA_X25519_LEN];
	uint8_t pub[MHOD_PA_X25519_LEN];
	uint8_t nonce[MHOD_PA_NONCE_LEN];
};

/* A peer's three payloads, decoded (pointers into the message). */
struct mhod_pa_peer {
	uint32_t spi;
	const uint8_t *pub;
	const uint8_t *nonce;
};

/* The payloads as octets, for a message and its retransmissions. */
struct mhod_pa_wire {
	bool set;
	uint8_t sa[MHOD_PA_SA_LEN];
	uint8_t ke[MHOD_PA_KE_LEN];
	uint8_t nonce[MHOD_PA_NONCE_LEN];
};

struct mhod_pa_keys {
	uint8_t esp_mn[MHOD_PA_ESP_KEY_LEN];	/* MN -> AR */
	uint8_t esp_ar[MHOD_PA_ESP_KEY_LEN];	/* AR -> MN */
	uint8_t badf[MHOD_PA_BADF_KEY_LEN];
};

struct mhod_mh;

/*
 * The three payloads of a Mobility Header message: 1 if it carries them,
 * each of its size; 0 if it carries none; -1 otherwise (w->set false).
 */
int mhod_pa_wire_get(const struct mhod_mh *m, struct mhod_pa_wire *w);
/* Append them as options (before the BADF the sender adds last). */
int mhod_pa_wire_add(struct mhod_mh *m, const struct mhod_pa_wire *w);

/* New ephemeral values with that SPI; 0, or -1 (libcrypto failed). */
int mhod_pa_local_new(struct mhod_pa_local *l, uint32_t spi);
/* Our payloads as octets. */
void mhod_pa_wire_of(const struct mhod_pa_local *l, struct mhod_pa_wire *w);
/*
 * Decode a peer's payloads (each exactly as above; the SA payload must
 * offer ENCR 20): 0, or -1 if one is missing, another suite, or an SPI
 * below 256 (RFC 4303 2.1 reserves them).
 */
int mhod_pa_peer_get(const struct mhod_pa_wire *w, struct mhod_pa_peer *p);
/*
 * The keys, from our private value and the peer's payloads; mn_side
 * says which of the two we are (Ni, SPIi are the MN's). 0, or -1 (the
 * shared secret is all zero, a low-order point, or libcrypto failed);
 * on -1 k is zeroed.
 */
int mhod_pa_derive(const struct mhod_pa_local *l, const struct mhod_pa_peer *p,
		   bool mn_side, const struct in6_addr *mn,
		   const struct in6_addr *ar, struct mhod_pa_keys *k);
/* Wipe key material (OPENSSL_cleanse). */
void mhod_pa_wipe(void *p, size_t len);

#endif /* MHOD_PAKEYS_H */
