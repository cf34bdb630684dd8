/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Big-endian loads and stores, and the other small helpers every codec
 * file shares. Callers check bounds before calling these.
 */
#ifndef MHOD_BYTES_H
#define MHOD_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static inline void put64(uint8_t *p, uint64_t v)
{
	put32(p, v >> 32);
	put32(p + 4, v & 0xffffffff);
}

static inline bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

static inline void get_addr(struct in6_addr *a, const uint8_t *p)
{
	memcpy(a, p, 16);
}

static inline void put_addr(uint8_t *p, const struct in6_addr *a)
{
	memcpy(p, a, 16);
}

/*
 * Internet checksum (RFC 1071) of the IPv6 pseudo-header (RFC 8200 8.1:
 * src, dst, upper-layer length, next header) and the message, as stored
 * in the checksum field. A message whose checksum field is right gives 0.
 */
uint16_t mhod_csum(const struct in6_addr *src, const struct in6_addr *dst,
		   uint8_t nh, const uint8_t *msg, size_t len);

/* Record an error offset when the caller asked for it. */
static inline int fail_at(size_t *err_off, size_t off, int err)
{
	if (err_off)
		*err_off = off;
	return err;
}

#endif /* MHOD_BYTES_H */
