#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mho state is per network namespace: invisible elsewhere, the same
# addresses usable in each, notifications stay in their netns, and a netns
# can go away with objects inside without disturbing the others.
. "$(dirname "$0")/../lib.sh"

mho_setup A B
MA() { "$MHOCTL" -n "$A" "$@"; }
MB() { "$MHOCTL" -n "$B" "$@"; }

P1=2001:db8::2
HOA=2001:db8:1::10
COA=2001:db8:2::10

t_isolated() {
	x MA peer add $P1 name in-a
	x MA binding add id 7 role par hoa $HOA coa $COA peer $P1
	x MA limits set max-pkts 77
	xout "" MB peer show
	xout "" MB binding show
	xerr "no such peer" MB peer show $P1
	xerr "no such binding" MB binding show id 7
	xerr "no such binding" MB binding show match $HOA
	x MB stats
	[[ $OUT == "stats bindings 0 peers 0 "* ]] || fail "stats in B: $OUT"
	x MB limits show
	[[ $OUT != *"max-pkts 77 "* ]] || fail "limits leaked into B: $OUT"
	# Also through "ip netns exec" rather than -n, and the init netns.
	xout "" ip netns exec "$B" "$MHOCTL" peer show
	xout "" "$MHOCTL" peer show
	xout "" "$MHOCTL" binding show
	xerr "no such peer" MB peer del $P1
	xerr "no such binding" MB binding del id 7
}

t_same_addresses() {
	xout "" MB peer add $P1 name in-b
	xout "" MB binding add id 7 role nar hoa $HOA coa $COA peer $P1
	xout "peer $P1 name in-a bindings 1" MA peer show
	xout "peer $P1 name in-b bindings 1" MB peer show
	xout "binding 7 role par hoa $HOA coa $COA peer $P1 max-pkts 77 (inherited) max-bytes 1048576 (inherited) max-hold 2000 (inherited)" MA binding show match $COA
	xout "binding 7 role nar hoa $HOA coa $COA peer $P1 $INHERITED" MB binding show match $COA
	x MB binding change id 7 coa none
	xout "binding 7 role par hoa $HOA coa $COA peer $P1 max-pkts 77 (inherited) max-bytes 1048576 (inherited) max-hold 2000 (inherited)" MA binding show id 7
}

t_monitor() {
	local pid
	MB monitor >>"$TMPD/monb" 2>&1 &
	pid=$!
	bg_add $pid
	MA monitor >>"$TMPD/mona" 2>&1 &
	bg_add $!
	monitor_sync MA "$TMPD/mona" || return
	monitor_sync MB "$TMPD/monb" || return
	# B's synchronisation is not seen in A.
	expect_eq "monitor in A" "$(cat "$TMPD/mona")" ""
	x MA peer add 2001:db8::5
	x MA binding add id 9 role nar coa 2001:db8:9::1
	x MA binding del id 9
	x MA peer del 2001:db8::5
	x MA limits set max-pkts 78
	wait_for 5 eval 'test "$(wc -l <"$TMPD/mona")" -ge 5' || fail "monitor in A saw: $(cat "$TMPD/mona")"
	# B's monitor sees B's next change as its first line: none of A's.
	x MB peer add 2001:db8::6
	wait_for 5 eval 'test "$(wc -l <"$TMPD/monb")" -ge 1'
	expect_eq "monitor in B" "$(cat "$TMPD/monb")" "[NEW] peer 2001:db8::6 bindings 0"
	[ "$(wc -l <"$TMPD/mona")" = 5 ] || fail "A saw B's change: $(cat "$TMPD/mona")"
	bg_kill $pid
}

t_delete_netns() {
	local before i
	for i in $(seq 1 50); do
		echo "binding add id $((100 + i)) role par coa 2001:db8:c::$i peer $P1"
	done | MA -batch - || fail "batch in A"
	before=$(state "$B")
	ns_del "$A"
	# Let the netns cleanup run.
	sleep 1
	expect_eq "state of B" "$(state "$B")" "$before"
	x MB peer show $P1
	# A new netns with the old name starts empty.
	ns_add "$A"
	xout "" MA peer show
	xout "" MA binding show
	x MA stats
	[[ $OUT == "stats bindings 0 peers 0 "* ]] || fail "stats in the new A: $OUT"
}

ktap_plan 5
run_case "objects in A are invisible in B" t_isolated
run_case "the same addresses in A and B" t_same_addresses
run_case "monitor in B sees nothing from A" t_monitor
run_case "deleting A with objects leaves B alone" t_delete_netns
check "mho unloads with objects in B" rmmod mho
ktap_finish
