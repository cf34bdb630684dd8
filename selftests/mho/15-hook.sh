#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The IPv6 hook matches every packet entering a namespace to its binding by
# destination address, whichever of the binding's addresses it is, and
# counts it there and netns-wide. Packets to other addresses, and packets
# in other namespaces, are not counted.
#
#   h (2001:db8:100::2) --veth-- r (2001:db8:100::1, mho)
#
# h routes 2001:db8:200::/64 via r; r's bindings own addresses in it.
. "$(dirname "$0")/../lib.sh"

mho_setup R H
MR() { "$MHOCTL" -n "$R" "$@"; }

ip link add veth-r netns "$R" type veth peer name veth-h netns "$H"
ip -n "$R" addr add 2001:db8:100::1/64 dev veth-r nodad
ip -n "$H" addr add 2001:db8:100::2/64 dev veth-h nodad
ip -n "$R" link set veth-r up
ip -n "$H" link set veth-h up
ip -n "$H" route add 2001:db8:200::/64 via 2001:db8:100::1

COA=2001:db8:200::10
NCOA=2001:db8:200::20
OTHER=2001:db8:200::99

# send N ADDR: N UDP datagrams of 2 bytes ("x\n") from h to ADDR, port 9:
# 50 bytes each on the wire (IPv6 40 + UDP 8 + 2).
send() {
	local i
	for ((i = 0; i < $1; i++)); do
		nsx "$H" bash -c "echo x >/dev/udp/$2/9" ||
			{ fail "sending to $2 failed"; return 1; }
	done
}

# counters ID: "PACKETS BYTES" of binding ID.
counters() {
	MR -j binding show id "$1" |
		sed -n 's/.*"rx_pkts":\([0-9]*\),"rx_bytes":\([0-9]*\).*/\1 \2/p'
}

netns_rx() {
	MR stats | sed -n 's/.* rx-pkts \([0-9]*\) rx-bytes \([0-9]*\) .*/\1 \2/p'
}

t_counts() {
	x MR binding add id 1 role par coa $COA ncoa $NCOA
	x MR binding add id 2 role nar coa 2001:db8:200::30
	send 3 $COA
	send 2 $NCOA
	send 4 $OTHER
	expect_eq "binding 1" "$(counters 1)" "5 250"
	expect_eq "binding 2" "$(counters 2)" "0 0"
	expect_eq "netns" "$(netns_rx)" "5 250"
	x MR -s binding show id 1
	[[ $OUT == *"rx 5 packets 250 bytes"* ]] || fail "-s output: $OUT"
}

t_handoff_keeps_counting() {
	# NCOA becomes COA: its packets keep matching the same binding.
	x MR binding change id 1 coa $NCOA ncoa none
	send 2 $NCOA
	send 1 $COA
	expect_eq "binding 1" "$(counters 1)" "7 350"
	# The address moved to binding 2 counts there.
	x MR binding change id 2 ncoa $COA
	send 1 $COA
	expect_eq "binding 1 after move" "$(counters 1)" "7 350"
	expect_eq "binding 2" "$(counters 2)" "1 50"
}

t_other_netns() {
	# The same address bound in h counts nothing in r; in h, only h's
	# incoming packets count (none here: h sends).
	x "$MHOCTL" -n "$H" binding add id 1 role par coa $NCOA
	send 1 $NCOA
	expect_eq "binding 1 in r" "$(counters 1)" "8 400"
	x "$MHOCTL" -n "$H" -j binding show id 1
	[[ $OUT == *'"rx_pkts":0,"rx_bytes":0'* ]] || fail "h counted: $OUT"
}

t_deleted() {
	x MR binding del id 1
	send 2 $NCOA
	expect_eq "netns" "$(netns_rx)" "9 450"
}

ktap_plan 4
run_case "packets are counted per binding, by any of its addresses" t_counts
run_case "an address moving between slots or bindings keeps counting" t_handoff_keeps_counting
run_case "another namespace's binding does not count" t_other_netns
run_case "a deleted binding counts nothing" t_deleted
ktap_finish
