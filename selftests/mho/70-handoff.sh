#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A handoff, three ways, on one topology (selftests/handoff.sh): a UDP
# stream of 1000 packets/s from the CN to the MN while the MN's link to
# the pAR goes down and, 50 ms later, its link to the nAR comes up.
#
#   none     no mho: the packets that reach the pAR during the move are lost
#   classic  smooth handoff (buffer at the pAR, forward after the binding
#            update, no ordering at the nAR): the buffered packets arrive
#            after newer ones the CN sent the nAR directly, out of order
#   mho      forwarding before the binding update, hold at the nAR, ordered
#            release with the end-marker: nothing lost, reordered or
#            duplicated
#
# Only counts are asserted, never times (TCG makes them noisy; the gap
# itself is "sleep 0.05" and lasts what it lasts). make demo runs the same
# three modes and plots them.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../handoff.sh"

mho_setup

# run MODE: one run, its summary in $TMPD/MODE/summary; fails the case
# if the run could not be made or carried nothing.
run() {
	RUN=$TMPD/$1
	handoff_run "$1" "$RUN" || { fail "the $1 run failed"; return 1; }
	want sent '>' 0
	want received '>' 0
}

# want KEY OP VALUE: the run's KEY compares to VALUE as OP says (awk).
want() {
	local v
	v=$(handoff_get "$RUN" "$1")
	if [ -z "$v" ] || ! awk -v a="$v" -v b="$3" "BEGIN { exit !(a + 0 $2 b + 0) }"; then
		fail "$1 is ${v:-missing}, expected $2 $3"
		return 1
	fi
	return 0
}

t_none() {
	need_tool "$HO_PROBE" || return
	run none || return
	want lost '>' 0
}

t_classic() {
	need_tool "$HO_PROBE" || return
	run classic || return
	want out_of_order '>' 0
}

t_mho() {
	need_tool "$HO_PROBE" || return
	run mho || return
	want lost == 0
	want out_of_order == 0
	want duplicates == 0
}

# The debug kernel and 6.12 (MHO_SUBSET) leave out the run without mho:
# it shows what mho is for, and takes no mho path but the hook's miss,
# which every other test takes (selftests/vm/matrix.sh). And the classic
# smooth handoff (2 minutes on the debug kernel), which shows what the
# nAR's hold is for: its paths are the pAR's buffer, its forwarding and
# its end (71-queue's there), and at the nAR, whose binding stays idle,
# the decapsulation and reinjection that every tunnel packet after a
# release takes too (t_mho's).
if [ "${MHO_SUBSET:-}" = 1 ]; then
	ktap_plan 1
else
	ktap_plan 3
	run_case "no mho: the move loses packets" t_none
	run_case "classic smooth handoff: buffered packets arrive out of order" t_classic
fi
run_case "mho: nothing lost, reordered or duplicated" t_mho
ktap_finish
