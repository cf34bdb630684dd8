// SPDX-License-Identifier: GPL-2.0
/*
 * The IPsec check at start (RFC 5568 10; Documentation/mhod.rst, IPsec).
 * mhod does not install SAs or policies: they come from "ip xfrm" (static
 * SAs) or from strongSwan (IKEv2). It reads the kernel's XFRM policies
 * once (an XFRM_MSG_GETPOLICY dump: selectors and templates, never keys)
 * and checks that every Mobility Header message it will exchange with a
 * configured peer or neighbour is protected by ESP, in both directions;
 * with [IPsec] Mode = static, that the policy's template names the
 * section's SPI. Otherwise it refuses to start, naming the flows left
 * unprotected. Then the kernel enforces it: an unprotected message from
 * a peer is dropped before it reaches mhod (XfrmInTmplMismatch,
 * XfrmInNoPols in /proc/net/xfrm_stat).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <linux/xfrm.h>

#include "ipsec.h"
#include "mhod.h"

#define XFRM_POLICIES_MAX	(1u << 20)	/* what the dump may hold */
#define IPSEC_LOG_MAX		8		/* failures logged by name */

struct pol_table {
	struct mhod_xfrm_pol *p;
	size_t n, cap;
	int err;
};

static int on_policy(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	const struct xfrm_userpolicy_info *pi;
	struct pol_table *t = arg;
	struct mhod_xfrm_pol *p, *np;
	struct nlattr *tb[XFRMA_MAX + 1];
	const struct xfrm_user_tmpl *ut;
	int i, nt;

	if (nlh->nlmsg_type != XFRM_MSG_NEWPOLICY ||
	    nlmsg_parse(nlh, sizeof(*pi), tb, XFRMA_MAX, NULL) < 0)
		return NL_SKIP;
	pi = nlmsg_data(nlh);
	/* IPv6 policies of the in and out directions; socket policies and
	 * marked policies (which apply to marked packets only) do not
	 * decide for mhod's sockets.
	 */
	if (pi->sel.family != AF_INET6 || pi->dir > XFRM_POLICY_OUT ||
	    pi->dir == XFRM_POLICY_FWD || tb[XFRMA_MARK] || tb[XFRMA_IF_ID] ||
	    pi->sel.ifindex)
		return NL_SKIP;
	if (t->n == t->cap) {
		if (t->cap >= XFRM_POLICIES_MAX) {
			t->err = -E2BIG;
			return NL_STOP;
		}
		t->cap = t->cap ? t->cap * 2 : 64;
		np = realloc(t->p, t->cap * sizeof(*t->p));
		if (!np) {
			t->err = -ENOMEM;
			return NL_STOP;
		}
		t->p = np;
	}
	p = &t->p[t->n++];
	memset(p, 0, sizeof(*p));
	memcpy(&p->saddr, &pi->sel.saddr.a6, sizeof(p->saddr));
	memcpy(&p->daddr, &pi->sel.daddr.a6, sizeof(p->daddr));
	p->plen_s = pi->sel.prefixlen_s;
	p->plen_d = pi->sel.prefixlen_d;
	p->proto = pi->sel.proto;
	p->sport = ntohs(pi->sel.sport);
	p->sport_mask = ntohs(pi->sel.sport_mask);
	p->dport = ntohs(pi->sel.dport);
	p->dport_mask = ntohs(pi->sel.dport_mask);
	p->priority = pi->priority;
	p->dir = pi->dir == XFRM_POLICY_IN ? MHOD_XFRM_IN : MHOD_XFRM_OUT;
	p->block = pi->action == XFRM_POLICY_BLOCK;
	if (!tb[XFRMA_TMPL])
		return NL_OK;
	ut = nla_data(tb[XFRMA_TMPL]);
	nt = nla_len(tb[XFRMA_TMPL]) / (int)sizeof(*ut);
	for (i = 0; i < nt; i++) {
		if (ut[i].id.proto != IPPROTO_ESP)
			continue;
		if (ut[i].optional) {
			p->esp_optional = true;
			continue;
		}
		p->esp = true;
		p->spi = ntohl(ut[i].id.spi);
	}
	return NL_OK;
}

static int policies_dump(struct pol_table *t)
{
	struct xfrm_userpolicy_info req = { 0 };
	struct nl_sock *sk = nl_socket_alloc();
	int err;

	if (!sk)
		return -ENOMEM;
	err = nl_connect(sk, NETLINK_XFRM);
	if (!err)
		err = nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM,
					  on_policy, t);
	if (!err)
		err = nl_send_simple(sk, XFRM_MSG_GETPOLICY, NLM_F_DUMP,
				     &req, sizeof(req));
	if (err >= 0)
		err = nl_recvmsgs_default(sk);
	nl_socket_free(sk);
	if (t->err)
		return t->err;
	return err < 0 ? -EIO : 0;
}

struct flow_check {
	const char *section, *name;	/* "[Peer]", its Name */
	const struct mhod_conf_ipsec *ipsec;
	const struct in6_addr *local, *remote;
};

static const struct mhod_conf_ipsec *ipsec_named(const char *name)
{
	const struct mhod_conf *c = mhod_conf;
	int i;

	for (i = 0; i < c->nipsec; i++)
		if (!strcmp(c->ipsec[i].name, name))
			return &c->ipsec[i];
	return NULL;
}

static const char *mh_name(uint8_t type)
{
	switch (type) {
	case MHOD_MH_FBU:
		return "FBU";
	case MHOD_MH_FBACK:
		return "FBack";
	case MHOD_MH_HI:
		return "HI";
	case MHOD_MH_HACK:
		return "HAck";
	}
	return "BU";
}

/*
 * One peer: the messages each side sends (an MN sends FBUs to its AR,
 * which answers FBacks; an AR sends HIs to its neighbour, which answers
 * HAcks, both ways). Returns the number of flows left unprotected.
 */
static int check_peer(const struct pol_table *t, const struct flow_check *f,
		      const uint8_t *to_peer, int nto, const uint8_t *from_peer,
		      int nfrom, int *logged)
{
	uint32_t spi_in = 0, spi_out = 0;
	enum mhod_ipsec_res r;
	int i, bad = 0;

	if (f->ipsec->mode == MHOD_IPSEC_STATIC) {
		spi_in = f->ipsec->spi_in;
		spi_out = f->ipsec->spi_out;
	}
	for (i = 0; i < nto + nfrom; i++) {
		bool out = i < nto;
		uint8_t type = out ? to_peer[i] : from_peer[i - nto];

		r = mhod_ipsec_covers(t->p, t->n,
				      out ? MHOD_XFRM_OUT : MHOD_XFRM_IN,
				      out ? f->local : f->remote,
				      out ? f->remote : f->local, type,
				      out ? spi_out : spi_in);
		if (r == MHOD_IPSEC_OK)
			continue;
		bad++;
		if ((*logged)++ < IPSEC_LOG_MAX)
			mhod_log(MHOD_LOG_ERR,
				 "%s %s, [IPsec] %s: %s %s %s to %s: %s",
				 f->section, f->name, f->ipsec->name,
				 out ? "outbound" : "inbound", mh_name(type),
				 mhod_ntop(out ? f->local : f->remote),
				 mhod_ntop(out ? f->remote : f->local),
				 mhod_ipsec_str(r));
	}
	return bad;
}

/*
 * The signaling with a peer that has no section (the parser refuses
 * that) or no address of ours to check from is not checked: refused,
 * rather than taken as protected.
 */
static bool no_local(const struct flow_check *f, int *bad)
{
	if (f->ipsec && f->local)
		return false;
	mhod_log(MHOD_LOG_ERR, "%s %s: no %s to check its IPsec from",
		 f->section, f->name, f->ipsec ? "address of ours" : "[IPsec] section");
	(*bad)++;
	return true;
}

int mhod_ipsec_check(void)
{
	static const uint8_t fback[] = { MHOD_MH_FBACK };
	static const uint8_t fbu[] = { MHOD_MH_FBU };
	static const uint8_t hi_hack[] = { MHOD_MH_HI, MHOD_MH_HACK };
	const struct mhod_conf *c = mhod_conf;
	bool ar = c->role == MHOD_ROLE_AR;
	struct pol_table t = { 0 };
	struct flow_check f;
	int i, err, bad = 0, logged = 0, checked = 0;

	err = policies_dump(&t);
	if (err) {
		mhod_log(MHOD_LOG_ERR, "IPsec: cannot read the XFRM policies: %s",
			 strerror(-err));
		free(t.p);
		return -1;
	}
	for (i = 0; i < c->nneighbors; i++) {
		const struct mhod_conf_neighbor *nb = &c->neighbors[i];

		f = (struct flow_check){ "[Neighbor]", nb->name,
			ipsec_named(nb->ipsec), mhod_core_addr(), &nb->router };
		if (no_local(&f, &bad))
			continue;
		bad += check_peer(&t, &f, hi_hack, 2, hi_hack, 2, &logged);
		checked++;
	}
	for (i = 0; i < c->npeers; i++) {
		const struct mhod_conf_peer *p = &c->peers[i];
		bool mn = p->kind == MHOD_PEER_MN;

		if ((ar && !mn) || (!ar && p->kind != MHOD_PEER_AR))
			continue;	/* home agents: not signaled yet */
		f = (struct flow_check){ "[Peer]", p->name,
			ipsec_named(p->ipsec),
			mhod_first_addr(ar ? MHOD_IF_ACCESS : MHOD_IF_MOBILE),
			&p->addr };
		if (no_local(&f, &bad))
			continue;
		/* An AR answers FBacks to its MN's FBUs; an MN the reverse. */
		bad += ar ? check_peer(&t, &f, fback, 1, fbu, 1, &logged) :
			    check_peer(&t, &f, fbu, 1, fback, 1, &logged);
		checked++;
	}
	free(t.p);
	if (bad) {
		if (logged > IPSEC_LOG_MAX)
			mhod_log(MHOD_LOG_ERR, "IPsec: %d more unprotected flows",
				 logged - IPSEC_LOG_MAX);
		mhod_log(MHOD_LOG_ERR,
			 "IPsec: %d signaling flows are not protected (see mhod(8), IPSEC); not starting",
			 bad);
		return -1;
	}
	mhod_log(MHOD_LOG_INFO,
		 "IPsec: the signaling with %d peers and neighbours is protected by ESP (%zu policies read)",
		 checked, t.n);
	return 0;
}
