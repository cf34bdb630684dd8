#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Full-size packets across a handoff (issue: real traffic). Every link is
# 1500 bytes, and the pAR's tunnel to the nAR adds 56 (an IPv6 header and
# mho's option): a packet that fills the MN's link does not fit the
# tunnel as it is. The pAR fragments the tunnel packet and the nAR
# reassembles it (RFC 2473 section 7), so nothing is lost and the CN is
# never told to lower its path MTU, which it would keep doing for ten
# minutes, long after the handoff. Only what no tunnel packet can carry
# at all (an inner packet over 65,519 bytes, from a link with a larger
# MTU) is refused, with a Packet Too Big of that MTU, and counted.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../handoff.sh"

mho_setup

t_full() {
	ho_run full mho HO_SIZE=1452 || return
	ho_run_clean
	# The tunnel carried them in two fragments each.
	[ "$(handoff_ctr "$RUN" nar tunnel_rx)" -gt 0 ] || fail "nothing tunnelled"
	expect_eq "drops at the pAR" "$(handoff_ctr "$RUN" par drop_error)" 0
}

t_mixed_fw() {
	ho_run mixed mho HO_SIZE=24-1452 HO_FLOWS=3 HO_HOOK=ho_firewall || return
	ho_run_clean
}

t_home() {
	ho_run home ha HO_SIZE=1452 || return
	ho_run_clean
}

# The CN's link to the pAR has a 65,535-byte MTU: a 65,535-byte packet
# reaches the pAR whole, and cannot be tunnelled.
t_toobig() {
	local ptb
	ho_topo || return
	x ip -n "$HO_CN" link set to-par mtu 65535 &&
	x ip -n "$HO_PAR" link set to-cn mtu 65535 || return
	x "$MHOCTL" -n "$HO_NAR" binding set match $HOA state hold &&
	x "$MHOCTL" -n "$HO_PAR" binding set match $HOA state forward || return
	ptb=$(ip netns exec "$HO_CN" nstat -asz Icmp6InPktTooBigs | awk '$1 == "Icmp6InPktTooBigs" { print $2 }')
	# 65,471 bytes of payload: a 65,519-byte packet, the largest that fits.
	x ip netns exec "$HO_CN" "$HO_PROBE" send -d $HOA -r 100 -n 1 -s 65471 &&
	wait_for 10 ho_ctr_is "$HO_NAR" tunnel_rx 1 || fail "the largest packet was not tunnelled"
	# One byte more.
	x ip netns exec "$HO_CN" "$HO_PROBE" send -d $HOA -r 100 -n 1 -s 65472 &&
	wait_for 10 ho_ctr_is "$HO_PAR" drop_too_big 1 || fail "no drop-too-big"
	ho_expect_ctr "$HO_PAR" forwarded 1
	wait_for 10 eval '[ "$(ip netns exec "$HO_CN" nstat -asz Icmp6InPktTooBigs |
		awk '\''$1 == "Icmp6InPktTooBigs" { print $2 }'\'')" = $((ptb + 1)) ]' ||
		fail "no Packet Too Big at the CN"
	# The CN now sends at most 65,519 bytes to the MN: what it learnt.
	x ip -n "$HO_CN" -6 route get $HOA || return
	[[ $OUT == *"mtu 65519"* ]] || fail "the CN's route to the MN: $OUT"
	handoff_teardown
}

# The debug kernel and 6.12 (MHO_SUBSET) run the cases that take a
# kernel path no other case does (outer fragmentation and mho's
# reassembly, the size limit); the others add traffic, not code
# (selftests/vm/matrix.sh).
if [ "${MHO_SUBSET:-}" = 1 ]; then
	ktap_plan 2
else
	ktap_plan 4
fi
run_case "full-size UDP across the tunnel: nothing lost, no Packet Too Big" t_full
[ "${MHO_SUBSET:-}" = 1 ] ||
	run_case "mixed sizes, 3 flows, routers with a stateful firewall" t_mixed_fw
[ "${MHO_SUBSET:-}" = 1 ] ||
	run_case "full-size UDP through the home agent's tunnel" t_home
run_case "too big for any tunnel packet: Packet Too Big with MTU 65519" t_toobig
ktap_finish
