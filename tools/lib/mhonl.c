// SPDX-License-Identifier: GPL-2.0
/*
 * mhonl - the netlink library of mho's userspace programs; see mhonl.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "mhonl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define MOD_PREFIX "mho: "
/*
 * What one read takes. The kernel fills a dump's messages up to 32 KiB
 * and sends no reply of ours larger than that; one buffer of this size,
 * without libnl's MSG_PEEK, is one recvmsg() per datagram.
 */
#define RECV_SIZE 65536

struct mhonl {
	struct nl_sock *sk;
	struct nl_cb *cb;
	int family;		/* mho's id, 0 until resolved */
	uint32_t seq;		/* of the last message sent ... */
	uint16_t flags;		/* ... and its flags */
	unsigned long sent;
};

/* libnl's error codes as errnos, for the few it returns to us. */
static int nl_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_PERM:
		return -EPERM;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_INTR:
		return -EINTR;
	case NLE_MSGSIZE:
	case NLE_MSG_TOOSHORT:
	case NLE_MSG_TRUNC:
		return -EMSGSIZE;
	case NLE_PROTO_MISMATCH:
		return -EPROTONOSUPPORT;
	default:
		return -EIO;
	}
}

/*
 * A failed libnl call that made a system call: the errno it left, which
 * is more precise than its own code (ENOBUFS and ENOMEM are both
 * NLE_NOMEM). errno is cleared before the call.
 */
static int sys_errno(int nlerr)
{
	return errno ? -errno : nl_errno(nlerr);
}

struct mhonl *mhonl_open(int protocol)
{
	struct mhonl *h = calloc(1, sizeof(*h));
	int one = 1, fd, ret;

	if (!h)
		return NULL;
	h->sk = nl_socket_alloc();
	h->cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!h->sk || !h->cb) {
		mhonl_close(h);
		errno = ENOMEM;
		return NULL;
	}
	errno = 0;
	ret = nl_connect(h->sk, protocol);
	if (ret < 0) {
		ret = sys_errno(ret);
		mhonl_close(h);
		errno = -ret;
		return NULL;
	}
	/* Requests carry the flags their builder gave them, no more. */
	nl_socket_disable_auto_ack(h->sk);
	nl_socket_disable_msg_peek(h->sk);
	nl_socket_set_msg_buf_size(h->sk, RECV_SIZE);
	fd = nl_socket_get_fd(h->sk);
	/* Best effort: old kernels lack these options. */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	return h;
}

void mhonl_close(struct mhonl *h)
{
	if (!h)
		return;
	if (h->sk)
		nl_socket_free(h->sk);
	if (h->cb)
		nl_cb_put(h->cb);
	free(h);
}

struct nl_sock *mhonl_sock(struct mhonl *h)
{
	return h->sk;
}

int mhonl_fd(const struct mhonl *h)
{
	return nl_socket_get_fd(h->sk);
}

int mhonl_set_nonblocking(struct mhonl *h)
{
	return nl_socket_set_nonblocking(h->sk) < 0 ? -errno : 0;
}

unsigned long mhonl_sent(const struct mhonl *h)
{
	return h->sent;
}

int mhonl_family(struct mhonl *h)
{
	int id;

	if (h->family > 0)
		return h->family;
	errno = 0;
	id = genl_ctrl_resolve(h->sk, MHO_GENL_NAME);
	if (id < 0)
		return id == -NLE_OBJ_NOTFOUND ? -ENOENT : sys_errno(id);
	h->family = id;
	return id;
}

/*
 * Join generic netlink family @family's multicast group @group. The
 * group's ID is asked on a socket of its own: on @h, once it has joined
 * a group, a notification can come in place of the controller's answer,
 * and the lookup then fails (ENOENT) although the group exists.
 */
static int join_group(struct mhonl *h, const char *family, const char *group)
{
	struct nl_sock *ask = nl_socket_alloc();
	int grp, err;

	if (!ask)
		return -ENOMEM;
	errno = 0;
	grp = genl_connect(ask);
	if (!grp)
		grp = genl_ctrl_resolve_grp(ask, family, group);
	err = errno;
	nl_socket_free(ask);
	errno = err;
	if (grp < 0)
		return grp == -NLE_OBJ_NOTFOUND ? -ENOENT : sys_errno(grp);
	/* Not nl_socket_add_membership(): it would hide errno (EPERM). */
	if (setsockopt(nl_socket_get_fd(h->sk), SOL_NETLINK,
		       NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)) < 0)
		return -errno;
	return 0;
}

int mhonl_join(struct mhonl *h, const char *group)
{
	return join_group(h, MHO_GENL_NAME, group);
}

int mhonl_watch_family(struct mhonl *h)
{
	return join_group(h, "nlctrl", "notify");
}

bool mhonl_family_removed(const struct mhonl *h, const struct nlmsghdr *nlh)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];

	if (h->family <= 0 || nlh->nlmsg_type != GENL_ID_CTRL ||
	    nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN) ||
	    ((struct genlmsghdr *)nlmsg_data(nlh))->cmd != CTRL_CMD_DELFAMILY ||
	    genlmsg_parse((struct nlmsghdr *)nlh, 0, tb, CTRL_ATTR_MAX,
			  NULL) < 0 ||
	    !tb[CTRL_ATTR_FAMILY_ID] ||
	    nla_len(tb[CTRL_ATTR_FAMILY_ID]) != sizeof(uint16_t))
		return false;
	return nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]) == h->family;
}

/* ---- extended ACKs ---------------------------------------------------------- */

/* NLMSGERR_ATTR_POLICY: the bounds of the rejected attribute. */
static void policy_parse(const struct nlattr *pol, struct mhonl_policy *p)
{
	struct nlattr *tb[NL_POLICY_TYPE_ATTR_MAX + 1];

	p->present = true;
	if (nla_parse_nested(tb, NL_POLICY_TYPE_ATTR_MAX,
			     (struct nlattr *)pol, NULL) < 0)
		return;
	if (tb[NL_POLICY_TYPE_ATTR_TYPE])
		p->type = nla_get_u32(tb[NL_POLICY_TYPE_ATTR_TYPE]);
	if (tb[NL_POLICY_TYPE_ATTR_MIN_VALUE_U] &&
	    tb[NL_POLICY_TYPE_ATTR_MAX_VALUE_U]) {
		p->has_urange = true;
		p->umin = nla_get_u64(tb[NL_POLICY_TYPE_ATTR_MIN_VALUE_U]);
		p->umax = nla_get_u64(tb[NL_POLICY_TYPE_ATTR_MAX_VALUE_U]);
	} else if (tb[NL_POLICY_TYPE_ATTR_MIN_VALUE_S] &&
		   tb[NL_POLICY_TYPE_ATTR_MAX_VALUE_S]) {
		p->has_srange = true;
		p->smin = (int64_t)nla_get_u64(tb[NL_POLICY_TYPE_ATTR_MIN_VALUE_S]);
		p->smax = (int64_t)nla_get_u64(tb[NL_POLICY_TYPE_ATTR_MAX_VALUE_S]);
	}
	if (tb[NL_POLICY_TYPE_ATTR_MIN_LENGTH])
		p->min_len = nla_get_u32(tb[NL_POLICY_TYPE_ATTR_MIN_LENGTH]);
	if (tb[NL_POLICY_TYPE_ATTR_MAX_LENGTH])
		p->max_len = nla_get_u32(tb[NL_POLICY_TYPE_ATTR_MAX_LENGTH]);
}

/* The extended ACK's attributes, @off bytes into @nlh's payload. */
static void extack_parse(const struct nlmsghdr *nlh, size_t off,
			 struct mhonl_ack *ack)
{
	struct nlattr *a, *head;
	size_t len = nlh->nlmsg_len;
	int rem;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	off = NLMSG_HDRLEN + NLMSG_ALIGN(off);
	if (len <= off)
		return;
	head = (struct nlattr *)((char *)nlh + off);
	nla_for_each_attr(a, head, (int)(len - off), rem) {
		if (nla_type(a) == NLMSGERR_ATTR_MSG && nla_len(a) > 0) {
			size_t n = strnlen(nla_data(a), nla_len(a));

			if (n >= sizeof(ack->msg))
				n = sizeof(ack->msg) - 1;
			memcpy(ack->msg, nla_data(a), n);
			ack->msg[n] = '\0';
		} else if (nla_type(a) == NLMSGERR_ATTR_OFFS &&
			   nla_len(a) == sizeof(uint32_t)) {
			ack->offs = nla_get_u32(a);
		} else if (nla_type(a) == NLMSGERR_ATTR_POLICY) {
			policy_parse(a, &ack->policy);
		}
	}
}

void mhonl_ack_parse(const struct nlmsghdr *nlh, struct mhonl_ack *ack)
{
	size_t off;
	int err;

	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = nlmsg_data(nlh);

		if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
			ack->error = -EBADMSG;
			return;
		}
		/* Unless capped, the request is echoed after the nlmsgerr. */
		off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - NLMSG_HDRLEN;
		err = e->error;
	} else if (nlh->nlmsg_type == NLMSG_DONE) {
		/* A dump that failed half-way ends with the error here. */
		err = 0;
		off = sizeof(err);
		if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(err)))
			memcpy(&err, nlmsg_data(nlh), sizeof(err));
		ack->dump_error = err < 0;
	} else {
		return;
	}
	ack->error = err;
	ack->msg[0] = '\0';
	ack->offs = 0;
	memset(&ack->policy, 0, sizeof(ack->policy));
	extack_parse(nlh, off, ack);
}

const char *mhonl_ack_text(const struct mhonl_ack *ack)
{
	const char *m = ack->msg;

	/* The module's NL_SET_ERR_MSG_MOD() prefix. */
	if (!strncmp(m, MOD_PREFIX, strlen(MOD_PREFIX)))
		m += strlen(MOD_PREFIX);
	return *m ? m : NULL;
}

/* ---- requests and events ---------------------------------------------------- */

struct wait {
	mhonl_msg_fn fn;
	void *arg;
	struct mhonl_ack *ack;
	uint32_t seq;
	bool any_seq;		/* notifications: sequence number 0 */
	bool until_reply;	/* neither NLM_F_ACK nor a dump */
	int fn_err;
};

static int seq_cb(struct nl_msg *msg, void *arg)
{
	struct wait *w = arg;

	if (!w->any_seq && nlmsg_hdr(msg)->nlmsg_seq != w->seq)
		return NL_SKIP;
	return NL_OK;
}

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct wait *w = arg;

	if (w->fn && !w->fn_err)
		w->fn_err = w->fn(nlmsg_hdr(msg), w->arg);
	if (w->until_reply) {
		w->ack->done = true;
		return NL_STOP;
	}
	return NL_OK;
}

static int end_cb(struct nl_msg *msg, void *arg)
{
	struct wait *w = arg;

	mhonl_ack_parse(nlmsg_hdr(msg), w->ack);
	w->ack->done = true;
	return NL_STOP;
}

static int err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct wait *w = arg;

	(void)nla;
	mhonl_ack_parse((const struct nlmsghdr *)((char *)e - NLMSG_HDRLEN),
			w->ack);
	w->ack->done = true;
	return NL_STOP;
}

static int intr_cb(struct nl_msg *msg, void *arg)
{
	struct wait *w = arg;

	(void)msg;
	w->ack->dump_intr = true;
	return NL_OK;
}

static void set_cbs(struct mhonl *h, struct wait *w)
{
	nl_cb_set(h->cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, seq_cb, w);
	nl_cb_set(h->cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, w);
	nl_cb_set(h->cb, NL_CB_FINISH, NL_CB_CUSTOM, end_cb, w);
	nl_cb_set(h->cb, NL_CB_ACK, NL_CB_CUSTOM, end_cb, w);
	nl_cb_set(h->cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, intr_cb, w);
	nl_cb_err(h->cb, NL_CB_CUSTOM, err_cb, w);
}

int mhonl_send(struct mhonl *h, struct nl_msg *msg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int ret;

	nl_complete_msg(h->sk, msg);
	h->seq = nlh->nlmsg_seq;
	h->flags = nlh->nlmsg_flags;
	h->sent++;
	errno = 0;
	ret = nl_send(h->sk, msg);
	/* A request may carry keys (a context import). */
	explicit_bzero(nlh, nlh->nlmsg_len);
	nlmsg_free(msg);
	return ret < 0 ? sys_errno(ret) : 0;
}

int mhonl_wait(struct mhonl *h, mhonl_msg_fn fn, void *arg,
	       struct mhonl_ack *ack)
{
	struct mhonl_ack own;
	struct wait w = {
		.fn = fn, .arg = arg, .ack = ack ? ack : &own, .seq = h->seq,
		.until_reply = !(h->flags & (NLM_F_ACK | NLM_F_DUMP)),
	};
	int ret;

	memset(w.ack, 0, sizeof(*w.ack));
	set_cbs(h, &w);
	while (!w.ack->done) {
		errno = 0;
		ret = nl_recvmsgs(h->sk, h->cb);
		if (ret < 0 && !w.ack->done)
			return sys_errno(ret);
	}
	return w.ack->error ? w.ack->error : w.fn_err;
}

int mhonl_request(struct mhonl *h, struct nl_msg *msg, mhonl_msg_fn fn,
		  void *arg, struct mhonl_ack *ack)
{
	int ret;

	if (ack)
		memset(ack, 0, sizeof(*ack));
	ret = mhonl_send(h, msg);
	if (ret < 0)
		return ret;
	return mhonl_wait(h, fn, arg, ack);
}

int mhonl_dispatch(struct mhonl *h, mhonl_msg_fn fn, void *arg)
{
	struct mhonl_ack ack = { 0 };
	struct wait w = { .fn = fn, .arg = arg, .ack = &ack, .any_seq = true };
	int ret;

	set_cbs(h, &w);
	errno = 0;
	ret = nl_recvmsgs(h->sk, h->cb);
	if (w.fn_err)
		return w.fn_err;
	return ret < 0 ? sys_errno(ret) : 0;
}

int mhonl_genl_parse(const struct nlmsghdr *nlh, struct nlattr **tb, int max)
{
	return genlmsg_parse((struct nlmsghdr *)nlh, 0, tb, max, NULL) < 0 ?
	       -EBADMSG : 0;
}

/* ---- the mho family on an implicit handle ----------------------------------- */

static struct mhonl *mho_h;

static void default_error(const struct mho_error *e)
{
	fflush(stdout);
	fprintf(stderr, "Error: %s%s%s\n", e->attr && e->policy ? e->attr : "",
		e->attr && e->policy ? ": " : "", e->text);
}

static void (*error_fn)(const struct mho_error *e) = default_error;

void mho_set_error_fn(void (*fn)(const struct mho_error *e))
{
	error_fn = fn ? fn : default_error;
}

static void report(int errnum, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void report(int errnum, const char *fmt, ...)
{
	struct mho_error e = { .errnum = errnum };
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	e.text = text;
	error_fn(&e);
}

static void *xmsg(void *p)
{
	if (!p) {
		report(0, "out of memory");
		exit(1);
	}
	return p;
}

/*
 * The keywords of the message being built: the offset of each attribute
 * mho_word() named, so that an error the kernel reports on an attribute
 * (by its offset in the request) names what the user typed. The words
 * are string literals or command line words. One request is built and
 * sent at a time: mho_msg_size() starts a new list.
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

struct mhonl *mho_handle(void)
{
	int ret;

	if (!mho_h) {
		mho_h = mhonl_open(NETLINK_GENERIC);
		if (!mho_h) {
			ret = errno ? errno : EPROTONOSUPPORT;
			report(ret, "%s", strerror(ret));
			return NULL;
		}
		/* One request at a time, whatever the size of its replies. */
		nl_socket_enable_msg_peek(mho_h->sk);
	}
	ret = mhonl_family(mho_h);
	if (ret == -ENOENT) {
		report(0, "%s", MHONL_NOT_LOADED);
		return NULL;
	}
	if (ret < 0) {
		report(0, "cannot resolve generic netlink family \"%s\": %s",
		       MHO_GENL_NAME, strerror(-ret));
		return NULL;
	}
	return mho_h;
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
	mho_put_raw(msg, type, data, len);
}

void *mho_put_raw(struct nl_msg *msg, int type, const void *data, size_t len)
{
	struct nlattr *a = len > 0xffff ? NULL : nla_reserve(msg, type, len);

	if (!a)
		xmsg(NULL);
	if (data && len)
		memcpy(nla_data(a), data, len);
	return nla_data(a);
}

void mho_put_str(struct nl_msg *msg, int type, const char *s)
{
	if (nla_put_string(msg, type, s) < 0) {
		report(0, "string too long");
		exit(1);
	}
}

struct reply {
	mho_reply_fn fn;
	void *arg;
	bool failed;		/* fn returned -1, or a reply was malformed */
	bool gone;		/* the family was unregistered */
};

static int reply_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[MHO_A_MAX + 1];
	struct reply *r = arg;

	if (mhonl_family_removed(mho_h, nlh)) {
		r->gone = true;
		return 0;
	}
	if (nlh->nlmsg_type != mho_h->family || r->failed || !r->fn)
		return 0;
	if (mhonl_genl_parse(nlh, tb, MHO_A_MAX) < 0) {
		report(0, "malformed reply from the kernel");
		r->failed = true;
	} else if (r->fn(((struct genlmsghdr *)nlmsg_data(nlh))->cmd, tb,
			 r->arg) < 0) {
		r->failed = true;
	}
	return 0;
}

static void report_ack(const struct mhonl_ack *ack)
{
	struct mho_error e = {
		.errnum = -ack->error,
		.message = mhonl_ack_text(ack),
		.attr = word_at(ack->offs),
		.policy = ack->policy.present ? &ack->policy : NULL,
	};

	e.text = e.message ? e.message : strerror(-ack->error);
	error_fn(&e);
}

int mho_request(struct nl_msg *msg, mho_reply_fn fn, void *arg)
{
	struct reply r = { .fn = fn, .arg = arg };
	struct mhonl_ack ack;
	struct mhonl *h = mho_handle();
	int ret;

	if (!h) {
		explicit_bzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
		nlmsg_free(msg);
		return -1;
	}
	nlmsg_hdr(msg)->nlmsg_type = h->family;
	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK;
	ret = mhonl_send(h, msg);
	if (ret < 0) {
		report(0, "cannot send request: %s", strerror(-ret));
		return -1;
	}
	ret = mhonl_wait(h, reply_cb, &r, &ack);
	if (ack.error) {
		report_ack(&ack);
		return -1;
	}
	if (ret < 0) {
		report(-ret, "%s", strerror(-ret));
		return -1;
	}
	if (ack.dump_intr)
		fprintf(stderr, "Dump was interrupted and may be inconsistent.\n");
	return r.failed ? -1 : 0;
}

/*
 * mho_listen()'s handle: the events only, apart from the requests' (a
 * notification that came while a dump was read would be skipped there).
 */
static struct mhonl *mho_ev;

int mho_listen_join(void)
{
	struct mhonl *h = mho_handle();
	int ret;

	if (!h)
		return -1;
	if (mho_ev)
		return 0;
	mho_ev = mhonl_open(NETLINK_GENERIC);
	if (!mho_ev) {
		ret = errno ? errno : EPROTONOSUPPORT;
		report(ret, "%s", strerror(ret));
		return -1;
	}
	ret = mhonl_join(mho_ev, MHO_MCGRP_EVENTS);
	if (ret == -ENOENT) {
		report(0, "multicast group \"%s\" not found", MHO_MCGRP_EVENTS);
		goto fail;
	}
	if (ret < 0) {
		report(-ret, "%s", strerror(-ret));
		goto fail;
	}
	/* The controller says when the family goes (genl_ctrl_event()). */
	ret = mhonl_watch_family(mho_ev);
	if (ret < 0) {
		report(-ret, "multicast group \"notify\" of \"nlctrl\": %s",
		       strerror(-ret));
		goto fail;
	}
	nl_socket_set_buffer_size(mho_ev->sk, 4 << 20, 0);
	return 0;
fail:
	mhonl_close(mho_ev);
	mho_ev = NULL;
	return -1;
}

int mho_listen(mho_reply_fn fn, void *arg)
{
	struct reply r = { .fn = fn, .arg = arg };
	int ret;

	if (mho_listen_join() < 0)
		return -1;
	for (;;) {
		ret = mhonl_dispatch(mho_ev, reply_cb, &r);
		if (r.failed)
			return -1;
		if (r.gone) {
			/* Resolved afresh, and joined again, if asked. */
			mho_h->family = 0;
			mhonl_close(mho_ev);
			mho_ev = NULL;
			return 1;
		}
		if (ret == -ENOBUFS) {
			/* The socket overflowed; events were lost. */
			fprintf(stderr, "Warning: events were lost (receive buffer overflow)\n");
			continue;
		}
		if (ret < 0 && ret != -EINTR && ret != -EAGAIN) {
			report(-ret, "%s", strerror(-ret));
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
