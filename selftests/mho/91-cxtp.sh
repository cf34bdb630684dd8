#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mhod moves the MN's IPsec context with its handoff (Documentation/
# mhod.rst, "Context transfer"), with no mhoctl command after start-up:
# the MN's traffic to and from its home address is in an ESP tunnel
# between its CoA and the pAR (handoff.sh, HO_MHOD_CTX). FMIPv6's
# predictive handoff as in 87-mhod; after the HAck the pAR's mhod exports
# the MN's SAs and policies (those it sends under stay at the pAR until
# the handoff ends, for its last packets up: "dispose leaving"; no XFRM
# error may count them) and sends them, in their portable encoding,
# in a PCTD over SCTP (in the routers' ESP) to the nAR, whose module keeps
# them pending; its CTDR has the pAR forward and send the FBack. On the
# new link the MN's agent moves its own SAs (to its NCoA and the nAR),
# then sends its UNA; the nAR's module keeps the hold, reports the
# attach, and mhod activates the context: the SAs are installed, then
# the held packets leave, under them.
#
# Every packet arrives once, in order (UDP of mixed sizes up to a full
# packet, several flows; and a TCP transfer); no SA anywhere counts a
# replay, window or integrity failure, nor does any node's xfrm_stat;
# the nAR's SAs have the MN's new addresses and carry on the pAR's
# sequence numbers; the pAR keeps none of them. The UDP run's FMIPv6
# signaling is captured and decoded by tshark on the host, as in 87.
#
# Reactive (RFC 4067 5.1, with FMIPv6's reactive mode): the MN leaves
# unannounced; from the new link its UNA, its FBU through the nAR; the
# pAR's FBack names the nAR, the agent moves its SAs there and asks the
# nAR for its context (CTAR, ICMPv6, with the token of the key it shares
# with the pAR); the nAR asks the pAR (CT-Req), which checks the token
# and sends the context (CTD); the nAR installs it, answers (CTDR, and
# the CTAA to the MN), and only then does the pAR forward what it held.
# A TCP transfer arrives whole, with the same checks.
#
# And what must change nothing: a PCTD from an address that is not a
# neighbour (counted, not answered), and a PCTD from the neighbour for
# an MN it prepared no handoff of (refused in a CTDR with status 129,
# which mho_cxtp decodes with mhod's parser); at the pAR, CT-Reqs with a
# token not of the MN's key, for an MN in no reactive handoff, for an
# MN it does not know, or from the CN; at the nAR, CTARs naming a router
# that is no neighbour, or for an MN no HI prepared; a CT-Req replayed
# after a reactive handoff (its token verifies). A transfer with no
# CTDR (the nAR's SCTP blocked): the pAR restores the MN's SAs and
# answers FBack 128.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../handoff.sh"

mho_setup
command -v "$HO_MHOD" >/dev/null || skip_all "mhod not found"
for m in xfrm_user esp6 gcm sctp; do
	modprobe -q "$m" || skip_all "kernel module $m is not available"
done
CXTP=$MHO_SELFTESTS/tools/mho_cxtp

run_stat() {
	tr ' ' '\n' <"$RUN/mhod/$1.stats" | sed -n "/^$2\$/{n;p}"
}

# sa_line NODE SPI: the SA's lines of the run's dump (no keys).
sa_line() {
	awk -v spi="$(printf '0x%08x' "$2")" '
		/^src / { keep = 0; hdr = $0 }
		/proto esp spi / { keep = (index($4, spi) == 1); if (keep) print hdr }
		keep' "$RUN/ctx-states.$1"
}

# sa_spi NODE SRC DST: the SPI of the node's ESP SA from SRC to DST.
sa_spi() {
	awk -v s="$2" -v d="$3" '
		/^src / { hit = ($2 == s && $4 == d) }
		hit && /proto esp spi / { sub(/\(.*/, "", $4); print $4; exit }' \
		"$RUN/ctx-states.$1"
}

# sa_num NODE SPI FIELD: oseq or seq of that SA, as a number.
sa_num() {
	local v
	v=$(sa_line "$1" "$2" | grep oseq | sed -n "s/.*[ :]$3 0x\([0-9a-f]*\).*/\1/p" | head -n 1)
	[ -n "$v" ] && echo $((0x$v))
}

# The context's figures, and what every node must not have counted.
# UP: the SPI of the MN's SA to its AR at the nAR (default unchanged).
# CTX_MODE=reactive: the reactive transfer's (t_reactive). CTX_HA=1:
# with the home agent (t_ha).
CTX_MODE='' CTX_HA=''
ctx_checks() {
	local node v up=${1:-$HO_CTX_SPI_UP} step=handoff
	local down_old="dst $HOA/128" down_new="dst $HOA/128"
	[ "$CTX_MODE" != reactive ] || step=reactive
	if [ -n "$CTX_HA" ]; then
		down_old="src $HO_HA/128 dst $HO_CTX_PCOA/128"
		down_new="src $HO_HA/128 dst 2001:db8:b::2/128"
	fi
	diag "$(grep -h 'PCTD\|CTDR\|context' "$RUN"/mhod/*.log | head -20)"
	expect_eq "contexts sent by the pAR" "$(run_stat par ctx_sent)" 1
	expect_eq "contexts the pAR saw fail" "$(run_stat par ctx_failed)" 0
	expect_eq "contexts the nAR received" "$(run_stat nar ctx_received)" 1
	expect_eq "contexts the nAR installed (pending)" "$(run_stat nar ctx_installed)" 1
	expect_eq "contexts the nAR refused" "$(run_stat nar ctx_refused)" 0
	expect_eq "contexts the nAR activated" "$(run_stat nar ctx_activated)" 1
	expect_eq "moves of the MN's own SAs" "$(run_stat mn ctx_moved)" 1
	for node in par nar mn; do
		expect_eq "kernel errors at $node" "$(run_stat $node kernel_errors)" 0
	done
	grep -q "^mn $step.*: ok status 0 " "$RUN/mhod/steps" ||
		fail "no FBack status 0: $(cat "$RUN/mhod/steps")"
	# Only after the CTDR did the pAR send the FBack (reactive: forward).
	grep -q "CTDR from .* installed" "$RUN/mhod/par.log" ||
		fail "no CTDR at the pAR"
	if [ "$CTX_MODE" = reactive ]; then
		expect_eq "CT-Reqs the nAR sent" "$(run_stat nar ctx_requested)" 1
		expect_eq "bad tokens at the pAR" "$(run_stat par ctx_bad_token)" 0
		expect_eq "requests the pAR refused" "$(run_stat par ctx_refused)" 0
		grep -q "CTD to nar .*: context of $HO_CTX_PCOA" "$RUN/mhod/par.log" ||
			fail "the pAR sent no CTD"
		grep -q "CTAA from 2001:db8:12::2: context installed" "$RUN/mhod/mn.log" ||
			fail "the MN had no CTAA"
		# The pAR forwarded only once the nAR had the context.
		# (MHO_STATE_FORWARD is 2.)
		v=$(awk '/CTDR from .* installed/ && !c { c = NR } /kernel: pAR binding .* -> state 2$/ && !f { f = NR } END { print (c && f > c) }' \
			"$RUN/mhod/par.log")
		expect_eq "forwarding after the CTDR" "$v" 1
	fi
	# The nAR's SAs: to the NCoA, from its core address; the MN's too.
	sa_line nar $HO_CTX_SPI_DOWN | grep -q "^src 2001:db8:12::2 dst 2001:db8:b::2$" ||
		fail "the nAR's SA to the MN: $(sa_line nar $HO_CTX_SPI_DOWN)"
	sa_line nar "$up" | grep -q "^src 2001:db8:b::2 dst 2001:db8:12::2$" ||
		fail "the nAR's SA from the MN: $(sa_line nar "$up")"
	sa_line mn "$up" | grep -q "^src 2001:db8:b::2 dst 2001:db8:12::2$" ||
		fail "the MN's SA to the nAR: $(sa_line mn "$up")"
	sa_line mn $HO_CTX_SPI_DOWN | grep -q "^src 2001:db8:12::2 dst 2001:db8:b::2$" ||
		fail "the MN's SA from the nAR: $(sa_line mn $HO_CTX_SPI_DOWN)"
	# (CTX_HA: what comes down is the home agent's tunnel to the CoA.)
	grep -q "$down_new" "$RUN/ctx-policies.nar" ||
		fail "no policy down at the nAR: $(cat "$RUN/ctx-policies.nar")"
	# The pAR keeps none (the copy kept for a switch-back went at the end).
	[ -z "$(sa_line par $HO_CTX_SPI_DOWN)" ] ||
		fail "the pAR still has the MN's SA: $(sa_line par $HO_CTX_SPI_DOWN)"
	! grep -q "$down_old" "$RUN/ctx-policies.par" ||
		fail "the pAR still has the MN's policy"
	# Nor what the predictive export kept for the MN's last packets up
	# (the handoff's end took them).
	[ -z "$(sa_line par $HO_CTX_SPI_UP)" ] ||
		fail "the pAR still has the MN's SA to it: $(sa_line par $HO_CTX_SPI_UP)"
	! grep -q "src $HOA/128" "$RUN/ctx-policies.par" ||
		fail "the pAR still has the MN's fwd policy"
	# Replay windows continuous: the MN got what the nAR sent, no more.
	v=$(sa_num nar $HO_CTX_SPI_DOWN oseq)
	expect_eq "the MN's inbound seq" "$(sa_num mn $HO_CTX_SPI_DOWN seq)" "$v"
	[ "${v:-0}" -gt 4096 ] || fail "the nAR's oseq $v: not the pAR's plus the margin"
	for node in nar mn; do
		for v in $HO_CTX_SPI_DOWN "$up"; do
			[ -z "$(sa_line $node "$v")" ] && continue
			expect_eq "$node's SA $v: errors" \
				"$(sa_line $node "$v" | sed -n 's/^[[:space:]]*\(replay-window [0-9]* replay [0-9]* failed [0-9]*\).*/\1/p')" \
				"replay-window 0 replay 0 failed 0"
		done
	done
	for node in par nar mn; do
		v=$(awk '$2 != 0 && $1 ~ /^XfrmIn(Error|BufferError|HdrError|NoStates|StateProtoError|StateModeError|StateSeqError|StateExpired|StateMismatch|StateInvalid|TmplMismatch|NoPols|PolBlock|PolError)$/' \
			"$RUN/xfrm_stat.$node" | tr '\n' ' ')
		# Reactive, the MN's upstream from the new link before the
		# FBack: at the pAR after its export (under the SA to it,
		# which goes with the export: XfrmInNoStates, or XfrmInNoPols
		# for one decrypted as its policy went), and at the nAR before
		# its import. Predictive, none: the export ("leaving") keeps
		# the SA the MN sends under, and its policies, until the
		# handoff ends.
		if [ "$CTX_MODE" = reactive ] && [ "$node" != mn ]; then
			v=$(sed -E 's/XfrmInNoStates[[:space:]]+[0-9]+[[:space:]]*//' <<<"$v")
			[ "$node" != par ] ||
				v=$(sed -E 's/XfrmInNoPols[[:space:]]+[0-9]+[[:space:]]*//' <<<"$v")
		fi
		expect_eq "XFRM input errors at $node" "$v" ""
	done
}

# A TCP run's transfer: 8,000,000 octets, whole, no control error.
tcp_whole() {
	expect_eq short "$(handoff_get "$RUN" short)" 0
	expect_eq bad "$(handoff_get "$RUN" bad)" 0
	expect_eq bytes "$(handoff_get "$RUN" bytes)" 8000000
	expect_eq ctl_errors "$(handoff_get "$RUN" ctl_errors)" 0
	diag "tcp: timeouts $(handoff_get "$RUN" timeouts), retransmitted segments $(handoff_get "$RUN" retrans_segs)"
}

# The CN's links at 1,400 octets: what it sends fits the ESP tunnel
# between the MN and its AR (some 80 octets more) on 1,500-octet links;
# larger datagrams leave the CN in fragments.
cn_mtu() {
	ip -n "$HO_CN" link set to-par mtu 1400 &&
	ip -n "$HO_CN" link set to-nar mtu 1400
}

t_udp() {
	need_tool "$HO_PROBE" || return
	ho_run udp mhod HO_MHOD_CTX=1 HO_HOOK=cn_mtu HO_SIZE=64-3000 HO_FLOWS=3 \
		HO_PCAP=cxtp || return
	ho_run_clean
	ctx_checks
	[ "$(handoff_ctr "$RUN" nar released)" -gt 0 ] ||
		fail "the nAR released nothing: the move missed the stream"
}

t_tcp() {
	need_tool "$HO_BULK" || return
	ho_run tcp mhod HO_MHOD_CTX=1 HO_HOOK=cn_mtu HO_TRAFFIC=tcp \
		HO_TCP_BYTES=8000000 || return
	tcp_whole
	ctx_checks
}

# With the home agent (handoff.sh's HO_MHOD_HA as well): SRC -> HA ->
# its tunnel to the CoA, in the ESP tunnel between the pAR and the MN ->
# nAR -> MN, mhod on all five, the MN's BUs real. SRC's link at 1,300
# octets: its packets fit both tunnels (some 120 octets more) on the
# 1,500-octet links beyond; larger datagrams leave SRC in fragments.
src_mtu_ctx() {
	ip -n "$HO_SRC" link set to-ha mtu 1300
}

# What the home agent and the bridging must show: the MN registered at
# both CoAs; the home agent's end-marker ended the pAR's forwarding;
# the nAR's import and the MN's move each made the bridging policy for
# the old CoA (what the pAR forwarded, addressed to it, went under the
# moved SAs: the MN requires ESP for its home agent's tunnel, and no
# XFRM error counted anywhere, ctx_checks).
ha_ctx_checks() {
	local v
	# (Or more: the BA to the NCoA waits at the nAR behind what the pAR
	# forwarded, the new stream behind the old one, and the agent may
	# send its BU again after BindAckTimeoutFirst, 1 s here.)
	v=$(run_stat ha ha_registered)
	[ "${v:-0}" -ge 2 ] || fail "registrations at the home agent: $v, not 2 or more"
	for v in ha_refused kernel_errors rx_replayed rx_malformed; do
		expect_eq "$v at the home agent" "$(run_stat ha $v)" 0
	done
	grep -q "$HOA (mn) at 2001:db8:b::2 behind nar" "$RUN/mhod/ha.log" ||
		fail "no registration at 2001:db8:b::2 behind the nAR"
	grep -q "kernel event marker" "$RUN/mhod/par.log" ||
		fail "the pAR's forwarding was not ended by the home agent's end-marker"
	grep -q "context of $HO_CTX_PCOA imported, pending, 1 bridging" "$RUN/mhod/nar.log" ||
		fail "no bridging policy at the nAR: $(grep imported "$RUN/mhod/nar.log")"
	grep -q "own SAs moved .* 1 bridging" "$RUN/mhod/mn.log" ||
		fail "no bridging policy at the MN: $(grep 'SAs moved' "$RUN/mhod/mn.log")"
	[ "${HO_MHOD_MOVE:-}" = reactive ] || [ "$(handoff_ctr "$RUN" par forwarded)" -gt 0 ] ||
		fail "the pAR forwarded nothing: the move missed the stream"
	[ "${HO_MHOD_MOVE:-}" = reactive ] || [ "$(handoff_ctr "$RUN" nar released)" -gt 0 ] ||
		fail "the nAR released nothing: the bridging carried nothing"
}

t_ha() {
	need_tool "$HO_PROBE" || return
	ho_run ha-udp mhod HO_MHOD_CTX=1 HO_MHOD_HA=1 HO_HOOK=src_mtu_ctx \
		HO_SIZE=64-3000 HO_FLOWS=3 || return
	ho_run_clean
	CTX_HA=1
	ctx_checks
	CTX_HA=
	ha_ctx_checks
}

t_ha_tcp() {
	need_tool "$HO_BULK" || return
	ho_run ha-tcp mhod HO_MHOD_CTX=1 HO_MHOD_HA=1 HO_HOOK=src_mtu_ctx \
		HO_TRAFFIC=tcp HO_TCP_BYTES=8000000 || return
	tcp_whole
	CTX_HA=1
	ctx_checks
	CTX_HA=
	ha_ctx_checks
}

# Without bridging (ContextBridge = 0s on every daemon): what the pAR
# forwarded, still addressed to the old CoA, leaves the nAR in the clear
# (no policy of the moved context names that address) and the MN, which
# requires ESP for its home agent's tunnel, drops it, counted. What the
# bridging in t_ha prevents.
t_ha_nobridge() {
	local v
	need_tool "$HO_PROBE" || return
	ho_run ha-nobridge mhod HO_MHOD_CTX=1 HO_MHOD_HA=1 HO_HOOK=src_mtu_ctx \
		HO_SIZE=64-3000 HO_FLOWS=3 HO_MHOD_CTX_BRIDGE=0s || return
	grep -q "imported, pending, 0 bridging" "$RUN/mhod/nar.log" ||
		fail "the nAR: $(grep imported "$RUN/mhod/nar.log")"
	[ "$(handoff_ctr "$RUN" nar released)" -gt 0 ] ||
		{ fail "the nAR released nothing: the move missed the stream"; return; }
	v=$(awk '$1 == "XfrmInTmplMismatch" { print $2 }' "$RUN/xfrm_stat.mn")
	[ "${v:-0}" -gt 0 ] ||
		fail "the MN refused nothing in the clear (XfrmInTmplMismatch ${v:-none})"
	[ "$(handoff_get "$RUN" lost)" -gt 0 ] ||
		fail "nothing lost without bridging"
	diag "without bridging: $(handoff_get "$RUN" lost) of $(handoff_get "$RUN" sent) lost, XfrmInTmplMismatch $v at the MN"
}

# Reactive, with the home agent: the MN's context follows its CTAR; its
# BU after the FBack. A TCP transfer arrives whole.
t_ha_reactive() {
	need_tool "$HO_BULK" || return
	ho_run ha-reactive mhod HO_MHOD_CTX=1 HO_MHOD_HA=1 HO_MHOD_MOVE=reactive \
		HO_HOOK=src_mtu_ctx HO_TRAFFIC=tcp HO_TCP_BYTES=8000000 || return
	tcp_whole
	CTX_MODE=reactive CTX_HA=1
	ctx_checks
	CTX_MODE='' CTX_HA=''
	HO_MHOD_MOVE=reactive ha_ctx_checks
}

# Reactive: the MN leaves unannounced; its context follows its CTAR.
t_reactive() {
	need_tool "$HO_BULK" || return
	ho_run tcp-reactive mhod HO_MHOD_CTX=1 HO_MHOD_MOVE=reactive \
		HO_HOOK=cn_mtu HO_TRAFFIC=tcp HO_TCP_BYTES=8000000 || return
	tcp_whole
	grep -q "FBU (reactive) from $HO_CTX_PCOA" "$RUN/mhod/par.log" ||
		fail "the pAR did not take the FBU as reactive"
	CTX_MODE=reactive
	ctx_checks
	CTX_MODE=
}

# Reactive, UDP: what the pAR sent to the old link before the FBU is
# lost (nothing announced the move); what it holds from the FBU on goes
# to the nAR only once the nAR has the context, and arrives, under it,
# once, in order, with the CN's own packets after them.
t_reactive_udp() {
	local v
	need_tool "$HO_PROBE" || return
	ho_run udp-reactive mhod HO_MHOD_CTX=1 HO_MHOD_MOVE=reactive \
		HO_HOOK=cn_mtu HO_SIZE=64-3000 HO_FLOWS=3 HO_PCAP=cxtp-reactive || return
	for v in out_of_order duplicates corrupt bogus socket_drops ctl_errors packet_too_big; do
		expect_eq "$v" "$(handoff_get "$RUN" "$v")" 0
	done
	diag "lost before the FBU: $(handoff_get "$RUN" lost) of $(handoff_get "$RUN" sent)"
	[ "$(handoff_ctr "$RUN" par forwarded)" -gt 0 ] ||
		fail "the pAR forwarded nothing: the transfer missed the stream"
	[ "$(handoff_ctr "$RUN" nar tunnel_rx)" -gt 0 ] ||
		fail "the nAR received nothing from the pAR"
	CTX_MODE=reactive
	ctx_checks
	CTX_MODE=
	ctar_checks
}

# The MN's CTAR and the nAR's CTAA as the MN's link carried them
# (handoff.sh keeps them: tshark cannot decode them), decoded by mhod's
# parser: the CTAR from the NCoA to the nAR, for the PCoA, naming the
# pAR, A set, its token that of the MN's key (every copy the same Seq);
# one CTAA back, no failure in it.
ctar_checks() {
	local out key=$RUN/mhod/mn-cxtp.key
	[ -s "$RUN/cxtp.pcap" ] || { fail "no capture of the CTAR"; return; }
	[ -s "$key" ] || { fail "no CXTP key in $key"; return; }
	out=$("$CXTP" -r "$RUN/cxtp.pcap" -k "$key")
	diag "CXTP at the MN: $out"
	grep -q "^2001:db8:b::2 > 2001:db8:12::2 ctar flag 1 prev $HO_CTX_PCOA ar 2001:db8:a::1 seq 0x[0-9a-f]* token ok$" <<<"$out" ||
		fail "no CTAR as the MN must send it"
	expect_eq "CTARs with a token that does not verify, or another Seq" \
		"$(grep ' ctar ' <<<"$out" | grep -v ' token ok$' -c)/$(grep ' ctar ' <<<"$out" | sed 's/.* seq //' | sort -u | wc -l)" "0/1"
	expect_eq "CTAAs" "$(grep -c ' ctaa ' <<<"$out")" 1
	grep -q "^2001:db8:12::2 > 2001:db8:b::2 ctaa flag 0 prev $HO_CTX_PCOA$" <<<"$out" ||
		fail "no CTAA as the nAR must send it"
	expect_eq "malformed CXTP messages" "$(grep -c malformed <<<"$out")" 0
}

# Refusals at the nAR, its mhod as in the runs above (HO_MHOD_CTX).
t_refused() {
	local d=$TMPD/refused
	need_tool "$CXTP" || return
	handoff_setup || { fail "topology setup failed"; return; }
	if HO_MHOD_CTX=1 ho_mhod_start "$d"; then
		RUN=$TMPD/refused-run
		refused_body "$d"
	else
		fail "mhod did not start"
	fi
	ho_mhod_stop || fail "mhod did not stop cleanly"
	handoff_teardown
}

refused_body() {
	local out
	# A PCTD from the CN, which is no neighbour of the nAR: counted,
	# not answered, nothing imported.
	x ip -n "$HO_CN" route add 2001:db8:12::/64 via 2001:db8:2::2 || return
	out=$(ip netns exec "$HO_CN" "$CXTP" -s 2001:db8:2::1 -d 2001:db8:12::2 \
		-m $HO_CTX_PCOA -w 2000)
	expect_eq "the answer to the CN" "$out" "no answer"
	wait_for 5 eval 'test "$(ho_mhod_stat nar ctx_unknown_ar)" = 1' ||
		fail "the nAR counted $(ho_mhod_stat nar ctx_unknown_ar) contexts from unknown routers, not 1"
	expect_eq "contexts the nAR took in" "$(ho_mhod_stat nar ctx_received)" 0
	# From the pAR's core address (in the routers' ESP), for an MN it
	# prepared no handoff of: a CTDR that says not authorized.
	out=$(ip netns exec "$HO_PAR" "$CXTP" -s 2001:db8:12::1 -d 2001:db8:12::2 \
		-m $HO_CTX_PCOA -w 10000)
	expect_eq "the answer to the pAR" "$out" \
		"answer ctdr flag 0 prev $HO_CTX_PCOA status 0xff02:129"
	expect_eq "contexts the nAR refused" "$(ho_mhod_stat nar ctx_refused)" 1
	expect_eq "contexts the nAR installed" "$(ho_mhod_stat nar ctx_installed)" 0
	expect_eq "bindings at the nAR" "$("$MHOCTL" -n "$HO_NAR" -j binding show)" "[]"
	expect_eq "SAs at the nAR for the MN" \
		"$(ip -n "$HO_NAR" xfrm state list spi $HO_CTX_SPI_DOWN)" ""
	refused_reactive "$1"
}

# (d: the daemons' directory, the MN's key in d/mn-cxtp.key.)
refused_reactive() {
	local d=$1 out sas
	ho_data_ar_esp || { fail "no ESP tunnel to the AR"; return; }
	sas=$(ip -n "$HO_PAR" xfrm state | grep -c '^src ')
	# CT-Reqs at the pAR from the nAR (in the routers' ESP): a token
	# not of the MN's key; the MN's token, but no reactive handoff of
	# it waits; an MN the pAR does not know. No CTD answers any.
	out=$(ip netns exec "$HO_NAR" "$CXTP" -t ctreq -s 2001:db8:12::2 \
		-d 2001:db8:12::1 -m $HO_CTX_PCOA -w 2000)
	expect_eq "the answer to a bad token" "$out" "no answer"
	expect_eq "bad tokens at the pAR" "$(ho_mhod_stat par ctx_bad_token)" 1
	out=$(ip netns exec "$HO_NAR" "$CXTP" -t ctreq -s 2001:db8:12::2 \
		-d 2001:db8:12::1 -m $HO_CTX_PCOA -k "$d/mn-cxtp.key" -q 7 -w 2000)
	expect_eq "the answer without a handoff" "$out" "no answer"
	expect_eq "requests the pAR refused" "$(ho_mhod_stat par ctx_refused)" 1
	out=$(ip netns exec "$HO_NAR" "$CXTP" -t ctreq -s 2001:db8:12::2 \
		-d 2001:db8:12::1 -m 2001:db8:a::99 -k "$d/mn-cxtp.key" -w 2000)
	expect_eq "the answer for an unknown MN" "$out" "no answer"
	expect_eq "requests the pAR refused" "$(ho_mhod_stat par ctx_refused)" 2
	# From the CN: no neighbour of the pAR.
	out=$(ip netns exec "$HO_CN" "$CXTP" -t ctreq -s 2001:db8:2::1 \
		-d 2001:db8:12::1 -m $HO_CTX_PCOA -k "$d/mn-cxtp.key" -w 2000)
	expect_eq "the answer to the CN" "$out" "no answer"
	wait_for 5 eval 'test "$(ho_mhod_stat par ctx_unknown_ar)" = 1' ||
		fail "the pAR counted $(ho_mhod_stat par ctx_unknown_ar) requests from unknown routers, not 1"
	expect_eq "contexts the pAR sent" "$(ho_mhod_stat par ctx_sent)" 0
	expect_eq "bad tokens at the pAR, in the end" "$(ho_mhod_stat par ctx_bad_token)" 1
	expect_eq "SAs at the pAR" "$(ip -n "$HO_PAR" xfrm state | grep -c '^src ')" "$sas"
	[ -n "$(ip -n "$HO_PAR" xfrm state list spi $HO_CTX_SPI_DOWN)" ] ||
		fail "the pAR's SA to the MN is gone"
	# CTARs at the nAR (ICMPv6 from the CN's link, Hop Limit 255): one
	# naming a router that is no neighbour's, one for an MN that no HI
	# prepared here. Neither is answered, nor asked of the pAR.
	out=$(ip netns exec "$HO_CN" "$CXTP" -t ctar -s 2001:db8:2::1 \
		-d 2001:db8:12::2 -m $HO_CTX_PCOA -a 2001:db8:99::1 \
		-k "$d/mn-cxtp.key" -w 2000)
	expect_eq "the answer to a CTAR naming no neighbour" "$out" "no answer"
	expect_eq "CTARs at the nAR" "$(ho_mhod_stat nar ctx_ctar)" 1
	expect_eq "unknown routers at the nAR" "$(ho_mhod_stat nar ctx_unknown_ar)" 2
	out=$(ip netns exec "$HO_CN" "$CXTP" -t ctar -s 2001:db8:2::1 \
		-d 2001:db8:12::2 -m $HO_CTX_PCOA -a 2001:db8:a::1 \
		-k "$d/mn-cxtp.key" -w 2000)
	expect_eq "the answer to a CTAR without an HI" "$out" "no answer"
	expect_eq "CTARs at the nAR" "$(ho_mhod_stat nar ctx_ctar)" 2
	expect_eq "contexts the nAR refused" "$(ho_mhod_stat nar ctx_refused)" 2
	expect_eq "CT-Reqs the nAR sent" "$(ho_mhod_stat nar ctx_requested)" 0
}

# A CT-Req replayed: a reactive handoff of the MN (no traffic), then the
# nAR's CT-Req again, Seq and token as the MN's CTAR made them (from the
# MN's log). The pAR sees the Seq used, counts a replay, sends nothing.
t_ctreq_replay() {
	local d=$TMPD/ctreq-replay
	need_tool "$CXTP" || return
	handoff_setup || { fail "topology setup failed"; return; }
	if HO_MHOD_CTX=1 ho_mhod_start "$d" && ho_data_ar_esp; then
		ctreq_replay_body "$d"
	else
		fail "mhod did not start"
	fi
	ho_mhod_stop || fail "mhod did not stop cleanly"
	handoff_teardown
}

# (d: t_ctreq_replay's directory.)
ctreq_replay_body() {
	local d=$1 out seq
	# The MN on the nAR's link too, its way out through it.
	x ip -n "$HO_MN" link set mn1 up || return
	wait_for 60 ho_oper_up "$HO_MN" mn1 && wait_for 60 ho_oper_up "$HO_NAR" to-mn ||
		{ fail "the MN's link to the nAR is not up"; return; }
	x ip -n "$HO_MN" route add default via 2001:db8:b::1 dev mn1 metric 1 || return
	out=$(ho_mhodctl mn reactive)
	case $out in
	"ok status 0 "*) ;;
	*) fail "the reactive handoff: $out"; return ;;
	esac
	seq=$(sed -n 's/.*CTAR to .* seq \(0x[0-9a-f]*\), try 1$/\1/p' "$d/mn.log" | head -n 1)
	[ -n "$seq" ] || { fail "no CTAR in the MN's log"; return; }
	expect_eq "contexts the pAR sent" "$(ho_mhod_stat par ctx_sent)" 1
	out=$(ip netns exec "$HO_NAR" "$CXTP" -t ctreq -s 2001:db8:12::2 \
		-d 2001:db8:12::1 -m $HO_CTX_PCOA -k "$d/mn-cxtp.key" -q "$seq" -w 2000)
	expect_eq "the answer to the replayed CT-Req" "$out" "no answer"
	expect_eq "replays at the pAR" "$(ho_mhod_stat par rx_replayed)" 1
	expect_eq "requests the pAR refused otherwise" "$(ho_mhod_stat par ctx_refused)" 0
	expect_eq "contexts the pAR sent, in the end" "$(ho_mhod_stat par ctx_sent)" 1
	expect_eq "the MN's SA at the nAR" \
		"$(ip -n "$HO_NAR" xfrm state list spi $HO_CTX_SPI_DOWN | grep -c '^src ')" 1
}

# An SPI collision at the nAR: another peer's SA there has the SPI of
# the MN's SA to its AR. The import gives the MN's SA a new SPI, the CTDR
# takes it to the pAR, the FBack to the MN, whose agent moves its SA with
# it; the TCP transfer's acknowledgements go up under it.
t_collision() {
	local new
	need_tool "$HO_BULK" || return
	ho_run collide mhod HO_MHOD_CTX=1 HO_MHOD_CTX_COLLIDE=1 HO_HOOK=cn_mtu \
		HO_TRAFFIC=tcp HO_TCP_BYTES=4000000 || return
	expect_eq short "$(handoff_get "$RUN" short)" 0
	expect_eq bad "$(handoff_get "$RUN" bad)" 0
	expect_eq bytes "$(handoff_get "$RUN" bytes)" 4000000
	new=$(sa_spi mn 2001:db8:b::2 2001:db8:12::2)
	diag "the nAR moved SPI $HO_CTX_SPI_UP to $new"
	[ -n "$new" ] && [ "$((new))" != "$((HO_CTX_SPI_UP))" ] ||
		{ fail "the MN's SA to the nAR kept SPI ${new:-none}"; return; }
	expect_eq "the nAR's SA from the MN" "$(sa_spi nar 2001:db8:b::2 2001:db8:12::2)" "$new"
	expect_eq "the other peer's SA" "$(sa_spi nar 2001:db8:99::1 2001:db8:12::2)" \
		"$(printf '0x%08x' $HO_CTX_SPI_UP)"
	grep -q "CTDR from .* installed (status 0, 1 SPIs changed)" "$RUN/mhod/par.log" ||
		fail "the CTDR did not carry the change"
	grep -q "FBack: the nAR changed 1 SPIs" "$RUN/mhod/mn.log" ||
		fail "the FBack did not carry the change"
	[ "$(sa_num nar "$new" seq)" -gt 0 ] ||
		fail "nothing came up through the new SPI"
	ctx_checks "$new"
}

# A transfer that never completes: the nAR's kernel blocks SCTP from the
# pAR, so no PCTD arrives and no CTDR comes back. After CTMaxTransferTime
# the pAR puts the MN's SAs and policies back (its export kept a copy)
# and answers FBack 128; the MN stays, the nAR has nothing of its
# context.
t_ctx_timeout() {
	local d=$TMPD/ctx-timeout
	handoff_setup || { fail "topology setup failed"; return; }
	if HO_MHOD_CTX=1 HO_MHOD_CT_TIME=2s ho_mhod_start "$d" && ho_data_ar_esp; then
		ctx_timeout_body
	else
		fail "mhod did not start"
	fi
	ho_mhod_stop || fail "mhod did not stop cleanly"
	handoff_teardown
}

# (d: t_ctx_timeout's directory.)
ctx_timeout_body() {
	local sas pols
	sas=$(ip -n "$HO_PAR" xfrm state | grep -c '^src ')
	pols=$(ip -n "$HO_PAR" xfrm policy | grep -c '^src ')
	x ip -n "$HO_NAR" xfrm policy update src 2001:db8:12::1/128 dst 2001:db8:12::2/128 \
		proto 132 dir in priority 0 action block || return
	expect_eq "the MN's handoff" "$(ho_mhodctl mn handoff "$HO_AP_NAR")" \
		"error FBack status 128"
	expect_eq "contexts that failed at the pAR" "$(ho_mhod_stat par ctx_failed)" 1
	expect_eq "handoffs that failed at the pAR" "$(ho_mhod_stat par handoffs_failed)" 1
	expect_eq "contexts the nAR received" "$(ho_mhod_stat nar ctx_received)" 0
	grep -q "no CTDR from nar in 2000 ms" "$d/par.log" ||
		fail "the pAR did not time the transfer out"
	# The pAR has the MN's SAs and policies again; the nAR nothing of it.
	expect_eq "SAs at the pAR" "$(ip -n "$HO_PAR" xfrm state | grep -c '^src ')" "$sas"
	expect_eq "policies at the pAR" "$(ip -n "$HO_PAR" xfrm policy | grep -c '^src ')" "$pols"
	[ -n "$(ip -n "$HO_PAR" xfrm state list spi $HO_CTX_SPI_DOWN)" ] ||
		fail "the pAR's SA to the MN is gone"
	expect_eq "the pAR's binding" "$(handoff_state "$HO_PAR")" idle
	expect_eq "the MN's SAs at the nAR" \
		"$(ip -n "$HO_NAR" xfrm state list spi $HO_CTX_SPI_DOWN)" ""
}

ktap_plan 12
run_case "mhod moves the MN's IPsec context: UDP of mixed sizes, 3 flows, nothing lost" t_udp
run_case "mhod moves the MN's IPsec context: a TCP transfer arrives whole" t_tcp
run_case "with the home agent: its tunnel in the moved ESP, bridged for the old CoA; UDP, 3 flows" t_ha
run_case "with the home agent: a TCP transfer arrives whole" t_ha_tcp
run_case "with the home agent, reactive: CTAR, CT-Req, CTD, then the BU; a TCP transfer arrives whole" t_ha_reactive
run_case "with the home agent, no bridging: what the pAR forwarded reaches the MN in the clear, refused" t_ha_nobridge
run_case "reactive: CTAR, CT-Req with the MN's token, CTD; a TCP transfer arrives whole" t_reactive
run_case "reactive, UDP: the pAR's held packets go only under the installed context, in order" t_reactive_udp
run_case "an SPI collision at the nAR: the new SPI reaches the MN in CTDR and FBack" t_collision
run_case "a context or a request from no neighbour, with a bad token or for an MN without a handoff, changes nothing" t_refused
run_case "no CTDR in CTMaxTransferTime: the pAR keeps the MN's SAs, FBack 128" t_ctx_timeout
run_case "a replayed CT-Req (its token verifies) changes nothing and is counted" t_ctreq_replay
ktap_finish
