// SPDX-License-Identifier: GPL-2.0
/*
 * Context transfer between access routers: RFC 4067's predictive CTD
 * (PCTD) and its reply (CTDR), over SCTP port 5091, as seed 003 applies
 * them to an MN's IPsec context (Documentation/mhod.rst, "Context
 * transfer").
 *
 * pAR: once the nAR has acknowledged the handover (HAck), the module
 * exports the MN's SAs and policies (kept on the binding for a switch
 * back); they go, in their portable encoding (tools/lib/ctxwire.h) in
 * FPT 0xff02 blocks, in a PCTD to the nAR the MN's FBU named, with the
 * MN's CXTP key; the CTDR, or CTMaxTransferTime without one, decides the
 * handoff (ar.c). nAR: a PCTD is taken only from a configured neighbour
 * and only for an MN whose handoff that neighbour prepared here (a HI:
 * the nAR binding in hold, with that neighbour as its peer); the context
 * must be that MN's. The module keeps it pending (the SPIs it had to
 * change go back in the CTDR, and on to the MN in the FBack); the MN's
 * UNA then has
 * the module report the attach (MHO_EVENT_ATTACH, still in hold), and
 * the context is activated: installed, then the hold released.
 *
 * Reactive (RFC 4067 5.1): the MN, on the nAR's link after its FBack,
 * asks the nAR (CTAR, ICMPv6, through ar.c) with its token; the nAR takes
 * it only from the NCoA of a reactive handoff a neighbour prepared here
 * (its HI, Code 1) and asks that neighbour (CT-Req, the token as it
 * came); the pAR checks the token and the handoff (ar.c) and sends the
 * context in a CTD; the nAR installs it at once, and answers both
 * (CTDR, CTAA). The pAR forwards only after the CTDR.
 *
 * Nothing is written to disk; every buffer that held a context or a key
 * is wiped before it is freed or reused. One message per transfer; the
 * socket is one-to-many (SOCK_SEQPACKET), bound to the core address.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <linux/mho.h>
#include <linux/sctp.h>		/* MSG_NOTIFICATION */
#include <netlink/attr.h>

#include "ctxwire.h"
#include "loop.h"
#include "mhod.h"

/* pAR: one transfer per configured mobile node, at most. */
struct ctx_out {
	bool used;
	struct in6_addr pcoa;
	const struct mhod_conf_neighbor *nb;
	ctx_done_fn done;
	void *arg;
	uint64_t t0;
	struct loop_timer timer;
};

/*
 * nAR, reactive: the MN's CTAR, taken, and this router's CT-Req for it,
 * until the CTD comes (or CTMaxTransferTime); then the answer, kept for
 * a repeated CTAR (same Seq), until the entry is reused.
 */
struct ctx_req {
	bool used, done;
	bool answered;			/* done with the pAR's answer */
	uint8_t status;			/* of the CTAA, once done */
	bool ack;			/* the CTAR's A */
	uint32_t seq;
	struct in6_addr pcoa, ncoa, local;	/* local: the CTAR's dst */
	const struct mhod_conf_neighbor *nb;
	uint64_t t0;
	struct loop_timer timer;
};

/* RFC 4067 4.4: CT_REQUEST_RATE, CTARs a second (and a burst as many). */
#define CT_REQUEST_RATE	10

static struct ctx_out *outs;
static int nouts;
static struct ctx_req *reqs;
static unsigned int nreqs;
static uint64_t ctar_ms, ctar_tokens;
static struct loop_fd sock_lf = { .fd = -1 };
/* A received or built message: it holds keys, and is wiped after use. */
static uint8_t msg_buf[MHOD_MSG_MAX + 1];

static void wipe_msg(size_t len)
{
	explicit_bzero(msg_buf, len < sizeof(msg_buf) ? len : sizeof(msg_buf));
}

/* To a neighbour's port 5091, or back to where a message came from. */
static int sctp_send(const struct sockaddr_in6 *to, const uint8_t *buf,
		     size_t len)
{
	uint64_t cbuf[MHOD_CXTP_CMSG_SPACE / 8];
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_name = (void *)to, .msg_namelen = sizeof(*to),
			     .msg_iov = &iov, .msg_iovlen = 1 };

	mhod_cxtp_sctp_cmsg(&mh, cbuf);
	if (sendmsg(sock_lf.fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT) !=
	    (ssize_t)len) {
		mhod_ctr.tx_errors++;
		mhod_log(MHOD_LOG_WARN, "CXTP to %s: %s",
			 mhod_ntop(&to->sin6_addr), strerror(errno));
		return -1;
	}
	mhod_ctr.tx_msgs++;
	return 0;
}

/* ---------------------------------------------------------------- pAR */

static struct ctx_out *out_of(const struct in6_addr *pcoa)
{
	int i;

	for (i = 0; i < nouts; i++)
		if (outs[i].used && mhod_addr_eq(&outs[i].pcoa, pcoa))
			return &outs[i];
	return NULL;
}

static void out_end(struct ctx_out *o, uint8_t status,
		    const struct mhod_spi_change *spis, size_t nspi)
{
	ctx_done_fn done = o->done;
	void *arg = o->arg;

	loop_timer_stop(&o->timer);
	o->used = false;
	if (status)
		mhod_ctr.ctx_failed++;
	done(arg, status, spis, nspi);
}

static void out_timeout(struct loop_timer *t)
{
	struct ctx_out *o = (struct ctx_out *)((char *)t -
		offsetof(struct ctx_out, timer));

	mhod_log(MHOD_LOG_WARN, "context of %s: no CTDR from %s in %u ms",
		 mhod_ntop(&o->pcoa), o->nb->name,
		 mhod_conf->timers.ct_max_transfer_ms);
	out_end(o, MHOD_CTDR_FAILED, NULL, 0);
}

/*
 * The PCTD (key: the MN's, for the nAR to check its CTAR) or the CTD (key
 * NULL: the pAR checked it) for the MN at pcoa: its context, portable,
 * in 0xff02 blocks.
 */
static int build_ctd(const struct mhod_key *key, const struct in6_addr *pcoa,
		     const struct mho_ctxw_buf *portable, size_t *len)
{
	static uint8_t work[MHOD_CTX_WORK(MHOD_MSG_MAX)];
	static struct mhod_cxtp m;
	enum mhod_err err;

	memset(&m, 0, sizeof(m));
	m.type = key ? MHOD_CXTP_PCTD : MHOD_CXTP_CTD;
	m.flag = true;			/* A: the CTDR decides the handoff */
	m.prev_ip = *pcoa;
	if (key) {
		m.has_key = true;
		m.alg = MHOD_CXTP_ALG_HMAC_SHA1;
		m.key_len = key->len;
		m.key = key->k;
	}
	err = portable->len > MHOD_MSG_MAX ? MHOD_E_NOSPACE :
	      mhod_ctx_cdbs_put(&m, portable->data, portable->len, work,
				sizeof(work));
	if (!err)
		err = mhod_cxtp_build(&m, msg_buf, MHOD_MSG_MAX, len);
	explicit_bzero(work, sizeof(work));
	if (err)
		mhod_log(MHOD_LOG_WARN,
			 "context of %s: %zu octets do not fit a %s: %s",
			 mhod_ntop(pcoa), portable->len, key ? "PCTD" : "CTD",
			 mhod_strerror(err));
	return err ? -1 : 0;
}

static int send_ctx(const struct mhod_conf_peer *p, const struct in6_addr *pcoa,
		    const struct in6_addr *par,
		    const struct mhod_conf_neighbor *nb, bool predictive,
		    ctx_done_fn done, void *arg)
{
	const struct mhod_key *key = mhod_peer_ctx_key(p);
	struct mho_ctxw_buf native, portable = { 0 };
	struct ctx_out *o;
	char why[160];
	size_t len = 0;
	int err;

	if (sock_lf.fd < 0 || !key || p < mhod_conf->peers ||
	    p >= mhod_conf->peers + nouts)
		return -1;
	o = &outs[p - mhod_conf->peers];
	if (o->used)
		return -1;
	/*
	 * Inactive: deleted here, and kept on the binding, so that a
	 * failed transfer puts them back (ctx_cancel()). Predictive, the
	 * MN is still here until the FBack: "leaving" keeps the SAs it
	 * sends under, and their inbound policies, until the handoff
	 * ends (its FBU with lifetime 0, or the lifetime's end), so that
	 * its last packets up are not lost.
	 */
	if (kern_ctx_export(pcoa, par,
			    predictive ? MHO_CTX_LEAVING : MHO_CTX_INACTIVE,
			    &native))
		return -1;
	err = mho_ctxw_encode(native.data, native.len, &portable, why,
			      sizeof(why));
	mho_ctxw_free(&native);
	if (err) {
		mhod_log(MHOD_LOG_WARN, "context of %s: %s", mhod_ntop(pcoa),
			 why);
	} else {
		err = build_ctd(predictive ? key : NULL, pcoa, &portable,
				&len);
		mho_ctxw_free(&portable);
	}
	if (!err) {
		struct sockaddr_in6 to = { .sin6_family = AF_INET6,
					   .sin6_port = htons(MHOD_CXTP_PORT),
					   .sin6_addr = nb->router };

		err = sctp_send(&to, msg_buf, len);
	}
	wipe_msg(len);
	if (err) {
		kern_ctx_activate_addr(pcoa);	/* the SAs back */
		return -1;
	}
	mhod_ctr.ctx_sent++;
	o->used = true;
	o->pcoa = *pcoa;
	o->nb = nb;
	o->done = done;
	o->arg = arg;
	o->t0 = loop_now_ms();
	loop_timer_arm(&o->timer, mhod_conf->timers.ct_max_transfer_ms);
	mhod_log(MHOD_LOG_INFO, "%s to %s (%s): context of %s, %zu octets",
		 predictive ? "PCTD" : "CTD", nb->name, mhod_ntop(&nb->router),
		 mhod_ntop(pcoa), len);
	return 0;
}

int ctx_send(const struct mhod_conf_peer *p, const struct in6_addr *pcoa,
	     const struct in6_addr *par, const struct mhod_conf_neighbor *nb,
	     ctx_done_fn done, void *arg)
{
	return send_ctx(p, pcoa, par, nb, true, done, arg);
}

int ctx_send_ctd(const struct mhod_conf_peer *p, const struct in6_addr *pcoa,
		 const struct in6_addr *par,
		 const struct mhod_conf_neighbor *nb, ctx_done_fn done,
		 void *arg)
{
	return send_ctx(p, pcoa, par, nb, false, done, arg);
}

void ctx_cancel(const struct in6_addr *pcoa)
{
	struct ctx_out *o = out_of(pcoa);

	if (!o)
		return;
	loop_timer_stop(&o->timer);
	o->used = false;
}

static void on_ctdr(const struct in6_addr *src, const struct mhod_cxtp *m)
{
	struct ctx_out *o = out_of(&m->prev_ip);
	uint8_t status = MHOD_CTDR_OK;
	int i;

	if (!o || !mhod_addr_eq(&o->nb->router, src)) {
		mhod_ctr.rx_unexpected++;
		mhod_log_reject("CTDR from %s for %s: no transfer waits for it",
				mhod_ntop(src), mhod_ntop(&m->prev_ip));
		return;
	}
	for (i = 0; i < m->nstatus; i++)
		if (m->status[i].status) {
			status = m->status[i].status;
			break;
		}
	/* S: every context was received; without it, a failure. */
	if (!m->flag && !status)
		status = MHOD_CTDR_FAILED;
	mhod_log(status ? MHOD_LOG_WARN : MHOD_LOG_INFO,
		 "CTDR from %s: context of %s %s (status %u, %u SPIs changed), %llu ms after the CTD",
		 o->nb->name, mhod_ntop(&m->prev_ip),
		 status ? "refused" : "installed", status, m->nspi,
		 (unsigned long long)(loop_now_ms() - o->t0));
	out_end(o, status, m->spi, status ? 0 : m->nspi);
}

/* ---------------------------------------------------------------- nAR */

static void send_ctdr(const struct sockaddr_in6 *to, const struct in6_addr *mn,
		      uint8_t status, const struct mhod_spi_change *spis,
		      size_t nspi)
{
	static struct mhod_cxtp m;
	uint8_t buf[64 + 8 * MHOD_SPI_MAP_MAX];
	size_t len;

	memset(&m, 0, sizeof(m));
	m.type = MHOD_CXTP_CTDR;
	m.flag = status == MHOD_CTDR_OK;
	m.prev_ip = *mn;
	m.nstatus = 1;
	m.status[0] = (struct mhod_cxtp_status){ MHOD_FPT_MHO_CTX, status };
	if (!status && nspi) {
		m.nspi = (uint8_t)nspi;
		memcpy(m.spi, spis, nspi * sizeof(*spis));
	}
	if (mhod_cxtp_build(&m, buf, sizeof(buf), &len) == MHOD_OK &&
	    !sctp_send(to, buf, len))
		mhod_log(MHOD_LOG_INFO, "CTDR to %s: context of %s, status %u",
			 mhod_ntop(&to->sin6_addr), mhod_ntop(mn), status);
}

/* The native context's address attribute of that type, or NULL. */
static const struct in6_addr *ctx_addr(const struct mho_ctxw_buf *native,
				       int type)
{
	const struct nlattr *a;
	int rem;

	nla_for_each_attr(a, (struct nlattr *)native->data, (int)native->len,
			  rem)
		if (nla_type(a) == type && nla_len(a) == sizeof(struct in6_addr))
			return nla_data(a);
	return NULL;
}

/*
 * Import a PCTD's (ncoa NULL) or a CTD's context, from par; the CTDR
 * status, the SPIs changed. A PCTD's stays pending (the MN is not here
 * yet); a CTD answers this router's CT-Req for an MN that is here, at
 * ncoa, with its SAs moved already: installed at once, and refused if an
 * SPI had to change (nothing authenticated could tell the MN now).
 */
static uint8_t ctx_import(const struct mhod_cxtp *m,
			  const struct in6_addr *par,
			  const struct in6_addr *ncoa,
			  struct mhod_spi_change *spis, size_t *nspi)
{
	static uint8_t portable[MHOD_MSG_MAX];
	struct mho_ctxw_buf native = { 0 };
	const struct in6_addr *coa, *home, *ar = mhod_core_addr();
	struct in6_addr peer;
	uint8_t status = MHOD_CTDR_OK;
	enum mhod_err werr;
	char why[160];
	size_t len = 0;
	int role, err;

	/* Only for a handoff this pAR prepared here: its HI's binding. */
	err = kern_binding_get(&m->prev_ip, &role, &peer);
	if ((ncoa ? err < 0 : err != MHO_STATE_HOLD) || role != MHO_ROLE_NAR ||
	    !mhod_addr_eq(&peer, par)) {
		mhod_ctr.rx_unexpected++;
		mhod_log_reject("%s from %s for %s: no handoff of it from there holds here",
				ncoa ? "CTD" : "PCTD", mhod_ntop(par),
				mhod_ntop(&m->prev_ip));
		return MHOD_CTDR_NOT_AUTHORIZED;
	}
	werr = mhod_ctx_cdbs_get(m, portable, sizeof(portable), &len);
	if (werr || mho_ctxw_decode(portable, len, &native, why, sizeof(why))) {
		mhod_ctr.rx_malformed++;
		mhod_log_reject("%s from %s for %s: %s", ncoa ? "CTD" : "PCTD",
				mhod_ntop(par),
				mhod_ntop(&m->prev_ip),
				werr ? mhod_strerror(werr) : why);
		status = MHOD_CTDR_MALFORMED;
		goto out;
	}
	/* The context must be that MN's: its SAs use its previous CoA. */
	coa = ctx_addr(&native, MHO_CTX_A_COA);
	if (!coa || !mhod_addr_eq(coa, &m->prev_ip)) {
		mhod_log_reject("%s from %s for %s: the context is of %s",
				ncoa ? "CTD" : "PCTD", mhod_ntop(par),
				mhod_ntop(&m->prev_ip),
				coa ? mhod_ntop(coa) : "no care-of address");
		status = MHOD_CTDR_NOT_AUTHORIZED;
		goto out;
	}
	/* Its home address: what the pAR will forward to it, held here. */
	home = ctx_addr(&native, MHO_CTX_A_HOA);
	if (home && !mhod_addr_eq(home, &m->prev_ip) &&
	    kern_binding_home(&m->prev_ip, home)) {
		status = MHOD_CTDR_FAILED;
		goto out;
	}
	err = kern_ctx_import(&m->prev_ip, native.data, native.len, ar, ncoa,
			      spis, nspi);
	if (!err && ncoa && *nspi) {
		kern_ctx_drop(&m->prev_ip);
		*nspi = 0;
		mhod_log_reject("CTD from %s for %s: an SPI of it is taken here",
				mhod_ntop(par), mhod_ntop(&m->prev_ip));
		status = MHOD_CTDR_SPI_COLLISION;
	} else if (!err && ncoa) {
		/*
		 * The MN is here: install, and the held packets go. (Imported
		 * pending first, not with mode reactive, so that an SPI change
		 * is refused above with nothing installed.) A failed install
		 * drops the pending context in the module itself.
		 */
		if (kern_ctx_activate_addr(&m->prev_ip))
			status = MHOD_CTDR_FAILED;
		else
			mhod_ctr.ctx_activated++;
	} else if (err == -EIO) {
		/* A reply mhod cannot read, more SPI changes than a CTDR
		 * carries among them: nothing stays pending.
		 */
		kern_ctx_drop(&m->prev_ip);
		status = MHOD_CTDR_SPI_COLLISION;
	} else if (err) {
		status = kern_status(err) == 130 ? MHOD_CTDR_NO_RESOURCES :
						   MHOD_CTDR_FAILED;
	} else if (*nspi) {
		mhod_log(MHOD_LOG_INFO,
			 "context of %s: %zu SPIs changed here (they collided)",
			 mhod_ntop(&m->prev_ip), *nspi);
	}
out:
	explicit_bzero(portable, len);
	mho_ctxw_free(&native);
	return status;
}

static void on_pctd(const struct sockaddr_in6 *from, const struct mhod_cxtp *m)
{
	struct mhod_spi_change spis[MHOD_SPI_MAP_MAX];
	size_t nspi = 0;
	uint8_t status;

	mhod_ctr.ctx_received++;
	status = ctx_import(m, &from->sin6_addr, NULL, spis, &nspi);
	if (status)
		mhod_ctr.ctx_refused++;
	else
		mhod_ctr.ctx_installed++;
	/* On the association it came on: to the sender's port. */
	send_ctdr(from, &m->prev_ip, status, spis, nspi);
}

/* ------------------------------------------------------ nAR, reactive */

/* The CTAA (ICMPv6 150) to the MN at its NCoA: status 0, or a failure. */
static void send_ctaa(const struct ctx_req *r)
{
	static struct mhod_icmp m;

	memset(&m, 0, sizeof(m));
	m.msg = MHOD_MSG_CXTP;
	m.cxtp.type = MHOD_CXTP_CTAA;
	m.cxtp.prev_ip = r->pcoa;
	if (r->status) {
		m.cxtp.nstatus = 1;
		m.cxtp.status[0] = (struct mhod_cxtp_status){
			MHOD_FPT_MHO_CTX, r->status };
	}
	if (!net_tx_icmp(&m, &r->local, &r->ncoa, 0))
		mhod_log(MHOD_LOG_INFO, "CTAA to %s: context of %s, status %u",
			 mhod_ntop(&r->ncoa), mhod_ntop(&r->pcoa), r->status);
}

/*
 * The CTAA goes only with the pAR's answer: the token verified there, so
 * the CTAR was the MN's. Without one (no CTD came, or no CT-Req could
 * be sent) the CTAR may have been forged by anyone on the link, and an
 * answer to it would end the real MN's wait: it is not answered, and the
 * MN asks again.
 */
static void req_end(struct ctx_req *r, uint8_t status, bool answer)
{
	loop_timer_stop(&r->timer);
	r->done = true;
	r->status = status;
	r->answered = answer;
	if (answer && (r->ack || status))
		send_ctaa(r);
}

static void req_timeout(struct loop_timer *t)
{
	struct ctx_req *r = (struct ctx_req *)((char *)t -
		offsetof(struct ctx_req, timer));

	mhod_log(MHOD_LOG_WARN, "context of %s: no CTD from %s in %u ms",
		 mhod_ntop(&r->pcoa), r->nb->name,
		 mhod_conf->timers.ct_max_transfer_ms);
	mhod_ctr.ctx_failed++;
	req_end(r, MHOD_CTDR_FAILED, false);
}

static struct ctx_req *req_of(const struct in6_addr *pcoa)
{
	unsigned int i;

	for (i = 0; i < nreqs; i++)
		if (reqs[i].used && mhod_addr_eq(&reqs[i].pcoa, pcoa))
			return &reqs[i];
	return NULL;
}

/* The oldest finished entry, if every one is used. */
static struct ctx_req *req_new(void)
{
	struct ctx_req *old = NULL;
	unsigned int i;

	for (i = 0; i < nreqs; i++) {
		if (!reqs[i].used)
			return &reqs[i];
		if (reqs[i].done && (!old || reqs[i].t0 < old->t0))
			old = &reqs[i];
	}
	return old;
}

static bool ctar_rate_ok(void)
{
	uint64_t now = loop_now_ms(), cap = CT_REQUEST_RATE * 1000, t;

	t = ctar_ms ? ctar_tokens + (now - ctar_ms) * CT_REQUEST_RATE : cap;
	ctar_ms = now;
	ctar_tokens = t > cap ? cap : t;
	if (ctar_tokens < 1000)
		return false;
	ctar_tokens -= 1000;
	return true;
}

/* The CT-Req for r: the CTAR's Seq, token and requests, as they came. */
static int send_ctreq(const struct ctx_req *r, const struct mhod_cxtp *ctar)
{
	static struct mhod_cxtp m;
	struct sockaddr_in6 to = { .sin6_family = AF_INET6,
				   .sin6_port = htons(MHOD_CXTP_PORT),
				   .sin6_addr = r->nb->router };
	uint8_t buf[MHOD_MSG_MAX];
	size_t len;

	m = *ctar;
	m.type = MHOD_CXTP_CTREQ;
	m.flag = false;
	memset(&m.ar, 0, sizeof(m.ar));
	if (mhod_cxtp_build(&m, buf, sizeof(buf), &len) != MHOD_OK)
		return -1;
	return sctp_send(&to, buf, len);
}

/*
 * The MN asks for its context (RFC 4067 5.1): from the NCoA of a handoff
 * a configured neighbour prepared here (its HI, Code 1, named it), for
 * the previous address that HI named, the pAR being that neighbour. The
 * token is the pAR's to check (CT-Req).
 */
void ctx_on_ctar(const struct mhod_rx *rx, const struct mhod_cxtp *m)
{
	const struct mhod_conf_neighbor *nb;
	struct in6_addr ncoa;
	struct ctx_req *r;

	mhod_ctr.ctx_ctar++;
	if (!reqs || !ctar_rate_ok()) {
		mhod_ctr.rx_rate_limited++;
		mhod_log_reject("CTAR from %s: over %d a second",
				mhod_ntop(&rx->pi.src), CT_REQUEST_RATE);
		return;
	}
	nb = ar_neighbor_of(&m->ar);
	if (!nb) {
		mhod_ctr.ctx_unknown_ar++;
		mhod_log_reject("CTAR from %s for %s: %s is no configured neighbour's",
				mhod_ntop(&rx->pi.src), mhod_ntop(&m->prev_ip),
				mhod_ntop(&m->ar));
		return;
	}
	r = req_of(&m->prev_ip);
	if (r && r->seq == m->seq && r->nb == nb &&
	    mhod_addr_eq(&r->ncoa, &rx->pi.src)) {
		/* A repeated CTAR (RFC 4067 4.4): the answer again, if any. */
		mhod_ctr.retransmits++;
		if (r->done && r->answered)
			send_ctaa(r);
		if (!r->done || r->answered)
			return;
		/* Not answered (no CTD came): this one is asked again. */
	}
	if (!ar_hi_ncoa(&nb->router, &m->prev_ip, &ncoa) ||
	    !mhod_addr_eq(&ncoa, &rx->pi.src)) {
		mhod_ctr.ctx_refused++;
		mhod_log_reject("CTAR from %s for %s: no reactive handoff of it from %s to that address was prepared here",
				mhod_ntop(&rx->pi.src), mhod_ntop(&m->prev_ip),
				nb->name);
		return;
	}
	if (r && !r->done) {
		mhod_ctr.ctx_refused++;
		mhod_log_reject("CTAR from %s for %s: a transfer of its context is under way",
				mhod_ntop(&rx->pi.src), mhod_ntop(&m->prev_ip));
		return;
	}
	if (!r)
		r = req_new();
	if (!r) {
		mhod_ctr.ctx_refused++;
		mhod_log_reject("CTAR from %s: %u transfers under way ([Limits] MobileNodes)",
				mhod_ntop(&rx->pi.src), nreqs);
		return;
	}
	memset(r, 0, offsetof(struct ctx_req, timer));
	r->used = true;
	r->ack = m->flag;
	r->seq = m->seq;
	r->pcoa = m->prev_ip;
	r->ncoa = rx->pi.src;
	r->local = rx->pi.dst;
	r->nb = nb;
	r->t0 = loop_now_ms();
	if (send_ctreq(r, m) < 0) {
		req_end(r, MHOD_CTDR_FAILED, false);
		return;
	}
	mhod_ctr.ctx_requested++;
	loop_timer_arm(&r->timer, mhod_conf->timers.ct_max_transfer_ms);
	mhod_log(MHOD_LOG_INFO, "CTAR from %s for %s: CT-Req to %s, seq 0x%08x",
		 mhod_ntop(&r->ncoa), mhod_ntop(&r->pcoa), nb->name, r->seq);
}

/* The pAR's CTD, for this router's CT-Req: install, CTDR, CTAA. */
static void on_ctd(const struct sockaddr_in6 *from, const struct mhod_cxtp *m)
{
	struct ctx_req *r = req_of(&m->prev_ip);
	struct mhod_spi_change spis[MHOD_SPI_MAP_MAX];
	size_t nspi = 0;
	uint8_t status;

	if (!r || r->done || !mhod_addr_eq(&r->nb->router, &from->sin6_addr)) {
		mhod_ctr.rx_unexpected++;
		mhod_log_reject("CTD from %s for %s: no CT-Req of this router waits for it",
				mhod_ntop(&from->sin6_addr),
				mhod_ntop(&m->prev_ip));
		return;
	}
	mhod_ctr.ctx_received++;
	status = ctx_import(m, &from->sin6_addr, &r->ncoa, spis, &nspi);
	if (status)
		mhod_ctr.ctx_refused++;
	else
		mhod_ctr.ctx_installed++;
	mhod_log(status ? MHOD_LOG_WARN : MHOD_LOG_INFO,
		 "CTD from %s: context of %s %s, %llu ms after the CTAR",
		 r->nb->name, mhod_ntop(&r->pcoa),
		 status ? "refused" : "installed",
		 (unsigned long long)(loop_now_ms() - r->t0));
	send_ctdr(from, &m->prev_ip, status, NULL, 0);
	req_end(r, status, true);
}

void ctx_on_attach(uint32_t id)
{
	if (!kern_ctx_activate(id))
		mhod_ctr.ctx_activated++;
}

/* ---------------------------------------------------------- receiving */

static void rx(struct loop_fd *lf)
{
	static struct mhod_cxtp m;
	static bool skipping;	/* in the reads of a message too long */
	struct sockaddr_in6 from;
	struct iovec iov = { .iov_base = msg_buf, .iov_len = sizeof(msg_buf) };
	struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from),
			     .msg_iov = &iov, .msg_iovlen = 1 };
	const struct mhod_conf_neighbor *nb;
	struct mhod_pkt_info pi = { 0 };
	enum mhod_err err;
	ssize_t n;

	n = recvmsg(lf->fd, &mh, MSG_DONTWAIT);
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			mhod_log(MHOD_LOG_WARN, "CXTP socket: %s",
				 strerror(errno));
		return;
	}
	mhod_ctr.rx_msgs++;
	if (mh.msg_flags & MSG_NOTIFICATION)
		goto out;
	if (skipping && (mh.msg_flags & MSG_EOR)) {
		skipping = false;	/* the end of a message too long */
		goto out;
	}
	nb = mh.msg_namelen >= sizeof(from) && from.sin6_family == AF_INET6 ?
	     mhod_conf_neighbor_by_addr(mhod_conf, &from.sin6_addr) : NULL;
	if (!nb) {
		/* Only a configured neighbour may send a context. */
		mhod_ctr.ctx_unknown_ar++;
		mhod_log_reject("CXTP from %s: not a configured neighbour",
				mhod_ntop(&from.sin6_addr));
		goto out;
	}
	/*
	 * A message longer than the buffer comes in several reads, the
	 * last with MSG_EOR: all of them are dropped, none is parsed.
	 */
	if (skipping || !(mh.msg_flags & MSG_EOR) || (size_t)n > MHOD_MSG_MAX) {
		if (!skipping) {
			mhod_ctr.rx_malformed++;
			mhod_log_reject("CXTP from %s: longer than %d octets",
					nb->name, MHOD_MSG_MAX);
		}
		skipping = !(mh.msg_flags & MSG_EOR);
		goto out;
	}
	err = mhod_cxtp_parse(&m, msg_buf, (size_t)n, &pi, NULL);
	if (err) {
		mhod_ctr.rx_malformed++;
		mhod_log_reject("CXTP from %s rejected: %s", nb->name,
				mhod_strerror(err));
	} else if (m.type == MHOD_CXTP_PCTD) {
		on_pctd(&from, &m);
	} else if (m.type == MHOD_CXTP_CTDR) {
		on_ctdr(&from.sin6_addr, &m);
	} else if (m.type == MHOD_CXTP_CTREQ) {
		ar_ctx_request(nb, &m);
	} else if (m.type == MHOD_CXTP_CTD) {
		on_ctd(&from, &m);
	} else {
		mhod_ctr.rx_unexpected++;
		mhod_log_reject("CXTP type %u from %s: not handled", m.type,
				nb->name);
	}
out:
	wipe_msg((size_t)n);
}

int ctx_start(void)
{
	const struct in6_addr *local = mhod_core_addr();
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6,
				   .sin6_port = htons(MHOD_CXTP_PORT) };
	int i, fd;

	if (!mhod_conf->ctx_transfer || mhod_conf->role != MHOD_ROLE_AR)
		return 0;
	nouts = mhod_conf->npeers;
	outs = calloc(nouts ? nouts : 1, sizeof(*outs));
	if (!outs) {
		mhod_log(MHOD_LOG_ERR, "context transfer: out of memory");
		return -1;
	}
	for (i = 0; i < nouts; i++)
		if (loop_timer_init(&outs[i].timer, out_timeout) < 0)
			return -1;
	/* One reactive transfer per MN here, as many as handoffs. */
	nreqs = mhod_conf->limits.mobile_nodes;
	reqs = calloc(nreqs ? nreqs : 1, sizeof(*reqs));
	if (!reqs) {
		mhod_log(MHOD_LOG_ERR, "context transfer: out of memory");
		return -1;
	}
	for (i = 0; i < (int)nreqs; i++)
		if (loop_timer_init(&reqs[i].timer, req_timeout) < 0)
			return -1;
	if (!local) {
		mhod_log(MHOD_LOG_ERR, "context transfer: no core address");
		return -1;
	}
	sa.sin6_addr = *local;
	fd = socket(AF_INET6, SOCK_SEQPACKET | SOCK_CLOEXEC, IPPROTO_SCTP);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 16) < 0) {
		mhod_log(MHOD_LOG_ERR, "context transfer: SCTP [%s]:%d: %s",
			 mhod_ntop(local), MHOD_CXTP_PORT, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	sock_lf.fd = fd;
	sock_lf.fn = rx;
	if (loop_add(&sock_lf) < 0) {
		close(fd);
		sock_lf.fd = -1;
		return -1;
	}
	mhod_log(MHOD_LOG_INFO, "context transfer: SCTP [%s]:%d",
		 mhod_ntop(local), MHOD_CXTP_PORT);
	return 0;
}

void ctx_stop(void)
{
	int i;

	if (sock_lf.fd >= 0) {
		loop_del(&sock_lf);
		close(sock_lf.fd);
	}
	sock_lf.fd = -1;
	for (i = 0; outs && i < nouts; i++)
		loop_timer_free(&outs[i].timer);
	free(outs);
	outs = NULL;
	nouts = 0;
	for (i = 0; reqs && i < (int)nreqs; i++)
		loop_timer_free(&reqs[i].timer);
	free(reqs);
	reqs = NULL;
	nreqs = 0;
	ctar_ms = 0;
	wipe_msg(sizeof(msg_buf));
}
