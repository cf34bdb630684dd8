// SPDX-License-Identifier: GPL-2.0
/*
 * mhoctl netlink layer (libnl-genl-3).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "nl.h"
#include "print.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define MOD_PREFIX "mho: "
/* The generic netlink controller (GENL_ID_CTRL). */
#define CTRL_NAME "nlctrl"

static struct nl_sock *sock;
static struct nl_cb *cb;
static int family = -1;

struct request {
	mho_reply_fn fn;
	void *arg;
	int err;		/* negative errno from the kernel, or 0 */
	bool done;
	bool failed;		/* fn returned -1 */
	bool intr;		/* NLM_F_DUMP_INTR seen */
	bool gone;		/* the family was unregistered */
	char msg[512];		/* extack message, "" if none */
	uint32_t offs;		/* NLMSGERR_ATTR_OFFS, 0 if none */
	struct error_info info;	/* policy of the rejected attribute */
};

/*
 * The keywords of the message being built: the offset of each attribute
 * mho_word() named, so that an error the kernel reports on an attribute
 * (by its offset in the request) names what the user typed. The words
 * are string literals or command line words. mhoctl builds and sends one
 * request at a time: mho_msg_size() starts a new list.
 */
static struct {
	size_t n;
	struct {
		uint32_t offs;
		const char *word;
	} v[64];
} words;

void mho_word(struct nl_msg *msg, const char *word)
{
	if (words.n == sizeof(words.v) / sizeof(words.v[0]))
		return;
	/* The next attribute starts at the aligned end of the message. */
	words.v[words.n].offs = NLMSG_ALIGN(nlmsg_hdr(msg)->nlmsg_len);
	words.v[words.n].word = word;
	words.n++;
}

static const char *word_at(uint32_t offs)
{
	size_t i;

	if (!offs)
		return NULL;
	for (i = 0; i < words.n; i++)
		if (words.v[i].offs == offs)
			return words.v[i].word;
	return NULL;
}

/* NLMSGERR_ATTR_POLICY: the bounds of the rejected attribute. */
static void policy_parse(const struct nlattr *pol, struct error_info *e)
{
	struct nlattr *tb[NL_POLICY_TYPE_ATTR_MAX + 1];
	uint32_t type = 0;

	e->policy = true;
	if (nla_parse_nested(tb, NL_POLICY_TYPE_ATTR_MAX,
			     (struct nlattr *)pol, NULL) < 0)
		return;
	if (tb[NL_POLICY_TYPE_ATTR_TYPE])
		type = nla_get_u32(tb[NL_POLICY_TYPE_ATTR_TYPE]);
	if (tb[NL_POLICY_TYPE_ATTR_MIN_VALUE_U] &&
	    tb[NL_POLICY_TYPE_ATTR_MAX_VALUE_U]) {
		e->has_urange = true;
		e->umin = nla_get_u64(tb[NL_POLICY_TYPE_ATTR_MIN_VALUE_U]);
		e->umax = nla_get_u64(tb[NL_POLICY_TYPE_ATTR_MAX_VALUE_U]);
	} else if (tb[NL_POLICY_TYPE_ATTR_MIN_VALUE_S] &&
		   tb[NL_POLICY_TYPE_ATTR_MAX_VALUE_S]) {
		e->has_srange = true;
		e->smin = (int64_t)nla_get_u64(tb[NL_POLICY_TYPE_ATTR_MIN_VALUE_S]);
		e->smax = (int64_t)nla_get_u64(tb[NL_POLICY_TYPE_ATTR_MAX_VALUE_S]);
	}
	if (tb[NL_POLICY_TYPE_ATTR_MIN_LENGTH])
		e->min_len = nla_get_u32(tb[NL_POLICY_TYPE_ATTR_MIN_LENGTH]);
	if (tb[NL_POLICY_TYPE_ATTR_MAX_LENGTH])
		e->max_len = nla_get_u32(tb[NL_POLICY_TYPE_ATTR_MAX_LENGTH]);
	if (e->min_len || e->max_len)
		e->len_unit = type == NL_ATTR_TYPE_BINARY ? "bytes" :
			      "characters";
}

static void extack_parse(const struct nlmsghdr *nlh, size_t off,
			 struct request *r)
{
	struct nlattr *a;
	size_t len = nlh->nlmsg_len;
	int rem;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	off = NLMSG_HDRLEN + NLMSG_ALIGN(off);
	if (len <= off)
		return;
	a = (struct nlattr *)((char *)nlh + off);
	nla_for_each_attr(a, a, (int)(len - off), rem) {
		if (nla_type(a) == NLMSGERR_ATTR_MSG && nla_len(a) > 0) {
			const char *m = nla_data(a);
			size_t n = strnlen(m, nla_len(a));

			/* The module's NL_SET_ERR_MSG_MOD() prefix. */
			if (n >= strlen(MOD_PREFIX) &&
			    !strncmp(m, MOD_PREFIX, strlen(MOD_PREFIX))) {
				m += strlen(MOD_PREFIX);
				n -= strlen(MOD_PREFIX);
			}
			if (n >= sizeof(r->msg))
				n = sizeof(r->msg) - 1;
			memcpy(r->msg, m, n);
			r->msg[n] = '\0';
		} else if (nla_type(a) == NLMSGERR_ATTR_OFFS &&
			   nla_len(a) == sizeof(uint32_t)) {
			r->offs = nla_get_u32(a);
		} else if (nla_type(a) == NLMSGERR_ATTR_POLICY) {
			policy_parse(a, &r->info);
		}
	}
}

static int err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	const struct nlmsghdr *nlh =
		(const struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct request *r = arg;
	size_t off = sizeof(*e);

	(void)nla;
	/* Unless capped, the request is echoed after the nlmsgerr. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	r->err = e->error;
	extack_parse(nlh, off, r);
	r->done = true;
	return NL_STOP;
}

static int finish_cb(struct nl_msg *msg, void *arg)
{
	const struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct request *r = arg;

	/* A dump that failed half-way ends with the error in NLMSG_DONE. */
	if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int)) {
		int e;

		memcpy(&e, nlmsg_data(nlh), sizeof(e));
		if (e < 0) {
			r->err = e;
			extack_parse(nlh, sizeof(int), r);
		}
	}
	r->done = true;
	return NL_STOP;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	struct request *r = arg;

	(void)msg;
	r->done = true;
	return NL_STOP;
}

static int intr_cb(struct nl_msg *msg, void *arg)
{
	struct request *r = arg;

	(void)msg;
	r->intr = true;
	return NL_OK;
}

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *gnlh = nlmsg_data(nlh);
	struct nlattr *tb[MHO_A_MAX + 1];
	struct request *r = arg;

	if (nlh->nlmsg_type != family || r->failed || !r->fn)
		return NL_OK;
	if (genlmsg_parse(nlh, 0, tb, MHO_A_MAX, NULL) < 0) {
		print_err("malformed reply from the kernel");
		r->failed = true;
		return NL_OK;
	}
	if (r->fn(gnlh->cmd, tb, r->arg) < 0)
		r->failed = true;
	return NL_OK;
}

static void print_errno(int err)
{
	struct error_info e = { .errnum = err };

	print_error(&e, "%s", strerror(err));
}

/* Open the socket and resolve the family, once per process. */
static int nl_setup(void)
{
	int one = 1, fd;

	if (family >= 0)
		return 0;
	if (!sock) {
		sock = nl_socket_alloc();
		cb = nl_cb_alloc(NL_CB_DEFAULT);
		if (!sock || !cb) {
			print_errno(ENOMEM);
			return -1;
		}
		if (genl_connect(sock) < 0) {
			print_errno(errno ? errno : EPROTONOSUPPORT);
			return -1;
		}
		fd = nl_socket_get_fd(sock);
		/* Best effort: old kernels lack these options. */
		setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
		setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
		nl_socket_enable_msg_peek(sock);
		nl_socket_set_msg_buf_size(sock, 65536);
	}
	family = genl_ctrl_resolve(sock, MHO_GENL_NAME);
	if (family < 0) {
		if (family == -NLE_OBJ_NOTFOUND)
			print_err("mho module not loaded (generic netlink family \"%s\" not found)",
				  MHO_GENL_NAME);
		else
			print_err("cannot resolve generic netlink family \"%s\": %s",
				  MHO_GENL_NAME, nl_geterror(family));
		family = -1;
		return -1;
	}
	return 0;
}

static void *xmsg(void *p)
{
	if (!p) {
		print_err("out of memory");
		exit(1);
	}
	return p;
}

struct nl_msg *mho_msg(uint8_t cmd, int flags)
{
	return mho_msg_size(cmd, flags, 0);
}

/* mho_msg() with room for @size bytes (0: libnl's default, a page). */
struct nl_msg *mho_msg_size(uint8_t cmd, int flags, size_t size)
{
	struct nl_msg *msg = xmsg(size ? nlmsg_alloc_size(size) : nlmsg_alloc());

	words.n = 0;
	/* The family id (nlmsg_type) is set by mho_request(). */
	xmsg(genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, 0, 0, flags, cmd,
			 MHO_GENL_VERSION));
	return msg;
}

struct nlattr *mho_nest_start(struct nl_msg *msg, int type)
{
	struct nlattr *nest = xmsg(nla_nest_start(msg, type));

	nest->nla_type |= NLA_F_NESTED;
	return nest;
}

void mho_nest_end(struct nl_msg *msg, struct nlattr *nest)
{
	nla_nest_end(msg, nest);
}

void mho_put_u32(struct nl_msg *msg, int type, uint32_t v)
{
	if (nla_put_u32(msg, type, v) < 0)
		xmsg(NULL);
}

void mho_put_u8(struct nl_msg *msg, int type, uint8_t v)
{
	if (nla_put_u8(msg, type, v) < 0)
		xmsg(NULL);
}

void mho_put_addr(struct nl_msg *msg, int type, const struct in6_addr *a)
{
	if (nla_put(msg, type, sizeof(*a), a) < 0)
		xmsg(NULL);
}

void mho_put_bin(struct nl_msg *msg, int type, size_t len, const void *data)
{
	if (nla_put(msg, type, (int)len, len ? data : NULL) < 0)
		xmsg(NULL);
}

void mho_put_str(struct nl_msg *msg, int type, const char *s)
{
	if (nla_put_string(msg, type, s) < 0) {
		print_err("string too long");
		exit(1);
	}
}

int mho_request(struct nl_msg *msg, mho_reply_fn fn, void *arg)
{
	struct request r = { .fn = fn, .arg = arg };
	int ret;

	if (nl_setup() < 0) {
		nlmsg_free(msg);
		return -1;
	}
	nlmsg_hdr(msg)->nlmsg_type = family;

	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, &r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, finish_cb, &r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, &r);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, intr_cb, &r);
	nl_cb_err(cb, NL_CB_CUSTOM, err_cb, &r);

	ret = nl_send_auto(sock, msg);
	/* A request may carry keys (context import). */
	explicit_bzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
	if (ret < 0) {
		print_err("cannot send request: %s", nl_geterror(ret));
		return -1;
	}
	while (!r.done) {
		ret = nl_recvmsgs(sock, cb);
		if (ret < 0 && !r.done) {
			print_err("%s", nl_geterror(ret));
			return -1;
		}
	}
	if (r.err) {
		r.info.errnum = -r.err;
		r.info.message = r.msg[0] ? r.msg : NULL;
		r.info.attr = word_at(r.offs);
		print_error(&r.info, "%s", r.msg[0] ? r.msg : strerror(-r.err));
		return -1;
	}
	if (r.intr)
		fprintf(stderr, "Dump was interrupted and may be inconsistent.\n");
	return r.failed ? -1 : 0;
}

static int seq_ok_cb(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

/* The controller's CTRL_CMD_DELFAMILY of our family: the module is gone. */
static bool family_removed(struct nl_msg *msg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[CTRL_ATTR_MAX + 1];

	if (nlh->nlmsg_type != GENL_ID_CTRL ||
	    genlmsg_hdr(nlh)->cmd != CTRL_CMD_DELFAMILY ||
	    genlmsg_parse(nlh, 0, tb, CTRL_ATTR_MAX, NULL) < 0 ||
	    !tb[CTRL_ATTR_FAMILY_ID] ||
	    nla_len(tb[CTRL_ATTR_FAMILY_ID]) != sizeof(uint16_t))
		return false;
	return nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]) == family;
}

static int event_cb(struct nl_msg *msg, void *arg)
{
	struct request *r = arg;

	if (family_removed(msg)) {
		r->gone = true;
		return NL_STOP;
	}
	if (nlmsg_hdr(msg)->nlmsg_type != family)
		return NL_SKIP;
	return valid_cb(msg, r);
}

/* Join a multicast group: not nl_socket_add_membership(), it hides errno. */
static int join(int grp)
{
	int fd = nl_socket_get_fd(sock);

	if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
		       sizeof(grp)) < 0) {
		print_errno(errno);
		return -1;
	}
	return 0;
}

int mho_listen(mho_reply_fn fn, void *arg)
{
	struct request r = { .fn = fn, .arg = arg };
	int grp, ctrl, ret;

	if (nl_setup() < 0)
		return -1;
	grp = genl_ctrl_resolve_grp(sock, MHO_GENL_NAME, MHO_MCGRP_EVENTS);
	if (grp < 0) {
		print_err("multicast group \"%s\" not found: %s",
			  MHO_MCGRP_EVENTS, nl_geterror(grp));
		return -1;
	}
	/* The controller says when the family goes (genl_ctrl_event()). */
	ctrl = genl_ctrl_resolve_grp(sock, CTRL_NAME, "notify");
	if (ctrl < 0) {
		print_err("multicast group \"notify\" of \"%s\" not found: %s",
			  CTRL_NAME, nl_geterror(ctrl));
		return -1;
	}
	if (join(grp) < 0 || join(ctrl) < 0)
		return -1;
	/* A request made before (on r of its own, gone) ends nothing here. */
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_DEFAULT, NULL, NULL);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_DEFAULT, NULL, NULL);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_DEFAULT, NULL, NULL);
	nl_cb_err(cb, NL_CB_DEFAULT, NULL, NULL);
	/* Notifications have sequence number 0: no check (our own cb). */
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, seq_ok_cb, NULL);
	nl_socket_set_buffer_size(sock, 4 << 20, 0);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, event_cb, &r);
	for (;;) {
		ret = nl_recvmsgs(sock, cb);
		if (r.failed)
			return -1;
		if (r.gone) {
			family = -1;
			return 1;
		}
		if (ret == -NLE_NOMEM) {
			/* ENOBUFS: the socket overflowed; events were lost. */
			fprintf(stderr, "Warning: events were lost (receive buffer overflow)\n");
			continue;
		}
		if (ret < 0 && ret != -NLE_INTR && ret != -NLE_AGAIN) {
			print_err("%s", nl_geterror(ret));
			return -1;
		}
	}
}

const struct in6_addr *mho_get_addr(const struct nlattr *a)
{
	if (!a || nla_len(a) != (int)sizeof(struct in6_addr))
		return NULL;
	return nla_data(a);
}

uint64_t mho_get_uint(const struct nlattr *a)
{
	if (!a)
		return 0;
	switch (nla_len(a)) {
	case 1:
		return nla_get_u8(a);
	case 2:
		return nla_get_u16(a);
	case 4:
		return nla_get_u32(a);
	case 8:
		return nla_get_u64(a);
	default:
		return 0;
	}
}

int mho_parse_nested(struct nlattr **tb, int max, const struct nlattr *nest)
{
	/* libnl wants a non-const pointer; it does not write through it. */
	return nla_parse_nested(tb, max, (struct nlattr *)nest, NULL);
}
