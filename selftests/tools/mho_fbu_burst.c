// SPDX-License-Identifier: GPL-2.0
/*
 * mho_fbu_burst - N mobile nodes hand off at once: each sends its Fast
 * Binding Update (RFC 5568 6.2.3) to the pAR, signed as mhod's MN agent
 * signs it, and waits for its FBack; for make bench (how mhod on the
 * routers copes with a burst) and the selftests (that every one
 * completes).
 *
 *   mho_fbu_burst -n N -p PAR -a PCOA -c NCOA -k KEYFILE -s SPI
 *                 [-t TIMEOUT_MS] [-r RETRIES] [-l LIFETIME] [-R COPIES] [-L]
 *
 * Mobile node i (0 to N-1) sends from PCOA + i (the address's last 32
 * bits count) to PAR, NCoA NCOA + i in an Alternate Care-of Address
 * option, its link-layer address 02:bb:00 and i's low 24 bits in a
 * Mobility Header Link-Layer Address option (the pAR's HI must carry
 * it), Binding Authorization Data with SPI + i, signed with the key in
 * KEYFILE (hex, as mhod's [Key] File; every MN has the same key here, and
 * its own SPI), sequence number i, lifetime LIFETIME s (10). The PCoAs
 * must be addresses of this namespace. All N are sent back to back; an
 * FBU without an answer after TIMEOUT_MS (1000) is sent again, RETRIES
 * times (3), as the MN agent does. -R sends each FBU COPIES times back to
 * back, the same message (a flood, for SignalingRate; 1). -L leaves the
 * Link-Layer Address option out (an MN whose pAR must then know its
 * address from its configuration, or refuse). An FBack counts
 * when it is for one of
 * them (its destination a PCoA, its sequence number that MN's) and its
 * Binding Authorization Data verifies with the key.
 *
 * Prints one line, key=value:
 *
 *   mns=N acked=A refused=R failed=F retransmits=T median_ms=M p90_ms=P
 *   max_ms=X total_ms=Y
 *
 * acked: FBack status < 128; refused: status >= 128; failed: no FBack
 * after every retry. The latencies are from an MN's first FBU to its
 * FBack, over the acked and refused ones; total from the first FBU sent
 * to the last FBack received. Exit status 0 if every MN got an FBack with
 * status < 128, 1 otherwise, 2 on a usage or socket error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "common.h"
#include "wire.h"

const char prog[] = "mho_fbu_burst";

#define MAX_MNS 65536
#define KEY_MAX 64

struct mn {
	uint64_t t_first, t_last, t_ack;	/* ns */
	uint8_t tries, status;
	bool answered;
};

static struct {
	uint64_t n, timeout_ms, retries, lifetime, copies;
	const char *par, *pcoa, *ncoa, *keyfile;
	uint64_t spi;
	struct in6_addr par_a, pcoa_a, ncoa_a;
	uint8_t key[KEY_MAX];
	size_t key_len;
	struct mn *mns;
	int fd;
	uint64_t retransmits;
	bool no_lla;
} b = { .timeout_ms = 1000, .retries = 3, .lifetime = 10, .copies = 1 };

static void usage(FILE *f)
{
	fprintf(f, "usage: %s -n N -p PAR -a PCOA -c NCOA -k KEYFILE -s SPI\n"
		"       [-t TIMEOUT_MS] [-r RETRIES] [-l LIFETIME] [-R COPIES] [-L]\n",
		prog);
}

/* base + i, in the address's last 32 bits. */
static struct in6_addr nth(const struct in6_addr *base, uint32_t i)
{
	struct in6_addr a = *base;
	uint32_t low;

	memcpy(&low, &a.s6_addr[12], 4);
	low = htonl(ntohl(low) + i);
	memcpy(&a.s6_addr[12], &low, 4);
	return a;
}

/* The MN whose PCoA a is, or -1. */
static long mn_of(const struct in6_addr *a)
{
	uint32_t low, base;

	if (memcmp(a, &b.pcoa_a, 12))
		return -1;
	memcpy(&low, &a->s6_addr[12], 4);
	memcpy(&base, &b.pcoa_a.s6_addr[12], 4);
	low = ntohl(low) - ntohl(base);
	return low < b.n ? (long)low : -1;
}

static void read_key(void)
{
	char hex[2 * KEY_MAX + 2];
	ssize_t n;
	size_t i;
	int fd = open(b.keyfile, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die("%s: %s", b.keyfile, strerror(errno));
	n = read(fd, hex, sizeof(hex) - 1);
	close(fd);
	if (n < 0)
		die("%s: %s", b.keyfile, strerror(errno));
	while (n && (hex[n - 1] == '\n' || hex[n - 1] == '\r'))
		n--;
	hex[n] = 0;
	if (n % 2 || n / 2 < 16 || n / 2 > KEY_MAX)
		die("%s: 16 to %d octets in hex expected", b.keyfile, KEY_MAX);
	for (i = 0; i < (size_t)n / 2; i++) {
		unsigned int v;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			die("%s: not hex", b.keyfile);
		b.key[i] = (uint8_t)v;
	}
	b.key_len = (size_t)n / 2;
	explicit_bzero(hex, sizeof(hex));
}

static void send_fbu(uint32_t i)
{
	struct in6_addr src = nth(&b.pcoa_a, i), ncoa = nth(&b.ncoa_a, i);
	struct mhod_pkt_info pi = { .src = src, .dst = b.par_a,
				    .hop_limit = -1 };
	static struct mhod_mh m;
	uint8_t buf[512];
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} cm;
	struct sockaddr_in6 to = { .sin6_family = AF_INET6,
				   .sin6_addr = b.par_a };
	struct iovec iov = { .iov_base = buf };
	struct msghdr msg = { .msg_name = &to, .msg_namelen = sizeof(to),
			      .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cm.buf,
			      .msg_controllen = sizeof(cm.buf) };
	struct in6_pktinfo *ipi;
	struct mhod_mh_opt *o;
	uint64_t c;
	size_t len;

	memset(&m, 0, sizeof(m));
	m.type = MHOD_MH_FBU;
	m.seq = (uint16_t)i;
	m.flags = MHOD_BU_A | MHOD_BU_H;
	m.lifetime = (uint16_t)b.lifetime;
	o = &m.opts[m.nopts++];
	o->type = MHOD_MHO_ALTCOA;
	o->addr = ncoa;
	if (!b.no_lla) {
		o = &m.opts[m.nopts++];
		o->type = MHOD_MHO_LLA;
		o->code = MHOD_LLA_MN;
		o->lla_len = 6;
		o->lla[0] = 0x02;
		o->lla[1] = 0xbb;
		o->lla[3] = (uint8_t)(i >> 16);
		o->lla[4] = (uint8_t)(i >> 8);
		o->lla[5] = (uint8_t)i;
	}
	o = &m.opts[m.nopts++];
	o->type = MHOD_MHO_BADF;
	o->spi = (uint32_t)(b.spi + i);
	o->len = 12;
	if (mhod_mh_build(&m, &pi, buf, sizeof(buf), &len) ||
	    mhod_mh_badf_sign(buf, len, &pi, b.key, b.key_len, &ncoa,
			      &b.par_a))
		die("cannot build the FBU of mobile node %u", i);
	iov.iov_len = len;
	memset(&cm, 0, sizeof(cm));
	cm.h.cmsg_level = IPPROTO_IPV6;
	cm.h.cmsg_type = IPV6_PKTINFO;
	cm.h.cmsg_len = CMSG_LEN(sizeof(*ipi));
	ipi = (struct in6_pktinfo *)CMSG_DATA(&cm.h);
	ipi->ipi6_addr = src;
	/* A full socket buffer: the answers are read, then it is sent again
	 * by the retry timer; anything else is fatal.
	 */
	for (c = 0; c < b.copies; c++)
		if (sendmsg(b.fd, &msg, 0) < 0 && errno != ENOBUFS &&
		    errno != EAGAIN)
			die("send from mobile node %u: %s", i, strerror(errno));
	b.mns[i].t_last = clock_ns(CLOCK_MONOTONIC);
	if (!b.mns[i].tries++)
		b.mns[i].t_first = b.mns[i].t_last;
}

/* One FBack, if it is for one of the mobile nodes and verifies. */
static void recv_one(void)
{
	uint8_t buf[2048];
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + 64];
	} cm;
	struct sockaddr_in6 from;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr msg = { .msg_name = &from, .msg_namelen = sizeof(from),
			      .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cm.buf,
			      .msg_controllen = sizeof(cm.buf) };
	struct mhod_pkt_info pi = { .hop_limit = -1 };
	static struct mhod_mh m;
	struct cmsghdr *c;
	struct in6_addr ncoa;
	bool have_dst = false;
	ssize_t n;
	long i;

	n = recvmsg(b.fd, &msg, MSG_DONTWAIT);
	if (n < 0)
		return;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_PKTINFO) {
			pi.dst = ((struct in6_pktinfo *)CMSG_DATA(c))->ipi6_addr;
			have_dst = true;
		}
	pi.src = from.sin6_addr;
	i = have_dst ? mn_of(&pi.dst) : -1;
	if (i < 0 || mhod_mh_parse(&m, buf, (size_t)n, &pi, NULL) ||
	    m.type != MHOD_MH_FBACK || m.seq != (uint16_t)i ||
	    b.mns[i].answered)
		return;
	ncoa = nth(&b.ncoa_a, (uint32_t)i);
	if (!mhod_mh_badf_verify(&m, buf, (size_t)n, b.key, b.key_len, &ncoa,
				 &b.par_a))
		return;
	b.mns[i].answered = true;
	b.mns[i].status = m.status;
	b.mns[i].t_ack = clock_ns(CLOCK_MONOTONIC);
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, c = *(const uint64_t *)y;

	return a < c ? -1 : a > c;
}

int main(int argc, char **argv)
{
	const struct opt opts[] = {
		O_NUM('n', &b.n, MAX_MNS, .required = true),
		O_STR('p', &b.par, .required = true),
		O_STR('a', &b.pcoa, .required = true),
		O_STR('c', &b.ncoa, .required = true),
		O_STR('k', &b.keyfile, .required = true),
		O_NUM('s', &b.spi, UINT32_MAX, .required = true),
		O_NUM('t', &b.timeout_ms, 60000),
		O_NUM('r', &b.retries, 100),
		O_NUM('l', &b.lifetime, 65535),
		O_NUM('R', &b.copies, 1000),
		O_FLAG('L', &b.no_lla),
		{ 0 }
	};
	uint64_t now, first = 0, last = 0, *lat;
	uint64_t acked = 0, refused = 0, failed = 0, nlat = 0, i;
	int on = 1, rcvbuf = 4 << 20;
	bool pending;

	die_status = 2;
	parse_opts(argc, argv, opts, 0, usage);
	if (!b.n)
		die("-n: at least one mobile node");
	parse_in6(b.par, &b.par_a);
	parse_in6(b.pcoa, &b.pcoa_a);
	parse_in6(b.ncoa, &b.ncoa_a);
	read_key();
	b.mns = calloc(b.n, sizeof(*b.mns));
	lat = calloc(b.n, sizeof(*lat));
	if (!b.mns || !lat)
		die("out of memory");
	b.fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_MH);
	if (b.fd < 0 ||
	    setsockopt(b.fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on,
		       sizeof(on)) < 0)
		die("raw Mobility Header socket: %s", strerror(errno));
	setsockopt(b.fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	die_status = 1;

	for (i = 0; i < b.n; i++) {
		send_fbu((uint32_t)i);
		recv_one();
	}
	do {
		struct pollfd p = { .fd = b.fd, .events = POLLIN };

		if (poll(&p, 1, 10) > 0)
			while (p.revents & POLLIN) {
				recv_one();
				if (poll(&p, 1, 0) <= 0)
					break;
			}
		now = clock_ns(CLOCK_MONOTONIC);
		pending = false;
		for (i = 0; i < b.n; i++) {
			struct mn *m = &b.mns[i];

			if (m->answered)
				continue;
			if (now - m->t_last < b.timeout_ms * 1000000ull) {
				pending = true;
			} else if (m->tries <= b.retries) {
				b.retransmits++;
				send_fbu((uint32_t)i);
				pending = true;
			}
		}
	} while (pending);

	for (i = 0; i < b.n; i++) {
		const struct mn *m = &b.mns[i];

		if (!first || m->t_first < first)
			first = m->t_first;
		if (!m->answered) {
			failed++;
			continue;
		}
		if (m->status < 128)
			acked++;
		else
			refused++;
		lat[nlat++] = m->t_ack - m->t_first;
		if (m->t_ack > last)
			last = m->t_ack;
	}
	qsort(lat, nlat, sizeof(*lat), cmp_u64);
	printf("mns=%llu acked=%llu refused=%llu failed=%llu retransmits=%llu median_ms=%.3f p90_ms=%.3f max_ms=%.3f total_ms=%.3f\n",
	       (unsigned long long)b.n, (unsigned long long)acked,
	       (unsigned long long)refused, (unsigned long long)failed,
	       (unsigned long long)b.retransmits,
	       nlat ? lat[nlat / 2] / 1e6 : 0.0,
	       nlat ? lat[(nlat * 9) / 10 < nlat ? (nlat * 9) / 10 : nlat - 1] / 1e6 : 0.0,
	       nlat ? lat[nlat - 1] / 1e6 : 0.0,
	       last > first ? (last - first) / 1e6 : 0.0);
	explicit_bzero(b.key, sizeof(b.key));
	return acked == b.n ? 0 : 1;
}
