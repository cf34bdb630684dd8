// SPDX-License-Identifier: GPL-2.0
/*
 * The reference mobile node agent (FMIPv6 predictive mode, RFC 5568 3.3),
 * driven through the control socket:
 *
 *   handoff AP-LLA   RtSolPr to the current AR naming the new access point
 *                    (unless its PrRtAdv is known), then an FBU from the
 *                    current link; answers once the FBack has come
 *                    ("ok status S seq N ncoa A nar B ms T") or all the
 *                    retries have gone ("error ...")
 *   attach           the MN is on the new link: the UNA from the NCoA
 *                    (the nAR's module releases its hold on it); the new
 *                    link becomes the current one
 *   reactive         the MN is on another link already, without an
 *                    FBack (reactive mode, RFC 5568 3.3): the UNA from
 *                    its address there (the NCoA), then the FBU from the
 *                    NCoA to the AR it left; answers as "handoff" does,
 *                    and the new link is then the current one
 *   replay           the last handoff's FBU again, octet for octet (a
 *                    replay, for testing an AR's replay protection)
 *   end              an FBU with lifetime 0 from the new link: the pAR's
 *                    tunnel is no longer needed (after the MN's binding
 *                    updates); the pAR sends its end-marker
 *   state            where the agent is
 *   register [seq N] a BU to the home agent now (mnha.c)
 *   home             where the home registration is (mnha.c)
 *
 * The MN's links are the configuration's "mobile" interfaces; the first
 * is the current one at start. An access router the MN signals to is a
 * [Peer] of kind access-router, whose Key is the BADF key, or the nAR of
 * its last pre-authentication (PreAuthentication = fmipv6): its predictive
 * FBU carries the MN's X25519 value, nonce and SPI, which the pAR relays
 * to the nAR in the HI; the FBack brings the nAR's back, and the agent
 * installs the ESP SAs and policies with the nAR (for the NCoA) and keeps
 * the BADF key, so that its first FBU on the new link is protected and
 * accepted at once (Documentation/mhod.rst, Pre-authentication).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netlink/errno.h>

#include "bytes.h"
#include "loop.h"
#include "mhod.h"
#include "pakeys.h"

/* MN_CTAR_SENT: reactive, FBack'd, its context asked of the nAR. */
enum mn_state {
	MN_IDLE, MN_SOLICITING, MN_FBU_SENT, MN_READY, MN_CTAR_SENT
};

static const char *const mn_state_names[] = {
	[MN_IDLE] = "idle", [MN_SOLICITING] = "soliciting",
	[MN_FBU_SENT] = "fbu-sent", [MN_READY] = "ready",
	[MN_CTAR_SENT] = "ctar-sent",
};

static struct {
	enum mn_state state;
	const struct mhod_conf_iface *cur, *next;
	const struct mhod_conf_peer *ar;	/* the current AR */
	struct loop_timer timer;
	uint32_t tries, wait_ms;
	uint16_t ident, seq;
	bool have_seq;
	struct mhod_conf_lla ap;
	/* From the PrRtAdv. */
	bool have_nar;
	struct in6_addr nar, prefix, ncoa, pcoa, old_ar;
	uint8_t plen;
	uint64_t t_fbu;
	uint16_t lifetime;
	int client;		/* control client waiting for the answer */
	bool end_pending;
	bool reactive;		/* the FBU goes from the NCoA */
	/* The last FBU with a lifetime (a handoff's), as sent: "replay". */
	uint8_t last_fbu[MHOD_MH_MAX];
	size_t last_fbu_len;
	struct in6_addr last_fbu_dst;
	int last_fbu_ifindex;
	/* Reactive context transfer: the CTAR, as sent (and re-sent). */
	uint32_t ctar_seq;
	uint8_t ctar_token[4];
	uint64_t t_ctar;
	const char *pa_result;
	uint8_t fback_status;
	uint16_t fback_seq;
	/* The SPIs the nAR changed in the MN's context (its FBack). */
	size_t nspi;
	struct mhod_spi_change spi[MHOD_SPI_MAP_MAX];
	/* The pre-authentication this handoff's FBU carries. */
	bool pa_on;
	struct mhod_pa_local pa;
	struct mhod_pa_wire pa_wire;
} mn = { .client = -1 };

/*
 * The ARs the agent pre-authenticated with: peers of its own. Two: the
 * AR it is at (whose keys the next handoff's FBU needs, and the FBU with
 * lifetime 0 after it) and the nAR of its last pre-authentication.
 */
#define MN_DYN	2
struct mn_dyn {
	bool set;
	struct mhod_conf_peer peer;
	struct mhod_key key;
	uint32_t spi;			/* the BADF SPI: the nAR's ESP SPI */
	struct mhod_xfrm_pa x;
};

static struct mn_dyn dyn[MN_DYN];

static struct mn_dyn *dyn_of(const struct mhod_conf_peer *p)
{
	int i;

	for (i = 0; i < MN_DYN; i++)
		if (dyn[i].set && p == &dyn[i].peer)
			return &dyn[i];
	return NULL;
}

static const struct mhod_key *ar_key(const struct mhod_conf_peer *p)
{
	const struct mn_dyn *d = dyn_of(p);

	return d ? &d->key : mhod_peer_key(p);
}

static uint32_t ar_spi(const struct mhod_conf_peer *p)
{
	const struct mn_dyn *d = dyn_of(p);

	return d ? d->spi : mhod_peer_spi(p);
}

static void dyn_clear(struct mn_dyn *d)
{
	if (d->set)
		mhod_xfrm_pa_del(&d->x);
	mhod_pa_wipe(d, sizeof(*d));
	d->set = false;
}

/* Where a new pre-authentication with ar goes: its own entry, else one
 * that is not the AR the agent is at.
 */
static struct mn_dyn *dyn_for(const struct in6_addr *ar)
{
	int i;

	for (i = 0; i < MN_DYN; i++)
		if (dyn[i].set && mhod_addr_eq(&dyn[i].peer.addr, ar))
			return &dyn[i];
	for (i = 0; i < MN_DYN; i++)
		if (!dyn[i].set || mn.ar != &dyn[i].peer)
			return &dyn[i];
	return &dyn[0];
}

void mn_defer_reply(int fd)
{
	mn.client = fd;
}

static void answer(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void answer(const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	mhod_log(MHOD_LOG_INFO, "%s", line);
	if (mn.client >= 0)
		mhod_ctl_reply(mn.client, line);
	mn.client = -1;
}

static const struct mhod_conf_iface *mobile_iface(int skip)
{
	const struct mhod_conf *c = mhod_conf;
	int i;

	for (i = 0; i < c->nifaces; i++)
		if (c->ifaces[i].kind == MHOD_IF_MOBILE && skip-- == 0)
			return &c->ifaces[i];
	return NULL;
}

static const struct mhod_conf_peer *ar_by_addr(const struct in6_addr *a)
{
	int i;

	for (i = 0; i < MN_DYN; i++)
		if (dyn[i].set && mhod_addr_eq(&dyn[i].peer.addr, a))
			return &dyn[i].peer;

	for (i = 0; i < mhod_conf->npeers; i++)
		if (mhod_conf->peers[i].kind == MHOD_PEER_AR &&
		    mhod_addr_eq(&mhod_conf->peers[i].addr, a))
			return &mhod_conf->peers[i];
	return NULL;
}

/* The AR on a link: the one in its address's prefix, else the first. */
static const struct mhod_conf_peer *ar_on(const struct mhod_conf_iface *ifc)
{
	const struct mhod_conf_peer *ar = NULL;
	int i;

	for (i = 0; i < mhod_conf->npeers; i++) {
		const struct mhod_conf_peer *p = &mhod_conf->peers[i];

		if (p->kind != MHOD_PEER_AR)
			continue;
		if (!ar || mhod_in_prefix(&p->addr, &ifc->addr[0],
					  ifc->plen[0]))
			ar = p;
	}
	return ar;
}

/* ------------------------------------------------------------ RtSolPr */

static void send_rtsolpr(void)
{
	static struct mhod_icmp m;

	memset(&m, 0, sizeof(m));
	m.msg = MHOD_MSG_RTSOLPR;
	m.ident = mn.ident;
	if (mn.cur->has_lla)
		mhod_nd_lla(&m, MHOD_ND_LLA, MHOD_LLA_SENDER, &mn.cur->lla);
	mhod_nd_lla(&m, MHOD_ND_LLA, MHOD_LLA_NEW_AP, &mn.ap);
	if (!net_tx_icmp(&m, &mn.pcoa, &mn.ar->addr, net_ifindex(mn.cur->name)))
		mhod_ctr.rtsolpr++;
	loop_timer_arm(&mn.timer, mn.wait_ms);
}

/* ---------------------------------------------------------------- FBU */

/*
 * An FBU from src to ar, out of the current link: the old link's routes
 * may still be there (an on-link prefix whose link is gone), and Linux
 * only holds a unicast route lookup to the interface IPV6_PKTINFO names
 * when the source is left to it (ip6_route_output_flags()). From the new
 * link (src is the NCoA: the FBU that ends forwarding, the reactive FBU)
 * the source is left to the kernel, which picks the NCoA there (the
 * checksum is the kernel's; the BADF does not cover the source).
 */
static int send_fbu(uint16_t lifetime, const struct in6_addr *src,
		    const struct in6_addr *ar)
{
	const struct mhod_key *key = ar_key(mn.ar);
	static struct mhod_mh m;
	struct mhod_mh_opt *o;
	struct net_badf sign = { 0 };

	if (!key)
		return -1;
	memset(&m, 0, sizeof(m));
	m.type = MHOD_MH_FBU;
	m.seq = mn.seq;
	m.flags = MHOD_BU_A | MHOD_BU_H;
	m.lifetime = lifetime;
	o = &m.opts[m.nopts++];
	o->type = MHOD_MHO_ALTCOA;
	o->addr = mn.ncoa;
	/* Our link-layer address on the new link, for the HI (RFC 5568
	 * 6.2.1.1): an AR that has none configured for us takes this one.
	 */
	if (lifetime && mn.next && mn.next->has_lla) {
		o = &m.opts[m.nopts++];
		o->type = MHOD_MHO_LLA;
		o->code = MHOD_LLA_MN;
		o->lla_len = mn.next->lla.len;
		memcpy(o->lla, mn.next->lla.addr, mn.next->lla.len);
	}
	if (lifetime && mn.pa_on && mhod_pa_wire_add(&m, &mn.pa_wire))
		return -1;
	o = &m.opts[m.nopts++];
	o->type = MHOD_MHO_BADF;
	o->spi = ar_spi(mn.ar);
	o->len = 12;
	sign.key = key;
	sign.coa = &mn.ncoa;
	sign.par = ar;
	sign.kernel_src = mhod_addr_eq(src, &mn.ncoa);
	if (lifetime) {
		/* The handoff's FBU, kept for "replay". */
		sign.copy = mn.last_fbu;
		sign.copy_len = &mn.last_fbu_len;
		mn.last_fbu_len = 0;
		mn.last_fbu_dst = *ar;
		mn.last_fbu_ifindex = net_ifindex(mn.cur->name);
	}
	if (net_tx_mh(&m, src, ar, net_ifindex(mn.cur->name), &sign))
		return -1;
	mhod_ctr.fbu++;
	mhod_log(MHOD_LOG_INFO, "FBU to %s from %s: seq %u, NCoA %s, lifetime %u",
		 mhod_ntop(ar), mhod_ntop(src), mn.seq, mhod_ntop(&mn.ncoa),
		 lifetime);
	return 0;
}

/* Predictive: from the PCoA, on the old link; reactive: from the NCoA. */
static const struct in6_addr *fbu_src(void)
{
	return mn.reactive ? &mn.ncoa : &mn.pcoa;
}

/* An inbound SPI for the pre-authentication: random, never reserved. */
static uint32_t pa_spi(void)
{
	return 0xc0000000u | ((uint32_t)random() & 0x3fffffffu);
}

static void start_fbu(void)
{
	mn.seq = mn.have_seq ? (uint16_t)(mn.seq + 1) : (uint16_t)random();
	mn.have_seq = true;
	mn.state = MN_FBU_SENT;
	mn.tries = 0;
	mn.wait_ms = mhod_conf->timers.fbu_timeout_ms;
	mn.t_fbu = loop_now_ms();
	mn.lifetime = (uint16_t)(mhod_conf->timers.fbu_lifetime_ms / 1000);
	/* Pre-authentication with the nAR: predictive handoffs only (the
	 * reactive FBU comes from the new link, too late for it).
	 */
	mhod_pa_wipe(&mn.pa, sizeof(mn.pa));
	mn.pa_on = false;
	if (mhod_conf->preauth == MHOD_PREAUTH_FMIP && !mn.reactive) {
		if (mhod_pa_local_new(&mn.pa, pa_spi()) < 0) {
			mn.state = MN_IDLE;
			answer("error cannot make the pre-authentication values");
			return;
		}
		mhod_pa_wire_of(&mn.pa, &mn.pa_wire);
		mn.pa_on = true;
	}
	if (send_fbu(mn.lifetime, fbu_src(), &mn.ar->addr) < 0) {
		mn.state = MN_IDLE;
		answer("error cannot send the FBU");
		return;
	}
	loop_timer_arm(&mn.timer, mn.wait_ms);
}

/* The CTAR (RFC 4067 5.1), ICMPv6 150 from the NCoA to the nAR. */
static int send_ctar(void)
{
	static struct mhod_icmp m;

	memset(&m, 0, sizeof(m));
	m.msg = MHOD_MSG_CXTP;
	m.cxtp.type = MHOD_CXTP_CTAR;
	m.cxtp.flag = true;		/* A: the CTAA ends the handoff */
	m.cxtp.prev_ip = mn.pcoa;
	m.cxtp.ar = mn.old_ar;
	m.cxtp.seq = mn.ctar_seq;
	memcpy(m.cxtp.token, mn.ctar_token, sizeof(m.cxtp.token));
	/* No request blocks: all of the context (RFC 4067 2.3). */
	if (net_tx_icmp(&m, &mn.ncoa, &mn.nar, 0))
		return -1;
	mhod_log(MHOD_LOG_INFO, "CTAR to %s: context of %s, seq 0x%08x, try %u",
		 mhod_ntop(&mn.nar), mhod_ntop(&mn.pcoa), mn.ctar_seq,
		 mn.tries + 1);
	return 0;
}

/* CTRequestRetry, doubling, until CTRetryMax after the first. */
static void ctar_timeout(void)
{
	uint64_t spent = loop_now_ms() - mn.t_ctar;
	uint32_t max = mhod_conf->timers.ct_retry_max_ms;

	if (spent >= max) {
		mn.state = MN_IDLE;
		mhod_ctr.handoffs_failed++;
		answer("error no CTAA after %u tries", mn.tries + 1);
		return;
	}
	mn.tries++;
	mhod_ctr.retransmits++;
	send_ctar();
	mn.wait_ms *= 2;
	loop_timer_arm(&mn.timer, mn.wait_ms < max - spent ? mn.wait_ms :
			(uint32_t)(max - spent));
}

static void timeout(struct loop_timer *t)
{
	uint32_t retries;

	(void)t;
	if (mn.state == MN_CTAR_SENT) {
		ctar_timeout();
		return;
	}
	if (mn.state != MN_SOLICITING && mn.state != MN_FBU_SENT)
		return;
	retries = mn.state == MN_SOLICITING ?
		mhod_conf->timers.rtsolpr_retries :
		mhod_conf->timers.fbu_retries;
	if (mn.tries >= retries) {
		const char *what = mn.state == MN_SOLICITING ?
			"PrRtAdv" : "FBack";

		mn.state = MN_IDLE;
		mn.pa_on = false;
		mhod_pa_wipe(&mn.pa, sizeof(mn.pa));
		answer("error no %s after %u tries", what, mn.tries + 1);
		return;
	}
	mn.tries++;
	mhod_ctr.retransmits++;
	if (mn.state == MN_SOLICITING) {
		mn.wait_ms *= 2;
		send_rtsolpr();
	} else {
		send_fbu(mn.lifetime, fbu_src(), &mn.ar->addr);
		loop_timer_arm(&mn.timer, mn.wait_ms);
	}
}

/* --------------------------------------------------------- receiving */

static void on_prrtadv(const struct mhod_icmp *m)
{
	int i;
	bool ours = false;

	mhod_ctr.prrtadv++;
	if (mn.state != MN_SOLICITING || m->ident != mn.ident) {
		mhod_ctr.rx_unexpected++;
		return;
	}
	/* The tuple that starts with our AP. */
	for (i = 0; i < m->nopts; i++) {
		const struct mhod_nd_opt *o = &m->opts[i];

		if (o->type == MHOD_ND_LLA && o->code == MHOD_LLA_NEW_AP) {
			ours = o->lla_len == mn.ap.len &&
			       !memcmp(o->lla, mn.ap.addr, mn.ap.len);
			continue;
		}
		if (!ours)
			continue;
		if (o->type == MHOD_ND_IPA && o->code == MHOD_IPA_NAR) {
			mn.nar = o->addr;
			mn.have_nar = true;
		} else if (o->type == MHOD_ND_NRPI) {
			mn.prefix = o->addr;
			mn.plen = o->plen;
		}
	}
	loop_timer_stop(&mn.timer);
	if (!mn.have_nar || !mn.plen) {
		mn.state = MN_IDLE;
		answer("error PrRtAdv code %u: no access router known behind that access point",
		       m->code);
		return;
	}
	/* The NCoA: our address in the nAR's prefix, on another link (the
	 * first such address of the link).
	 */
	mn.next = NULL;
	for (i = 0; mobile_iface(i); i++) {
		const struct mhod_conf_iface *ifc = mobile_iface(i);
		int j;

		for (j = ifc->naddrs - 1; ifc != mn.cur && j >= 0; j--) {
			if (!mhod_in_prefix(&ifc->addr[j], &mn.prefix, mn.plen))
				continue;
			mn.next = ifc;
			mn.ncoa = ifc->addr[j];
		}
	}
	if (!mn.next) {
		mn.state = MN_IDLE;
		answer("error no mobile interface with an address in %s/%u",
		       mhod_ntop(&mn.prefix), mn.plen);
		return;
	}
	mhod_log(MHOD_LOG_INFO, "PrRtAdv: nAR %s, prefix %s/%u, NCoA %s on %s",
		 mhod_ntop(&mn.nar), mhod_ntop(&mn.prefix), mn.plen,
		 mhod_ntop(&mn.ncoa), mn.next->name);
	start_fbu();
}

/*
 * The nAR's answer to the pre-authentication, in an accepted FBack: the
 * keys, the SAs and policies between the NCoA and the nAR, and the nAR as
 * a peer. Returns what the answer line says: "ok", "none" (not asked, or
 * the nAR or the pAR does not do it) or "failed" (counted, logged).
 */
static const char *pa_finish(const struct mhod_mh *m)
{
	struct mhod_pa_wire w;
	struct mhod_pa_peer p;
	struct mhod_pa_keys k;
	const char *res = "failed";
	struct mn_dyn *d;
	int got, err;

	if (!mn.pa_on)
		return "none";
	mn.pa_on = false;
	got = mhod_pa_wire_get(m, &w);
	if (got == 0) {
		mhod_log(MHOD_LOG_WARN, "pre-authentication: the FBack from %s has no answer from %s",
			 mhod_ntop(&mn.ar->addr), mhod_ntop(&mn.nar));
		mhod_pa_wipe(&mn.pa, sizeof(mn.pa));
		return "none";
	}
	if (got < 0 || mhod_pa_peer_get(&w, &p) ||
	    mhod_pa_derive(&mn.pa, &p, true, &mn.ncoa, &mn.nar, &k)) {
		mhod_ctr.preauth_failed++;
		mhod_log_reject("pre-authentication with %s: its answer is malformed or another suite",
				mhod_ntop(&mn.nar));
		goto out;
	}
	d = dyn_for(&mn.nar);
	if (mn.ar == &d->peer)
		mn.ar = NULL;	/* (MN_DYN entries taken: cannot happen) */
	dyn_clear(d);
	d->x = (struct mhod_xfrm_pa){ .local = mn.ncoa, .remote = mn.nar,
				      .spi_in = mn.pa.spi, .spi_out = p.spi };
	err = mhod_xfrm_pa_add(&d->x, k.esp_mn, k.esp_ar,
			       mhod_conf->timers.preauth_lifetime_ms / 1000);
	if (err) {
		mhod_ctr.preauth_failed++;
		mhod_log(MHOD_LOG_ERR, "pre-authentication with %s: the SAs cannot be installed: %s",
			 mhod_ntop(&mn.nar), nl_geterror(err));
		goto out;
	}
	d->set = true;
	snprintf(d->peer.name, sizeof(d->peer.name), "pre-authenticated");
	d->peer.kind = MHOD_PEER_AR;
	d->peer.addr = mn.nar;
	d->key.len = MHOD_PA_BADF_KEY_LEN;
	memcpy(d->key.k, k.badf, MHOD_PA_BADF_KEY_LEN);
	d->spi = p.spi;
	mhod_ctr.preauth_ok++;
	mhod_log(MHOD_LOG_INFO, "pre-authenticated with %s for %s: ESP SPIs 0x%08x in, 0x%08x out",
		 mhod_ntop(&mn.nar), mhod_ntop(&mn.ncoa), d->x.spi_in,
		 d->x.spi_out);
	res = "ok";
out:
	mhod_pa_wipe(&k, sizeof(k));
	mhod_pa_wipe(&mn.pa, sizeof(mn.pa));
	return res;
}

/* The SPIs the nAR changed, from an accepted FBack (authenticated by
 * its BADF, like the rest of it).
 */
static void spi_map_get(const struct mhod_mh *m)
{
	uint8_t buf[8 * MHOD_SPI_MAP_MAX];
	size_t len = 0, i;

	mn.nspi = 0;
	if (mhod_mh_pa_get(m, MHOD_PA_SPI_MAP, buf, sizeof(buf), &len) ||
	    len % 8) {
		mhod_ctr.rx_malformed++;
		mhod_log_reject("FBack: its SPI changes are malformed");
		return;
	}
	for (i = 0; i < len / 8; i++) {
		mn.spi[i].old_spi = get32(buf + 8 * i);
		mn.spi[i].new_spi = get32(buf + 8 * i + 4);
	}
	mn.nspi = len / 8;
	if (mn.nspi)
		mhod_log(MHOD_LOG_INFO, "FBack: the nAR changed %zu SPIs",
			 mn.nspi);
}

/*
 * Reactive, with ContextTransfer and the old AR's ContextKey: the FBack
 * names the nAR (its IP address option). The MN's own SAs move there
 * first, so that what the nAR sends under the context is taken; then the
 * CTAR asks the nAR for it, with the token of the key it shares with the
 * old AR, which checks it. The answer waits for the CTAA.
 */
static void reactive_ctx(const struct mhod_mh *m, const char *pa)
{
	const struct mhod_mh_opt *nar = mhod_mh_opt_find(m, MHOD_MHO_IPAP,
							 MHOD_IPA_NAR);
	const struct mhod_key *key = mhod_peer_ctx_key(mn.ar);
	uint32_t seq;

	mn.state = MN_IDLE;
	mn.fback_status = m->status;
	mn.fback_seq = m->seq;
	mn.pa_result = pa;
	/* The new link is current, whatever comes of the context. */
	mn.ar = ar_on(mn.cur);
	mn.end_pending = true;
	if (!nar) {
		mhod_ctr.handoffs_failed++;
		answer("error the FBack names no nAR for the context");
		return;
	}
	mn.nar = nar->addr;
	if (kern_ctx_move(&mn.pcoa, &mn.ncoa, &mn.old_ar, &mn.nar, NULL, 0)) {
		mhod_ctr.handoffs_failed++;
		answer("error the MN's SAs did not move");
		return;
	}
	mhod_ctr.ctx_moved++;
	/* Random, so not reused within 7 s (RFC 4067 4.4). */
	seq = (uint32_t)random() ^ ((uint32_t)random() << 16);
	mn.ctar_seq = seq;
	if (!mhod_cxtp_token(key->k, key->len, &mn.pcoa, seq, NULL, 0,
			     mn.ctar_token)) {
		mhod_ctr.handoffs_failed++;
		answer("error no token");
		return;
	}
	mn.tries = 0;
	mn.wait_ms = mhod_conf->timers.ct_request_retry_ms;
	mn.t_ctar = loop_now_ms();
	if (send_ctar() < 0) {
		mhod_ctr.handoffs_failed++;
		answer("error cannot send the CTAR");
		return;
	}
	mn.state = MN_CTAR_SENT;
	loop_timer_arm(&mn.timer, mn.wait_ms);
}

/* The nAR's answer: the context is installed there, or is not. */
static void on_ctaa(const struct mhod_rx *rx, const struct mhod_cxtp *c)
{
	uint8_t status = 0;
	int i;

	if (mn.state != MN_CTAR_SENT || !mhod_addr_eq(&rx->pi.src, &mn.nar) ||
	    !mhod_addr_eq(&c->prev_ip, &mn.pcoa)) {
		mhod_ctr.rx_unexpected++;
		mhod_log_reject("CTAA from %s for %s: not awaited",
				mhod_ntop(&rx->pi.src), mhod_ntop(&c->prev_ip));
		return;
	}
	loop_timer_stop(&mn.timer);
	explicit_bzero(mn.ctar_token, sizeof(mn.ctar_token));
	mn.state = MN_IDLE;
	for (i = 0; i < c->nstatus && !status; i++)
		status = c->status[i].status;
	if (status) {
		mhod_ctr.handoffs_failed++;
		answer("error CTAA status %u", status);
		return;
	}
	mhod_ctr.handoffs_ok++;
	mnha_moved(&mn.ncoa);
	mhod_log(MHOD_LOG_INFO, "CTAA from %s: context installed, %llu ms after the CTAR",
		 mhod_ntop(&rx->pi.src),
		 (unsigned long long)(loop_now_ms() - mn.t_ctar));
	answer("ok status %u seq %u ncoa %s nar %s ms %llu preauth %s",
	       mn.fback_status, mn.fback_seq, mhod_ntop(&mn.ncoa),
	       mhod_ntop(&mn.nar),
	       (unsigned long long)(loop_now_ms() - mn.t_fbu), mn.pa_result);
}

static void on_fback(const struct mhod_rx *rx, const struct mhod_mh *m)
{
	const struct mhod_key *key;
	const char *pa;

	mhod_ctr.fback++;
	if (mn.state != MN_FBU_SENT || m->seq != mn.seq ||
	    !mhod_addr_eq(&rx->pi.src, &mn.ar->addr)) {
		/* The copy sent to the NCoA, or a stale one. */
		mhod_log(MHOD_LOG_DEBUG, "FBack from %s, seq %u: not awaited",
			 mhod_ntop(&rx->pi.src), m->seq);
		return;
	}
	key = ar_key(mn.ar);
	if (!key || !mhod_mh_badf_verify(m, rx->buf, rx->len, key->k,
					 key->len, &mn.ncoa, &mn.ar->addr)) {
		mhod_ctr.rx_bad_auth++;
		mhod_log_reject("FBack from %s: Binding Authorization Data does not verify",
				mhod_ntop(&rx->pi.src));
		return;
	}
	loop_timer_stop(&mn.timer);
	if (m->status >= 128) {
		mn.state = MN_IDLE;
		mn.pa_on = false;
		mhod_pa_wipe(&mn.pa, sizeof(mn.pa));
		mhod_ctr.handoffs_failed++;
		answer("error FBack status %u", m->status);
		return;
	}
	mn.state = MN_READY;
	pa = pa_finish(m);
	spi_map_get(m);
	if (mn.reactive && mhod_conf->ctx_transfer &&
	    mhod_peer_ctx_key(mn.ar)) {
		reactive_ctx(m, pa);
		return;
	}
	mhod_ctr.handoffs_ok++;
	if (mn.reactive) {
		/* The UNA went before the FBU: the new link is current. */
		mn.state = MN_IDLE;
		mn.ar = ar_on(mn.cur);
		mn.end_pending = true;
		/* The pAR forwards now: the home agent may move. */
		mnha_moved(&mn.ncoa);
	}
	answer("ok status %u seq %u ncoa %s nar %s ms %llu preauth %s",
	       m->status, m->seq, mhod_ntop(&mn.ncoa),
	       mn.reactive ? (mn.ar ? mhod_ntop(&mn.ar->addr) : "-") :
	       mhod_ntop(&mn.nar),
	       (unsigned long long)(loop_now_ms() - mn.t_fbu), pa);
}

static void rx_icmp(const struct mhod_rx *rx)
{
	static struct mhod_icmp m;
	enum mhod_err err;

	if (rx->buf[0] != MHOD_ICMP_FMIP &&
	    rx->buf[0] != MHOD_ICMP_EXP_MOBILITY)
		return;
	err = mhod_icmp_parse(&m, rx->buf, rx->len, &rx->pi, NULL);
	if (err) {
		mhod_rx_malformed("ICMPv6", rx, err);
		return;
	}
	if (m.msg == MHOD_MSG_PRRTADV)
		on_prrtadv(&m);
	else if (m.msg == MHOD_MSG_CXTP && m.cxtp.type == MHOD_CXTP_CTAA)
		on_ctaa(rx, &m.cxtp);
	else if (m.msg == MHOD_MSG_CXTP)
		mhod_ctr.rx_unexpected++;
}

static void rx_mh(const struct mhod_rx *rx)
{
	static struct mhod_mh m;
	enum mhod_err err;

	err = mhod_mh_parse(&m, rx->buf, rx->len, &rx->pi, NULL);
	if (err) {
		mhod_mh_rx_failed(rx, err);
		return;
	}
	if (m.msg == MHOD_MSG_FBACK)
		on_fback(rx, &m);
	else if (m.msg == MHOD_MSG_BA)
		mnha_on_ba(rx, &m);
	else
		mhod_ctr.rx_unexpected++;
}

/* ---------------------------------------------------------- commands */

static int parse_lla(const char *s, struct mhod_conf_lla *l)
{
	unsigned int v;
	int n;

	l->len = 0;
	while (*s && l->len < sizeof(l->addr)) {
		if (sscanf(s, "%2x%n", &v, &n) != 1 || n != 2)
			return -1;
		l->addr[l->len++] = (uint8_t)v;
		s += 2;
		if (*s == ':')
			s++;
		else if (*s)
			return -1;
	}
	return l->len && !*s ? 0 : -1;
}

static int cmd_handoff(const char *arg, char *out, size_t cap)
{
	if (mn.state == MN_SOLICITING || mn.state == MN_FBU_SENT ||
	    mn.state == MN_CTAR_SENT) {
		snprintf(out, cap, "error a handoff is in progress");
		return 0;
	}
	if (!mn.ar) {
		snprintf(out, cap, "error no access router known on %s",
			 mn.cur->name);
		return 0;
	}
	if (parse_lla(arg, &mn.ap) < 0) {
		snprintf(out, cap, "error usage: handoff AP-LINK-LAYER-ADDRESS");
		return 0;
	}
	mn.pcoa = mn.cur->addr[0];
	mn.old_ar = mn.ar->addr;
	mn.reactive = false;
	mn.have_nar = false;
	mn.plen = 0;
	mn.state = MN_SOLICITING;
	mn.ident = (uint16_t)random();
	mn.tries = 0;
	mn.wait_ms = mhod_conf->timers.rtsolpr_timeout_ms;
	send_rtsolpr();
	return 1;
}

/* The UNA (RFC 5568 6.3): an NA from the NCoA for the NCoA, R=S=O=0. */
static int send_una(void)
{
	static struct mhod_icmp m;
	struct in6_addr all_nodes = { .s6_addr = { 0xff, 0x02, [15] = 1 } };

	memset(&m, 0, sizeof(m));
	m.msg = MHOD_MSG_NA;
	m.target = mn.ncoa;
	if (mn.next->has_lla)
		mhod_nd_lla(&m, MHOD_ND_TLLA, 0, &mn.next->lla);
	if (net_tx_icmp(&m, &mn.ncoa, &all_nodes, net_ifindex(mn.next->name)))
		return -1;
	mhod_ctr.una++;
	return 0;
}

static int cmd_attach(char *out, size_t cap)
{
	if (mn.state != MN_READY) {
		snprintf(out, cap, "error no handoff is ready (%s)",
			 mn_state_names[mn.state]);
		return 0;
	}
	/*
	 * ContextTransfer: the FBack came once the nAR had this MN's
	 * context (mhod.rst); its own SAs follow before its first packet
	 * on the new link, which the nAR's releases then meet.
	 */
	if (mhod_conf->ctx_transfer &&
	    !kern_ctx_move(&mn.pcoa, &mn.ncoa, &mn.old_ar, &mn.nar, mn.spi,
			   mn.nspi))
		mhod_ctr.ctx_moved++;
	if (send_una() < 0) {
		snprintf(out, cap, "error cannot send the UNA");
		return 0;
	}
	mn.cur = mn.next;
	mn.ar = ar_by_addr(&mn.nar);
	mn.state = MN_IDLE;
	mn.end_pending = true;
	snprintf(out, cap, "ok una %s on %s", mhod_ntop(&mn.ncoa),
		 mn.cur->name);
	mhod_log(MHOD_LOG_INFO, "%s", out);
	/* The nAR holds the new stream until the pAR's end-marker. */
	mnha_moved(&mn.ncoa);
	return 0;
}

/*
 * Reactive mode: the MN is on another link (the caller moved it) and has
 * no FBack. The UNA from its address there, then the FBU from it to the
 * AR it left, signed with that AR's key; the answer waits for the FBack.
 */
static int cmd_reactive(char *out, size_t cap)
{
	const struct mhod_conf_iface *ifc;
	int i;

	if (mn.state != MN_IDLE) {
		snprintf(out, cap, "error not idle (%s)",
			 mn_state_names[mn.state]);
		return 0;
	}
	mn.next = NULL;
	for (i = 0; (ifc = mobile_iface(i)); i++)
		if (ifc != mn.cur && ifc->naddrs && !mn.next)
			mn.next = ifc;
	if (!mn.ar || !mn.next) {
		snprintf(out, cap, "error no access router or no other link");
		return 0;
	}
	mn.pcoa = mn.cur->addr[0];
	mn.old_ar = mn.ar->addr;
	mn.ncoa = mn.next->addr[0];
	if (send_una() < 0) {
		snprintf(out, cap, "error cannot send the UNA");
		return 0;
	}
	mn.cur = mn.next;
	mn.reactive = true;
	mhod_log(MHOD_LOG_INFO, "reactive: UNA %s on %s, FBU to %s",
		 mhod_ntop(&mn.ncoa), mn.cur->name, mhod_ntop(&mn.old_ar));
	start_fbu();
	return 1;
}

static int cmd_replay(char *out, size_t cap)
{
	if (!mn.last_fbu_len ||
	    net_send_mh(mn.last_fbu, mn.last_fbu_len, NULL, &mn.last_fbu_dst,
			mn.last_fbu_ifindex)) {
		snprintf(out, cap, "error no FBU to replay");
		return 0;
	}
	snprintf(out, cap, "ok replayed %zu octets to %s", mn.last_fbu_len,
		 mhod_ntop(&mn.last_fbu_dst));
	return 0;
}

static int cmd_end(char *out, size_t cap)
{
	const struct mhod_conf_peer *cur = mn.ar;

	if (!mn.end_pending) {
		snprintf(out, cap, "error no forwarding to end");
		return 0;
	}
	/* Signed with the old AR's key, sent from the NCoA. */
	mn.ar = ar_by_addr(&mn.old_ar);
	mn.seq++;
	if (!mn.ar || send_fbu(0, &mn.ncoa, &mn.old_ar) < 0) {
		mn.ar = cur;
		snprintf(out, cap, "error cannot send the FBU");
		return 0;
	}
	mn.ar = cur;
	mn.end_pending = false;
	snprintf(out, cap, "ok fbu lifetime 0 to %s", mhod_ntop(&mn.old_ar));
	return 0;
}

int mn_command(const char *cmd, char *out, size_t cap)
{
	if (!strncmp(cmd, "handoff ", 8))
		return cmd_handoff(cmd + 8, out, cap);
	if (!strcmp(cmd, "attach"))
		return cmd_attach(out, cap);
	if (!strcmp(cmd, "end"))
		return cmd_end(out, cap);
	if (!strcmp(cmd, "reactive"))
		return cmd_reactive(out, cap);
	if (!strcmp(cmd, "replay"))
		return cmd_replay(out, cap);
	if (!strcmp(cmd, "register") || !strncmp(cmd, "register ", 9))
		return mnha_command(cmd[8] ? cmd + 9 : NULL, out, cap);
	if (!strcmp(cmd, "home")) {
		mnha_dump(out, cap);
		return 0;
	}
	if (!strcmp(cmd, "state")) {
		char pa[2 * (INET6_ADDRSTRLEN + 20)] = "";
		size_t n = 0;
		int i;

		for (i = 0; i < MN_DYN; i++)
			if (dyn[i].set)
				n += (size_t)snprintf(pa + n, sizeof(pa) - n,
						      " pre-authenticated %s",
						      mhod_ntop(&dyn[i].peer.addr));
		snprintf(out, cap, "%s on %s ar %s%s", mn_state_names[mn.state],
			 mn.cur->name, mn.ar ? mhod_ntop(&mn.ar->addr) : "-", pa);
		return 0;
	}
	snprintf(out, cap, "error unknown command");
	return 0;
}

/* ---------------------------------------------------------- lifecycle */

int mn_start(void)
{
	mn.cur = mobile_iface(0);
	if (!mn.cur || !mn.cur->naddrs) {
		mhod_log(MHOD_LOG_ERR, "a mobile node needs a mobile interface with an address");
		return -1;
	}
	mn.ar = ar_on(mn.cur);
	srandom((unsigned int)loop_now_ms() ^ (unsigned int)getpid());
	if (loop_timer_init(&mn.timer, timeout) < 0 ||
	    net_open(rx_icmp, rx_mh) < 0)
		return -1;
	/* Registered at the current link's address from the start. */
	return mnha_start(&mn.cur->addr[0]);
}

/* Shutdown: the MN agent leaves nothing in the kernel. */
void mn_stop(void)
{
	mnha_stop();
	net_close();
	dyn_clear(&dyn[0]);
	dyn_clear(&dyn[1]);
	mhod_pa_wipe(&mn.pa, sizeof(mn.pa));
	loop_timer_free(&mn.timer);
	if (mn.client >= 0)
		answer("error mhod stops");
}
