// SPDX-License-Identifier: GPL-2.0
/*
 * mho_probe - a paced UDP stream that carries sequence numbers and send
 * timestamps, to measure what a handoff does to traffic: loss,
 * duplicates, reordering, the longest interruption and the delay added
 * to held packets. It measures and reports; it never decides pass/fail.
 *
 *   mho_probe send -d ADDR [-p PORT] -r RATE_PPS -n COUNT [-S FIRST_SEQ]
 *                  [-s PAYLOAD_BYTES[-MAX_BYTES]] [-f FLOW_ID] [-o SENDLOG]
 *   mho_probe recv [-b BIND_ADDR] [-p PORT] [-n EXPECTED_COUNT] [-N MAX_SEQS]
 *                  [-t IDLE_TIMEOUT_MS] [-T TOTAL_TIMEOUT_MS] [-l LINGER_MS]
 *                  [-f FLOW_ID] [-o RECVLOG] [-j]
 *   mho_probe -h
 *
 * Payload: a header in network byte order, padded to -s bytes:
 *
 *   u32 magic    "MHOP" (0x4d484f50)
 *   u32 flow     -f, default 0
 *   u32 seq      FIRST_SEQ .. FIRST_SEQ+COUNT-1 (-S, default 0)
 *   u64 send_ns  CLOCK_MONOTONIC, read just before sendto()
 *
 * The padding's byte at offset k of datagram seq is (seq * 31 + k) mod
 * 256, so that the receiver can tell a datagram that arrived damaged
 * (reassembled wrongly, say) from one that arrived whole. With
 * -s MIN-MAX the payload sizes are mixed: datagram seq has MIN +
 * (seq * 2654435761 mod 2^32) mod (MAX - MIN + 1) bytes, every size from
 * MIN to MAX in a deterministic spread (a payload above the path MTU is
 * fragmented by the sender).
 *
 * send: sends COUNT datagrams, datagram i at start + i/RATE (absolute
 * deadlines, clock_nanosleep(TIMER_ABSTIME), so lateness never
 * accumulates; a sender that fell behind catches up in a burst). A failed
 * sendto() (ENETUNREACH while a link is down, ENOBUFS, ...) is counted,
 * and its sequence number is used up all the same, so the receiver counts
 * it as lost. Prints "sent N errors E": N datagrams the kernel accepted,
 * E refused, N + E = COUNT. -o logs one line per sequence number,
 * "seq send_ns", plus the errno name as a third field if sendto() failed.
 *
 * recv: receives until EXPECTED_COUNT distinct sequence numbers arrived
 * (and then nothing more for LINGER_MS, default 100, so that late
 * duplicates are counted), or nothing valid arrived for IDLE_TIMEOUT_MS
 * (default 1000) after the first valid datagram, or TOTAL_TIMEOUT_MS
 * (default 0: none) passed, or SIGINT/SIGTERM. Then it prints one line:
 *
 *   sent N received N lost N duplicates N out_of_order N bogus N
 *   max_interruption_ms X delay_min_ms X delay_avg_ms X delay_max_ms X
 *   added_delay_max_ms X socket_drops N corrupt N
 *
 * or, with -j, one JSON object with the same keys (delays are null, and
 * "-" in the plain line, when nothing was received). Definitions:
 *
 *   sent          EXPECTED_COUNT, or the highest sequence number + 1
 *   received      distinct sequence numbers that arrived
 *   lost          sent - received
 *   duplicates    valid datagrams whose sequence number had arrived before
 *   out_of_order  first arrivals of a sequence number lower than the
 *                 highest one that arrived before them
 *   bogus         datagrams ignored: shorter than the header, wrong magic
 *                 or flow, or a sequence number >= EXPECTED_COUNT (or
 *                 >= MAX_SEQS, default 1000000, without -n), which bounds
 *                 the memory used (one bit per sequence number)
 *   max_interruption_ms
 *                 the longest time between two consecutive first arrivals
 *                 (what an application that drops duplicates sees); the
 *                 time before the first and after the last are not seen
 *   delay_*_ms    one-way delay, receive time - send_ns, of first arrivals
 *   added_delay_max_ms
 *                 delay_max_ms - delay_min_ms
 *   socket_drops  datagrams the receiving socket dropped itself (its
 *                 buffer was full): counted in "lost", but a measurement
 *                 artefact, not the network's doing
 *   corrupt       datagrams with a valid header whose padding is not what
 *                 was sent: not counted as arrivals
 *
 * All times are in ms with 3 decimals. -o logs every valid arrival,
 * duplicates included, in arrival order: "seq send_ns recv_ns".
 *
 * Clocks: delays subtract the sender's CLOCK_MONOTONIC from the
 * receiver's, so both must run on one machine (any network namespaces,
 * but the same time namespace). The receive time is the kernel's
 * (SO_TIMESTAMPNS: when the datagram entered the receiver's stack), so
 * that the receiver's own scheduling delays do not show as network
 * delay or shift interruptions. Those timestamps are CLOCK_REALTIME: they
 * are mapped onto CLOCK_MONOTONIC with the REALTIME - MONOTONIC offset,
 * measured when the first datagram arrives and again every second (see
 * refresh_offset(); a step of the wall clock skews up to a second of
 * receive times). The offset is right to within a few microseconds (the
 * time a clock read takes), so a delay of a few microseconds may even
 * read as slightly negative. Without a timestamp (none came with the
 * datagram), the time after recvmsg() is used.
 *
 * Exit status: 0 when the run completed (whatever it measured), 1 on a
 * usage or socket error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

#ifndef SO_RXQ_OVFL
#define SO_RXQ_OVFL 40
#endif

#define PROBE_MAGIC	0x4d484f50u	/* "MHOP" */
#define DEFAULT_PORT	"9909"
#define DEFAULT_PAYLOAD	64
#define MAX_PAYLOAD	65507		/* the largest UDP payload over IPv4 */
#define DEFAULT_MAXSEQ	1000000u
#define NSEC_PER_SEC	1000000000ull
#define NSEC_PER_MSEC	1000000ull

struct probe_hdr {
	uint32_t magic;
	uint32_t flow;
	uint32_t seq;
	uint64_t send_ns;
} __attribute__((packed));

/* The padding byte at payload offset @k of datagram @seq. */
static uint8_t pad_byte(uint64_t seq, size_t k)
{
	return (uint8_t)(seq * 31 + k);
}

/* The payload size of datagram @seq in a stream of @min to @max bytes. */
static size_t payload_size(uint64_t seq, uint64_t min, uint64_t max)
{
	return min + (uint32_t)(seq * 2654435761u) % (max - min + 1);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mho_probe send -d ADDR [-p PORT] -r RATE_PPS -n COUNT [-S FIRST_SEQ]\n"
		"                      [-s PAYLOAD_BYTES[-MAX_BYTES]] [-f FLOW_ID] [-o SENDLOG]\n"
		"       mho_probe recv [-b BIND_ADDR] [-p PORT] [-n EXPECTED_COUNT] [-N MAX_SEQS]\n"
		"                      [-t IDLE_TIMEOUT_MS] [-T TOTAL_TIMEOUT_MS] [-l LINGER_MS]\n"
		"                      [-f FLOW_ID] [-o RECVLOG] [-j]\n"
		"       mho_probe -h\n"
		"\n"
		"A paced UDP stream of sequence numbers and CLOCK_MONOTONIC send times\n"
		"(sender and receiver on one machine). Port %s by default; payload %d\n"
		"bytes, at least %zu. recv prints: sent received lost duplicates\n"
		"out_of_order bogus max_interruption_ms delay_min_ms delay_avg_ms\n"
		"delay_max_ms added_delay_max_ms socket_drops corrupt. Logs: send\n"
		"\"seq send_ns\", recv \"seq send_ns recv_ns\" per arrival (\"-\" is\n"
		"stdout).\n",
		DEFAULT_PORT, DEFAULT_PAYLOAD, sizeof(struct probe_hdr));
}

const char prog[] = "mho_probe";

static FILE *open_log(const char *path)
{
	FILE *f;

	if (!path)
		return NULL;
	if (!strcmp(path, "-"))
		return stdout;
	f = fopen(path, "w");
	if (!f)
		die("%s: %s", path, strerror(errno));
	return f;
}

static void close_log(FILE *f, const char *path)
{
	if (!f)
		return;
	if (fflush(f) || ferror(f) || (f != stdout && fclose(f)))
		die("%s: write error", path);
}

/* ---- send ---------------------------------------------------------------- */

/* Payload sizes: MIN, or MIN to MAX (max 0: MIN only). */
struct sizes {
	uint64_t min, max;
};

/* -s BYTES or MIN-MAX, as an OPT_FN. */
static void parse_sizes(const char *arg, void *dst)
{
	struct sizes *sz = dst;
	char min[32], *dash;

	snprintf(min, sizeof(min), "%s", arg);
	dash = strchr(min, '-');
	sz->max = 0;
	if (dash) {
		*dash = '\0';
		sz->max = parse_num("-s", strchr(arg, '-') + 1, MAX_PAYLOAD, 10);
	}
	sz->min = parse_num("-s", min, MAX_PAYLOAD, 10);
	if (dash && sz->max < sz->min)
		die("-s: MAX below MIN");
}

/* -r RATE_PPS, as an OPT_FN. */
static void parse_rate(const char *arg, void *dst)
{
	double *rate = dst;
	char *end;

	*rate = strtod(arg, &end);
	if (end == arg || *end || !(*rate > 0) || *rate > 1e9)
		die("-r: expected a rate in packets/s (> 0), got \"%s\"", arg);
}

static int cmd_send(int argc, char **argv)
{
	const char *dst = NULL, *port = DEFAULT_PORT, *logpath = NULL;
	struct sizes sz = { .min = DEFAULT_PAYLOAD };
	uint64_t count = 0, flow = 0;
	uint64_t sent = 0, errors = 0;
	uint64_t first = 0;
	double rate = 0;
	const struct opt opts[] = {
		O_STR('d', &dst, .required = true),
		O_STR('p', &port),
		O_FN('r', parse_rate, &rate, .required = true),
		O_NUM('n', &count, UINT32_MAX + 1ull, .required = true),
		O_NUM('S', &first, UINT32_MAX),
		O_FN('s', parse_sizes, &sz),
		O_NUM('f', &flow, UINT32_MAX),
		O_STR('o', &logpath),
		{ 0 }
	};
	struct timespec deadline;
	struct sockaddr_storage ss;
	socklen_t sslen;
	uint64_t start, i;
	char *buf;
	FILE *log;
	int fd, first_err = 0;

	parse_opts(argc, argv, opts, 10, usage);
	if (sz.min < sizeof(struct probe_hdr))
		die("-s: the payload is at least %zu bytes", sizeof(struct probe_hdr));
	if (!sz.max)
		sz.max = sz.min;
	if (first + count > UINT32_MAX + 1ull)
		die("-S and -n: sequence numbers are 32 bits");

	sslen = parse_sockaddr(dst, port, &ss);
	fd = socket(ss.ss_family, SOCK_DGRAM, IPPROTO_UDP);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	buf = calloc(1, sz.max);
	if (!buf)
		die("out of memory");
	log = open_log(logpath);

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	start = (uint64_t)deadline.tv_sec * NSEC_PER_SEC + deadline.tv_nsec;
	for (i = 0; i < count; i++) {
		struct probe_hdr h;
		uint64_t due = start + (uint64_t)((double)i * NSEC_PER_SEC / rate);
		size_t k, len = payload_size(first + i, sz.min, sz.max);
		uint64_t t;
		int err = 0;

		for (k = sizeof(h); k < len; k++)
			buf[k] = pad_byte(first + i, k);
		deadline.tv_sec = due / NSEC_PER_SEC;
		deadline.tv_nsec = due % NSEC_PER_SEC;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL) == EINTR)
			;
		t = clock_ns(CLOCK_MONOTONIC);
		h.magic = htobe32(PROBE_MAGIC);
		h.flow = htobe32(flow);
		h.seq = htobe32(first + i);
		h.send_ns = htobe64(t);
		memcpy(buf, &h, sizeof(h));
		if (sendto(fd, buf, len, 0, (struct sockaddr *)&ss, sslen) < 0) {
			err = errno;
			errors++;
			if (!first_err) {
				first_err = err;
				fprintf(stderr, "mho_probe: seq %" PRIu64 ": %s (counted, going on)\n",
					first + i, strerror(err));
			}
		} else {
			sent++;
		}
		if (log && err)
			fprintf(log, "%" PRIu64 " %" PRIu64 " %s\n", first + i, t,
				strerrorname_np(err) ?: "error");
		else if (log)
			fprintf(log, "%" PRIu64 " %" PRIu64 "\n", first + i, t);
	}
	close_log(log, logpath);
	printf("sent %" PRIu64 " errors %" PRIu64 "\n", sent, errors);
	free(buf);
	close(fd);
	return 0;
}

/* ---- recv ---------------------------------------------------------------- */

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct stats {
	uint64_t sent, received, duplicates, out_of_order, bogus, socket_drops;
	uint64_t corrupt;
	int64_t highest;		/* highest sequence number so far, or -1 */
	uint64_t last_arrival;		/* receive time of the last first arrival */
	uint64_t max_gap;
	int64_t delay_min, delay_max;
	double delay_sum;
};

/*
 * The REALTIME - MONOTONIC offset, to map kernel receive timestamps onto
 * CLOCK_MONOTONIC. One reading brackets a CLOCK_REALTIME read between two
 * CLOCK_MONOTONIC ones and takes their middle; its error is at most half
 * the bracket, which an interrupt or preemption can make long, so the
 * offset is the best (narrowest) of a few readings, taken again every
 * second to follow steps of the wall clock.
 */
#define OFFSET_READINGS		8
#define OFFSET_REFRESH_NS	NSEC_PER_SEC

static int64_t rt_offset;
static uint64_t rt_offset_at;

static void refresh_offset(uint64_t now)
{
	uint64_t best = UINT64_MAX;
	int i;

	if (rt_offset_at && now - rt_offset_at < OFFSET_REFRESH_NS)
		return;
	for (i = 0; i < OFFSET_READINGS; i++) {
		uint64_t m1 = clock_ns(CLOCK_MONOTONIC);
		uint64_t real = clock_ns(CLOCK_REALTIME);
		uint64_t m2 = clock_ns(CLOCK_MONOTONIC);

		if (m2 - m1 < best) {
			best = m2 - m1;
			rt_offset = (int64_t)real - (int64_t)(m1 + (m2 - m1) / 2);
		}
	}
	rt_offset_at = clock_ns(CLOCK_MONOTONIC);
}

/* Kernel receive time of MSG on CLOCK_MONOTONIC (see the top comment). */
static uint64_t recv_time(struct msghdr *msg, uint32_t *drops)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC), kern = 0;
	struct cmsghdr *c;
	bool have = false;
	int64_t t;

	for (c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level != SOL_SOCKET)
			continue;
		if (c->cmsg_type == SO_TIMESTAMPNS) {
			struct timespec ts;

			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			kern = (uint64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
			have = true;
		} else if (c->cmsg_type == SO_RXQ_OVFL) {
			memcpy(drops, CMSG_DATA(c), sizeof(*drops));
		}
	}
	if (!have)
		return now;
	refresh_offset(now);
	t = (int64_t)kern - rt_offset;
	/* It cannot have arrived after we read it. */
	if (t < 0 || (uint64_t)t > now)
		return now;
	return t;
}

static void print_ms(FILE *f, const char *key, double ns, bool valid, bool json)
{
	if (json)
		fprintf(f, ",\"%s\":", key);
	else
		fprintf(f, " %s ", key);
	if (valid)
		fprintf(f, "%.3f", ns / NSEC_PER_MSEC);
	else
		fputs(json ? "null" : "-", f);
}

static void report(const struct stats *s, bool json)
{
	bool d = s->received > 0;
	uint64_t lost = s->sent - s->received;

	if (json)
		printf("{\"sent\":%" PRIu64 ",\"received\":%" PRIu64 ",\"lost\":%" PRIu64
		       ",\"duplicates\":%" PRIu64 ",\"out_of_order\":%" PRIu64
		       ",\"bogus\":%" PRIu64,
		       s->sent, s->received, lost, s->duplicates, s->out_of_order, s->bogus);
	else
		printf("sent %" PRIu64 " received %" PRIu64 " lost %" PRIu64
		       " duplicates %" PRIu64 " out_of_order %" PRIu64 " bogus %" PRIu64,
		       s->sent, s->received, lost, s->duplicates, s->out_of_order, s->bogus);
	print_ms(stdout, "max_interruption_ms", s->max_gap, true, json);
	print_ms(stdout, "delay_min_ms", s->delay_min, d, json);
	print_ms(stdout, "delay_avg_ms", d ? s->delay_sum / s->received : 0, d, json);
	print_ms(stdout, "delay_max_ms", s->delay_max, d, json);
	print_ms(stdout, "added_delay_max_ms", (double)s->delay_max - s->delay_min, d, json);
	if (json)
		printf(",\"socket_drops\":%" PRIu64 ",\"corrupt\":%" PRIu64 "}\n",
		       s->socket_drops, s->corrupt);
	else
		printf(" socket_drops %" PRIu64 " corrupt %" PRIu64 "\n",
		       s->socket_drops, s->corrupt);
}

/* Is the padding of datagram @seq, @n bytes, what the sender wrote? */
static bool pad_ok(const char *buf, size_t n, uint64_t seq)
{
	size_t k;

	for (k = sizeof(struct probe_hdr); k < n; k++)
		if ((uint8_t)buf[k] != pad_byte(seq, k))
			return false;
	return true;
}

static int cmd_recv(int argc, char **argv)
{
	const char *bind_addr = NULL, *port = DEFAULT_PORT, *logpath = NULL;
	uint64_t expected = 0, maxseq = DEFAULT_MAXSEQ, flow = 0, cap;
	uint64_t idle_ms = 1000, total_ms = 0, linger_ms = 100, deadline = 0;
	bool have_expected = false, json = false, started = false;
	const struct opt opts[] = {
		O_STR('b', &bind_addr),
		O_STR('p', &port),
		O_NUM('n', &expected, UINT32_MAX + 1ull, .given = &have_expected),
		O_NUM('N', &maxseq, UINT32_MAX + 1ull),
		O_NUM('t', &idle_ms, INT32_MAX),
		O_NUM('T', &total_ms, INT32_MAX),
		O_NUM('l', &linger_ms, INT32_MAX),
		O_NUM('f', &flow, UINT32_MAX),
		O_STR('o', &logpath),
		O_FLAG('j', &json),
		{ 0 }
	};
	struct stats s = { .highest = -1 };
	uint32_t drops = 0;
	struct sigaction sa = { .sa_handler = on_signal };
	static char buf[65536];
	struct sockaddr_storage ss;
	socklen_t sslen;
	uint8_t *seen;
	FILE *log;
	int fd, one = 1, zero = 0, rcvbuf = 4 << 20;

	parse_opts(argc, argv, opts, 10, usage);
	cap = have_expected ? expected : maxseq;
	seen = calloc(cap / 8 + 1, 1);
	if (!seen)
		die("out of memory for %" PRIu64 " sequence numbers", cap);

	sslen = parse_sockaddr(bind_addr, port, &ss);
	fd = socket(ss.ss_family, SOCK_DGRAM, IPPROTO_UDP);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	/* A big buffer (root may exceed rmem_max), so bursts are not lost here. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sslen))
		die("bind: %s", strerror(errno));
	log = open_log(logpath);

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (total_ms)
		deadline = clock_ns(CLOCK_MONOTONIC) + total_ms * NSEC_PER_MSEC;

	while (!stop) {
		char ctrl[CMSG_SPACE(sizeof(struct timespec)) + CMSG_SPACE(sizeof(uint32_t)) + 64];
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		struct msghdr msg = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = ctrl, .msg_controllen = sizeof(ctrl),
		};
		bool complete = have_expected && s.received >= expected;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int64_t timeout = -1, delay;
		uint64_t t, seq, send_ns;
		struct probe_hdr h;
		ssize_t n;

		/* Wait as long as the closest of the applicable limits. */
		if (complete)
			timeout = linger_ms;
		else if (started)
			timeout = idle_ms;
		if (deadline) {
			uint64_t now = clock_ns(CLOCK_MONOTONIC);
			int64_t left = now >= deadline ? 0 :
				(int64_t)((deadline - now + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC);

			if (timeout < 0 || left < timeout)
				timeout = left;
		}
		n = poll(&pfd, 1, (int)timeout);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("poll: %s", strerror(errno));
		if (n == 0)
			break;

		n = recvmsg(fd, &msg, MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			die("recvmsg: %s", strerror(errno));
		t = recv_time(&msg, &drops);
		s.socket_drops = drops;

		if ((size_t)n < sizeof(h)) {
			s.bogus++;
			continue;
		}
		memcpy(&h, buf, sizeof(h));
		seq = be32toh(h.seq);
		send_ns = be64toh(h.send_ns);
		if (be32toh(h.magic) != PROBE_MAGIC || be32toh(h.flow) != flow || seq >= cap) {
			s.bogus++;
			continue;
		}
		if (!pad_ok(buf, n, seq)) {
			s.corrupt++;
			continue;
		}
		started = true;
		if (log)
			fprintf(log, "%" PRIu64 " %" PRIu64 " %" PRIu64 "\n", seq, send_ns, t);
		if (seen[seq / 8] & (1u << (seq % 8))) {
			s.duplicates++;
			continue;
		}
		seen[seq / 8] |= 1u << (seq % 8);

		/* A first arrival. */
		if ((int64_t)seq < s.highest)
			s.out_of_order++;
		else
			s.highest = seq;
		if (s.received && t > s.last_arrival && t - s.last_arrival > s.max_gap)
			s.max_gap = t - s.last_arrival;
		s.last_arrival = t;
		delay = (int64_t)(t - send_ns);
		if (!s.received || delay < s.delay_min)
			s.delay_min = delay;
		if (!s.received || delay > s.delay_max)
			s.delay_max = delay;
		s.delay_sum += delay;
		s.received++;
	}

	s.sent = have_expected ? expected : (uint64_t)(s.highest + 1);
	close_log(log, logpath);
	report(&s, json);
	free(seen);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	return run_subcmd(argc, argv, usage, "send", cmd_send, "recv", cmd_recv,
			  NULL);
}
