#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The nAR releases a hold by itself when the MN announces itself: the
# handoff of 70-handoff's mho mode, without the "state release" command.
# The MN's new care-of address is the nAR binding's ncoa, and the MN sends
# an unsolicited Neighbor Advertisement for it when its link comes up
# (ndisc_notify). Without the attach, the hold would last until max-hold
# expires and drop what it held: the stream would lose packets.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../handoff.sh"

mho_setup

t_attach() {
	local run=$TMPD/mho-na v
	need_tool "$HO_PROBE" || return
	handoff_run mho-na "$run" || { fail "the run failed"; return; }
	for v in lost out_of_order duplicates ctl_errors; do
		expect_eq "$v" "$(handoff_get "$run" "$v")" 0
	done
	[ "$(handoff_get "$run" received)" -gt 0 ] || fail "nothing received"
	# The nAR released its hold and dropped nothing.
	grep -q "^nar: binding .* ncoa 2001:db8:b::2 " "$run/counters" ||
		fail "no nAR binding with the MN's ncoa: $(cat "$run/counters")"
	! grep -Eq "drop-[a-z]+ [1-9]" "$run/counters" ||
		fail "drops: $(cat "$run/counters")"
	grep -q " markers-rx 1 frag-followed [0-9]*$" "$run/counters" ||
		fail "no end-marker at the nAR: $(cat "$run/counters")"
	# The move happened while the stream ran: the nAR held and released.
	[ "$(handoff_ctr "$run" nar released)" -gt 0 ] ||
		fail "the nAR released nothing: the move missed the stream"
}

# Many releases by Neighbor Advertisement in a row, under a fast stream:
# the MN moves back and forth between the two routers for as long as the
# CN sends it PP_RATE packets/s (PP_SECONDS of them, which may take longer
# under emulation), at least PP_MOVES times. Each router is the pAR when
# the MN leaves it and the nAR when it arrives: its binding for the MN is
# made for the move and deleted after it. The MN's arrival is its DAD
# and unsolicited NA for its address on the new link, the nAR binding's
# ncoa; nothing else releases the hold. Not one packet may be lost,
# reordered or duplicated over all the moves.
PP_MOVES=${PP_MOVES:-10}
PP_RATE=${PP_RATE:-3000}
PP_SECONDS=${PP_SECONDS:-30}
# The debug kernel: fewer moves and a shorter stream (30 s of it took a
# quarter of an hour there on a slow host); each move is the same code.
[ "${MHO_FLAVOUR:-}" != debug ] || PP_MOVES=2 PP_RATE=1000 PP_SECONDS=10

# pp_move FROM TO: one move of the MN, FROM and TO being par or nar.
pp_move() {
	local from=$1 to=$2 fns tns fif tif taddr tpeer fpeer tcn
	if [ "$from" = par ]; then
		fns=$HO_PAR tns=$HO_NAR fif=mn0 tif=mn1 taddr=2001:db8:b::2
		fpeer=$HO_PAR_PEER tpeer=$HO_NAR_PEER tcn=2001:db8:2::2
	else
		fns=$HO_NAR tns=$HO_PAR fif=mn1 tif=mn0 taddr=2001:db8:a::2
		fpeer=$HO_NAR_PEER tpeer=$HO_PAR_PEER tcn=2001:db8:1::2
	fi
	# Prepared: the hold at the next router, the MN's address there
	# not yet configured (it is, with DAD, when the MN arrives).
	_ho_ctl_do "$to-mho" "binding add role nar hoa $HOA ncoa $taddr peer $fpeer state hold"
	_ho_ctl_do mn "addr del $taddr/64 dev $tif"
	_ho_ctl_do "$from-mho" "binding add role par hoa $HOA peer $tpeer"
	# Departure, gap, arrival.
	_ho_state "$fns" forward
	_ho_link_loss "$fns" "$fif" 100
	_ho_nap "$HO_GAP"
	_ho_link_loss "$tns" "$tif" 0
	_ho_ctl_do mn "addr add $taddr/64 dev $tif"
	_ho_reroute mn "default via ${taddr%2}1 dev $tif"
	_ho_reroute cn "$HOA via $tcn"
	_ho_state "$fns" end
	# The NA releases the hold, the end-marker the new stream.
	wait_for 30 ho_state_is "$tns" idle ||
		{ fail "move $from->$to: the $to is $(handoff_state "$tns")"; return 1; }
	ATTACHED=$((ATTACHED + $(ho_ctr "$tns" released)))
	echo "$from->$to: $("$MHOCTL" -n "$fns" -s binding show match $HOA | tr -s ' \n' ' ') / $("$MHOCTL" -n "$tns" -s binding show match $HOA | tr -s ' \n' ' ')" >>"$TMPD/moves"
	_ho_ctl_do "$from-mho" "binding del match $HOA"
	_ho_ctl_do "$to-mho" "binding del match $HOA"
}

# pp_lost: which packets were lost, when they were sent, and what the
# move around them did.
pp_lost() {
	diag "lost (first-last seq, send time in ms after the first packet):"
	diag "$(awk 'NR == FNR { got[$1] = 1; next }
		FNR == 1 { t0 = $2 }
		!($1 in got) { if (s == "" ) { s = $1; st = $2 } e = $1; et = $2; next }
		s != "" { printf "%d-%d %.1f-%.1f\n", s, e, (st - t0) / 1e6, (et - t0) / 1e6; s = "" }' \
		"$TMPD/recv.log" "$TMPD/send.log" | head -20)"
	diag "the moves (ms after the first packet): $(awk -v t0="$(head -n1 "$TMPD/send.log" | cut -d' ' -f2)" \
		'{ printf "%s %.1f, ", $1, ($2 - t0) / 1e6 }' "$_ho_out/events")"
	diag "the moves' counters: $(cat "$TMPD/moves")"
}

t_pingpong() {
	local i=0 from=par to=nar n=$((PP_RATE * PP_SECONDS)) sender rx
	need_tool "$HO_PROBE" || return
	_ho_out=$TMPD/pingpong _ho_ctl_errors=0 ATTACHED=0
	mkdir -p "$_ho_out"
	handoff_setup && _ho_radio || { fail "topology"; return; }
	_ho_backlog
	# shellcheck disable=SC2086 # words
	x "$MHOCTL" -n "$HO_PAR" limits set $HO_LIMITS &&
	# shellcheck disable=SC2086 # words
	x "$MHOCTL" -n "$HO_NAR" limits set $HO_LIMITS &&
	x "$MHOCTL" -n "$HO_PAR" peer add $HO_NAR_PEER local $HO_PAR_PEER &&
	x "$MHOCTL" -n "$HO_NAR" peer add $HO_PAR_PEER local $HO_NAR_PEER || return
	for ns in "$HO_MN"; do
		ns_sysctl "$ns" net/ipv6/conf/mn0/ndisc_notify=1 net/ipv6/conf/mn1/ndisc_notify=1 \
			net/ipv6/conf/mn0/accept_dad=1 net/ipv6/conf/mn1/accept_dad=1 \
			net/ipv6/conf/mn0/dad_transmits=1 net/ipv6/conf/mn1/dad_transmits=1 \
			net/ipv6/neigh/mn0/retrans_time_ms=100 net/ipv6/neigh/mn1/retrans_time_ms=100 ||
			return
	done
	_ho_clock
	_ho_ctl_start || { fail "the control programs"; return; }
	# The receiver stops when it has them all, or after HO_RECV_IDLE_MS
	# without any.
	HO_RECV_MS=3600000 ho_receive "$n"
	rx=$(_ho_mn_rx)
	ip netns exec "$HO_CN" taskset -c 0 "$HO_PROBE" send -d $HOA -p "$HO_PORT" \
		-r "$PP_RATE" -n "$n" -o "$TMPD/send.log" >"$TMPD/send" 2>&1 &
	sender=$!
	bg_add $sender
	wait_for 30 _ho_mn_rx_above $((rx + 10)) || fail "the stream did not start"
	# Moves for as long as the stream lasts.
	_ho_nap 0.5
	while kill -0 $sender 2>/dev/null; do
		_ho_event "move-$from-$to"
		pp_move $from $to || break
		i=$((i + 1))
		if [ $from = par ]; then from=nar to=par; else from=par to=nar; fi
		_ho_nap 0.2
	done
	wait $sender
	_ho_ctl_stop
	[ "$i" -ge "$PP_MOVES" ] || fail "only $i moves in ${PP_SECONDS}s, want $PP_MOVES"
	expect_eq "failed control commands" "$_ho_ctl_errors" 0
	diag "$i moves, $ATTACHED packets released by NA: $(cat "$TMPD/send")"
	diag "receiver: $(cat "$TMPD/recv")"
	diag "softnet drops: $(_ho_backlog_drops)"
	ho_expect_stream "$n"
	[ "$(ho_received lost)" = 0 ] || pp_lost
	[ "$ATTACHED" -gt 0 ] || fail "no hold was released"
	handoff_teardown
}

# Under MHO_SUBSET (the debug kernel, latest) the ping-pong alone: each of
# its moves is t_attach's (a hold released by the MN's NA, ended by the
# end-marker), with a stream that checks the same losses, order and
# duplicates.
ktap_plan 2 1
full_case "the MN's Neighbor Advertisement releases the nAR's hold" t_attach
run_case "releases by NA in a row, at $PP_RATE packets/s" t_pingpong
ktap_finish
