/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The netlink layer of mhoctl: one generic netlink socket, opened on first
 * use, the "mho" family and its "events" group resolved once, and helpers
 * to send a request and walk the replies. Kernel errors are printed as
 * "Error: [KEYWORD: ]<extack message>[ (RANGE)]" (strerror when there is
 * no message; the module's "mho: " prefix is dropped), or as JSON (-j).
 */
#ifndef MHOCTL_NL_H
#define MHOCTL_NL_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include <linux/mho.h>

/*
 * Called for every reply message of the family with its top-level
 * attributes (tb[MHO_A_*], NULL when absent) and the genl command.
 * Return 0 to go on, -1 to fail the request (after printing why).
 */
typedef int (*mho_reply_fn)(uint8_t cmd, struct nlattr **tb, void *arg);

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
 * Send msg (and free it), call fn for each reply and wait for the ACK or
 * the end of the dump. Returns 0 or -1 (the error has been printed).
 * A dump the kernel flagged NLM_F_DUMP_INTR prints a warning to stderr
 * but still succeeds, like iproute2.
 */
int mho_request(struct nl_msg *msg, mho_reply_fn fn, void *arg);

/*
 * Join the "events" multicast group and call fn for every notification
 * until the family goes away (the module is unloaded: the generic netlink
 * controller's CTRL_CMD_DELFAMILY) or a fatal error. Returns 1 when the
 * family went away (nothing printed), -1 (after printing why) on failure.
 */
int mho_listen(mho_reply_fn fn, void *arg);

/* Attribute accessors for parsed replies (tb may hold NULL). */
const struct in6_addr *mho_get_addr(const struct nlattr *a);
uint64_t mho_get_uint(const struct nlattr *a);

/* Parse a nested attribute into tb[0..max]; tb[] is zeroed first. */
int mho_parse_nested(struct nlattr **tb, int max, const struct nlattr *nest);

#endif /* MHOCTL_NL_H */
