#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The home agent role (seed 002), on the topology of selftests/handoff.sh
# with its home agent part (ho_home_setup): the CN's namespace is the MN's
# home agent, SRC is the correspondent ("A" of the seed), the MN ("B")
# decapsulates with an ip6tnl device.
#
#   tunnel     packets for the home address go to the care-of address
#              through the tunnel; without one, they pass
#   seed 002   A's Binding Update, Home Test Init and Care-of Test Init
#              reach B's home agent while B's binding still points at its
#              old address, B having left it; B registers its new one: the
#              home agent re-forwards them and B's listener gets them.
#              Without the cache (cache-ms 0), B gets nothing
#   expiry     a copy older than T_b is not re-forwarded, and is freed
#   limits     cache-pkts and cache-total bound the copies
#   malformed  Mobility Headers that lie about their length, truncated
#              extension headers, a fragment: passed on untouched, counted,
#              never kept
#   marker     the end-marker the home agent sends down the old path on a
#              binding update ends a pAR's forwarding, and one that comes
#              while the pAR buffers ends it as soon as it forwards
#   full path  CN -> HA -> pAR -> (handoff) -> nAR -> MN, ended by the home
#              agent's end-marker: nothing lost, reordered or duplicated
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../handoff.sh"

MH=${MHO_MH:-$MHO_SELFTESTS/tools/mho_mh}
A=2001:db8:c::2		# the correspondent, in SRC

mho_setup
# On the debug kernel, under emulation, the steps of a case take tens of
# seconds: receivers wait longer for their first packet.
if [ "${MHO_FLAVOUR:-release}" = debug ]; then
	HO_RECV_IDLE_MS=180000
	HO_RECV_MS=400000
fi

HA() {
	"$MHOCTL" -n "$HO_CN" "$@"
}

# One topology for every case but the last (building it takes a minute
# on the debug kernel): topo builds it the first time, and after that
# puts it back as it was: no mho objects, default limits, B at CoA1.
TOPO=0

topo() {
	local ns
	if [ "$TOPO" = 0 ]; then
		handoff_setup && ho_home_setup || { fail "topology setup failed"; return 1; }
		TOPO=1
		return 0
	fi
	bg_kill "${LISTENER:-}"
	for ns in "$HO_CN" "$HO_PAR" "$HO_NAR"; do
		ho_clear "$ns" &&
		"$MHOCTL" -n "$ns" limits set max-hold 2000 cache-ms 1000 \
			cache-pkts 16 cache-total 4096 ||
			{ fail "cannot reset $ns"; return 1; }
	done
	ho_mn_home || { fail "mn0 did not come back"; return 1; }
}

# home_topo [CACHE_MS]: topo, and B's binding at the home agent, at CoA1
# (cache-ms CACHE_MS, if given).
home_topo() {
	topo || return 1
	x HA binding add role ha hoa $HOA coa $HO_COA1 ${1:+cache-ms $1}
}

_raw_ready() {
	[ -n "$(nsx "$HO_MN" ss -Hwa)" ]
}

# listen: B's Mobility Header listener, in the background, to $TMPD/mh.
listen() {
	ip netns exec "$HO_MN" "$MH" recv -w 0 >"$TMPD/mh" 2>&1 &
	LISTENER=$!
	bg_add $LISTENER
	wait_for 5 _raw_ready || { fail "the listener did not start"; return 1; }
}

# heard: what the listener got so far, "TYPE TAG" per message from A to
# the home address; anything else is shown as it is.
heard() {
	awk -v a=$A -v h=$HOA '
		$1 == "type" && $4 == a && $6 == h { print $2, $8; next }
		$1 != "received" { print }' "$TMPD/mh"
}

# send ARGS...: mho_mh send from A to B's home address.
send() {
	x nsx "$HO_SRC" "$MH" send -s $A -d $HOA "$@"
}

# away: B leaves CoA1 (its link to the pAR goes down).
away() {
	x ip -n "$HO_MN" link set mn0 down
}

# arrive: B is at CoA2 and registers it with its home agent.
arrive() {
	x ip -n "$HO_MN" link set mn1 up &&
	x HA binding set match $HOA coa $HO_COA2
}

ha_ctr() {
	ho_ctr "$HO_CN" "$@"
}

ha_expect() {
	ho_expect_ctr "$HO_CN" "$@"
}

ha0_rx() {
	ip netns exec "$HO_MN" cat /sys/class/net/ha0/statistics/rx_packets
}

# stream N DST TUNNELLED HA0_RX: N probe packets from SRC to DST all
# arrive, in order; then the home agent has tunnelled TUNNELLED packets
# in all, and the MN's ha0 received HA0_RX.
stream() {
	ho_receive "$1" || return
	x ip netns exec "$HO_SRC" taskset -c 0 "$HO_PROBE" send -d "$2" \
		-p "$HO_PORT" -r 1000 -n "$1"
	ho_expect_stream "$1"
	ha_expect home_tunnelled "$3"
	expect_eq "ha0 rx" "$(ha0_rx)" "$4"
}

t_tunnel() {
	need_tool "$HO_PROBE" || return
	topo || return
	# No care-of address: the MN is home, packets are routed as usual.
	x HA binding add role ha hoa $HOA
	stream 100 $HOA 0 0
	# With one, through the tunnel.
	x HA binding set match $HOA coa $HO_COA1
	stream 100 $HOA 100 100
	# Packets for the care-of address itself are not tunnelled again.
	stream 10 $HO_COA1 100 100
}

# seed002: the seed's scenario, on home_topo.
seed002() {
	listen || return
	away || return
	send -t bu -T 2 && send -t hoti -T 3 && send -t coti -T 4 || return
	# They went to CoA1, which B has left.
	settle "home-tunnelled" 3 ha_ctr home_tunnelled
	arrive || return
}

t_seed002() {
	local mon=$TMPD/mon
	need_tool "$MH" || return
	home_topo 600000 || return
	HA monitor >>"$mon" 2>&1 &
	MON=$!
	bg_add $MON
	monitor_sync HA "$mon" || return
	seed002 || return
	settle "what B heard" "5 2
1 3
2 4" heard
	ha_expect cached 3
	ha_expect reforwarded 3
	ha_expect cached_pkts 3
	ha_expect drop_error 0
	expect_eq "stats cached-pkts" "$(ho_stat "$HO_CN" cached_pkts)" 3
	wait_for 5 grep -q "^event reforward " "$mon"
	expect_eq "reforward event" "$(grep "^event reforward" "$mon")" \
		"event reforward binding $(ha_ctr id) state idle count 3"
	# Moves within T_b get them again: two more changes, six more.
	x HA binding set match $HOA coa $HO_COA1 &&
		x HA binding set match $HOA coa $HO_COA2
	settle "reforwarded" 9 ha_ctr reforwarded
	bg_kill "$MON"
}

t_seed002_without() {
	need_tool "$MH" || return
	home_topo || return
	x HA limits set cache-ms 0 || return
	seed002 || return
	sleep 1
	expect_eq "what B heard" "$(heard)" ""
	ha_expect cached 0
	ha_expect reforwarded 0
}

t_expiry() {
	need_tool "$MH" || return
	home_topo 300 || return
	listen || return
	away || return
	send -t bu -T 5 || return
	ha_expect cached 1
	wait_for 30 ho_ctr_is "$HO_CN" cached_pkts 0 ||
		fail "the copy was not freed after T_b"
	ha_expect cache_expired 1
	expect_eq "stats cached-pkts" "$(ho_stat "$HO_CN" cached_pkts)" 0
	arrive || return
	sleep 1
	ha_expect reforwarded 0
	expect_eq "what B heard" "$(heard)" ""
}

t_limits() {
	local mon=$TMPD/mon-limits
	need_tool "$MH" || return
	home_topo 600000 || return
	x HA limits set cache-pkts 4 || return
	HA monitor >>"$mon" 2>&1 &
	MON=$!
	bg_add $MON
	monitor_sync HA "$mon" || return
	listen || return
	away || return
	send -t bu -T 1 -n 10 || return
	ha_expect cached 4
	ha_expect cache_full 6
	ha_expect cached_pkts 4
	wait_for 5 grep -q "^event cache-full" "$mon"
	expect_eq "cache-full events" "$(grep -c "^event cache-full" "$mon")" 1
	arrive || return
	settle "what B heard" "5 1
5 2
5 3
5 4" heard
	# The netns-wide limit: a second binding finds it full.
	x HA limits set cache-pkts 16 cache-total 6 cache-ms 600000 &&
		x HA binding add role ha hoa 2001:db8:ff::2 || return
	x nsx "$HO_SRC" "$MH" send -s $A -d 2001:db8:ff::2 -t bu -n 3
	ho_expect_ctr "$HO_CN" cached 2 2001:db8:ff::2
	ho_expect_ctr "$HO_CN" cache_full 1 2001:db8:ff::2
	expect_eq "stats cached-pkts" "$(ho_stat "$HO_CN" cached_pkts)" 6
	# Deleting the bindings frees their copies.
	x HA binding del match 2001:db8:ff::2 && x HA binding del match $HOA
	expect_eq "stats cached-pkts" "$(ho_stat "$HO_CN" cached_pkts)" 0
	bg_kill "$MON"
}

t_malformed() {
	local m n=0
	need_tool "$MH" || return
	home_topo 600000 || return
	for m in short hdrlen proto tiny exthdr frag; do
		send -t bu -m "$m" || return
		n=$((n + 1))
		ha_expect mh_malformed $n
	done
	ha_expect cached 0
	ha_expect home_tunnelled 6
	# Other Mobility Header types pass, neither kept nor malformed.
	send -t 6 && send -t 3 || return
	ha_expect home_tunnelled 8
	ha_expect cached 0
	ha_expect mh_malformed 6
	# And the home agent still keeps what it should.
	send -t bu || return
	ha_expect cached 1
}

# The home agent's end-marker, at the control level: the pAR buffers,
# the home agent switches, the pAR forwards and ends at once.
t_marker_buffer() {
	need_tool "$HO_PROBE" || return
	topo || return
	# The holds must outlast the case's twenty-odd steps, which on the
	# debug kernel took more than 30 s: the longest mho allows.
	x "$MHOCTL" -n "$HO_PAR" limits set max-hold 600000 &&
	x "$MHOCTL" -n "$HO_NAR" limits set max-hold 600000 &&
	x "$MHOCTL" -n "$HO_PAR" peer add $HO_NAR_PEER local $HO_PAR_PEER &&
	x "$MHOCTL" -n "$HO_PAR" peer add $HO_HA &&
	x "$MHOCTL" -n "$HO_NAR" peer add $HO_PAR_PEER local $HO_NAR_PEER &&
	x "$MHOCTL" -n "$HO_PAR" binding add role par coa $HO_COA1 peer $HO_NAR_PEER &&
	x "$MHOCTL" -n "$HO_NAR" binding add role nar coa $HO_COA1 ncoa $HO_COA2 \
		peer $HO_PAR_PEER marker-wait 600000 state hold &&
	x HA peer add $HO_HA_PAR local $HO_HA &&
	x HA binding add role ha hoa $HOA coa $HO_COA1 peer $HO_HA_PAR || return
	ho_receive 20 || return
	x "$MHOCTL" -n "$HO_PAR" binding set match $HO_COA1 state buffer
	x ip netns exec "$HO_SRC" taskset -c 0 "$HO_PROBE" send -d $HOA \
		-p "$HO_PORT" -r 1000 -n 20
	settle "held at the pAR" 20 ho_ctr "$HO_PAR" queued_pkts $HO_COA1
	# The binding update: the end-marker reaches the pAR, which buffers.
	x ip -n "$HO_MN" link set mn0 down && x ip -n "$HO_MN" link set mn1 up
	x HA binding set match $HOA coa $HO_COA2 peer ::
	wait_for 10 ho_ctr_is "$HO_PAR" markers_rx 1 $HO_COA1 ||
		fail "no end-marker at the pAR"
	ha_expect markers_tx 1
	expect_eq "pAR state" "$("$MHOCTL" -n "$HO_PAR" -j binding show match $HO_COA1 |
		sed -n 's/.*"state":"\([a-z]*\)".*/\1/p')" buffer
	# Forwarding ends as soon as it begins: the pAR's own marker follows
	# the 20 packets, and the nAR releases both streams.
	x "$MHOCTL" -n "$HO_PAR" binding set match $HO_COA1 state forward
	wait_for 10 ho_ctr_is "$HO_NAR" markers_rx 1 $HO_COA1 ||
		fail "no end-marker at the nAR"
	ho_expect_ctr "$HO_PAR" forwarded 20 $HO_COA1
	ho_expect_ctr "$HO_PAR" markers_tx 1 $HO_COA1
	x "$MHOCTL" -n "$HO_NAR" binding set match $HO_COA1 state release
	ho_expect_stream 20
	wait_for 10 ho_state_is_addr "$HO_NAR" idle $HO_COA1 ||
		fail "the nAR did not release the new stream"
}

ho_state_is_addr() {
	[ "$("$MHOCTL" -n "$1" -j binding show match "$3" |
		sed -n 's/.*"state":"\([a-z]*\)".*/\1/p')" = "$2" ]
}

t_full_path() {
	local run=$TMPD/ha v
	need_tool "$HO_PROBE" || return
	# handoff_run builds its own.
	handoff_teardown
	handoff_run ha "$run" || { fail "the run failed"; return; }
	for v in lost out_of_order duplicates ctl_errors send_errors; do
		expect_eq "$v" "$(handoff_get "$run" "$v")" 0
	done
	expect_eq received "$(handoff_get "$run" received)" "$HO_COUNT"
	# The home agent tunnelled every packet and sent one end-marker; the
	# pAR got it and sent its own; the nAR got that.
	grep -q "^cn: binding .* role ha " "$run/counters" &&
		grep -q " markers-tx 1 markers-rx 0 frag-followed [0-9]*$" "$run/counters" &&
		grep -q "home-tunnelled $HO_COUNT " "$run/counters" ||
		fail "home agent: $(cat "$run/counters")"
	grep -q " forwarded [1-9][0-9]* .* markers-tx 1 markers-rx 1 frag-followed [0-9]*$" "$run/counters" ||
		fail "pAR: $(cat "$run/counters")"
	grep -q " forwarded 0 .* markers-tx 0 markers-rx 1 frag-followed [0-9]*$" "$run/counters" ||
		fail "nAR: $(cat "$run/counters")"
	! grep -Eq "drop-[a-z]+ [1-9]" "$run/counters" ||
		fail "drops: $(cat "$run/counters")"
}

# Under MHO_SUBSET (the debug kernel, latest) the control without the cache
# is left out (full_case): with cache-ms 0 the home agent only tunnels,
# which t_tunnel does. So is the full path (3 minutes on the debug
# kernel): its module paths are t_tunnel's (the home agent's tunnel),
# t_marker_buffer's (its end-marker at the pAR, which ends the pAR's
# forwarding through mho_end(), as "state end" does in 70-handoff and
# 71-queue) and 70-handoff's (the pAR's forwarding, the nAR's hold and
# ordered release); 6.1 runs it, and 92-ha the same path driven by mhod.
ktap_plan 8 2
run_case "tunnelling to the care-of address" t_tunnel
run_case "seed 002: the home agent re-forwards A's signalling to B" t_seed002
full_case "seed 002 without the cache: B does not get it" t_seed002_without
run_case "a copy older than T_b is freed, not re-forwarded" t_expiry
run_case "cache-pkts and cache-total bound the copies" t_limits
run_case "malformed Mobility Headers pass untouched" t_malformed
run_case "the home agent's end-marker ends a buffering pAR" t_marker_buffer
full_case "CN -> HA -> pAR -> nAR -> MN, ended by the home agent" t_full_path
ktap_finish
