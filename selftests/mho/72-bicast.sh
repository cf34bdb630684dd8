#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Copy-and-forward. A pAR in bicast delivers every packet to the MN and
# tunnels a copy to each bicast peer (RFC 5568's candidate ARs). And when
# the same packets reach the nAR twice, once through the pAR's tunnel and
# once directly (a home agent bicasting to both care-of addresses, made
# here with a flooding bridge on the CN), the nAR delivers each one once.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../handoff.sh"

mho_setup

P() { "$MHOCTL" -n "$HO_PAR" "$@"; }
N() { "$MHOCTL" -n "$HO_NAR" "$@"; }
CN_ADDR=2001:db8:1::1	# the CN, on the pAR's side: a second bicast target

t_bicast() {
	ho_topo || return
	# The CN is a peer of the pAR, but has no mho peer of its own: the
	# copies it gets are untrusted there, and counted.
	x P peer add $CN_ADDR
	x N binding set match $HOA state hold
	x P binding set match $HOA bicast $HO_NAR_PEER,$CN_ADDR state bicast
	ho_receive 200
	ho_send 200
	ho_expect_stream 200
	wait_for 10 ho_ctr_is "$HO_NAR" tunnel_rx 200 ||
		fail "the nAR got $(ho_ctr "$HO_NAR" tunnel_rx) copies"
	ho_expect_ctr "$HO_PAR" copied 400
	ho_expect_ctr "$HO_PAR" forwarded 0
	ho_expect_ctr "$HO_NAR" queued_pkts 200
	wait_for 10 ho_stat_is "$HO_CN" untrusted 200 ||
		fail "the CN saw $(ho_stat "$HO_CN" untrusted) untrusted copies"
	# The bicast peers are in use.
	x P peer show $CN_ADDR
	[[ $OUT == *" bindings 1" ]] || fail "bicast peer use count: $OUT"
	x P binding set match $HOA bicast none
	x P peer show $CN_ADDR
	[[ $OUT == *" bindings 0" ]] || fail "bicast peer use count: $OUT"
	handoff_teardown
}

# mirror: everything the CN sends the pAR reaches the nAR as well, as if a
# home agent bicast to both care-of addresses. The CN's two links join a
# bridge that floods unknown unicast and learns nothing, and the nAR's end
# takes the pAR's MAC address, so it accepts the copies. (A bridge, not
# tc mirred: every test kernel has it.)
mirror() {
	local cn="ip -n $HO_CN"
	ip -n "$HO_NAR" link set to-cn address 02:00:00:00:01:02 &&
	$cn addr flush dev to-par && $cn addr flush dev to-nar &&
	$cn link add br0 type bridge && $cn link set br0 up &&
	$cn link set to-par master br0 && $cn link set to-nar master br0 &&
	bridge -n "$HO_CN" link set dev to-par learning off flood on &&
	bridge -n "$HO_CN" link set dev to-nar learning off flood on &&
	# What it learned before (the pAR's MLD reports, sent for a second
	# or two after its link came up) would still steer those frames
	# to the pAR alone.
	$cn link set br0 type bridge fdb_flush &&
	$cn addr add 2001:db8:1::1/64 dev br0 nodad &&
	$cn neigh replace 2001:db8:1::2 lladdr 02:00:00:00:01:02 \
		dev br0 nud permanent &&
	$cn route replace $HOA via 2001:db8:1::2 dev br0
}

# dedup: every packet reaches the nAR twice and is delivered once.
# The hold's limit is a whole stream's, so its duplicate table starts at
# the smallest size and grows twice, fourfold, while the old stream is
# released: every copy of the new one must still find its twin.
t_dedup() {
	local n=2000
	ho_topo || return
	ip -n "$HO_MN" link set mn0 down && ip -n "$HO_MN" link set mn1 up ||
		{ fail "move"; return; }
	mirror || { fail "the CN's bridge"; return; }
	# (A hold as long as a slow debug kernel may take to send it all.)
	x N limits set max-pkts 65536 max-hold 300000 &&
	x N binding set match $HOA max-pkts 65536 max-hold 300000 state hold
	x P binding set match $HOA state forward
	ho_receive $n
	ho_send $n
	# Every packet is at the nAR twice: the old stream (tunnelled by the
	# pAR) is released first, the new one (direct) after the end-marker.
	wait_for 10 ho_ctr_is "$HO_NAR" tunnel_rx $n ||
		fail "the nAR got $(ho_ctr "$HO_NAR" tunnel_rx) of $n from the tunnel"
	x N binding set match $HOA state release
	x P binding set match $HOA state end
	wait_for 20 ho_state_is "$HO_NAR" idle || fail "the nAR did not finish"
	ho_expect_stream $n
	diag "dups: $(awk '{ c[$1]++; o[NR]=$1 } END { for (i = 1; i <= NR; i++) if (c[o[i]] > 1) printf "%d@%d ", o[i], i }' "$TMPD/recv.log")"
	ho_expect_ctr "$HO_NAR" duplicates $n
	ho_expect_ctr "$HO_NAR" released $n
	ho_expect_ctr "$HO_NAR" markers_rx 1
	handoff_teardown
}

# candidates: a handoff with bicast to two candidate nARs (handoff.sh's
# bicast mode). Until the MN leaves, the pAR delivers to it and copies
# to both; its departure (forward) sends each a cut-point marker, and
# they drop the copies they hold: the MN had those packets. The nAR it
# arrives at then releases only what was forwarded after the departure;
# the other candidate's hold expires, with nothing left to drop.
t_candidates() {
	local run=$TMPD/bicast v copied
	need_tool "$HO_PROBE" || return
	HO_SIZE=24-1452 handoff_run bicast "$run" || { fail "the run failed"; return; }
	for v in lost out_of_order duplicates corrupt ctl_errors; do
		expect_eq "$v" "$(handoff_get "$run" "$v")" 0
	done
	[ "$(handoff_get "$run" received)" -gt 0 ] || fail "nothing received"
	copied=$(handoff_ctr "$run" par copied)
	[ "${copied:-0}" -gt 0 ] || fail "the pAR copied nothing"
	# Every copy, at each candidate, was held and then dropped as a
	# duplicate; one cut-point marker each (the nAR: and an end-marker).
	expect_eq "copies at the nAR" "$(handoff_ctr "$run" nar duplicates)" $((copied / 2))
	expect_eq "copies at the other" "$(handoff_ctr "$run" nartwo duplicates)" $((copied / 2))
	expect_eq "held at the other" "$(handoff_ctr "$run" nartwo held)" $((copied / 2))
	expect_eq "expired at the other" "$(handoff_ctr "$run" nartwo drop_expired)" 0
	expect_eq "markers at the other" "$(handoff_ctr "$run" nartwo markers_rx)" 1
	expect_eq "markers at the nAR" "$(handoff_ctr "$run" nar markers_rx)" 2
	expect_eq "markers from the pAR" "$(handoff_ctr "$run" par markers_tx)" 3
	# The nAR got the copies and what was forwarded after the departure.
	expect_eq "tunnelled to the nAR" "$(handoff_ctr "$run" nar tunnel_rx)" \
		$((copied / 2 + $(handoff_ctr "$run" par forwarded)))
}

ktap_plan 3
run_case "bicast: delivered here, a copy to each bicast peer" t_bicast
run_case "the same packets by two paths are delivered once" t_dedup
run_case "bicast to two candidates, then a move: no duplicate" t_candidates
ktap_finish
