// SPDX-License-Identifier: GPL-2.0
/*
 * mhod: the signaling daemon of mho (Documentation/mhod.rst, mhod(8)).
 *
 *   mhod [-c FILE] [-d]       run (in the foreground, logging to stderr)
 *   mhod -t [-c FILE]         check the configuration and exit
 *   mhod [-c FILE] -C CMD...  send CMD to the running daemon's control
 *                             socket and print its answer
 *
 * This file: options, logging, counters, keys and the control socket;
 * the roles are ar.c and mn.c, the loop loop.c, the module kern.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <linux/mho.h>

#include "loop.h"
#include "mhod.h"

#define DEFAULT_CONF	"/etc/mhod/mhod.conf"

struct mhod_counters mhod_ctr;
struct mhod_conf *mhod_conf;

static enum mhod_log log_level = MHOD_LOG_INFO;
/* The keys' material, as [Key] i says (nkeys), and each peer's key:
 * key_of[peer index] is its index in keys, or -1.
 */
static struct mhod_key *keys;
static int *key_of;

/* ------------------------------------------------------------ logging */

static const char *const level_names[] = {
	[MHOD_LOG_ERR] = "error", [MHOD_LOG_WARN] = "warning",
	[MHOD_LOG_INFO] = "info", [MHOD_LOG_DEBUG] = "debug",
};

static void vlog(enum mhod_log level, const char *fmt, va_list ap)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	fprintf(stderr, "mhod[%ld.%03ld] %s: ", (long)ts.tv_sec,
		ts.tv_nsec / 1000000, level_names[level]);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void mhod_log(enum mhod_log level, const char *fmt, ...)
{
	va_list ap;

	if (level > log_level)
		return;
	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}

void mhod_log_reject(const char *fmt, ...)
{
	static uint64_t second, lines;
	uint64_t now = loop_now_ms() / 1000;
	va_list ap;

	if (now != second) {
		second = now;
		lines = 0;
	}
	if (MHOD_LOG_WARN > log_level || ++lines > mhod_conf->limits.log_rate)
		return;
	va_start(ap, fmt);
	vlog(MHOD_LOG_WARN, fmt, ap);
	va_end(ap);
}

const char *mhod_ntop(const struct in6_addr *a)
{
	static char buf[4][INET6_ADDRSTRLEN];
	static unsigned int i;
	char *s = buf[i++ % 4];

	return inet_ntop(AF_INET6, a, s, INET6_ADDRSTRLEN) ? s : "?";
}

const struct in6_addr *mhod_first_addr(enum mhod_if_kind kind)
{
	const struct mhod_conf *c = mhod_conf;
	int i;

	for (i = 0; i < c->nifaces; i++)
		if (c->ifaces[i].kind == kind && c->ifaces[i].naddrs)
			return &c->ifaces[i].addr[0];
	return NULL;
}

const struct in6_addr *mhod_core_addr(void)
{
	return mhod_first_addr(MHOD_IF_CORE);
}

bool mhod_in_prefix(const struct in6_addr *a, const struct in6_addr *p,
		    unsigned int plen)
{
	unsigned int i;

	for (i = 0; i < plen / 8; i++)
		if (a->s6_addr[i] != p->s6_addr[i])
			return false;
	return !(plen % 8) || !((a->s6_addr[i] ^ p->s6_addr[i]) &
				(uint8_t)(0xff << (8 - plen % 8)));
}

void mhod_nd_lla(struct mhod_icmp *m, uint8_t type, uint8_t code,
		 const struct mhod_conf_lla *l)
{
	struct mhod_nd_opt *o = &m->opts[m->nopts++];

	memset(o, 0, sizeof(*o));
	o->type = type;
	o->code = code;
	o->lla_len = l->len;
	memcpy(o->lla, l->addr, l->len);
}

/* --------------------------------------------------------------- keys */

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* A key file: hex digits, whitespace ignored, 16 to 64 octets. */
static int key_load(const struct mhod_conf_key *ck, struct mhod_key *k)
{
	char buf[MHOD_KEY_MAX * 2 + 64];
	struct stat st;
	ssize_t n;
	int fd, i, nib = 0, hi = 0, v;

	fd = open(ck->file, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		mhod_log(MHOD_LOG_ERR, "key %s: %s: %s", ck->name, ck->file,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (st.st_mode & 0077) {
		mhod_log(MHOD_LOG_ERR, "key %s: %s is readable by others",
			 ck->name, ck->file);
		close(fd);
		return -1;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	k->len = 0;
	for (i = 0; i < n; i++) {
		if (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' ||
		    buf[i] == '\r')
			continue;
		v = hexval(buf[i]);
		if (v < 0 || (!nib && k->len == MHOD_KEY_MAX)) {
			n = -1;
			break;
		}
		if (nib)
			k->k[k->len++] = (uint8_t)(hi << 4 | v);
		else
			hi = v;
		nib = !nib;
	}
	explicit_bzero(buf, sizeof(buf));
	if (n < 0 || n == sizeof(buf) || nib || k->len < 16) {
		explicit_bzero(k, sizeof(*k));
		mhod_log(MHOD_LOG_ERR,
			 "key %s: %s must hold 16 to 64 octets in hex",
			 ck->name, ck->file);
		return -1;
	}
	return 0;
}

static int keys_load(void)
{
	const struct mhod_conf *c = mhod_conf;
	int i, j;

	keys = calloc(c->nkeys ? c->nkeys : 1, sizeof(*keys));
	key_of = calloc(c->npeers ? c->npeers : 1, sizeof(*key_of));
	if (!keys || !key_of) {
		mhod_log(MHOD_LOG_ERR, "keys: out of memory");
		return -1;
	}
	for (i = 0; i < c->nkeys; i++)
		if (key_load(&c->keys[i], &keys[i]) < 0)
			return -1;
	for (i = 0; i < c->npeers; i++) {
		key_of[i] = -1;
		for (j = 0; c->peers[i].key[0] && j < c->nkeys; j++)
			if (!strcmp(c->keys[j].name, c->peers[i].key))
				key_of[i] = j;
	}
	return 0;
}

static void keys_free(void)
{
	if (keys)
		explicit_bzero(keys, (mhod_conf->nkeys ? mhod_conf->nkeys : 1) *
			       sizeof(*keys));
	free(keys);
	free(key_of);
	keys = NULL;
	key_of = NULL;
}

static int key_index(const struct mhod_conf_peer *p)
{
	return key_of ? key_of[p - mhod_conf->peers] : -1;
}

const struct mhod_key *mhod_peer_key(const struct mhod_conf_peer *p)
{
	int i = key_index(p);

	return i >= 0 && keys[i].len ? &keys[i] : NULL;
}

const struct mhod_key *mhod_peer_ctx_key(const struct mhod_conf_peer *p)
{
	int i;

	for (i = 0; p->ctx_key[0] && i < mhod_conf->nkeys; i++)
		if (!strcmp(mhod_conf->keys[i].name, p->ctx_key))
			return keys[i].len ? &keys[i] : NULL;
	return NULL;
}

uint32_t mhod_peer_spi(const struct mhod_conf_peer *p)
{
	int i = key_index(p);

	return i >= 0 ? mhod_conf->keys[i].spi : 0;
}

/* ---------------------------------------------------- control socket */

struct ctl {
	struct loop_fd lf;
};

static struct ctl ctl_listen = { .lf.fd = -1 };

static void stats_line(char *out, size_t cap)
{
	size_t n = 0;

#define CTR_PRINT(name)							\
	if (n < cap)							\
		n += (size_t)snprintf(out + n, cap - n, "%s%s %llu",	\
				      n ? " " : "", #name,		\
				      (unsigned long long)mhod_ctr.name);
	MHOD_COUNTERS(CTR_PRINT)
#undef CTR_PRINT
}

void mhod_ctl_reply(int fd, const char *line)
{
	size_t len = strlen(line);

	if (write(fd, line, len) != (ssize_t)len || write(fd, "\n", 1) != 1)
		mhod_log(MHOD_LOG_DEBUG, "control: the client went away");
	close(fd);
}

static void ctl_accept(struct loop_fd *lf)
{
	char cmd[256], out[2048];
	struct timeval tv = { .tv_sec = 1 };
	ssize_t n;
	int fd, ret;

	fd = accept4(lf->fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	/* One line, sent at once by the client (mhod -C). */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = read(fd, cmd, sizeof(cmd) - 1);
	if (n <= 0) {
		close(fd);
		return;
	}
	cmd[n] = 0;
	cmd[strcspn(cmd, "\r\n")] = 0;
	mhod_log(MHOD_LOG_DEBUG, "control: %s", cmd);
	out[0] = 0;
	if (!strcmp(cmd, "stats")) {
		stats_line(out, sizeof(out));
	} else if (!strcmp(cmd, "state") &&
		   mhod_conf->role == MHOD_ROLE_AR) {
		ar_dump(out, sizeof(out));
	} else if (!strcmp(cmd, "state") &&
		   mhod_conf->role == MHOD_ROLE_HA) {
		ha_dump(out, sizeof(out));
	} else if (mhod_conf->role == MHOD_ROLE_MN) {
		ret = mn_command(cmd, out, sizeof(out));
		/* 1: mn.c answers later (on the FBack) and closes fd. */
		if (ret == 1) {
			mn_defer_reply(fd);
			return;
		}
	} else {
		snprintf(out, sizeof(out), "error unknown command");
	}
	mhod_ctl_reply(fd, out);
}

static int ctl_open(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (!mhod_conf->control[0])
		return 0;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s",
		 mhod_conf->control);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	unlink(sun.sun_path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    chmod(sun.sun_path, 0600) < 0 || listen(fd, 16) < 0) {
		mhod_log(MHOD_LOG_ERR, "control socket %s: %s", sun.sun_path,
			 strerror(errno));
		close(fd);
		return -1;
	}
	ctl_listen.lf.fd = fd;
	ctl_listen.lf.fn = ctl_accept;
	return loop_add(&ctl_listen.lf);
}

static void ctl_close(void)
{
	if (ctl_listen.lf.fd < 0)
		return;
	loop_del(&ctl_listen.lf);
	close(ctl_listen.lf.fd);
	unlink(mhod_conf->control);
}

/* mhod -C: the client. */
static int ctl_client(int argc, char **argv)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char cmd[256], out[2048];
	size_t n = 0;
	ssize_t r;
	int fd, i;

	for (i = 0; i < argc; i++)
		n += (size_t)snprintf(cmd + n, sizeof(cmd) - n, "%s%s",
				      i ? " " : "", argv[i]);
	if (n >= sizeof(cmd) - 1) {
		fprintf(stderr, "mhod: command too long\n");
		return 2;
	}
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s",
		 mhod_conf->control);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		fprintf(stderr, "mhod: %s: %s\n", sun.sun_path,
			strerror(errno));
		return 1;
	}
	if (write(fd, cmd, n) != (ssize_t)n) {
		fprintf(stderr, "mhod: %s\n", strerror(errno));
		return 1;
	}
	n = 0;
	while (n < sizeof(out) - 1 &&
	       (r = read(fd, out + n, sizeof(out) - 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	out[n] = 0;
	fputs(out, stdout);
	return strncmp(out, "error", 5) ? 0 : 1;
}

/*
 * [Limits] SignalingRate: may the sender of r send one more message
 * now? A bucket of SignalingRate messages, refilled at SignalingRate a second; the first
 * message finds it full. What it refuses is counted and dropped.
 */
bool mhod_rate_ok(struct mhod_rate *r, const char *what,
		  const struct in6_addr *src)
{
	uint64_t rate = mhod_conf->limits.signal_rate, now = loop_now_ms();
	uint64_t cap = rate * 1000, t;

	t = r->ms ? r->tokens + (now - r->ms) * rate : cap;
	if (t > cap)
		t = cap;
	r->ms = now;
	if (t < 1000) {
		r->tokens = t;
		mhod_ctr.rx_rate_limited++;
		mhod_log_reject("%s from %s: over SignalingRate (%llu/s)", what,
				mhod_ntop(src), (unsigned long long)rate);
		return false;
	}
	r->tokens = t - 1000;
	return true;
}

void mhod_rx_malformed(const char *what, const struct mhod_rx *rx,
		       enum mhod_err err)
{
	mhod_ctr.rx_malformed++;
	mhod_log_reject("%s from %s rejected: %s", what,
			mhod_ntop(&rx->pi.src), mhod_strerror(err));
}

/*
 * RFC 6275 9.2: a Mobility Header of an unknown type is answered with a
 * Binding Error, Status 2, to the packet's source: with a Home Address
 * option, the care-of address it came from, the home address in the
 * message (9.3.3). Every node's mhod does so, whatever its role. The
 * errors are rate-limited as ICMPv6's are (9.3.3): one bucket of
 * [Limits] SignalingRate for all of them, so that a flood of unknown
 * types from many sources sends at most that many a second.
 */
void mhod_mh_rx_failed(const struct mhod_rx *rx, enum mhod_err err)
{
	static struct mhod_rate be_rate;
	struct mhod_mh be = {
		.type = MHOD_MH_BE, .msg = MHOD_MSG_BE, .status = 2,
	};
	const struct in6_addr *to = rx->has_hao ? &rx->hao : &rx->pi.src;

	mhod_rx_malformed("Mobility Header", rx, err);
	/* Not to or from an unspecified, loopback or multicast address
	 * (9.3.3, and RFC 4443 2.4 (e) for ICMPv6 errors).
	 */
	if (err != MHOD_E_MH_TYPE || !mhod_addr_unicast(to) ||
	    !mhod_addr_unicast(&rx->pi.dst) ||
	    !mhod_rate_ok(&be_rate, "Mobility Header of an unknown type", to))
		return;
	if (rx->has_hao)
		be.home_addr = rx->pi.src;
	if (net_tx_mh(&be, &rx->pi.dst, to, 0, NULL) < 0)
		return;
	mhod_ctr.be_sent++;
	mhod_log(MHOD_LOG_INFO, "BE to %s: status 2 (MH type %u unknown)",
		 mhod_ntop(to), rx->len > 2 ? rx->buf[2] : 0);
}

/* ---------------------------------------------------------------- main */

static const char *role_name(enum mhod_role r)
{
	return r == MHOD_ROLE_AR ? "access router" :
	       r == MHOD_ROLE_HA ? "home agent" : "mobile node";
}

static void usage(FILE *f)
{
	fprintf(f, "usage: mhod [-c FILE] [-t] [-C COMMAND...] | -V\n"
		"  -c FILE  configuration (default " DEFAULT_CONF ")\n"
		"  -t       check the configuration and exit\n"
		"  -C ...   send a command to the running daemon\n"
		"  -V       print the version and exit\n");
}

/* SIGTERM, SIGINT: the loop stops; SIGHUP, SIGUSR1: the counters. */
static void on_signal(int signo)
{
	char out[2048];

	if (signo == SIGTERM || signo == SIGINT) {
		mhod_log(MHOD_LOG_INFO, "signal %d: shutting down", signo);
		return;
	}
	stats_line(out, sizeof(out));
	mhod_log(MHOD_LOG_INFO, "%s", out);
}

int main(int argc, char **argv)
{
	static struct mhod_conf conf;
	const char *path = DEFAULT_CONF;
	char err[MHOD_CONF_ERR_MAX];
	bool test = false, client = false;
	int opt, ret = 1;

	while ((opt = getopt(argc, argv, "+c:tChV")) != -1) {
		switch (opt) {
		case 'c':
			path = optarg;
			break;
		case 't':
			test = true;
			break;
		case 'C':
			client = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("mhod %s (mho generic netlink version %u)\n",
			       MHOD_VERSION, MHO_GENL_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (client != (optind < argc)) {
		usage(stderr);
		return 2;
	}
	if (mhod_conf_load(&conf, path, err) < 0) {
		fprintf(stderr, "mhod: %s\n", err);
		return 1;
	}
	mhod_conf = &conf;
	log_level = conf.log_level;
	if (client)
		return ctl_client(argc - optind, argv + optind);
	if (conf.preauth == MHOD_PREAUTH_IKEV2) {
		/* Refused, not ignored: an operator would count on it. */
		fprintf(stderr, "mhod: %s: PreAuthentication = ikev2 is not built; fmipv6 is (mhod(8), PRE-AUTHENTICATION)\n",
			path);
		mhod_conf_free(&conf);
		return 1;
	}
	if (test) {
		printf("%s: configuration OK (%s, %u interfaces, %u neighbours, %u peers)\n",
		       path, role_name(conf.role), conf.nifaces,
		       conf.nneighbors, conf.npeers);
		return 0;
	}
	if (keys_load() < 0 || loop_init() < 0) {
		mhod_log(MHOD_LOG_ERR, "start-up failed");
		goto out;
	}
	if (mhod_ipsec_check() < 0)
		goto out;
	if (conf.role == MHOD_ROLE_AR ? ar_start() :
	    conf.role == MHOD_ROLE_HA ? ha_start() : mn_start())
		goto out;
	if (ctl_open() < 0)
		goto stop;
	mhod_log(MHOD_LOG_INFO, "running as %s (%s)", role_name(conf.role),
		 path);
	ret = loop_run(on_signal) ? 1 : 0;
	ctl_close();
stop:
	if (conf.role == MHOD_ROLE_AR)
		ar_stop();
	else if (conf.role == MHOD_ROLE_HA)
		ha_stop();
	else
		mn_stop();
out:
	keys_free();
	mhod_log(MHOD_LOG_INFO, "exit %d", ret);
	mhod_conf_free(&conf);
	return ret;
}
