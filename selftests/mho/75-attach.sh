#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The nAR releases a hold by itself when the MN announces itself: the
# handoff of 70-handoff's mho mode, without the "state release" command.
# The MN's new care-of address is the nAR binding's ncoa, and the MN sends
# an unsolicited Neighbor Advertisement for it when its link comes up
# (ndisc_notify). Without the attach, the hold would last until max-hold
# expires and drop what it held: the stream would lose packets.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../handoff.sh"

mho_setup

t_attach() {
	local run=$TMPD/mho-na v
	need_tool "$HO_PROBE" || return
	handoff_run mho-na "$run" || { fail "the run failed"; return; }
	for v in lost out_of_order duplicates ctl_errors; do
		expect_eq "$v" "$(handoff_get "$run" "$v")" 0
	done
	[ "$(handoff_get "$run" received)" -gt 0 ] || fail "nothing received"
	# The nAR released its hold and dropped nothing.
	grep -q "^nar: binding .* ncoa 2001:db8:b::2 " "$run/counters" ||
		fail "no nAR binding with the MN's ncoa: $(cat "$run/counters")"
	! grep -Eq "drop-[a-z]+ [1-9]" "$run/counters" ||
		fail "drops: $(cat "$run/counters")"
	grep -q " markers-rx 1$" "$run/counters" ||
		fail "no end-marker at the nAR: $(cat "$run/counters")"
}

ktap_plan 1
run_case "the MN's Neighbor Advertisement releases the nAR's hold" t_attach
ktap_finish
