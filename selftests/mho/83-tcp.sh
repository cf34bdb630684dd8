#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Bulk TCP across a handoff: what most users move. The CN sends 4 MB to
# the MN over links shaped to 40 Mbit/s with 5 ms of delay, and the MN
# moves in the middle. The CN's TCP senders are GSO super-packets at the
# pAR (veth keeps what TSO made); mho segments them before the tunnel.
#
# Without mho the move loses segments: the CN retransmits. With mho
# nothing is lost, so nothing is retransmitted for a timeout, as long as
# the interruption is shorter than TCP's shortest retransmission timeout
# (200 ms): the hold at the nAR lasts from the departure to the release,
# and under emulation that can exceed it (the debug kernel), in which case
# only the transfer's integrity is asserted. Times are reported, never
# asserted (make demo and make bench compare them).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../handoff.sh"

mho_setup

# hold_ms: how long the nAR held the old stream in $RUN: from the pAR's
# forward to the nAR's release.
hold_ms() {
	awk '$1 == "par-forward" { f = $2 } $1 == "nar-release" { r = $2 }
		END { printf "%d\n", (r - f) / 1e6 }' "$RUN/events"
}

# whole: every byte of every flow arrived, as sent.
whole() {
	expect_eq short "$(handoff_get "$RUN" short)" 0
	expect_eq bad "$(handoff_get "$RUN" bad)" 0
	expect_eq bytes "$(handoff_get "$RUN" bytes)" $((HO_TCP_BYTES * $1))
	expect_eq ctl_errors "$(handoff_get "$RUN" ctl_errors)" 0
}

# no_rto: no retransmission timeout, if the hold was shorter than one.
no_rto() {
	local hold
	hold=$(hold_ms)
	if [ "$hold" -lt 150 ]; then
		expect_eq "retransmission timeouts" "$(handoff_get "$RUN" timeouts)" 0
	else
		diag "the hold lasted $hold ms, longer than an RTO: timeouts not asserted"
	fi
	expect_eq "Packet Too Big messages" "$(handoff_get "$RUN" packet_too_big)" 0
}

t_none() {
	ho_run none none HO_TRAFFIC=tcp || return
	whole 1
	[ "$(handoff_get "$RUN" retrans_segs)" -gt 0 ] ||
		fail "without mho the move lost nothing: the test cannot tell"
}

t_mho() {
	ho_run mho mho HO_TRAFFIC=tcp || return
	whole 1
	no_rto
	expect_eq "drops at the pAR" "$(handoff_ctr "$RUN" par drop_error)" 0
}

t_flows_fw() {
	ho_run flows mho HO_TRAFFIC=tcp HO_FLOWS=3 HO_HOOK=ho_firewall || return
	whole 3
	no_rto
}

# The debug kernel and 6.12 (MHO_SUBSET) run the mho case (GSO
# segmentation before the tunnel); the others add flows and a firewall,
# not code (selftests/vm/matrix.sh).
if [ "${MHO_SUBSET:-}" = 1 ]; then
	ktap_plan 1
	run_case "with mho: no loss, no retransmission timeout" t_mho
	ktap_finish
fi
ktap_plan 3
run_case "without mho the move costs retransmissions" t_none
run_case "with mho: no loss, no retransmission timeout" t_mho
run_case "3 flows, routers with a stateful firewall" t_flows_fw
ktap_finish
