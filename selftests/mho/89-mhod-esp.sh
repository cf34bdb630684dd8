#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mhod drives the handoff (as 87-mhod does: mhod on both routers, its
# agent on the MN, no mhoctl command after start-up) while the MN's own
# traffic is inside ESP: transport mode, AES-GCM, between the CN and the
# MN (handoff.sh, HO_DATA_ESP). The pAR buffers and forwards, the nAR
# holds and releases, packets it cannot read; the MN's replay window
# drops and counts (XfrmInStateSeqError) any sequence number it sees
# twice. Two UDP flows of sizes up to 4,000 octets (so fragments of ESP
# packets, and full-size ones), and a TCP transfer: nothing lost,
# reordered or duplicated, no IPsec error counted at the MN, and every
# packet received came through the SA.
#
# The ESP sequence numbers are also read off the links (mho_cap -e):
# what the nAR received through the tunnel (the old stream) and what it
# received from the CN directly (the new stream) each leave it in the
# order they came, and the old stream all before the new one (the
# end-marker's work); no packet reaches the MN twice.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../handoff.sh"

mho_setup
command -v "$HO_MHOD" >/dev/null || skip_all "mhod not found"
modprobe -q xfrm_user && modprobe -q esp6 || skip_all "esp6 or xfrm_user cannot be loaded"

# run_xfrm NODE NAME: a counter of NODE's /proc/net/xfrm_stat, as the run
# saved it.
run_xfrm() {
	awk -v n="$2" '$1 == n { print $2 }' "$RUN/xfrm_stat.$1"
}

# esp_order NODE DIR [IF]: how the data SA's ESP packets that NODE's
# links carried (DIR in or out; on IF, or on any) were ordered, as
# "packets N late N duplicates N max_back N": late, a sequence number
# lower than one seen before it; max_back, by how much at most. The
# first late ones are named.
esp_order() {
	awk -v dir="$2" -v dev="${3:-}" '
		$2 != dir || (dev != "" && $1 != dev) { next }
		{ n++ }
		seen[$3]++ { dup++; next }
		$3 < max {
			late++
			if (max - $3 > back)
				back = max - $3
			if (late <= 3)
				printf "[%d after %d on %s] ", $3, max, $1
			next
		}
		{ max = $3 }
		END { printf "packets %d late %d duplicates %d max_back %d\n", n, late, dup, back }
	' "$RUN/esp-seq.$1"
}

# nar_streams: what the nAR sent to the MN, by stream: the new stream is
# what came in from the CN (to-cn), the old one what came out of the
# tunnel. "old N new N old_late N new_late N old_after_new N": late, out
# of the order of its own stream; old_after_new, an old-stream packet
# sent after a new-stream one.
nar_streams() {
	awk '
		$1 == "to-cn" && $2 == "in" { direct[$3] = 1; next }
		$1 != "to-mn" || $2 != "out" { next }
		$3 in direct {
			new++
			if ($3 < new_max) new_late++; else new_max = $3
			next
		}
		{
			old++
			if ($3 < old_max) old_late++; else old_max = $3
			if (new) old_after_new++
		}
		END {
			printf "old %d new %d old_late %d new_late %d old_after_new %d\n",
				old, new, old_late, new_late, old_after_new
		}
	' "$RUN/esp-seq.nar"
}

# esp_clean RECEIVED [MN_LATE]: the MN's IPsec counters show no error of
# any kind, the SA carried at least RECEIVED packets, the links carried
# them as the routers must; with MN_LATE, how many the MN's links may
# carry out of the sender's numbering (TCP: none).
esp_clean() {
	local name bad='' node dir mn streams
	[ -s "$RUN/xfrm_stat.mn" ] || { fail "no xfrm_stat from the MN"; return; }
	for name in $(awk '$2 != 0 { print $1 }' "$RUN/xfrm_stat.mn"); do
		bad+=" $name $(run_xfrm mn "$name")"
	done
	expect_eq "IPsec errors at the MN" "${bad:- none}" " none"
	diag "the MN's SA carried $(cat "$RUN/data-esp.mn") packets"
	[ "$(cat "$RUN/data-esp.mn")" -ge "$1" ] 2>/dev/null ||
		fail "the MN's SA carried $(cat "$RUN/data-esp.mn") packets, fewer than the $1 received"
	[ "$(handoff_ctr "$RUN" nar released)" -gt 0 ] ||
		fail "the nAR released nothing: the move missed the stream"
	grep -q "^mn handoff .*: ok status 0 " "$RUN/mhod/steps" ||
		fail "no FBack status 0: $(cat "$RUN/mhod/steps")"

	for node in cn par nar mn; do
		grep -q "^captured [0-9]*, the socket dropped 0 packets" "$RUN/esp-seq.$node.log" ||
			fail "the capture at the $node: $(cat "$RUN/esp-seq.$node.log")"
	done
	for node in cn par nar; do
		for dir in in out; do
			diag "ESP on the links, $node $dir: $(esp_order $node $dir)"
		done
	done
	mn=$(esp_order mn in)
	diag "ESP on the links, mn in: $mn"
	diag "ESP on the links, mn in, mn0: $(esp_order mn in mn0); mn1: $(esp_order mn in mn1)"
	streams=$(nar_streams)
	diag "the nAR to the MN: $streams"
	expect_eq "the nAR's streams" "$(sed 's/^old [0-9]* new [0-9]* //' <<<"$streams")" \
		"old_late 0 new_late 0 old_after_new 0"
	[ "$(awk '{ print $2 }' <<<"$streams")" -gt 0 ] ||
		fail "nothing came to the nAR through the tunnel"
	expect_eq "ESP packets on the MN's links" "$(awk '{ print $2 }' <<<"$mn")" \
		"$(cat "$RUN/data-esp.mn")"
	expect_eq "ESP duplicates on the MN's links" "$(sed 's/.*duplicates \([0-9]*\).*/\1/' <<<"$mn")" 0
	[ -z "${2:-}" ] ||
		expect_eq "ESP packets late on the MN's links" "$(sed 's/.* late \([0-9]*\).*/\1/' <<<"$mn")" "$2"
}

# Two flows share the SA: the CN can send one flow's packet down the old
# path after the other flow's went down the new one (its route changes
# between two sockets' sends), and the MN then sees a lower sequence
# number after a higher one. Each path's order and each flow's are kept.
t_udp() {
	need_tool "$HO_PROBE" || return
	ho_run udp-esp mhod HO_DATA_ESP=1 HO_SIZE=64-4000 HO_FLOWS=2 || return
	ho_run_clean
	esp_clean "$(handoff_get "$RUN" received)"
}

# The sender and the receiver on CPU 0, as the UDP senders are (handoff.sh):
# a veth delivers to the backlog of the CPU that sends, so a stream sent
# from two CPUs is reordered by the emulated links themselves, which a
# wire does not do, and by dozens of packets (the TCP sender's segments
# go out from its own CPU and from the softirq of the ACK's). One flow:
# the MN's links carry every ESP packet in the order the CN numbered it.
t_tcp() {
	need_tool "$HO_BULK" || return
	ho_run tcp-esp mhod HO_DATA_ESP=1 HO_TCP_CPU=0 HO_TRAFFIC=tcp HO_TCP_BYTES=16000000 || return
	expect_eq short "$(handoff_get "$RUN" short)" 0
	expect_eq bad "$(handoff_get "$RUN" bad)" 0
	expect_eq bytes "$(handoff_get "$RUN" bytes)" 16000000
	expect_eq ctl_errors "$(handoff_get "$RUN" ctl_errors)" 0
	diag "tcp: timeouts $(handoff_get "$RUN" timeouts), retransmitted segments $(handoff_get "$RUN" retrans_segs)"
	# 16 MB is at least 16,000,000 / 1,440 segments.
	esp_clean 11111 0
}

ktap_plan 2
run_case "mhod, the MN's UDP in ESP (2 flows, fragments): nothing lost, reordered or duplicated" t_udp
run_case "mhod, the MN's TCP in ESP: the transfer arrives whole, in order on the wire, no replay error" t_tcp
ktap_finish
