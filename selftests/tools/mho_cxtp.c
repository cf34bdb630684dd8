// SPDX-License-Identifier: GPL-2.0
/*
 * mho_cxtp - send one Context Transfer Protocol message (RFC 4067) to an
 * access router's mhod over SCTP, and decode its answer with mhod's own
 * parser (tools/mhod/cxtp.c), for the selftests that check what an AR
 * refuses.
 *
 *   mho_cxtp -s SRC -d DST -m MN [-t pctd|ctdr] [-w WAIT_MS]
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

static const char *const type_names[] = {
	[MHOD_CXTP_CTAR] = "ctar", [MHOD_CXTP_CTAA] = "ctaa",
	[MHOD_CXTP_CTD] = "ctd", [MHOD_CXTP_PCTD] = "pctd",
	[MHOD_CXTP_CTDR] = "ctdr", [MHOD_CXTP_CTC] = "ctc",
	[MHOD_CXTP_CTREQ] = "ct-req",
};

static void usage(FILE *f)
{
	fprintf(f, "usage: mho_cxtp -s SRC -d DST -m MN [-t pctd|ctdr] [-w WAIT_MS]\n");
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
	size_t len;
	ssize_t n;

	while ((opt = getopt(argc, argv, "s:d:m:t:w:h")) != -1) {
		switch (opt) {
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
	if (have != 7 || build(type, &mn, buf, sizeof(buf), &len) < 0) {
		usage(stderr);
		return 1;
	}
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
