// SPDX-License-Identifier: GPL-2.0
/*
 * The home agent (RFC 6275 10, protected as RFC 4877 says): Binding
 * Updates from the configured mobile nodes, the module's home agent
 * binding of each, and the Binding Acknowledgements.
 *
 * What reaches this code has passed the kernel's IPsec: the XFRM policy
 * for a Mobility Header BU from the home address requires ESP (the start
 * checks it, xfrm.c), so an unprotected BU is dropped before mhod sees it
 * and counted there (XfrmInTmplMismatch). The source is the home address
 * (the kernel swapped it with the Home Address option's, after checking
 * that option against its XFRM states), the option holds the address the
 * packet came from. A BU is taken when all of these hold (10.3.1):
 *
 *   - its home address is a configured mobile node's ([Peer] Address);
 *   - it asks for a home registration (H) and for nothing this home
 *     agent does not do: K (key management mobility) is answered with
 *     K = 0, L (link-local compatibility) is taken, the home link being
 *     virtual (no proxy Neighbor Discovery);
 *   - its sequence number is after the last one taken (9.5.1), else BA
 *     135 with the last one, counted in rx_replayed;
 *   - away from home, it carries the Alternate Care-of Address option
 *     (RFC 4877 4.3: it is under ESP, the source address is not), the
 *     same as the Home Address option's, a global unicast address.
 *
 * Then the module's binding tunnels to the care-of address, with the AR
 * whose [Neighbor] Prefix holds it as its peer: when the care-of address
 * changes, that AR gets the end-marker (kernel/home.c). Lifetime 0, or
 * the home address as care-of address, deregisters. The granted lifetime
 * is the BU's, at most BindingLifetime; when it runs out the binding is
 * deleted (ha_expired). A BA answers every BU with the A flag and every
 * refusal; away from home it goes through the care-of address in a type
 * 2 Routing Header. With [Timers] BindingRefresh, an accepting BA whose
 * lifetime is longer carries a Binding Refresh Advice of that interval.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/mho.h>

#include "loop.h"
#include "mhod.h"

/* Status codes (RFC 6275 6.1.8). */
enum {
	BA_ACCEPTED = 0, BA_UNSPECIFIED = 128, BA_PROHIBITED = 129,
	BA_NO_HOME_REG = 131, BA_NOT_HA = 133, BA_SEQ = 135,
	BA_BAD_COA = 174,
};

struct ha_mn {
	const struct mhod_conf_peer *peer;	/* Address: the HoA */
	bool bound;			/* the module has its binding */
	bool have_seq;
	uint16_t seq;			/* the last BU taken */
	struct in6_addr coa;
	const struct mhod_conf_neighbor *ar;	/* serving coa, or NULL */
	struct loop_timer life;
	struct mhod_rate rl;
};

static struct ha_mn *mns;
static int nmns;
static struct mhod_rate others;		/* BUs of unknown home addresses */

static struct ha_mn *mn_by_hoa(const struct in6_addr *hoa)
{
	int i;

	for (i = 0; i < nmns; i++)
		if (mhod_addr_eq(&mns[i].peer->addr, hoa))
			return &mns[i];
	return NULL;
}

/* The AR whose access prefix holds coa: it gets the end-marker. */
static const struct mhod_conf_neighbor *ar_of(const struct in6_addr *coa)
{
	const struct mhod_conf *c = mhod_conf;
	int i;

	for (i = 0; i < c->nneighbors; i++)
		if (mhod_in_prefix(coa, &c->neighbors[i].prefix,
				   c->neighbors[i].plen))
			return &c->neighbors[i];
	return NULL;
}

static void send_ba(const struct in6_addr *hoa, const struct in6_addr *coa,
		    uint8_t status, uint16_t seq, uint16_t lifetime)
{
	struct mhod_mh m = {
		.type = MHOD_MH_BA, .msg = MHOD_MSG_BA, .status = status,
		.seq = seq, .lifetime = lifetime,
	};
	uint32_t refresh = mhod_conf->timers.binding_refresh_ms / 4000u;

	/* RFC 6275 10.3.1: a Binding Refresh Advice shorter than the
	 * lifetime granted, when BindingRefresh asks for one.
	 */
	if (status < 128 && refresh && refresh < lifetime) {
		m.opts[0].type = MHOD_MHO_BRA;
		m.opts[0].refresh = (uint16_t)refresh;
		m.nopts = 1;
	}
	if (net_tx_ba(&m, mhod_core_addr(), hoa, coa) == 0)
		mhod_ctr.ba++;
	if (status >= 128)
		mhod_ctr.ha_refused++;
	mhod_log(status >= 128 ? MHOD_LOG_WARN : MHOD_LOG_INFO,
		 "BA to %s via %s: status %u seq %u lifetime %u s%s",
		 mhod_ntop(hoa), coa ? mhod_ntop(coa) : "home", status, seq,
		 lifetime * 4u, m.nopts ? ", refresh advised" : "");
}

static void unbind(struct ha_mn *s)
{
	loop_timer_stop(&s->life);
	if (s->bound)
		kern_ha_unbind(&s->peer->addr);
	s->bound = false;
	s->ar = NULL;
	memset(&s->coa, 0, sizeof(s->coa));
}

static void life_timeout(struct loop_timer *t)
{
	struct ha_mn *s = (struct ha_mn *)((char *)t -
					   offsetof(struct ha_mn, life));

	mhod_ctr.ha_expired++;
	mhod_log(MHOD_LOG_INFO, "binding of %s (%s) expired",
		 mhod_ntop(&s->peer->addr), s->peer->name);
	unbind(s);
}

/* A unicast address beyond the link, not the home address. */
static bool coa_ok(const struct in6_addr *coa, const struct in6_addr *hoa)
{
	const uint8_t *a = coa->s6_addr;

	return mhod_addr_unicast(coa) &&
	       !(a[0] == 0xfe && (a[1] & 0xc0) == 0x80) &&
	       !mhod_addr_eq(coa, hoa);
}

static void on_bu(const struct mhod_rx *rx, const struct mhod_mh *m)
{
	const struct in6_addr *hoa = &rx->pi.src;
	const struct in6_addr *from = rx->has_hao ? &rx->hao : NULL;
	const struct mhod_mh_opt *alt;
	struct in6_addr coa;
	struct ha_mn *s;
	uint32_t life_ms;
	uint16_t life;
	bool home;
	int err;

	mhod_ctr.bu++;
	s = mn_by_hoa(hoa);
	if (!s) {
		/* Through some SA, but not a mobile node of ours. */
		mhod_ctr.rx_unknown_peer++;
		if (!mhod_rate_ok(&others, "BU", hoa))
			return;
		mhod_log_reject("BU from %s: not a home address of ours",
				mhod_ntop(hoa));
		send_ba(hoa, from, BA_NOT_HA, m->seq, 0);
		return;
	}
	if (!mhod_rate_ok(&s->rl, "BU", hoa))
		return;
	if (!(m->flags & MHOD_BU_H)) {
		mhod_ctr.rx_unexpected++;
		mhod_log_reject("BU from %s: not a home registration (no H flag)",
				mhod_ntop(hoa));
		send_ba(hoa, from, BA_NO_HOME_REG, m->seq, 0);
		return;
	}
	if (s->have_seq && !mhod_seq_after(m->seq, s->seq)) {
		mhod_ctr.rx_replayed++;
		mhod_log_reject("BU from %s: sequence number %u is not after %u",
				mhod_ntop(hoa), m->seq, s->seq);
		send_ba(hoa, from, BA_SEQ, s->seq, 0);
		return;
	}
	alt = mhod_mh_opt_find(m, MHOD_MHO_ALTCOA, -1);
	home = !from || m->lifetime == 0 ||
	       (alt && mhod_addr_eq(&alt->addr, hoa));
	if (!home) {
		/* RFC 4877 4.3: the care-of address is the one under ESP. */
		if (!alt || !mhod_addr_eq(&alt->addr, from) ||
		    !coa_ok(&alt->addr, hoa)) {
			mhod_ctr.rx_wrong_addr++;
			mhod_log_reject("BU from %s: care-of address %s, Alternate Care-of Address %s",
					mhod_ntop(hoa), mhod_ntop(from),
					alt ? mhod_ntop(&alt->addr) : "none");
			send_ba(hoa, from, BA_BAD_COA, m->seq, 0);
			return;
		}
		coa = alt->addr;
	}
	s->have_seq = true;
	s->seq = m->seq;
	if (home) {
		unbind(s);
		mhod_ctr.ha_deregistered++;
		mhod_log(MHOD_LOG_INFO, "%s (%s) is home: binding deleted",
			 mhod_ntop(hoa), s->peer->name);
		if (m->flags & MHOD_BU_A)
			send_ba(hoa, from, BA_ACCEPTED, m->seq, 0);
		return;
	}
	s->ar = ar_of(&coa);
	err = kern_ha_bind(hoa, &coa, s->ar ? &s->ar->router : NULL);
	if (err) {
		send_ba(hoa, &coa, kern_status(err), m->seq, 0);
		return;
	}
	s->bound = true;
	s->coa = coa;
	life = m->lifetime;
	if ((uint32_t)life * 4000u > mhod_conf->timers.binding_lifetime_ms)
		life = (uint16_t)(mhod_conf->timers.binding_lifetime_ms / 4000u);
	life_ms = (uint32_t)life * 4000u;
	loop_timer_arm(&s->life, life_ms);
	mhod_ctr.ha_registered++;
	mhod_log(MHOD_LOG_INFO, "%s (%s) at %s%s%s, seq %u, for %u s",
		 mhod_ntop(hoa), s->peer->name, mhod_ntop(&coa),
		 s->ar ? " behind " : "", s->ar ? s->ar->name : "", m->seq,
		 life_ms / 1000u);
	if (m->flags & MHOD_BU_A)
		send_ba(hoa, &coa, BA_ACCEPTED, m->seq, life);
}

static void rx_mh(const struct mhod_rx *rx)
{
	static struct mhod_mh m;
	enum mhod_err err;

	if (rx->bad_xhdr) {
		mhod_ctr.rx_malformed++;
		mhod_log_reject("Mobility Header from %s: a Destination Options header without one Home Address option",
				mhod_ntop(&rx->pi.src));
		return;
	}
	err = mhod_mh_parse(&m, rx->buf, rx->len, &rx->pi, NULL);
	if (err) {
		mhod_mh_rx_failed(rx, err);
		return;
	}
	if (m.msg != MHOD_MSG_BU) {
		mhod_ctr.rx_unexpected++;
		mhod_log_reject("%s from %s: not handled by a home agent",
				mhod_msg_name(m.msg), mhod_ntop(&rx->pi.src));
		return;
	}
	on_bu(rx, &m);
}

static void rx_icmp(const struct mhod_rx *rx)
{
	(void)rx;	/* FMIPv6 and CXTP are the access routers' */
}

/*
 * At start, a home agent binding of a configured MN that a previous
 * mhod left (it was restarted, or killed) is taken over: packets go on
 * being tunnelled. Its sequence number and lifetime are not known here:
 * the MN's next BU is taken whatever its number, and the binding lasts
 * BindingLifetime at most (what this home agent grants) unless a BU
 * renews it.
 */
static void ha_resync(struct ha_mn *s)
{
	struct in6_addr peer;
	int role;

	if (kern_binding_get(&s->peer->addr, &role, &peer) < 0 ||
	    role != MHO_ROLE_HA)
		return;
	s->bound = true;
	loop_timer_arm(&s->life, mhod_conf->timers.binding_lifetime_ms);
	mhod_ctr.resynced++;
	mhod_log(MHOD_LOG_INFO,
		 "%s: a binding left by an earlier mhod, taken over for %u s",
		 s->peer->name, mhod_conf->timers.binding_lifetime_ms / 1000u);
}

int ha_start(void)
{
	int i;

	if (!mhod_core_addr())
		return -1;
	nmns = mhod_conf->npeers;
	mns = calloc(nmns ? (size_t)nmns : 1, sizeof(*mns));
	if (!mns)
		return -1;
	for (i = 0; i < nmns; i++) {
		mns[i].peer = &mhod_conf->peers[i];
		if (loop_timer_init(&mns[i].life, life_timeout) < 0)
			return -1;
	}
	if (kern_peers() < 0 || kern_events_open() < 0)
		return -1;
	for (i = 0; i < nmns; i++)
		ha_resync(&mns[i]);
	return net_open(rx_icmp, rx_mh);
}

/*
 * The bindings stay in the module: packets go on being tunnelled while
 * mhod restarts (the next one takes them over, above).
 */
void ha_stop(void)
{
	int i;

	net_close();
	kern_events_close();
	for (i = 0; mns && i < nmns; i++)
		loop_timer_free(&mns[i].life);
	free(mns);
	mns = NULL;
}

void ha_dump(char *out, size_t cap)
{
	size_t n = 0;
	int i, k = 0;

	n += (size_t)snprintf(out, cap, "home-agent");
	for (i = 0; i < nmns && n < cap; i++) {
		if (!mns[i].bound)
			continue;
		if (k++ == 8) {
			n += (size_t)snprintf(out + n, cap - n, " ...");
			break;
		}
		n += (size_t)snprintf(out + n, cap - n, " %s=%s/%u",
				      mns[i].peer->name,
				      mhod_ntop(&mns[i].coa), mns[i].seq);
	}
}
