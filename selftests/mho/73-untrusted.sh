#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Who may speak mho's tunnel protocol to a router: only a configured peer,
# to the local endpoint configured for it. Hand-made packets (mho_forge,
# from a raw socket) from others, or with a version this module does not
# speak, are dropped and counted in the nAR's "untrusted"; a packet whose
# option has another magic is not mho's, and is left alone.
#
# The topology of selftests/handoff.sh, no stream: pAR (2001:db8:12::1)
# and nAR (2001:db8:12::2) are each other's peer, with those addresses as
# the local endpoints; the nAR has the MN's binding (HOA 2001:db8:ff::1,
# peer the pAR). The CN, not a peer, reaches the nAR's endpoint directly.
# Every count is exact: nothing else sends the nAR mho packets.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../handoff.sh"

FORGE=${MHO_FORGE:-$MHO_SELFTESTS/tools/mho_forge}
CN_ADDR=2001:db8:2::1		# the CN's address on the nAR's link

mho_setup
[ -x "$FORGE" ] || { echo "$FORGE is missing (build selftests/tools)"; exit $KSFT_FAIL; }
handoff_setup || { echo "topology setup failed"; exit $KSFT_FAIL; }
# The peers and bindings of handoff.sh (_ho_bindings), but checked, and
# with holds and releases that last until the test ends them (the default
# max-hold is 2 s): 10 minutes, as ho_config's. 60 s was too short for the
# debug kernel on a busy host: a CI rehearsal's release outlived its
# marker-wait in case 3 (54 s) and its hold its max-hold in case 9
# (74 s). The CN gets a route to the routers' link.
setup() {
	"$MHOCTL" -n "$HO_PAR" peer add $HO_NAR_PEER local $HO_PAR_PEER name nar &&
	"$MHOCTL" -n "$HO_NAR" peer add $HO_PAR_PEER local $HO_NAR_PEER name par &&
	"$MHOCTL" -n "$HO_PAR" binding add role par hoa $HOA peer $HO_NAR_PEER &&
	"$MHOCTL" -n "$HO_NAR" limits set max-hold 600000 &&
	"$MHOCTL" -n "$HO_NAR" binding add role nar hoa $HOA peer $HO_PAR_PEER \
		marker-wait 600000 &&
	ip -n "$HO_CN" route add 2001:db8:12::/64 via 2001:db8:2::2
}
setup >/dev/null || { echo "setup failed"; exit $KSFT_FAIL; }

# forge NS ARGS...: mho_forge in NS, pinned to CPU 0 so that packets sent
# one after another are received in that order.
forge() {
	local ns=$1
	shift
	x nsx "$ns" taskset -c 0 "$FORGE" "$@"
}

# untrusted: the nAR's netns counter.
untrusted() {
	ho_stat "$HO_NAR" untrusted
}

# field KEY: KEY of the nAR's binding (state, queued_pkts, tunnel_rx,
# markers_rx, held, ...).
field() {
	ho_ctr "$HO_NAR" "$1"
}



want() {
	expect_eq "nAR binding's $1" "$(field "$1")" "$2"
}

nar_state() {
	x "$MHOCTL" -n "$HO_NAR" binding change match $HOA state "$1"
}

# begin [STATE]: the nAR's binding put in STATE, if given; then the
# caller's u and rx take the untrusted count and the binding's tunnel_rx.
begin() {
	[ -z "${1:-}" ] || nar_state "$1" || return
	u=$(untrusted)
	rx=$(field tunnel_rx)
}

want_untrusted() {
	expect_eq untrusted "$(untrusted)" "$1"
}

# from_peer ARGS...: mho_forge's packets from the pAR, the nAR's peer, to
# the nAR's endpoint, inner destination the HOA; from_cn: the same from
# the CN, not a peer.
from_peer() {
	forge "$HO_PAR" -s $HO_PAR_PEER -d $HO_NAR_PEER -i $HOA "$@"
}

from_cn() {
	forge "$HO_CN" -s $CN_ADDR -d $HO_NAR_PEER -i $HOA "$@"
}

t_nonpeer_data() {
	local u rx
	begin hold || return
	from_cn -n 5 || return
	settle untrusted $((u + 5)) untrusted
	want state hold
	want tunnel_rx 0
	want queued_pkts 0
	want held 0
}

t_nonpeer_marker() {
	local u rx
	begin release || return
	from_cn -e -S 0 || return
	settle untrusted $((u + 1)) untrusted
	want state release
	want markers_rx 0
}

t_peer_marker() {
	local u rx
	want state release || return
	begin
	# The marker says one packet was forwarded before it; none came yet,
	# so the old stream is not complete and the release goes on...
	from_peer -e -S 1 || return
	settle "nAR binding's markers_rx" 1 field markers_rx
	want state release
	# ...until that packet, overtaken by the marker, arrives.
	from_peer -S 1 || return
	settle "nAR binding's state" idle field state
	want tunnel_rx 1
	want_untrusted "$u"
}

t_version_magic() {
	local u rx
	begin
	# Another magic first: if it were taken for mho's, the count below
	# would be 2. Both from the real peer to its endpoint.
	from_peer -m 0x6d69 || return
	from_peer -V 2 || return
	settle untrusted $((u + 1)) untrusted
	want tunnel_rx "$rx"
}

t_wrong_local() {
	local u rx
	begin hold || return
	# To the nAR's address on the CN's link, not its endpoint for the pAR.
	forge "$HO_PAR" -s $HO_PAR_PEER -d 2001:db8:2::2 -i $HOA || return
	settle untrusted $((u + 1)) untrusted
	want tunnel_rx "$rx"
	want queued_pkts 0
	# The same packet to the endpoint is taken: it was the address.
	from_peer || return
	settle "nAR binding's tunnel_rx" $((rx + 1)) field tunnel_rx
	want queued_pkts 1
	want_untrusted $((u + 1))
	nar_state idle
}

# Tunnel packets that the entry point fragmented (RFC 2473 section 7): the
# nAR reassembles them when, and only when, they come from a peer.
t_frag_peer() {
	local u rx
	begin hold || return
	# 1400 bytes of UDP payload in 512-byte fragments: 3 each.
	from_peer -P 1400 -F 512 -n 4 || return
	settle "nAR binding's tunnel_rx" $((rx + 4)) field tunnel_rx
	want queued_pkts 4
	want queued_bytes $((4 * 1448))
	# The smallest fragments there are, 8 bytes each (181 of them): as
	# legitimate as any, and reassembled too.
	from_peer -P 1400 -F 8 -n 1 -S 50 || return
	settle "nAR binding's tunnel_rx" $((rx + 5)) field tunnel_rx
	want queued_pkts 5
	want_untrusted "$u"
	nar_state idle
}

t_frag_nonpeer() {
	local u rx
	begin hold || return
	# Each fragment is refused on its own: nothing is kept to reassemble.
	from_cn -P 1400 -F 512 -n 4 || return
	settle untrusted $((u + 12)) untrusted
	want tunnel_rx "$rx"
	want queued_pkts 0
	nar_state idle
}

# Overlapping fragments (RFC 5722), incomplete ones, and more than the
# reassembly memory may hold, all from the peer's address: whatever
# cannot be reassembled is dropped and counted, and what waits for its
# missing fragments is bounded and expires.
t_frag_bad() {
	local u rx n=40 tmo
	begin hold || return
	# Overlap: the second fragment of each packet kills its datagram.
	from_peer -P 1400 -F 512 -x overlap -n 4 -S 100 || return
	settle untrusted $((u + 4)) untrusted
	want tunnel_rx "$rx"
	# Incomplete: first fragments only, which time out.
	ns_sysctl "$HO_NAR" net/netfilter/nf_conntrack_frag6_timeout=2 || return
	tmo=$(nsx "$HO_NAR" nstat -asz Ip6ReasmTimeout | awk '$1 == "Ip6ReasmTimeout" { print $2 }')
	from_peer -P 1400 -F 512 -x first -n 10 -S 200 || return
	reasm_timeouts_are() {
		[ "$(nsx "$HO_NAR" nstat -asz Ip6ReasmTimeout |
			awk '$1 == "Ip6ReasmTimeout" { print $2 }')" -ge "$1" ]
	}
	wait_for 20 reasm_timeouts_are $((tmo + 10)) ||
		fail "incomplete datagrams did not time out"
	want tunnel_rx "$rx"
	# The memory: room for a few incomplete datagrams only; the
	# fragments beyond it are refused, and counted.
	u=$(untrusted)
	ns_sysctl "$HO_NAR" net/netfilter/nf_conntrack_frag6_low_thresh=16384 \
		net/netfilter/nf_conntrack_frag6_high_thresh=32768 || return
	from_peer -P 1400 -F 512 -x first -n $n -S 300 || return
	[ "$(untrusted)" -gt "$u" ] || fail "nothing was refused past the memory limit"
	[ "$(untrusted)" -lt $((u + n)) ] || fail "everything was refused"
	want tunnel_rx "$rx"
	want queued_pkts 0
	ns_sysctl "$HO_NAR" net/netfilter/nf_conntrack_frag6_high_thresh=4194304 \
		net/netfilter/nf_conntrack_frag6_low_thresh=3145728 \
		net/netfilter/nf_conntrack_frag6_timeout=60
	nar_state idle
}

# The cut-point marker: only the binding's peer may send one, and it
# drops only the unnumbered copies held before it.
t_cut() {
	local u rx
	begin hold || return
	from_cn -c || return
	settle untrusted $((u + 1)) untrusted
	# Two copies (sequence number 0), one forwarded packet (1), a cut.
	from_peer -S 0 || return
	from_peer -S 0 -p 9910 || return
	from_peer -S 1 || return
	settle "nAR binding's queued_pkts" 3 field queued_pkts
	from_peer -c || return
	settle "nAR binding's queued_pkts" 1 field queued_pkts
	want duplicates 2
	# A copy after the cut is a duplicate too.
	from_peer -S 0 -p 9911 || return
	settle "nAR binding's duplicates" 3 field duplicates
	want queued_pkts 1
	want tunnel_rx $((rx + 4))
	want_untrusted $((u + 1))
	nar_state idle
}

ktap_plan 9
run_case "data from a non-peer to the endpoint is dropped as untrusted" t_nonpeer_data
run_case "an end-marker from a non-peer does not end the release" t_nonpeer_marker
run_case "the peer's end-marker ends it, once the packets it counts are in" t_peer_marker
run_case "a wrong version is untrusted, another magic is not mho's" t_version_magic
run_case "a peer's packet to a local address that is not its endpoint is untrusted" t_wrong_local
run_case "a peer's fragmented tunnel packets, tiny ones too, are reassembled and held" t_frag_peer
run_case "fragments from a non-peer are untrusted, one by one" t_frag_nonpeer
run_case "overlapping, incomplete and too many fragments: dropped, bounded, counted" t_frag_bad
run_case "the cut-point marker: from the peer only, drops the copies held" t_cut
ktap_finish
