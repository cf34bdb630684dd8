// SPDX-License-Identifier: GPL-2.0
/*
 * mho_cap - capture the mobility signaling seen in a network namespace
 * into a pcap file, for tshark on the host (the test guest has no
 * tcpdump).
 *
 *   mho_cap -o FILE
 *
 * Every IPv6 packet on the namespace's interfaces but lo, in and out,
 * whose upper layer is the Mobility Header (135) or ICMPv6 type 150
 * (CXTP/CARD), 154 (FMIPv6) or an unsolicited Neighbor Advertisement
 * (136 with S and O clear: FMIPv6's UNA), after any hop-by-hop, routing
 * or destination options header, and inside IPv6-in-IPv6 or ESP with
 * NULL encryption (RFC 2410, as the tests protect mhod's signaling, so
 * that tshark decodes it: Documentation/mhod.rst, IPsec). Each is written (LINKTYPE_RAW, the IPv6
 * packet) and flushed as it comes, so that the file is whole whenever the
 * program is killed; SIGTERM and SIGINT end it with status 0. Prints
 * "captured N, the socket dropped D packets" on stderr at the end (D
 * counts every packet the socket could not take, signaling or not).
 *
 *   mho_cap -x -o FILE
 *   mho_cap -c -o FILE
 *
 * The same without CXTP over ICMPv6 150 (-x: Wireshark has no dissector
 * for it and reports it malformed), or only that (-c: for mhod's own
 * parser, mho_cxtp -r).
 *
 *   mho_cap -e SPI -o FILE
 *
 * Instead, the ESP packets of one SA as the namespace's links carry them:
 * a line per packet, "IFNAME in|out SEQ USEC" (USEC: the realtime clock,
 * in microseconds), in the order the taps saw them (an ESP packet in
 * fragments once, by its first fragment); buffered, and whole once the
 * capture has ended. A test reads
 * from it whether the routers delivered a stream in the order its sender
 * numbered it, before the receiver's own stack (reassembly, IPsec) had a
 * chance to reorder anything.
 *
 *   mho_cap -u PORT -o FILE
 *
 * The same for mho_probe's datagrams to UDP port PORT (SEQ: the probe's
 * sequence number), whole or by their first fragment, also inside
 * IPv6-in-IPv6 (a home agent's tunnel, a router's): what the links and
 * a tunnel device carried. A diagnostic: like every capture here, it
 * clones the packets it reads (see Documentation/mhod.rst, Tests, on
 * what that does to an ip6tnl receiver's order).
 */

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "common.h"
#include "pcap.h"

const char prog[] = "mho_cap";

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: %s [-e SPI | -u PORT | -x | -c] -o FILE\n", prog);
}

/*
 * Is @pkt (@len bytes of IPv6) signaling this program keeps? Also inside
 * an IPv6-in-IPv6 tunnel (a router forwarding the MN's traffic to its
 * new care-of address tunnels the FBack sent there too); @depth bounds
 * the nesting.
 */
/*
 * ESP with NULL encryption (SPI, sequence number, payload, padding 1, 2,
 * ..., pad length, next header, ICV) carrying a Mobility Header: the
 * trailer is well formed for an ICV of 12 (HMAC-SHA1-96) or 16 octets
 * (HMAC-SHA-256-128), its next header is 135, and the payload is one
 * MH: Payload Proto 59 and a Header Len that spans it exactly. A
 * packet of an encrypted SA passes the trailer's test by chance about
 * once in 30,000 (a stream of thousands meets it); with the MH's own
 * fields, about once in 2,000,000,000.
 */
static bool esp_null_mh(const uint8_t *esp, size_t len)
{
	static const size_t icvs[] = { 12, 16 };
	size_t i, j, t;
	uint8_t pad;

	for (i = 0; i < sizeof(icvs) / sizeof(icvs[0]); i++) {
		if (len < 8 + 2 + icvs[i])
			continue;
		t = len - icvs[i] - 2;		/* the pad length octet */
		pad = esp[t];
		if (t < 8 + 2 + (size_t)pad)
			continue;
		for (j = 0; j < pad && esp[t - pad + j] == j + 1; j++)
			;
		if (j == pad && esp[t + 1] == 135 && esp[8] == 59 &&
		    ((size_t)esp[9] + 1) * 8 == t - pad - 8)
			return true;
	}
	return false;
}

/* Which CXTP over ICMPv6 150 is_signaling() takes: all, none, only it. */
static bool no_cxtp, only_cxtp;

static bool is_signaling(const uint8_t *pkt, size_t len, int depth)
{
	const struct ip6 *h = (const void *)pkt;
	size_t off = sizeof(*h);
	uint8_t nh;

	if (len < sizeof(*h) || (pkt[0] >> 4) != 6 || depth > 2)
		return false;
	nh = h->nexthdr;
	/* Hop-by-hop, routing and destination options: 8 * (len + 1). */
	while ((nh == 0 || nh == 43 || nh == 60) && off + 2 <= len) {
		uint8_t next = pkt[off];

		off += 8 * ((size_t)pkt[off + 1] + 1);
		nh = next;
	}
	if (off >= len)
		return false;
	if (nh == IPPROTO_IPV6)
		return is_signaling(pkt + off, len - off, depth + 1);
	if (nh == IPPROTO_ICMPV6 && pkt[off] == 150)
		return !no_cxtp;
	if (only_cxtp)
		return false;
	if (nh == IPPROTO_ESP && esp_null_mh(pkt + off, len - off))
		return true;
	if (nh == 135)
		return true;
	if (nh != IPPROTO_ICMPV6)
		return false;
	switch (pkt[off]) {
	case 154:
		return true;
	case 136:	/* R|S|O in the octet after the checksum */
		return off + 5 <= len && !(pkt[off + 4] & 0x60);
	}
	return false;
}

static uint32_t be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/*
 * Past the IPv6 header of @pkt and any hop-by-hop, routing, destination
 * options and fragment header: the upper layer's offset (@off) and
 * protocol (@nh). False for a fragment other than the first (it holds
 * no upper-layer header) or a packet too short for its headers.
 */
static bool upper_layer(const uint8_t *pkt, size_t len, size_t *off,
			uint8_t *nh)
{
	const struct ip6 *h = (const void *)pkt;

	if (len < sizeof(*h) || (pkt[0] >> 4) != 6)
		return false;
	*off = sizeof(*h);
	*nh = h->nexthdr;
	while ((*nh == 0 || *nh == 43 || *nh == 60 || *nh == 44) &&
	       *off + 8 <= len) {
		uint8_t next = pkt[*off];

		if (*nh == 44) {
			if ((pkt[*off + 2] << 8 | pkt[*off + 3]) & 0xfff8)
				return false;
			*off += 8;
		} else {
			*off += 8 * ((size_t)pkt[*off + 1] + 1);
		}
		*nh = next;
	}
	return *off <= len;
}

/*
 * The sequence number of an ESP packet of SPI @spi: the packet whole or
 * its first fragment, after any hop-by-hop, routing or destination
 * options header. False for anything else.
 */
static bool esp_seq(const uint8_t *pkt, size_t len, uint32_t spi,
		    uint32_t *seq)
{
	size_t off;
	uint8_t nh;

	if (!upper_layer(pkt, len, &off, &nh) || nh != IPPROTO_ESP ||
	    off + 8 > len || be32_at(pkt + off) != spi)
		return false;
	*seq = be32_at(pkt + off + 4);
	return true;
}

/*
 * The sequence number of mho_probe's datagram to UDP port @port in @pkt:
 * the packet whole or its first fragment, after any hop-by-hop, routing
 * or destination options header, inside up to 3 IPv6-in-IPv6 headers.
 * False for anything else.
 */
static bool probe_seq(const uint8_t *pkt, size_t len, uint16_t port,
		      uint32_t *seq, int depth)
{
	size_t off;
	uint8_t nh;

	if (depth > 3 || !upper_layer(pkt, len, &off, &nh))
		return false;
	if (nh == IPPROTO_IPV6)
		return probe_seq(pkt + off, len - off, port, seq, depth + 1);
	/* UDP (8 octets), then the probe's magic, flow and seq. */
	if (nh != IPPROTO_UDP || off + 8 + 12 > len ||
	    (pkt[off + 2] << 8 | pkt[off + 3]) != port ||
	    be32_at(pkt + off + 8) != 0x4d484f50)
		return false;
	*seq = be32_at(pkt + off + 16);
	return true;
}

/*
 * The name of interface @index, looked up once (a stream of packets
 * must not wait for an ioctl each): @names caches the first 64.
 */
static const char *ifname_of(int index, char (*names)[IF_NAMESIZE])
{
	static char other[IF_NAMESIZE + 8];

	if (index > 0 && index < 64) {
		if (!names[index][0] && !if_indextoname(index, names[index]))
			snprintf(names[index], IF_NAMESIZE, "if%d", index);
		return names[index];
	}
	snprintf(other, sizeof(other), "if%d", index);
	return other;
}

int main(int argc, char **argv)
{
	const char *out = NULL;
	uint64_t spi = 0, port = 0;
	bool by_spi = false, by_port = false;
	const struct opt opts[] = {
		O_STR('o', &out, .required = true),
		O_NUM('e', &spi, UINT32_MAX, .given = &by_spi),
		O_NUM('u', &port, UINT16_MAX, .given = &by_port),
		O_FLAG('x', &no_cxtp),
		O_FLAG('c', &only_cxtp),
		{ 0 }
	};
	struct sigaction sa = { .sa_handler = on_signal };
	static uint8_t pkt[65536];
	static char names[64][IF_NAMESIZE];
	struct tpacket_stats st = { 0 };
	socklen_t stl = sizeof(st);
	int fd, rcvbuf = 32 << 20;
	unsigned long n = 0;
	unsigned int lo;
	FILE *f;

	parse_opts(argc, argv, opts, 0, usage);
	if (no_cxtp && only_cxtp)
		die("-x and -c exclude each other");
	if (by_spi && by_port)
		die("-e and -u exclude each other");
	/*
	 * ETH_P_ALL, not ETH_P_IPV6: a socket for one protocol sees only
	 * what comes in; what the namespace sends reaches only the taps of
	 * every protocol (dev_queue_xmit_nit()).
	 */
	fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_ALL));
	if (fd < 0)
		die("socket(AF_PACKET): %s", strerror(errno));
	/*
	 * The socket sees every packet of the namespace, a test's stream
	 * included, and keeps only the signaling: under emulation it can
	 * fall behind a stream of full-size packets, and the default buffer
	 * (about 200 of them) would then drop signaling with the rest. What
	 * it drops all the same is said at the end.
	 */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	lo = if_nametoindex("lo");
	f = by_spi || by_port ? fopen(out, "w") : mhod_pcap_open(out);
	/* The header written out: a file with one means "listening". */
	if (!f || fflush(f))
		die("%s: %s", out, strerror(errno));
	/* No SA_RESTART: a signal ends the blocking recvfrom() with EINTR. */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	while (!stop) {
		struct sockaddr_ll ll;
		socklen_t sl = sizeof(ll);
		struct timeval tv;
		ssize_t len;

		len = recvfrom(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&ll,
			       &sl);
		if (len < 0) {
			if (errno == EINTR)
				continue;
			die("recvfrom: %s", strerror(errno));
		}
		if (ll.sll_protocol != htons(ETH_P_IPV6) ||
		    ll.sll_pkttype == PACKET_LOOPBACK ||
		    (int)ll.sll_ifindex == (int)lo)
			continue;
		if (by_spi || by_port) {
			uint32_t seq;

			if (by_spi ? !esp_seq(pkt, len, spi, &seq) :
			    !probe_seq(pkt, len, port, &seq, 0))
				continue;
			gettimeofday(&tv, NULL);
			if (fprintf(f, "%s %s %u %lld%06ld\n",
				    ifname_of(ll.sll_ifindex, names),
				    ll.sll_pkttype == PACKET_OUTGOING ? "out" : "in",
				    seq, (long long)tv.tv_sec, (long)tv.tv_usec) < 0)
				die("%s: %s", out, strerror(errno));
			n++;
			continue;
		}
		if (!is_signaling(pkt, len, 0))
			continue;
		gettimeofday(&tv, NULL);
		if (mhod_pcap_write(f, pkt, len, tv.tv_sec, tv.tv_usec) ||
		    fflush(f))
			die("%s: %s", out, strerror(errno));
		n++;
	}
	if (by_spi || by_port ? fclose(f) : mhod_pcap_close(f))
		die("%s: %s", out, strerror(errno));
	getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &stl);
	fprintf(stderr, "captured %lu, the socket dropped %u packets\n", n,
		st.tp_drops);
	return 0;
}
