/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Whole IPv6 packets around the signaling messages, for captures and
 * tests (the daemon's sockets hand it the bare message and ancillary
 * data): IPv6 header, a Destination Options header with a Home Address
 * option (RFC 6275 6.3), a type 2 Routing header (6.4), ESP transport
 * with NULL encryption and HMAC-SHA1-96 (RFC 4303, RFC 2410; for captures
 * Wireshark can read), and SCTP with one DATA chunk (RFC 9260).
 */
#ifndef MHOD_PKT_H
#define MHOD_PKT_H

#include "wire.h"

#define MHOD_PKT_MAX	(MHOD_MSG_MAX + 256)
#define MHOD_ESP_ICV	12

struct mhod_pkt {
	uint32_t vtcfl;		/* version, traffic class, flow label */
	uint8_t hop_limit;
	struct in6_addr src, dst;
	bool has_hao;		/* Destination Options with a HAO */
	struct in6_addr hoa;
	bool has_rh2;		/* type 2 Routing header */
	struct in6_addr rh2;
	bool has_esp;
	uint32_t esp_spi, esp_seq;
	uint8_t proto;		/* upper layer: 58, 135, 132 */
	/* SCTP, one DATA chunk */
	uint16_t sport, dport;
	uint32_t vtag, tsn, ppid;
	uint16_t sid, ssn;
	uint8_t chunk_flags;
	/* the upper-layer message (for SCTP: the chunk's user data) */
	const uint8_t *payload;
	size_t len;
};

#define MHOD_IPPROTO_ICMPV6	58
#define MHOD_IPPROTO_MH		135
#define MHOD_IPPROTO_SCTP	132

/* esp_key: the SA's HMAC-SHA1-96 key, needed when the packet has ESP. */
enum mhod_err mhod_pkt_parse(struct mhod_pkt *p, const uint8_t *buf,
			     size_t len, const uint8_t *esp_key,
			     size_t esp_key_len);
enum mhod_err mhod_pkt_build(const struct mhod_pkt *p, uint8_t *buf,
			     size_t cap, size_t *len, const uint8_t *esp_key,
			     size_t esp_key_len);
/* Checksum pseudo-header addresses and Hop Limit of the message. */
void mhod_pkt_info_of(const struct mhod_pkt *p, struct mhod_pkt_info *pi);
uint32_t mhod_crc32c(const uint8_t *p, size_t len);

/*
 * The two extension headers of Mobile IPv6 (RFC 6275 6.3, 6.4), as the
 * sockets API carries them (IPV6_DSTOPTS, IPV6_RTHDR; the Next Header
 * octet is the kernel's): a Destination Options header of PadN(4) and a
 * Home Address option, and a type 2 Routing Header; 24 octets each. The
 * parse takes one Destination Options header of len octets, padding and
 * exactly one Home Address option, and gives its address.
 */
#define MHOD_XHDR_LEN	24
void mhod_hao_hdr(uint8_t h[MHOD_XHDR_LEN], const struct in6_addr *a);
void mhod_rh2_hdr(uint8_t h[MHOD_XHDR_LEN], const struct in6_addr *a);
enum mhod_err mhod_dstopts_hao(const uint8_t *h, size_t len,
			       struct in6_addr *hao);

#endif /* MHOD_PKT_H */
