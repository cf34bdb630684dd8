// SPDX-License-Identifier: GPL-2.0
/*
 * The Internet checksum over the IPv6 pseudo-header, for ICMPv6 (next
 * header 58) and the Mobility Header (135, RFC 6275 6.1.1).
 */
#include "bytes.h"

static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t len)
{
	while (len > 1) {
		sum += get16(p);
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	/* Fold early so that no message up to 4 GiB overflows. */
	return (sum & 0xffff) + (sum >> 16);
}

uint16_t mhod_csum(const struct in6_addr *src, const struct in6_addr *dst,
		   uint8_t nh, const uint8_t *msg, size_t len)
{
	uint8_t tail[8] = { 0 };
	uint32_t sum = 0;

	put32(tail, (uint32_t)len);
	tail[7] = nh;
	sum = sum16(sum, src->s6_addr, 16);
	sum = sum16(sum, dst->s6_addr, 16);
	sum = sum16(sum, tail, sizeof(tail));
	sum = sum16(sum, msg, len);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}
