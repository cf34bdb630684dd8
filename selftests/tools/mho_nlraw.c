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
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common.h"
#include "mhonl.h"

const char prog[] = "mho_nlraw";

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
	N(MHO_CTX_A_N_SA), N(MHO_CTX_A_N_POLICY), N(MHO_CTX_A_GENERATION),
	N(MHO_CTX_A_PAD),
	N(MHO_SA_A_INFO), N(MHO_SA_A_AEAD), N(MHO_SA_A_CRYPT),
	N(MHO_SA_A_AUTH), N(MHO_SA_A_REPLAY), N(MHO_SA_A_REPLAY_ESN),
	N(MHO_SA_A_MARK), N(MHO_SA_A_IF_ID), N(MHO_SA_A_EXTRA_FLAGS),
	N(MHO_SA_A_TFCPAD),
	N(MHO_POL_A_INFO), N(MHO_POL_A_TMPL), N(MHO_POL_A_MARK),
	N(MHO_POL_A_IF_ID),
	N(MHO_SPI_A_OLD), N(MHO_SPI_A_NEW),
	{ NULL, 0 }
};

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

/* Room for a fill:60000 and the rest; no attribute moves once put. */
#define MSG_SIZE 65536

static struct nl_msg *msg;
static struct nlattr *nests[16];
static int depth;
static int replies;

static void add_attr(char *arg)
{
	char *eq = strchr(arg, '='), *val, *kind;
	unsigned long long v;
	int type;

	if (!strcmp(arg, "}")) {
		struct nlattr *a;

		if (!depth)
			die("%s", "unbalanced \"}\"");
		/* By hand: nla_nest_end() drops an empty nest. */
		a = nests[--depth];
		a->nla_len = (char *)nlmsg_tail(nlmsg_hdr(msg)) - (char *)a;
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
		nests[depth++] = (struct nlattr *)nlmsg_tail(nlmsg_hdr(msg));
		mho_put_raw(msg, type | (kind[0] == '{' ? NLA_F_NESTED : 0), NULL, 0);
		return;
	}
	if (!strcmp(kind, "flag")) {
		mho_put_raw(msg, type, NULL, 0);
		return;
	}
	val = strchr(kind, ':');
	if (!val)
		die("bad attribute value \"%s\"", kind);
	*val++ = '\0';
	if (!strcmp(kind, "str")) {
		mho_put_raw(msg, type, val, strlen(val) + 1);
	} else if (!strcmp(kind, "in6")) {
		struct in6_addr a;

		if (inet_pton(AF_INET6, val, &a) != 1)
			die("bad address \"%s\"", val);
		mho_put_raw(msg, type, &a, sizeof(a));
	} else if (!strcmp(kind, "hex")) {
		unsigned char b[4096];
		size_t n = 0;

		for (; val[0] && val[1] && n < sizeof(b); val += 2) {
			char h[3] = { val[0], val[1], 0 };

			b[n++] = strtoul(h, NULL, 16);
		}
		mho_put_raw(msg, type, b, n);
	} else if (!strcmp(kind, "fill")) {
		size_t n = strtoul(val, NULL, 0);
		unsigned char *d;

		if (n > 60000)
			die("%s", "fill too long");
		d = mho_put_raw(msg, type, NULL, n);
		memset(d, 'x', n);
	} else {
		v = strtoull(val, NULL, 0);
		if (!strcmp(kind, "u8")) {
			uint8_t x = v;

			mho_put_raw(msg, type, &x, 1);
		} else if (!strcmp(kind, "u16")) {
			uint16_t x = v;

			mho_put_raw(msg, type, &x, 2);
		} else if (!strcmp(kind, "u32")) {
			uint32_t x = v;

			mho_put_raw(msg, type, &x, 4);
		} else if (!strcmp(kind, "u64")) {
			uint64_t x = v;

			mho_put_raw(msg, type, &x, 8);
		} else {
			die("bad attribute kind \"%s\"", kind);
		}
	}
}

static int count(const struct nlmsghdr *nlh, void *arg)
{
	struct mhonl *h = arg;

	if (nlh->nlmsg_type == mhonl_family(h))
		replies++;
	return 0;
}

int main(int argc, char **argv)
{
	struct mhonl_ack ack;
	struct mhonl *h;
	void *g;
	int family, dump = 0, ret;
	int i;

	die_status = 2;
	if (argc > 1 && !strcmp(argv[1], "-d")) {
		dump = 1;
		argc--;
		argv++;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: mho_nlraw [-d] CMD [ATTR...]\n");
		return 2;
	}
	msg = nlmsg_alloc_size(MSG_SIZE);
	if (!msg)
		die("%s", "out of memory");
	/* The family id is filled in once the request is built. */
	g = genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, 0, 0,
			NLM_F_REQUEST | NLM_F_ACK | (dump ? NLM_F_DUMP : 0),
			lookup(cmds, "CMD_", argv[1]), MHO_GENL_VERSION);
	if (!g)
		die("%s", "out of memory");
	for (i = 2; i < argc; i++)
		add_attr(argv[i]);
	if (depth)
		die("%s", "unclosed nest");

	h = mhonl_open(NETLINK_GENERIC);
	if (!h) {
		fprintf(stderr, "mho_nlraw: socket: %s\n", strerror(errno));
		return 2;
	}
	family = mhonl_family(h);
	if (family == -ENOENT) {
		fprintf(stderr, "Error: %s\n", MHONL_NOT_LOADED);
		return 2;
	}
	if (family < 0)
		die("cannot resolve the family: %s", strerror(-family));
	nlmsg_hdr(msg)->nlmsg_type = family;

	ret = mhonl_request(h, msg, count, h, &ack);
	if (!ack.done) {
		fprintf(stderr, "mho_nlraw: %s\n", strerror(-ret));
		return 2;
	}
	printf("replies=%d\nerrno=%d\n", replies, -ack.error);
	if (ack.dump_error)
		printf("done-errno=%d\n", -ack.error);
	if (ack.msg[0])
		printf("extack=%s\n", ack.msg);
	mhonl_close(h);
	return ack.error ? 1 : 0;
}
