#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Pre-authentication (PreAuthentication = fmipv6; Documentation/mhod.rst,
# Pre-authentication): the MN's predictive FBU carries its X25519 value,
# nonce and SPI; the pAR relays them to the nAR in the HI; the nAR
# answers in the HAck, which the pAR relays in the FBack. The nAR and
# the MN then hold ESP SAs and policies for the Mobility Header between
# the NCoA and the nAR, and the BADF key of the MN's next FBUs, which no
# configuration gave them: the MN's first FBU from the new link is
# protected and accepted at once, with no further key exchange.
#
# A stream across the handoff (UDP of mixed sizes up to 1500 octets,
# captured and decoded by tshark on the host) loses, reorders and
# duplicates nothing with the larger messages. Then, without a stream:
# the MN moves back to the pAR's link through the nAR, whose only keys for
# it are the pre-authentication's; an FBU without ESP from the NCoA is
# dropped by the nAR's kernel and changes nothing; and what stopping the
# daemons leaves (no pre-authentication SA or policy anywhere).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../handoff.sh"

mho_setup
command -v "$HO_MHOD" >/dev/null || skip_all "mhod not found"
HO_MHOD_PREAUTH=1
PAR_AP=02:00:00:00:0a:01	# the pAR's access link, as the MN hears it
NAR_CORE=2001:db8:12::2		# the nAR's address in its PrRtAdv
NCOA=2001:db8:b::2
BACK=2001:db8:a::5		# the MN's address on the pAR's link, back

# The counters of a run's daemon (handoff_run leaves them in the run).
run_stat() {
	tr ' ' '\n' <"$RUN/mhod/$1.stats" | sed -n "/^$2\$/{n;p}"
}

topo() {
	handoff_setup || { fail "topology setup failed"; return 1; }
	# shellcheck disable=SC2086 # words
	x "$MHOCTL" -n "$HO_PAR" limits set $HO_LIMITS &&
	# shellcheck disable=SC2086 # words
	x "$MHOCTL" -n "$HO_NAR" limits set $HO_LIMITS
}

# xfrm_stat NS NAME: one of the kernel's IPsec counters in NS.
xfrm_stat() {
	ip netns exec "$1" awk -v n="$2" '$1 == n { print $2 }' /proc/net/xfrm_stat
}

# pa_packets NS SPI: the packets the SA with that SPI has carried.
pa_packets() {
	ip -n "$1" -s xfrm state | awk -v spi="$2" '
		/^src / { cur = 0 }
		$0 ~ "spi " spi "[ (]" { cur = 1 }
		cur && /^[ \t]*[0-9]+\(bytes\), [0-9]+\(packets\)/ {
			sub(/.*, /, ""); sub(/\(packets\).*/, ""); print; exit
		}'
}

# pa_spi NS DST: the SPI of the pre-authentication SA towards DST in NS.
pa_spi() {
	ip -n "$1" xfrm state list dst "$2" proto esp |
		awk '/reqid 28008 / { for (i = 1; i < NF; i++) if ($i == "spi") print $(i + 1) }' |
		head -n 1
}

# No pre-authentication SA or policy left in any namespace (the counts
# ho_mhod_stop took after each daemon stopped).
none_left() {
	local name
	for name in par nar mn; do
		expect_eq "pre-authentication SAs and policies left at $name" \
			"$(cat "$1/$name.pa-after")" "0 0"
	done
}

t_udp() {
	need_tool "$HO_PROBE" || return
	ho_run udp-preauth mhod HO_SIZE=64-1452 HO_PCAP=udp-preauth || return
	ho_run_clean
	grep -q "^mn handoff .*: ok status 0 .* preauth ok" "$RUN/mhod/steps" ||
		fail "the MN's handoff did not pre-authenticate: $(cat "$RUN/mhod/steps")"
	expect_eq "pre-authentications at the MN" "$(run_stat mn preauth_ok)" 1
	expect_eq "pre-authentications at the nAR" "$(run_stat nar preauth_ok)" 1
	expect_eq "failed ones" "$(($(run_stat mn preauth_failed) + $(run_stat par preauth_failed) + $(run_stat nar preauth_failed)))" 0
	expect_eq "handoffs at the MN" "$(run_stat mn handoffs_ok)" 1
	expect_eq "rejected at the pAR" \
		"$(($(run_stat par rx_bad_auth) + $(run_stat par rx_malformed) + $(run_stat par rx_replayed)))" 0
	expect_eq "kernel errors at the nAR" "$(run_stat nar kernel_errors)" 0
	# Two SAs and two policies each while the daemons ran.
	expect_eq "the nAR's pre-authentication" "$(cat "$RUN/mhod/nar.pa-before")" "2 2"
	expect_eq "the MN's pre-authentication" "$(cat "$RUN/mhod/mn.pa-before")" "2 2"
	expect_eq "the pAR's" "$(cat "$RUN/mhod/par.pa-before")" "0 0"
	none_left "$RUN/mhod"
	[ "$(handoff_ctr "$RUN" nar released)" -gt 0 ] ||
		fail "the nAR released nothing: the move missed the stream"
}

# A TCP transfer across a pre-authenticated handoff arrives whole.
t_tcp() {
	need_tool "$HO_BULK" || return
	ho_run tcp-preauth mhod HO_TRAFFIC=tcp HO_TCP_BYTES=16000000 || return
	expect_eq short "$(handoff_get "$RUN" short)" 0
	expect_eq bad "$(handoff_get "$RUN" bad)" 0
	expect_eq bytes "$(handoff_get "$RUN" bytes)" 16000000
	expect_eq ctl_errors "$(handoff_get "$RUN" ctl_errors)" 0
	diag "tcp: timeouts $(handoff_get "$RUN" timeouts), retransmitted segments $(handoff_get "$RUN" retrans_segs)"
	expect_eq "pre-authentications: MN, nAR" "$(run_stat mn preauth_ok) $(run_stat nar preauth_ok)" "1 1"
	none_left "$RUN/mhod"
}

# The handoff to the nAR with pre-authentication; the MN attaches there,
# ends the pAR's forwarding, and hands off back to the pAR's link: its
# RtSolPr and FBU go to the nAR, which knows it only from the
# pre-authentication. The FBU is the first message the nAR's SA carries,
# the FBack the first of the MN's; no other SA covers them.
t_back() {
	local d=$TMPD/back
	topo || return
	if x ip -n "$HO_MN" addr add "$BACK/64" dev mn0 nodad &&
	   HO_MHOD_MN0_ADDR2=$BACK/64 ho_mhod_start "$d"; then
		t_back_body "$d"
	else
		fail "mhod did not start"
	fi
	ho_mhod_stop || fail "mhod did not stop cleanly"
	none_left "$d"
	handoff_teardown
}

t_back_body() {
	local d=$1 out spi_nar spi_mn pkts mism fbu key
	expect_eq "SAs or policies for $NCOA before" \
		"$(ip -n "$HO_NAR" xfrm policy | grep -c "src $NCOA/128")" 0
	out=$(ho_mhodctl mn handoff "$HO_AP_NAR")
	case $out in
	"ok status 0 "*" preauth ok") ;;
	*) fail "handoff: $out"; return ;;
	esac
	spi_nar=$(pa_spi "$HO_NAR" "$NAR_CORE")
	spi_mn=$(pa_spi "$HO_MN" "$NCOA")
	[ -n "$spi_nar" ] && [ -n "$spi_mn" ] ||
		{ fail "no pre-authentication SA: nAR '$spi_nar', MN '$spi_mn'"; return; }
	ip -n "$HO_NAR" xfrm policy list src "$NCOA/128" dst "$NAR_CORE/128" dir in |
		grep -q "proto esp spi $spi_nar reqid 28008 mode transport" ||
		fail "the nAR's policy does not require its SA: $(ip -n "$HO_NAR" xfrm policy list src "$NCOA/128")"
	# The keys are in the kernel only: never in a daemon's log.
	for key in $(ip -n "$HO_NAR" xfrm state | sed -n 's/.*aead [^ ]* 0x\([0-9a-f]*\) .*/\1/p'); do
		! grep -qi "${key:0:16}" "$d"/*.log "$d"/*.steps 2>/dev/null ||
			fail "a pre-authentication key is in a log"
	done
	# The MN moves: its new link comes up, its default route is there.
	x ip -n "$HO_MN" link set mn1 up &&
	wait_for 60 ho_oper_up "$HO_MN" mn1 &&
	wait_for 60 ho_oper_up "$HO_NAR" to-mn || return
	x ho_mhodctl mn attach || return
	x ip -n "$HO_MN" route replace default via 2001:db8:b::1 dev mn1 || return
	x ho_mhodctl mn end || return
	expect_eq "the nAR's SA before the move back" "$(pa_packets "$HO_NAR" "$spi_nar")" 0
	mism=$(xfrm_stat "$HO_NAR" XfrmInTmplMismatch)
	out=$(ho_mhodctl mn handoff "$PAR_AP")
	case $out in
	"ok status 0 "*"ncoa $BACK nar 2001:db8:12::1 "*) ;;
	*) fail "the handoff back: $out"; return ;;
	esac
	pkts=$(pa_packets "$HO_NAR" "$spi_nar")
	[ "${pkts:-0}" -ge 1 ] || fail "the nAR's pre-authentication SA carried ${pkts:-0} packets"
	pkts=$(pa_packets "$HO_MN" "$spi_mn")
	[ "${pkts:-0}" -ge 1 ] || fail "the MN's pre-authentication SA carried ${pkts:-0} packets"
	expect_eq "FBUs without ESP dropped by the nAR's kernel" \
		"$(($(xfrm_stat "$HO_NAR" XfrmInTmplMismatch) - mism))" 0
	grep -q "FBU from $NCOA: seq [0-9]*, NCoA $BACK, nAR par" "$d/nar.log" ||
		fail "the nAR did not take the FBU: $(grep FBU "$d/nar.log" | tail -n 3)"
	expect_eq "unverified FBUs at the nAR" \
		"$(($(ho_mhod_stat nar rx_bad_auth) + $(ho_mhod_stat nar rx_unknown_peer)))" 0
	expect_eq "the nAR's binding" "$("$MHOCTL" -n "$HO_NAR" -j binding show match $NCOA |
		sed -n 's/.*"state":"\([a-z]*\)".*/\1/p')" forward
	# The FBU again without ESP (the MN's policy removed): the nAR's
	# policy requires its SA, the kernel drops it, mhod never sees it.
	x ip -n "$HO_MN" xfrm policy delete src "$NCOA/128" dst "$NAR_CORE/128" \
		proto 135 dir out || return
	fbu=$(ho_mhod_stat nar fbu)
	mism=$(xfrm_stat "$HO_NAR" XfrmInTmplMismatch)
	x ho_mhodctl mn replay || return
	wait_for 10 eval '[ "$(xfrm_stat "$HO_NAR" XfrmInTmplMismatch)" -gt "$mism" ]' ||
		fail "the FBU without ESP was not dropped by the nAR's kernel"
	expect_eq "FBUs at the nAR's mhod" "$(ho_mhod_stat nar fbu)" "$fbu"
	expect_eq "pre-authentications: MN, pAR, nAR" \
		"$(ho_mhod_stat mn preauth_ok) $(ho_mhod_stat par preauth_ok) $(ho_mhod_stat nar preauth_ok)" "2 1 1"
}

# The nAR without pre-authentication: it ignores the payloads, its HAck
# has no answer, the handoff completes and the MN says "preauth none";
# nobody installs an SA.
t_nar_without() {
	local d=$TMPD/without
	topo || return
	if ho_mhod_start "$d"; then
		t_nar_without_body "$d"
	else
		fail "mhod did not start"
	fi
	ho_mhod_stop || fail "mhod did not stop cleanly"
	handoff_teardown
}

t_nar_without_body() {
	local d=$1 out
	kill -TERM "${_ho_mhod_pid[nar]}" && wait "${_ho_mhod_pid[nar]}"
	unset '_ho_mhod_pid[nar]'
	sed -i '/^PreAuthentication/d' "$d/nar.conf"
	rm -f "$d/nar.sock"
	_ho_mhod_run nar "$HO_NAR" "$d/nar.conf" || { fail "the nAR's mhod did not start again"; return; }
	out=$(ho_mhodctl mn handoff "$HO_AP_NAR")
	case $out in
	"ok status 0 "*" preauth none") ;;
	*) fail "handoff: $out" ;;
	esac
	expect_eq "pre-authentication SAs at the nAR" "$(ho_pa_xfrm nar)" "0 0"
	expect_eq "pre-authentication SAs at the MN" "$(ho_pa_xfrm mn)" "0 0"
	expect_eq "answers the MN missed" "$(ho_mhod_stat mn preauth_failed)" 0
}

# Another mobile node (the routers' second one, 2001:db8:a::2, its own
# key; a second agent on the MN) names the first one's NCoA in its
# predictive FBU once the first has pre-authenticated there. (The nAR's
# binding that holds that NCoA is deleted first, or the module itself
# would refuse the HI.) Its handoff completes, but the nAR refuses to
# pre-authenticate it for that address: the entry is the first MN's,
# whose SAs stay as they were.
t_claim() {
	local d=$TMPD/claim
	topo || return
	if ho_mhod_start "$d"; then
		t_claim_body "$d"
	else
		fail "mhod did not start"
	fi
	ho_mhod_stop || fail "mhod did not stop cleanly"
	handoff_teardown
}

t_claim_body() {
	local d=$1 out spi
	out=$(ho_mhodctl mn handoff "$HO_AP_NAR")
	case $out in
	"ok status 0 "*" preauth ok") ;;
	*) fail "handoff: $out"; return ;;
	esac
	spi=$(pa_spi "$HO_NAR" "$NAR_CORE")
	x "$MHOCTL" -n "$HO_NAR" binding del match $HOA || return
	# The second agent: its address, key and SPI, its own socket.
	(umask 077 && echo "$HO_MHOD_KEY2" >"$d/mn2-agent.key") || return
	sed -e "s|^Address = $HOA/128|Address = 2001:db8:a::2/128|" \
	    -e "s|$d/mn.sock|$d/mn2.sock|" \
	    -e "s|$d/mn-agent.key|$d/mn2-agent.key|" \
	    -e 's|^SPI = 0x100$|SPI = 0x101|' "$d/mn.conf" >"$d/mn2.conf"
	_ho_mhod_run mn2 "$HO_MN" "$d/mn2.conf" || { fail "the second agent did not start"; return; }
	out=$(ho_mhodctl mn2 handoff "$HO_AP_NAR")
	case $out in
	"ok status 0 "*"ncoa $NCOA "*" preauth none") ;;
	*) fail "the second MN's handoff: $out" ;;
	esac
	grep -q "pre-authentication of $NCOA for 2001:db8:a::2 refused: another mobile node's" "$d/nar.log" ||
		fail "the nAR did not refuse: $(grep -i pre-auth "$d/nar.log" | tail -n 3)"
	expect_eq "refused at the nAR" "$(ho_mhod_stat nar preauth_failed)" 1
	expect_eq "pre-authentications at the nAR" "$(ho_mhod_stat nar preauth_ok)" 1
	expect_eq "the first MN's SA at the nAR" "$(pa_spi "$HO_NAR" "$NAR_CORE")" "$spi"
	expect_eq "pre-authentication SAs and policies at the nAR" "$(ho_pa_xfrm nar)" "2 2"
}

ktap_plan 5
run_case "pre-authentication: UDP of mixed sizes, nothing lost, reordered or duplicated" t_udp
run_case "pre-authentication: a TCP transfer arrives whole" t_tcp
run_case "pre-authentication: the first FBU on the new link is protected and accepted" t_back
run_case "an nAR without pre-authentication: the handoff completes without it" t_nar_without
run_case "another mobile node cannot take over a pre-authenticated NCoA" t_claim
ktap_finish
