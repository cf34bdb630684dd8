// SPDX-License-Identifier: GPL-2.0
/*
 * mho_bulk - bulk TCP transfers across a handoff: what users send. One or
 * more flows, each a stream of BYTES whose every byte is a function of
 * its flow and offset, so that the receiver checks that what arrived is
 * exactly what was sent.
 *
 *   mho_bulk send -d ADDR [-p PORT] -b BYTES [-P FLOWS] [-T TIMEOUT_MS]
 *   mho_bulk recv [-p PORT] -b BYTES [-P FLOWS] [-T TIMEOUT_MS]
 *   mho_bulk -h
 *
 * send: opens FLOWS connections to ADDR (each announces its flow number
 * in its first 4 bytes), writes BYTES on each, shuts down its write side
 * and waits for the receiver to close: the transfer is complete when
 * every byte has been read by the receiver. Prints one line:
 *
 *   flows F bytes N ms T
 *
 * N: bytes written over all flows, T: from the first connect() to the
 * last close seen, in ms (CLOCK_MONOTONIC).
 *
 * recv: accepts FLOWS connections, reads each to its end and compares
 * every byte with what the sender wrote. Prints one line:
 *
 *   flows F bytes N bad N short N ms T
 *
 * N: bytes received; bad: bytes that differ from what was sent; short:
 * flows that ended before BYTES; T: first byte to last, in ms.
 *
 * Both exit 0 if the transfer completed (recv: and nothing was bad or
 * short), 1 if not (the line is printed anyway), 2 on a usage or setup
 * error. TIMEOUT_MS (default 60000) bounds the whole transfer.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_FLOWS	16
#define CHUNK		65536

struct flow {
	int fd;
	uint32_t id;
	uint64_t done;		/* payload bytes written or read */
	unsigned int hdr;	/* recv: bytes of the flow number read */
	uint8_t hdrbuf[4];
	int state;		/* 0 open, 1 write side shut, 2 closed */
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mho_bulk send -d ADDR [-p PORT] -b BYTES [-P FLOWS] [-T TIMEOUT_MS]\n"
		"       mho_bulk recv [-p PORT] -b BYTES [-P FLOWS] [-T TIMEOUT_MS]\n");
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The byte at @off of flow @id. */
static uint8_t pattern(uint32_t id, uint64_t off)
{
	uint32_t w = (uint32_t)(off / 4) * 2654435761u ^ (id * 0x9e3779b9u);

	return w >> (off % 4 * 8);
}

static int num(const char *s, unsigned long long max, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || !*s || *end || *v > max ? -1 : 0;
}

static void nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static int do_send(const struct in6_addr *dst, int port, uint64_t bytes,
		   int nflows, int timeout)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6,
				   .sin6_port = htons(port), .sin6_addr = *dst };
	struct flow fl[MAX_FLOWS] = {};
	struct pollfd pfd[MAX_FLOWS];
	uint8_t buf[CHUNK];
	uint64_t t0, deadline, total = 0;
	int i, left = nflows;

	t0 = now_ms();
	deadline = t0 + timeout;
	for (i = 0; i < nflows; i++) {
		uint32_t id = htonl(i);

		fl[i].id = i;
		fl[i].fd = socket(AF_INET6, SOCK_STREAM, 0);
		if (fl[i].fd < 0 ||
		    connect(fl[i].fd, (struct sockaddr *)&sa, sizeof(sa)) ||
		    write(fl[i].fd, &id, 4) != 4) {
			perror("mho_bulk: connect");
			return 2;
		}
		nonblock(fl[i].fd);
	}
	while (left) {
		uint64_t t = now_ms();
		int n = 0;

		if (t >= deadline)
			break;
		for (i = 0; i < nflows; i++) {
			if (fl[i].state == 2)
				continue;
			pfd[n].fd = fl[i].fd;
			pfd[n].events = fl[i].state ? POLLIN : POLLOUT;
			n++;
		}
		if (poll(pfd, n, deadline - t) < 0 && errno != EINTR) {
			perror("mho_bulk: poll");
			return 2;
		}
		for (i = 0; i < nflows; i++) {
			struct flow *f = &fl[i];
			ssize_t r;
			size_t k, want;

			if (f->state == 2)
				continue;
			if (f->state == 1) {
				r = read(f->fd, buf, sizeof(buf));
				if (r == 0 || (r < 0 && errno != EAGAIN)) {
					close(f->fd);
					f->state = 2;
					left--;
				}
				continue;
			}
			want = bytes - f->done < CHUNK ? bytes - f->done : CHUNK;
			for (k = 0; k < want; k++)
				buf[k] = pattern(f->id, f->done + k);
			r = want ? write(f->fd, buf, want) : 0;
			if (r < 0 && errno != EAGAIN) {
				perror("mho_bulk: write");
				return 2;
			}
			if (r > 0) {
				f->done += r;
				total += r;
			}
			if (f->done == bytes) {
				shutdown(f->fd, SHUT_WR);
				f->state = 1;
			}
		}
	}
	printf("flows %d bytes %llu ms %llu\n", nflows,
	       (unsigned long long)total, (unsigned long long)(now_ms() - t0));
	return left ? 1 : 0;
}

static int do_recv(int port, uint64_t bytes, int nflows, int timeout)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6,
				   .sin6_port = htons(port) };
	struct flow fl[MAX_FLOWS] = {};
	struct pollfd pfd[MAX_FLOWS + 1];
	uint8_t buf[CHUNK];
	uint64_t first = 0, last = 0, deadline, total = 0, bad = 0;
	int i, one = 1, lfd, accepted = 0, left = nflows, shortf = 0;

	lfd = socket(AF_INET6, SOCK_STREAM, 0);
	if (lfd < 0 ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 16)) {
		perror("mho_bulk: listen");
		return 2;
	}
	deadline = now_ms() + timeout;
	while (left) {
		uint64_t t = now_ms();
		int n = 0;

		if (t >= deadline)
			break;
		if (accepted < nflows) {
			pfd[n].fd = lfd;
			pfd[n++].events = POLLIN;
		}
		for (i = 0; i < accepted; i++) {
			if (fl[i].state == 2)
				continue;
			pfd[n].fd = fl[i].fd;
			pfd[n++].events = POLLIN;
		}
		if (poll(pfd, n, deadline - t) < 0 && errno != EINTR) {
			perror("mho_bulk: poll");
			return 2;
		}
		if (accepted < nflows) {
			int fd = accept(lfd, NULL, NULL);

			if (fd >= 0) {
				nonblock(fd);
				fl[accepted++].fd = fd;
			}
		}
		for (i = 0; i < accepted; i++) {
			struct flow *f = &fl[i];
			ssize_t r, k = 0;

			if (f->state == 2)
				continue;
			r = read(f->fd, buf, sizeof(buf));
			if (r < 0 && errno == EAGAIN)
				continue;
			if (r <= 0) {
				close(f->fd);
				f->state = 2;
				left--;
				continue;
			}
			last = now_ms();
			if (!first)
				first = last;
			for (; f->hdr < 4 && k < r; k++)
				f->hdrbuf[f->hdr++] = buf[k];
			if (f->hdr == 4 && k)
				f->id = ntohl(*(uint32_t *)f->hdrbuf);
			for (; k < r; k++, f->done++) {
				if (f->done >= bytes ||
				    buf[k] != pattern(f->id, f->done))
					bad++;
			}
			total += r;
		}
	}
	/* Flows never accepted, cut short or still open at the deadline. */
	for (i = 0; i < nflows; i++) {
		if (i < accepted && fl[i].state != 2)
			close(fl[i].fd);
		if (i >= accepted || fl[i].state != 2 || fl[i].done != bytes)
			shortf++;
	}
	printf("flows %d bytes %llu bad %llu short %d ms %llu\n", nflows,
	       (unsigned long long)(total - 4 * accepted),
	       (unsigned long long)bad, shortf,
	       (unsigned long long)(last - first));
	return left || bad || shortf ? 1 : 0;
}

int main(int argc, char **argv)
{
	unsigned long long v, bytes = 0, flows = 1, port = 9910,
			   timeout = 60000;
	struct in6_addr dst;
	const char *mode;
	int opt, have_dst = 0;

	if (argc < 2 || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	mode = argv[1];
	optind = 2;
	while ((opt = getopt(argc, argv, "d:p:b:P:T:h")) != -1) {
		switch (opt) {
		case 'd':
			if (inet_pton(AF_INET6, optarg, &dst) != 1)
				goto bad;
			have_dst = 1;
			break;
		case 'p':
			if (num(optarg, 65535, &port) || !port)
				goto bad;
			break;
		case 'b':
			if (num(optarg, 1ULL << 40, &bytes))
				goto bad;
			break;
		case 'P':
			if (num(optarg, MAX_FLOWS, &flows) || !flows)
				goto bad;
			break;
		case 'T':
			if (num(optarg, 3600000, &v) || !v)
				goto bad;
			timeout = v;
			break;
		default:
			goto bad;
		}
	}
	if (optind != argc || !bytes)
		goto bad;
	if (!strcmp(mode, "send") && have_dst)
		return do_send(&dst, port, bytes, flows, timeout);
	if (!strcmp(mode, "recv") && !have_dst)
		return do_recv(port, bytes, flows, timeout);
bad:
	usage(stderr);
	return 2;
}
