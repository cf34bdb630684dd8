// SPDX-License-Identifier: GPL-2.0
/*
 * What the selftest helpers share; see common.h.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <net/if.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

int die_status = 1;

void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(die_status);
}

/* ---- the command line ------------------------------------------------- */

uint64_t parse_num(const char *what, const char *s, uint64_t max, int base)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || end == s || *end || *s == '-' || v > max)
		die("%s: expected a number from 0 to %" PRIu64 ", got \"%s\"",
		    what, max, s);
	return v;
}

void parse_in6(const char *s, struct in6_addr *a)
{
	if (inet_pton(AF_INET6, s, a) != 1)
		die("not a numeric IPv6 address: %s", s);
}

socklen_t parse_sockaddr(const char *addr, const char *port,
			 struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	uint16_t p = parse_num("-p", port, UINT16_MAX, 10);
	char host[INET6_ADDRSTRLEN + IF_NAMESIZE + 1], *zone;

	memset(ss, 0, sizeof(*ss));
	if (!addr) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(p);
		sin6->sin6_addr = in6addr_any;
		return sizeof(*sin6);
	}
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(p);
		return sizeof(*sin);
	}
	if (strlen(addr) >= sizeof(host))
		die("\"%s\": not a numeric IPv6 or IPv4 address", addr);
	strcpy(host, addr);
	zone = strchr(host, '%');
	if (zone)
		*zone++ = '\0';
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1)
		die("\"%s\": not a numeric IPv6 or IPv4 address", addr);
	if (zone) {
		sin6->sin6_scope_id = if_nametoindex(zone);
		if (!sin6->sin6_scope_id)
			die("%s: no such interface", zone);
	}
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(p);
	return sizeof(*sin6);
}

#define OPTS_MAX 32

static void usage_exit(void (*usage)(FILE *f))
{
	usage(stderr);
	exit(die_status);
}

static void opt_set(const struct opt *o, const char *arg, int base)
{
	char what[32];

	if (o->given)
		*o->given = true;
	switch (o->kind) {
	case OPT_STR:
		*(const char **)o->dst = arg;
		break;
	case OPT_NUM:
		if (o->lname)
			snprintf(what, sizeof(what), "--%s", o->lname);
		else
			snprintf(what, sizeof(what), "-%c", o->name);
		*(uint64_t *)o->dst = parse_num(what, arg, o->max, base);
		break;
	case OPT_FLAG:
		*(bool *)o->dst = true;
		break;
	case OPT_FN:
		o->fn(arg, o->dst);
		break;
	}
}

void parse_opts(int argc, char **argv, const struct opt *opts, int base,
		void (*usage)(FILE *f))
{
	struct option lo[OPTS_MAX + 1] = { { NULL, 0, NULL, 0 } };
	bool seen[OPTS_MAX] = { false };
	char short_opts[2 * OPTS_MAX + 2] = "", *p = short_opts;
	int i, c, n, nl = 0;

	for (n = 0; opts[n].name; n++) {
		int has_arg = opts[n].kind == OPT_FLAG ? no_argument :
			      required_argument;

		if (n == OPTS_MAX)
			die("too many options");
		if (opts[n].lname) {
			lo[nl++] = (struct option){ opts[n].lname, has_arg,
						    NULL, opts[n].name };
			continue;
		}
		*p++ = opts[n].name;
		if (has_arg == required_argument)
			*p++ = ':';
	}
	*p++ = 'h';
	*p = '\0';
	while ((c = getopt_long(argc, argv, short_opts, lo, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			exit(0);
		}
		for (i = 0; i < n && opts[i].name != c; i++)
			;
		if (i == n)
			usage_exit(usage);
		seen[i] = true;
		opt_set(&opts[i], optarg, base);
	}
	if (optind != argc)
		usage_exit(usage);
	for (i = 0; i < n; i++)
		if (opts[i].required && !seen[i])
			usage_exit(usage);
}

int run_subcmd(int argc, char **argv, void (*usage)(FILE *f), ...)
{
	int (*fn)(int argc, char **argv) = NULL;
	const char *name;
	va_list ap;

	va_start(ap, usage);
	while ((name = va_arg(ap, const char *))) {
		fn = va_arg(ap, int (*)(int, char **));
		if (argc >= 2 && !strcmp(argv[1], name))
			break;
	}
	va_end(ap);
	if (name)
		return fn(argc - 1, argv + 1);
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return 1;
}

/* ---- clocks ---------------------------------------------------------------- */

uint64_t clock_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* ---- IPv6 packets ---------------------------------------------------------- */

void ip6_header(struct ip6 *h, const struct in6_addr *src,
		const struct in6_addr *dst, uint8_t nexthdr, uint8_t hlim,
		size_t plen)
{
	h->vtcfl = htonl(6u << 28);
	h->plen = htons(plen);
	h->nexthdr = nexthdr;
	h->hlim = hlim;
	h->src = *src;
	h->dst = *dst;
}

uint16_t csum_ipv6(const struct in6_addr *src, const struct in6_addr *dst,
		   uint8_t proto, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i < 16; i += 2)
		sum += (src->s6_addr[i] << 8 | src->s6_addr[i + 1]) +
		       (dst->s6_addr[i] << 8 | dst->s6_addr[i + 1]);
	sum += len + proto;
	for (i = 0; i + 1 < len; i += 2)
		sum += p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);
}

int send_raw6(const struct in6_addr *dst, uint64_t count, void *pkt,
	      size_t (*build)(void *pkt, uint64_t i, void *arg), void *arg)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_addr = *dst };
	uint64_t i;
	size_t len;
	int fd;

	fd = socket(AF_INET6, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	for (i = 0; i < count; i++) {
		len = build(pkt, i, arg);
		if (sendto(fd, pkt, len, 0, (struct sockaddr *)&sin6,
			   sizeof(sin6)) != (ssize_t)len) {
			fprintf(stderr, "%s: sendto: %s\n", prog, strerror(errno));
			printf("sent %" PRIu64 "\n", i);
			close(fd);
			return 1;
		}
	}
	printf("sent %" PRIu64 "\n", count);
	close(fd);
	return 0;
}

ssize_t poll_recvmsg(int fd, struct msghdr *msg, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;

	n = poll(&pfd, 1, timeout_ms);
	if (n < 0 && errno == EINTR)
		return -1;
	if (n < 0)
		die("poll: %s", strerror(errno));
	if (n == 0)
		return -ETIMEDOUT;
	n = recvmsg(fd, msg, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return -1;
	if (n < 0)
		die("recvmsg: %s", strerror(errno));
	return n;
}
