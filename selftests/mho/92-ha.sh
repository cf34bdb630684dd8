#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mhod as a Mobile IPv6 home agent (RFC 6275, protected as RFC 4877
# says; Documentation/mhod.rst, "Home agent"), on handoff.sh's home agent
# topology (HO_MHOD_HA): mhod on the home agent, both access routers and
# the MN, no mhoctl command after start-up.
#
#   register   at start the MN agent registers its care-of address: its
#              BU (from the care-of address, Home Address option, ESP)
#              makes the module's home agent binding, to that address,
#              with the pAR (the AR of its prefix) as its peer; the BA
#              (ESP, type 2 Routing Header) reaches the agent, status 0,
#              the lifetime granted. Both decoded by tshark on the host.
#              Then what must change nothing: a BU with an old sequence
#              number (BA 135 with the home agent's, counted), a BU
#              without ESP (dropped by the kernel's policy,
#              XfrmInTmplMismatch), a BU with a Home Address option of
#              an address no XFRM state covers (XfrmInNoStates). A new BU is taken. Lifetimes:
#              the agent refreshes before the granted lifetime ends;
#              stopped, its binding expires at the home agent and is
#              deleted from the module
#   udp, tcp   the full path, SRC -> HA -> pAR -> (FMIPv6 predictive
#              handoff, mhod) -> nAR -> MN: on the new link the agent's
#              UNA, then its BU; the home agent moves its binding and its
#              end-marker ends the pAR's forwarding, whose own releases
#              the nAR's new stream. UDP, 3 flows of mixed sizes up
#              to 3,000 octets (fragments): none lost, reordered or
#              duplicated. TCP: 8,000,000 octets arrive whole; the
#              signaling of that run is decoded by tshark
#              on the host
#   reactive   the same in FMIPv6's reactive mode (TCP): the agent's BU
#              after the FBack
#   advice     with BindingRefresh 4 s, the home agent's BA (lifetime
#              40 s) carries a Binding Refresh Advice (decoded by tshark):
#              the agent refreshes every 4 s, not at 30 s. A Mobility
#              Header of an unknown type, to the home agent and to the
#              pAR, is answered with a Binding Error, Status 2 (decoded
#              by tshark); a flood of them with at most SignalingRate
#              (rate-limited, counted); the binding does not change
#   seed 002   B (the MN) leaves unannounced; A (the correspondent,
#              moving too) sends its HoTI, CoTI and BU to B's home
#              address, which the home agent tunnels to B's old care-of
#              address (lost) and keeps; B's agent registers the new
#              one after its reactive handoff, and the home agent's
#              copies reach B: its real BU feeds the module's cache
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../handoff.sh"

mho_setup
command -v "$HO_MHOD" >/dev/null || skip_all "mhod not found"
for m in xfrm_user esp6; do
	modprobe -q "$m" || skip_all "kernel module $m is not available"
done
MH=${MHO_MH:-$MHO_SELFTESTS/tools/mho_mh}

run_stat() {
	tr ' ' '\n' <"$RUN/mhod/$1.stats" | sed -n "/^$2\$/{n;p}"
}

# xstat NS NAME: one counter of the namespace's /proc/net/xfrm_stat.
xstat() {
	ip netns exec "$1" awk -v n="$2" '$1 == n { print $2 }' /proc/net/xfrm_stat
}

# ha_binding: the home agent module's binding of the HOA, "COA PEER", or
# nothing.
ha_binding() {
	local l
	l=$("$MHOCTL" -n "$HO_CN" binding show match $HOA 2>/dev/null) || return 0
	grep -q " role ha" <<<"$l" || return 0
	echo "$(sed -n 's/.* coa \([^ ]*\).*/\1/p' <<<"$l") $(sed -n 's/.* peer \([^ ]*\).*/\1/p' <<<"$l")"
}

_ha_unbound() {
	[ -z "$(ha_binding)" ]
}

_ha_stat_is() {
	[ "$(ho_mhod_stat "$1" "$2")" = "$3" ]
}

t_register() {
	local d=$TMPD/register
	need_tool "$MH" || return
	handoff_setup && ho_mhod_ha_topo || { fail "topology setup failed"; return; }
	if ! _ho_esp_null; then
		diag "no cipher_null: the BU and BA are encrypted, not captured"
	else
		pcap_start "$HO_CN" reg-ha && pcap_start "$HO_MN" reg-mn ||
			fail "no capture"
	fi
	if HO_MHOD_HA=1 HO_MHOD_HA_MAX=12s ho_mhod_start "$d"; then
		RUN=$TMPD/register-run
		register_body
	else
		fail "mhod did not start"
	fi
	ho_mhod_stop || fail "mhod did not stop cleanly"
	if _ho_esp_null; then
		pcap_emit reg-ha "$_HO_BU_HAO&&ipv6.src==2001:db8:a::2" \
			"mip6.mhtype==6&&mip6.ba.status==135" ||
			fail "no capture at the home agent"
		pcap_emit reg-mn "$_HO_BA_RH2&&ipv6.dst==2001:db8:a::2&&mip6.ba.lifetime==3" ||
			fail "no capture at the MN"
	fi
	handoff_teardown
}

register_body() {
	local v seq tmpl states
	diag "$(grep -h 'BU\|BA\|binding' "$TMPD/register/ha.log" | head -5)"
	expect_eq "the home agent's binding" "$(ha_binding)" "2001:db8:a::2 $HO_HA_PAR"
	expect_eq "registrations" "$(ho_mhod_stat ha ha_registered)" 1
	ho_mhodctl mn home | grep -q "^home registered coa 2001:db8:a::2 seq [0-9]* status 0 lifetime 12 " ||
		fail "the agent: $(ho_mhodctl mn home)"
	seq=$(ho_mhodctl mn home | sed -n 's/.* seq \([0-9]*\) .*/\1/p')

	# An old sequence number, in ESP: BA 135 with the last one taken.
	x ho_mhodctl mn register seq $(((seq + 65535) % 65536)) || return
	wait_for 10 _ha_stat_is ha rx_replayed 1 ||
		fail "replayed BUs at the home agent: $(ho_mhod_stat ha rx_replayed)"
	expect_eq "refusals (BA 135)" "$(ho_mhod_stat ha ha_refused)" 1
	expect_eq "the binding after it" "$(ha_binding)" "2001:db8:a::2 $HO_HA_PAR"
	grep -q "BA to $HOA via 2001:db8:a::2: status 135 seq $seq " "$TMPD/register/ha.log" ||
		fail "no BA 135 with the home agent's number"

	# Without ESP (a raw socket: no XFRM), from the care-of address,
	# with its Home Address option: the policy drops it.
	tmpl=$(xstat "$HO_CN" XfrmInTmplMismatch)
	v=$(ho_mhod_stat ha bu)
	x ip netns exec "$HO_MN" "$MH" send -s 2001:db8:a::2 -d $HO_HA -t bu \
		-H $HOA -T $(((seq + 5) % 65536)) || return
	wait_for 5 eval 'test "$(xstat "$HO_CN" XfrmInTmplMismatch)" -gt "$tmpl"' ||
		fail "XfrmInTmplMismatch at the home agent: $(xstat "$HO_CN" XfrmInTmplMismatch), was $tmpl"
	expect_eq "BUs mhod saw" "$(ho_mhod_stat ha bu)" "$v"
	expect_eq "the binding after it" "$(ha_binding)" "2001:db8:a::2 $HO_HA_PAR"
	# A home address no state covers: dropped before anything.
	states=$(xstat "$HO_CN" XfrmInNoStates)
	x ip netns exec "$HO_MN" "$MH" send -s 2001:db8:a::2 -d $HO_HA -t bu \
		-H 2001:db8:ff::99 || return
	wait_for 5 eval 'test "$(xstat "$HO_CN" XfrmInNoStates)" -gt "$states"' ||
		fail "XfrmInNoStates at the home agent: $(xstat "$HO_CN" XfrmInNoStates), was $states"
	expect_eq "BUs mhod saw" "$(ho_mhod_stat ha bu)" "$v"

	# A new registration is taken.
	x ho_mhodctl mn register || return
	wait_for 10 _ha_stat_is ha ha_registered 2 ||
		fail "registrations: $(ho_mhod_stat ha ha_registered)"
	# Refreshed before the 12 s run out (at 9 s), by the agent itself.
	wait_for 20 _ha_stat_is ha ha_registered 3 ||
		fail "no refresh: $(ho_mhod_stat ha ha_registered) registrations"
	expect_eq "the binding" "$(ha_binding)" "2001:db8:a::2 $HO_HA_PAR"
	expect_eq "bindings expired" "$(ho_mhod_stat ha ha_expired)" 0
	# The agent stops: 12 s later the binding is gone.
	# shellcheck disable=SC2154 # handoff.sh's
	kill -TERM "${_ho_mhod_pid[mn]}" && wait "${_ho_mhod_pid[mn]}" ||
		fail "the agent did not exit cleanly"
	unset '_ho_mhod_pid[mn]'
	wait_for 30 _ha_unbound || fail "the binding stayed: $(ha_binding)"
	expect_eq "bindings expired" "$(ho_mhod_stat ha ha_expired)" 1
	for v in kernel_errors rx_malformed rx_unknown_peer rx_wrong_addr; do
		expect_eq "$v at the home agent" "$(ho_mhod_stat ha $v)" 0
	done
}

# What every full run must show: the home agent registered the MN at
# both care-of addresses, behind the AR of each; its end-marker, not
# the MN, ended the pAR's forwarding; nothing refused.
ha_checks() {
	local v
	diag "$(grep -h 'at 2001\|expired\|BA to' "$RUN"/mhod/ha.log | head -6)"
	expect_eq "registrations" "$(run_stat ha ha_registered)" 2
	for v in ha_refused kernel_errors rx_replayed rx_malformed; do
		expect_eq "$v at the home agent" "$(run_stat ha $v)" 0
	done
	for v in par nar mn; do
		expect_eq "kernel errors at $v" "$(run_stat $v kernel_errors)" 0
	done
	expect_eq "BUs the agent sent" "$(run_stat mn bu)" 2
	grep -q "$HOA (mn) at 2001:db8:b::2 behind nar" "$RUN/mhod/ha.log" ||
		fail "no registration at 2001:db8:b::2 behind the nAR"
	grep -q "^cn: binding .* role ha .*coa 2001:db8:b::2" "$RUN/counters" ||
		fail "the home agent's binding: $(grep '^cn:' "$RUN/counters")"
	# (Reactive: what the home agent sent before the FBU went to the old
	# link; the pAR may have nothing left to forward.)
	[ "${HO_MHOD_MOVE:-}" = reactive ] || [ "$(handoff_ctr "$RUN" par forwarded)" -gt 0 ] ||
		fail "the pAR forwarded nothing: the move missed the stream"
	! grep -q "^mn end" "$RUN/mhod/steps" || fail "the MN ended the forwarding itself"
	grep -q "kernel event marker" "$RUN/mhod/nar.log" ||
		diag "the nAR logged no end-marker event"
	grep -q "kernel event marker" "$RUN/mhod/par.log" ||
		fail "the pAR's forwarding was not ended by the home agent's end-marker"
}

# SRC's link at 1,400 octets: what it sends fits the home agent's tunnel
# (40 octets more) on the 1,500-octet links beyond; larger datagrams
# leave SRC in fragments.
src_mtu() {
	ip -n "$HO_SRC" link set to-ha mtu 1400
}

# UDP: 3 flows of mixed sizes up to 3,000 octets (fragments), with no
# capture on the path. A packet socket on a node the stream crosses
# clones each packet it takes (its filter is in userspace), and the MN's
# ip6tnl hands a cloned packet to the backlog but others to its GRO cell
# (gro_cells_receive()), two queues: with the signaling captured, the MN
# reordered the stream after its decapsulation, while its links carried
# it in order (Documentation/mhod.rst, Tests). The TCP run captures it.
t_udp() {
	need_tool "$HO_PROBE" || return
	ho_run udp mhod HO_MHOD_HA=1 HO_FLOWS=3 HO_SIZE=64-3000 \
		HO_HOOK=src_mtu || return
	ho_run_clean
	ha_checks
}

t_tcp() {
	need_tool "$HO_BULK" || return
	ho_run tcp mhod HO_MHOD_HA=1 HO_TRAFFIC=tcp HO_TCP_BYTES=8000000 \
		HO_PCAP=ha || return
	expect_eq short "$(handoff_get "$RUN" short)" 0
	expect_eq bad "$(handoff_get "$RUN" bad)" 0
	expect_eq bytes "$(handoff_get "$RUN" bytes)" 8000000
	expect_eq ctl_errors "$(handoff_get "$RUN" ctl_errors)" 0
	diag "tcp: timeouts $(handoff_get "$RUN" timeouts), retransmitted segments $(handoff_get "$RUN" retrans_segs)"
	ha_checks
}

t_reactive() {
	need_tool "$HO_BULK" || return
	ho_run tcp-reactive mhod HO_MHOD_HA=1 HO_MHOD_MOVE=reactive \
		HO_TRAFFIC=tcp HO_TCP_BYTES=8000000 || return
	expect_eq short "$(handoff_get "$RUN" short)" 0
	expect_eq bad "$(handoff_get "$RUN" bad)" 0
	expect_eq bytes "$(handoff_get "$RUN" bytes)" 8000000
	expect_eq ctl_errors "$(handoff_get "$RUN" ctl_errors)" 0
	HO_MHOD_MOVE=reactive ha_checks
}

t_advice() {
	local d=$TMPD/advice
	need_tool "$MH" || return
	handoff_setup && ho_mhod_ha_topo || { fail "topology setup failed"; return; }
	if _ho_esp_null; then
		pcap_start "$HO_MN" bra-mn || fail "no capture"
	fi
	pcap_start "$HO_SRC" be-src || fail "no capture"
	if HO_MHOD_HA=1 HO_MHOD_HA_MAX=40s HO_MHOD_HA_REFRESH=4s ho_mhod_start "$d"; then
		advice_body
	else
		fail "mhod did not start"
	fi
	ho_mhod_stop || fail "mhod did not stop cleanly"
	if _ho_esp_null; then
		pcap_emit bra-mn "$_HO_BA_RH2&&mip6.ba.lifetime==10&&mip6.bra.interval==1" ||
			fail "no capture at the MN"
	fi
	pcap_emit be-src "mip6.mhtype==7&&mip6.be.status==2&&mip6.be.haddr==::&&ipv6.src==$HO_HA&&ipv6.dst==$A" \
		"mip6.mhtype==7&&mip6.be.status==2&&ipv6.src==$HO_HA_PAR" ||
		fail "no capture at the correspondent"
	handoff_teardown
}

# be_heard FILE FROM: the Binding Errors from FROM the listener printed.
be_heard() {
	awk -v f="$2" -v a=$A '$1 == "type" && $2 == 7 && $4 == f && $6 == a' "$1" | wc -l
}

advice_body() {
	local r v ha par mh=$TMPD/advice.mh pid
	ho_mhodctl mn home | grep -q "^home registered coa 2001:db8:a::2 seq [0-9]* status 0 lifetime 40 ms [0-9]* refresh 4$" ||
		fail "the agent: $(ho_mhodctl mn home)"
	# Three refreshes: 12 s with the advice; without it the first would
	# come 30 s after the registration, the third after 90.
	r=$(ho_mhod_stat ha ha_registered)
	wait_for 30 _ha_stat_is ha ha_registered $((r + 3)) ||
		fail "registrations: $(ho_mhod_stat ha ha_registered), $r before"
	expect_eq "the binding" "$(ha_binding)" "2001:db8:a::2 $HO_HA_PAR"

	# An unknown type (200) from the correspondent to the home agent and
	# to the pAR: a Binding Error each, Status 2, the home address ::.
	ip netns exec "$HO_SRC" "$MH" recv -w 0 >"$mh" 2>&1 &
	pid=$!
	bg_add $pid
	wait_for 5 eval 'test -n "$(ip netns exec "$HO_SRC" ss -Hwa)"' ||
		{ fail "the listener did not start"; return; }
	v=$(ho_mhod_stat ha rx_malformed)
	x ip netns exec "$HO_SRC" "$MH" send -s $A -d $HO_HA -t 200 &&
		x ip netns exec "$HO_SRC" "$MH" send -s $A -d $HO_HA_PAR -t 200 || return
	wait_for 10 eval 'test "$(be_heard "$mh" $HO_HA_PAR)" = 1' ||
		fail "Binding Errors from the pAR: $(be_heard "$mh" $HO_HA_PAR)"
	expect_eq "Binding Errors from the home agent" "$(be_heard "$mh" $HO_HA)" 1
	expect_eq "be_sent at the home agent" "$(ho_mhod_stat ha be_sent)" 1
	expect_eq "be_sent at the pAR" "$(ho_mhod_stat par be_sent)" 1
	expect_eq "rx_malformed at the home agent" "$(ho_mhod_stat ha rx_malformed)" $((v + 1))
	# A flood of 40: every one counted, at most SignalingRate (10 at
	# once, then 10 a second) answered.
	x ip netns exec "$HO_SRC" "$MH" send -s $A -d $HO_HA -t 200 -n 40 || return
	wait_for 10 eval 'test "$(ho_mhod_stat ha rx_malformed)" = $((v + 41))' ||
		fail "rx_malformed at the home agent: $(ho_mhod_stat ha rx_malformed), $v before"
	sleep 0.5
	ha=$(ho_mhod_stat ha be_sent)
	diag "of 40 at once: $((ha - 1)) Binding Errors, $(ho_mhod_stat ha rx_rate_limited) over SignalingRate"
	[ "$ha" -ge 5 ] && [ "$ha" -le 21 ] || fail "be_sent $ha after a flood of 40"
	expect_eq "rate-limited at the home agent" "$(ho_mhod_stat ha rx_rate_limited)" $((41 - ha))
	expect_eq "Binding Errors heard" "$(be_heard "$mh" $HO_HA)" "$ha"
	bg_kill $pid
	par=$(ho_mhod_stat par be_sent)
	expect_eq "be_sent at the pAR after the flood" "$par" 1
	expect_eq "the binding after them" "$(ha_binding)" "2001:db8:a::2 $HO_HA_PAR"
	for v in kernel_errors rx_unknown_peer rx_wrong_addr rx_replayed ha_refused; do
		expect_eq "$v at the home agent" "$(ho_mhod_stat ha $v)" 0
	done
}

# Seed 002, simultaneous mobility, fed by a real BU: B (the MN) leaves
# its link unannounced; A, the correspondent (moving too), sends its
# HoTI, CoTI and BU to B's home address; the home agent tunnels them to
# B's old care-of address, where they are lost, and keeps copies. B
# arrives on its new link (reactive FMIPv6: UNA, FBU through the nAR,
# FBack), and its agent's BU moves the home agent's binding: the copies
# go to the new care-of address, and B's listener gets all three.
A=2001:db8:c::2
t_seed002() {
	local d=$TMPD/seed002 mh=$TMPD/seed002.mh pid
	need_tool "$MH" || return
	handoff_setup && ho_mhod_ha_topo || { fail "topology setup failed"; return; }
	# (Before start-up: the copies last 20 s.)
	x "$MHOCTL" -n "$HO_CN" limits set cache-ms 20000 || return
	if HO_MHOD_HA=1 ho_mhod_start "$d"; then
		ip netns exec "$HO_MN" "$MH" recv -w 0 >"$mh" 2>&1 &
		pid=$!
		bg_add $pid
		seed002_body "$mh"
		bg_kill $pid
	else
		fail "mhod did not start"
	fi
	ho_mhod_stop || fail "mhod did not stop cleanly"
	handoff_teardown
}

# heard FILE: "TYPE TAG" for each message from A to B's home address.
heard() {
	awk -v a=$A -v h=$HOA '$1 == "type" && $4 == a && $6 == h { print $2, $8 }' "$1"
}

_heard_all() {
	[ "$(heard "$1" | wc -l)" -ge 3 ]
}


seed002_body() {
	local mh=$1 t n=0
	# (Its link loses everything both ways; its addresses stay.)
	x tc -n "$HO_PAR" qdisc add dev to-mn root netem loss 100% &&
		x tc -n "$HO_MN" qdisc add dev mn0 root netem loss 100% || return
	for t in hoti coti bu; do
		n=$((n + 1))
		x ip netns exec "$HO_SRC" "$MH" send -s $A -d $HOA -t $t -T $((700 + n)) || return
	done
	wait_for 10 ho_ctr_is "$HO_CN" cached 3 ||
		fail "the home agent's copies: $("$MHOCTL" -n "$HO_CN" -s binding show match $HOA)"
	expect_eq "what B heard while away" "$(heard "$mh")" ""
	x ip -n "$HO_MN" link set mn1 up &&
		x ip -n "$HO_MN" route replace default via 2001:db8:b::1 dev mn1 || return
	x ho_mhodctl mn reactive || return
	wait_for 30 _ho_mhod_registered 2001:db8:b::2 ||
		{ fail "no registration at the new address: $(ho_mhodctl mn home)"; return; }
	wait_for 20 _heard_all "$mh" || fail "B heard: $(heard "$mh" | tr '\n' ' ')"
	expect_eq "what B heard" "$(heard "$mh" | sort | tr '\n' ' ')" "1 701 2 702 5 703 "
	diag "home agent: $("$MHOCTL" -n "$HO_CN" -s binding show match $HOA | tr '\n' ' ')"
	ho_expect_ctr "$HO_CN" reforwarded 3
	expect_eq "registrations at the home agent" "$(ho_mhod_stat ha ha_registered)" 2
}

ktap_plan 6
run_case "register, refusals, refresh, expiry" t_register
run_case "Binding Refresh Advice; Binding Errors for unknown types, rate-limited" t_advice
run_case "UDP through the home agent, predictive" t_udp
run_case "TCP through the home agent, predictive" t_tcp
run_case "TCP through the home agent, reactive" t_reactive
run_case "seed 002: A's HoTI, CoTI and BU reach B after B's own BU" t_seed002
ktap_finish
