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
# Malformed and forged fragments are 73-untrusted's.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../handoff.sh"

mho_setup

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
	ktap_plan 1
	run_case "fragmented datagrams, routers with a stateful firewall" t_frag_fw
	ktap_finish
fi
ktap_plan 3
run_case "fragmented datagrams, routers without conntrack" t_frag
run_case "fragmented datagrams, routers with a stateful firewall" t_frag_fw
run_case "fragmented datagrams, bicast to two candidates" t_frag_bicast
ktap_finish
