// SPDX-License-Identifier: GPL-2.0
/*
 * HMAC-SHA1 known answers (RFC 2202) through mhod's libcrypto wrapper,
 * and the checksum and CRC32c the codec relies on.
 */
#include <string.h>

#include "ktap.h"
#include "../bytes.h"
#include "../hmac.h"

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
