#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mhod drives the handoff (as 87-mhod does: mhod on both routers, its
# agent on the MN, no mhoctl command after start-up) while the MN's own
# traffic is inside ESP: transport mode, AES-GCM, between the CN and the
# MN (handoff.sh, HO_DATA_ESP). The pAR buffers and forwards, the nAR
# holds and releases, packets it cannot read; the MN's replay window
# sees every sequence number once and in order, or drops and counts it
# (XfrmInStateSeqError). Two UDP flows of sizes up to 4,000 octets (so
# fragments of ESP packets, and full-size ones), and a TCP transfer:
# nothing lost, reordered or duplicated, no IPsec error counted at the
# MN, and every packet received came through the SA.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../handoff.sh"

mho_setup
command -v "$HO_MHOD" >/dev/null || skip_all "mhod not found"
modprobe -q xfrm_user && modprobe -q esp6 || skip_all "esp6 or xfrm_user cannot be loaded"

# run_xfrm NODE NAME: a counter of NODE's /proc/net/xfrm_stat, as the run
# saved it.
run_xfrm() {
	awk -v n="$2" '$1 == n { print $2 }' "$RUN/xfrm_stat.$1"
}

# The MN's IPsec counters: no error of any kind, and the SA carried the
# stream.
esp_clean() {
	local name bad=
	[ -s "$RUN/xfrm_stat.mn" ] || { fail "no xfrm_stat from the MN"; return; }
	for name in $(awk '$2 != 0 { print $1 }' "$RUN/xfrm_stat.mn"); do
		bad+=" $name $(run_xfrm mn "$name")"
	done
	expect_eq "IPsec errors at the MN" "${bad:- none}" " none"
	diag "the MN's SA carried $(cat "$RUN/data-esp.mn") packets"
	[ "$(cat "$RUN/data-esp.mn")" -ge "$1" ] 2>/dev/null ||
		fail "the MN's SA carried $(cat "$RUN/data-esp.mn") packets, fewer than the $1 received"
	[ "$(handoff_ctr "$RUN" nar released)" -gt 0 ] ||
		fail "the nAR released nothing: the move missed the stream"
	grep -q "^mn handoff .*: ok status 0 " "$RUN/mhod/steps" ||
		fail "no FBack status 0: $(cat "$RUN/mhod/steps")"
}

t_udp() {
	need_tool "$HO_PROBE" || return
	ho_run udp-esp mhod HO_DATA_ESP=1 HO_SIZE=64-4000 HO_FLOWS=2 || return
	ho_run_clean
	esp_clean "$(handoff_get "$RUN" received)"
}

t_tcp() {
	need_tool "$HO_BULK" || return
	ho_run tcp-esp mhod HO_DATA_ESP=1 HO_TRAFFIC=tcp HO_TCP_BYTES=16000000 || return
	expect_eq short "$(handoff_get "$RUN" short)" 0
	expect_eq bad "$(handoff_get "$RUN" bad)" 0
	expect_eq bytes "$(handoff_get "$RUN" bytes)" 16000000
	expect_eq ctl_errors "$(handoff_get "$RUN" ctl_errors)" 0
	diag "tcp: timeouts $(handoff_get "$RUN" timeouts), retransmitted segments $(handoff_get "$RUN" retrans_segs)"
	# 16 MB is at least 16,000,000 / 1,440 segments.
	esp_clean 11111
}

ktap_plan 2
run_case "mhod, the MN's UDP in ESP (2 flows, fragments): nothing lost, reordered or duplicated" t_udp
run_case "mhod, the MN's TCP in ESP: the transfer arrives whole, no replay error" t_tcp
ktap_finish
