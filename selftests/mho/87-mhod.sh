#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mhod drives the handoff: mhod on the pAR and the nAR, its mobile node
# agent on the MN, and not one mhoctl command after start-up (the
# netns-wide limits). FMIPv6's predictive mode (RFC 5568): the MN's
# RtSolPr, the pAR's PrRtAdv, the MN's FBU, HI and HAck between the
# routers, the FBack; the MN moves; its UNA releases the nAR's hold; its
# FBU with lifetime 0 ends the pAR's forwarding. handoff.sh's mhod mode
# measures the streams: nothing may be lost, reordered or duplicated.
#
# And what must change nothing: an FBU whose Binding Authorization Data
# does not verify (a wrong key), an FBU for another mobile node's
# address, and an HI from a router that is not the nAR's neighbour; each
# is counted, and the routers have no binding after it.
#
# Reactive mode (RFC 5568 3.3): the MN leaves without an FBU; on the new
# link its agent sends the UNA and then the FBU from the NCoA, through
# the nAR, to the pAR; the pAR's HI has Code 1, the nAR answers HAck 0
# (its binding holds and is released at once: the MN is there), the pAR
# forwards to the nAR and sends the FBack to the NCoA. What the pAR sent
# to the old link before the FBU is lost (nothing announced the move);
# nothing may be reordered, duplicated or damaged, TCP's transfer
# arrives whole. A reactive FBU signed with a wrong key, and the
# handoff's FBU replayed after the MN's next one, change nothing and are
# counted.
#
# And a restart: the pAR's mhod killed mid-handoff and started again
# takes the forwarding over from the kernel (resynchronization). And a
# burst: 200 mobile nodes, each with its own key, hand off at once.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../handoff.sh"

mho_setup
command -v "$HO_MHOD" >/dev/null || skip_all "mhod not found"

# The counters of a run's daemon (handoff_run leaves them in the run).
run_stat() {
	tr ' ' '\n' <"$RUN/mhod/$1.stats" | sed -n "/^$2\$/{n;p}"
}

# The signaling of one handoff, as the daemons counted it (under
# emulation an FBU or HI may be sent again before its answer comes: the
# answers are what is counted exactly).
signaled() {
	local n
	diag "events: $(tr '\n' ' ' <"$RUN/events")"
	if [ "$(handoff_get "$RUN" lost)" != 0 ] && [ "$(handoff_get "$RUN" traffic)" = udp ]; then
		diag "$(grep -hE 'kernel|RtSolPr|PrRtAdv|FBU|HI |HAck|FBack|UNA|end|control' \
			"$RUN"/mhod/*.log | sort -t'[' -k2 -n | head -60)"
	fi
	expect_eq "handoffs at the pAR" "$(run_stat par handoffs_ok)" 1
	expect_eq "handoffs at the MN" "$(run_stat mn handoffs_ok)" 1
	n=$(run_stat par fbu)
	[ "$n" -ge 2 ] || fail "$n FBUs at the pAR (the handoff and the end)"
	n=$(run_stat nar hi)
	[ "$n" -ge 1 ] || fail "$n HIs at the nAR"
	expect_eq "UNAs from the MN" "$(run_stat mn una)" 1
	expect_eq "rejected at the pAR" \
		"$(($(run_stat par rx_bad_auth) + $(run_stat par rx_malformed) + $(run_stat par rx_unknown_peer) + $(run_stat par rx_replayed)))" 0
	expect_eq "kernel errors at the pAR" "$(run_stat par kernel_errors)" 0
	expect_eq "kernel errors at the nAR" "$(run_stat nar kernel_errors)" 0
	if [ "${1:-}" = reactive ]; then
		grep -q "FBU (reactive) from $HOA" "$RUN/mhod/par.log" ||
			fail "the pAR did not take the FBU as reactive"
		grep -q "HI code 1, .*: code 0" "$RUN/mhod/nar.log" ||
			fail "the nAR did not accept an HI with Code 1"
		grep -q "^mn reactive: ok status 0 " "$RUN/mhod/steps" ||
			fail "no FBack status 0: $(cat "$RUN/mhod/steps")"
		return
	fi
	grep -q "kernel event attach" "$RUN/mhod/nar.log" ||
		fail "the nAR's module did not report the MN's attach (UNA)"
	grep -q "^mn handoff .*: ok status 0 " "$RUN/mhod/steps" ||
		fail "no FBack status 0: $(cat "$RUN/mhod/steps")"
}

t_udp() {
	need_tool "$HO_PROBE" || return
	# Mixed sizes up to a full 1500-octet packet.
	ho_run udp mhod HO_SIZE=64-1452 HO_PCAP=udp || return
	ho_run_clean
	signaled
	[ "$(handoff_ctr "$RUN" nar released)" -gt 0 ] ||
		fail "the nAR released nothing: the move missed the stream"
}

# t_tcp [reactive]
t_tcp() {
	need_tool "$HO_BULK" || return
	# Long enough for the move (the MN agent's RtSolPr, FBU and FBack
	# under emulation) to come in its middle.
	ho_run "tcp${1:+-$1}" mhod HO_TRAFFIC=tcp HO_TCP_BYTES=16000000 \
		HO_MHOD_MOVE="${1:-predictive}" || return
	expect_eq short "$(handoff_get "$RUN" short)" 0
	expect_eq bad "$(handoff_get "$RUN" bad)" 0
	expect_eq bytes "$(handoff_get "$RUN" bytes)" 16000000
	expect_eq ctl_errors "$(handoff_get "$RUN" ctl_errors)" 0
	expect_eq "Packet Too Big messages" "$(handoff_get "$RUN" packet_too_big)" 0
	diag "tcp: timeouts $(handoff_get "$RUN" timeouts), retransmitted segments $(handoff_get "$RUN" retrans_segs)"
	signaled "$@"
	[ "${1:-}" = reactive ] || [ "$(handoff_ctr "$RUN" nar released)" -gt 0 ] ||
		fail "the nAR released nothing: the move missed the transfer"
}

t_udp_reactive() {
	local v
	need_tool "$HO_PROBE" || return
	ho_run udp-reactive mhod HO_SIZE=64-1452 HO_MHOD_MOVE=reactive \
		HO_PCAP=udp-reactive || return
	for v in out_of_order duplicates corrupt ctl_errors packet_too_big; do
		expect_eq "$v" "$(handoff_get "$RUN" "$v")" 0
	done
	diag "lost $(handoff_get "$RUN" lost) (sent to the old link before the FBU)"
	[ "$(handoff_get "$RUN" lost)" -lt "$(handoff_get "$RUN" received)" ] ||
		fail "more lost than received"
	signaled reactive
	# (TCP's sender, backing off, may send nothing in that time.)
	[ "$(handoff_ctr "$RUN" nar tunnel_rx)" -gt 0 ] 2>/dev/null ||
		fail "the nAR got nothing through the pAR's tunnel"
}

# The pAR's mhod killed (SIGKILL) once it forwards, and started again:
# it takes the forwarding over from the kernel, and the MN's FBU with
# lifetime 0 (from the NCoA, which the new daemon never heard of) ends
# it, the end-marker releasing the nAR's new stream: a UDP stream of
# mixed sizes loses, reorders and duplicates nothing.
t_udp_restart() {
	need_tool "$HO_PROBE" || return
	ho_run udp-restart mhod HO_SIZE=64-1452 HO_MHOD_MOVE=restart || return
	ho_run_clean
	grep -q "^restart " "$RUN/events" || fail "the pAR's mhod was not restarted"
	expect_eq "resynced at the pAR" "$(run_stat par resynced)" 1
	grep -q "resync: $HOA forwards to nar" "$RUN/mhod/par.log" ||
		fail "the restarted pAR did not take the forwarding over"
	grep -q "forwarding for $HOA ends: the mobile node ended it" "$RUN/mhod/par.log" ||
		fail "the MN's FBU did not end the forwarding: $(tail -n 5 "$RUN/mhod/par.log")"
	expect_eq "unknown or unverified FBUs at the pAR" \
		"$(($(run_stat par rx_unknown_peer) + $(run_stat par rx_bad_auth)))" 0
	expect_eq "handoffs at the MN" "$(run_stat mn handoffs_ok)" 1
	[ "$(handoff_ctr "$RUN" nar released)" -gt 0 ] ||
		fail "the nAR released nothing: the move missed the stream"
}

# burst_case N BODY: a case on the routers of ho_mhod_burst_start with N
# mobile nodes; BODY runs with their directory, then the daemons stop.
burst_case() {
	need_tool "$HO_BURST" || return
	topo || return
	if ho_mhod_burst_start "$TMPD/$2" "$1"; then
		"$2" "$TMPD/$2"
	else
		fail "mhod did not start"
	fi
	ho_mhod_stop || fail "mhod did not stop cleanly"
	handoff_teardown
}

# burst_expect PREFIX LINE WHAT: mho_fbu_burst's LINE begins with PREFIX,
# or the case fails, saying WHAT.
burst_expect() {
	case $2 in
	"$1"*) ;;
	*) fail "$3: $2" ;;
	esac
}

# A burst: BURST_N mobile nodes (each its own key) send their FBUs at
# once; every one gets its FBack (status 0), the pAR forwards for each and
# the nAR holds for each, and nothing is refused or rejected on the way.
# For the first 1.5 s the nAR's answers to the pAR are lost, so the pAR
# sends its HIs again: the nAR must take every one of those for what it
# is, a retransmission (answered as before, nothing changed), however
# many HIs it answered in between.
BURST_N=${MHO_BURST_N:-200}
bindings_in() {
	"$MHOCTL" -n "$1" binding show | grep -c " state $2\b"
}
t_burst_body() {
	local d=$1 out v
	x tc -n "$HO_NAR" qdisc add dev to-par root netem loss 100% || return
	(sleep 1.5; tc -n "$HO_NAR" qdisc del dev to-par root) &
	bg_add $!
	out=$(ho_mhod_burst "$BURST_N" 0 -t 3000 -r 5)
	diag "burst: $out"
	case $out in
	"mns=$BURST_N acked=$BURST_N refused=0 failed=0 "*) ;;
	*)
		fail "not every mobile node got its FBack: $out"
		diag "pAR: $(ho_mhodctl par stats)"
		diag "nAR: $(ho_mhodctl nar stats)"
		diag "pAR: $(grep -vE 'debug' "$d/par.log" | head -n 30)"
		diag "nAR: $(grep -vE 'debug' "$d/nar.log" | head -n 30)"
		;;
	esac
	expect_eq "handoffs at the pAR" "$(ho_mhod_stat par handoffs_ok)" "$BURST_N"
	expect_eq "failed handoffs at the pAR" "$(ho_mhod_stat par handoffs_failed)" 0
	expect_eq "overflows at the nAR" "$(ho_mhod_stat nar rx_overflow)" 0
	v=$(ho_mhod_stat nar hi)
	[ "$v" -gt "$BURST_N" ] || fail "the pAR sent no HI again ($v HIs)"
	expect_eq "HIs the nAR took for retransmissions" \
		"$(ho_mhod_stat nar retransmits)" $((v - BURST_N))
	for v in rx_malformed rx_unknown_peer rx_bad_auth rx_replayed kernel_errors; do
		expect_eq "$v at the pAR" "$(ho_mhod_stat par $v)" 0
		expect_eq "$v at the nAR" "$(ho_mhod_stat nar $v)" 0
	done
	expect_eq "forwarding bindings at the pAR" "$(bindings_in "$HO_PAR" forward)" "$BURST_N"
	expect_eq "holding bindings at the nAR" "$(bindings_in "$HO_NAR" hold)" "$BURST_N"
	diag "pAR's mhod: $(ho_mhod_rss_kb par) KiB resident"
}
t_burst() {
	burst_case "$BURST_N" t_burst_body
}

# [Limits] at the pAR. SignalingRate: one mobile node floods 30 copies
# of its FBU; the pAR takes what the rate allows (10 at once, then 10 a
# second: the first starts the handoff, the others are retransmissions),
# drops and counts the rest, and the handoff completes. MobileNodes = 3:
# with that one still forwarding, five more at once: two complete, three
# get FBack 130 (insufficient resources) and no binding.
t_limits_body() {
	local d=$1 out n
	out=$(ho_mhod_burst 1 0 -R 30 -l 60)
	burst_expect "mns=1 acked=1 refused=0 failed=0 " "$out" "the flooding mobile node's handoff"
	expect_eq "FBUs at the pAR" "$(ho_mhod_stat par fbu)" 30
	n=$(ho_mhod_stat par rx_rate_limited)
	[ "$n" -ge 1 ] && [ "$n" -le 20 ] ||
		fail "$n of 30 FBUs over SignalingRate (10 at once, 10/s)"
	out=$(ho_mhod_burst 5 1)
	burst_expect "mns=5 acked=2 refused=3 failed=0 " "$out" "five more with MobileNodes = 3"
	expect_eq "handoffs at the pAR" "$(ho_mhod_stat par handoffs_ok)" 3
	expect_eq "refused at the pAR" "$(ho_mhod_stat par handoffs_failed)" 3
	expect_eq "forwarding bindings at the pAR" "$(bindings_in "$HO_PAR" forward)" 3
}
t_limits() {
	HO_MHOD_LIMITS="SignalingRate=10 MobileNodes=3" burst_case 6 t_limits_body
}

# A mobile node whose pAR cannot know its link-layer address (no [Peer]
# LinkLayerAddress, no Link-Layer Address option in its FBU): the HI,
# which must carry it, cannot be built, so the FBU is refused at once
# (FBack 128, no HI, no binding); the next one, with the option, hands
# off.
t_no_lla_body() {
	local d=$1 out
	out=$(ho_mhod_burst 1 0 -L)
	burst_expect "mns=1 acked=0 refused=1 failed=0 retransmits=0 " "$out" "the FBU without a link-layer address"
	expect_eq "HIs sent by the pAR" "$(ho_mhod_stat par hi)" 0
	expect_eq "bindings at the pAR" "$("$MHOCTL" -n "$HO_PAR" -j binding show)" "[]"
	out=$(ho_mhod_burst 1 1)
	burst_expect "mns=1 acked=1 refused=0 failed=0 " "$out" "the FBU with its link-layer address"
	expect_eq "handoffs at the pAR" "$(ho_mhod_stat par handoffs_ok)" 1
}
t_no_lla() {
	burst_case 2 t_no_lla_body
}

# The pAR's mhod killed while a handoff waits for its HAck (the nAR's
# answers lost): the next one finds the binding buffering, sets it back
# to idle (what it held goes out on the old link) and counts it; the
# mobile node's retransmitted FBU starts the handoff again, which
# completes once the answers get through.
t_restart_buffering_body() {
	local d=$1 out
	x tc -n "$HO_NAR" qdisc add dev to-par root netem loss 100% || return
	ho_mhod_burst 1 0 -t 6000 -r 5 >"$d/burst.out" &
	bg_add $!
	wait_for 30 bindings_are "$HO_PAR" buffer 1 ||
		fail "the pAR's binding does not buffer"
	ho_mhod_kill_restart par "$HO_PAR" || fail "mhod par did not start again"
	expect_eq "resynced at the pAR" "$(ho_mhod_stat par resynced)" 1
	expect_eq "idle bindings at the pAR after the restart" \
		"$("$MHOCTL" -n "$HO_PAR" -j binding show | grep -o '"state":"idle"' | wc -l)" 1
	grep -q "resync: 2001:db8:ff::1:0 was waiting for a HAck: back to idle" "$d/par.log" ||
		fail "the restarted pAR did not say so: $(grep resync "$d/par.log")"
	x tc -n "$HO_NAR" qdisc del dev to-par root
	wait_for 60 burst_done "$d/burst.out" || fail "the mobile node's FBUs never ended"
	out=$(cat "$d/burst.out")
	burst_expect "mns=1 acked=1 refused=0 failed=0 " "$out" "the handoff after the restart"
	expect_eq "handoffs at the restarted pAR" "$(ho_mhod_stat par handoffs_ok)" 1
	expect_eq "forwarding bindings at the pAR" "$(bindings_in "$HO_PAR" forward)" 1
	expect_eq "holding bindings at the nAR" "$(bindings_in "$HO_NAR" hold)" 1
}
t_restart_buffering() {
	burst_case 1 t_restart_buffering_body
}

bindings_are() {
	[ "$(bindings_in "$1" "$2")" = "$3" ]
}

burst_done() {
	[ -s "$1" ]
}

# While the pAR's mhod does not read (SIGSTOP), a flood of FBUs fills
# its socket's receive buffer. The kernel's drops are counted
# (rx_overflow, from SO_RXQ_OVFL, which the next packet read brings):
# after the mobile node's next FBU, exactly as many as the kernel shows
# for mhod's Mobility Header socket in /proc/net/raw6; and the handoff
# completes.
raw6_drops() {
	# local_address:port, the port being the protocol (0087: MH).
	ip netns exec "$1" awk '$2 ~ /:0087$/ { d += $NF } END { print d + 0 }' /proc/net/raw6
}
t_overflow_body() {
	local d=$1 out n
	kill -STOP "${_ho_mhod_pid[par]}"
	out=$(ho_mhod_burst 1 0 -R 1000 -t 200 -r 0)
	kill -CONT "${_ho_mhod_pid[par]}"
	n=$(raw6_drops "$HO_PAR")
	[ "$n" -gt 0 ] || fail "1000 FBUs into a stopped mhod, the kernel dropped none ($out)"
	out=$(ho_mhod_burst 1 0 -l 60)
	burst_expect "mns=1 acked=1 refused=0 failed=0 " "$out" "the handoff after the flood"
	expect_eq "overflows counted by mhod (the kernel's drops)" \
		"$(ho_mhod_stat par rx_overflow)" "$(raw6_drops "$HO_PAR")"
}
t_overflow() {
	burst_case 1 t_overflow_body
}

# Both routers' mhod killed (SIGKILL) mid-handoff, the pAR forwarding and
# the nAR holding, and the mobile node never arrives: the nAR's hold is
# the module's, bounded by max-hold (8 s from its start, here). A stream of mixed sizes
# up to full-size packets from the CN is forwarded and held whole, then
# expires: every packet the pAR forwarded is held and then dropped as
# expired, none is left queued.
t_killed_holds() {
	local d=$TMPD/killed out name f h
	need_tool "$HO_PROBE" || return
	topo || return
	x "$MHOCTL" -n "$HO_NAR" limits set max-hold 8000 || return
	ho_mhod_start "$d" || { fail "mhod did not start"; return; }
	x ho_mhodctl mn handoff "$HO_AP_NAR" || return
	for name in par nar; do
		kill -KILL "${_ho_mhod_pid[$name]}"
		wait "${_ho_mhod_pid[$name]}" 2>/dev/null
		unset "_ho_mhod_pid[$name]"
	done
	expect_eq "the pAR's binding" "$(handoff_state "$HO_PAR")" forward
	expect_eq "the nAR's binding" "$(handoff_state "$HO_NAR")" hold
	# What the hold has already (the FBack's copy to the NCoA).
	f=$(ho_ctr "$HO_PAR" forwarded) h=$(ho_ctr "$HO_NAR" held)
	out=$(ip netns exec "$HO_CN" "$HO_PROBE" send -d "$HOA" -p "$HO_PORT" \
		-r 400 -n 120 -s 64-1452)
	expect_eq "the CN's stream" "$out" "sent 120 errors 0"
	wait_for 20 ho_ctr_is "$HO_PAR" forwarded $((f + 120)) ||
		fail "the pAR forwarded $(($(ho_ctr "$HO_PAR" forwarded) - f)) of 120"
	wait_for 20 ho_ctr_is "$HO_NAR" held $((h + 120)) ||
		fail "the nAR held $(($(ho_ctr "$HO_NAR" held) - h)) of 120"
	wait_for 30 ho_ctr_is "$HO_NAR" drop_expired $((h + 120)) ||
		fail "$(ho_ctr "$HO_NAR" drop_expired) of $((h + 120)) held packets expired"
	ho_expect_ctr "$HO_NAR" queued_pkts 0
	expect_eq "packets the nAR released" "$(ho_ctr "$HO_NAR" released)" 0
	expect_eq "the nAR's binding once expired" "$(handoff_state "$HO_NAR")" idle
	ho_mhod_stop || fail "the MN's mhod did not stop cleanly"
	handoff_teardown
}

# topo [moved]: the topology, the routers' limits (the only mhoctl
# commands before mhod starts); moved: the MN is on the nAR's link
# already (mn1 up, its default route there).
topo() {
	handoff_setup || { fail "topology setup failed"; return 1; }
	# shellcheck disable=SC2086 # words
	x "$MHOCTL" -n "$HO_PAR" limits set $HO_LIMITS || return 1
	# shellcheck disable=SC2086 # words
	x "$MHOCTL" -n "$HO_NAR" limits set $HO_LIMITS || return 1
	[ "${1:-}" = moved ] || return 0
	x ip -n "$HO_MN" link set mn1 up &&
	wait_for 60 ho_oper_up "$HO_MN" mn1 &&
	wait_for 60 ho_oper_up "$HO_NAR" to-mn &&
	x ip -n "$HO_MN" route replace default via 2001:db8:b::1 dev mn1
}

# fbu_tries DIR: how many FBUs the MN agent sends before it gives up.
fbu_tries() {
	local tries
	tries=$(($(sed -n 's/^FBURetries = //p' "$1/mn.conf") + 0))
	[ "$tries" -gt 0 ] || tries=3
	echo $((tries + 1))
}

# no_bindings: neither router has a binding.
no_bindings() {
	expect_eq "bindings at the pAR" "$("$MHOCTL" -n "$HO_PAR" -j binding show)" "[]"
	expect_eq "bindings at the nAR" "$("$MHOCTL" -n "$HO_NAR" -j binding show)" "[]"
}

# forged KEY ADDR COUNTER: the MN agent signs with KEY from ADDR on mn0;
# its handoff fails for want of an FBack, the pAR counts each FBU in
# COUNTER and neither router has a binding.
forged() {
	local d=$TMPD/forged-$3 out tries
	topo || return
	if [ "$2" != "$HOA" ] && [ "$2" != 2001:db8:a::2 ]; then
		x ip -n "$HO_MN" addr add "$2/128" dev lo nodad &&
		x ip -n "$HO_PAR" route add "$2" via 2001:db8:a::2 || return
	fi
	ho_mhod_start "$d" "$1" "$2" || { fail "mhod did not start"; return; }
	if out=$(ho_mhodctl mn handoff "$HO_AP_NAR"); then
		fail "the forged handoff succeeded: $out"
	fi
	tries=$(fbu_tries "$d")
	expect_eq "answer" "$out" "error no FBack after $tries tries"
	expect_eq "$3 at the pAR" "$(ho_mhod_stat par "$3")" "$tries"
	expect_eq "HIs sent by the pAR" "$(ho_mhod_stat par hi)" 0
	no_bindings
	ho_mhod_stop || fail "mhod did not stop cleanly"
	handoff_teardown
}

t_wrong_key() {
	forged 00112233445566778899aabbccddeeff00112233 "$HOA" rx_bad_auth
}

# The second MN's address (the routers know it, with its own key), from
# an MN that has the first one's key.
t_other_mn() {
	forged "$HO_MHOD_KEY" 2001:db8:a::2 rx_bad_auth
}

# An address no mobile node has: counted as such.
t_unknown() {
	forged "$HO_MHOD_KEY" 2001:db8:ff::99 rx_unknown_peer
}

# A reactive FBU (from the NCoA, the MN's SPI) signed with another key:
# the pAR counts each (the first and the retries) as bad
# authentication, sends no HI, and neither router has a binding.
t_reactive_wrong_key() {
	local d=$TMPD/reactive-wrong-key out tries
	topo moved || return
	ho_mhod_start "$d" 00112233445566778899aabbccddeeff00112233 ||
		{ fail "mhod did not start"; return; }
	if out=$(ho_mhodctl mn reactive); then
		fail "the forged reactive handoff succeeded: $out"
	fi
	tries=$(fbu_tries "$d")
	expect_eq "answer" "$out" "error no FBack after $tries tries"
	expect_eq "UNAs from the MN" "$(ho_mhod_stat mn una)" 1
	expect_eq "rx_bad_auth at the pAR" "$(ho_mhod_stat par rx_bad_auth)" "$tries"
	expect_eq "HIs sent by the pAR" "$(ho_mhod_stat par hi)" 0
	no_bindings
	ho_mhod_stop || fail "mhod did not stop cleanly"
	handoff_teardown
}

replayed_counted() {
	[ "$(ho_mhod_stat par rx_replayed)" = 1 ]
}

# A reactive handoff, its end (the MN's next FBU, lifetime 0), then the
# handoff's FBU again: the pAR counts the replay and does nothing (no
# HI, its binding still ends).
t_replay() {
	topo moved || return
	if ho_mhod_start "$TMPD/replay"; then
		replay
	else
		fail "mhod did not start"
	fi
	ho_mhod_stop || fail "mhod did not stop cleanly"
	handoff_teardown
}

replay() {
	local out hi st
	out=$(ho_mhodctl mn reactive)
	case $out in
	"ok status 0 "*) ;;
	*) fail "reactive handoff: $out"; return ;;
	esac
	expect_eq "the pAR's binding" "$(handoff_state "$HO_PAR")" forward
	x ho_mhodctl mn end || return
	wait_for 10 ho_state_is "$HO_PAR" linger ||
		fail "the pAR's binding is \"$(handoff_state "$HO_PAR")\" after end"
	hi=$(ho_mhod_stat par hi)
	out=$(ho_mhodctl mn replay) || { fail "replay: $out"; return; }
	wait_for 10 replayed_counted ||
		fail "the pAR counted $(ho_mhod_stat par rx_replayed) replays"
	expect_eq "HIs at the pAR" "$(ho_mhod_stat par hi)" "$hi"
	st=$(handoff_state "$HO_PAR")
	case $st in
	linger | "") ;;
	*) fail "the pAR's binding is \"$st\" after the replay" ;;
	esac
	expect_eq "handoffs at the pAR" "$(ho_mhod_stat par handoffs_ok)" 1
	expect_eq "rx_bad_auth at the pAR" "$(ho_mhod_stat par rx_bad_auth)" 0
}

# The nAR's module is full (max-bindings 1, and a binding there): its
# HAck says "insufficient resources" (130), the pAR puts the MN's
# binding back to idle and its FBack says 130 too.
t_refused() {
	local out st
	topo || return
	x "$MHOCTL" -n "$HO_NAR" limits set max-bindings 1 &&
	x "$MHOCTL" -n "$HO_NAR" peer add $HO_PAR_PEER local $HO_NAR_PEER &&
	x "$MHOCTL" -n "$HO_NAR" binding add role nar hoa 2001:db8:ff::77 peer $HO_PAR_PEER ||
		return
	ho_mhod_start "$TMPD/refused" || { fail "mhod did not start"; return; }
	out=$(ho_mhodctl mn handoff "$HO_AP_NAR")
	expect_eq "the MN's answer" "$out" "error FBack status 130"
	st=$(handoff_state "$HO_PAR")
	expect_eq "the pAR's binding" "${st:-idle}" idle
	expect_eq "failed handoffs at the pAR" "$(ho_mhod_stat par handoffs_failed)" 1
	expect_eq "kernel errors at the nAR" "$(ho_mhod_stat nar kernel_errors)" 1
	ho_mhod_stop || fail "mhod did not stop cleanly"
	handoff_teardown
}

# An HI from an access router that is not the nAR's neighbour: the nAR's
# configuration names another address for its neighbour (with the IPsec
# policies its check asks for), so the pAR's HIs, ESP-protected and
# accepted by its kernel, come from a router mhod does not know: each is
# counted (rx_hi_unknown_ar), none is answered, the nAR makes no binding,
# and the pAR, without a HAck, answers the MN 128 and goes back to idle.
t_hi_unknown() {
	local d=$TMPD/hi-unknown
	topo || return
	# The pAR gives up on its HIs (0.1 + 0.2 + 0.4 + 0.8 s) before the
	# MN on its FBUs (4 x 1 s), so the MN hears its FBack 128.
	if HO_MHOD_HI_TIMEOUT=100ms ho_mhod_start "$d"; then
		t_hi_unknown_body "$d"
	else
		fail "mhod did not start"
	fi
	ho_mhod_stop || fail "mhod did not stop cleanly"
	handoff_teardown
}

t_hi_unknown_body() {
	local d=$1 out hi
	kill -TERM "${_ho_mhod_pid[nar]}" && wait "${_ho_mhod_pid[nar]}"
	unset '_ho_mhod_pid[nar]'
	rm -f "$d/nar.sock"
	sed -i 's/^Router = 2001:db8:12::1$/Router = 2001:db8:12::9/' "$d/nar.conf"
	x ip -n "$HO_NAR" xfrm policy add src 2001:db8:12::9/128 dst 2001:db8:12::2/128 \
		proto 135 dir in tmpl proto esp spi $HO_ESP_ARS_NAR_IN reqid 2 mode transport &&
	x ip -n "$HO_NAR" xfrm policy add src 2001:db8:12::2/128 dst 2001:db8:12::9/128 \
		proto 135 dir out tmpl proto esp spi $HO_ESP_ARS_PAR_IN reqid 2 mode transport || return
	_ho_mhod_run nar "$HO_NAR" "$d/nar.conf" || { fail "the nAR's mhod did not start again"; return; }
	out=$(ho_mhodctl mn handoff "$HO_AP_NAR")
	expect_eq "the MN's answer" "$out" "error FBack status 128"
	hi=$(ho_mhod_stat nar hi)
	[ "$hi" -ge 1 ] || fail "the nAR saw $hi HIs"
	expect_eq "HIs from an unknown router at the nAR" "$(ho_mhod_stat nar rx_hi_unknown_ar)" "$hi"
	expect_eq "HAcks sent by the nAR" "$(ho_mhod_stat nar hack)" 0
	expect_eq "HAcks at the pAR" "$(ho_mhod_stat par hack)" 0
	expect_eq "bindings at the nAR" "$("$MHOCTL" -n "$HO_NAR" -j binding show)" "[]"
	wait_for 10 ho_state_is "$HO_PAR" idle ||
		fail "the pAR's binding is \"$(handoff_state "$HO_PAR")\", not idle"
}

# mhod -t refuses a broken configuration, naming the line; SIGTERM while
# the pAR forwards: mhod exits 0 and the binding has been told "end" (it
# lingers), the nAR's hold stays for the module (the UNA still releases).
# xfrm_stat NS NAME: one of the kernel's IPsec counters in NS.
xfrm_stat() {
	ip netns exec "$1" awk -v n="$2" '$1 == n { print $2 }' /proc/net/xfrm_stat
}

# An FBU without ESP (the MN's policy towards its pAR deleted): the pAR's
# kernel drops each copy (XfrmInTmplMismatch: its policy requires ESP)
# before mhod sees it, so nothing changes: no FBU counted, no HI, no
# binding. The ESP-protected FBUs of the other cases reach mhod.
t_unprotected() {
	local d=$TMPD/unprotected out tries before after
	topo || return
	ho_mhod_start "$d" || { fail "mhod did not start"; return; }
	x ip -n "$HO_MN" xfrm policy delete src ::/0 dst 2001:db8:a::1/128 \
		proto 135 dir out || return
	before=$(xfrm_stat "$HO_PAR" XfrmInTmplMismatch)
	if out=$(ho_mhodctl mn handoff "$HO_AP_NAR"); then
		fail "a handoff without ESP succeeded: $out"
	fi
	tries=$(fbu_tries "$d")
	after=$(xfrm_stat "$HO_PAR" XfrmInTmplMismatch)
	expect_eq "answer" "$out" "error no FBack after $tries tries"
	expect_eq "FBUs dropped by the pAR's kernel" $((after - before)) "$tries"
	expect_eq "FBUs seen by the pAR's mhod" "$(ho_mhod_stat par fbu)" 0
	expect_eq "HIs sent by the pAR" "$(ho_mhod_stat par hi)" 0
	no_bindings
	ho_mhod_stop || fail "mhod did not stop cleanly"
	handoff_teardown
}

# refuses NAME NS WANT: mhod NAME, started in NS, exits non-zero at once
# and its log says WANT.
refuses() {
	local log=$_ho_mhod_dir/$1.refused
	if ip netns exec "$2" timeout 60 "$HO_MHOD" -c "$_ho_mhod_dir/$1.conf" 2>"$log"; then
		fail "mhod $1 started without IPsec"
		return
	fi
	grep -q -- "$3" "$log" || fail "mhod $1's log does not say '$3': $(head -c 600 "$log")"
}

# mhod does not start while a flow of its signaling is unprotected: the
# pAR without its outbound policy to the MN, the nAR with a policy that
# lets the pAR's HIs in without ESP ("level use"), the MN agent with a
# policy naming another SPI than its [IPsec] section. Each log names the
# flow; restored, each starts.
t_ipsec_refused() {
	local d=$TMPD/ipsec-refused
	topo || return
	ho_mhod_start "$d" && ho_mhod_stop || { fail "mhod did not start with IPsec"; return; }
	x ip -n "$HO_PAR" xfrm policy delete src 2001:db8:a::1/128 dst $HOA/128 \
		proto 135 dir out &&
	x ip -n "$HO_NAR" xfrm policy update src 2001:db8:12::1/128 dst 2001:db8:12::2/128 \
		proto 135 dir in tmpl proto esp reqid 2 mode transport level use &&
	x ip -n "$HO_MN" xfrm policy update src ::/0 dst 2001:db8:a::1/128 \
		proto 135 dir out tmpl proto esp spi 0x9999 reqid 1 mode transport || return
	refuses par "$HO_PAR" "\[Peer\] mn, \[IPsec\] mn: outbound FBack 2001:db8:a::1 to $HOA: no IPsec policy"
	refuses nar "$HO_NAR" "\[Neighbor\] par, \[IPsec\] ars: inbound HI 2001:db8:12::1 to 2001:db8:12::2: .*optional"
	refuses mn "$HO_MN" "\[Peer\] par, \[IPsec\] ar: outbound FBU .*another SPI"
	ho_mhod_start "$d" || fail "mhod did not start once IPsec was restored"
	ho_mhod_stop || fail "mhod did not stop cleanly"
	handoff_teardown
}

t_stop() {
	local d=$TMPD/stop out
	mkdir -p "$d"
	printf '[General]\nRole = router\n' >"$d/bad.conf"
	if out=$("$HO_MHOD" -t -c "$d/bad.conf" 2>&1); then
		fail "mhod -t accepted a bad configuration"
	fi
	case $out in
	*"bad.conf:2:"*) ;;
	*) fail "mhod -t did not name the line: $out" ;;
	esac
	topo || return
	ho_mhod_start "$d" || { fail "mhod did not start"; return; }
	x ho_mhodctl mn handoff "$HO_AP_NAR" || return
	expect_eq "the pAR's binding" "$(handoff_state "$HO_PAR")" forward
	expect_eq "the nAR's binding" "$(handoff_state "$HO_NAR")" hold
	ho_mhod_stop || fail "mhod did not stop cleanly"
	wait_for 10 ho_state_is "$HO_PAR" linger ||
		fail "the pAR's binding is \"$(handoff_state "$HO_PAR")\" after mhod, not linger"
	[ -n "$(ho_ctr "$HO_NAR" id)" ] || fail "the nAR's hold is gone with mhod"
	handoff_teardown
}

ktap_plan 21
run_case "mhod: UDP of mixed sizes, nothing lost, reordered or duplicated" t_udp
run_case "mhod killed and restarted mid-handoff: it resynchronizes, nothing lost" t_udp_restart
run_case "mhod killed while it waits for the HAck: back to idle, the next FBU completes" t_restart_buffering
run_case "$BURST_N mobile nodes hand off at once: every one completes" t_burst
run_case "a flood into a stopped mhod: the receive buffer's drops are counted" t_overflow
run_case "SignalingRate and MobileNodes: what is over them is refused and counted" t_limits
run_case "an FBU without a link-layer address the pAR knows is refused at once" t_no_lla
run_case "mhod: a TCP transfer arrives whole" t_tcp
run_case "mhod reactive: UDP of mixed sizes, nothing reordered or duplicated" t_udp_reactive
run_case "mhod reactive: a TCP transfer arrives whole" t_tcp reactive
run_case "a reactive FBU with a wrong key changes nothing and is counted" t_reactive_wrong_key
run_case "a replayed FBU changes nothing and is counted" t_replay
run_case "an FBU without ESP is dropped by the kernel and changes nothing" t_unprotected
run_case "mhod refuses to start while its signaling is not protected by ESP" t_ipsec_refused
run_case "an FBU with a wrong key changes nothing and is counted" t_wrong_key
run_case "an FBU for another mobile node's address changes nothing" t_other_mn
run_case "an FBU from an unknown address changes nothing" t_unknown
run_case "a full nAR: HAck and FBack say insufficient resources" t_refused
run_case "an HI from a router that is not a neighbour changes nothing and is counted" t_hi_unknown
run_case "mhod -t, and what SIGTERM leaves in the kernel" t_stop
run_case "mhod killed mid-handoff: the nAR's hold expires, every packet counted" t_killed_holds
ktap_finish
