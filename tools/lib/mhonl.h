/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mhonl - the netlink library of mho's userspace programs (mhoctl, the
 * selftest helpers, mhod), on libnl-3 and libnl-genl-3. Two layers:
 *
 *   handles   struct mhonl: one libnl socket of any protocol (generic
 *             netlink, XFRM, ...), as many as a program wants. Requests
 *             are sent as built (no flag added), answers are read until
 *             the ACK, the end of a dump or the first reply, and a failed
 *             request's extended ACK (message, offset, policy) is parsed
 *             into struct mhonl_ack. An event loop polls mhonl_fd() and
 *             calls mhonl_dispatch(). Nothing is printed.
 *
 *   mho_*()   the "mho" family for a program that sends one request at a
 *             time on one implicit handle (mhoctl): messages, attribute
 *             keywords, requests and the events group. Errors are
 *             reported through the function set with mho_set_error_fn()
 *             (default: "Error: TEXT" on stderr).
 *
 * Functions of the handle layer return 0 (or a count, an id) or a
 * negative errno: the kernel's for a refused request, else a local one.
 */
#ifndef MHONL_H
#define MHONL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>

#include <linux/mho.h>

/* ---- handles -------------------------------------------------------------- */

struct mhonl;

/*
 * A socket of netlink @protocol (NETLINK_GENERIC, NETLINK_XFRM, ...) in
 * the caller's network namespace, with extended ACKs on and the request
 * left out of error messages. NULL (errno set) on failure.
 */
struct mhonl *mhonl_open(int protocol);
void mhonl_close(struct mhonl *h);
/* The libnl socket, for what this library does not wrap. */
struct nl_sock *mhonl_sock(struct mhonl *h);
/* The file descriptor, for poll(); see mhonl_dispatch(). */
int mhonl_fd(const struct mhonl *h);
/* Make reads non-blocking (mhonl_dispatch() returns -EAGAIN then). */
int mhonl_set_nonblocking(struct mhonl *h);
/* Requests sent on @h so far (a benchmark counts messages). */
unsigned long mhonl_sent(const struct mhonl *h);

/*
 * The id of the "mho" generic netlink family, resolved on first use and
 * remembered; -ENOENT when the module is not loaded.
 */
int mhonl_family(struct mhonl *h);
/*
 * Join mho's multicast group @group (MHO_MCGRP_EVENTS): -ENOENT when the
 * family has none of that name, -EPERM without CAP_NET_ADMIN.
 */
int mhonl_join(struct mhonl *h, const char *group);
/*
 * Join the generic netlink controller's "notify" group, whose
 * CTRL_CMD_DELFAMILY says when the module is unloaded (the kernel sends
 * it to every network namespace); mhonl_family_removed() recognizes it.
 */
int mhonl_watch_family(struct mhonl *h);
/* @nlh is the controller's notice that mho's family (as resolved) went. */
bool mhonl_family_removed(const struct mhonl *h, const struct nlmsghdr *nlh);

/* What mho programs say when the family is not there. */
#define MHONL_NOT_LOADED \
	"mho module not loaded (generic netlink family \"" MHO_GENL_NAME "\" not found)"

/* ---- extended ACKs ---------------------------------------------------------- */

/* The policy of a rejected attribute (NLMSGERR_ATTR_POLICY). */
struct mhonl_policy {
	bool present;		/* the kernel sent one */
	uint32_t type;		/* enum netlink_attribute_type */
	bool has_urange, has_srange;
	uint64_t umin, umax;
	int64_t smin, smax;
	uint32_t min_len, max_len;	/* 0: no bound */
};

/* How a request ended: its ACK, its error or the end of its dump. */
struct mhonl_ack {
	int error;		/* the kernel's negative errno, or 0 */
	bool done;		/* the answer is complete */
	bool dump_intr;		/* a reply had NLM_F_DUMP_INTR */
	bool dump_error;	/* the error came in NLMSG_DONE (a dump) */
	char msg[512];		/* NLMSGERR_ATTR_MSG as sent, "" if none */
	uint32_t offs;		/* NLMSGERR_ATTR_OFFS, 0 if none */
	struct mhonl_policy policy;
};

/*
 * Parse NLMSG_ERROR or NLMSG_DONE message @nlh into @ack (the error, the
 * extended ACK's attributes). Any other message leaves @ack alone.
 */
void mhonl_ack_parse(const struct nlmsghdr *nlh, struct mhonl_ack *ack);
/*
 * The extended ACK's message without the module's "mho: " prefix, or
 * NULL when there is none.
 */
const char *mhonl_ack_text(const struct mhonl_ack *ack);

/* ---- requests and events ---------------------------------------------------- */

/*
 * Called for each message of an answer other than its ACK, error or
 * NLMSG_DONE (and for each notification in mhonl_dispatch()). Return 0
 * to go on, a negative errno to fail the request (the rest of the answer
 * is still read).
 */
typedef int (*mhonl_msg_fn)(const struct nlmsghdr *nlh, void *arg);

/*
 * Send @msg as it was built: only its port id, NLM_F_REQUEST and, when it
 * was built with NL_AUTO_SEQ, a sequence number are filled in; no other
 * flag is added (a test sends what it means to, NLM_F_ACK or not). @msg
 * is wiped (it may carry keys) and freed, sent or not.
 */
int mhonl_send(struct mhonl *h, struct nl_msg *msg);
/*
 * Read the answer to the last message sent: @fn for each reply, until
 * the ACK or error (a request with NLM_F_ACK), NLMSG_DONE (a dump) or
 * the first reply (any other). Messages of other sequence numbers are
 * skipped. Returns 0, the kernel's error (@ack, if not NULL, explains
 * it), @fn's error, or a local -errno.
 */
int mhonl_wait(struct mhonl *h, mhonl_msg_fn fn, void *arg,
	       struct mhonl_ack *ack);
/* mhonl_send(), then mhonl_wait(). */
int mhonl_request(struct mhonl *h, struct nl_msg *msg, mhonl_msg_fn fn,
		  void *arg, struct mhonl_ack *ack);
/*
 * What the socket has now, for an event loop: @fn for each message of
 * one read (notifications have sequence number 0). Blocks unless the
 * handle is non-blocking, then returns -EAGAIN when there was nothing.
 * -ENOBUFS: the receive buffer overflowed and notifications were lost;
 * the socket is still usable.
 */
int mhonl_dispatch(struct mhonl *h, mhonl_msg_fn fn, void *arg);

/* A generic netlink message's attributes into tb[0..max]. */
int mhonl_genl_parse(const struct nlmsghdr *nlh, struct nlattr **tb, int max);

/* ---- the mho family on an implicit handle (mhoctl) ------------------------ */

/*
 * Called for each message of the family with its top-level attributes
 * (tb[MHO_A_*], NULL when absent) and the genl command.
 * Return 0 to go on, -1 to fail the request (after printing why).
 */
typedef int (*mho_reply_fn)(uint8_t cmd, struct nlattr **tb, void *arg);

/* An error of the mho_*() functions, for the program to print. */
struct mho_error {
	int errnum;		/* errno (positive), 0 if none */
	const char *text;	/* what went wrong, one line */
	const char *message;	/* the kernel's extack message, or NULL */
	const char *attr;	/* the keyword (mho_word()) of the attribute */
	const struct mhonl_policy *policy;	/* its policy, or NULL */
};

/* Where mho_*() report errors (NULL: "Error: TEXT" on stderr). */
void mho_set_error_fn(void (*fn)(const struct mho_error *e));

/*
 * The implicit handle, opened and the family resolved on first use; NULL
 * (after reporting why) when that fails.
 */
struct mhonl *mho_handle(void);

/*
 * Start a request. The family id is filled in when the message is sent, so
 * a command line can be checked and the message built before mhoctl knows
 * whether the module is loaded. Never returns NULL (aborts on ENOMEM).
 */
struct nl_msg *mho_msg(uint8_t cmd, int flags);
struct nl_msg *mho_msg_size(uint8_t cmd, int flags, size_t size);

/*
 * Name the attribute put next into msg by the keyword the user typed: an
 * error the kernel reports on that attribute (the extended ACK's offset)
 * names it, "Error: max-pkts: integer out of range (allowed 1..65536)".
 */
void mho_word(struct nl_msg *msg, const char *word);

/* Open a nested attribute with NLA_F_NESTED set (strict kernels need it). */
struct nlattr *mho_nest_start(struct nl_msg *msg, int type);
void mho_nest_end(struct nl_msg *msg, struct nlattr *nest);
void mho_put_u32(struct nl_msg *msg, int type, uint32_t v);
void mho_put_u8(struct nl_msg *msg, int type, uint8_t v);
void mho_put_addr(struct nl_msg *msg, int type, const struct in6_addr *a);
void mho_put_str(struct nl_msg *msg, int type, const char *s);
/* Binary data; len 0 puts an empty attribute (it is sent, not dropped). */
void mho_put_bin(struct nl_msg *msg, int type, size_t len, const void *data);
/*
 * Any attribute, of any message: @type exactly as given (NLA_F_* bits
 * included: a test may leave NLA_F_NESTED off a nest it closes by hand),
 * @len bytes of @data, or of zeroes if @data is NULL. Returns the payload.
 */
void *mho_put_raw(struct nl_msg *msg, int type, const void *data, size_t len);

/*
 * Send msg with NLM_F_ACK (and free it), call fn for each reply and wait
 * for the ACK or the end of the dump. Returns 0 or -1 (the error has been
 * reported). A dump the kernel flagged NLM_F_DUMP_INTR prints a warning
 * to stderr but still succeeds, like iproute2.
 */
int mho_request(struct nl_msg *msg, mho_reply_fn fn, void *arg);

/*
 * Join the "events" multicast group, on a handle of its own: from then
 * on, notifications queue for mho_listen(), also while requests (a dump
 * of what exists) are made. Returns 0 or -1 (reported).
 */
int mho_listen_join(void);

/*
 * mho_listen_join() if not done, then call fn for every notification
 * until the family goes away (the module is unloaded) or a fatal error.
 * Returns 1 when the family went away (nothing reported), -1 (after
 * reporting why) on failure.
 */
int mho_listen(mho_reply_fn fn, void *arg);

/* Attribute accessors for parsed replies (tb may hold NULL). */
const struct in6_addr *mho_get_addr(const struct nlattr *a);
uint64_t mho_get_uint(const struct nlattr *a);

/* Parse a nested attribute into tb[0..max]; tb[] is zeroed first. */
int mho_parse_nested(struct nlattr **tb, int max, const struct nlattr *nest);

#endif /* MHONL_H */
