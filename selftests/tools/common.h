/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the selftest helpers share: errors, the command line (options,
 * numbers, addresses), a clock, and IPv6 packets (the header, the
 * upper-layer checksum, receiving with a timeout). Their netlink is
 * tools/lib (mhonl.h).
 */
#ifndef MHO_TOOLS_COMMON_H
#define MHO_TOOLS_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/types.h>

/* ---- errors -------------------------------------------------------------- */

/* Each program defines its name, for messages: "mho_forge". */
extern const char prog[];
/* The exit status of die() and of usage errors: 1 unless a program says. */
extern int die_status;

/* "PROG: MESSAGE" on stderr, then exit(die_status). */
void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...);

/* ---- the command line ------------------------------------------------- */

/*
 * A number from 0 to @max in @base (0: C's 0x and 0 prefixes, or 10), or
 * die: "-n: expected a number from 0 to 1000, got "x"" (@what is "-n").
 */
uint64_t parse_num(const char *what, const char *s, uint64_t max, int base);
/* A numeric IPv6 address, or die. */
void parse_in6(const char *s, struct in6_addr *a);
/*
 * A numeric IPv6 address (with an optional "%IFNAME" zone) or IPv4
 * address, and a decimal port, as a socket address; NULL is any address,
 * IPv6 that also takes IPv4 (the socket is not v6only). Not
 * getaddrinfo(): that needs glibc's shared NSS modules, and the helpers
 * are linked statically.
 */
socklen_t parse_sockaddr(const char *addr, const char *port,
			 struct sockaddr_storage *ss);

enum opt_kind {
	OPT_STR,	/* dst: const char * */
	OPT_NUM,	/* dst: uint64_t, 0 to max */
	OPT_FLAG,	/* dst: bool, set */
	OPT_FN,		/* fn(arg, dst) */
};

struct opt {
	int name;		/* the letter, or a code for a long one */
	enum opt_kind kind;
	void *dst;
	uint64_t max;		/* OPT_NUM */
	const char *lname;	/* a long option (--lname): not -name */
	bool required;
	bool *given;		/* set when the option is given */
	void (*fn)(const char *arg, void *dst);
};

/* Table entries (more members may follow: .required = true, ...). */
#define O_STR(c, p, ...)	{ .name = (c), .kind = OPT_STR, .dst = (p), __VA_ARGS__ }
#define O_NUM(c, p, m, ...)	{ .name = (c), .kind = OPT_NUM, .dst = (p),	\
				  .max = (m), __VA_ARGS__ }
#define O_FLAG(c, p, ...)	{ .name = (c), .kind = OPT_FLAG, .dst = (p), __VA_ARGS__ }
#define O_FN(c, f, p, ...)	{ .name = (c), .kind = OPT_FN, .fn = (f),	\
				  .dst = (p), __VA_ARGS__ }

/*
 * Parse the options of argv[1..] by @opts (ended by { 0 }), with numbers
 * in @base. -h prints usage(stdout) and exits 0; an unknown option, a
 * missing argument or a required option, or words left over print
 * usage(stderr) and exit with die_status.
 */
void parse_opts(int argc, char **argv, const struct opt *opts, int base,
		void (*usage)(FILE *f));

/*
 * Run the command argv[1] names: the arguments after @usage are pairs of
 * a name and its int (*)(int argc, char **argv), which gets argv[1..],
 * then NULL. -h or --help prints usage(stdout) and returns 0; anything
 * else prints usage(stderr) and returns 1.
 */
int run_subcmd(int argc, char **argv, void (*usage)(FILE *f), ...);

/* ---- clocks ---------------------------------------------------------------- */

uint64_t clock_ns(clockid_t clk);

/* ---- IPv6 packets ---------------------------------------------------------- */

struct ip6 {
	uint32_t vtcfl;		/* version 6, traffic class, flow label */
	uint16_t plen;
	uint8_t nexthdr;
	uint8_t hlim;
	struct in6_addr src;
	struct in6_addr dst;
};

_Static_assert(sizeof(struct ip6) == 40, "IPv6 header");

/* The fragment header (RFC 8200 4.5), next header 44. */
struct frag {
	uint8_t nexthdr;
	uint8_t reserved;
	uint16_t off;		/* offset in 8-octet units << 3 | M */
	uint32_t id;
};

_Static_assert(sizeof(struct frag) == 8, "fragment header");

/* An IPv6 header from @src to @dst, payload length @plen. */
void ip6_header(struct ip6 *h, const struct in6_addr *src,
		const struct in6_addr *dst, uint8_t nexthdr, uint8_t hlim,
		size_t plen);

/*
 * The upper-layer checksum (RFC 8200 8.1) of @len bytes at @data, next
 * header @proto, pseudo-header from @src to @dst: the field's value, in
 * network byte order (UDP sends 0 as 0xffff).
 */
uint16_t csum_ipv6(const struct in6_addr *src, const struct in6_addr *dst,
		   uint8_t proto, const void *data, size_t len);

/*
 * Send @count packets through a raw IPv6 socket (IPPROTO_RAW, which on
 * Linux implies IPV6_HDRINCL: the kernel sends the header as written,
 * whatever its source address, and routes by @dst). @build writes packet
 * @i into @pkt and returns its length. Prints "sent N"; returns 0 when
 * every one was sent, else 1.
 */
int send_raw6(const struct in6_addr *dst, uint64_t count, void *pkt,
	      size_t (*build)(void *pkt, uint64_t i, void *arg), void *arg);

/*
 * Wait up to @timeout_ms (-1: no limit) for a datagram on @fd, then read
 * it into @msg without blocking. Returns its length, -ETIMEDOUT when the
 * time ran out, -1 when interrupted or when it went away (a raw socket
 * drops a message with a bad checksum in recvmsg()): try again. Dies on
 * any other error.
 */
ssize_t poll_recvmsg(int fd, struct msghdr *msg, int timeout_ms);

#endif /* MHO_TOOLS_COMMON_H */
