// SPDX-License-Identifier: GPL-2.0
/*
 * mho_forge - send hand-made mho tunnel packets, for the selftests that
 * check what a router accepts: from whom, to where, with which option.
 *
 *   mho_forge -s OUTER_SRC -d OUTER_DST -i INNER_DST [-I INNER_SRC] [-e | -c]
 *             [-n COUNT] [-p PORT] [-S SEQ] [-V VERSION] [-m MAGIC]
 *             [-P PAYLOAD_BYTES] [-F FRAGMENT_BYTES [-x first|overlap]]
 *   mho_forge -T -I SRC -i DST [-n COUNT] [-p PORT] [-S SEQ] [-P PAYLOAD_BYTES]
 *             [-F FRAGMENT_BYTES [-x first|rest]]
 *   mho_forge -h
 *
 * A packet is what kernel/tunnel.c sends: an outer IPv6 header from
 * OUTER_SRC to OUTER_DST, mho's 16-byte destination options header (option
 * type 0x1e: magic -m, default 0x6d68; version -V, default 1; flags;
 * sequence number; PadN), then the inner packet:
 *
 *   data        an IPv6/UDP datagram from INNER_SRC (default OUTER_SRC)
 *               to INNER_DST, port PORT (default 9909) both ways, with a
 *               correct UDP checksum and a payload of PAYLOAD_BYTES (8 by
 *               default, at least 8): "MHOF", the sequence number, then
 *               bytes counting up from 0
 *   -e          the end-marker: flags 0x01 and an empty IPv6 header (next
 *               header 59, payload length 0, hop limit 255) to INNER_DST
 *   -c          the cut-point marker: as -e, with flags 0x02
 *
 * With -F, each packet leaves as fragments, as a tunnel entry point
 * fragments what does not fit: the outer header and mho's option in
 * front of each, then a fragment header (identification: the sequence
 * number), then FRAGMENT_BYTES (a multiple of 8) of the rest. -x first
 * sends only the first fragment of each packet (it never completes);
 * -x overlap makes every fragment after the first start 8 bytes before
 * the previous one ended (RFC 5722 says to drop the whole datagram).
 *
 * -T sends the UDP datagram alone, no tunnel: from SRC to DST, as a CN
 * would, fragmented with -F (the fragment header after the IPv6 header);
 * -x rest sends every fragment but the first. A datagram's two halves
 * can so be sent apart, around a change of the routers' state.
 *
 * COUNT packets (default 1) are sent back to back, numbered SEQ, SEQ+1, ...
 * (default 1). They go out through a raw IPPROTO_RAW socket, which on
 * Linux implies IPV6_HDRINCL: the kernel sends the header as written,
 * whatever source address it has, and routes by OUTER_DST. (The route
 * lookup's protocol is IPPROTO_RAW, so no XFRM policy for "proto ipv6"
 * applies: the packets always leave in plain text.)
 *
 * Prints "sent N". Exit status: 0 when every packet was sent, 1 on a usage
 * or socket error. Needs CAP_NET_RAW.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"

#define OPT_TYPE	0x1e
#define OPT_MAGIC	0x6d68
#define OPT_VERSION	1
#define OPT_F_END	0x01
#define OPT_F_CUT	0x02
#define PAYLOAD_MAGIC	"MHOF"

/* The destination options header of kernel/tunnel.h. */
struct mho_opt {
	uint8_t nexthdr;
	uint8_t hdrlen;
	uint8_t type;
	uint8_t len;
	uint16_t magic;
	uint8_t version;
	uint8_t flags;
	uint32_t seq;
	uint8_t pad_type;
	uint8_t pad_len;
	uint8_t pad[2];
};

/* Every field is naturally aligned: no padding, no packed needed. */
_Static_assert(sizeof(struct mho_opt) == 16, "mho option header");

struct udp {
	uint16_t sport;
	uint16_t dport;
	uint16_t len;
	uint16_t sum;
};

#define MAX_PAYLOAD	(65535 - 16 - 40 - 8)

struct packet {
	struct ip6 outer;
	struct mho_opt opt;
	struct ip6 inner;
	struct udp udp;
	uint8_t payload[MAX_PAYLOAD];
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mho_forge -s OUTER_SRC -d OUTER_DST -i INNER_DST [-I INNER_SRC] [-e | -c]\n"
		"                 [-n COUNT] [-p PORT] [-S SEQ] [-V VERSION] [-m MAGIC]\n"
		"                 [-P PAYLOAD_BYTES] [-F FRAGMENT_BYTES [-x first|overlap]]\n"
		"       mho_forge -T -I SRC -i DST [-n COUNT] [-p PORT] [-S SEQ] [-P PAYLOAD_BYTES]\n"
		"                 [-F FRAGMENT_BYTES [-x first|rest]]\n"
		"       mho_forge -h\n"
		"\n"
		"Sends COUNT (1) mho tunnel packets through a raw socket: outer IPv6,\n"
		"mho's destination option (magic 0x%04x, version %d, sequence SEQ (1)\n"
		"counting up), then a UDP datagram to INNER_DST port PORT (9909) from\n"
		"INNER_SRC (OUTER_SRC), or with -e the end-marker (an empty IPv6 packet\n"
		"to INNER_DST; -c: the cut-point marker). -F: as fragments of\n"
		"FRAGMENT_BYTES; -x first: only the first, -x overlap: overlapping.\n"
		"-T: the UDP datagram alone, no tunnel (-x rest: all but the first).\n"
		"Prints \"sent N\" (packets, not fragments).\n",
		OPT_MAGIC, OPT_VERSION);
}

const char prog[] = "mho_forge";

/* -x first|overlap|rest, as an OPT_FN: the sending mode of fragments. */
static void parse_mode(const char *arg, void *dst)
{
	int *mode = dst;

	if (!strcmp(arg, "first"))
		*mode = 'f';
	else if (!strcmp(arg, "overlap"))
		*mode = 'o';
	else if (!strcmp(arg, "rest"))
		*mode = 'r';
	else
		die("-x: first, overlap or rest: %s", arg);
}

/*
 * -T: the @inner_len-byte datagram of @pkt (from its inner header on),
 * as fragments of @fsize bytes of what follows that header; @mode: 0 all,
 * 'f' the first only, 'r' all but the first.
 */
static int send_plain_frags(int fd, const struct sockaddr_in6 *to,
			    const struct packet *pkt, size_t inner_len,
			    size_t fsize, int mode, uint32_t id)
{
	static uint8_t buf[sizeof(struct ip6) + sizeof(struct frag) + 65536];
	const uint8_t *rest = (const uint8_t *)&pkt->udp;
	size_t off, n, rlen = inner_len - sizeof(pkt->inner);
	struct ip6 *ip = (struct ip6 *)buf;
	struct frag *fh = (struct frag *)(ip + 1);

	for (off = 0; off < rlen; off += n) {
		n = rlen - off < fsize ? rlen - off : fsize;
		if ((mode == 'f' && off) || (mode == 'r' && !off))
			continue;
		memcpy(ip, &pkt->inner, sizeof(*ip));
		ip->nexthdr = 44;		/* fragment */
		fh->nexthdr = pkt->inner.nexthdr;
		fh->reserved = 0;
		fh->off = htons(off | (off + n < rlen));
		fh->id = htonl(id);
		memcpy(fh + 1, rest + off, n);
		ip->plen = htons(sizeof(*fh) + n);
		if (sendto(fd, buf, sizeof(*ip) + sizeof(*fh) + n, 0,
			   (const struct sockaddr *)to, sizeof(*to)) < 0)
			return -1;
	}
	return 0;
}

/*
 * Send the @len-byte packet @pkt as fragments of @fsize bytes of what
 * follows mho's option; @mode: 0 all, 'f' the first only, 'o' overlapping.
 */
static int send_frags(int fd, const struct sockaddr_in6 *to,
		      const struct packet *pkt, size_t len, size_t fsize,
		      int mode, uint32_t id)
{
	static uint8_t buf[sizeof(struct ip6) + sizeof(struct mho_opt) +
			   sizeof(struct frag) + 65536];
	const size_t hlen = sizeof(pkt->outer) + sizeof(pkt->opt);
	const uint8_t *rest = (const uint8_t *)pkt + hlen;
	size_t off = 0, n, rlen = len - hlen;
	struct ip6 *ip = (struct ip6 *)buf;
	struct mho_opt *opt = (struct mho_opt *)(ip + 1);
	struct frag *fh = (struct frag *)(opt + 1);

	while (off < rlen) {
		n = rlen - off < fsize ? rlen - off : fsize;
		memcpy(buf, pkt, hlen);
		opt->nexthdr = 44;		/* fragment */
		fh->nexthdr = IPPROTO_IPV6;
		fh->reserved = 0;
		fh->off = htons(off | (off + n < rlen));
		fh->id = htonl(id);
		memcpy(fh + 1, rest + off, n);
		ip->plen = htons(sizeof(*opt) + sizeof(*fh) + n);
		if (sendto(fd, buf, hlen + sizeof(*fh) + n, 0,
			   (const struct sockaddr *)to, sizeof(*to)) < 0)
			return -1;
		if (mode == 'f')
			break;
		off += n;
		if (mode == 'o' && off < rlen)
			off -= 8;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *osrc = NULL, *odst = NULL, *idst = NULL, *isrc = NULL;
	uint64_t count = 1, port = 9909, seq = 1, plen = 8, fsize = 0;
	uint64_t version = OPT_VERSION, magic = OPT_MAGIC;
	bool end_marker = false, cut_marker = false, fragments = false;
	bool plain = false;
	int mode = 0;
	const struct opt opts[] = {
		O_STR('s', &osrc),
		O_STR('d', &odst),
		O_FLAG('T', &plain),
		O_STR('i', &idst, .required = true),
		O_STR('I', &isrc),
		O_FLAG('e', &end_marker),
		O_FLAG('c', &cut_marker),
		O_NUM('n', &count, 1000000),
		O_NUM('p', &port, UINT16_MAX),
		O_NUM('S', &seq, UINT32_MAX),
		O_NUM('V', &version, UINT8_MAX),
		O_NUM('m', &magic, UINT16_MAX),	/* 0x... */
		O_NUM('P', &plen, MAX_PAYLOAD),
		O_NUM('F', &fsize, 65528, .given = &fragments),
		O_FN('x', parse_mode, &mode),
		{ 0 }
	};
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	struct in6_addr os, od, is, id;
	static struct packet pkt;
	size_t len, inner_len;
	uint64_t i;
	int fd, end;

	parse_opts(argc, argv, opts, 0, usage);
	if (plain ? !isrc || end_marker || cut_marker || mode == 'o' :
		    !osrc || !odst || mode == 'r') {
		usage(stderr);
		return 1;
	}
	if (plain)
		osrc = odst = isrc;	/* no outer header */
	if (plen < 8)
		die("-P: at least 8 bytes: %" PRIu64, plen);
	if (fragments && (!fsize || fsize % 8))
		die("-F: a multiple of 8: %" PRIu64, fsize);
	if (mode && !fsize) {
		usage(stderr);
		return 1;
	}
	end = cut_marker ? OPT_F_CUT : end_marker ? OPT_F_END : 0;
	parse_in6(osrc, &os);
	parse_in6(odst, &od);
	parse_in6(idst, &id);
	parse_in6(isrc ? isrc : osrc, &is);

	inner_len = sizeof(pkt.inner);
	if (!end)
		inner_len += sizeof(pkt.udp) + plen;
	len = sizeof(pkt.outer) + sizeof(pkt.opt) + inner_len;

	/* 60: destination options */
	ip6_header(&pkt.outer, &os, &od, 60, 64, sizeof(pkt.opt) + inner_len);
	pkt.opt.nexthdr = IPPROTO_IPV6;
	pkt.opt.hdrlen = 1;
	pkt.opt.type = OPT_TYPE;
	pkt.opt.len = 8;
	pkt.opt.magic = htons(magic);
	pkt.opt.version = version;
	pkt.opt.flags = end;
	pkt.opt.pad_type = 1;			/* PadN */
	pkt.opt.pad_len = 2;
	/* 59: no next header */
	ip6_header(&pkt.inner, &is, &id, end ? 59 : IPPROTO_UDP,
		   end ? 255 : 64, inner_len - sizeof(pkt.inner));
	pkt.udp.sport = htons(port);
	pkt.udp.dport = htons(port);
	pkt.udp.len = htons(sizeof(pkt.udp) + plen);
	for (i = 8; i < plen; i++)
		pkt.payload[i] = i;

	/* IPPROTO_RAW: IPV6_HDRINCL is on (net/ipv6/af_inet6.c). */
	fd = socket(AF_INET6, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	sin6.sin6_addr = plain ? pkt.inner.dst : pkt.outer.dst;

	for (i = 0; i < count; i++, seq = (seq + 1) & UINT32_MAX) {
		uint32_t s = htonl(seq);
		uint16_t sum;

		pkt.opt.seq = s;
		if (!end) {
			memcpy(pkt.payload, PAYLOAD_MAGIC, 4);
			memcpy(pkt.payload + 4, &s, 4);
			pkt.udp.sum = 0;
			sum = csum_ipv6(&pkt.inner.src, &pkt.inner.dst,
					IPPROTO_UDP, &pkt.udp,
					sizeof(pkt.udp) + plen);
			pkt.udp.sum = sum ? sum : 0xffff;
		}
		if (plain && fsize ?
		    send_plain_frags(fd, &sin6, &pkt, inner_len, fsize, mode,
				     seq) < 0 :
		    plain ?
		    sendto(fd, &pkt.inner, inner_len, 0,
			   (struct sockaddr *)&sin6, sizeof(sin6)) != (ssize_t)inner_len :
		    fsize ? send_frags(fd, &sin6, &pkt, len, fsize, mode, seq) < 0 :
		    sendto(fd, &pkt, len, 0, (struct sockaddr *)&sin6, sizeof(sin6)) != (ssize_t)len) {
			fprintf(stderr, "mho_forge: sendto: %s\n", strerror(errno));
			printf("sent %" PRIu64 "\n", i);
			return 1;
		}
	}
	printf("sent %" PRIu64 "\n", count);
	close(fd);
	return 0;
}
