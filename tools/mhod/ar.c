// SPDX-License-Identifier: GPL-2.0
/*
 * The access-router role, FMIPv6 predictive and reactive modes (RFC 5568
 * 3.3, 5.1).
 * Every AR is a pAR and an nAR at once:
 *
 *   pAR  RtSolPr -> PrRtAdv from the [Neighbor] table;
 *        FBU (BADF-authenticated, from the MN's own PCoA) -> the MN's
 *        binding buffers, HI (Code 0, U) to the nAR, retransmitted;
 *        HAck accepted -> the binding forwards to the nAR, FBack to the
 *        PCoA and the NCoA; HAck refused or no HAck -> the binding goes
 *        back to idle (what it held is delivered on the old link) and
 *        the FBack carries the refusal;
 *        the FBU's lifetime over, or an FBU with lifetime 0 from the
 *        NCoA -> "end": the end-marker follows the last forwarded packet;
 *        reactive: an FBU from the NCoA (the MN is already on the nAR's
 *        link) -> the same, with HI Code 1; the MN is the one whose BADF
 *        SPI and key it carries, the PCoA that MN's configured address
 *   nAR  HI from a configured neighbour -> the MN's binding holds (ncoa
 *        = the NCoA), HAck; the MN's UNA releases the hold in the module
 *        itself (kernel/hook.c), so the daemon never sets "release" but
 *        for an HI with Code 1: the MN is here already (its UNA came
 *        before), the binding (without the NCoA) holds and is released
 *        at once (the old stream goes to the MN, the new one waits for
 *        the end-marker).
 *
 * Pre-authentication (PreAuthentication = fmipv6): the pAR relays the
 * MN's payloads from its FBU into the HI, and the nAR's from the HAck into
 * the FBack; the nAR derives the keys, installs the ESP SAs and policies
 * with the NCoA and keeps the MN as a mobile node of its own (a pa_mn), so
 * that the MN's first FBU on the new link is protected and accepted.
 *
 * Documentation/mhod.rst has the state machines.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/mho.h>
#include <netlink/errno.h>

#include "bytes.h"
#include "hmac.h"
#include "loop.h"
#include "mhod.h"
#include "pakeys.h"

/*
 * PAR_CTX_SENT: HAck'd, the MN's context on its way to the nAR (ctx.c).
 * PAR_CTX_WAIT: reactive, HAck'd and FBack sent: the nAR's CT-Req (the
 * MN's CTAR there) is awaited.
 */
enum par_state {
	PAR_IDLE, PAR_HI_SENT, PAR_CTX_WAIT, PAR_CTX_SENT, PAR_FORWARDING
};

static const char *const par_state_names[] = {
	[PAR_IDLE] = "idle", [PAR_HI_SENT] = "hi-sent",
	[PAR_CTX_WAIT] = "context-wait", [PAR_CTX_SENT] = "context-sent",
	[PAR_FORWARDING] = "forwarding",
};

/* One per [Peer] mobile node: its handoff away from this router. */
struct par_mn {
	struct loop_timer hi_timer, life_timer;
	const struct mhod_conf_peer *peer;
	const struct mhod_conf_neighbor *nar;
	enum par_state state;
	bool have_seq;
	uint16_t fbu_seq, hi_seq;
	uint16_t lifetime;		/* granted, seconds */
	uint32_t hi_tries, hi_wait_ms;
	struct in6_addr pcoa, ncoa, par;	/* par: the FBU's destination */
	bool reactive;			/* the FBU came from the NCoA */
	/* The MN's link-layer address, which the HI must carry (RFC 5568
	 * 6.2.1.1): its [Peer] LinkLayerAddress, else its FBU's option.
	 */
	struct mhod_conf_lla lla;
	/* Forwarding taken over from the kernel at start (resync): the
	 * NCoA is not known until the MN's FBU with lifetime 0 names it.
	 */
	bool resynced;
	/* SignalingRate: a token bucket per MN, for its RtSolPrs and its
	 * verified FBUs (thousandths of a message, refilled since rl.ms).
	 */
	struct mhod_rate rl;
	uint8_t fback_status;		/* of the last FBack sent */
	bool fback_sent;
	uint64_t t_fbu;
	/* Pre-authentication relayed: the MN's (FBU -> HI), the nAR's
	 * (HAck -> FBack); public values only.
	 */
	struct mhod_pa_wire pa_mn, pa_nar;
	/* The Seq of the last CT-Req taken for the MN: not twice. */
	bool have_ctreq;
	uint32_t ctreq_seq;
	/* The SPIs the nAR changed in the MN's context (CTDR -> FBack). */
	uint8_t nspi;
	struct mhod_spi_change spi[MHOD_SPI_MAP_MAX];
};

/*
 * A mobile node that pre-authenticated with this router as its nAR: a
 * mobile node of its own from then on, at its NCoA, with the keys the
 * exchange gave (its par_mn follows the configured peers' in mns). Its
 * SAs and policies last PreAuthLifetime; the entry goes with them.
 */
struct pa_mn {
	bool used;
	struct mhod_conf_peer peer;	/* kind 0 while unused */
	struct mhod_key key;		/* BADF */
	struct mhod_xfrm_pa x;		/* x.spi_in: the BADF SPI too */
	struct in6_addr pcoa;		/* the HI's: who the pAR vouched for */
	struct loop_timer timer;
};

/*
 * HIs this router answered as an nAR: a retransmission gets the same
 * answer, and changes nothing. One per configured peer and NAR_SEEN more
 * (made at start), so that when every mobile node hands off at once and
 * the pAR sends each HI again (its HAck was late), each still finds its
 * first answer: one taken for new could put a binding the MN has
 * claimed since back in hold.
 */
#define NAR_SEEN 64
struct nar_seen {
	bool used;
	struct in6_addr par, pcoa, ncoa;	/* ncoa: the HI's */
	uint16_t seq;
	uint8_t code;
	struct mhod_pa_wire pa;		/* the HAck's pre-authentication */
};

static struct par_mn *mns;
static struct pa_mn *pas;
/* mns: the configured peers, then npa pre-authenticated mobile nodes. */
static unsigned int nmns, npa;
/* How many of mns are in each state: par_state_set() keeps them. */
static unsigned int par_count[PAR_FORWARDING + 1];
static struct nar_seen *seen;
static unsigned int nseen, seen_next;
/* RtSolPrs from addresses no mobile node has share one bucket. */
static struct par_mn others;
static uint16_t hi_seq;

/* ------------------------------------------------------------ helpers */

/* The MN's context moves with its handoffs ([Peer] ContextKey). */
static bool has_ctx(const struct par_mn *s)
{
	return mhod_conf->ctx_transfer && s->peer->ctx_key[0];
}

static struct pa_mn *pa_of(const struct par_mn *s)
{
	size_t i = (size_t)(s - mns);

	return i >= mhod_conf->npeers ? &pas[i - mhod_conf->npeers] : NULL;
}

/* An entry's SAs and policies removed, its keys wiped; it is free. */
static void pa_free(struct pa_mn *pa)
{
	struct par_mn *s = &mns[mhod_conf->npeers + (pa - pas)];

	if (pa->used)
		mhod_xfrm_pa_del(&pa->x);
	loop_timer_stop(&pa->timer);
	mhod_pa_wipe(&pa->key, sizeof(pa->key));
	/* The next MN in this entry starts afresh (sequence numbers). */
	s->have_seq = false;
	s->fback_sent = false;
	s->rl.ms = 0;
	memset(&pa->peer, 0, sizeof(pa->peer));
	memset(&pa->x, 0, sizeof(pa->x));
	memset(&pa->pcoa, 0, sizeof(pa->pcoa));
	pa->used = false;
}

static const struct mhod_key *mn_key(const struct par_mn *s)
{
	struct pa_mn *pa = pa_of(s);

	return pa ? (pa->used ? &pa->key : NULL) : mhod_peer_key(s->peer);
}

static uint32_t mn_spi(const struct par_mn *s)
{
	struct pa_mn *pa = pa_of(s);

	return pa ? pa->x.spi_in : mhod_peer_spi(s->peer);
}

/* Every change of a par_mn's state goes through here. */
static void par_state_set(struct par_mn *s, enum par_state state)
{
	par_count[s->state]--;
	par_count[state]++;
	s->state = state;
}

/* The MNs in a handoff now, and those of them waiting for a HAck. */
static void busy(unsigned int *handoffs, unsigned int *pending)
{
	*handoffs = par_count[PAR_HI_SENT] + par_count[PAR_CTX_WAIT] +
		    par_count[PAR_CTX_SENT] + par_count[PAR_FORWARDING];
	*pending = par_count[PAR_HI_SENT];
}

static const struct mhod_conf_iface *iface_by_index(int ifindex)
{
	const struct mhod_conf *c = mhod_conf;
	int i;

	for (i = 0; i < c->nifaces; i++)
		if (net_ifindex(c->ifaces[i].name) == ifindex)
			return &c->ifaces[i];
	return NULL;
}

/* The nAR serving an NCoA: the longest matching [Neighbor] prefix. */
static const struct mhod_conf_neighbor *nar_of(const struct in6_addr *ncoa);

const struct mhod_conf_neighbor *ar_neighbor_of(const struct in6_addr *addr)
{
	return mhod_conf_neighbor_by_addr(mhod_conf, addr) ?: nar_of(addr);
}

static const struct mhod_conf_neighbor *nar_of(const struct in6_addr *ncoa)
{
	const struct mhod_conf *c = mhod_conf;
	const struct mhod_conf_neighbor *best = NULL;
	int i;

	for (i = 0; i < c->nneighbors; i++) {
		const struct mhod_conf_neighbor *n = &c->neighbors[i];

		if (mhod_in_prefix(ncoa, &n->prefix, n->plen) &&
		    (!best || n->plen > best->plen))
			best = n;
	}
	return best;
}

static struct par_mn *mn_by_pcoa(const struct in6_addr *a)
{
	int i;

	for (i = 0; i < (int)nmns; i++)
		if (mns[i].peer->kind == MHOD_PEER_MN &&
		    mhod_addr_eq(&mns[i].peer->addr, a))
			return &mns[i];
	return NULL;
}

static struct par_mn *mn_by_ncoa(const struct in6_addr *a)
{
	int i;

	for (i = 0; i < (int)nmns; i++)
		if (mns[i].state == PAR_FORWARDING &&
		    mhod_addr_eq(&mns[i].ncoa, a))
			return &mns[i];
	return NULL;
}

/* The MN whose BADF key has that SPI (an FBU from a new link). */
static struct par_mn *mn_by_spi(uint32_t spi)
{
	int i;

	for (i = 0; i < (int)nmns; i++)
		if (mns[i].peer->kind == MHOD_PEER_MN && mn_key(&mns[i]) &&
		    mn_spi(&mns[i]) == spi)
			return &mns[i];
	return NULL;
}

static const struct mhod_conf_peer *peer_by_lla(const uint8_t *lla,
						size_t len)
{
	int i;

	for (i = 0; i < mhod_conf->npeers; i++) {
		const struct mhod_conf_peer *p = &mhod_conf->peers[i];

		if (p->kind == MHOD_PEER_MN && p->has_lla &&
		    p->lla.len == len && !memcmp(p->lla.addr, lla, len))
			return p;
	}
	return NULL;
}

static struct mhod_mh_opt *opt_add(struct mhod_mh *m, uint8_t type)
{
	struct mhod_mh_opt *o = &m->opts[m->nopts++];

	memset(o, 0, sizeof(*o));
	o->type = type;
	return o;
}

/* ---------------------------------------------------- RtSolPr/PrRtAdv */

static void nd_addr(struct mhod_icmp *m, uint8_t type, uint8_t code,
		    uint8_t plen, const struct in6_addr *a)
{
	struct mhod_nd_opt *o = &m->opts[m->nopts++];

	memset(o, 0, sizeof(*o));
	o->type = type;
	o->code = code;
	o->plen = plen;
	o->addr = *a;
}

/* One tuple of a PrRtAdv: the AP, the nAR's LLA, address and prefix. */
static bool tuple(struct mhod_icmp *m, const struct mhod_conf_lla *ap,
		  const struct mhod_conf_neighbor *n)
{
	if (m->nopts + 4 > MHOD_OPTS_MAX || !n->has_lla)
		return false;
	mhod_nd_lla(m, MHOD_ND_LLA, MHOD_LLA_NEW_AP, ap);
	mhod_nd_lla(m, MHOD_ND_LLA, MHOD_LLA_NAR, &n->lla);
	nd_addr(m, MHOD_ND_IPA, MHOD_IPA_NAR, 128, &n->router);
	nd_addr(m, MHOD_ND_NRPI, 0, n->plen, &n->prefix);
	return true;
}

static void on_rtsolpr(const struct mhod_rx *rx, const struct mhod_icmp *q)
{
	const struct mhod_conf_iface *ifc = iface_by_index(rx->ifindex);
	const struct mhod_conf *c = mhod_conf;
	static struct mhod_icmp a;
	int i, known = 0, unknown = 0;

	mhod_ctr.rtsolpr++;
	if (!ifc || ifc->kind != MHOD_IF_ACCESS) {
		mhod_ctr.rx_unexpected++;
		mhod_log_reject("RtSolPr from %s not on an access interface",
				mhod_ntop(&rx->pi.src));
		return;
	}
	if (!mhod_rate_ok(&(mn_by_pcoa(&rx->pi.src) ?: &others)->rl, "RtSolPr",
		     &rx->pi.src))
		return;
	memset(&a, 0, sizeof(a));
	a.msg = MHOD_MSG_PRRTADV;
	a.ident = q->ident;
	if (ifc->has_lla)
		mhod_nd_lla(&a, MHOD_ND_LLA, MHOD_LLA_SENDER, &ifc->lla);
	if (mhod_nd_opt_find(q, MHOD_ND_LLA, MHOD_LLA_WILDCARD)) {
		for (i = 0; i < c->nneighbors; i++)
			if (c->neighbors[i].naps &&
			    tuple(&a, &c->neighbors[i].ap[0], &c->neighbors[i]))
				known++;
	}
	for (i = 0; i < q->nopts; i++) {
		const struct mhod_nd_opt *o = &q->opts[i];
		const struct mhod_conf_neighbor *n;

		if (o->type != MHOD_ND_LLA || o->code != MHOD_LLA_NEW_AP)
			continue;
		n = mhod_conf_neighbor_by_ap(c, o->lla, o->lla_len);
		if (n) {
			struct mhod_conf_lla ap = { .len = o->lla_len };

			memcpy(ap.addr, o->lla, o->lla_len);
			known += tuple(&a, &ap, n);
		} else {
			unknown++;
		}
	}
	if (!known) {
		/* Code 2: no new router information; each AP asked about
		 * is named with code 7 (no FMIPv6 known behind it).
		 */
		a.code = 2;
		for (i = 0; i < q->nopts && a.nopts < MHOD_OPTS_MAX; i++) {
			const struct mhod_nd_opt *o = &q->opts[i];
			struct mhod_conf_lla ap = { .len = o->lla_len };

			if (o->type != MHOD_ND_LLA ||
			    o->code != MHOD_LLA_NEW_AP)
				continue;
			memcpy(ap.addr, o->lla, o->lla_len);
			mhod_nd_lla(&a, MHOD_ND_LLA, MHOD_LLA_AP_NO_FMIP, &ap);
		}
	} else if (unknown) {
		a.code = 3;	/* information for a subset only */
	}
	if (!net_tx_icmp(&a, &rx->pi.dst, &rx->pi.src, rx->ifindex))
		mhod_ctr.prrtadv++;
	mhod_log(MHOD_LOG_INFO, "RtSolPr from %s: PrRtAdv code %u, %d known",
		 mhod_ntop(&rx->pi.src), a.code, known);
}

/* ------------------------------------------------------------ pAR */

/* The SPIs the nAR changed, for the MN (mhod's option, kind 6). */
static int spi_map_add(struct mhod_mh *m, const struct par_mn *s)
{
	uint8_t buf[8 * MHOD_SPI_MAP_MAX];
	unsigned int i;

	for (i = 0; i < s->nspi; i++) {
		put32(buf + 8 * i, s->spi[i].old_spi);
		put32(buf + 8 * i + 4, s->spi[i].new_spi);
	}
	return mhod_mh_pa_add(m, MHOD_PA_SPI_MAP, buf, 8u * s->nspi) ? -1 : 0;
}

static void send_fback(struct par_mn *s, uint8_t status)
{
	const struct net_badf sign = { .key = mn_key(s),
				       .coa = &s->ncoa, .par = &s->par };
	const struct in6_addr *dst[2] = { &s->pcoa, &s->ncoa };
	static struct mhod_mh m;
	struct mhod_mh_opt *o;
	int i;

	s->fback_status = status;
	s->fback_sent = true;
	for (i = 0; i < 2; i++) {
		/* The NCoA only for an accepted FBU (RFC 5568 6.2.3). */
		if (i && (status >= 128 || mhod_addr_any(dst[i])))
			break;
		memset(&m, 0, sizeof(m));
		m.type = MHOD_MH_FBACK;
		m.status = status;
		m.seq = s->fbu_seq;
		m.lifetime = status < 128 ? s->lifetime : 0;
		if (status < 128 && s->pa_nar.set &&
		    mhod_pa_wire_add(&m, &s->pa_nar))
			break;
		if (status < 128 && s->nspi && spi_map_add(&m, s))
			break;
		/*
		 * Reactive, with a context: the MN moves its SAs to the
		 * nAR, and asks it for the context (CTAR), at the address
		 * the nAR's end of them will have: its Router.
		 */
		if (status < 128 && s->reactive && has_ctx(s) && s->nar) {
			o = opt_add(&m, MHOD_MHO_IPAP);
			o->code = MHOD_IPA_NAR;
			o->plen = 128;
			o->addr = s->nar->router;
		}
		o = opt_add(&m, MHOD_MHO_BADF);
		o->spi = mn_spi(s);
		o->len = 12;
		if (!net_tx_mh(&m, &s->par, dst[i], 0, &sign))
			mhod_ctr.fback++;
	}
	mhod_log(MHOD_LOG_INFO, "FBack to %s: status %u, seq %u, %llu ms after the FBU",
		 mhod_ntop(&s->pcoa), status, s->fbu_seq,
		 (unsigned long long)(loop_now_ms() - s->t_fbu));
}

static struct kern_binding par_binding(const struct par_mn *s)
{
	struct kern_binding b;

	memset(&b, 0, sizeof(b));
	b.role = MHO_ROLE_PAR;
	b.hoa = s->pcoa;
	if (s->peer->has_home)
		b.home = s->peer->home;
	b.peer = s->nar->router;
	return b;
}

/* The handoff failed: back to idle (the module delivers what it held on
 * the old link) and tell the MN.
 */
static void par_fail(struct par_mn *s, uint8_t status)
{
	struct kern_binding b = par_binding(s);

	loop_timer_stop(&s->hi_timer);
	if (s->state == PAR_CTX_SENT) {
		/* Not at the nAR: the MN's SAs back here, and it stays. */
		ctx_cancel(&s->pcoa);
		kern_ctx_activate_addr(&s->pcoa);
	}
	kern_binding_state(&b, MHO_STATE_IDLE);
	par_state_set(s, PAR_IDLE);
	mhod_ctr.handoffs_failed++;
	send_fback(s, status);
}

static void send_hi(struct par_mn *s)
{
	const struct in6_addr *src = mhod_core_addr();
	static struct mhod_mh m;
	struct mhod_mh_opt *o;

	memset(&m, 0, sizeof(m));
	m.type = MHOD_MH_HI;
	m.seq = s->hi_seq;
	m.flags = MHOD_HI_U;
	m.code = s->reactive ? 1 : 0;	/* Code 1: not from the PCoA */
	if (s->reactive)
		m.flags = 0;	/* U SHOULD be 0 with Code 1 (6.2.1.1) */
	o = opt_add(&m, MHOD_MHO_IPAP);
	o->code = MHOD_IPA_PCOA;
	o->plen = 128;
	o->addr = s->pcoa;
	o = opt_add(&m, MHOD_MHO_IPAP);
	o->code = MHOD_IPA_NCOA;
	o->plen = 128;
	o->addr = s->ncoa;
	o = opt_add(&m, MHOD_MHO_LLA);
	o->code = MHOD_LLA_MN;
	o->lla_len = s->lla.len;
	memcpy(o->lla, s->lla.addr, s->lla.len);
	if (s->pa_mn.set && mhod_pa_wire_add(&m, &s->pa_mn))
		return;
	if (!net_tx_mh(&m, src, &s->nar->router, 0, NULL))
		mhod_ctr.hi++;
	mhod_log(MHOD_LOG_INFO, "HI to %s (%s): seq %u, try %u",
		 s->nar->name, mhod_ntop(&s->nar->router), s->hi_seq,
		 s->hi_tries + 1);
	loop_timer_arm(&s->hi_timer, s->hi_wait_ms);
}

static void hi_timeout(struct loop_timer *t)
{
	struct par_mn *s = (struct par_mn *)((char *)t -
		offsetof(struct par_mn, hi_timer));

	if (s->state == PAR_CTX_WAIT) {
		/* The MN's CTARs have all been sent by now (CTRetryMax). */
		mhod_log(MHOD_LOG_WARN, "no CT-Req from %s for %s in %u ms",
			 s->nar->name, mhod_ntop(&s->pcoa),
			 mhod_conf->timers.ct_retry_max_ms);
		par_fail(s, 128);
		return;
	}
	if (s->state != PAR_HI_SENT)
		return;
	if (s->hi_tries >= mhod_conf->timers.hi_retries) {
		mhod_log(MHOD_LOG_WARN, "no HAck from %s after %u HIs",
			 s->nar->name, s->hi_tries + 1);
		par_fail(s, 128);
		return;
	}
	s->hi_tries++;
	s->hi_wait_ms *= 2;		/* exponential backoff (6.2.1.1) */
	mhod_ctr.retransmits++;
	send_hi(s);
}

/* The tunnel's lifetime is over, or the MN ended it: the end-marker. */
static void par_end(struct par_mn *s, const char *why)
{
	struct kern_binding b = par_binding(s);

	struct in6_addr peer;
	int role, state;

	loop_timer_stop(&s->life_timer);
	/* A home agent's end-marker may have ended it in the module. */
	state = kern_binding_get(&s->pcoa, &role, &peer);
	if (state >= 0 && role == MHO_ROLE_PAR &&
	    state != MHO_STATE_FORWARD && state != MHO_STATE_BICAST) {
		mhod_log(MHOD_LOG_INFO, "forwarding for %s had ended (an end-marker): %s",
			 mhod_ntop(&s->pcoa), why);
	} else {
		mhod_log(MHOD_LOG_INFO, "forwarding for %s ends: %s",
			 mhod_ntop(&s->pcoa), why);
		kern_binding_state(&b, MHO_STATE_END);
	}
	/* The copy of a context the nAR took over: no switch-back now. */
	if (has_ctx(s))
		kern_ctx_drop(&s->pcoa);
	par_state_set(s, PAR_IDLE);
	s->resynced = false;
}

/*
 * The module saw an end-marker. A home agent's ends a forwarding of ours
 * in the module itself (the binding lingers): the handoff ends here too,
 * now and not at the FBU's lifetime, so that what a "leaving" export
 * kept for the MN's last packets up, and the copy kept for a
 * switch-back, go with it.
 */
void ar_on_marker(void)
{
	struct in6_addr peer;
	int i, role, state;

	for (i = 0; par_count[PAR_FORWARDING] && i < (int)nmns; i++) {
		if (mns[i].state != PAR_FORWARDING)
			continue;
		state = kern_binding_get(&mns[i].pcoa, &role, &peer);
		if (state >= 0 && role == MHO_ROLE_PAR &&
		    state != MHO_STATE_FORWARD && state != MHO_STATE_BICAST)
			par_end(&mns[i], "the end-marker came");
	}
}

static void life_timeout(struct loop_timer *t)
{
	struct par_mn *s = (struct par_mn *)((char *)t -
		offsetof(struct par_mn, life_timer));

	if (s->state == PAR_FORWARDING)
		par_end(s, "lifetime over");
}

/*
 * The nAR holds the MN's traffic: forward it there, and tell the MN
 * (unless a reactive context transfer's FBack told it already).
 */
static void par_forward(struct par_mn *s, bool fback)
{
	struct kern_binding b = par_binding(s);
	int err;

	err = kern_binding_state(&b, MHO_STATE_FORWARD);
	if (err) {
		par_fail(s, kern_status(err));
		return;
	}
	par_state_set(s, PAR_FORWARDING);
	mhod_ctr.handoffs_ok++;
	loop_timer_arm(&s->life_timer, (uint32_t)s->lifetime * 1000);
	if (fback)
		send_fback(s, 0);
}

/* The CTDR (or its absence) for s's context (ctx.c). */
static void ctx_done(void *arg, uint8_t status,
		     const struct mhod_spi_change *spis, size_t nspi)
{
	struct par_mn *s = arg;

	if (s->state != PAR_CTX_SENT)
		return;
	if (!status) {
		/* The FBack takes the SPIs the nAR changed to the MN. */
		s->nspi = (uint8_t)nspi;
		if (nspi)
			memcpy(s->spi, spis, nspi * sizeof(*spis));
		par_forward(s, !s->reactive);
		return;
	}
	par_fail(s, status == MHOD_CTDR_NO_RESOURCES ? 130 : 128);
}

static void on_hack(const struct mhod_rx *rx, const struct mhod_mh *m)
{
	struct par_mn *s = NULL;
	int i;

	mhod_ctr.hack++;
	for (i = 0; i < (int)nmns; i++)
		if (mns[i].state == PAR_HI_SENT && mns[i].hi_seq == m->seq &&
		    mhod_addr_eq(&mns[i].nar->router, &rx->pi.src))
			s = &mns[i];
	if (!s) {
		mhod_ctr.rx_unexpected++;
		mhod_log_reject("HAck from %s, seq %u: no HI waits for it",
				mhod_ntop(&rx->pi.src), m->seq);
		return;
	}
	loop_timer_stop(&s->hi_timer);
	if (m->code >= 128) {
		mhod_log(MHOD_LOG_WARN, "%s refused the handoff of %s: code %u",
			 s->nar->name, mhod_ntop(&s->pcoa), m->code);
		par_fail(s, m->code);
		return;
	}
	/* The nAR's pre-authentication answer, for the FBack. */
	if (s->pa_mn.set && mhod_pa_wire_get(m, &s->pa_nar) < 0) {
		mhod_ctr.preauth_failed++;
		mhod_log_reject("HAck from %s: its pre-authentication answer is malformed",
				mhod_ntop(&rx->pi.src));
	}
	/*
	 * The MN's IPsec context goes first: the FBack sends the MN to
	 * the nAR only once the nAR has it (its CTDR). Meanwhile the MN's
	 * traffic waits here (the binding buffers since the FBU).
	 */
	if (has_ctx(s) && !s->reactive) {
		if (ctx_send(s->peer, &s->pcoa, &s->par, s->nar, ctx_done,
			     s) < 0) {
			par_fail(s, 130);
			return;
		}
		par_state_set(s, PAR_CTX_SENT);
		return;
	}
	/*
	 * Reactive: the MN is on the nAR's link already. The FBack tells
	 * it the nAR's address; it moves its SAs there and asks the nAR
	 * for its context (CTAR), which asks here (CT-Req). The MN's
	 * traffic waits here until the nAR has installed it.
	 */
	if (has_ctx(s)) {
		send_fback(s, 0);
		par_state_set(s, PAR_CTX_WAIT);
		loop_timer_arm(&s->hi_timer, mhod_conf->timers.ct_retry_max_ms);
		return;
	}
	par_forward(s, true);
}

void ar_ctx_request(const struct mhod_conf_neighbor *nb,
		    const struct mhod_cxtp *m)
{
	struct par_mn *s = mn_by_pcoa(&m->prev_ip);
	const struct mhod_key *key = s ? mhod_peer_ctx_key(s->peer) : NULL;
	uint8_t token[4];
	const uint8_t *cdbs;
	size_t len;

	if (!key) {
		mhod_ctr.ctx_refused++;
		mhod_log_reject("CT-Req from %s for %s: no such mobile node with a ContextKey",
				nb->name, mhod_ntop(&m->prev_ip));
		return;
	}
	/* The MN's authorization first (RFC 4067 6): its token. */
	mhod_cxtp_req_span(m, &cdbs, &len);
	if (!mhod_cxtp_token(key->k, key->len, &m->prev_ip, m->seq, cdbs, len,
			     token) ||
	    !mhod_memeq(token, m->token, sizeof(token))) {
		mhod_ctr.ctx_bad_token++;
		mhod_log_reject("CT-Req from %s for %s: the token does not verify",
				nb->name, mhod_ntop(&m->prev_ip));
		explicit_bzero(token, sizeof(token));
		return;
	}
	explicit_bzero(token, sizeof(token));
	if (s->have_ctreq && m->seq == s->ctreq_seq) {
		/* Its token verifies, but it was used: a replay. */
		mhod_ctr.rx_replayed++;
		mhod_log_reject("CT-Req from %s for %s: Seq 0x%08x was used",
				nb->name, mhod_ntop(&m->prev_ip), m->seq);
		return;
	}
	/* And the MN's FBU: a reactive handoff from here to nb. */
	if (s->state != PAR_CTX_WAIT || s->nar != nb) {
		mhod_ctr.ctx_refused++;
		mhod_log_reject("CT-Req from %s for %s: no reactive handoff of it to there waits (%s)",
				nb->name, mhod_ntop(&m->prev_ip),
				par_state_names[s->state]);
		return;
	}
	loop_timer_stop(&s->hi_timer);
	s->have_ctreq = true;
	s->ctreq_seq = m->seq;
	if (ctx_send_ctd(s->peer, &s->pcoa, &s->par, s->nar, ctx_done, s) < 0) {
		par_fail(s, 130);
		return;
	}
	par_state_set(s, PAR_CTX_SENT);
}

/* The FBU's peer, checked: the MN whose key signed it, for its own PCoA. */
static struct par_mn *fbu_check(const struct mhod_rx *rx,
				const struct mhod_mh *m,
				struct in6_addr *ncoa, bool *reactive)
{
	const struct mhod_mh_opt *alt = mhod_mh_opt_find(m, MHOD_MHO_ALTCOA,
							 -1);
	const struct mhod_mh_opt *badf = mhod_mh_opt_find(m, MHOD_MHO_BADF,
							  -1);
	const struct mhod_key *key;
	struct par_mn *s;

	*ncoa = alt ? alt->addr : rx->pi.src;
	*reactive = false;
	s = mn_by_pcoa(&rx->pi.src);
	if (!s && m->lifetime == 0)
		s = mn_by_ncoa(&rx->pi.src);	/* ending from the new link */
	if (!s && m->lifetime == 0 && badf) {
		/* Ending forwarding this daemon took over at start: it does
		 * not know the NCoA, the key must be that MN's.
		 */
		s = mn_by_spi(badf->spi);
		if (s && !(s->state == PAR_FORWARDING && s->resynced))
			s = NULL;
	}
	if (!s && m->lifetime && badf && mhod_addr_eq(ncoa, &rx->pi.src)) {
		/* Reactive: from the NCoA; the key must be that MN's. */
		s = mn_by_spi(badf->spi);
		*reactive = s != NULL;
	}
	if (!s) {
		mhod_ctr.rx_unknown_peer++;
		mhod_log_reject("FBU from %s: no such mobile node",
				mhod_ntop(&rx->pi.src));
		return NULL;
	}
	key = mn_key(s);
	if (!key || !badf ||
	    !mhod_mh_badf_verify(m, rx->buf, rx->len, key->k, key->len, ncoa,
				 &rx->pi.dst)) {
		mhod_ctr.rx_bad_auth++;
		mhod_log_reject("FBU from %s: Binding Authorization Data does not verify",
				mhod_ntop(&rx->pi.src));
		return NULL;
	}
	if (s->have_seq && !mhod_seq_after(m->seq, s->fbu_seq) &&
	    m->seq != s->fbu_seq) {
		/* Signed by the MN, but old: a replay. */
		mhod_ctr.rx_replayed++;
		mhod_log_reject("FBU from %s: sequence %u is not after %u",
				mhod_ntop(&rx->pi.src), m->seq, s->fbu_seq);
		return NULL;
	}
	return s;
}

/* The MN's link-layer address for the HI: configured, or the FBU's. */
static bool fbu_lla(struct par_mn *s, const struct mhod_mh *m)
{
	const struct mhod_mh_opt *o = mhod_mh_opt_find(m, MHOD_MHO_LLA,
						       MHOD_LLA_MN);

	if (s->peer->has_lla) {
		s->lla = s->peer->lla;
	} else if (o && o->lla_len && o->lla_len <= sizeof(s->lla.addr)) {
		s->lla.len = o->lla_len;
		memcpy(s->lla.addr, o->lla, o->lla_len);
	} else {
		return false;
	}
	return true;
}

static void on_fbu(const struct mhod_rx *rx, const struct mhod_mh *m)
{
	const struct mhod_conf_neighbor *nar;
	struct in6_addr ncoa;
	struct kern_binding b;
	unsigned int handoffs, pending;
	struct par_mn *s;
	bool reactive;
	uint32_t life;
	int err;

	mhod_ctr.fbu++;
	s = fbu_check(rx, m, &ncoa, &reactive);
	/* After the check: forged FBUs must not use up the MN's rate. */
	if (!s || !mhod_rate_ok(&s->rl, "FBU", &rx->pi.src))
		return;
	if (s->have_seq && m->seq == s->fbu_seq) {
		/* A retransmission: the answer again, if there is one. */
		mhod_ctr.retransmits++;
		if (s->fback_sent && s->state != PAR_HI_SENT)
			send_fback(s, s->fback_status);
		return;
	}
	s->have_seq = true;
	s->fbu_seq = m->seq;
	s->fback_sent = false;
	s->nspi = 0;
	s->t_fbu = loop_now_ms();
	if (m->lifetime == 0) {
		if (s->resynced && s->state == PAR_FORWARDING)
			s->ncoa = ncoa;		/* verified: the BADF covers it */
		/* The MN needs the tunnel no longer (RFC 5568 5.6). */
		if (s->state == PAR_FORWARDING)
			par_end(s, "the mobile node ended it");
		return;
	}
	if (s->state != PAR_IDLE) {
		mhod_ctr.rx_unexpected++;
		mhod_log_reject("FBU from %s while %s", mhod_ntop(&rx->pi.src),
				par_state_names[s->state]);
		return;
	}
	/* Reactive: the PCoA is the address of the MN whose key signed it. */
	s->reactive = reactive;
	s->pcoa = reactive ? s->peer->addr : rx->pi.src;
	s->ncoa = ncoa;
	s->par = rx->pi.dst;
	life = mhod_conf->timers.fbu_lifetime_ms / 1000;
	s->lifetime = m->lifetime < life ? m->lifetime : (uint16_t)life;
	if (!fbu_lla(s, m)) {
		/* The HI could not say who the MN is on the new link. */
		mhod_log(MHOD_LOG_WARN, "FBU from %s: its link-layer address is unknown (no LinkLayerAddress in its [Peer], none in the FBU)",
			 mhod_ntop(&s->pcoa));
		mhod_ctr.handoffs_failed++;
		s->nar = NULL;
		send_fback(s, 128);
		return;
	}
	nar = nar_of(&ncoa);
	if (!nar || mhod_addr_eq(&ncoa, &s->pcoa)) {
		/* No neighbour serves that NCoA: nothing to prepare. */
		mhod_log(MHOD_LOG_WARN, "FBU from %s: no neighbour serves %s",
			 mhod_ntop(&s->pcoa), mhod_ntop(&ncoa));
		mhod_ctr.handoffs_failed++;
		s->nar = NULL;
		send_fback(s, 128);
		return;
	}
	s->nar = nar;
	/* Pre-authentication: the MN's payloads go on to the nAR in the HI
	 * (a predictive handoff: a reactive FBU comes too late for it).
	 */
	memset(&s->pa_mn, 0, sizeof(s->pa_mn));
	memset(&s->pa_nar, 0, sizeof(s->pa_nar));
	if (mhod_conf->preauth == MHOD_PREAUTH_FMIP && !reactive &&
	    mhod_pa_wire_get(m, &s->pa_mn) < 0) {
		mhod_ctr.preauth_failed++;
		mhod_log_reject("FBU from %s: its pre-authentication payloads are malformed; not relayed",
				mhod_ntop(&s->pcoa));
	}
	busy(&handoffs, &pending);
	if (handoffs >= mhod_conf->limits.mobile_nodes ||
	    pending >= mhod_conf->limits.pending_hi) {
		/* [Limits] MobileNodes, PendingHandovers. */
		mhod_log(MHOD_LOG_WARN, "FBU from %s: %u handoffs, %u waiting for a HAck: over [Limits]",
			 mhod_ntop(&s->pcoa), handoffs, pending);
		mhod_ctr.handoffs_failed++;
		send_fback(s, 130);
		return;
	}
	/* The departure: from now on the MN's packets wait here, and go to
	 * the nAR once it holds (HAck).
	 */
	b = par_binding(s);
	err = kern_binding_state(&b, MHO_STATE_BUFFER);
	if (err) {
		mhod_ctr.handoffs_failed++;
		send_fback(s, kern_status(err));
		return;
	}
	par_state_set(s, PAR_HI_SENT);
	s->resynced = false;
	s->hi_seq = ++hi_seq;
	s->hi_tries = 0;
	s->hi_wait_ms = mhod_conf->timers.hi_timeout_ms;
	mhod_log(MHOD_LOG_INFO, "FBU %sfrom %s: seq %u, NCoA %s, nAR %s",
		 reactive ? "(reactive) " : "", mhod_ntop(&s->pcoa), m->seq,
		 mhod_ntop(&ncoa), nar->name);
	send_hi(s);
}

/* ------------------------------------------------------------ nAR */

static void send_hack(const struct mhod_rx *rx, uint16_t seq, uint8_t code,
		      const struct mhod_pa_wire *pa)
{
	static struct mhod_mh m;

	memset(&m, 0, sizeof(m));
	m.type = MHOD_MH_HACK;
	m.seq = seq;
	m.code = code;
	if (pa->set && mhod_pa_wire_add(&m, pa))
		return;
	if (net_tx_mh(&m, &rx->pi.dst, &rx->pi.src, 0, NULL))
		return;
	mhod_ctr.hack++;
	mhod_log(MHOD_LOG_INFO, "HAck to %s: seq %u, code %u",
		 mhod_ntop(&rx->pi.src), seq, code);
}

static void pa_expire(struct loop_timer *t)
{
	struct pa_mn *pa = (struct pa_mn *)((char *)t -
		offsetof(struct pa_mn, timer));
	struct par_mn *s = &mns[mhod_conf->npeers + (pa - pas)];

	/* Its SAs are gone (the kernel's lifetime): so is the MN. */
	if (s->state == PAR_FORWARDING)
		par_end(s, "its pre-authentication expired");
	else if (s->state == PAR_HI_SENT || s->state == PAR_CTX_WAIT ||
		 s->state == PAR_CTX_SENT)
		par_fail(s, 128);
	mhod_ctr.preauth_expired++;
	mhod_log(MHOD_LOG_INFO, "pre-authentication of %s expired",
		 mhod_ntop(&pa->peer.addr));
	pa_free(pa);
}

/*
 * A pre-authenticated MN's entry: its own, else a free one. A new
 * exchange for an NCoA that has an entry replaces it only for the same
 * MN: the HI names the PCoA the entry was made for, or the NCoA that
 * entry's MN moved on to through this router. Another MN claiming that
 * address gets nothing (*why says so); nor does an MN in a handoff from
 * here.
 */
static struct pa_mn *pa_slot(const struct in6_addr *ncoa,
			     const struct in6_addr *pcoa, const char **why)
{
	struct pa_mn *free_pa = NULL;
	unsigned int i;

	*why = "no free entry ([Limits] MobileNodes)";
	for (i = 0; i < npa; i++) {
		const struct par_mn *s = &mns[mhod_conf->npeers + i];

		if (pas[i].used && mhod_addr_eq(&pas[i].peer.addr, ncoa)) {
			if (s->state != PAR_IDLE) {
				*why = "it is in a handoff from here";
				return NULL;
			}
			if (!mhod_addr_eq(&pas[i].pcoa, pcoa) &&
			    !(s->have_seq && mhod_addr_eq(&s->ncoa, pcoa))) {
				*why = "another mobile node's pre-authentication holds that address";
				return NULL;
			}
			pa_free(&pas[i]);
			return &pas[i];
		}
		if (!pas[i].used && !free_pa)
			free_pa = &pas[i];
	}
	return free_pa;
}

/*
 * The nAR's part of a pre-authentication, for an HI it accepted (Code 0):
 * its own values, the keys, the SAs and policies with the NCoA, the MN's
 * entry; the answer for the HAck in *out. A failure leaves nothing and
 * the handoff goes on without it (the HAck has no answer: the MN knows).
 */
static void pa_answer(const struct mhod_rx *rx, const struct mhod_mh *m,
		      const struct in6_addr *ncoa, const struct in6_addr *pcoa,
		      const struct mhod_mh_opt *lla, struct mhod_pa_wire *out)
{
	const char *why;
	struct mhod_pa_local l;
	struct mhod_pa_wire w;
	struct mhod_pa_peer p;
	struct mhod_pa_keys k;
	struct pa_mn *pa;
	int got, err = 0;

	got = mhod_pa_wire_get(m, &w);
	if (!got)
		return;
	if (got < 0 || mhod_pa_peer_get(&w, &p)) {
		mhod_ctr.preauth_failed++;
		mhod_log_reject("HI from %s: its pre-authentication payloads are malformed or another suite",
				mhod_ntop(&rx->pi.src));
		return;
	}
	pa = pa_slot(ncoa, pcoa, &why);
	if (!pa) {
		mhod_ctr.preauth_failed++;
		mhod_log_reject("pre-authentication of %s for %s refused: %s",
				mhod_ntop(ncoa), mhod_ntop(pcoa), why);
		return;
	}
	if (mhod_pa_local_new(&l, 0xc0000000u |
			      ((uint32_t)random() & 0x3fffffffu)) ||
	    mhod_pa_derive(&l, &p, false, ncoa, &rx->pi.dst, &k)) {
		mhod_ctr.preauth_failed++;
		mhod_log_reject("pre-authentication of %s: no keys (a low-order value?)",
				mhod_ntop(ncoa));
		goto out;
	}
	pa->x = (struct mhod_xfrm_pa){ .local = rx->pi.dst, .remote = *ncoa,
				       .spi_in = l.spi, .spi_out = p.spi };
	err = mhod_xfrm_pa_add(&pa->x, k.esp_ar, k.esp_mn,
			       mhod_conf->timers.preauth_lifetime_ms / 1000);
	if (err) {
		mhod_ctr.preauth_failed++;
		mhod_log(MHOD_LOG_ERR, "pre-authentication of %s: the SAs cannot be installed: %s",
			 mhod_ntop(ncoa), nl_geterror(err));
		goto out;
	}
	pa->used = true;
	pa->pcoa = *pcoa;
	pa->peer.kind = MHOD_PEER_MN;
	pa->peer.addr = *ncoa;
	snprintf(pa->peer.name, sizeof(pa->peer.name), "pre-auth-%u",
		 (unsigned int)(pa - pas));
	if (lla && lla->lla_len && lla->lla_len <= sizeof(pa->peer.lla.addr)) {
		pa->peer.has_lla = true;
		pa->peer.lla.len = lla->lla_len;
		memcpy(pa->peer.lla.addr, lla->lla, lla->lla_len);
	}
	pa->key.len = MHOD_PA_BADF_KEY_LEN;
	memcpy(pa->key.k, k.badf, MHOD_PA_BADF_KEY_LEN);
	loop_timer_arm(&pa->timer, mhod_conf->timers.preauth_lifetime_ms);
	mhod_pa_wire_of(&l, out);
	mhod_ctr.preauth_ok++;
	mhod_log(MHOD_LOG_INFO, "pre-authenticated %s (through %s): ESP SPIs 0x%08x in, 0x%08x out",
		 mhod_ntop(ncoa), mhod_ntop(&rx->pi.src), pa->x.spi_in,
		 pa->x.spi_out);
out:
	mhod_pa_wipe(&l, sizeof(l));
	mhod_pa_wipe(&k, sizeof(k));
}

static void on_hi(const struct mhod_rx *rx, const struct mhod_mh *m)
{
	const struct mhod_mh_opt *pcoa, *ncoa, *lla;
	const struct mhod_conf_neighbor *par;
	struct nar_seen *n;
	struct kern_binding b;
	uint8_t code = 0;
	int i, err;

	mhod_ctr.hi++;
	par = mhod_conf_neighbor_by_addr(mhod_conf, &rx->pi.src);
	if (!par) {
		/* Only a configured neighbour may prepare a handoff here. */
		mhod_ctr.rx_hi_unknown_ar++;
		mhod_log_reject("HI from %s: not a configured neighbour",
				mhod_ntop(&rx->pi.src));
		return;
	}
	for (i = 0; i < (int)nseen; i++) {
		n = &seen[i];
		if (n->used && n->seq == m->seq &&
		    mhod_addr_eq(&n->par, &rx->pi.src)) {
			mhod_ctr.retransmits++;
			send_hack(rx, m->seq, n->code, &n->pa);
			return;
		}
	}
	pcoa = mhod_mh_opt_find(m, MHOD_MHO_IPAP, MHOD_IPA_PCOA);
	ncoa = mhod_mh_opt_find(m, MHOD_MHO_IPAP, MHOD_IPA_NCOA);
	lla = mhod_mh_opt_find(m, MHOD_MHO_LLA, MHOD_LLA_MN);
	if (m->code > 1 || !pcoa || !ncoa) {
		code = 128;
	} else if (m->code == 0 && !(m->flags & MHOD_HI_U)) {
		code = 0;	/* nothing to hold */
	} else {
		memset(&b, 0, sizeof(b));
		b.role = MHO_ROLE_NAR;
		b.hoa = pcoa->addr;
		/* Code 1: not the NCoA, which would hold what goes to it
		 * (the FBack) until the end-marker that follows the FBack.
		 */
		if (m->code == 0)
			b.ncoa = ncoa->addr;
		b.peer = rx->pi.src;
		b.max_pkts = mhod_conf->limits.buffer_packets;
		b.max_bytes = mhod_conf->limits.buffer_bytes;
		err = kern_binding_state(&b, MHO_STATE_HOLD);
		/* Code 1: the MN is here (its UNA came first): what the pAR
		 * forwards goes to it at once, what comes to it directly
		 * waits for the pAR's end-marker.
		 */
		if (!err && m->code == 1)
			err = kern_binding_state(&b, MHO_STATE_RELEASE);
		code = err ? kern_status(err) : 0;
	}
	mhod_log(MHOD_LOG_INFO, "HI from %s (%s): seq %u, HI code %u, PCoA %s, NCoA %s%s: code %u",
		 par->name, mhod_ntop(&rx->pi.src), m->seq, m->code,
		 pcoa ? mhod_ntop(&pcoa->addr) : "-",
		 ncoa ? mhod_ntop(&ncoa->addr) : "-",
		 lla && peer_by_lla(lla->lla, lla->lla_len) ? " (known MN)" : "",
		 code);
	n = &seen[seen_next++ % nseen];
	n->used = true;
	n->par = rx->pi.src;
	n->seq = m->seq;
	n->code = code;
	memset(&n->pa, 0, sizeof(n->pa));
	memset(&n->ncoa, 0, sizeof(n->ncoa));
	if (pcoa)
		n->pcoa = pcoa->addr;
	if (ncoa && m->code == 1 && code < 128)
		n->ncoa = ncoa->addr;	/* for the MN's CTAR (ctx.c) */
	if (code < 128 && m->code == 0 && ncoa && pcoa &&
	    mhod_conf->preauth == MHOD_PREAUTH_FMIP)
		pa_answer(rx, m, &ncoa->addr, &pcoa->addr, lla, &n->pa);
	send_hack(rx, m->seq, code, &n->pa);
}

bool ar_hi_ncoa(const struct in6_addr *par, const struct in6_addr *pcoa,
		struct in6_addr *ncoa)
{
	int i;

	/* The last HI of that pAR for that MN decides. */
	for (i = (int)nseen - 1; i >= 0; i--) {
		const struct nar_seen *n = &seen[(seen_next + i) % nseen];

		if (n->used && mhod_addr_eq(&n->par, par) &&
		    mhod_addr_eq(&n->pcoa, pcoa)) {
			*ncoa = n->ncoa;
			return !mhod_addr_any(ncoa);
		}
	}
	return false;
}

/* ---------------------------------------------------------- receiving */

static void rx_icmp(const struct mhod_rx *rx)
{
	static struct mhod_icmp m;
	enum mhod_err err;

	if (rx->buf[0] != MHOD_ICMP_FMIP &&
	    rx->buf[0] != MHOD_ICMP_EXP_MOBILITY)
		return;		/* NAs: the module sees the UNA itself */
	err = mhod_icmp_parse(&m, rx->buf, rx->len, &rx->pi, NULL);
	if (err) {
		mhod_rx_malformed("ICMPv6", rx, err);
		return;
	}
	if (m.msg == MHOD_MSG_RTSOLPR)
		on_rtsolpr(rx, &m);
	else if (m.msg == MHOD_MSG_CXTP && m.cxtp.type == MHOD_CXTP_CTAR &&
		 mhod_conf->ctx_transfer)
		ctx_on_ctar(rx, &m.cxtp);
	else
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
	switch (m.msg) {
	case MHOD_MSG_FBU:
		on_fbu(rx, &m);
		break;
	case MHOD_MSG_HI:
		on_hi(rx, &m);
		break;
	case MHOD_MSG_HACK:
		on_hack(rx, &m);
		break;
	default:
		mhod_ctr.rx_unexpected++;
		mhod_log_reject("%s from %s: not handled by an access router",
				mhod_msg_name(m.msg), mhod_ntop(&rx->pi.src));
	}
}

/* ---------------------------------------------------------- lifecycle */

/*
 * Resynchronization at start: what a previous mhod left in the kernel
 * (it was killed, or crashed) for a configured mobile node. A pAR binding
 * that forwards is taken over: forwarding goes on, for at most
 * FBULifetime from now, and the MN's FBU with lifetime 0 ends it (found
 * by its key, as the NCoA is not known). One that buffers waited for a
 * HAck that this daemon cannot match: it goes back to idle (what it holds
 * is delivered on the old link) and the MN's retransmitted FBU starts the
 * handoff again. nAR bindings are the module's (see ar_stop()), and an
 * ending or idle binding needs nothing.
 */
static void ar_resync(struct par_mn *s)
{
	struct in6_addr peer;
	struct kern_binding b;
	int role, state;

	state = kern_binding_get(&s->peer->addr, &role, &peer);
	if (state < 0 || role != MHO_ROLE_PAR ||
	    (state != MHO_STATE_FORWARD && state != MHO_STATE_BUFFER))
		return;
	s->pcoa = s->peer->addr;
	s->nar = mhod_conf_neighbor_by_addr(mhod_conf, &peer);
	mhod_ctr.resynced++;
	memset(&b, 0, sizeof(b));
	b.role = MHO_ROLE_PAR;
	b.hoa = s->pcoa;
	if (state == MHO_STATE_BUFFER) {
		mhod_log(MHOD_LOG_WARN, "resync: %s was waiting for a HAck: back to idle",
			 mhod_ntop(&s->pcoa));
		kern_binding_state(&b, MHO_STATE_IDLE);
		return;
	}
	if (!s->nar) {
		/* Not a neighbour of this configuration: nothing ends it. */
		mhod_log(MHOD_LOG_WARN, "resync: %s forwards to %s, not a neighbour: ended",
			 mhod_ntop(&s->pcoa), mhod_ntop(&peer));
		kern_binding_state(&b, MHO_STATE_END);
		return;
	}
	par_state_set(s, PAR_FORWARDING);
	s->resynced = true;
	s->lifetime = (uint16_t)(mhod_conf->timers.fbu_lifetime_ms / 1000);
	loop_timer_arm(&s->life_timer, (uint32_t)s->lifetime * 1000);
	mhod_log(MHOD_LOG_INFO, "resync: %s forwards to %s, for at most %u s",
		 mhod_ntop(&s->pcoa), s->nar->name, s->lifetime);
}

int ar_start(void)
{
	int i;

	/* HI numbers start at random: an nAR that remembers a restarted
	 * pAR's last HIs must not take its new ones for retransmissions.
	 */
	srandom((unsigned int)loop_now_ms() ^ (unsigned int)getpid());
	hi_seq = (uint16_t)random();
	/* Pre-authenticated mobile nodes: as many as MobileNodes. */
	npa = mhod_conf->preauth == MHOD_PREAUTH_FMIP ?
	      mhod_conf->limits.mobile_nodes : 0;
	nmns = mhod_conf->npeers + npa;
	mns = calloc(nmns ? nmns : 1, sizeof(*mns));
	pas = calloc(npa ? npa : 1, sizeof(*pas));
	nseen = mhod_conf->npeers + NAR_SEEN;
	seen = calloc(nseen, sizeof(*seen));
	if (!mns || !pas || !seen)
		return -1;
	par_count[PAR_IDLE] = nmns;
	for (i = 0; i < (int)npa; i++)
		if (loop_timer_init(&pas[i].timer, pa_expire) < 0)
			return -1;
	for (i = 0; i < (int)nmns; i++) {
		mns[i].peer = i < mhod_conf->npeers ? &mhod_conf->peers[i] :
			      &pas[i - mhod_conf->npeers].peer;
		if (loop_timer_init(&mns[i].hi_timer, hi_timeout) < 0 ||
		    loop_timer_init(&mns[i].life_timer, life_timeout) < 0)
			return -1;
		if (i < mhod_conf->npeers && mns[i].peer->kind == MHOD_PEER_MN &&
		    !mhod_peer_key(mns[i].peer))
			mhod_log(MHOD_LOG_WARN,
				 "mobile node %s has no BADF key: its FBUs will be refused",
				 mns[i].peer->name);
	}
	if (kern_peers() < 0 || kern_events_open() < 0 || ctx_start() < 0)
		return -1;
	for (i = 0; i < mhod_conf->npeers; i++)
		if (mns[i].peer->kind == MHOD_PEER_MN)
			ar_resync(&mns[i]);
	return net_open(rx_icmp, rx_mh);
}

/*
 * Shutdown: a binding still forwarding is ended (its end-marker goes,
 * then it lingers and the module deletes it); one waiting for a HAck goes
 * back to idle. Holds at this router as an nAR are left to the module:
 * the MN's UNA releases them, max-hold bounds them. Peers stay.
 */
void ar_stop(void)
{
	int i;

	net_close();
	kern_events_close();
	for (i = 0; mns && i < (int)nmns; i++) {
		if (mns[i].state == PAR_CTX_SENT)
			ctx_cancel(&mns[i].pcoa);
		struct par_mn *s = &mns[i];
		struct kern_binding b;

		if (s->state == PAR_FORWARDING) {
			par_end(s, "mhod stops");
		} else if (s->state == PAR_CTX_SENT) {
			/* The SAs back, the MN's traffic released here. */
			kern_ctx_activate_addr(&s->pcoa);
		} else if (s->state == PAR_HI_SENT) {
			b = par_binding(s);
			kern_binding_state(&b, MHO_STATE_IDLE);
		}
		loop_timer_free(&s->hi_timer);
		loop_timer_free(&s->life_timer);
	}
	/* Pre-authentications: their SAs and policies go, keys wiped. */
	for (i = 0; pas && mns && i < (int)npa; i++) {
		pa_free(&pas[i]);
		loop_timer_free(&pas[i].timer);
	}
	free(pas);
	pas = NULL;
	free(mns);
	mns = NULL;
	nmns = npa = 0;
	memset(par_count, 0, sizeof(par_count));
	free(seen);
	seen = NULL;
	ctx_stop();
}

void ar_dump(char *out, size_t cap)
{
	size_t n = 0;
	int i;

	for (i = 0; mns && i < (int)nmns && n < cap; i++) {
		const struct par_mn *s = &mns[i];

		if (s->peer->kind != MHOD_PEER_MN)
			continue;
		if (i >= mhod_conf->npeers)
			n += (size_t)snprintf(out + n, cap - n,
					      "%smn pre-authenticated %s %s",
					      n ? "; " : "",
					      mhod_ntop(&s->peer->addr),
					      par_state_names[s->state]);
		else
			n += (size_t)snprintf(out + n, cap - n, "%smn %s %s",
					      n ? "; " : "", s->peer->name,
					      par_state_names[s->state]);
		if (s->state != PAR_IDLE && n < cap)
			n += (size_t)snprintf(out + n, cap - n,
					      " pcoa %s ncoa %s nar %s%s",
					      mhod_ntop(&s->pcoa),
					      s->resynced ? "unknown" :
					      mhod_ntop(&s->ncoa),
					      s->nar->name,
					      s->resynced ? " (resynced)" : "");
	}
	if (!n)
		snprintf(out, cap, "no mobile nodes");
}
