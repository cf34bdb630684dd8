#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Held packets when things go away: the device they came in on, the
# network namespace, the module itself. Nothing may crash or leak: on the
# debug kernel, KASAN and kmemleak (checked by the VM harness) see to it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../handoff.sh"

mho_setup

P() { "$MHOCTL" -n "$HO_PAR" "$@"; }
N() { "$MHOCTL" -n "$HO_NAR" "$@"; }

# reached: the nAR got at least one packet from the pAR's tunnel.
reached() {
	[ "$(ho_ctr "$HO_NAR" tunnel_rx)" -ge 1 ]
}

# held: packets held in every kind of queue. The pAR buffers a first
# batch, then forwards it slowly (a paced queue); the nAR holds what the
# pAR forwards (old stream) and what the CN sends it directly after the
# "binding update" (new stream).
held() {
	ho_topo || return 1
	x P binding set match $HOA state buffer &&
	x N binding set match $HOA state hold || return 1
	ho_send 100
	wait_for 10 ho_ctr_is "$HO_PAR" queued_pkts 100 ||
		{ fail "the pAR holds $(ho_ctr "$HO_PAR" queued_pkts) of 100"; return 1; }
	# One packet a second: the queue stays non-empty for the whole case.
	x P binding set match $HOA rate 1 state forward
	wait_for 30 reached || {
		fail "nothing reached the nAR"
		diag "pAR: $("$MHOCTL" -n "$HO_PAR" -s binding show)"
		diag "nAR: $("$MHOCTL" -n "$HO_NAR" -s binding show)"
		handoff_teardown
		return 1
	}
	ip -n "$HO_CN" route replace $HOA via 2001:db8:2::2
	ho_send 50
	wait_for 10 ho_ctr_is "$HO_NAR" rx_pkts 50 ||
		{ fail "the nAR saw $(ho_ctr "$HO_NAR" rx_pkts) of 50 direct packets"; return 1; }
	[ "$(ho_ctr "$HO_PAR" queued_pkts)" -gt 0 ] || fail "the pAR's paced queue is empty"
	[ "$(ho_ctr "$HO_NAR" queued_pkts)" -gt 50 ] || fail "the nAR holds too little"
}

t_dev_gone() {
	local n
	handoff_setup || { fail "topology setup failed"; return; }
	# A hold that outlasts the debug kernel's slow steps.
	x P limits set max-hold 30000
	x P binding add role par hoa $HOA state buffer
	ho_send 40
	wait_for 10 ho_ctr_is "$HO_PAR" queued_pkts 40 || fail "not held"
	# The packets came in on to-cn; it goes away under them.
	ip -n "$HO_PAR" link del to-cn || { fail "link del"; return; }
	expect_eq queued "$(ho_ctr "$HO_PAR" queued_pkts)" 0
	expect_eq drop-error "$(ho_ctr "$HO_PAR" drop_error)" 40
	expect_eq held-pkts "$(ho_stat "$HO_PAR" held_pkts)" 0
	n=$(ho_ctr "$HO_PAR" held)
	expect_eq held "$n" 40
	handoff_teardown
}

t_netns() {
	held || return
	handoff_teardown
	# The module is still sound: a new namespace works.
	ns_add mho-test-$$-x
	x "$MHOCTL" -n mho-test-$$-x stats
	ns_del mho-test-$$-x
}

t_rmmod() {
	held || return
	mho_unload || fail "rmmod with packets held failed"
	handoff_teardown
	mho_load || fail "insmod after rmmod failed"
}

ktap_plan 3
run_case "held packets of a device that goes away are dropped" t_dev_gone
run_case "netns deletion with packets held in every queue" t_netns
run_case "rmmod with packets held in every queue" t_rmmod
ktap_finish
