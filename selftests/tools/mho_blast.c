// SPDX-License-Identifier: GPL-2.0
/*
 * mho_blast - send UDP datagrams as fast as one CPU can, for make bench.
 *
 *   mho_blast -d DST [-p PORT] -n COUNT [-s PAYLOAD_BYTES] [-D SPREAD]
 *   mho_blast -h
 *
 * COUNT datagrams of PAYLOAD_BYTES (default 64) to DST, port PORT (9909),
 * in batches of 64 with sendmmsg(). With -D SPREAD, the destination's
 * last 32 bits take SPREAD consecutive values in turn, starting with
 * DST's: packets spread over that many addresses (bindings, say).
 *
 * Prints "sent N ns T": how many were sent, and the CLOCK_MONOTONIC
 * nanoseconds from the first send to the return of the last. On a veth
 * path, a packet's whole journey through the namespaces is run from its
 * send (softirq on the sending CPU), so T measures what the path costs;
 * the receiving end should drop the packets cheaply (a route to a dummy
 * device). ENOBUFS from a full queue is retried, so every one is sent.
 *
 * Exit status: 0 when all were sent, 1 on a usage or socket error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

#define BATCH		64
#define MAX_PAYLOAD	1452	/* a 1500-byte IPv6 packet */

static void usage(FILE *f)
{
	fprintf(f, "usage: mho_blast -d DST [-p PORT] -n COUNT [-s PAYLOAD_BYTES] [-D SPREAD]\n"
		"       mho_blast -h\n");
}

const char prog[] = "mho_blast";

int main(int argc, char **argv)
{
	static char payload[MAX_PAYLOAD];
	struct sockaddr_in6 dst[BATCH];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	uint64_t count = 0, size = 64, spread = 1, port = 9909;
	const char *daddr = NULL;
	const struct opt opts[] = {
		O_STR('d', &daddr, .required = true),
		O_NUM('p', &port, 65535),
		O_NUM('n', &count, 1000000000ul, .required = true),
		O_NUM('s', &size, MAX_PAYLOAD),
		O_NUM('D', &spread, 1ul << 31),
		{ 0 }
	};
	uint64_t sent = 0, i;
	uint32_t base;
	uint64_t t0, t1;
	int fd;

	parse_opts(argc, argv, opts, 10, usage);
	if (!count || !spread) {
		usage(stderr);
		return 1;
	}
	memset(dst, 0, sizeof(dst));
	parse_in6(daddr, &dst[0].sin6_addr);
	dst[0].sin6_family = AF_INET6;
	dst[0].sin6_port = htons(port);
	memcpy(&base, &dst[0].sin6_addr.s6_addr[12], sizeof(base));
	base = ntohl(base);

	fd = socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
	if (fd < 0) {
		perror("mho_blast: socket");
		return 1;
	}
	memset(payload, 'b', sizeof(payload));

	t0 = clock_ns(CLOCK_MONOTONIC);
	while (sent < count) {
		uint64_t n = count - sent < BATCH ? count - sent : BATCH;
		int r;

		for (i = 0; i < n; i++) {
			uint32_t last = htonl(base + (uint32_t)((sent + i) % spread));

			dst[i] = dst[0];
			memcpy(&dst[i].sin6_addr.s6_addr[12], &last, sizeof(last));
			iov[i].iov_base = payload;
			iov[i].iov_len = size;
			memset(&msgs[i], 0, sizeof(msgs[i]));
			msgs[i].msg_hdr.msg_name = &dst[i];
			msgs[i].msg_hdr.msg_namelen = sizeof(dst[i]);
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
		}
		r = sendmmsg(fd, msgs, n, 0);
		if (r < 0 && (errno == ENOBUFS || errno == EAGAIN || errno == EINTR))
			continue;
		if (r < 0) {
			perror("mho_blast: sendmmsg");
			return 1;
		}
		sent += r;
	}
	t1 = clock_ns(CLOCK_MONOTONIC);
	printf("sent %" PRIu64 " ns %" PRIu64 "\n", sent, t1 - t0);
	close(fd);
	return 0;
}
