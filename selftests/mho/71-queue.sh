#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The hold queues and the pAR's states, one at a time, on the topology of
# selftests/handoff.sh without a move: limits with exact drop counts and
# one overflow event, hold expiry, switch-back, paced forwarding, an
# unclaimed hold at the nAR, the end-marker and the linger time.
#
# Probe packets are 112 bytes at PRE_ROUTING (IPv6 40, UDP 8, payload 64).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../handoff.sh"

mho_setup

PKT=112
HOA2=2001:db8:ff::2
P() { "$MHOCTL" -n "$HO_PAR" "$@"; }
N() { "$MHOCTL" -n "$HO_NAR" "$@"; }

# attach_nar: the MN leaves the pAR's link for the nAR's (no binding
# update: the CN still sends to the pAR).
attach_nar() {
	ip -n "$HO_MN" link set mn0 down && ip -n "$HO_MN" link set mn1 up
}

# send COUNT [DST]: ho_send, then wait until the pAR's binding for DST
# has seen all of it.
send() {
	local dst=${2:-$HOA} before
	before=$(ho_ctr "$HO_PAR" rx_pkts "$dst")
	ho_send "$1" "$dst" || return
	wait_for 10 ho_ctr_is "$HO_PAR" rx_pkts $((before + $1)) "$dst" ||
		{ fail "the pAR saw $(ho_ctr "$HO_PAR" rx_pkts "$dst") of $1 packets"; return 1; }
}

# monitor P|N: "mhoctl monitor" on that router, into $MON, for this case
# only: a monitor left running keeps its namespace alive, and that
# namespace's holds expire later, into the next case's file.
monitor() {
	MON=$TMPD/mon.$((++MON_N))
	ip netns exec "$([ "$1" = P ] && echo "$HO_PAR" || echo "$HO_NAR")" \
		"$MHOCTL" monitor >>"$MON" 2>&1 &
	MON_PID=$!
	bg_add $MON_PID
	monitor_sync "$1" "$MON"
}

# done_case: the end of a case that started a monitor.
done_case() {
	bg_kill "$MON_PID"
}

# topo: ho_topo. The namespaces and links are built once (that alone
# takes a minute on the debug kernel); each later case starts from the
# same point: no bindings or peers, the limits as mho set them when the
# namespaces were new, the MN on the pAR's link. The second HOA of
# t_limit_total stays: no other case sends to it.
LIMITS_PAR=''
LIMITS_NAR=''
topo() {
	local ns
	if [ -z "$LIMITS_PAR" ]; then
		handoff_setup || { fail "topology setup failed"; return 1; }
		LIMITS_PAR=$(P limits show) && LIMITS_NAR=$(N limits show) ||
			{ fail "limits show"; return 1; }
	else
		for ns in "$HO_PAR" "$HO_NAR"; do
			ho_clear "$ns" || { fail "cannot clear $ns"; return 1; }
		done
		# shellcheck disable=SC2086 # "limits K V...": words
		{ P limits set ${LIMITS_PAR#limits} && N limits set ${LIMITS_NAR#limits}; } ||
			{ fail "cannot reset the limits"; return 1; }
		ho_mn_home || { fail "the MN is not back on mn0"; return 1; }
	fi
	ho_config
}

t_limit_pkts() {
	topo || return
	monitor P || return
	x P binding set match $HOA max-pkts 50 max-hold 600000 state buffer
	send 80 || return
	ho_expect_ctr "$HO_PAR" queued_pkts 50
	ho_expect_ctr "$HO_PAR" queued_bytes $((50 * PKT))
	ho_expect_ctr "$HO_PAR" held 50
	ho_expect_ctr "$HO_PAR" drop_limit 30
	ho_expect_ctr "$HO_PAR" drop_total 0
	expect_eq "held-pkts" "$(ho_stat "$HO_PAR" held_pkts)" 50
	expect_eq "held-bytes" "$(ho_stat "$HO_PAR" held_bytes)" $((50 * PKT))
	wait_for 5 grep -q "^event overflow" "$MON"
	expect_eq "overflow events" \
		"$(grep -c "^event overflow binding [0-9]* state buffer$" "$MON")" 1
	done_case
}

t_limit_bytes() {
	topo || return
	x P binding set match $HOA max-bytes 1280 max-hold 600000 state buffer
	send 80 || return
	ho_expect_ctr "$HO_PAR" queued_pkts $((1280 / PKT))
	ho_expect_ctr "$HO_PAR" drop_limit $((80 - 1280 / PKT))
}

t_limit_total() {
	topo || return
	ip -n "$HO_MN" addr replace $HOA2/128 dev lo nodad &&
	ip -n "$HO_CN" route replace $HOA2 via 2001:db8:1::2 &&
	ip -n "$HO_PAR" route replace $HOA2 via 2001:db8:a::2 ||
		{ fail "second address"; return; }
	# Holds long enough for a slow machine.
	x P binding add role par hoa $HOA2 max-hold 600000 state buffer
	x P binding set match $HOA max-hold 600000 state buffer
	x P limits set total-pkts 60
	send 50 || return
	send 50 $HOA2 || return
	ho_expect_ctr "$HO_PAR" queued_pkts 50
	ho_expect_ctr "$HO_PAR" queued_pkts 10 $HOA2
	ho_expect_ctr "$HO_PAR" drop_total 40 $HOA2
	ho_expect_ctr "$HO_PAR" drop_limit 0 $HOA2
	expect_eq "held-pkts" "$(ho_stat "$HO_PAR" held_pkts)" 60
	# Freeing one binding's hold makes room for the other.
	x P binding del match $HOA
	expect_eq "held-pkts" "$(ho_stat "$HO_PAR" held_pkts)" 10
	send 20 $HOA2 || return
	ho_expect_ctr "$HO_PAR" queued_pkts 30 $HOA2
}

t_expiry() {
	topo || return
	monitor P || return
	x P binding set match $HOA state buffer
	send 20 || return
	# A shorter max-hold applies to the hold under way: it is over.
	x P binding set match $HOA max-hold 1
	wait_for 10 ho_state_is "$HO_PAR" idle || fail "the hold did not expire"
	ho_expect_ctr "$HO_PAR" drop_expired 20
	ho_expect_ctr "$HO_PAR" queued_pkts 0
	expect_eq "held-pkts" "$(ho_stat "$HO_PAR" held_pkts)" 0
	wait_for 5 grep -q "^event expired" "$MON"
	expect_eq "expired event" "$(grep "^event expired" "$MON")" \
		"event expired binding $(ho_ctr "$HO_PAR" id) state idle dropped 20"
	done_case
}

t_switch_back() {
	topo || return
	ho_receive 100
	x P binding set match $HOA state buffer
	send 100 || return
	ho_expect_ctr "$HO_PAR" queued_pkts 100
	# The MN stayed: what was held is delivered here, in order.
	x P binding set match $HOA state idle
	ho_expect_stream 100
	ho_expect_ctr "$HO_PAR" released 100
	ho_expect_ctr "$HO_PAR" forwarded 0
}

t_paced() {
	topo || return
	attach_nar || { fail "move"; return; }
	ho_receive 60
	x P binding set match $HOA state buffer
	send 60 || return
	# 60 packets at 10/s take 6 s: right after the change most are
	# still held (unpaced, they would be gone in milliseconds).
	x P binding set match $HOA rate 10 state forward
	local q
	q=$(ho_ctr "$HO_PAR" queued_pkts)
	[ "$q" -ge 30 ] || fail "paced forwarding: only $q of 60 still held"
	wait_for 20 ho_ctr_is "$HO_PAR" queued_pkts 0 || fail "the queue did not drain"
	ho_expect_ctr "$HO_PAR" forwarded 60
	ho_expect_ctr "$HO_NAR" tunnel_rx 60
	ho_expect_stream 60
}

t_unclaimed() {
	topo || return
	monitor N || return
	# A candidate nAR the MN never comes to.
	x N binding set match $HOA state hold
	x P binding set match $HOA state forward
	send 30 || return
	wait_for 10 ho_ctr_is "$HO_NAR" queued_pkts 30 || fail "the nAR does not hold 30"
	x N binding set match $HOA max-hold 1
	wait_for 10 ho_state_is "$HO_NAR" idle || fail "the nAR's hold did not expire"
	ho_expect_ctr "$HO_NAR" tunnel_rx 30
	ho_expect_ctr "$HO_NAR" held 30
	ho_expect_ctr "$HO_NAR" drop_expired 30
	ho_expect_ctr "$HO_NAR" released 0
	expect_eq "held-pkts" "$(ho_stat "$HO_NAR" held_pkts)" 0
	wait_for 5 grep -q "^event expired" "$MON"
	expect_eq "expired event" "$(grep "^event expired" "$MON")" \
		"event expired binding $(ho_ctr "$HO_NAR" id) state idle dropped 30"
	done_case
}

binding_gone() { ! P binding show match $HOA >/dev/null 2>&1; }

t_linger() {
	topo || return
	x P binding set match $HOA state forward
	x P binding set match $HOA state end
	ho_expect_ctr "$HO_PAR" markers_tx 1
	expect_eq state "$(handoff_state "$HO_PAR")" linger
	wait_for 10 ho_ctr_is "$HO_NAR" markers_rx 1 || fail "no marker at the nAR"
	# A shorter linger applies to the one under way: it is over.
	x P binding set match $HOA linger 1
	wait_for 10 binding_gone || fail "the binding outlived its linger time"
	# Switch-back during linger keeps the binding.
	x P binding add role par hoa $HOA peer $HO_NAR_PEER state forward
	x P binding set match $HOA state end
	x P binding set match $HOA state idle
	x P binding set match $HOA linger 1
	sleep 1
	binding_gone && fail "switch-back did not cancel the linger time"
	expect_eq state "$(handoff_state "$HO_PAR")" idle
}

# An end-marker that cannot leave (here: no route to the peer) is not
# silent: drop-error counts it and a marker-lost event says so, once.
t_marker_lost() {
	topo || return
	monitor P || return
	x ip -n "$HO_PAR" -6 route add unreachable "$HO_NAR_PEER"/128 || return
	x P binding set match $HOA state forward
	x P binding set match $HOA state end
	wait_for 5 grep -q "^event marker-lost" "$MON" || fail "no marker-lost event"
	expect_eq "marker-lost events" \
		"$(grep -c "^event marker-lost binding [0-9]* state linger$" "$MON")" 1
	ho_expect_ctr "$HO_PAR" markers_tx 0
	ho_expect_ctr "$HO_PAR" drop_error 1
	x ip -n "$HO_PAR" -6 route del unreachable "$HO_NAR_PEER"/128
	done_case
}

# The nAR is idle only once it holds nothing, so that whoever acts on
# "idle" (a daemon deleting the binding, or holding again for the next
# move) loses nothing. A long new stream, released after the end-marker,
# takes a while to drain: every look at the binding meanwhile that says
# idle must also say that nothing is queued.
t_idle_drained() {
	local n=8000 snap state queued looks=0
	# The debug kernel sends a few thousand packets a second at best.
	[ "${MHO_SUBSET:-}" != 1 ] || n=2000
	topo || return
	attach_nar || { fail "the move"; return; }
	# The hold outlasts however long a slow machine takes to send it.
	x N limits set max-pkts 16384 &&
	x N binding set match $HOA max-pkts 16384 max-bytes 4000000 \
		max-hold 600000 state hold &&
	x ip -n "$HO_CN" route replace $HOA via 2001:db8:2::2 || return
	ho_receive $n || return
	x ip netns exec "$HO_CN" taskset -c 0 "$HO_PROBE" send -d $HOA -p "$HO_PORT" \
		-r 20000 -n $n || return
	wait_for 60 ho_ctr_is "$HO_NAR" queued_pkts $n || fail "the nAR does not hold $n"
	x N binding set match $HOA state release &&
	x P binding set match $HOA state forward &&
	x P binding set match $HOA state end || return
	while :; do
		snap=$(N -j binding show match $HOA)
		state=$(sed -n 's/.*"state":"\([a-z]*\)".*/\1/p' <<<"$snap")
		queued=$(sed -n 's/.*"queued_pkts":\([0-9]*\).*/\1/p' <<<"$snap")
		looks=$((looks + 1))
		if [ "$state" = idle ]; then
			expect_eq "queued when idle" "$queued" 0
			break
		fi
		[ "$looks" -lt 600 ] || { fail "not idle after $looks looks: $snap"; break; }
	done
	diag "$looks looks before idle"
	ho_expect_stream $n
	ho_expect_ctr "$HO_NAR" released $n
	ip -n "$HO_CN" route replace $HOA via 2001:db8:1::2
}

# A hold's duplicate table grows with what is delivered, not with what
# the binding may hold: 200 holds whose limit is a whole stream (65536
# packets, 2.3 MB of table each if sized by it) take a few MB in all.
t_dedup_memory() {
	local k=200 i before after batch=$TMPD/holds
	topo || return
	x N limits set max-pkts 65536 || return
	for i in $(seq 1 $k); do
		printf 'binding add id %d role nar coa 2001:db8:77::%x\n' $((1000 + i)) "$i"
		printf 'binding set id %d max-pkts 65536 state hold\n' $((1000 + i))
	done >"$batch"
	sync; echo 3 >/proc/sys/vm/drop_caches
	before=$(awk '/^MemAvailable/ { print $2 }' /proc/meminfo)
	x N -batch "$batch" || return
	after=$(awk '/^MemAvailable/ { print $2 }' /proc/meminfo)
	expect_eq "holds" "$(N binding show | grep -c ' state hold')" $k
	diag "$k holds of 65536 packets took $((before - after)) KiB"
	[ $((before - after)) -lt $((16 * 1024)) ] ||
		fail "$k holds took $((before - after)) KiB (limit 16 MiB)"
	for i in $(seq 1 $k); do echo "binding del id $((1000 + i))"; done >"$batch"
	x N -batch "$batch"
	x N limits set max-pkts 1024
}

ktap_plan 11
run_case "max-pkts: exact drops, one overflow event" t_limit_pkts
run_case "max-bytes: exact drops" t_limit_bytes
run_case "total-pkts bounds all bindings together" t_limit_total
run_case "an unclaimed pAR buffer expires after max-hold" t_expiry
run_case "switch-back: held packets delivered locally, in order" t_switch_back
run_case "forwarding of held packets is paced by rate" t_paced
run_case "an nAR hold the MN never claims expires" t_unclaimed
run_case "end-marker, linger, then the binding is removed" t_linger
run_case "an end-marker that cannot be sent: counted, and an event" t_marker_lost
run_case "the nAR is idle only once its queues are empty" t_idle_drained
run_case "a hold's duplicate table grows with what it delivers" t_dedup_memory
handoff_teardown
ktap_finish
