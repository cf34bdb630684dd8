// SPDX-License-Identifier: GPL-2.0
/*
 * mho_mh - send and receive IPv6 Mobility Header messages (RFC 6275, next
 * header 135), for the selftests that check what mho does to Mobile IPv6
 * signalling it meets: well-formed or not, it must pass untouched.
 *
 *   mho_mh send -s SRC -d DST -t TYPE [-T TAG] [-n COUNT] [-H HOA]
 *               [-m MALFORM]
 *   mho_mh recv [-w WAIT_MS] [-n COUNT]
 *   mho_mh -h
 *
 * send: whole IPv6 packets from SRC to DST, hop limit 64, with a Mobility
 * Header of payload proto 59 (no next header), the right header length
 * and the right checksum (the upper-layer checksum of RFC 8200 8.1 over
 * the whole MH, next header 135, pseudo-header from SRC, or HOA with -H,
 * to DST). TYPE is one of
 *
 *   hoti        1, Home Test Init: 16 bytes, reserved (2), then the 8-byte
 *               Home Init Cookie, which carries TAG (a u64, big-endian)
 *   coti        2, Care-of Test Init: as hoti, with the Care-of Init Cookie
 *   bu          5, Binding Update: 16 bytes, sequence number TAG & 0xffff,
 *               flags A (0x8000), lifetime 1 (4 s), then a 4-byte PadN
 *   0..255      that type: 16 bytes, the 6-byte MH header then zeroes
 *
 * -H puts a 24-byte destination options header before the MH: PadN (4
 * bytes), then the Home Address option (type 0xc9, length 16, HOA) at
 * offset 6, the 8n+6 alignment of RFC 6275 6.3. COUNT packets (default
 * 1) are sent back to back, tagged TAG, TAG+1, ... (default 1).
 *
 * -m MALFORM sends one of these instead (the IPv6 payload length is
 * always the number of bytes that follow the IPv6 header):
 *
 *   short       only the first 4 bytes of the MH, shorter than its base
 *               header (so without a checksum field)
 *   hdrlen      the header length field says 3 (32 bytes), 16 follow
 *   proto       payload proto 6 instead of 59
 *   tiny        header length 0: only the first 8 bytes of the message,
 *               too short for any of the types above (a BU needs 12)
 *   exthdr      no MH, but a destination options header (next header
 *               135) whose header length claims 64 bytes, of which the
 *               packet carries only the first 8
 *   frag        a fragment header (next header 135, or 60 with -H;
 *               offset 0, M flag, identification 1) before the message:
 *               the first fragment of a datagram that never completes
 *
 * Packets go out through a raw IPPROTO_RAW socket, which on Linux implies
 * IPV6_HDRINCL: the kernel sends the header as written, whatever source
 * address it has, and routes by DST. Prints "sent N". Exit status: 0 when
 * every packet was sent, 1 on a usage or socket error.
 *
 * recv: a raw IPPROTO_MH socket (any address of the network namespace)
 * prints one line per message, flushed at once:
 *
 *   type T src SRC dst DST tag TAG
 *
 * where TAG is the cookie (types 1 and 2) as a decimal u64, the sequence
 * number (type 5), or 0 (other types, or a message too short to carry
 * it). The kernel hands a raw socket the message alone, the IPv6 header
 * and extension headers removed, and only with a right checksum (it
 * checks it for IPPROTO_MH by default; with the mip6 module loaded, its
 * mip6_mh_filter also drops messages with a bad payload proto or length).
 * Messages shorter than 6 bytes are not printed. recv stops after COUNT
 * lines (default 0: no limit), when WAIT_MS ms (default 2000; 0: no
 * limit) pass without one, or on SIGINT/SIGTERM, and then prints
 * "received N". Exit status: 0, or 1 on a usage or socket error.
 *
 * Both need CAP_NET_RAW.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

#ifndef IPPROTO_MH
#define IPPROTO_MH	135
#endif
#define NEXTHDR_FRAGMENT	44
#define NEXTHDR_DEST		60
#define NEXTHDR_NONE		59

#define MH_HOTI		1
#define MH_COTI		2
#define MH_BU		5
#define MH_BU_F_A	0x8000
#define OPT_PADN	1
#define OPT_HAO		0xc9

enum malform { MF_NONE, MF_SHORT, MF_HDRLEN, MF_PROTO, MF_TINY, MF_EXTHDR, MF_FRAG };

static const char *const malforms[] = {
	[MF_SHORT] = "short", [MF_HDRLEN] = "hdrlen", [MF_PROTO] = "proto",
	[MF_TINY] = "tiny", [MF_EXTHDR] = "exthdr", [MF_FRAG] = "frag",
};

/* The destination options header of -H: PadN, then the HAO at 8n+6. */
struct hao_opt {
	uint8_t nexthdr;
	uint8_t hdrlen;
	uint8_t pad_type;
	uint8_t pad_len;
	uint8_t pad[2];
	uint8_t type;
	uint8_t len;
	struct in6_addr hoa;
};

/* Every field is naturally aligned: no padding, no packed needed. */
_Static_assert(sizeof(struct hao_opt) == 24, "HAO destination options header");

/* Every message sent is 16 bytes or less: the MH header and 10 more. */
struct mh {
	uint8_t proto;
	uint8_t hdrlen;		/* in 8 bytes, not counting the first 8 */
	uint8_t type;
	uint8_t reserved;
	uint16_t cksum;
	union {
		struct {	/* HoTI, CoTI */
			uint16_t reserved;
			uint8_t cookie[8];	/* a u64, unaligned */
		} ti;
		struct {	/* BU */
			uint16_t seq;
			uint16_t flags;
			uint16_t lifetime;	/* in 4 s */
			uint8_t pad_type;
			uint8_t pad_len;
			uint8_t pad[2];
		} bu;
		uint8_t data[10];
	};
};

_Static_assert(sizeof(struct mh) == 16, "mobility header");

/* At most: IPv6, fragment, HAO, MH. */
struct packet {
	struct ip6 ip;
	uint8_t rest[sizeof(struct frag) + sizeof(struct hao_opt) + sizeof(struct mh)];
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mho_mh send -s SRC -d DST -t TYPE [-T TAG] [-n COUNT] [-H HOA]\n"
		"                   [-m MALFORM]\n"
		"       mho_mh recv [-w WAIT_MS] [-n COUNT]\n"
		"       mho_mh -h\n"
		"\n"
		"send: COUNT (1) Mobility Header messages from SRC to DST through a raw\n"
		"socket, tagged TAG (1) counting up (the cookie of hoti and coti, the\n"
		"sequence number of bu). TYPE: hoti, coti, bu or a number 0-255. -H adds\n"
		"a Home Address option. MALFORM: short, hdrlen, proto, tiny, exthdr,\n"
		"frag. Prints \"sent N\".\n"
		"recv: prints \"type T src SRC dst DST tag TAG\" per message, until COUNT\n"
		"(0: no limit) or WAIT_MS (2000; 0: no limit) without one, then\n"
		"\"received N\".\n");
}

const char prog[] = "mho_mh";

static unsigned int parse_type(const char *s)
{
	unsigned long v;
	char *end;

	if (!strcmp(s, "hoti"))
		return MH_HOTI;
	if (!strcmp(s, "coti"))
		return MH_COTI;
	if (!strcmp(s, "bu"))
		return MH_BU;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || *s == '-' || v > UINT8_MAX)
		die("-t: expected hoti, coti, bu or a number from 0 to 255, got \"%s\"",
		    s);
	return v;
}

/* -m MALFORM, as an OPT_FN. */
static void parse_malform(const char *s, void *dst)
{
	unsigned int i;

	for (i = MF_SHORT; i <= MF_FRAG; i++) {
		if (!strcmp(s, malforms[i])) {
			*(enum malform *)dst = i;
			return;
		}
	}
	die("-m: expected short, hdrlen, proto, tiny, exthdr or frag, got \"%s\"",
	    s);
}

struct send_args {
	struct in6_addr src, dst, hoa;
	unsigned int type;
	int have_hoa;
	enum malform malform;
	uint64_t tag;		/* of the first packet */
};

/* Builds packet number i (tagged a->tag + i) into p; returns its length. */
static size_t build(void *buf, uint64_t i, void *arg)
{
	const struct send_args *a = arg;
	uint64_t tag = a->tag + i;
	struct packet *pkt = buf;
	uint8_t *p = pkt->rest, *nexthdr = &pkt->ip.nexthdr;
	size_t mh_len = sizeof(struct mh);
	struct mh mh;

	memset(pkt, 0, sizeof(*pkt));
	/* The next header and the payload length come below. */
	ip6_header(&pkt->ip, &a->src, &a->dst, 0, 64, 0);

	if (a->malform == MF_FRAG) {
		struct frag *f = (struct frag *)p;

		*nexthdr = NEXTHDR_FRAGMENT;
		f->off = htons(1);		/* offset 0, M */
		f->id = htonl(1);
		nexthdr = &f->nexthdr;
		p += sizeof(*f);
	}
	if (a->malform == MF_EXTHDR) {
		/* Next header 135, 64 bytes long, PadN over the 6 that follow. */
		static const uint8_t cut[8] = { IPPROTO_MH, 7, OPT_PADN, 4 };

		*nexthdr = NEXTHDR_DEST;
		memcpy(p, cut, sizeof(cut));
		p += sizeof(cut);
		pkt->ip.plen = htons(p - pkt->rest);
		return p - (uint8_t *)pkt;
	}
	if (a->have_hoa) {
		struct hao_opt *h = (struct hao_opt *)p;

		*nexthdr = NEXTHDR_DEST;
		h->hdrlen = 2;
		h->pad_type = OPT_PADN;
		h->pad_len = 2;
		h->type = OPT_HAO;
		h->len = sizeof(h->hoa);
		h->hoa = a->hoa;
		nexthdr = &h->nexthdr;
		p += sizeof(*h);
	}
	*nexthdr = IPPROTO_MH;

	memset(&mh, 0, sizeof(mh));
	mh.proto = a->malform == MF_PROTO ? IPPROTO_TCP : NEXTHDR_NONE;
	mh.hdrlen = sizeof(mh) / 8 - 1;
	mh.type = a->type;
	switch (a->type) {
	case MH_HOTI:
	case MH_COTI: {
		uint64_t c = htobe64(tag);

		memcpy(mh.ti.cookie, &c, sizeof(c));
		break;
	}
	case MH_BU:
		mh.bu.seq = htons(tag & 0xffff);
		mh.bu.flags = htons(MH_BU_F_A);
		mh.bu.lifetime = htons(1);
		mh.bu.pad_type = OPT_PADN;
		mh.bu.pad_len = 2;
		break;
	}
	switch (a->malform) {
	case MF_SHORT:
		mh_len = 4;
		break;
	case MF_HDRLEN:
		mh.hdrlen = 3;
		break;
	case MF_TINY:
		mh.hdrlen = 0;
		mh_len = 8;
		break;
	default:
		break;
	}
	/* Over the bytes sent; "short" has no room for it. */
	if (mh_len >= offsetof(struct mh, cksum) + sizeof(mh.cksum))
		mh.cksum = csum_ipv6(a->have_hoa ? &a->hoa : &a->src, &a->dst,
				     IPPROTO_MH, &mh, mh_len);
	memcpy(p, &mh, mh_len);
	p += mh_len;

	pkt->ip.plen = htons(p - pkt->rest);
	return p - (uint8_t *)pkt;
}

static int cmd_send(int argc, char **argv)
{
	const char *src = NULL, *dst = NULL, *type = NULL, *hoa = NULL;
	struct send_args a = { .malform = MF_NONE };
	uint64_t count = 1, tag = 1;
	const struct opt opts[] = {
		O_STR('s', &src, .required = true),
		O_STR('d', &dst, .required = true),
		O_STR('t', &type, .required = true),
		O_NUM('T', &tag, UINT64_MAX),
		O_NUM('n', &count, 1000000),
		O_STR('H', &hoa),
		O_FN('m', parse_malform, &a.malform),
		{ 0 }
	};
	struct packet pkt;

	parse_opts(argc, argv, opts, 0, usage);
	if (hoa && a.malform == MF_EXTHDR)
		die("-H and -m exthdr: the truncated header has no room for a HAO");
	parse_in6(src, &a.src);
	parse_in6(dst, &a.dst);
	if (hoa) {
		parse_in6(hoa, &a.hoa);
		a.have_hoa = 1;
	}
	a.type = parse_type(type);
	a.tag = tag;
	return send_raw6(&a.dst, count, &pkt, build, &a);
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t now_ms(void)
{
	return clock_ns(CLOCK_MONOTONIC) / 1000000;
}

/* The tag of a message of n bytes, 0 if it carries none. */
static uint64_t mh_tag(const uint8_t *m, size_t n)
{
	uint64_t c;

	switch (m[2]) {
	case MH_HOTI:
	case MH_COTI:
		if (n < 16)
			return 0;
		memcpy(&c, m + 8, sizeof(c));
		return be64toh(c);
	case MH_BU:
		return n < 8 ? 0 : (uint64_t)(m[6] << 8 | m[7]);
	}
	return 0;
}

static int cmd_recv(int argc, char **argv)
{
	uint64_t count = 0, wait_ms = 2000, received = 0, deadline = 0;
	const struct opt opts[] = {
		O_NUM('w', &wait_ms, INT32_MAX),
		O_NUM('n', &count, UINT64_MAX),
		{ 0 }
	};
	struct sigaction sa = { .sa_handler = on_signal };	/* no SA_RESTART */
	static uint8_t buf[65536];
	int fd, one = 1;

	parse_opts(argc, argv, opts, 0, usage);
	setvbuf(stdout, NULL, _IOLBF, 0);

	fd = socket(AF_INET6, SOCK_RAW, IPPROTO_MH);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)))
		die("IPV6_RECVPKTINFO: %s", strerror(errno));

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (wait_ms)
		deadline = now_ms() + wait_ms;

	while (!stop && (!count || received < count)) {
		char ctrl[CMSG_SPACE(sizeof(struct in6_pktinfo)) + 64];
		char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
		struct sockaddr_in6 from = { 0 };
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		struct msghdr msg = {
			.msg_name = &from, .msg_namelen = sizeof(from),
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = ctrl, .msg_controllen = sizeof(ctrl),
		};
		struct in6_addr to = IN6ADDR_ANY_INIT;
		struct cmsghdr *cm;
		int timeout = -1;
		ssize_t n;

		if (deadline) {
			uint64_t now = now_ms();

			if (now >= deadline)
				break;
			timeout = deadline - now;
		}
		/* A message with a bad checksum is dropped in recvmsg(). */
		n = poll_recvmsg(fd, &msg, timeout);
		if (n == -ETIMEDOUT)
			break;
		if (n < 6)
			continue;
		for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
			if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_PKTINFO) {
				struct in6_pktinfo pi;

				memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
				to = pi.ipi6_addr;
			}
		}
		inet_ntop(AF_INET6, &from.sin6_addr, s, sizeof(s));
		inet_ntop(AF_INET6, &to, d, sizeof(d));
		printf("type %u src %s dst %s tag %" PRIu64 "\n", buf[2], s, d, mh_tag(buf, n));
		received++;
		if (wait_ms)
			deadline = now_ms() + wait_ms;
	}
	printf("received %" PRIu64 "\n", received);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	return run_subcmd(argc, argv, usage, "send", cmd_send, "recv", cmd_recv,
			  NULL);
}
