#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IPsec context re-homing (Documentation/context.rst): the MN's SAs and
# policies move from the pAR to the nAR while traffic flows, in the
# topology of selftests/handoff.sh. The MN (CoA1 2001:db8:a::2, behind
# the pAR) has an ESP tunnel-mode SA pair with the pAR's access address
# 2001:db8:a::1, made with ip xfrm: "dir out" (to the HOA) and "dir fwd"
# (from the HOA) policies on the pAR, "dir out" and "dir in" on the MN.
# After the move the MN is CoA2 2001:db8:b::2 and its AR 2001:db8:b::1.
#
#   a-d) reactive re-homing, AES-GCM and AES-CBC with HMAC-SHA-256, each
#        without and with ESN (ESN starts 256 below 2^32, so that the
#        margin carries the counters across it): a stream both ways
#        before; the pAR exports and deletes the context (its binding
#        buffers); a stream to the HOA is buffered there during the
#        move; the MN moves its own SAs; the pAR forwards, the nAR
#        imports and releases. Every packet arrives, in order, once;
#        the nAR's SAs carry the same keys; its outbound counter is the
#        pAR's plus the margin plus what it sent, and the MN's inbound
#        counter matches it (so do the other direction's); no SA counts
#        a replay, window or integrity failure; nothing is left on the
#        pAR
#   e)   predictive import with an SPI collision: the nAR already uses
#        the MN's inbound SPI for another SA, so the import picks a new
#        one and reports it; nothing is installed until "activate"; the
#        MN's UNA does not release the nAR's hold while the context is
#        pending (the attach event says "hold"), activate does; the MN
#        moves with the reported SPI; traffic flows both ways
#   e2)  bridging: a policy naming the old CoA (a home agent's tunnel to
#        it) gets a copy that keeps it, with the new templates, for the
#        seconds asked (import and move); the bounds are refused; moved
#        back within that time, the MN keeps no stale copy, and XFRM
#        deletes the new one when its time is up
#   f)   "dispose inactive" and "drop": the pAR keeps the context
#        installed nowhere, then drops it
#   f2)  "dispose leaving": the MN's SA to the pAR and the fwd policy
#        (its template optional) stay and take its packets until the
#        handoff ends (state end, drop); a switch-back keeps the SA,
#        replay state and all, and makes the template required again
#   g)   malformed, truncated and inconsistent contexts (mhoctl's file
#        checks, hand-made requests, and a policy the nAR already has,
#        which fails the install half-way) are rejected and leave the
#        nAR's SAD, SPD and binding as they were
#   h)   a context of 26 SAs (several pages) moves whole; without
#        new-coa, to the nAR binding's ncoa
#   i)   files: written 0600, never to a terminal, created before the
#        kernel is asked (a path that cannot be created changes nothing);
#        "show" prints no key
#        unless asked
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../handoff.sh"
. "$(dirname "$0")/../xfrm.sh"

PAR_A=2001:db8:a::1		# the pAR, seen from the MN
NAR_A=2001:db8:b::1		# the nAR, seen from the MN
COA1=2001:db8:a::2
COA2=2001:db8:b::2
CN=2001:db8:1::1
SPI_DOWN=0x2001			# AR -> MN
SPI_UP=0x1001			# MN -> AR
MARGIN=4096			# MHO_CTX_SEQ_MARGIN
GCM_KEY=0x000102030405060708090a0b0c0d0e0f10111213
ENC_KEY=0x202122232425262728292a2b2c2d2e2f
AUTH_KEY=0x303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f
PORT_UP=9910
# How long the ARs hold the MN's packets, and how long a receiver waits.
# Under KASAN, lockdep and kmemleak in TCG the steps of a move take tens
# of seconds, not a fraction of one.
if [ "${MHO_FLAVOUR:-release}" = debug ]; then
	HOLD_MS=180000
	HO_RECV_IDLE_MS=180000
	HO_RECV_MS=400000
else
	HOLD_MS=30000
fi

mho_setup
[ -x "$HO_PROBE" ] || { echo "$HO_PROBE is missing (build selftests/tools)"; exit $KSFT_FAIL; }
FORGE=${MHO_FORGE:-$MHO_SELFTESTS/tools/mho_forge}
[ -x "$NLRAW" ] || { echo "$NLRAW is missing (build selftests/tools)"; exit $KSFT_FAIL; }
# modprobe succeeds for what is built in, too.
for m in xfrm_user esp6 authenc echainiv seqiv gcm; do
	modprobe -q "$m" || skip_all "kernel module $m is not available"
done

ctl() {
	x "$MHOCTL" -n "$@"
}

# ---- SAs ---------------------------------------------------------------------

ALG=() ESN=() START=0

# use_alg gcm|cbc esn|noesn: what sa_add installs. ESN SAs start their
# counters 256 below 2^32, the others at 1000.
use_alg() {
	case $1 in
	gcm) ALG=(aead 'rfc4106(gcm(aes))' $GCM_KEY 128) ;;
	cbc) ALG=(enc 'cbc(aes)' $ENC_KEY auth-trunc 'hmac(sha256)' $AUTH_KEY 128) ;;
	esac
	if [ "$2" = esn ]; then
		START=$((0xffffff00))
		ESN=(flag esn replay-window 128)
	else
		START=1000
		ESN=(replay-window 32)
	fi
}

# sa_add NS SRC DST SPI [ATTR...]: a tunnel-mode ESP SA, both counters at
# START, with more attributes if given.
sa_add() {
	local ns=$1 src=$2 dst=$3 spi=$4
	shift 4
	ipn "$ns" xfrm state add src "$src" dst "$dst" proto esp spi "$spi" \
		reqid 7 mode tunnel "${ALG[@]}" "${ESN[@]}" \
		replay-seq $START replay-oseq $START "$@"
}

# pol_add NS DIR SRCSEL DSTSEL TSRC TDST
pol_add() {
	ipn "$1" xfrm policy add src "$3" dst "$4" dir "$2" \
		tmpl src "$5" dst "$6" proto esp reqid 7 mode tunnel
}

# ipsec_setup: the MN's SA pair and policies, on the MN and the pAR.
ipsec_setup() {
	local ns
	for ns in "$HO_PAR" "$HO_MN"; do
		sa_add "$ns" $PAR_A $COA1 $SPI_DOWN &&
		sa_add "$ns" $COA1 $PAR_A $SPI_UP || return 1
	done
	pol_add "$HO_PAR" out ::/0 $HOA/128 $PAR_A $COA1 &&
	pol_add "$HO_PAR" fwd $HOA/128 ::/0 $COA1 $PAR_A &&
	pol_add "$HO_MN" out $HOA/128 ::/0 $COA1 $PAR_A &&
	pol_add "$HO_MN" in ::/0 $HOA/128 $PAR_A $COA1
}

# ---- topology ------------------------------------------------------------------

# topo: handoff.sh's topology, the routers as peers, a pAR binding with
# the MN's CoA, an nAR binding, the MN's SAs, and the MN's route to the
# CN (via the pAR, from the HOA). The namespaces and links are built
# once (that alone takes over a minute on the debug kernel); each later
# case starts from topo_reset.
TOPO_BUILT=
topo() {
	if [ -z "$TOPO_BUILT" ]; then
		handoff_setup || { fail "topology setup failed"; return 1; }
		ctl "$HO_PAR" limits set max-hold $HOLD_MS max-pkts 4096 &&
		ctl "$HO_NAR" limits set max-hold $HOLD_MS max-pkts 4096 &&
		ctl "$HO_PAR" peer add $HO_NAR_PEER local $HO_PAR_PEER &&
		ctl "$HO_NAR" peer add $HO_PAR_PEER local $HO_NAR_PEER || return 1
		TOPO_BUILT=1
	else
		topo_reset || { fail "topology reset failed"; return 1; }
	fi
	ctl "$HO_PAR" binding add role par hoa $HOA coa $COA1 peer $HO_NAR_PEER &&
	ctl "$HO_NAR" binding add role nar hoa $HOA peer $HO_PAR_PEER || return 1
	x ipsec_setup || return 1
	x ipn "$HO_MN" route replace 2001:db8:1::/64 via $PAR_A dev mn0 src $HOA
}

# topo_reset: back to what handoff_setup and the peers leave: no SA or
# policy anywhere, no binding, the MN on the pAR's link (mn1 down), the
# CN routing the HOA to the pAR. A case that failed half-way may have
# left either binding, or none.
topo_reset() {
	local ns
	for ns in "$HO_MN" "$HO_PAR" "$HO_NAR"; do
		x ipn "$ns" xfrm state flush && x ipn "$ns" xfrm policy flush ||
			return 1
		"$MHOCTL" -n "$ns" binding del match $HOA >/dev/null 2>&1
		[ -z "$("$MHOCTL" -n "$ns" binding show)" ] ||
			{ diag "$ns still has a binding"; return 1; }
	done
	ho_mn_home || { diag "the MN is not back on mn0"; return 1; }
	x ipn "$HO_CN" route replace $HOA via 2001:db8:1::2
}

# ---- traffic -----------------------------------------------------------------

# stream_up COUNT: COUNT packets from the MN's HOA to the CN, all of which
# must arrive, in order, once.
stream_up() {
	local out=$TMPD/up
	ip netns exec "$HO_CN" "$HO_PROBE" recv -p $PORT_UP -n "$1" \
		-t "$HO_RECV_IDLE_MS" -T "$HO_RECV_MS" -l 300 >"$out" 2>&1 &
	local pid=$!
	bg_add $pid
	wait_for 10 _up_ready || { fail "the CN's receiver did not start"; return 1; }
	# On CPU 0, as every sender of the tests: a veth delivers to the
	# sending CPU's backlog, and a sender the scheduler moves between
	# CPUs reorders its own stream (seen on the debug kernel).
	ip netns exec "$HO_MN" taskset -c 0 "$HO_PROBE" send -d $CN -p $PORT_UP \
		-r 1000 -n "$1" >/dev/null || { fail "the MN's sender failed"; return 1; }
	wait $pid 2>/dev/null
	expect_eq "MN to CN" "$(sed -n 's/.*\(received [0-9]* lost [0-9]* duplicates [0-9]* out_of_order [0-9]*\).*/\1/p' "$out")" \
		"received $1 lost 0 duplicates 0 out_of_order 0"
}

_up_ready() {
	nsx "$HO_CN" ss -Hlun "sport = :$PORT_UP" | grep -q .
}

# stream_down COUNT: the same from the CN to the HOA.
stream_down() {
	ho_receive "$1" || return 1
	ho_send "$1" || return 1
	ho_expect_stream "$1"
}

# ---- the move ----------------------------------------------------------------

# mn_move [spi OLD:NEW]: the MN's link moves to the nAR, its SAs follow.
mn_move() {
	x ipn "$HO_MN" link set mn0 down &&
	x ipn "$HO_MN" link set mn1 up &&
	x ipn "$HO_MN" route replace 2001:db8:1::/64 via $NAR_A dev mn1 src $HOA &&
	ctl "$HO_MN" context move coa $COA1 new-coa $COA2 ar $PAR_A new-ar $NAR_A "$@"
}

# mn_announce: the MN's unsolicited Neighbor Advertisement from CoA2 (the
# nAR binding's ncoa), as a real MN sends it once DAD is done
# (ndisc_notify); returns when the nAR's module has reported it
# (MHO_EVENT_ATTACH).
nar_ctl() {
	"$MHOCTL" -n "$HO_NAR" "$@"
}

mn_announce() {
	local mon=$TMPD/nar-events pid
	nar_ctl monitor >"$mon" 2>&1 &
	pid=$!
	bg_add $pid
	monitor_sync nar_ctl "$mon" || return 1
	ctl "$HO_NAR" binding change match $HOA ncoa $COA2 &&
	x ns_sysctl "$HO_MN" net/ipv6/conf/mn1/ndisc_notify=1 \
		net/ipv6/conf/mn1/accept_dad=1 net/ipv6/conf/mn1/dad_transmits=1 \
		net/ipv6/neigh/mn1/retrans_time_ms=100 &&
	x ipn "$HO_MN" addr del $COA2/64 dev mn1 &&
	x ipn "$HO_MN" addr add $COA2/64 dev mn1 || return 1
	wait_for 20 grep -q '^event attach ' "$mon" ||
		{ bg_kill $pid; fail "no attach event at the nAR: $(cat "$mon")"; return 1; }
	bg_kill $pid
	# No DAD or NA when a later case brings mn1 up (its addresses are
	# nodad, as handoff.sh makes them).
	x ns_sysctl "$HO_MN" net/ipv6/conf/mn1/ndisc_notify=0 \
		net/ipv6/conf/mn1/accept_dad=0 || return 1
	expect_eq "the attach event" "$(grep '^event attach ' "$mon")" \
		"event attach binding $(ho_ctr "$HO_NAR" id) state hold"
}

# route_to_nar: the CN's binding update, and the pAR's end-marker.
route_to_nar() {
	x ipn "$HO_CN" route replace $HOA via 2001:db8:2::2 &&
	ctl "$HO_PAR" binding set match $HOA state end
}

# expect_counters DOWN_SPI UP_SPI DOWN0 UP0 DOWN_SENT UP_SENT: the nAR's
# outbound counter is the exported DOWN0 plus the margin plus DOWN_SENT,
# and the MN's inbound one the same; likewise upwards (the MN's margin).
expect_counters() {
	local down=$(($3 + MARGIN + $5)) up=$(($4 + MARGIN + $6))
	expect_eq "the nAR's outbound oseq" "$(sa_ctr "$HO_NAR" $COA2 "$1" oseq)" $down
	expect_eq "the MN's inbound seq" "$(sa_ctr "$HO_MN" $COA2 "$1" seq)" $down
	expect_eq "the MN's outbound oseq" "$(sa_ctr "$HO_MN" $NAR_A "$2" oseq)" $up
	expect_eq "the nAR's inbound seq" "$(sa_ctr "$HO_NAR" $NAR_A "$2" seq)" $up
	local e="replay-window 0 replay 0 failed 0"
	expect_eq "the nAR's outbound SA errors" "$(sa_errors "$HO_NAR" $COA2 "$1")" "$e"
	expect_eq "the nAR's inbound SA errors" "$(sa_errors "$HO_NAR" $NAR_A "$2")" "$e"
	expect_eq "the MN's inbound SA errors" "$(sa_errors "$HO_MN" $COA2 "$1")" "$e"
	expect_eq "the MN's outbound SA errors" "$(sa_errors "$HO_MN" $NAR_A "$2")" "$e"
}

# t_rehome gcm|cbc esn|noesn
t_rehome() {
	local keys_down keys_up d0 u0 mode
	use_alg "$1" "$2"
	topo || return
	stream_down 20 && stream_up 20 || return

	keys_down=$(sa_keys "$HO_PAR" $COA1 $SPI_DOWN)
	keys_up=$(sa_keys "$HO_PAR" $PAR_A $SPI_UP)
	d0=$(sa_ctr "$HO_PAR" $COA1 $SPI_DOWN oseq)
	u0=$(sa_ctr "$HO_MN" $PAR_A $SPI_UP oseq)
	expect_eq "the pAR's outbound oseq before" "$d0" $((START + 20))
	expect_eq "the MN's outbound oseq before" "$u0" $((START + 20))

	# The nAR holds what the pAR will forward; the pAR's export freezes
	# the MN's traffic (the binding buffers) and removes its SAs.
	ctl "$HO_NAR" binding set match $HOA state hold &&
	ctl "$HO_PAR" context export match $HOA dispose delete file "$TMPD/ctx" || return
	mode=$(stat -c %a "$TMPD/ctx")
	expect_eq "the context file's mode" "$mode" 600
	expect_eq "the pAR's binding" "$(handoff_state "$HO_PAR")" buffer
	expect_eq "SAs left on the pAR" "$(n_states "$HO_PAR")" 0
	expect_eq "policies left on the pAR" "$(n_policies "$HO_PAR")" 0

	# 30 packets for the MN while it moves: buffered at the pAR.
	ho_receive 30 || return
	ho_send 30 || return
	wait_for 10 ho_ctr_is "$HO_PAR" queued_pkts 30 ||
		fail "the pAR buffered $(ho_ctr "$HO_PAR" queued_pkts) packets, not 30"
	mn_move || return
	ctl "$HO_PAR" binding set match $HOA state forward || return
	wait_for 10 ho_ctr_is "$HO_NAR" queued_pkts 30 ||
		fail "the nAR holds $(ho_ctr "$HO_NAR" queued_pkts) packets, not 30"
	route_to_nar || return
	xout "installed 2 SAs 2 policies" "$MHOCTL" -n "$HO_NAR" context import \
		match $HOA file "$TMPD/ctx" new-ar $NAR_A new-coa $COA2 || return
	ho_expect_stream 30
	expect_eq "the nAR's outbound keys" "$(sa_keys "$HO_NAR" $COA2 $SPI_DOWN)" "$keys_down"
	expect_eq "the nAR's inbound keys" "$(sa_keys "$HO_NAR" $NAR_A $SPI_UP)" "$keys_up"
	[ -n "$keys_down" ] && [ -n "$keys_up" ] || fail "no keys shown by ip xfrm"

	stream_down 20 && stream_up 20
	expect_counters $SPI_DOWN $SPI_UP "$d0" "$u0" 50 20
	expect_eq "the pAR's policies after the move" "$(n_policies "$HO_PAR")" 0
}

# ---- a datagram split by the move ---------------------------------------------

# mn_snmp FIELD [FILE]: the MN's counter in /proc/net/FILE (snmp6).
mn_snmp() {
	nsx "$HO_MN" awk -v f="$1" '$1 == f { print $2 }' \
		"/proc/net/${2:-snmp6}"
}

# split ID first|rest: the part given of datagram ID (2,000 bytes of UDP
# payload, in fragments of 1,232, to a port nobody listens on) from the
# CN to the HOA.
split() {
	ip netns exec "$HO_CN" taskset -c 0 "$FORGE" -T -I $CN -i $HOA \
		-P 2000 -F 1232 -S "$1" -x "$2" >/dev/null
}

# The first fragment reaches the MN through the pAR's SA; the MN moves;
# the rest comes through the nAR's. The reassembled datagram carries the
# first fragment's SA, which the move deleted: the moved inbound policy
# must still take it (its template names no AR). UDP then finds no
# socket (Udp6NoPorts): it passed the policy check. Before, it counted
# XfrmInTmplMismatch and the datagram was lost. A datagram in the clear
# is still refused.
t_move_split() {
	local r0 n0 m0 pol
	need_tool "$FORGE" || return
	use_alg gcm noesn
	topo || return
	r0=$(mn_snmp Ip6ReasmOKs)
	n0=$(mn_snmp Udp6NoPorts)
	m0=$(mn_snmp XfrmInTmplMismatch xfrm_stat)
	x split 9 first || return
	wait_for 10 eval 'test "$(sa_ctr "$HO_MN" $COA1 $SPI_DOWN seq)" = $((START + 1))' ||
		{ fail "the first fragment did not reach the MN"; return; }
	ctl "$HO_PAR" context export match $HOA dispose delete file "$TMPD/ctx" &&
	mn_move &&
	xout "installed 2 SAs 2 policies" "$MHOCTL" -n "$HO_NAR" context import \
		match $HOA file "$TMPD/ctx" new-ar $NAR_A new-coa $COA2 &&
	x ipn "$HO_CN" route replace $HOA via 2001:db8:2::2 || return
	pol=$(ipn "$HO_MN" xfrm policy list dir in)
	grep -q "tmpl src :: dst $COA2\$" <<<"$pol" ||
		fail "the MN's moved inbound template: $pol"
	grep -q "proto esp reqid 7 mode tunnel" <<<"$pol" ||
		fail "the MN's moved inbound template lost its protocol, reqid or mode: $pol"
	expect_eq "the MN's outbound template" \
		"$(ipn "$HO_MN" xfrm policy list dir out | grep -c "tmpl src $COA2 dst $NAR_A\$")" 1
	x split 9 rest || return
	wait_for 10 eval 'test "$(mn_snmp Ip6ReasmOKs)" = $((r0 + 1))' ||
		fail "the MN reassembled $(($(mn_snmp Ip6ReasmOKs) - r0)) datagrams, not 1"
	wait_for 10 eval 'test "$(mn_snmp Udp6NoPorts)" = $((n0 + 1))' ||
		fail "the datagram did not reach UDP: Udp6NoPorts $(($(mn_snmp Udp6NoPorts) - n0))"
	expect_eq "XfrmInTmplMismatch at the MN" \
		"$(($(mn_snmp XfrmInTmplMismatch xfrm_stat) - m0))" 0
	expect_eq "the nAR's outbound oseq" "$(sa_ctr "$HO_NAR" $COA2 $SPI_DOWN oseq)" \
		$((START + 1 + MARGIN + 1))
	# The template still requires ESP: with the nAR's out policy gone,
	# a datagram in the clear is refused.
	n0=$(mn_snmp Udp6NoPorts)
	x ipn "$HO_NAR" xfrm policy delete src ::/0 dst $HOA/128 dir out &&
	x nsx "$HO_CN" "$FORGE" -T -I $CN -i $HOA -P 100 -S 10 || return
	wait_for 10 eval 'test "$(mn_snmp XfrmInTmplMismatch xfrm_stat)" = $((m0 + 1))' ||
		fail "a datagram in the clear: XfrmInTmplMismatch $(($(mn_snmp XfrmInTmplMismatch xfrm_stat) - m0)), not 1"
	expect_eq "datagrams in the clear that reached UDP" \
		"$(($(mn_snmp Udp6NoPorts) - n0))" 0
	# Moved again (back to the pAR's link), the policy is found and
	# follows, its template still without an AR.
	x ipn "$HO_MN" link set mn1 down && x ipn "$HO_MN" link set mn0 up &&
	xout "moved 2 SAs 2 policies" "$MHOCTL" -n "$HO_MN" context move \
		coa $COA2 new-coa $COA1 ar $NAR_A new-ar $PAR_A || return
	expect_eq "the MN's inbound template after a second move" \
		"$(ipn "$HO_MN" xfrm policy list dir in | grep -c "tmpl src :: dst $COA1\$")" 1
	expect_eq "the MN's outbound template after a second move" \
		"$(ipn "$HO_MN" xfrm policy list dir out | grep -c "tmpl src $COA1 dst $PAR_A\$")" 1
}

# ---- SPI collision, predictive -----------------------------------------------

t_collision() {
	local out new d0 u0 other
	use_alg gcm noesn
	topo || return
	stream_down 10 && stream_up 10 || return
	d0=$(sa_ctr "$HO_PAR" $COA1 $SPI_DOWN oseq)
	u0=$(sa_ctr "$HO_MN" $PAR_A $SPI_UP oseq)
	# Another peer's SA on the nAR uses the MN's inbound SPI.
	x ipn "$HO_NAR" xfrm state add src 2001:db8:99::1 dst $NAR_A \
		proto esp spi $SPI_UP reqid 9 mode tunnel "${ALG[@]}" || return
	other=$(sa_keys "$HO_NAR" $NAR_A $SPI_UP)

	ctl "$HO_NAR" binding set match $HOA state hold &&
	ctl "$HO_PAR" context export match $HOA dispose delete file "$TMPD/ctx" &&
	x "$MHOCTL" -n "$HO_NAR" -j context import match $HOA \
		file "$TMPD/ctx" new-ar $NAR_A new-coa $COA2 mode predictive || return
	new=$(sed -n 's/.*"spi":\[{"old":4097,"new":\([0-9]*\)}\].*/\1/p' <<<"$OUT")
	[ -n "$new" ] || { diag "$OUT"; fail "no SPI change for 0x1001 reported"; return; }
	[ "$new" != 4097 ] || fail "the new SPI is the old one"
	new=$(printf 0x%x "$new")
	diag "the nAR moved SPI $SPI_UP to $new"
	expect_eq "pending SAs" "$(ho_ctr "$HO_NAR" ctx_sas)" 2
	expect_eq "pending policies" "$(ho_ctr "$HO_NAR" ctx_policies)" 2
	expect_eq "SAs installed on the nAR before activate" "$(n_states "$HO_NAR")" 1
	expect_eq "policies installed on the nAR before activate" "$(n_policies "$HO_NAR")" 0

	ho_receive 10 || return
	ho_send 10 || return
	wait_for 10 ho_ctr_is "$HO_PAR" queued_pkts 10 ||
		fail "the pAR buffered $(ho_ctr "$HO_PAR" queued_pkts) packets, not 10"
	mn_move spi "$SPI_UP:$new" || return
	ctl "$HO_PAR" binding set match $HOA state forward &&
	route_to_nar || return
	wait_for 10 ho_ctr_is "$HO_NAR" queued_pkts 10 ||
		fail "the nAR holds $(ho_ctr "$HO_NAR" queued_pkts) packets, not 10"
	# The MN's UNA does not release a hold whose context is pending: its
	# packets would leave before the SAs that protect them.
	mn_announce || return
	expect_eq "the nAR's binding after the UNA" "$(ho_ctr "$HO_NAR" state)" hold
	expect_eq "held at the nAR after the UNA" "$(ho_ctr "$HO_NAR" queued_pkts)" 10
	ctl "$HO_NAR" context activate match $HOA || return
	ho_expect_stream 10
	expect_eq "pending SAs after activate" "$(ho_ctr "$HO_NAR" ctx_sas)" 0
	expect_eq "SAs on the nAR" "$(n_states "$HO_NAR")" 3
	expect_eq "the other peer's SA" "$(sa_keys "$HO_NAR" $NAR_A $SPI_UP)" "$other"
	expect_eq "the other peer's SA's source" \
		"$(sa_show "$HO_NAR" $NAR_A $SPI_UP | sed -n 's/^src \([^ ]*\) .*/\1/p')" 2001:db8:99::1
	stream_down 10 && stream_up 10
	expect_counters $SPI_DOWN "$new" "$d0" "$u0" 20 10
}

# ---- bridging ------------------------------------------------------------------

# Bridging (context.rst, "Bridging"): a policy whose selector names the
# MN's old CoA (here the home agent's tunnel to it, from HA_TUN) gets,
# beside its moved copy, one that keeps the old address, with the new
# templates and the lifetime asked: on the nAR (import) and on the MN
# (move). A policy that names no CoA gets none; out-of-range values are
# refused, with nothing changed. The MN then moves back within that
# lifetime: the stale copy for the address it returns to goes, the
# policy for it has no lifetime, and the new copy (for the address it
# left, 2 s) is deleted by XFRM when its time is up.
HA_TUN=2001:db8:ee::1
t_bridge() {
	local v
	use_alg gcm noesn
	topo || return
	pol_add "$HO_PAR" out $HA_TUN/128 $COA1/128 $PAR_A $COA1 &&
	pol_add "$HO_MN" in $HA_TUN/128 $COA1/128 $PAR_A $COA1 || return
	ctl "$HO_PAR" context export match $HOA dispose delete file "$TMPD/ctx" || return
	for v in 0 601; do
		xerr "integer out of range" "$MHOCTL" -n "$HO_NAR" context import \
			match $HOA file "$TMPD/ctx" new-ar $NAR_A new-coa $COA2 bridge $v
		xerr "integer out of range" "$MHOCTL" -n "$HO_MN" context move \
			coa $COA1 new-coa $COA2 ar $PAR_A new-ar $NAR_A bridge $v
	done
	expect_eq "policies on the nAR after the refusals" "$(n_policies "$HO_NAR")" 0
	expect_eq "policies on the MN after the refusals" "$(n_policies "$HO_MN")" 3
	xout "installed 2 SAs 3 policies 1 bridging" "$MHOCTL" -n "$HO_NAR" context import \
		match $HOA file "$TMPD/ctx" new-ar $NAR_A new-coa $COA2 bridge 600 || return
	xout "moved 2 SAs 3 policies 1 bridging" "$MHOCTL" -n "$HO_MN" context move \
		coa $COA1 new-coa $COA2 ar $PAR_A new-ar $NAR_A bridge 600 || return
	expect_eq "policies on the nAR" "$(n_policies "$HO_NAR")" 4
	expect_eq "policies on the MN" "$(n_policies "$HO_MN")" 4
	bridge_check "$HO_NAR" out $COA2 $COA1 "tmpl src $NAR_A dst $COA2" 600
	bridge_check "$HO_MN" in $COA2 $COA1 "tmpl src :: dst $COA2" 600

	# Back to CoA1 and the pAR, a 2 s bridge for CoA2.
	xout "moved 2 SAs 3 policies 1 bridging" "$MHOCTL" -n "$HO_MN" context move \
		coa $COA2 new-coa $COA1 ar $NAR_A new-ar $PAR_A bridge 2 || return
	wait_for 30 _n_policies_is "$HO_MN" 3 ||
		fail "policies on the MN: $(n_policies "$HO_MN"), not 3"
	[ -z "$(ipn "$HO_MN" xfrm policy list dst $COA2/128)" ] ||
		fail "a policy for CoA2 stayed on the MN"
	v=$(ipn "$HO_MN" -s xfrm policy get src $HA_TUN/128 dst $COA1/128 dir in)
	grep -q "tmpl src :: dst $COA1" <<<"$v" || fail "the MN's policy for CoA1: $v"
	grep -q "expire add: soft 0(sec), hard 0(sec)" <<<"$v" ||
		fail "the MN's policy for CoA1 expires: $v"
}

_n_policies_is() {
	[ "$(n_policies "$1")" = "$2" ]
}

# bridge_check NS DIR NEW OLD TMPL SECS: NS has the moved policy (for
# NEW) and the bridging one (for OLD), both with TMPL; only the latter
# expires, after SECS.
bridge_check() {
	local moved bridge
	moved=$(ipn "$1" -s xfrm policy get src $HA_TUN/128 dst "$3/128" dir "$2")
	bridge=$(ipn "$1" -s xfrm policy get src $HA_TUN/128 dst "$4/128" dir "$2")
	grep -q "$5" <<<"$moved" || fail "$1's moved policy: $moved"
	grep -q "$5" <<<"$bridge" || fail "$1's bridging policy: $bridge"
	grep -q "expire add: soft 0(sec), hard $6(sec)" <<<"$bridge" ||
		fail "$1's bridging policy's lifetime: $bridge"
	grep -q "expire add: soft 0(sec), hard 0(sec)" <<<"$moved" ||
		fail "$1's moved policy's lifetime: $moved"
}

# ---- inactive, drop ------------------------------------------------------------

t_inactive() {
	use_alg cbc noesn
	topo || return
	ctl "$HO_PAR" context export match $HOA dispose inactive file "$TMPD/ctx" || return
	expect_eq "SAs on the pAR" "$(n_states "$HO_PAR")" 0
	expect_eq "policies on the pAR" "$(n_policies "$HO_PAR")" 0
	expect_eq "the pAR's kept SAs" "$(ho_ctr "$HO_PAR" ctx_sas)" 2
	expect_eq "the pAR's kept policies" "$(ho_ctr "$HO_PAR" ctx_policies)" 2
	xerr "already keeps a context" "$MHOCTL" -n "$HO_PAR" context export \
		match $HOA dispose inactive file "$TMPD/ctx2"
	ctl "$HO_PAR" context drop match $HOA
	expect_eq "the pAR's kept SAs after drop" "$(ho_ctr "$HO_PAR" ctx_sas)" 0
	xerr "no pending context" "$MHOCTL" -n "$HO_PAR" context drop match $HOA
	expect_eq "SAs on the pAR after drop" "$(n_states "$HO_PAR")" 0
}

# ---- leaving --------------------------------------------------------------------

# "dispose leaving": the SA to the MN and the out policy go with the
# export; the MN's SA to the pAR stays, the fwd policy with its template
# optional, and they take what the MN still sends; the handoff's end
# (state end), or a drop, deletes them; an activation (switch-back)
# keeps the SA as it is, with the replay state of what came since (not
# the copy's, whose counters carry the margin), and the policy required
# again.
leaving_export() {
	stream_up 10 &&
	ctl "$HO_PAR" context export match $HOA dispose leaving file "$TMPD/ctx" || return 1
	expect_eq "SAs on the pAR" "$(n_states "$HO_PAR")" 1
	[ -n "$(sa_show "$HO_PAR" $PAR_A $SPI_UP)" ] ||
		fail "the MN's SA to the pAR is gone"
	expect_eq "policies on the pAR (fwd/all)" \
		"$(ipn "$HO_PAR" xfrm policy list dir fwd | grep -c '^src ')/$(n_policies "$HO_PAR")" 1/1
	# Its template optional: the MN's packets in the clear may come
	# this way from the nAR after the move.
	expect_eq "optional templates on the pAR" \
		"$(ipn "$HO_PAR" xfrm policy list | grep -c 'level use')" 1
	expect_eq "the pAR's kept SAs" "$(ho_ctr "$HO_PAR" ctx_sas)" 2
	expect_eq "the pAR's kept policies" "$(ho_ctr "$HO_PAR" ctx_policies)" 2
	stream_up 10
}

leaving_end() {
	topo || return
	leaving_export || return
	xerr "already keeps a context" "$MHOCTL" -n "$HO_PAR" context export \
		match $HOA dispose leaving file "$TMPD/ctx2"
	ctl "$HO_PAR" binding set match $HOA state forward &&
	ctl "$HO_PAR" binding set match $HOA state end || return
	expect_eq "SAs on the pAR at the end" "$(n_states "$HO_PAR")" 0
	expect_eq "policies on the pAR at the end" "$(n_policies "$HO_PAR")" 0
	expect_eq "the pAR's kept SAs at the end" "$(ho_ctr "$HO_PAR" ctx_sas)" 2
}

t_leaving() {
	use_alg gcm noesn
	# The debug kernel leaves out the end by state, whose deletion is
	# the drop's (mho_ctx_live_end()): each part costs it a minute.
	[ "${MHO_FLAVOUR:-release}" = debug ] || leaving_end || return
	# Drop: the same.
	topo || return
	leaving_export || return
	ctl "$HO_PAR" context drop match $HOA || return
	expect_eq "SAs on the pAR after drop" "$(n_states "$HO_PAR")" 0
	expect_eq "policies on the pAR after drop" "$(n_policies "$HO_PAR")" 0
	# Switch-back: the SA to the pAR stays, with both streams' packets
	# in its replay state and its outbound counter unused.
	topo || return
	leaving_export || return
	ctl "$HO_PAR" context activate match $HOA || return
	expect_eq "SAs on the pAR after activate" "$(n_states "$HO_PAR")" 2
	expect_eq "policies on the pAR after activate" "$(n_policies "$HO_PAR")" 2
	expect_eq "optional templates on the pAR after activate" \
		"$(ipn "$HO_PAR" xfrm policy list | grep -c 'level use')" 0
	expect_eq "the MN's SA to the pAR: seq" "$(sa_ctr "$HO_PAR" $PAR_A $SPI_UP seq)" $((START + 20))
	expect_eq "the MN's SA to the pAR: oseq" "$(sa_ctr "$HO_PAR" $PAR_A $SPI_UP oseq)" $START
	expect_eq "the pAR's SA to the MN: oseq (the margin)" \
		"$(sa_ctr "$HO_PAR" $COA1 $SPI_DOWN oseq)" $((START + MARGIN))
	expect_eq "the pAR's binding" "$(handoff_state "$HO_PAR")" idle
	stream_up 10 && stream_down 10
}

# ---- bad contexts --------------------------------------------------------------

# nar_state: what must not change on the nAR: its SAD, SPD and binding.
nar_state() {
	ipn "$HO_NAR" xfrm state list
	ipn "$HO_NAR" xfrm policy list
	"$MHOCTL" -n "$HO_NAR" binding show match $HOA
}

# hex FILE / unhex HEX FILE
hex() {
	od -An -v -tx1 "$1" | tr -d ' \n'
}

unhex() {
	local h=$1 out=
	while [ -n "$h" ]; do
		out+="\\x${h:0:2}"
		h=${h:2}
	done
	# shellcheck disable=SC2059 # the format is the data
	printf "$out" >"$2"
}

# le32 N, be32 N: N as 4 little-endian or big-endian bytes, in hex.
le32() {
	printf '%02x%02x%02x%02x' $(($1 & 255)) $(($1 >> 8 & 255)) \
		$(($1 >> 16 & 255)) $(($1 >> 24 & 255))
}

be32() {
	printf '%08x' "$1"
}

# import_bad FILE: mhoctl must refuse FILE ("Error: ...", its own or the
# kernel's), and change nothing.
import_bad() {
	_run "$MHOCTL" -n "$HO_NAR" context import match $HOA file "$1" \
		new-ar $NAR_A new-coa $COA2
	if [ "$RC" != 1 ] || [ -n "$OUT" ] || [ -z "$ERR" ]; then
		_show_run import "$1"
		fail "a bad context was not refused"
	fi
	diag "${1##*/}: $ERR"
}

t_malformed() {
	local good h body before n
	use_alg gcm esn
	topo || return
	# The nAR's hold must outlast every bad request below (dozens of
	# programs, slow in TCG on a loaded machine): ten minutes, for this
	# binding only (topo adds it afresh for the next case).
	ctl "$HO_NAR" binding change match $HOA max-hold 600000 &&
	ctl "$HO_NAR" binding set match $HOA state hold &&
	ctl "$HO_PAR" context export match $HOA dispose keep file "$TMPD/good" || return
	h=$(hex "$TMPD/good")
	body=${h:32}
	n=$(( ${#body} / 2 ))
	before=$(nar_state)

	# The file: magic, version, length (mhoctl checks them).
	unhex "${h:0:$(( ${#h} - 10 ))}" "$TMPD/truncated"
	import_bad "$TMPD/truncated"
	unhex "${h}00" "$TMPD/trailing"
	import_bad "$TMPD/trailing"
	unhex "4e${h:2}" "$TMPD/magic"
	import_bad "$TMPD/magic"
	unhex "${h:0:16}$(be32 1)${h:24}" "$TMPD/version"
	import_bad "$TMPD/version"
	# Version 2's header (little-endian): an older mhoctl's file.
	unhex "${h:0:16}$(le32 2)${h:24}" "$TMPD/version2"
	xerr "context version 2 (host byte order" "$MHOCTL" -n "$HO_NAR" \
		context import match $HOA file "$TMPD/version2" new-ar $NAR_A new-coa $COA2
	# The length, big-endian, is the file's less its 16-octet header.
	expect_eq "the header's length" "$((16#${h:24:8}))" "$n"
	: >"$TMPD/empty"
	import_bad "$TMPD/empty"
	# The records, cut short with a consistent file length: mhoctl's
	# decoder meets a truncated record (the last one, a policy, is
	# longer than 40 octets).
	unhex "${h:0:24}$(be32 $((n - 40)))${body:0:$(( (n - 40) * 2 ))}" "$TMPD/cut"
	import_bad "$TMPD/cut"
	expect_eq "the refusal of a cut context" "$ERR" \
		"Error: \"$TMPD/cut\": a truncated context record"
	# An algorithm this kernel does not know: "gcm(aes)" -> "gcm(xyz)".
	unhex "${h//67636d2861657329/67636d2878797a29}" "$TMPD/alg"
	[ "$(hex "$TMPD/alg")" != "$h" ] || fail "no gcm(aes) in the context"
	xerr "algorithm is unknown" "$MHOCTL" -n "$HO_NAR" context import \
		match $HOA file "$TMPD/alg" new-ar $NAR_A new-coa $COA2
	expect_eq "the nAR after bad files" "$(nar_state)" "$before"

	# Hand-made requests, in the nAR's netns.
	printf '#!/bin/bash\nexec nsenter --net=/run/netns/%s %s "$@"\n' \
		"$HO_NAR" "$NLRAW" >"$TMPD/nlraw"
	chmod +x "$TMPD/nlraw"
	local NLRAW=$TMPD/nlraw
	local b=(a_binding={ binding_a_match=in6:$HOA })
	local c="ctx_a_version=u32:2 ctx_a_ar=in6:$PAR_A ctx_a_coa=in6:$COA1"
	c+=" ctx_a_generation=u64:1"
	# shellcheck disable=SC2086 # words
	{
	nlraw_err 22 "needs its version" CTX_IMPORT "${b[@]}" a_ctx={ \
		ctx_a_ar=in6:$PAR_A ctx_a_coa=in6:$COA1 ctx_a_new_ar=in6:$NAR_A }
	nlraw_err 93 "unsupported context version" CTX_IMPORT "${b[@]}" a_ctx={ \
		ctx_a_version=u32:1 ctx_a_ar=in6:$PAR_A ctx_a_coa=in6:$COA1 \
		ctx_a_new_ar=in6:$NAR_A }
	nlraw_err 22 "needs its generation" CTX_IMPORT "${b[@]}" a_ctx={ \
		ctx_a_version=u32:2 ctx_a_ar=in6:$PAR_A ctx_a_coa=in6:$COA1 \
		ctx_a_new_ar=in6:$NAR_A ctx_a_new_coa=in6:$COA2 }
	nlraw_err 34 "out of range" CTX_IMPORT "${b[@]}" a_ctx={ $c ctx_a_new_ar=in6:$NAR_A \
		ctx_a_generation=u64:0 }
	nlraw_err 22 "new AR's address is required" CTX_IMPORT "${b[@]}" a_ctx={ $c }
	nlraw_err 22 "has no SA" CTX_IMPORT "${b[@]}" a_ctx={ $c ctx_a_new_ar=in6:$NAR_A \
		ctx_a_new_coa=in6:$COA2 }
	nlraw_err 34 "size out of range" CTX_IMPORT "${b[@]}" a_ctx={ $c ctx_a_new_ar=in6:$NAR_A \
		ctx_a_sa={ sa_a_info=fill:10 } }
	nlraw_err 22 "has no info" CTX_IMPORT "${b[@]}" a_ctx={ $c ctx_a_new_ar=in6:$NAR_A \
		ctx_a_new_coa=in6:$COA2 ctx_a_sa={ sa_a_if_id=u32:1 } }
	nlraw_err 22 "read-only" CTX_IMPORT "${b[@]}" a_ctx={ $c ctx_a_new_ar=in6:$NAR_A \
		ctx_a_n_sa=u32:1 }
	nlraw_err 34 "out of range" CTX_IMPORT "${b[@]}" a_ctx={ $c ctx_a_new_ar=in6:$NAR_A \
		ctx_a_mode=u8:7 }
	nlraw_err 34 "out of range" CTX_MOVE a_ctx={ ctx_a_coa=in6:$COA1 ctx_a_new_coa=in6:$COA2 \
		ctx_a_ar=in6:$PAR_A ctx_a_new_ar=in6:$NAR_A ctx_a_spi={ spi_a_old=u32:1 spi_a_new=u32:4097 } }
	}
	expect_eq "the nAR after bad requests" "$(nar_state)" "$before"

	# Inconsistent with the nAR: it already has the context's "dir out"
	# policy. The SAs go in first and must come out again.
	x pol_add "$HO_NAR" out ::/0 $HOA/128 $NAR_A 2001:db8:b::99 || return
	before=$(nar_state)
	xerr "" "$MHOCTL" -n "$HO_NAR" context import match $HOA \
		file "$TMPD/good" new-ar $NAR_A new-coa $COA2
	diag "with a clashing policy: $ERR"
	expect_eq "the nAR after a failed install" "$(nar_state)" "$before"
	expect_eq "the nAR's binding" "$(handoff_state "$HO_NAR")" hold
	# And the good file, once the clash is gone, is accepted.
	x ipn "$HO_NAR" xfrm policy delete src ::/0 dst $HOA/128 dir out &&
	xout "installed 2 SAs 2 policies" "$MHOCTL" -n "$HO_NAR" context import \
		match $HOA file "$TMPD/good" new-ar $NAR_A new-coa $COA2
	# Importing it twice: its generation is refused, before anything is
	# built; even with its SAs and policies gone from the nAR (a replay
	# after the MN has left).
	before=$(nar_state)
	xerr "stale or replayed context" "$MHOCTL" -n "$HO_NAR" context import \
		match $HOA file "$TMPD/good" new-ar $NAR_A new-coa $COA2
	expect_eq "the nAR after a second import" "$(nar_state)" "$before"
	x ipn "$HO_NAR" xfrm policy flush && x ipn "$HO_NAR" xfrm state flush &&
	before=$(nar_state)
	xerr "stale or replayed context" "$MHOCTL" -n "$HO_NAR" context import \
		match $HOA file "$TMPD/good" new-ar $NAR_A new-coa $COA2
	expect_eq "the nAR after a replay" "$(nar_state)" "$before"
	# A later export is accepted; then the earlier one is stale.
	ctl "$HO_PAR" context export match $HOA dispose keep file "$TMPD/later" &&
	xout "installed 2 SAs 2 policies" "$MHOCTL" -n "$HO_NAR" context import \
		match $HOA file "$TMPD/later" new-ar $NAR_A new-coa $COA2
	x ipn "$HO_NAR" xfrm policy flush && x ipn "$HO_NAR" xfrm state flush &&
	xerr "stale or replayed context" "$MHOCTL" -n "$HO_NAR" context import \
		match $HOA file "$TMPD/good" new-ar $NAR_A new-coa $COA2
	expect_eq "SAs on the nAR after a stale import" "$(n_states "$HO_NAR")" 0
	# Unprivileged callers change nothing either.
	_run "${NOBODY[@]}" "$MHOCTL" -n "$HO_NAR" context drop match $HOA
	[ "$RC" = 1 ] && [[ $ERR == *"Operation not permitted"* ]] ||
		{ _show_run drop as nobody; fail "an unprivileged drop was not refused with EPERM"; }
}

# ---- a large context -------------------------------------------------------------

# 13 SA pairs (a rekeyed MN keeps old and new ones for a while): a context
# of several pages, which mhoctl must carry both ways.
t_large() {
	local i
	use_alg gcm noesn
	topo || return
	for ((i = 1; i <= 12; i++)); do
		x sa_add "$HO_PAR" $PAR_A $COA1 $((0x3000 + i)) &&
		x sa_add "$HO_PAR" $COA1 $PAR_A $((0x4000 + i)) || return
	done
	ctl "$HO_NAR" binding set match $HOA state hold &&
	ctl "$HO_PAR" context export match $HOA dispose delete file "$TMPD/large" || return
	i=$(stat -c %s "$TMPD/large")
	[ "$i" -gt 8192 ] || fail "the context is $i bytes, not over two pages"
	# Without new-coa: the nAR binding's ncoa.
	ctl "$HO_NAR" binding change match $HOA ncoa $COA2 &&
	xout "installed 26 SAs 2 policies" "$MHOCTL" -n "$HO_NAR" context import \
		match $HOA file "$TMPD/large" new-ar $NAR_A
	expect_eq "SAs on the nAR" "$(n_states "$HO_NAR")" 26
	expect_eq "SAs to the new CoA" \
		"$(ipn "$HO_NAR" xfrm state list | grep -c "^src $NAR_A dst $COA2\$")" 13
	expect_eq "SAs on the pAR" "$(n_states "$HO_PAR")" 0
}

# ---- what a context does not carry -------------------------------------------

# xfrm_of NS: NS's SAD and SPD, which a refused export or move leaves as
# they were.
xfrm_of() {
	ipn "$1" xfrm state list
	ipn "$1" xfrm policy list
}

# An SA with an output mark or UDP encapsulation would be installed
# without it at the other end: export and move refuse it, and change
# nothing (the pAR's binding is back to idle, no file is left).
t_unsupported() {
	local before what
	use_alg gcm noesn
	topo || return
	for what in "sets an output mark" "uses UDP encapsulation"; do
		case $what in
		*mark) x sa_add "$HO_PAR" $PAR_A $COA1 0x5001 output-mark 7 ;;
		*UDP*) x sa_add "$HO_PAR" $PAR_A $COA1 0x5001 \
			encap espinudp 4500 4500 :: ;;
		esac || return
		before=$(xfrm_of "$HO_PAR")
		xerr "$what" "$MHOCTL" -n "$HO_PAR" context export match $HOA \
			dispose delete file "$TMPD/refused"
		expect_eq "the pAR's SAD and SPD after a refused export" \
			"$(xfrm_of "$HO_PAR")" "$before"
		expect_eq "the pAR's binding after a refused export" \
			"$(handoff_state "$HO_PAR")" idle
		[ ! -e "$TMPD/refused" ] || fail "a refused export left its file"
		x ipn "$HO_PAR" xfrm state del src $PAR_A dst $COA1 proto esp \
			spi 0x5001 || return
	done
	# The MN's side: its SAs, one of them with an output mark.
	x sa_add "$HO_MN" $COA1 $PAR_A 0x5002 output-mark 7 || return
	before=$(xfrm_of "$HO_MN")
	xerr "sets an output mark" "$MHOCTL" -n "$HO_MN" context move \
		coa $COA1 new-coa $COA2 ar $PAR_A new-ar $NAR_A
	expect_eq "the MN's SAD and SPD after a refused move" \
		"$(xfrm_of "$HO_MN")" "$before"
	# Without them, the same export goes through.
	ctl "$HO_PAR" context export match $HOA dispose delete file "$TMPD/ctx" &&
	expect_eq "SAs on the pAR after the export" "$(n_states "$HO_PAR")" 0
}

# ---- files, key output ---------------------------------------------------------

t_files() {
	local shown
	use_alg cbc noesn
	topo || return
	# Not to a terminal: a pty is what script(1) would give; here the
	# console is one.
	if [ -t 0 ] || [ -c /dev/console ]; then
		_run sh -c "exec \"$MHOCTL\" -n $HO_PAR context export match $HOA >/dev/console"
		[ "$RC" = 1 ] && [[ $ERR == *"terminal"* ]] ||
			{ _show_run export to the console; fail "a context went to a terminal"; }
	fi
	# The pAR's outbound policy compresses before it encrypts: show
	# names each template's protocol (IPComp was printed as esp).
	x ipn "$HO_PAR" xfrm policy update src ::/0 dst $HOA/128 dir out \
		tmpl src $PAR_A dst $COA1 proto comp reqid 7 mode transport level use \
		tmpl src $PAR_A dst $COA1 proto esp reqid 7 mode tunnel || return
	ctl "$HO_PAR" binding set match $HOA state idle
	# A file that cannot be created fails before the kernel is asked:
	# the pAR keeps its SAs, and its binding is not frozen.
	_run "$MHOCTL" -n "$HO_PAR" context export match $HOA dispose delete \
		file "$TMPD/no/such/dir/ctx"
	[ "$RC" = 1 ] && [[ $ERR == *"cannot create"* ]] ||
		{ _show_run export to a missing directory; fail "an unwritable file was not refused"; }
	expect_eq "SAs on the pAR after a failed export" "$(n_states "$HO_PAR")" 2
	expect_eq "the pAR's binding after a failed export" "$(handoff_state "$HO_PAR")" idle
	# To stdout when it is a file or pipe; the same bytes as "file".
	x sh -c "\"$MHOCTL\" -n $HO_PAR context export match $HOA file - >\"$TMPD/piped\"" &&
	ctl "$HO_PAR" binding set match $HOA state idle &&
	ctl "$HO_PAR" context export match $HOA file "$TMPD/ctx" || return
	expect_eq "file mode" "$(stat -c %a "$TMPD/ctx")" 600
	[ "$(head -c 7 "$TMPD/ctx")" = "MHOCTX" ] || fail "the file does not start with MHOCTX"
	# Portable: the version (3), big-endian; then the first record, the
	# context's version (type 1, 4 octets, 2), big-endian too.
	expect_eq "the file's version and first record" \
		"$(hex "$TMPD/ctx" | cut -c 17-24,33-48)" "000000030001000400000002"
	shown=$("$MHOCTL" context show file "$TMPD/ctx")
	diag "$shown"
	grep -q "spi 0x00002001" <<<"$shown" || fail "show: no SPI 0x2001"
	grep -Eq "^generation [1-9][0-9]*$" <<<"$shown" || fail "show: no generation"
	grep -q "proto comp mode transport reqid 7 level use" <<<"$shown" ||
		fail "show: no IPComp template"
	grep -q "tmpl.* proto esp mode tunnel reqid 7$" <<<"$shown" ||
		fail "show: no ESP template"
	grep -qi "202122232425\|303132333435" <<<"$shown" && fail "show printed a key"
	shown=$("$MHOCTL" context show file "$TMPD/ctx" keys)
	grep -q "202122232425262728292a2b2c2d2e2f" <<<"$shown" || fail "show keys: no cipher key"
	grep -q "303132333435363738393a3b3c3d3e3f" <<<"$shown" || fail "show keys: no auth key"
	# What the kernel logged must not hold a key either.
	dmesg | grep -qi "202122232425\|303132333435" && fail "a key is in the kernel log"
	return 0
}

# The debug kernel re-homes two of the four algorithm and ESN pairs, which
# between them take every path of the code (AEAD and not, ESN and not):
# each re-homing costs it minutes.
if [ "${MHO_FLAVOUR:-release}" = debug ]; then
	ktap_plan 10
else
	ktap_plan 13
	run_case "reactive re-homing, AES-GCM: traffic continues, counters continue" t_rehome gcm noesn
fi
run_case "reactive re-homing, AES-GCM with ESN across 2^32" t_rehome gcm esn
run_case "reactive re-homing, AES-CBC + HMAC-SHA-256" t_rehome cbc noesn
[ "${MHO_FLAVOUR:-release}" = debug ] ||
	run_case "reactive re-homing, AES-CBC + HMAC-SHA-256 with ESN across 2^32" t_rehome cbc esn
run_case "predictive import, an SPI collision on the nAR: a new SPI, reported and used" t_collision
run_case "a datagram whose first fragment came through the old SA is delivered after the move" t_move_split
run_case "bridging: the old CoA's policies stay for the seconds asked, with the new templates" t_bridge
run_case "dispose inactive keeps the context, drop frees it" t_inactive
run_case "dispose leaving keeps the MN's way in until the handoff ends; a switch-back keeps it as it is" t_leaving
run_case "malformed, truncated and inconsistent contexts change nothing" t_malformed
run_case "a context of 26 SAs, several pages, moves whole, to the binding's ncoa" t_large
run_case "an SA with an output mark or UDP encapsulation is refused, nothing changes" t_unsupported
# The files and what show prints are mhoctl's (the same binary on every
# kernel): the debug kernel leaves them out.
[ "${MHO_FLAVOUR:-release}" = debug ] ||
	run_case "context files are 0600, never on a terminal; show hides keys" t_files
handoff_teardown
ktap_finish
