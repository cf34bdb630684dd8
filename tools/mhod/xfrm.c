// SPDX-License-Identifier: GPL-2.0
/*
 * The IPsec check at start (RFC 5568 10; Documentation/mhod.rst, IPsec),
 * and the SAs of pre-authentication (at the end of this file).
 * mhod does not install the SAs and policies of its configured peers and
 * neighbours: they come from "ip xfrm" (static SAs) or from strongSwan
 * (IKEv2). It reads the kernel's XFRM policies
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
#include "pakeys.h"
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
	case MHOD_MH_BA:
		return "BA";
	}
	return "BU";
}

/*
 * One flow with a peer: outbound (from f->local) or inbound, of protocol
 * proto between those "ports" (for the Mobility Header: its type, and
 * 0). Returns 1 if it is left unprotected (logged), else 0.
 */
static int check_flow(const struct pol_table *t, const struct flow_check *f,
		      bool out, uint8_t proto, uint16_t sport, uint16_t dport,
		      const char *what, int *logged)
{
	uint32_t spi = 0;
	enum mhod_ipsec_res r;

	if (f->ipsec->mode == MHOD_IPSEC_STATIC)
		spi = out ? f->ipsec->spi_out : f->ipsec->spi_in;
	r = mhod_ipsec_covers_l4(t->p, t->n, out ? MHOD_XFRM_OUT : MHOD_XFRM_IN,
				 out ? f->local : f->remote,
				 out ? f->remote : f->local, proto, sport, dport,
				 spi);
	if (r == MHOD_IPSEC_OK)
		return 0;
	if ((*logged)++ < IPSEC_LOG_MAX)
		mhod_log(MHOD_LOG_ERR, "%s %s, [IPsec] %s: %s %s %s to %s: %s",
			 f->section, f->name, f->ipsec->name,
			 out ? "outbound" : "inbound", what,
			 mhod_ntop(out ? f->local : f->remote),
			 mhod_ntop(out ? f->remote : f->local),
			 mhod_ipsec_str(r));
	return 1;
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
	int i, bad = 0;

	for (i = 0; i < nto + nfrom; i++) {
		bool out = i < nto;
		uint8_t type = out ? to_peer[i] : from_peer[i - nto];

		bad += check_flow(t, f, out, IPPROTO_MH, type, 0, mh_name(type),
				  logged);
	}
	return bad;
}

/*
 * Context transfer ([General] ContextTransfer): the SCTP association with
 * a neighbour, port 5091 both ends, carries keys; both directions must be
 * ESP. Returns the number of flows left unprotected.
 */
static int check_sctp(const struct pol_table *t, const struct flow_check *f,
		      int *logged)
{
	return check_flow(t, f, true, IPPROTO_SCTP, MHOD_CXTP_PORT,
			  MHOD_CXTP_PORT, "context transfer (SCTP 5091)",
			  logged) +
	       check_flow(t, f, false, IPPROTO_SCTP, MHOD_CXTP_PORT,
			  MHOD_CXTP_PORT, "context transfer (SCTP 5091)",
			  logged);
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

/*
 * Mobile IPv6 (RFC 4877 4.3): the MN's BUs to its home agent and the
 * BAs back, between its home address and the home agent's address,
 * whatever the care-of address (the policies' selectors see the home
 * address: the kernel swaps it in). On a home agent, every mobile node
 * [Peer]; on an MN, its home agent [Peer]. Returns whether p was one.
 */
static bool check_home(const struct pol_table *t,
		       const struct mhod_conf_peer *p, int *bad, int *logged)
{
	static const uint8_t bu[] = { MHOD_MH_BU }, ba[] = { MHOD_MH_BA };
	const struct mhod_conf *c = mhod_conf;
	bool ha = c->role == MHOD_ROLE_HA;
	struct flow_check f;

	if (!(ha && p->kind == MHOD_PEER_MN) &&
	    !(c->role == MHOD_ROLE_MN && p->kind == MHOD_PEER_HA))
		return false;
	f = (struct flow_check){ "[Peer]", p->name, ipsec_named(p->ipsec),
		ha ? mhod_core_addr() : &p->home, &p->addr };
	if (no_local(&f, bad))
		return true;
	*bad += ha ? check_peer(t, &f, ba, 1, bu, 1, logged) :
		     check_peer(t, &f, bu, 1, ba, 1, logged);
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
	/* A home agent's neighbours are ARs it sends end-markers to. */
	for (i = 0; i < c->nneighbors && c->role != MHOD_ROLE_HA; i++) {
		const struct mhod_conf_neighbor *nb = &c->neighbors[i];

		f = (struct flow_check){ "[Neighbor]", nb->name,
			ipsec_named(nb->ipsec), mhod_core_addr(), &nb->router };
		if (no_local(&f, &bad))
			continue;
		bad += check_peer(&t, &f, hi_hack, 2, hi_hack, 2, &logged);
		if (c->ctx_transfer)
			bad += check_sctp(&t, &f, &logged);
		checked++;
	}
	for (i = 0; i < c->npeers; i++) {
		const struct mhod_conf_peer *p = &c->peers[i];
		bool mn = p->kind == MHOD_PEER_MN;

		if (check_home(&t, p, &bad, &logged)) {
			checked++;
			continue;
		}
		if ((ar && !mn) || (!ar && p->kind != MHOD_PEER_AR))
			continue;	/* an AR's home agents: no signaling */
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

/* ------------------------------------------------ pre-authentication */

/*
 * The SAs and policies a pre-authentication made (PreAuthentication =
 * fmipv6): ESP in transport mode, AES-GCM-16, for the Mobility Header
 * between the MN's NCoA and the nAR, in both directions. The kernel
 * removes them when their hard lifetime ends, so that a daemon that dies
 * leaves nothing forever; mhod removes them before (a new
 * pre-authentication of the same address, its own shutdown).
 */
#define PA_PRIORITY	100	/* before the catch-alls an AR may have */
#define PA_REQID	0x6d68

static int xfrm_request(struct nl_msg *msg)
{
	struct nl_sock *sk = nl_socket_alloc();
	int err;

	if (!sk) {
		nlmsg_free(msg);
		return -NLE_NOMEM;
	}
	err = nl_connect(sk, NETLINK_XFRM);
	if (!err)
		err = nl_send_auto(sk, msg);
	if (err >= 0)
		err = nl_wait_for_ack(sk);
	nl_socket_free(sk);
	/* The message holds a key: wiped before it is freed. */
	mhod_pa_wipe(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
	return err < 0 ? err : 0;
}

static void sel_of(struct xfrm_selector *sel, const struct in6_addr *src,
		   const struct in6_addr *dst)
{
	memset(sel, 0, sizeof(*sel));
	memcpy(&sel->saddr.a6, src, 16);
	memcpy(&sel->daddr.a6, dst, 16);
	sel->family = AF_INET6;
	sel->prefixlen_s = 128;
	sel->prefixlen_d = 128;
	sel->proto = IPPROTO_MH;
}

static void lft_of(struct xfrm_lifetime_cfg *lft, uint32_t seconds)
{
	lft->soft_byte_limit = XFRM_INF;
	lft->hard_byte_limit = XFRM_INF;
	lft->soft_packet_limit = XFRM_INF;
	lft->hard_packet_limit = XFRM_INF;
	lft->hard_add_expires_seconds = seconds;
}

static int sa_add(const struct in6_addr *src, const struct in6_addr *dst,
		  uint32_t spi, const uint8_t *key, uint32_t seconds)
{
	struct {
		struct xfrm_algo_aead a;
		uint8_t key[MHOD_PA_ESP_KEY_LEN];
	} aead;
	struct xfrm_usersa_info sa = { 0 };
	struct nl_msg *msg;
	int err;

	msg = nlmsg_alloc_simple(XFRM_MSG_NEWSA, NLM_F_REQUEST | NLM_F_ACK);
	if (!msg)
		return -NLE_NOMEM;
	sel_of(&sa.sel, src, dst);
	memcpy(&sa.id.daddr.a6, dst, 16);
	sa.id.spi = htonl(spi);
	sa.id.proto = IPPROTO_ESP;
	memcpy(&sa.saddr.a6, src, 16);
	sa.family = AF_INET6;
	sa.mode = XFRM_MODE_TRANSPORT;
	sa.reqid = PA_REQID;
	sa.replay_window = 32;
	lft_of(&sa.lft, seconds);
	memset(&aead, 0, sizeof(aead));
	strcpy(aead.a.alg_name, "rfc4106(gcm(aes))");
	aead.a.alg_key_len = MHOD_PA_ESP_KEY_LEN * 8;
	aead.a.alg_icv_len = 128;
	memcpy(aead.key, key, MHOD_PA_ESP_KEY_LEN);
	err = nlmsg_append(msg, &sa, sizeof(sa), NLMSG_ALIGNTO) ||
	      nla_put(msg, XFRMA_ALG_AEAD, sizeof(aead), &aead);
	mhod_pa_wipe(&aead, sizeof(aead));
	if (err) {
		mhod_pa_wipe(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
		nlmsg_free(msg);
		return -NLE_NOMEM;
	}
	return xfrm_request(msg);
}

static int pol_add(const struct in6_addr *src, const struct in6_addr *dst,
		   uint8_t dir, uint32_t spi, uint32_t seconds)
{
	struct xfrm_userpolicy_info pi = { 0 };
	struct xfrm_user_tmpl t = { 0 };
	struct nl_msg *msg;

	/* UPDPOLICY: the address's policy of an earlier run, replaced. */
	msg = nlmsg_alloc_simple(XFRM_MSG_UPDPOLICY, NLM_F_REQUEST | NLM_F_ACK);
	if (!msg)
		return -NLE_NOMEM;
	sel_of(&pi.sel, src, dst);
	lft_of(&pi.lft, seconds);
	pi.priority = PA_PRIORITY;
	pi.dir = dir;
	pi.action = XFRM_POLICY_ALLOW;
	t.id.proto = IPPROTO_ESP;
	t.id.spi = htonl(spi);
	t.family = AF_INET6;
	t.reqid = PA_REQID;
	t.mode = XFRM_MODE_TRANSPORT;
	t.aalgos = t.ealgos = t.calgos = ~0u;
	if (nlmsg_append(msg, &pi, sizeof(pi), NLMSG_ALIGNTO) ||
	    nla_put(msg, XFRMA_TMPL, sizeof(t), &t)) {
		nlmsg_free(msg);
		return -NLE_NOMEM;
	}
	return xfrm_request(msg);
}

static int sa_del(const struct in6_addr *dst, uint32_t spi)
{
	struct xfrm_usersa_id id = { 0 };
	struct nl_msg *msg;

	msg = nlmsg_alloc_simple(XFRM_MSG_DELSA, NLM_F_REQUEST | NLM_F_ACK);
	if (!msg)
		return -NLE_NOMEM;
	memcpy(&id.daddr.a6, dst, 16);
	id.spi = htonl(spi);
	id.family = AF_INET6;
	id.proto = IPPROTO_ESP;
	if (nlmsg_append(msg, &id, sizeof(id), NLMSG_ALIGNTO)) {
		nlmsg_free(msg);
		return -NLE_NOMEM;
	}
	return xfrm_request(msg);
}

static int pol_del(const struct in6_addr *src, const struct in6_addr *dst,
		   uint8_t dir)
{
	struct xfrm_userpolicy_id id = { 0 };
	struct nl_msg *msg;

	msg = nlmsg_alloc_simple(XFRM_MSG_DELPOLICY, NLM_F_REQUEST | NLM_F_ACK);
	if (!msg)
		return -NLE_NOMEM;
	sel_of(&id.sel, src, dst);
	id.dir = dir;
	if (nlmsg_append(msg, &id, sizeof(id), NLMSG_ALIGNTO)) {
		nlmsg_free(msg);
		return -NLE_NOMEM;
	}
	return xfrm_request(msg);
}

int mhod_xfrm_pa_add(const struct mhod_xfrm_pa *x, const uint8_t *key_out,
		     const uint8_t *key_in, uint32_t seconds)
{
	int err;

	err = sa_add(&x->local, &x->remote, x->spi_out, key_out, seconds);
	if (!err) {
		err = sa_add(&x->remote, &x->local, x->spi_in, key_in, seconds);
		if (err)
			sa_del(&x->remote, x->spi_out);
	}
	if (!err)
		err = pol_add(&x->local, &x->remote, XFRM_POLICY_OUT,
			      x->spi_out, seconds);
	if (!err)
		err = pol_add(&x->remote, &x->local, XFRM_POLICY_IN,
			      x->spi_in, seconds);
	if (err) {
		mhod_xfrm_pa_del(x);
		return err;
	}
	return 0;
}

void mhod_xfrm_pa_del(const struct mhod_xfrm_pa *x)
{
	/* Each may be gone already (its lifetime ended): not an error. */
	pol_del(&x->local, &x->remote, XFRM_POLICY_OUT);
	pol_del(&x->remote, &x->local, XFRM_POLICY_IN);
	sa_del(&x->remote, x->spi_out);
	sa_del(&x->local, x->spi_in);
}
