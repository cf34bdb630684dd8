#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Datagrams the CN fragments (UDP payloads up to 4,000 bytes on 1500-byte
# links) across a handoff: held, forwarded and released whole and in
# order. On routers without conntrack mho handles each fragment as a
# packet (the pAR tunnels it, fragmenting the tunnel packet; the nAR
# reassembles that and holds the inner fragment); with conntrack and a
# stateful firewall the routers reassemble every datagram first, and the
# pAR fragments it again, as it came, before it enters the tunnel.
# A datagram whose first fragment left for the MN's link before the pAR
# began to buffer: its other fragments follow it there, not held (the MN
# would reassemble it only from both ways, and under two SAs when its
# context moves, kernel/handoff.c, mho_frag_elsewhere()), counted in
# frag_followed; a datagram whose first fragment it holds is held whole.
# Malformed and forged fragments are 73-untrusted's.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../handoff.sh"

mho_setup
FORGE=${MHO_FORGE:-$MHO_SELFTESTS/tools/mho_forge}

# mn_reasm: datagrams the MN reassembled.
mn_reasm() {
	nsx "$HO_MN" awk '$1 == "Ip6ReasmOKs" { print $2 }' /proc/net/snmp6
}

# split ID first|rest|all: datagram ID (2,000 bytes of UDP payload, in
# fragments of 1,232) from the CN to the HOA, or the part of it given.
split() {
	local x=()
	[ "$2" = all ] || x=(-x "$2")
	ip netns exec "$HO_CN" taskset -c 0 "$FORGE" -T -I 2001:db8:1::1 -i $HOA \
		-P 2000 -F 1232 -S "$1" "${x[@]}" >/dev/null
}

t_frag_split() {
	local r0
	need_tool "$FORGE" || return
	ho_topo || return
	r0=$(mn_reasm)
	# The first fragment while the pAR is idle, the rest once it buffers.
	x split 7 first &&
	x "$MHOCTL" -n "$HO_PAR" binding set match $HOA state buffer &&
	x split 7 rest || return
	wait_for 10 eval 'test "$(mn_reasm)" = $((r0 + 1))' ||
		fail "the MN reassembled $(($(mn_reasm) - r0)) datagrams, not 1"
	expect_eq "fragments followed" "$(ho_ctr "$HO_PAR" frag_followed)" 1
	expect_eq "held" "$(ho_ctr "$HO_PAR" held)" 0
	# A datagram all sent while it buffers: held whole, then delivered.
	x split 8 all || return
	wait_for 10 eval 'test "$(ho_ctr "$HO_PAR" held)" = 2' ||
		fail "the pAR held $(ho_ctr "$HO_PAR" held) fragments, not 2"
	expect_eq "fragments followed" "$(ho_ctr "$HO_PAR" frag_followed)" 1
	expect_eq "datagrams the MN reassembled meanwhile" "$(mn_reasm)" $((r0 + 1))
	x "$MHOCTL" -n "$HO_PAR" binding set match $HOA state idle || return
	wait_for 10 eval 'test "$(mn_reasm)" = $((r0 + 2))' ||
		fail "the MN reassembled $(($(mn_reasm) - r0)) datagrams, not 2"
	handoff_teardown
}

t_frag() {
	ho_run frag mho HO_SIZE=24-4000 HO_FLOWS=2 || return
	ho_run_clean
}

# Under MHO_SUBSET one flow: a second takes the same paths.
t_frag_fw() {
	local flows=2

	[ "${MHO_SUBSET:-}" != 1 ] || flows=1
	ho_run fragfw mho HO_SIZE=24-4000 HO_FLOWS=$flows HO_HOOK=ho_firewall || return
	ho_run_clean
}

t_frag_bicast() {
	ho_run fragbicast bicast HO_SIZE=1000-3000 || return
	ho_run_clean
}

# The debug kernel and 6.12 (MHO_SUBSET) run the firewall case: the
# refragmentation before the tunnel is its own; mho's reassembly of
# tunnel fragments is 81-mtu's and 73-untrusted's there too
# (selftests/vm/matrix.sh).
if [ "${MHO_SUBSET:-}" = 1 ]; then
	ktap_plan 2
	run_case "fragmented datagrams, routers with a stateful firewall" t_frag_fw
	run_case "a datagram's fragments after its first follow it to the MN's link, not held" t_frag_split
	ktap_finish
fi
ktap_plan 4
run_case "fragmented datagrams, routers without conntrack" t_frag
run_case "fragmented datagrams, routers with a stateful firewall" t_frag_fw
run_case "fragmented datagrams, bicast to two candidates" t_frag_bicast
run_case "a datagram's fragments after its first follow it to the MN's link, not held" t_frag_split
ktap_finish
