// SPDX-License-Identifier: GPL-2.0
/*
 * mho_nlraw - send one hand-made generic netlink request to the mho family
 * and report the kernel's answer. For the selftests: it can build messages
 * that mhoctl never sends (wrong lengths, unknown or missing attributes,
 * nests without NLA_F_NESTED).
 *
 *   mho_nlraw [-d] CMD [ATTR...]
 *
 *   -d        set NLM_F_DUMP
 *   CMD       a command name from <linux/mho.h> (PEER_NEW, peer_new,
 *             MHO_CMD_PEER_NEW) or a number
 *   ATTR      TYPE=u8:N | TYPE=u16:N | TYPE=u32:N | TYPE=u64:N
 *             TYPE=str:TEXT (with NUL)   TYPE=in6:ADDR
 *             TYPE=hex:HEXBYTES          TYPE=fill:LEN (LEN bytes 'x')
 *             TYPE=flag (empty)
 *             TYPE={  opens a nest (NLA_F_NESTED set)
 *             TYPE=nonest{  opens a nest without NLA_F_NESTED
 *             }       closes the innermost nest
 *   TYPE      an attribute name from <linux/mho.h> (A_PEER, PEER_A_ADDR,
 *             MHO_BINDING_A_ID, ...; case does not matter) or a number
 *
 * Output (stdout), then exit status 0 on success, 1 on a kernel error,
 * 2 on a usage or local error:
 *   replies=N          messages of the family received
 *   errno=E            0, or the positive errno the kernel returned
 *   extack=MSG         only if the kernel sent an extack message
 *   done-errno=E       a dump that failed half-way (NLMSG_DONE error)
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <linux/mho.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define N(x) { #x, x }
static const struct name {
	const char *name;
	int value;
} cmds[] = {
	N(MHO_CMD_PEER_NEW), N(MHO_CMD_PEER_SET), N(MHO_CMD_PEER_DEL),
	N(MHO_CMD_PEER_GET), N(MHO_CMD_BINDING_NEW), N(MHO_CMD_BINDING_SET),
	N(MHO_CMD_BINDING_DEL), N(MHO_CMD_BINDING_GET), N(MHO_CMD_LIMITS_GET),
	N(MHO_CMD_LIMITS_SET), N(MHO_CMD_STATS_GET), N(MHO_CMD_EVENT),
	N(MHO_CMD_CTX_EXPORT), N(MHO_CMD_CTX_IMPORT), N(MHO_CMD_CTX_ACTIVATE),
	N(MHO_CMD_CTX_DROP), N(MHO_CMD_CTX_MOVE),
	{ NULL, 0 }
}, attrs[] = {
	N(MHO_A_PEER), N(MHO_A_BINDING), N(MHO_A_LIMITS), N(MHO_A_STATS),
	N(MHO_A_EVENT), N(MHO_A_CTX),
	N(MHO_PEER_A_ADDR), N(MHO_PEER_A_NAME), N(MHO_PEER_A_LOCAL),
	N(MHO_PEER_A_BINDINGS),
	N(MHO_BINDING_A_PAD), N(MHO_BINDING_A_ID), N(MHO_BINDING_A_MATCH),
	N(MHO_BINDING_A_ROLE), N(MHO_BINDING_A_HOA), N(MHO_BINDING_A_COA),
	N(MHO_BINDING_A_NCOA), N(MHO_BINDING_A_PEER),
	N(MHO_BINDING_A_LIMITS), N(MHO_BINDING_A_STATS),
	N(MHO_BINDING_A_STATE), N(MHO_BINDING_A_BICAST), N(MHO_BINDING_A_RATE),
	N(MHO_BINDING_A_LINGER_MS), N(MHO_BINDING_A_MARKER_WAIT_MS),
	N(MHO_BINDING_A_QUEUED_PKTS), N(MHO_BINDING_A_QUEUED_BYTES),
	N(MHO_BINDING_A_CACHE_MS), N(MHO_BINDING_A_CACHED_PKTS),
	N(MHO_LIMITS_A_MAX_PKTS), N(MHO_LIMITS_A_MAX_BYTES),
	N(MHO_LIMITS_A_MAX_HOLD_MS), N(MHO_LIMITS_A_MAX_BINDINGS),
	N(MHO_LIMITS_A_MAX_PEERS), N(MHO_LIMITS_A_TOTAL_PKTS),
	N(MHO_LIMITS_A_TOTAL_BYTES), N(MHO_LIMITS_A_CACHE_MS),
	N(MHO_LIMITS_A_CACHE_PKTS), N(MHO_LIMITS_A_CACHE_TOTAL),
	N(MHO_CTR_A_PAD), N(MHO_CTR_A_RX_PKTS), N(MHO_CTR_A_RX_BYTES),
	N(MHO_STATS_A_PAD), N(MHO_STATS_A_BINDINGS), N(MHO_STATS_A_PEERS),
	N(MHO_STATS_A_RX_PKTS), N(MHO_STATS_A_RX_BYTES),
	N(MHO_STATS_A_GENERATION),
	N(MHO_CTX_A_VERSION), N(MHO_CTX_A_AR), N(MHO_CTX_A_COA),
	N(MHO_CTX_A_HOA), N(MHO_CTX_A_SA), N(MHO_CTX_A_POLICY),
	N(MHO_CTX_A_DISPOSE), N(MHO_CTX_A_MODE), N(MHO_CTX_A_NEW_AR),
	N(MHO_CTX_A_NEW_COA), N(MHO_CTX_A_SEQ_MARGIN), N(MHO_CTX_A_SPI),
	N(MHO_CTX_A_N_SA), N(MHO_CTX_A_N_POLICY),
	N(MHO_SA_A_INFO), N(MHO_SA_A_AEAD), N(MHO_SA_A_CRYPT),
	N(MHO_SA_A_AUTH), N(MHO_SA_A_REPLAY), N(MHO_SA_A_REPLAY_ESN),
	N(MHO_SA_A_MARK), N(MHO_SA_A_IF_ID), N(MHO_SA_A_EXTRA_FLAGS),
	N(MHO_SA_A_TFCPAD),
	N(MHO_POL_A_INFO), N(MHO_POL_A_TMPL), N(MHO_POL_A_MARK),
	N(MHO_POL_A_IF_ID),
	N(MHO_SPI_A_OLD), N(MHO_SPI_A_NEW),
	{ NULL, 0 }
};

static __attribute__((noreturn)) void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "mho_nlraw: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(2);
}

/* "MHO_CMD_PEER_NEW", "CMD_PEER_NEW", "peer_new" (prefix given) or 12. */
static int lookup(const struct name *t, const char *prefix, const char *s)
{
	char *end;
	long v;

	v = strtol(s, &end, 0);
	if (*s && !*end)
		return v;
	for (; t->name; t++) {
		const char *n = t->name;

		if (!strcasecmp(s, n) || !strcasecmp(s, n + 4) ||
		    (!strncmp(n + 4, prefix, strlen(prefix)) &&
		     !strcasecmp(s, n + 4 + strlen(prefix))))
			return t->value;
	}
	die("unknown name \"%s\"", s);
}

static char buf[65536] __attribute__((aligned(4)));
static size_t len;
static size_t nests[16];
static int depth;

static void *put(int type, const void *data, size_t n)
{
	struct nlattr *a = (struct nlattr *)(buf + len);

	if (len + NLA_HDRLEN + NLA_ALIGN(n) > sizeof(buf))
		die("%s", "message too long");
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + n;
	memset(buf + len + NLA_HDRLEN, 0, NLA_ALIGN(n));
	if (data)
		memcpy(buf + len + NLA_HDRLEN, data, n);
	len += NLA_HDRLEN + NLA_ALIGN(n);
	return a;
}

static void add_attr(char *arg)
{
	char *eq = strchr(arg, '='), *val, *kind;
	unsigned long long v;
	int type;

	if (!strcmp(arg, "}")) {
		struct nlattr *a;

		if (!depth)
			die("%s", "unbalanced \"}\"");
		a = (struct nlattr *)(buf + nests[--depth]);
		a->nla_len = len - nests[depth];
		return;
	}
	if (!eq)
		die("bad attribute \"%s\"", arg);
	*eq = '\0';
	type = lookup(attrs, "", arg);
	kind = eq + 1;
	if (!strcmp(kind, "{") || !strcmp(kind, "nonest{")) {
		if (depth == 16)
			die("%s", "nested too deep");
		nests[depth++] = len;
		put(type | (kind[0] == '{' ? NLA_F_NESTED : 0), NULL, 0);
		return;
	}
	if (!strcmp(kind, "flag")) {
		put(type, NULL, 0);
		return;
	}
	val = strchr(kind, ':');
	if (!val)
		die("bad attribute value \"%s\"", kind);
	*val++ = '\0';
	if (!strcmp(kind, "str")) {
		put(type, val, strlen(val) + 1);
	} else if (!strcmp(kind, "in6")) {
		struct in6_addr a;

		if (inet_pton(AF_INET6, val, &a) != 1)
			die("bad address \"%s\"", val);
		put(type, &a, sizeof(a));
	} else if (!strcmp(kind, "hex")) {
		unsigned char b[4096];
		size_t n = 0;

		for (; val[0] && val[1] && n < sizeof(b); val += 2) {
			char h[3] = { val[0], val[1], 0 };

			b[n++] = strtoul(h, NULL, 16);
		}
		put(type, b, n);
	} else if (!strcmp(kind, "fill")) {
		size_t n = strtoul(val, NULL, 0);
		unsigned char *d;

		if (n > 60000)
			die("%s", "fill too long");
		put(type, NULL, n);
		d = (unsigned char *)buf + len - NLA_ALIGN(n);
		memset(d, 'x', n);
	} else {
		v = strtoull(val, NULL, 0);
		if (!strcmp(kind, "u8")) {
			uint8_t x = v;

			put(type, &x, 1);
		} else if (!strcmp(kind, "u16")) {
			uint16_t x = v;

			put(type, &x, 2);
		} else if (!strcmp(kind, "u32")) {
			uint32_t x = v;

			put(type, &x, 4);
		} else if (!strcmp(kind, "u64")) {
			uint64_t x = v;

			put(type, &x, 8);
		} else {
			die("bad attribute kind \"%s\"", kind);
		}
	}
}

static int nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd, one = 1;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("mho_nlraw: socket");
		exit(2);
	}
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	return fd;
}

static void send_msg(int fd, void *msg, size_t n)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	if (sendto(fd, msg, n, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("mho_nlraw: send");
		exit(2);
	}
}

static char rbuf[1 << 17] __attribute__((aligned(4)));

static void print_extack(const struct nlmsghdr *h, size_t off)
{
	const struct nlattr *a;
	size_t end = h->nlmsg_len;

	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	off = NLMSG_HDRLEN + NLMSG_ALIGN(off);
	while (off + NLA_HDRLEN <= end) {
		a = (const struct nlattr *)((const char *)h + off);
		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > end)
			break;
		if (a->nla_type == NLMSGERR_ATTR_MSG)
			printf("extack=%.*s\n",
			       (int)strnlen((const char *)a + NLA_HDRLEN,
					    a->nla_len - NLA_HDRLEN),
			       (const char *)a + NLA_HDRLEN);
		off += NLA_ALIGN(a->nla_len);
	}
}

/* Resolve the family with CTRL_CMD_GETFAMILY. */
static int resolve(int fd)
{
	struct {
		struct nlmsghdr n;
		struct genlmsghdr g;
		char attrs[64];
	} req = { 0 };
	struct nlattr *a = (struct nlattr *)req.attrs;
	ssize_t r;

	a->nla_type = CTRL_ATTR_FAMILY_NAME;
	a->nla_len = NLA_HDRLEN + sizeof(MHO_GENL_NAME);
	memcpy(req.attrs + NLA_HDRLEN, MHO_GENL_NAME, sizeof(MHO_GENL_NAME));
	req.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN) + NLA_ALIGN(a->nla_len);
	req.n.nlmsg_type = GENL_ID_CTRL;
	req.n.nlmsg_flags = NLM_F_REQUEST;
	req.n.nlmsg_seq = 1;
	req.g.cmd = CTRL_CMD_GETFAMILY;
	req.g.version = 1;
	send_msg(fd, &req, req.n.nlmsg_len);
	r = recv(fd, rbuf, sizeof(rbuf), 0);
	if (r > 0) {
		struct nlmsghdr *h = (struct nlmsghdr *)rbuf;
		size_t off = NLMSG_LENGTH(GENL_HDRLEN);

		if (h->nlmsg_type == NLMSG_ERROR) {
			fprintf(stderr, "Error: mho module not loaded (generic netlink family \"mho\" not found)\n");
			exit(2);
		}
		while (off + NLA_HDRLEN <= h->nlmsg_len) {
			a = (struct nlattr *)(rbuf + off);
			if (a->nla_len < NLA_HDRLEN)
				break;
			if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
				return *(uint16_t *)((char *)a + NLA_HDRLEN);
			off += NLA_ALIGN(a->nla_len);
		}
	}
	fprintf(stderr, "mho_nlraw: cannot resolve the family\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct nlmsghdr *n = (struct nlmsghdr *)buf;
	struct genlmsghdr *g;
	int fd, family, dump = 0, replies = 0, err = 0, done_err = 0;
	int i;

	if (argc > 1 && !strcmp(argv[1], "-d")) {
		dump = 1;
		argc--;
		argv++;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: mho_nlraw [-d] CMD [ATTR...]\n");
		return 2;
	}
	len = NLMSG_LENGTH(GENL_HDRLEN);
	g = NLMSG_DATA(n);
	g->cmd = lookup(cmds, "CMD_", argv[1]);
	g->version = MHO_GENL_VERSION;
	for (i = 2; i < argc; i++)
		add_attr(argv[i]);
	if (depth)
		die("%s", "unclosed nest");

	fd = nl_open();
	family = resolve(fd);
	n->nlmsg_len = len;
	n->nlmsg_type = family;
	n->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (dump ? NLM_F_DUMP : 0);
	n->nlmsg_seq = 2;
	send_msg(fd, buf, len);

	for (;;) {
		ssize_t r = recv(fd, rbuf, sizeof(rbuf), 0);
		struct nlmsghdr *h;
		int rem;

		if (r < 0) {
			perror("mho_nlraw: recv");
			return 2;
		}
		rem = r;
		for (h = (struct nlmsghdr *)rbuf; NLMSG_OK(h, rem);
		     h = NLMSG_NEXT(h, rem)) {
			if (h->nlmsg_seq != 2)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);
				size_t off = sizeof(*e);

				if (!(h->nlmsg_flags & NLM_F_CAPPED))
					off += e->msg.nlmsg_len - NLMSG_HDRLEN;
				err = -e->error;
				printf("replies=%d\nerrno=%d\n", replies, err);
				print_extack(h, off);
				return err ? 1 : 0;
			}
			if (h->nlmsg_type == NLMSG_DONE) {
				memcpy(&done_err, NLMSG_DATA(h), sizeof(int));
				printf("replies=%d\nerrno=%d\n", replies,
				       -done_err);
				if (done_err) {
					printf("done-errno=%d\n", -done_err);
					print_extack(h, sizeof(int));
				}
				return done_err ? 1 : 0;
			}
			if (h->nlmsg_type == family)
				replies++;
		}
	}
}
