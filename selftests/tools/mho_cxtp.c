// SPDX-License-Identifier: GPL-2.0
/*
 * mho_cxtp - send one Context Transfer Protocol message (RFC 4067) to an
 * access router's mhod over SCTP, and decode its answer with mhod's own
 * parser (tools/mhod/cxtp.c), for the selftests that check what an AR
 * refuses.
 *
 *   mho_cxtp -s SRC -d DST -m MN [-t pctd|ctdr|ctreq|ctar] [-a AR]
 *            [-k KEYFILE] [-q SEQ] [-w WAIT_MS]
 *   mho_cxtp -h
 *
 * From SRC (any port) to DST, port 5091, one unordered message on an
 * SCTP association of its own:
 *
 *   pctd   (the default) a predictive context transfer data message for
 *          the MN whose previous address is MN: A set, a 20-octet key,
 *          one mho context block (FPT 0xff02) of 16 octets that are no
 *          context
 *   ctdr   a context transfer data reply for MN, S set
 *   ctreq  a context transfer request for MN, Seq SEQ (default 1), no
 *          request blocks, its token that of the key in KEYFILE (hex,
 *          as mhod reads a [Key] File), or 0xdeadbeef without -k
 *
 * or, ctar, from SRC to DST over ICMPv6 150 (Hop Limit 255): the MN's
 * context transfer activate request naming the router AR (default ::),
 * A set, its Seq and token as ctreq's.
 *
 *   mho_cxtp -r PCAP [-k KEYFILE]
 *
 * Decodes, with mhod's parser, each CXTP message over ICMPv6 150 in a
 * capture (mho_cap -c: LINKTYPE_RAW; or Ethernet; IPv6 without extension
 * headers), a
 * line each: "SRC > DST TYPE flag 0|1 prev ADDR", then for a CTAR
 * " ar ADDR seq 0xSEQ token ok|bad|-" (checked with the key, "-"
 * without one), for a CTAA its " status FPT:STATUS" entries; or
 * "malformed (ERROR)". Exit status 0 once the file was read.
 *
 * Then waits up to WAIT_MS (default 3000) for a message back and prints
 * it, decoded: "answer TYPE flag 0|1 prev ADDR[ status FPT:STATUS]...",
 * or "no answer". Exit status: 0 once the message was sent, 1 on a usage
 * or system error, 2 when the answer does not parse (it is printed in
 * hex).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "common.h"
#include "wire.h"

static uint32_t seq = 1;
static uint8_t tok_key[MHOD_CXTP_KEY_MAX];
static size_t tok_key_len;
static struct in6_addr ar;

static const char *const type_names[] = {
	[MHOD_CXTP_CTAR] = "ctar", [MHOD_CXTP_CTAA] = "ctaa",
	[MHOD_CXTP_CTD] = "ctd", [MHOD_CXTP_PCTD] = "pctd",
	[MHOD_CXTP_CTDR] = "ctdr", [MHOD_CXTP_CTC] = "ctc",
	[MHOD_CXTP_CTREQ] = "ct-req",
};

static void usage(FILE *f)
{
	fprintf(f, "usage: mho_cxtp -s SRC -d DST -m MN [-t pctd|ctdr|ctreq|ctar] [-a AR] [-k KEYFILE] [-q SEQ] [-w WAIT_MS]\n"
		   "       mho_cxtp -r PCAP [-k KEYFILE]\n");
}

/* A key file: hex digits, and nothing but white space after them. */
static int read_key(const char *path)
{
	char line[2 * MHOD_CXTP_KEY_MAX + 2];
	unsigned int v;
	size_t i;
	FILE *f = fopen(path, "r");

	if (!f || !fgets(line, sizeof(line), f)) {
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	for (i = 0; i < sizeof(tok_key) &&
	     sscanf(line + 2 * i, "%2x", &v) == 1; i++)
		tok_key[i] = (uint8_t)v;
	tok_key_len = i;
	return tok_key_len ? 0 : -1;
}

static int build(const char *type, const struct in6_addr *mn, uint8_t *buf,
		 size_t cap, size_t *len)
{
	static const uint8_t key[20] = { 0x6d, 0x68, 0x6f };
	static uint8_t junk[16] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static uint8_t work[64];
	struct mhod_cxtp m;
	enum mhod_err err;

	memset(&m, 0, sizeof(m));
	m.prev_ip = *mn;
	m.flag = true;
	if (!strcmp(type, "pctd")) {
		m.type = MHOD_CXTP_PCTD;
		m.has_key = true;
		m.alg = MHOD_CXTP_ALG_HMAC_SHA1;
		m.key_len = sizeof(key);
		m.key = key;
		err = mhod_ctx_cdbs_put(&m, junk, sizeof(junk), work,
					sizeof(work));
		if (err)
			return -1;
	} else if (!strcmp(type, "ctdr")) {
		m.type = MHOD_CXTP_CTDR;
	} else if (!strcmp(type, "ctreq") || !strcmp(type, "ctar")) {
		static const uint8_t bad[4] = { 0xde, 0xad, 0xbe, 0xef };

		m.type = type[2] == 'r' ? MHOD_CXTP_CTREQ : MHOD_CXTP_CTAR;
		m.flag = m.type == MHOD_CXTP_CTAR;
		m.ar = ar;
		m.seq = seq;
		memcpy(m.token, bad, sizeof(bad));
		if (tok_key_len && !mhod_cxtp_token(tok_key, tok_key_len, mn,
						    seq, NULL, 0, m.token))
			return -1;
	} else {
		return -1;
	}
	err = mhod_cxtp_build(&m, buf, cap, len);
	if (err) {
		fprintf(stderr, "mho_cxtp: build: %s\n", mhod_strerror(err));
		return -1;
	}
	return 0;
}

static int print_answer(const uint8_t *buf, size_t len)
{
	struct mhod_pkt_info pi = { 0 };
	char a[INET6_ADDRSTRLEN];
	struct mhod_cxtp m;
	enum mhod_err err;
	size_t i;

	pi.hop_limit = -1;
	err = mhod_cxtp_parse(&m, buf, len, &pi, NULL);
	if (err) {
		printf("malformed answer (%s):", mhod_err_name(err));
		for (i = 0; i < len; i++)
			printf(" %02x", buf[i]);
		printf("\n");
		return 2;
	}
	inet_ntop(AF_INET6, &m.prev_ip, a, sizeof(a));
	printf("answer %s flag %d prev %s", type_names[m.type], m.flag, a);
	for (i = 0; i < m.nstatus; i++)
		printf(" status 0x%04x:%u", m.status[i].fpt, m.status[i].status);
	printf("\n");
	return 0;
}

/*
 * The CXTP message at buf + 8 in an ICMPv6 150 message, subtype 1 (the
 * kernel sums it); the answer, if one of that type comes.
 */
static int send_icmp(struct sockaddr_in6 *src, struct sockaddr_in6 *dst,
		     uint8_t *buf, size_t len, int wait_ms)
{
	int fd, hops = 255;
	struct pollfd pfd;
	ssize_t n;

	memset(buf, 0, 8);
	buf[0] = MHOD_ICMP_EXP_MOBILITY;
	buf[4] = MHOD_EXP_CXTP;
	dst->sin6_port = 0;
	fd = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
	if (fd < 0 || bind(fd, (struct sockaddr *)src, sizeof(*src)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops,
		       sizeof(hops)) < 0) {
		perror("mho_cxtp: ICMPv6 socket");
		return 1;
	}
	if (sendto(fd, buf, len + 8, 0, (struct sockaddr *)dst,
		   sizeof(*dst)) != (ssize_t)(len + 8)) {
		perror("mho_cxtp: sendto");
		return 1;
	}
	for (;;) {
		pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
		if (poll(&pfd, 1, wait_ms) <= 0) {
			printf("no answer\n");
			return 0;
		}
		n = recv(fd, buf, MHOD_MSG_MAX, 0);
		if (n < 0) {
			perror("mho_cxtp: recv");
			return 1;
		}
		if (n > 8 && buf[0] == MHOD_ICMP_EXP_MOBILITY)
			return print_answer(buf + 8, (size_t)n - 8);
	}
}

static uint32_t get_u32(const uint8_t *p, bool swap)
{
	uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
		     (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;

	return swap ? __builtin_bswap32(v) : v;
}

static void print_cxtp(const uint8_t *ip, size_t len)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], a[INET6_ADDRSTRLEN];
	struct mhod_pkt_info pi = { .hop_limit = -1 };
	const uint8_t *cdbs;
	uint8_t token[4];
	struct mhod_cxtp m;
	enum mhod_err err;
	size_t n, i;

	if (len < 48 || (ip[0] >> 4) != 6 || ip[6] != 58 || ip[40] != 150)
		return;
	inet_ntop(AF_INET6, ip + 8, src, sizeof(src));
	inet_ntop(AF_INET6, ip + 24, dst, sizeof(dst));
	printf("%s > %s ", src, dst);
	err = ip[44] == MHOD_EXP_CXTP ? mhod_cxtp_parse(&m, ip + 48, len - 48,
							&pi, NULL) :
					 MHOD_E_ICMP_SUBTYPE;
	if (err) {
		printf("malformed (%s)\n", mhod_err_name(err));
		return;
	}
	inet_ntop(AF_INET6, &m.prev_ip, a, sizeof(a));
	printf("%s flag %d prev %s", type_names[m.type], m.flag, a);
	if (m.type == MHOD_CXTP_CTAR) {
		inet_ntop(AF_INET6, &m.ar, a, sizeof(a));
		mhod_cxtp_req_span(&m, &cdbs, &n);
		printf(" ar %s seq 0x%08x token %s", a, m.seq,
		       !tok_key_len ? "-" :
		       mhod_cxtp_token(tok_key, tok_key_len, &m.prev_ip, m.seq,
				       cdbs, n, token) &&
		       !memcmp(token, m.token, 4) ? "ok" : "bad");
	}
	for (i = 0; i < m.nstatus; i++)
		printf(" status 0x%04x:%u", m.status[i].fpt, m.status[i].status);
	printf("\n");
}

/* A pcap file (either byte order, micro- or nanoseconds). */
static int read_pcap(const char *path)
{
	static uint8_t rec[65536];
	uint8_t hdr[24];
	uint32_t magic, caplen;
	bool swap, eth;
	FILE *f = fopen(path, "r");

	if (!f || fread(hdr, 1, sizeof(hdr), f) != sizeof(hdr)) {
		fprintf(stderr, "mho_cxtp: %s: not a pcap file\n", path);
		return 1;
	}
	magic = get_u32(hdr, false);
	swap = magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1;
	if (!swap && magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
		fprintf(stderr, "mho_cxtp: %s: not a pcap file\n", path);
		return 1;
	}
	/* LINKTYPE_RAW (101) as mho_cap writes; Ethernet (1), IPv6 in it. */
	eth = get_u32(hdr + 20, swap) == 1;
	while (fread(hdr, 1, 16, f) == 16) {
		caplen = get_u32(hdr + 8, swap);
		if (caplen > sizeof(rec) || fread(rec, 1, caplen, f) != caplen)
			break;
		if (!eth)
			print_cxtp(rec, caplen);
		else if (caplen > 14 && rec[12] == 0x86 && rec[13] == 0xdd)
			print_cxtp(rec + 14, caplen - 14);
	}
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in6 src = { .sin6_family = AF_INET6 };
	struct sockaddr_in6 dst = { .sin6_family = AF_INET6,
				    .sin6_port = htons(MHOD_CXTP_PORT) };
	uint64_t cbuf[MHOD_CXTP_CMSG_SPACE / 8];
	const char *type = "pctd";
	struct in6_addr mn = IN6ADDR_ANY_INIT;
	uint8_t buf[MHOD_MSG_MAX];
	struct iovec iov;
	struct msghdr mh;
	struct pollfd pfd;
	int opt, fd, wait_ms = 3000, have = 0;
	const char *pcap = NULL;
	size_t len;
	ssize_t n;

	while ((opt = getopt(argc, argv, "s:d:m:t:w:a:k:q:r:h")) != -1) {
		switch (opt) {
		case 'r':
			pcap = optarg;
			break;
		case 'a':
			if (inet_pton(AF_INET6, optarg, &ar) != 1) {
				usage(stderr);
				return 1;
			}
			break;
		case 'k':
			if (read_key(optarg) < 0) {
				fprintf(stderr, "mho_cxtp: no key in %s\n", optarg);
				return 1;
			}
			break;
		case 'q':
			seq = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 's':
			have |= (inet_pton(AF_INET6, optarg, &src.sin6_addr) == 1);
			break;
		case 'd':
			have |= (inet_pton(AF_INET6, optarg, &dst.sin6_addr) == 1) << 1;
			break;
		case 'm':
			have |= (inet_pton(AF_INET6, optarg, &mn) == 1) << 2;
			break;
		case 't':
			type = optarg;
			break;
		case 'w':
			wait_ms = atoi(optarg);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (pcap)
		return read_pcap(pcap);
	if (have != 7 || build(type, &mn, buf + 8, sizeof(buf) - 8, &len) < 0) {
		usage(stderr);
		return 1;
	}
	if (!strcmp(type, "ctar"))
		return send_icmp(&src, &dst, buf, len, wait_ms);
	memmove(buf, buf + 8, len);
	fd = socket(AF_INET6, SOCK_SEQPACKET, IPPROTO_SCTP);
	if (fd < 0 || bind(fd, (struct sockaddr *)&src, sizeof(src)) < 0) {
		perror("mho_cxtp: socket");
		return 1;
	}
	iov = (struct iovec){ .iov_base = buf, .iov_len = len };
	mh = (struct msghdr){ .msg_name = &dst, .msg_namelen = sizeof(dst),
			      .msg_iov = &iov, .msg_iovlen = 1 };
	mhod_cxtp_sctp_cmsg(&mh, cbuf);
	if (sendmsg(fd, &mh, 0) != (ssize_t)len) {
		perror("mho_cxtp: sendmsg");
		return 1;
	}
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	if (poll(&pfd, 1, wait_ms) <= 0) {
		printf("no answer\n");
		return 0;
	}
	n = recv(fd, buf, sizeof(buf), 0);
	if (n < 0) {
		perror("mho_cxtp: recv");
		return 1;
	}
	return print_answer(buf, (size_t)n);
}
