#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mho_probe, the UDP probe that measures handoffs, measures right: on a
# plain veth link, then with netem duplicating, reordering and delaying,
# and with a silent gap in the stream, each of its numbers is what the
# path did to the stream. Every case also recomputes the numbers from the
# receiver's per-packet log (awk) and compares: the summary must agree
# with the packets it saw. mho itself is not involved.
#
#   s (2001:db8:5::1, sender) --veth-- r (2001:db8:5::2, receiver)
#
# netem runs on s's side. Timing under TCG is noisy: only generous lower
# bounds are asserted on times, never upper bounds.
. "$(dirname "$0")/../lib.sh"

[ "$(id -u)" = 0 ] || skip_all "must run as root"
trap cleanup EXIT

PROBE=${MHO_PROBE:-$MHO_SELFTESTS/tools/mho_probe}
S=mho-test-$$-s
R=mho-test-$$-r
SADDR=2001:db8:5::1
RADDR=2001:db8:5::2
PORT=9909

RMAC=02:00:00:00:05:02

# s's address of r, and r's link address: a static neighbour entry keeps
# neighbour discovery out of the measurements (the first solicitation on
# a new link can be lost, and resolving again takes a second).
s_addr() {
	ip -n "$S" neigh replace $RADDR lladdr $RMAC dev veth-s nud permanent &&
	ip -n "$S" addr replace $SADDR/64 dev veth-s nodad
}

ns_add "$S" "$R"
ip link add veth-s netns "$S" type veth peer name veth-r netns "$R" address $RMAC
ip -n "$R" addr add $RADDR/64 dev veth-r nodad
ip -n "$S" link set veth-s up
ip -n "$R" link set veth-r up
s_addr

receiver_ready() {
	[ -n "$(ip netns exec "$R" ss -Hlun "sport = :$PORT")" ]
}

# recv_start ARGS...: the receiver, in the background in r; its summary
# goes to $TMPD/recv.out, its log to $TMPD/recv.log.
recv_start() {
	ip netns exec "$R" "$PROBE" recv -p $PORT -T 30000 -o "$TMPD/recv.log" "$@" \
		>"$TMPD/recv.out" 2>"$TMPD/recv.err" &
	RECV_PID=$!
	bg_add $RECV_PID
	wait_for 10 receiver_ready || { fail "the receiver did not start"; return 1; }
}

# recv_wait: wait for the receiver to finish; its summary is then in $RES.
recv_wait() {
	wait "$RECV_PID"
	local rc=$?
	RES=$(cat "$TMPD/recv.out")
	if [ "$rc" != 0 ] || [ -z "$RES" ]; then
		diag "receiver: exit status $rc"
		diag "receiver: $RES $(cat "$TMPD/recv.err")"
		fail "the receiver failed"
		return 1
	fi
	diag "$RES"
	return 0
}

# send ARGS...: the sender, in s, to r. It stays on one CPU: veth queues
# each packet on the backlog of the CPU that sent it, so a sender moving
# between CPUs can reorder its own stream.
send() {
	x ip netns exec "$S" taskset -c 0 "$PROBE" send -d $RADDR -p $PORT "$@"
}

# get KEY: KEY's value in the receiver's summary $RES.
get() {
	awk -v k="$1" '{ for (i = 1; i < NF; i += 2) if ($i == k) print $(i + 1) }' <<<"$RES"
}

# want KEY OP VALUE: KEY's value compares to VALUE as OP says (awk: ==,
# >=, >, ...; numerically).
want() {
	local v
	v=$(get "$1")
	if [ -z "$v" ] || ! awk -v a="$v" -v b="$3" "BEGIN { exit !(a + 0 $2 b + 0) }"; then
		fail "$1 is ${v:-missing}, expected $2 $3"
		return 1
	fi
	return 0
}

# check_log: the summary matches the receiver's log ("seq send_ns
# recv_ns" per arrival), recomputed here independently.
check_log() {
	local mine
	mine=$(awk '
		{ seq = $1 + 0; sent = $2 + 0; rcvd = $3 + 0 }
		!(seq in seen) {
			seen[seq] = 1
			received++
			if (received > 1 && seq < highest)
				ooo++
			else
				highest = seq
			if (received > 1 && rcvd - last > gap)
				gap = rcvd - last
			last = rcvd
			d = rcvd - sent
			if (received == 1 || d < dmin)
				dmin = d
			if (received == 1 || d > dmax)
				dmax = d
			next
		}
		{ dup++ }
		END {
			printf "received %d duplicates %d out_of_order %d", received, dup, ooo
			printf " max_interruption_ms %.3f", gap / 1000000
			printf " delay_min_ms %.3f delay_max_ms %.3f\n", dmin / 1000000, dmax / 1000000
		}' "$TMPD/recv.log")
	expect_eq "summary vs log" \
		"$(for k in received duplicates out_of_order max_interruption_ms \
			delay_min_ms delay_max_ms; do printf '%s %s ' "$k" "$(get $k)"; done)" \
		"$mine "
}

# stream N RATE [RECV_ARGS...]: N packets at RATE pps, start to end.
stream() {
	local n=$1 rate=$2
	shift 2
	recv_start -n "$n" "$@" || return 1
	send -r "$rate" -n "$n"
	SENT=$OUT
	recv_wait || return 1
	check_log
}

netem() {
	x tc -n "$S" qdisc replace dev veth-s root netem "$@"
}

netem_off() {
	tc -n "$S" qdisc del dev veth-s root 2>/dev/null
}

t_clean() {
	need_tool "$PROBE" || return
	stream 200 1000 || return
	expect_eq "sender" "$SENT" "sent 200 errors 0"
	want sent == 200
	want received == 200
	want lost == 0
	want duplicates == 0
	want out_of_order == 0
	want bogus == 0
	want delay_min_ms '>=' 0
	want max_interruption_ms '>' 0
}

t_duplicates() {
	need_tool "$PROBE" || return
	netem duplicate 100% || return
	stream 200 1000
	netem_off
	want received == 200
	want lost == 0
	want duplicates == 200
	want out_of_order == 0
}

t_interruption() {
	need_tool "$PROBE" || return
	# One flow in two bursts: 0-299, half a second of silence, 600-899.
	# 300-599 are never sent, so they are lost, and the silence is a lower
	# bound on the time between the arrivals of 299 and 600 however slow
	# the machine is (the receive time is taken by the kernel, and veth
	# delivers at once): the probe must see at least 400 ms of it.
	# Starting the second sender can take seconds on a debug kernel, so
	# the receiver's idle timeout is long, and it is stopped once the
	# second burst is out (a second covers the last arrivals, as the
	# default idle timeout does for every other stream here).
	recv_start -n 900 -t 30000 || return
	send -r 1000 -n 300 || return
	sleep 0.5
	send -r 1000 -n 300 -S 600 || return
	sleep 1
	kill -TERM "$RECV_PID" 2>/dev/null
	recv_wait || return
	check_log
	want sent == 900
	want received == 600
	want lost == 300
	want duplicates == 0
	want out_of_order == 0
	want max_interruption_ms '>=' 400
}

t_reorder() {
	need_tool "$PROBE" || return
	# Every 5th packet skips the 10 ms delay, passing the ones before it.
	netem delay 10ms reorder 100% gap 5 || return
	stream 200 1000
	netem_off
	want received == 200
	want lost == 0
	want duplicates == 0
	want out_of_order '>' 0
}

t_delay() {
	need_tool "$PROBE" || return
	netem delay 50ms || return
	stream 100 1000
	netem_off
	want received == 100
	want lost == 0
	want delay_min_ms '>=' 50
	want delay_avg_ms '>=' 50
	want added_delay_max_ms '>=' 0
}

t_bogus() {
	need_tool "$PROBE" || return
	# Stops after 10 distinct packets, then lingers for late ones.
	recv_start -n 10 -f 3 -l 1000 || return
	# Too short, wrong magic, wrong flow, then 11 good packets of which
	# the last (seq 10) is out of range for -n 10: 4 bogus.
	x ip netns exec "$S" bash -c "echo x >/dev/udp/$RADDR/$PORT"
	x ip netns exec "$S" bash -c "printf '%064d' 0 >/dev/udp/$RADDR/$PORT"
	send -r 1000 -n 1 -f 4
	send -r 1000 -n 11 -f 3
	recv_wait || return
	check_log
	want sent == 10
	want received == 10
	want lost == 0
	want bogus == 4
	want duplicates == 0
}

ktap_plan 6
run_case "clean path: nothing lost, duplicated or reordered" t_clean
run_case "netem duplicate 100%: every packet counted twice" t_duplicates
run_case "a silent gap in the stream: loss and the interruption are seen" t_interruption
run_case "netem reorder: out-of-order packets are counted, none lost" t_reorder
run_case "netem delay 50ms: the one-way delay is at least 50 ms" t_delay
run_case "wrong length, magic, flow or sequence number: bogus" t_bogus
ktap_finish
