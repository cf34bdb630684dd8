// SPDX-License-Identifier: GPL-2.0
/*
 * The mobile node agent's home registration (RFC 6275 11.7.1, 11.7.3):
 * Binding Updates to its home agent ([Peer] Kind = home-agent, with the
 * MN's HomeAddress), at start and after each move, from the care-of
 * address with a Home Address option, under the ESP of RFC 4877 (the
 * kernel's policies for the Mobility Header between the home address and
 * the home agent). The BU asks for an acknowledgement (A) and a home
 * registration (H), K = 0 (static SAs), for BindingLifetime, with the
 * care-of address in an Alternate Care-of Address option (RFC 4877 4.3).
 *
 * Retransmission, each BU with the next sequence number (RFC 6275
 * 11.7.1): after BindAckTimeoutFirst for the first registration
 * (BindAckTimeout after that), doubling up to BindAckTimeoutMax; then
 * the registration has failed. A BA is taken from the home agent only,
 * for the sequence number last sent. Status 135 (sequence number out of
 * window) brings the home agent's number: the agent sends again, after
 * it. The registration is refreshed when 3/4 of the granted lifetime
 * have passed, or sooner when the BA's Binding Refresh Advice says so
 * (RFC 6275 11.7.3).
 *
 * Control commands (mn.c): "register [seq N]" sends a BU now (N: with
 * that sequence number, to test a home agent's replay protection);
 * "home" says where the registration is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loop.h"
#include "mhod.h"

enum reg_state { REG_NONE, REG_SENT, REG_DONE, REG_FAILED };

static const char *const reg_names[] = {
	[REG_NONE] = "none", [REG_SENT] = "sent",
	[REG_DONE] = "registered", [REG_FAILED] = "failed",
};

static struct {
	const struct mhod_conf_peer *ha;	/* NULL: no home agent */
	enum reg_state state;
	struct in6_addr coa;
	uint16_t seq;
	uint16_t lifetime;		/* granted, 4 s units */
	uint32_t refresh_ms;		/* when the next refresh goes */
	uint8_t status;			/* of the last BA */
	bool first;			/* no registration taken yet */
	uint32_t wait_ms;
	uint64_t t_sent;
	uint32_t ms;			/* the last registration's BU to BA */
	struct loop_timer timer;
} reg;

static int send_bu(void)
{
	const struct in6_addr *hoa = &reg.ha->home;
	struct mhod_mh m = {
		.type = MHOD_MH_BU, .msg = MHOD_MSG_BU, .seq = reg.seq,
		.flags = MHOD_BU_A | MHOD_BU_H,
	};

	if (!mhod_addr_eq(&reg.coa, hoa)) {
		m.lifetime = (uint16_t)(mhod_conf->timers.binding_lifetime_ms /
					4000u);
		m.opts[0].type = MHOD_MHO_ALTCOA;
		m.opts[0].addr = reg.coa;
		m.nopts = 1;
	}
	if (net_tx_bu(&m, &reg.coa, hoa, &reg.ha->addr) < 0)
		return -1;
	mhod_ctr.bu++;
	mhod_log(MHOD_LOG_INFO, "BU to %s: home %s care-of %s seq %u",
		 mhod_ntop(&reg.ha->addr), mhod_ntop(hoa), mhod_ntop(&reg.coa),
		 reg.seq);
	return 0;
}

/* A new registration (a new care-of address, a refresh): BU, timer. */
static void start(void)
{
	reg.seq++;
	reg.state = REG_SENT;
	reg.t_sent = loop_now_ms();
	reg.wait_ms = reg.first ? mhod_conf->timers.bindack_first_ms :
		      mhod_conf->timers.bindack_ms;
	send_bu();
	loop_timer_arm(&reg.timer, reg.wait_ms);
}

static void timeout(struct loop_timer *t)
{
	(void)t;
	if (reg.state == REG_DONE) {	/* time to refresh */
		start();
		return;
	}
	if (reg.state != REG_SENT)
		return;
	if (reg.wait_ms >= mhod_conf->timers.bindack_max_ms) {
		reg.state = REG_FAILED;
		mhod_log(MHOD_LOG_WARN, "BU to %s: no BA after %u ms: registration failed",
			 mhod_ntop(&reg.ha->addr), reg.wait_ms);
		return;
	}
	reg.wait_ms *= 2;
	if (reg.wait_ms > mhod_conf->timers.bindack_max_ms)
		reg.wait_ms = mhod_conf->timers.bindack_max_ms;
	/* A new number each time (11.7.1): the home agent answers a BU
	 * whose number it took already with 135.
	 */
	mhod_ctr.retransmits++;
	reg.seq++;
	send_bu();
	loop_timer_arm(&reg.timer, reg.wait_ms);
}

void mnha_moved(const struct in6_addr *coa)
{
	if (!reg.ha)
		return;
	reg.coa = *coa;
	start();
}

void mnha_on_ba(const struct mhod_rx *rx, const struct mhod_mh *m)
{
	const struct mhod_mh_opt *bra;
	uint32_t life_ms;

	mhod_ctr.ba++;
	if (!reg.ha || !mhod_addr_eq(&rx->pi.src, &reg.ha->addr) ||
	    !mhod_addr_eq(&rx->pi.dst, &reg.ha->home)) {
		mhod_ctr.rx_unknown_peer++;
		mhod_log_reject("BA from %s to %s: not from our home agent",
				mhod_ntop(&rx->pi.src), mhod_ntop(&rx->pi.dst));
		return;
	}
	if (reg.state != REG_SENT) {
		mhod_log(MHOD_LOG_DEBUG, "BA seq %u: none awaited", m->seq);
		return;
	}
	if (m->status == 135) {
		/* 11.7.3: the home agent's last number; go on after it. */
		mhod_log(MHOD_LOG_WARN, "BA: sequence number %u out of window, the home agent has %u",
			 reg.seq, m->seq);
		reg.seq = m->seq;
		start();
		return;
	}
	if (m->seq != reg.seq) {
		mhod_log(MHOD_LOG_DEBUG, "BA seq %u: not %u", m->seq, reg.seq);
		return;
	}
	loop_timer_stop(&reg.timer);
	reg.status = m->status;
	reg.ms = (uint32_t)(loop_now_ms() - reg.t_sent);
	if (m->status >= 128) {
		reg.state = REG_FAILED;
		mhod_log(MHOD_LOG_WARN, "BA from %s: status %u, registration refused",
			 mhod_ntop(&rx->pi.src), m->status);
		return;
	}
	reg.state = REG_DONE;
	reg.first = false;
	reg.lifetime = m->lifetime;
	life_ms = (uint32_t)m->lifetime * 4000u;
	reg.refresh_ms = life_ms / 4u * 3u;
	/* RFC 6275 11.7.3: the home agent's Binding Refresh Advice, when
	 * it is sooner (an interval of 0 is no advice).
	 */
	bra = mhod_mh_opt_find(m, MHOD_MHO_BRA, -1);
	if (bra && bra->refresh &&
	    (uint32_t)bra->refresh * 4000u < reg.refresh_ms)
		reg.refresh_ms = (uint32_t)bra->refresh * 4000u;
	mhod_log(MHOD_LOG_INFO, "BA from %s: status %u seq %u, registered at %s for %u s, %u ms after the BU",
		 mhod_ntop(&rx->pi.src), m->status, m->seq, mhod_ntop(&reg.coa),
		 life_ms / 1000u, reg.ms);
	/* At home (lifetime 0) there is nothing to refresh. */
	if (life_ms)
		loop_timer_arm(&reg.timer, reg.refresh_ms);
}

int mnha_command(const char *arg, char *out, size_t cap)
{
	unsigned int seq;

	if (!reg.ha) {
		snprintf(out, cap, "error no home agent");
		return 0;
	}
	if (arg && sscanf(arg, "seq %u", &seq) == 1 && seq <= 0xffff) {
		/* One BU with that number; the registration goes on. */
		uint16_t keep = reg.seq;

		reg.seq = (uint16_t)seq;
		if (send_bu() < 0) {
			reg.seq = keep;
			snprintf(out, cap, "error cannot send the BU");
			return 0;
		}
		reg.seq = keep;
		snprintf(out, cap, "ok bu seq %u coa %s", seq,
			 mhod_ntop(&reg.coa));
		return 0;
	}
	if (arg && *arg) {
		snprintf(out, cap, "error usage: register [seq N]");
		return 0;
	}
	start();
	snprintf(out, cap, "ok bu seq %u coa %s", reg.seq, mhod_ntop(&reg.coa));
	return 0;
}

void mnha_dump(char *out, size_t cap)
{
	if (!reg.ha) {
		snprintf(out, cap, "home none");
		return;
	}
	snprintf(out, cap, "home %s coa %s seq %u status %u lifetime %u ms %u refresh %u",
		 reg_names[reg.state], mhod_ntop(&reg.coa), reg.seq,
		 reg.status, reg.lifetime * 4u, reg.ms,
		 reg.lifetime ? reg.refresh_ms / 1000u : 0);
}

int mnha_start(const struct in6_addr *coa)
{
	int i;

	for (i = 0; i < mhod_conf->npeers; i++)
		if (mhod_conf->peers[i].kind == MHOD_PEER_HA)
			reg.ha = &mhod_conf->peers[i];
	if (!reg.ha)
		return 0;
	if (loop_timer_init(&reg.timer, timeout) < 0 || net_open_bu() < 0)
		return -1;
	reg.first = true;
	reg.seq = (uint16_t)random();
	mnha_moved(coa);
	return 0;
}

void mnha_stop(void)
{
	if (reg.ha)
		loop_timer_free(&reg.timer);
	reg.ha = NULL;
}
