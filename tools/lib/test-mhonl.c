// SPDX-License-Identifier: GPL-2.0
/*
 * test-mhonl - mhonl's handle layer against the kernel's own generic
 * netlink controller (no module needed): requests that end at the ACK,
 * at the first reply and at the end of a dump, a kernel error and its
 * extended ACK, and the non-blocking dispatch of an event loop. KTAP on stdout; exit status 0
 * when every case passed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/genetlink.h>

#include "mhonl.h"

static int n, failed;

static void ok(int cond, const char *what)
{
	printf("%sok %d %s\n", cond ? "" : "not ", ++n, what);
	failed += !cond;
}

/* Counts the replies, and notes nlctrl's own id when one names it. */
struct seen {
	int replies;
	int ctrl_id;
};

static int count(const struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct seen *s = arg;

	s->replies++;
	if (!mhonl_genl_parse(nlh, tb, CTRL_ATTR_MAX) &&
	    tb[CTRL_ATTR_FAMILY_NAME] && tb[CTRL_ATTR_FAMILY_ID] &&
	    !strcmp(nla_get_string(tb[CTRL_ATTR_FAMILY_NAME]), "nlctrl"))
		s->ctrl_id = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	return 0;
}

/* CTRL_CMD_GETFAMILY of @name (NULL: all, as a dump) with @flags. */
static struct nl_msg *getfamily(const char *name, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0,
		    flags | (name ? 0 : NLM_F_DUMP), CTRL_CMD_GETFAMILY, 1);
	if (name)
		nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, name);
	return msg;
}

int main(void)
{
	struct mhonl *h = mhonl_open(NETLINK_GENERIC), *nb;
	struct seen s = { 0 };
	struct mhonl_ack ack;
	int r;

	/* A request that never ends fails the test instead of hanging it. */
	alarm(30);
	printf("TAP version 13\n1..8\n");
	if (!h) {
		printf("Bail out! mhonl_open: %s\n", strerror(errno));
		return 1;
	}
	r = mhonl_request(h, getfamily("nlctrl", NLM_F_ACK), count, &s, &ack);
	ok(!r && ack.done && s.replies == 1 && s.ctrl_id == GENL_ID_CTRL,
	   "a request with NLM_F_ACK: its reply, then the ACK");

	memset(&s, 0, sizeof(s));
	r = mhonl_request(h, getfamily("nlctrl", 0), count, &s, &ack);
	ok(!r && ack.done && s.replies == 1,
	   "a request without NLM_F_ACK ends at its first reply");

	memset(&s, 0, sizeof(s));
	r = mhonl_request(h, getfamily(NULL, 0), count, &s, &ack);
	ok(!r && ack.done && !ack.error && s.replies > 1 &&
	   s.ctrl_id == GENL_ID_CTRL, "a dump: every family, then NLMSG_DONE");

	memset(&s, 0, sizeof(s));
	r = mhonl_request(h, getfamily("mho-nope", NLM_F_ACK), count, &s, &ack);
	ok(r == -ENOENT && ack.error == -ENOENT && !s.replies,
	   "a kernel error is returned and in the ack");

	/* A name longer than GENL_NAMSIZ - 1: the policy refuses it. */
	r = mhonl_request(h, getfamily("mho-far-too-long-a-name", NLM_F_ACK),
			  count, &s, &ack);
	ok(r == -EINVAL && ack.msg[0] &&
	   ack.offs == NLMSG_HDRLEN + GENL_HDRLEN && ack.policy.present &&
	   ack.policy.max_len == GENL_NAMSIZ - 1,
	   "the extended ACK: message, offset of the attribute, its policy");

	/* The handle still works after an error (nothing left unread). */
	memset(&s, 0, sizeof(s));
	r = mhonl_request(h, getfamily("nlctrl", NLM_F_ACK), count, &s, &ack);
	ok(!r && s.replies == 1, "a request after an error");

	nb = mhonl_open(NETLINK_GENERIC);
	ok(nb && !mhonl_set_nonblocking(nb) &&
	   mhonl_dispatch(nb, count, &s) == -EAGAIN,
	   "dispatch on an empty non-blocking handle: -EAGAIN");

	/* An event loop: send, then dispatch what arrived. */
	memset(&s, 0, sizeof(s));
	r = nb ? mhonl_send(nb, getfamily("nlctrl", 0)) : -1;
	ok(!r && mhonl_dispatch(nb, count, &s) == 0 && s.replies == 1 &&
	   mhonl_dispatch(nb, count, &s) == -EAGAIN,
	   "dispatch hands over what one read brought");

	mhonl_close(nb);
	mhonl_close(h);
	printf("# %d passed, %d failed\n", n - failed, failed);
	return failed ? 1 : 0;
}
