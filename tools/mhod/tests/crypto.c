// SPDX-License-Identifier: GPL-2.0
/*
 * HMAC-SHA1 known answers (RFC 2202) through mhod's libcrypto wrapper,
 * the checksum and CRC32c the codec relies on, and the pre-authentication
 * keys (X25519 from RFC 7748 6.1, the prf+ computed independently).
 */
#include <string.h>

#include "ktap.h"
#include "../bytes.h"
#include "../hmac.h"
#include "../pakeys.h"
#include "../wire.h"

static void hmac(const uint8_t *k, size_t kl, const void *d, size_t dl,
		 uint8_t out[MHOD_SHA1_LEN])
{
	struct mhod_hmac h;

	mhod_hmac_init(&h, k, kl);
	mhod_hmac_update(&h, d, dl);
	t_check(mhod_hmac_final(&h, out), "the MAC was computed");
}

static bool hex_is(const uint8_t *p, const char *hex)
{
	uint8_t want[64];
	size_t n = t_unhex(hex, want, sizeof(want));

	return !memcmp(p, want, n);
}

void test_crypto(void)
{
	uint8_t out[MHOD_SHA1_LEN], key[80], data[80];
	struct mhod_hmac h;

	t_begin("hmac-sha1: RFC 2202 test cases 1, 2, 3, 6");
	memset(key, 0x0b, 20);
	hmac(key, 20, "Hi There", 8, out);
	t_check(hex_is(out, "b617318655057264e28bc0b6fb378c8ef146be00"), "1");
	hmac((const uint8_t *)"Jefe", 4, "what do ya want for nothing?", 28,
	     out);
	t_check(hex_is(out, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"), "2");
	memset(key, 0xaa, 20);
	memset(data, 0xdd, 50);
	hmac(key, 20, data, 50, out);
	t_check(hex_is(out, "125d7342b9ac11cd91a39af48aa17b4f63f175d3"), "3");
	memset(key, 0xaa, 80);
	hmac(key, 80, "Test Using Larger Than Block-Size Key - Hash Key First",
	     54, out);
	t_check(hex_is(out, "aa4ae5e15272d00e95705637ce8a3b55ed402112"), "6");
	t_end();

	t_begin("hmac-sha1: an empty key, and a message in pieces");
	hmac(key, 0, "", 0, out);
	t_check(hex_is(out, "fbdb1d1b18aa6c08324b7d64b71fb76370690e1d"),
		"empty key, empty message");
	memset(key, 0x0b, 20);
	mhod_hmac_init(&h, key, 20);
	mhod_hmac_update(&h, "Hi", 2);
	mhod_hmac_update(&h, NULL, 0);
	mhod_hmac_update(&h, " There", 6);
	t_check(mhod_hmac_final(&h, out) && h.ctx == NULL,
		"final frees the state");
	t_check(hex_is(out, "b617318655057264e28bc0b6fb378c8ef146be00"),
		"RFC 2202 case 1 in three updates");
	t_check(mhod_memeq(out, out, MHOD_SHA1_LEN) &&
		!mhod_memeq(out, key, MHOD_SHA1_LEN), "memeq");
	t_end();

	t_begin("crc32c: RFC 3720 B.4 known answer");
	memset(data, 0, 32);
	t_check(mhod_crc32c(data, 32) == 0x8a9136aa, "32 zero octets");
	t_end();

	t_begin("checksum: a message with its checksum sums to 0");
	{
		struct in6_addr s = t_addr("2001:db8::1"), d = t_addr("ff02::1");
		uint8_t m[9] = { 1, 2, 0, 0, 5, 6, 7, 8, 9 };
		uint16_t cs = mhod_csum(&s, &d, 58, m, sizeof(m));

		put16(m + 2, cs);
		t_check(mhod_csum(&s, &d, 58, m, sizeof(m)) == 0, "odd length");
		t_check(mhod_csum(&s, &d, 135, m, sizeof(m)) != 0,
			"next header is in the pseudo-header");
	}
	t_end();
}

/* A side of RFC 7748 6.1's exchange (Alice: the MN, Bob: the nAR). */
static void pa_side(struct mhod_pa_local *l, const char *priv,
		    const char *pub, uint8_t nonce, uint32_t spi)
{
	t_unhex(priv, l->priv, sizeof(l->priv));
	t_unhex(pub, l->pub, sizeof(l->pub));
	memset(l->nonce, nonce, sizeof(l->nonce));
	l->spi = spi;
}

void test_pakeys(void)
{
	static const char a_priv[] = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
	static const char a_pub[] = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
	static const char b_priv[] = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
	static const char b_pub[] = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
	struct in6_addr mn = t_addr("2001:db8:b::2"), ar = t_addr("2001:db8:12::2");
	struct mhod_pa_local a, b, r;
	struct mhod_pa_wire wa, wb, back;
	struct mhod_pa_peer pa, pb;
	struct mhod_pa_keys ka, kb, kc;
	static struct mhod_mh m, parsed;
	struct mhod_pkt_info pi = { .hop_limit = -1 };
	uint8_t buf[MHOD_MH_MAX];
	struct mhod_mh_opt *o;
	size_t n = 0;

	t_begin("pre-auth: both ends derive the known keys");
	pa_side(&a, a_priv, a_pub, 0x11, 0xc0000001);
	pa_side(&b, b_priv, b_pub, 0x22, 0xc0000002);
	mhod_pa_wire_of(&a, &wa);
	mhod_pa_wire_of(&b, &wb);
	t_check(!mhod_pa_peer_get(&wa, &pa) && !mhod_pa_peer_get(&wb, &pb),
		"payloads decode");
	t_check(!mhod_pa_derive(&a, &pb, true, &mn, &ar, &ka), "MN derives");
	t_check(!mhod_pa_derive(&b, &pa, false, &mn, &ar, &kb), "nAR derives");
	t_check(!memcmp(&ka, &kb, sizeof(ka)), "the same keys");
	t_check(hex_is(ka.esp_mn, "50cc4a8514bfe05bdac35dcb30eeffc169e73d51") &&
		hex_is(ka.esp_ar, "600b061f69eb518c6a7b7c2b79f53d19c8c8e14a") &&
		hex_is(ka.badf, "7dd2a39fdf2b569f222e06a638996647b1b111b8"),
		"the known answer");
	t_end();

	t_begin("pre-auth: another address, nonce or SPI, other keys");
	mn.s6_addr[15] ^= 1;
	t_check(!mhod_pa_derive(&a, &pb, true, &mn, &ar, &kc) &&
		memcmp(&kc, &ka, sizeof(ka)), "address");
	mn.s6_addr[15] ^= 1;
	pb.spi++;
	t_check(!mhod_pa_derive(&a, &pb, true, &mn, &ar, &kc) &&
		memcmp(&kc, &ka, sizeof(ka)), "SPI");
	pb.spi--;
	wb.nonce[0] ^= 1;
	t_check(!mhod_pa_peer_get(&wb, &pb) &&
		!mhod_pa_derive(&a, &pb, true, &mn, &ar, &kc) &&
		memcmp(&kc, &ka, sizeof(ka)), "nonce");
	wb.nonce[0] ^= 1;
	t_end();

	t_begin("pre-auth: a low-order public value is refused, keys zeroed");
	back = wb;
	memset(back.ke + 4, 0, MHOD_PA_X25519_LEN);
	memset(&kc, 0xaa, sizeof(kc));
	t_check(!mhod_pa_peer_get(&back, &pb), "decodes");
	t_check(mhod_pa_derive(&a, &pb, true, &mn, &ar, &kc) < 0, "refused");
	t_check(!kc.esp_mn[0] && !kc.badf[19], "zeroed");
	t_end();

	t_begin("pre-auth: another group, transform or a reserved SPI is refused");
	back = wb;
	put16(back.ke, 19);
	t_check(mhod_pa_peer_get(&back, &pb) < 0, "group 19");
	back = wb;
	put16(back.sa + 6, 12);
	t_check(mhod_pa_peer_get(&back, &pb) < 0, "ENCR 12");
	back = wb;
	put32(back.sa, 255);
	t_check(mhod_pa_peer_get(&back, &pb) < 0, "SPI 255");
	back.set = false;
	t_check(mhod_pa_peer_get(&back, &pb) < 0, "absent");
	t_end();

	t_begin("pre-auth: payloads through an FBU and back, BADF last");
	pi.src = mn;
	pi.dst = ar;
	memset(&m, 0, sizeof(m));
	m.type = MHOD_MH_FBU;
	m.flags = MHOD_BU_A | MHOD_BU_H;
	t_check(!mhod_pa_wire_add(&m, &wa), "added");
	o = &m.opts[m.nopts++];
	o->type = MHOD_MHO_BADF;
	o->len = 12;
	t_check(!mhod_mh_build(&m, &pi, buf, sizeof(buf), &n), "built");
	t_check(!mhod_mh_parse(&parsed, buf, n, &pi, NULL), "parsed");
	t_check(mhod_pa_wire_get(&parsed, &back) == 1 &&
		!memcmp(&back, &wa, sizeof(wa)), "the same payloads");
	t_end();

	t_begin("pre-auth: a message with part of the payloads is refused");
	memset(&m, 0, sizeof(m));
	m.type = MHOD_MH_HACK;
	t_check(mhod_pa_wire_get(&m, &back) == 0 && !back.set, "none: 0");
	mhod_mh_pa_add(&m, MHOD_PA_NONCE, wa.nonce, sizeof(wa.nonce));
	t_check(mhod_pa_wire_get(&m, &back) < 0 && !back.set, "nonce only");
	memset(&m, 0, sizeof(m));
	m.type = MHOD_MH_HACK;
	mhod_mh_pa_add(&m, MHOD_PA_SA, wa.sa, sizeof(wa.sa));
	mhod_mh_pa_add(&m, MHOD_PA_KE, wa.ke, sizeof(wa.ke) - 1);
	mhod_mh_pa_add(&m, MHOD_PA_NONCE, wa.nonce, sizeof(wa.nonce));
	t_check(mhod_pa_wire_get(&m, &back) < 0, "a short KE");
	t_end();

	t_begin("pre-auth: fresh values differ, and derive");
	t_check(!mhod_pa_local_new(&r, 0xc0000003) &&
		!mhod_pa_local_new(&b, 0xc0000004) &&
		memcmp(r.pub, b.pub, sizeof(r.pub)) &&
		memcmp(r.nonce, b.nonce, sizeof(r.nonce)), "random");
	mhod_pa_wire_of(&b, &wb);
	t_check(!mhod_pa_peer_get(&wb, &pb) &&
		!mhod_pa_derive(&r, &pb, true, &mn, &ar, &kc), "derived");
	mhod_pa_wipe(&r, sizeof(r));
	t_end();
}
