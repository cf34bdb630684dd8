# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# A handoff, measured: the topology of a correspondent node, two access
# routers and a mobile node, and one UDP stream across the MN's move from
# the pAR to the nAR, with or without mho. Source it after lib.sh:
#
#   . "$(dirname "$0")/../lib.sh"
#   . "$MHO_SELFTESTS/handoff.sh"
#
#            2001:db8:1::/64          2001:db8:a::/64
#        .------------------- pAR -------------------.
#        | ::1          ::2   | ::1   ::1         ::2 | mn0
#       CN                    | 2001:db8:12::/64      MN  HOA 2001:db8:ff::1 (lo)
#        | ::1          ::2   | ::2   ::1         ::2 | mn1 (down at first)
#        '------------------- nAR -------------------'
#            2001:db8:2::/64          2001:db8:b::/64
#
# Every link is a veth pair with fixed MAC addresses and permanent
# neighbour entries (no neighbour discovery, no DAD, no RA): nothing but
# the move itself interrupts the stream. pAR and nAR forward, and are each
# other's mho peer over 2001:db8:12::/64. The CN reaches the HOA via the
# pAR; "the binding update" is the CN's route replaced by one via the nAR.
#
# The move (handoff_run): the MN leaves its link to the pAR, HO_GAP
# seconds pass, it arrives on its link to the nAR. In the measured runs
# the two links behave as radio links (_ho_radio): both stay up, and the
# one the MN is not on loses everything. Modes (what mho does around it):
#
#   none     no mho binding: what arrives at the pAR during the move is lost
#   classic  smooth handoff: the pAR buffers from the departure and
#            forwards the buffer to the nAR after the binding update; the
#            nAR delivers what it gets at once, so the CN's direct packets
#            overtake the buffered ones
#   mho      the nAR holds (prepared before: FMIPv6's HI and HAck); the
#            pAR forwards from the departure (the MN's FBU), before the
#            binding update; once the MN is attached the nAR releases the
#            old stream, then, after the pAR's end-marker, the new one, in
#            order
#   mhod     as mho, but driven by the signaling: mhod on the pAR and
#            the nAR, its mobile node agent on the MN (ho_mhod_start),
#            and no mhoctl command after start-up. The MN's FBU (before
#            it leaves) has the pAR buffer and send HI to the nAR, which
#            holds; the HAck has the pAR forward; the MN's UNA on the new
#            link releases the hold; its FBU with lifetime 0, after the
#            binding update, has the pAR send its end-marker
#   ha       mho's home agent in the path (see "The home agent" below):
#            as mho, but the binding update goes to the home agent, whose
#            end-marker, not the operator, ends the pAR's forwarding
#   bicast   as mho, with two candidate nARs (ho_candidate_setup): the
#            pAR bicasts to both from the start and forwards to the nAR
#            when the MN leaves; the other's hold expires
#   stay     no mho, and no move: the same traffic undisturbed, for
#            comparison
#   mho-na   as mho, but nobody tells the nAR to release: the MN's
#            unsolicited Neighbor Advertisement for its new care-of
#            address (2001:db8:b::2, the nAR binding's ncoa) does. The
#            MN configures that address when its link comes up and sends
#            the NA when DAD is done (ndisc_notify), as a real MN would
#
#   handoff_run MODE OUTDIR
#
# builds the topology, runs one mode, tears the topology down and leaves
# in OUTDIR:
#
#   send.log   mho_probe's sender log: "seq send_ns [errno]" (flow 0;
#              send.N.log for flow N)
#   recv.log   the receiver's log: "seq send_ns recv_ns" per arrival
#              (recv.N.log)
#   events     "NAME ns", the moments of the move (CLOCK_MONOTONIC, like
#              the logs), each noted once it took effect: send, leave
#              (the departure begins), down (the old link is gone), up
#              (the new one is there), bu, sent, and mho's state changes
#   counters   mhoctl's view of both routers after the run
#   summary    key=value: mode, traffic, for UDP the receivers' numbers
#              added up over the flows (sent received lost duplicates
#              out_of_order bogus max_interruption_ms delay_min_ms
#              delay_avg_ms delay_max_ms added_delay_max_ms socket_drops
#              corrupt) and send_errors, for TCP those below; ctl_errors
#              (control commands that failed), gap_ms (from the departure
#              to the arrival, leave to up, as it happened); mhod mode:
#              signaling_ms (the MN agent's FBU to its FBack)
#
# It returns non-zero only if the run could not be made (topology, probe);
# what the run measured is for the caller to judge. Needs mho loaded
# (mho_setup) for the classic and mho modes.
#
# Tunables: HO_RATE (packets/s, 1000), HO_COUNT (3000; 6000 on the debug
# kernel), HO_MOVE_AT (the
# move starts this many seconds into the stream, 0.4), HO_GAP (seconds
# between down and up, 0.05), HO_PORT (9909).
#
# What the traffic is: HO_TRAFFIC=udp (mho_probe streams, the default) or
# tcp (mho_bulk, a bulk transfer to the MN). HO_FLOWS (1): that many
# flows, UDP flow i on port HO_PORT + i. HO_SIZE (64): the UDP payload,
# or MIN-MAX for mixed sizes (above 1452 the CN fragments them). TCP:
# HO_TCP_BYTES per flow (4,000,000), over the CN's links shaped with
# netem HO_TCP_SHAPE ("delay 5ms rate 40mbit limit 10000"); its summary
# has flows, bytes, bad, short, completion_ms and the CN's counters
# during the transfer: timeouts (RTOs), retrans_segs, loss_probes,
# spurious_rtos and packet_too_big. HO_TCP_CPU: the TCP sender and
# receiver run on that CPU only. HO_HOOK: a function called with
# MODE once the topology is up (a firewall, IPsec between the routers).
# HO_PCAP (mhod mode): a name; the signaling at the pAR, the nAR and the
# MN is captured (NAME-par, NAME-nar, NAME-mn) and printed for the host
# to decode (lib.sh, pcap_emit), each required to hold the messages its
# node must see in that kind of move; a capture that holds nothing
# fails the run.

HO_RATE=${HO_RATE:-1000}
# On the debug kernel the move takes longer (each step a few hundred
# milliseconds): a longer stream, so that it still runs when the binding
# update comes.
if [ "${MHO_FLAVOUR:-}" = debug ]; then
	HO_COUNT=${HO_COUNT:-6000}
else
	HO_COUNT=${HO_COUNT:-3000}
fi
HO_MOVE_AT=${HO_MOVE_AT:-0.4}
HO_GAP=${HO_GAP:-0.05}
HO_PORT=${HO_PORT:-9909}
HO_SIZE=${HO_SIZE:-64}
HO_FLOWS=${HO_FLOWS:-1}
HO_TRAFFIC=${HO_TRAFFIC:-udp}
HO_TCP_BYTES=${HO_TCP_BYTES:-4000000}
HO_TCP_SHAPE=${HO_TCP_SHAPE:-delay 5ms rate 40mbit limit 10000}
HO_HOOK=${HO_HOOK:-}
HO_PCAP=${HO_PCAP:-}
HO_BULK=${MHO_BULK:-$MHO_SELFTESTS/tools/mho_bulk}
HO_PROBE=${MHO_PROBE:-$MHO_SELFTESTS/tools/mho_probe}

HOA=2001:db8:ff::1
HO_PAR_PEER=2001:db8:12::1	# the pAR's tunnel endpoint
HO_NAR_PEER=2001:db8:12::2	# the nAR's

# The home agent. With ho_home_setup, the CN's namespace becomes the MN's
# home agent and a new one, SRC, is the correspondent:
#
#   SRC 2001:db8:c::2 --- 2001:db8:c::1 HA (the CN namespace) ...
#
# The HA's address, 2001:db8:ee::1, is on its loopback and is the
# preferred source of its routes to the MN's care-of addresses, CoA1
# (behind the pAR) and CoA2 (behind the nAR), both on the MN's loopback.
# The MN decapsulates with an ip6tnl device from the HA (ha0). The pAR
# and the nAR route CoA1 and CoA2 to the MN (the nAR CoA1 too, for the
# packets the pAR forwards).
HO_HA=2001:db8:ee::1
HO_COA1=2001:db8:a::10
HO_COA2=2001:db8:b::10
HO_HA_PAR=2001:db8:1::2		# the pAR, seen from the HA
HO_HA_NAR=2001:db8:2::2		# the nAR, seen from the HA

# Namespace names, unique per process (several tests may run at once).
HO_CN=mho-ho-$$-cn
HO_PAR=mho-ho-$$-par
HO_NAR=mho-ho-$$-nar
HO_MN=mho-ho-$$-mn
HO_SRC=mho-ho-$$-src
HO_NAR2=mho-ho-$$-nartwo

# The bicast mode's second candidate (ho_candidate_setup): an nAR the MN
# never reaches, on 2001:db8:13::/64 behind the pAR.
HO_NAR2_PEER=2001:db8:13::2	# its tunnel endpoint
HO_PAR_PEER2=2001:db8:13::1	# the pAR's, towards it

# ---- topology ----------------------------------------------------------------

# _ho_link ID NS1 IF1 NS2 IF2: a veth pair on 2001:db8:ID::/64, NS1's end
# ::1 (MAC 02:00:00:00:ID:01), NS2's ::2 (02:00:00:00:ID:02), with
# permanent neighbour entries both ways. NS1's end comes up; NS2's too
# unless it is the MN's mn1, which the move brings up. It only adds the
# commands to the batches _ho_batch_run runs (ip_batch, lib.sh): the
# pair to this namespace's, the rest to each end's.
_ho_link() {
	local id=$1 ns1=$2 if1=$3 ns2=$4 if2=$5
	local mac1 mac2 a1=2001:db8:$1::1 a2=2001:db8:$1::2
	mac1=02:00:00:00:$(printf %02x $((16#$id))):01
	mac2=02:00:00:00:$(printf %02x $((16#$id))):02
	_ho_add - "link add $if1 netns $ns1 address $mac1 type veth peer name $if2 netns $ns2 address $mac2"
	_ho_add "$ns1" "addr add $a1/64 dev $if1 nodad
neigh replace $a2 lladdr $mac2 dev $if1 nud permanent
link set $if1 up"
	_ho_add "$ns2" "addr add $a2/64 dev $if2 nodad
neigh replace $a1 lladdr $mac1 dev $if2 nud permanent"
	[ "$if2" = mn1 ] || _ho_add "$ns2" "link set $if2 up"
}

# _ho_add NS|- LINES: LINES appended to NS's batch; _ho_batch_run runs
# this namespace's ("-") first, then each other's in the order it was
# first named.
declare -gA _ho_batch=()
_ho_batch_ns=()
_ho_add() {
	[ -n "${_ho_batch[$1]+set}" ] || _ho_batch_ns+=("$1")
	_ho_batch[$1]+="$2"$'\n'
}

_ho_batch_reset() {
	_ho_batch=()
	_ho_batch_ns=()
}

_ho_batch_run() {
	local ns rc=0
	[ -z "${_ho_batch[-]+set}" ] || ip_batch - "${_ho_batch[-]}" || rc=1
	for ns in "${_ho_batch_ns[@]}"; do
		[ $rc = 0 ] && [ "$ns" != - ] || continue
		ip_batch "$ns" "${_ho_batch[$ns]}" || rc=1
	done
	_ho_batch_reset
	return $rc
}

# handoff_setup: the topology above, the MN attached to the pAR.
handoff_setup() {
	local ns
	_ho_batch_reset
	_HO_METRIC=1000 # _ho_reroute's, below the kernel's default 1024
	# The MN's addresses survive its links going down, across the move.
	ns_create "$HO_CN" "$HO_PAR" "$HO_NAR" "$HO_MN" || return 1
	for ns in "$HO_CN" "$HO_MN"; do
		ns_sysctl "$ns" "${NS_QUIET[@]}" || return 1
		_ho_add "$ns" "link set lo up"
	done
	for ns in "$HO_PAR" "$HO_NAR"; do
		ns_sysctl "$ns" "${NS_QUIET[@]}" \
			net/ipv6/conf/all/forwarding=1 || return 1
		_ho_add "$ns" "link set lo up"
	done

	_ho_link 1 "$HO_CN" to-par "$HO_PAR" to-cn
	_ho_link 2 "$HO_CN" to-nar "$HO_NAR" to-cn
	_ho_link 12 "$HO_PAR" to-nar "$HO_NAR" to-par
	_ho_link a "$HO_PAR" to-mn "$HO_MN" mn0
	_ho_link b "$HO_NAR" to-mn "$HO_MN" mn1
	_ho_add "$HO_MN" "addr add $HOA/128 dev lo nodad
route add default via 2001:db8:a::1 dev mn0"
	# (the MN's way back, TCP's acknowledgements: its current router)
	_ho_add "$HO_CN" "route add $HOA via 2001:db8:1::2"
	_ho_add "$HO_PAR" "route add $HOA via 2001:db8:a::2
route add 2001:db8:2::/64 via 2001:db8:12::2
route add 2001:db8:b::/64 via 2001:db8:12::2"
	_ho_add "$HO_NAR" "route add $HOA via 2001:db8:b::2
route add 2001:db8:1::/64 via 2001:db8:12::1
route add 2001:db8:a::/64 via 2001:db8:12::1"
	_ho_batch_run
}

# ho_home_setup: after handoff_setup, the home agent topology above (no
# mho configuration).
ho_home_setup() {
	_ho_batch_reset
	ns_create "$HO_SRC" || return 1
	_ho_add "$HO_SRC" "link set lo up"
	ns_sysctl "$HO_SRC" net/ipv6/conf/all/accept_dad=0 \
		net/ipv6/conf/default/accept_dad=0 || return 1
	ns_sysctl "$HO_CN" net/ipv6/conf/all/forwarding=1 || return 1
	_ho_link c "$HO_CN" to-src "$HO_SRC" to-ha
	_ho_add "$HO_SRC" "route add default via 2001:db8:c::1"
	_ho_add "$HO_CN" "addr add $HO_HA/128 dev lo nodad
route add $HO_COA1/128 via $HO_HA_PAR src $HO_HA
route add $HO_COA2/128 via $HO_HA_NAR src $HO_HA"
	_ho_add "$HO_MN" "addr add $HO_COA1/128 dev lo nodad
addr add $HO_COA2/128 dev lo nodad
link add ha0 type ip6tnl mode ip6ip6 remote $HO_HA
link set ha0 up"
	_ho_add "$HO_PAR" "route add $HO_COA1/128 via 2001:db8:a::2"
	_ho_add "$HO_NAR" "route add $HO_COA1/128 via 2001:db8:b::2
route add $HO_COA2/128 via 2001:db8:b::2"
	_ho_batch_run
}

# ho_candidate_setup: after handoff_setup, a second nAR (NAR2), linked to
# the pAR only.
ho_candidate_setup() {
	_ho_batch_reset
	ns_create "$HO_NAR2" || return 1
	_ho_add "$HO_NAR2" "link set lo up"
	ns_sysctl "$HO_NAR2" net/ipv6/conf/all/accept_dad=0 \
		net/ipv6/conf/default/accept_dad=0 net/ipv6/conf/all/forwarding=1 ||
		return 1
	_ho_link 13 "$HO_PAR" to-nartwo "$HO_NAR2" to-par
	_ho_batch_run
}

handoff_teardown() {
	ns_del_existing "$HO_CN" "$HO_PAR" "$HO_NAR" "$HO_MN" "$HO_SRC" \
		"$HO_NAR2"
}

# ---- the run -----------------------------------------------------------------

# The logs' times are CLOCK_MONOTONIC; bash only reads the wall clock
# ($EPOCHREALTIME). _ho_clock finds the offset: /proc/uptime shows
# CLOCK_BOOTTIME (the same as MONOTONIC without suspend) truncated to
# 10 ms, so right after its value changes, the boot time is a whole
# number of 10 ms. Good to the time one read of /proc/uptime takes.
_ho_clock() {
	local up0 up rt i
	read -r up0 _ </proc/uptime
	for ((i = 0; i < 100000; i++)); do
		read -r up _ </proc/uptime
		rt=$EPOCHREALTIME
		[ "$up" = "$up0" ] || break
	done
	# microseconds: wall clock - boot time
	_ho_off_us=$(( ${rt/./} - ${up/./} * 10000 ))
}

# _ho_event NAME: note the moment (after a step, when it took effect).
_ho_event() {
	local rt=$EPOCHREALTIME
	echo "$1 $(( (${rt/./} - _ho_off_us) * 1000 ))" >>"$_ho_out/events"
}

# _ho_ctl NS ARGS...: an mhoctl command on one router; a failure is noted
# (ctl_errors, and its message in OUTDIR/ctl.err), not fatal: the stream
# goes on and shows what the routers did.
_ho_ctl() {
	local ns=$1 out
	shift
	if ! out=$("$MHOCTL" -n "$ns" "$@" 2>&1); then
		printf 'mhoctl -n %s %s: %s\n' "$ns" "$*" "$out" >>"$_ho_out/ctl.err"
		_ho_ctl_errors=$((_ho_ctl_errors + 1))
		return 1
	fi
	return 0
}

# handoff_state NS: the state of the HOA's binding in NS ("" if none).
handoff_state() {
	"$MHOCTL" -n "$1" -j binding show match $HOA 2>/dev/null |
		sed -n 's/.*"state":"\([a-z]*\)".*/\1/p'
}

# _ho_settled NS: the binding in NS is idle, or gone, or shows no state
# (an mhoctl or module without states: waiting would not help).
_ho_settled() {
	case $(handoff_state "$1") in
	idle | "") return 0 ;;
	esac
	return 1
}

_ho_gone() {
	! kill -0 "$1" 2>/dev/null
}

_ho_receiver_ready() {
	[ -n "$(nsx "$HO_MN" ss -Hlun "sport = :$HO_PORT")" ]
}

# _ho_limits NS: room for a whole stream, full-size packets included
# (the default max-bytes, 1 MiB, is 700 of them), held for as long as a
# move can take under emulation on a busy host: the default max-hold,
# 2 s, would drop it.
HO_LIMITS="max-hold 30000 max-pkts 65536 max-bytes 134217728 total-pkts 262144 total-bytes 268435456"
_ho_limits() {
	# shellcheck disable=SC2086 # words
	_ho_ctl "$1" limits set $HO_LIMITS
}

# FMIPv6's messages, as tshark's display filters (no spaces).
_HO_RTSOLPR=icmpv6.fmip6.subtype==2 _HO_PRRTADV=icmpv6.fmip6.subtype==3
_HO_FBU=mip6.mhtype==8 _HO_FBACK=mip6.mhtype==9 _HO_HI=mip6.mhtype==14
_HO_HACK=mip6.mhtype==15 _HO_UNA=icmpv6.type==136
# The same in ESP (mhod's signaling, ho_esp_setup).
_HO_FBU_ESP=esp\&\&$_HO_FBU _HO_FBACK_ESP=esp\&\&$_HO_FBACK
_HO_HI_ESP=esp\&\&$_HO_HI _HO_HACK_ESP=esp\&\&$_HO_HACK

# _ho_pcap_start: with HO_PCAP, capture the signaling at the pAR, the nAR
# and the MN. With HO_MHOD_CTX, a reactive move has the MN's CTAR and the
# nAR's CTAA (CXTP over ICMPv6 150, which tshark cannot decode): they go
# to a capture of their own at the MN, HO_PCAP-cxtp, which the run keeps
# (OUTDIR/cxtp.pcap) for mhod's parser (tools/mho_cxtp -r).
_ho_pcap_start() {
	local x=()
	[ -n "$HO_PCAP" ] || return 0
	if ! _ho_esp_null; then
		diag "no capture: this kernel has no cipher_null, its ESP is encrypted (see ho_esp_setup)"
		HO_PCAP=
		return 0
	fi
	if [ -n "${HO_MHOD_CTX:-}" ] && [ "${HO_MHOD_MOVE:-}" = reactive ]; then
		x=(-x)
		pcap_start "$HO_MN" "$HO_PCAP-cxtp" -c || return
	fi
	{ [ -z "${HO_MHOD_HA:-}" ] || pcap_start "$HO_CN" "$HO_PCAP-ha"; } &&
	pcap_start "$HO_PAR" "$HO_PCAP-par" "${x[@]}" &&
	pcap_start "$HO_NAR" "$HO_PCAP-nar" "${x[@]}" &&
	pcap_start "$HO_MN" "$HO_PCAP-mn" "${x[@]}"
}

# The MN's BU as the home agent gets it (from the care-of address, with
# a Home Address option, in ESP), and the BA it sends (in ESP, through a
# type 2 Routing Header).
_HO_BU_HAO="esp&&mip6.mhtype==5&&mip6.bu.h_flag==1&&ipv6.opt.mipv6.home_address==$HOA&&mip6.acoa.acoa"
_HO_BA_RH2="esp&&mip6.mhtype==6&&mip6.ba.status==0&&ipv6.routing.mipv6.home_address==$HOA"

# _ho_pcap_emit: print the captures, each with the messages its node must
# have seen: predictive, the MN's RtSolPr and FBU on the old link, the
# routers' HI and HAck, the FBack, the UNA on the new link; reactive, the
# UNA, and the FBU and FBack through the nAR.
_ho_pcap_emit() {
	local rc=0
	[ -n "$HO_PCAP" ] || return 0
	if [ -n "${_pcap_pids[$HO_PCAP-cxtp]:-}" ]; then
		pcap_stop "$HO_PCAP-cxtp"
		cp "$TMPD/$HO_PCAP-cxtp.pcap" "$_ho_out/cxtp.pcap" || rc=1
	fi
	if [ -n "${HO_MHOD_HA:-}" ]; then
		pcap_emit "$HO_PCAP-ha" "$_HO_BU_HAO&&ipv6.src==2001:db8:a::2" \
			"$_HO_BU_HAO&&ipv6.src==2001:db8:b::2" \
			"$_HO_BA_RH2&&ipv6.dst==2001:db8:b::2" || rc=1
	fi
	if [ "${HO_MHOD_MOVE:-predictive}" = reactive ]; then
		pcap_emit "$HO_PCAP-par" $_HO_FBU_ESP $_HO_HI_ESP $_HO_HACK_ESP $_HO_FBACK || rc=1
		pcap_emit "$HO_PCAP-nar" $_HO_UNA $_HO_FBU_ESP $_HO_HI_ESP $_HO_HACK_ESP $_HO_FBACK || rc=1
		pcap_emit "$HO_PCAP-mn" $_HO_UNA $_HO_FBU_ESP $_HO_FBACK || rc=1
	else
		# Pre-authentication: FBU, HI, HAck and FBack carry its option.
		local pa=${HO_MHOD_PREAUTH:+&&mip6.em.data}
		pcap_emit "$HO_PCAP-par" $_HO_RTSOLPR $_HO_PRRTADV $_HO_FBU_ESP$pa $_HO_HI_ESP$pa \
			$_HO_HACK_ESP$pa $_HO_FBACK_ESP$pa || rc=1
		pcap_emit "$HO_PCAP-nar" $_HO_HI_ESP$pa $_HO_HACK_ESP$pa $_HO_UNA || rc=1
		pcap_emit "$HO_PCAP-mn" $_HO_RTSOLPR $_HO_PRRTADV $_HO_FBU_ESP$pa $_HO_FBACK$pa \
			$_HO_UNA || rc=1
	fi
	return $rc
}

# _ho_bindings: the routers as each other's peers, and the MN's binding
# on each (idle).
_ho_bindings() {
	_ho_limits "$HO_PAR"
	_ho_limits "$HO_NAR"
	if [ "$1" = mhod ]; then
		_ho_pcap_start ||
			{ _ho_ctl_errors=$((_ho_ctl_errors + 1)); diag "no capture"; }
		# The daemons make the peers and bindings themselves.
		ho_mhod_start "$_ho_out/mhod" ||
			{ _ho_ctl_errors=$((_ho_ctl_errors + 1)); diag "mhod did not start"; }
		[ -z "${HO_DATA_ESP:-}" ] || ho_data_esp ||
			{ _ho_ctl_errors=$((_ho_ctl_errors + 1)); diag "no ESP for the data"; }
		[ -z "${HO_MHOD_CTX:-}" ] || ho_data_ar_esp ||
			{ _ho_ctl_errors=$((_ho_ctl_errors + 1)); diag "no ESP tunnel to the AR"; }
		# HO_MHOD_CTX_COLLIDE: another peer's SA at the nAR has the
		# SPI of the MN's SA to its AR; the import must change it.
		[ -z "${HO_MHOD_CTX_COLLIDE:-}" ] ||
			ipn "$HO_NAR" xfrm state add src 2001:db8:99::1 dst 2001:db8:12::2 \
				proto esp spi $HO_CTX_SPI_UP reqid 9 mode tunnel \
				aead 'rfc4106(gcm(aes))' "0x$(od -An -tx1 -N20 /dev/urandom | tr -d ' \n')" 128 ||
			{ _ho_ctl_errors=$((_ho_ctl_errors + 1)); diag "no colliding SA"; }
		return
	fi
	_ho_ctl "$HO_PAR" peer add $HO_NAR_PEER local $HO_PAR_PEER name nar
	_ho_ctl "$HO_NAR" peer add $HO_PAR_PEER local $HO_NAR_PEER name par
	if [ "$1" = bicast ]; then
		# Two candidates, both holding, and the pAR bicasting to them
		# from the start (FMIPv6's PrRtAdv named both). The one the
		# MN never reaches lets its hold expire.
		_ho_limits "$HO_NAR2"
		# Both candidates hold from now, before the receivers and the
		# stream start: on a slow host (the debug kernel's 72-bicast
		# took ten minutes in a rehearsal) that outlasts HO_LIMITS's
		# 30 s before the MN arrives. (The other's hold is cut short
		# after the run, with its own max-hold.)
		_ho_ctl "$HO_NAR" limits set max-hold 300000
		_ho_ctl "$HO_NAR2" limits set max-hold 300000
		_ho_ctl "$HO_PAR" peer add $HO_NAR2_PEER local $HO_PAR_PEER2 name nartwo
		_ho_ctl "$HO_NAR2" peer add $HO_PAR_PEER2 local $HO_NAR2_PEER name par
		_ho_ctl "$HO_NAR2" binding add role nar hoa $HOA peer $HO_PAR_PEER2 \
			state hold
		_ho_ctl "$HO_NAR" binding add role nar hoa $HOA peer $HO_PAR_PEER state hold
		# (It lingers until its counters are read, after the other
		# candidate's hold has expired.)
		_ho_ctl "$HO_PAR" binding add role par hoa $HOA peer $HO_NAR_PEER \
			bicast $HO_NAR_PEER,$HO_NAR2_PEER state bicast linger 600000
		return
	fi
	if [ "$1" != ha ]; then
		# (It lingers until its counters are read, however slow the
		# kernel: by default, for max-hold.)
		_ho_ctl "$HO_PAR" binding add role par hoa $HOA peer $HO_NAR_PEER \
			linger 600000
		_ho_ctl "$HO_NAR" binding add role nar hoa $HOA peer $HO_PAR_PEER
		return
	fi
	# The home agent's packets are for the care-of addresses. Nobody
	# says "end" to the pAR: the nAR's new stream waits for the marker
	# (for ever, as far as the run goes) unless the home agent sends one.
	_ho_ctl "$HO_PAR" peer add $HO_HA name ha
	# (It lingers long enough for its counters to be read after the run,
	# however slow the kernel.)
	_ho_ctl "$HO_PAR" binding add role par hoa $HOA coa $HO_COA1 peer $HO_NAR_PEER \
		linger 600000
	_ho_ctl "$HO_NAR" binding add role nar hoa $HOA coa $HO_COA1 \
		ncoa $HO_COA2 peer $HO_PAR_PEER marker-wait 600000
	_ho_ctl "$HO_CN" peer add $HO_HA_PAR local $HO_HA name par
	_ho_ctl "$HO_CN" peer add $HO_HA_NAR local $HO_HA name nar
	_ho_ctl "$HO_CN" binding add role ha hoa $HOA coa $HO_COA1 peer $HO_HA_PAR
}

# ---- the move's control plane ---------------------------------------------
#
# Each step of the move is a command to a program that is already running
# (ip -batch in the MN's and the CN's namespaces, mhoctl -batch in each
# router's), fed through a FIFO, and waited for: the step has taken
# effect when the program answers the command that follows it (one line,
# and both programs flush their output after each command). No process
# is started during the move, so that its steps follow each other within
# a millisecond or so, as a signalling daemon's would, and not after a
# fork and exec each (tens of milliseconds under emulation). The gap is
# timed by bash itself (read -t) for the same reason.

declare -A _ho_wfd _ho_rfd _ho_sync _ho_ready

# _ho_ctl_open NAME SYNC READY CMD...: start CMD, reading commands from a
# FIFO; SYNC is a command whose one line of output starts with READY.
_ho_ctl_open() {
	local name=$1 sync=$2 ready=$3 d=$_ho_out/ctl fd
	shift 3
	mkdir -p "$d" && mkfifo "$d/$name.in" "$d/$name.out" || return 1
	"$@" <"$d/$name.in" >"$d/$name.out" 2>>"$_ho_out/ctl.err" &
	bg_add $!
	exec {fd}<>"$d/$name.in"
	_ho_wfd[$name]=$fd
	exec {fd}<>"$d/$name.out"
	_ho_rfd[$name]=$fd
	_ho_sync[$name]=$sync
	_ho_ready[$name]=$ready
}

# _ho_ctl_do NAME COMMAND...: run each COMMAND (a line) and wait until
# it has taken effect. A failure is noted (ctl_errors, the program's
# message in OUTDIR/ctl.err), not fatal: the stream goes on and shows
# what the routers did. _ho_ctl_send NAME COMMAND... does not wait, and
# _ho_ctl_wait NAME waits for what was sent: steps in several
# namespaces at once.
_ho_ctl_do() {
	_ho_ctl_send "$@" && _ho_ctl_wait "$1"
}

_ho_ctl_send() {
	local name=$1
	shift
	printf '%s\n' "$@" >&"${_ho_wfd[$name]}"
}

_ho_ctl_wait() {
	local name=$1 line
	printf '%s\n' "${_ho_sync[$name]}" >&"${_ho_wfd[$name]}"
	while read -r -t 60 -u "${_ho_rfd[$name]}" line; do
		[[ $line != "${_ho_ready[$name]}"* ]] || return 0
	done
	diag "handoff: $name did not answer"
	_ho_ctl_errors=$((_ho_ctl_errors + 1))
	return 1
}

# _ho_ctl_start / _ho_ctl_stop: the programs, for one run.
_ho_ctl_start() {
	local ns
	_ho_ctl_open mn "link show dev lo" "1: lo" ip -o -force -n "$HO_MN" -batch - &&
	_ho_ctl_open cn "link show dev lo" "1: lo" ip -o -force -n "$HO_CN" -batch - || return 1
	for ns in "$HO_PAR" "$HO_NAR" "$HO_MN"; do
		_ho_ctl_open "${ns##*-}-tc" "qdisc show dev lo" "qdisc " \
			tc -force -n "$ns" -batch - || return 1
	done
	for ns in "$HO_PAR" "$HO_NAR" "$HO_CN"; do
		_ho_ctl_open "${ns##*-}-mho" stats "stats " "$MHOCTL" -n "$ns" -force -batch - ||
			return 1
	done
	mkfifo "$_ho_out/ctl/nap" && exec {_ho_nap_fd}<>"$_ho_out/ctl/nap"
}

_ho_ctl_stop() {
	local name fd
	for name in "${!_ho_wfd[@]}"; do
		fd=${_ho_wfd[$name]}
		exec {fd}>&-
		fd=${_ho_rfd[$name]}
		exec {fd}<&-
	done
	[ -z "${_ho_nap_fd:-}" ] || exec {_ho_nap_fd}<&-
	_ho_nap_fd=
	_ho_wfd=() _ho_rfd=()
	# What the programs said about failed commands.
	_ho_ctl_errors=$((_ho_ctl_errors + $(grep -c 'Command failed' "$_ho_out/ctl.err" 2>/dev/null || true)))
}

# _ho_nap SECONDS: sleep without starting a process.
_ho_nap() {
	read -r -t "$1" -u "$_ho_nap_fd" _ || true
}

# _ho_state NS STATE: set the HOA's binding in NS to STATE and note when
# it took effect ("par-forward", ...).
_ho_state() {
	_ho_ctl_do "${1##*-}-mho" "binding set match $HOA state $2"
	_ho_event "${1##*-}-$2"
}

# _ho_radio: the MN's two links as radio links rather than cables, for
# the measured runs: both stay up, and a link the MN is not on loses
# every packet (netem loss 100% at both ends). Leaving and arriving are
# then a change of a qdisc's parameters, which takes effect at once;
# taking a link down waits for a grace period (synchronize_net()), tens
# of milliseconds under emulation, while the MN goes on receiving.
_ho_radio() {
	tc -n "$HO_PAR" qdisc add dev to-mn root netem loss 0% &&
	tc -n "$HO_MN" qdisc add dev mn0 root netem loss 0% &&
	tc -n "$HO_NAR" qdisc add dev to-mn root netem loss 100% &&
	tc -n "$HO_MN" qdisc add dev mn1 root netem loss 100% &&
	ipn "$HO_MN" link set mn1 up &&
	wait_for 60 ho_oper_up "$HO_MN" mn1 &&
	wait_for 60 ho_oper_up "$HO_NAR" to-mn
}

# _ho_link_loss ROUTER_NS MN_IF PERCENT: the loss of the MN's link to
# ROUTER_NS, both ways.
_ho_link_loss() {
	local r=${1##*-}
	_ho_ctl_send "$r-tc" "qdisc change dev to-mn root netem loss $3%"
	_ho_ctl_do mn-tc "qdisc change dev $2 root netem loss $3%"
	_ho_ctl_wait "$r-tc"
}

# _ho_cross MODE: after the MN went silent on the old link (mn-tc), the
# pAR's end goes silent too and the MN is gone (event down) for HO_GAP;
# then the arrival: both ends of the new link come up, and the MN's route
# out (in mho-na mode, after its new address on mn1). Returns once the
# links are up; the MN's commands are waited for with _ho_ctl_wait mn.
_ho_cross() {
	_ho_ctl_do par-tc "qdisc change dev to-mn root netem loss 100%"
	_ho_ctl_wait mn-tc
	_ho_event down
	_ho_nap "$HO_GAP"
	_ho_ctl_send nar-tc "qdisc change dev to-mn root netem loss 0%"
	_ho_ctl_send mn-tc "qdisc change dev mn1 root netem loss 0%"
	[ "$1" != mho-na ] || _ho_ctl_send mn "addr add 2001:db8:b::2/64 dev mn1"
	_ho_reroute mn "default via 2001:db8:b::1 dev mn1" send
	_ho_ctl_wait nar-tc
	_ho_ctl_wait mn-tc
}

# _ho_reroute CTL ROUTE [send]: the namespace of CTL (an "ip -batch" of
# _ho_ctl_open) takes ROUTE ("PREFIX via ADDR [dev IF]") instead of the
# route it used, with _ho_ctl_do (or _ho_ctl_send). ROUTE is added with a
# metric lower than any before it, and the old route stays: "ip route
# replace" would delete it, and the kernel discards what a sender on
# another CPU is sending through that route at that moment
# (dst_discard_out, counted nowhere: the sender is told it was sent). A
# loss of the moving of routes, not of the handoff. Adding a route makes
# every socket look its route up again.
_ho_reroute() {
	_HO_METRIC=$((_HO_METRIC - 1))
	"_ho_ctl_${3:-do}" "$1" "route add $2 metric $_HO_METRIC"
}

# _ho_move MODE: the move, with what MODE does around it. What a router
# can prepare (the nAR's hold: FMIPv6's HI and HAck) is done first; the
# pAR starts forwarding (or buffering) when the MN leaves: its FBU.
_ho_move() {
	[ "$1" != stay ] || return 0
	if [ "$1" = mhod ]; then
		_ho_move_mhod
		return
	fi
	case $1 in
	mho | mho-na | ha)
		_ho_state "$HO_NAR" hold
		;;
	esac
	if [ "$1" = mho-na ]; then
		# The MN configures its new care-of address on arrival, with
		# DAD (100 ms), and then announces it.
		_ho_ctl_do nar-mho "binding set match $HOA ncoa 2001:db8:b::2"
		_ho_ctl_do mn "addr del 2001:db8:b::2/64 dev mn1"
		ns_sysctl "$HO_MN" net/ipv6/conf/mn1/ndisc_notify=1 \
			net/ipv6/conf/mn1/accept_dad=1 net/ipv6/conf/mn1/dad_transmits=1 \
			net/ipv6/neigh/mn1/retrans_time_ms=100
	fi
	# The departure: the MN is no longer heard on the old link, and
	# the pAR forwards (or buffers) what it would have sent there; then
	# the pAR's end of the link goes silent too (in none mode, that is
	# the departure).
	_ho_event leave
	_ho_ctl_send mn-tc "qdisc change dev mn0 root netem loss 100%"
	case $1 in
	classic)
		_ho_state "$HO_PAR" buffer
		;;
	mho | mho-na | ha | bicast)
		_ho_state "$HO_PAR" forward
		;;
	esac
	_ho_cross "$1"
	_ho_event up
	case $1 in
	mho | ha | bicast)
		_ho_state "$HO_NAR" release
		;;
	esac
	_ho_ctl_wait mn
	if [ "$1" = ha ]; then
		_ho_ctl_do cn-mho "binding set match $HOA coa $HO_COA2 peer $HO_HA_NAR"
	else
		_ho_reroute cn "$HOA via 2001:db8:2::2"
		case $1 in
		classic | mho | mho-na | bicast) _ho_old_path_drained ;;
		esac
	fi
	_ho_event bu
	case $1 in
	classic)
		_ho_state "$HO_PAR" forward
		_ho_state "$HO_PAR" end
		;;
	mho | mho-na | bicast)
		_ho_state "$HO_PAR" end
		;;
	esac
}

# _ho_old_path_drained: before the pAR is told "end", what the CN sent
# towards it before the binding update has reached it. A home agent's
# end-marker (ha mode) follows the last packet on the old path in band;
# the pAR's "end" here comes out of band, and would otherwise overtake
# packets still in the old path's queues (on the debug kernel, with a
# stateful firewall reassembling fragments, dozens of them, which then
# reached the nAR after its release). An echo request from the sender's
# CPU, on the same link, queues behind them (a veth queues on the
# sending CPU's backlog, in order): its reply says they are through.
_ho_old_path_drained() {
	ip netns exec "$HO_CN" taskset -c 0 ping -c 1 -W 5 2001:db8:1::2 \
		>/dev/null 2>&1 && return
	diag "handoff: the pAR did not answer the drain probe"
	_ho_ctl_errors=$((_ho_ctl_errors + 1))
}

# _ho_counters: both routers' bindings and netns counters, to
# OUTDIR/counters and as diagnostics. The pAR's binding is deleted when
# its linger time (after "end") is over: only the netns counters stay.
_ho_counters() {
	local ns m routers=("$HO_PAR" "$HO_NAR")
	[ "$1" != ha ] && [ -z "${HO_MHOD_HA:-}" ] || routers+=("$HO_CN")
	[ "$1" != bicast ] || routers+=("$HO_NAR2")
	for ns in "$HO_CN" "$HO_PAR" "$HO_NAR" "$HO_MN"; do
		nsx "$ns" cat /proc/net/snmp6 >"$_ho_out/snmp6.${ns##*-}" 2>/dev/null
		nsx "$ns" cat /proc/net/xfrm_stat >"$_ho_out/xfrm_stat.${ns##*-}" 2>/dev/null
	done
	# HO_MHOD_CTX: each node's SAs (without their keys) and policies.
	for ns in "$HO_PAR" "$HO_NAR" "$HO_MN"; do
		[ -n "${HO_MHOD_CTX:-}" ] || break
		ipn "$ns" -s xfrm state 2>/dev/null |
			grep -Ev '^[[:space:]]*(aead|enc|auth|auth-trunc|comp) ' \
			>"$_ho_out/ctx-states.${ns##*-}"
		ipn "$ns" xfrm policy >"$_ho_out/ctx-policies.${ns##*-}" 2>/dev/null
	done
	# The data's SA into the MN (ho_data_esp): its packets (not its key).
	[ -z "${HO_DATA_ESP:-}" ] || _ho_esp_seq_stop
	[ -z "${HO_DATA_ESP:-}" ] ||
		ipn "$HO_MN" -s xfrm state list dst $HOA proto esp spi $HO_DATA_SPI 2>/dev/null |
		awk '/^[ \t]*[0-9]+\(bytes\), [0-9]+\(packets\)/ {
			sub(/.*, /, ""); sub(/\(packets\).*/, ""); print; exit }' \
		>"$_ho_out/data-esp.mn"
	for ns in "${routers[@]}"; do
		# (HO_MHOD_HA: the ARs know the MN by its care-of address.)
		m=$HOA
		[ -z "${HO_MHOD_HA:-}" ] || [ "$ns" = "$HO_CN" ] || m=2001:db8:a::2
		"$MHOCTL" -n "$ns" -j binding show match $m \
			>"$_ho_out/binding.${ns##*-}.json" 2>/dev/null
		echo "${ns##*-}: $("$MHOCTL" -n "$ns" -s binding show 2>&1)"
		echo "${ns##*-}: $("$MHOCTL" -n "$ns" stats 2>&1)"
		[ -z "$HO_HOOK" ] ||
			echo "${ns##*-}: nft: $(ip netns exec "$ns" nft list ruleset 2>/dev/null |
				sed -n -e 's/.*state \(.*\) counter packets \([0-9]*\).*/\1 \2/p' \
				-e 's/.*counter packets \([0-9]*\) .*comment "policy".*/policy-drop \1/p' |
				tr '\n' ' ')"
	done >"$_ho_out/counters"
	diag "mho counters, ${_ho_out##*/}:"$'\n'"$(cat "$_ho_out/counters")"
}

# _ho_backlog: a veth hands each packet to the backlog of the CPU that
# sent it, which holds net.core.netdev_max_backlog packets (1,000) and
# drops the rest. Under emulation, with the debug kernel, the softirq that
# drains it can stall for seconds while the sender goes on: the backlog
# then drops packets that no router ever sees. A real router's NIC rings
# are not that; so that the runs measure mho, not the emulator, the guest's
# backlog is made deeper than a whole stream. (The setting is global: the
# guest is the tests'.)
_ho_backlog() {
	local f=/proc/sys/net/core/netdev_max_backlog
	[ "$(cat $f)" -ge 16384 ] || echo 16384 >$f
}

# _ho_drops_start, _ho_drops_stop: where the kernel dropped packets
# while the stream ran, for _ho_lost_diag: histograms of the
# skb:kfree_skb tracepoint (where, why, which protocol; and the call
# chains), in OUTDIR/drops and OUTDIR/drops.stacks. Drops that no counter
# sees show up there (a sender's packet discarded with a route deleted
# under it). Nothing where the kernel has no histogram triggers.
_HO_KFREE=/sys/kernel/tracing/events/skb/kfree_skb
_HO_HISTS=("hist:keys=location.sym-offset,reason,protocol:sort=hitcount"
	"hist:keys=stacktrace:sort=hitcount")
_ho_drops_start() {
	local t
	for t in "${_HO_HISTS[@]}"; do
		echo "$t" >>$_HO_KFREE/trigger 2>/dev/null || return 0
	done
}

_ho_drops_stop() {
	local t
	[ -r $_HO_KFREE/hist ] || return 0
	# (common_stacktrace since 6.5)
	awk -v out="$_ho_out/drops" '/^[{] location:/ { $1 = $1; print > out; next }
		/^[{] [a-z_]*stacktrace:/ { print > (out ".stacks"); s = 1; next }
		s { print > (out ".stacks") }' $_HO_KFREE/hist
	for t in "${_HO_HISTS[@]}"; do
		echo "!$t" >>$_HO_KFREE/trigger 2>/dev/null
	done
	return 0
}

# _ho_backlog_drops: packets the CPUs' backlogs dropped so far (the
# second column of /proc/net/softnet_stat, in hex, per CPU).
_ho_backlog_drops() {
	local _ drops sum=0
	while read -r _ drops _; do
		sum=$((sum + 16#$drops))
	done </proc/net/softnet_stat
	echo $sum
}

# _ho_udp_start SRC: HO_FLOWS probe streams, flow i on port HO_PORT + i;
# flow 0 logs to OUTDIR/{send,recv}.log, flow i > 0 to {send,recv}.i.log.
# The receivers stop once they have every packet (then linger for
# duplicates), or when they are told to.
_ho_udp_recv() {
	local i sfx
	for ((i = 0; i < HO_FLOWS; i++)); do
		sfx=${i/#0/}
		ip netns exec "$HO_MN" "$HO_PROBE" recv -p $((HO_PORT + i)) -f $i \
			-n "$HO_COUNT" -t 20000 -T 600000 -l 200 \
			-o "$_ho_out/recv${sfx:+.$sfx}.log" \
			>"$_ho_out/recv${sfx:+.$sfx}.out" 2>"$_ho_out/recv${sfx:+.$sfx}.err" &
		_ho_recv_pids+=($!)
		bg_add $!
	done
}

_ho_udp_send() {
	local i sfx
	for ((i = 0; i < HO_FLOWS; i++)); do
		sfx=${i/#0/}
		ip netns exec "$1" taskset -c 0 "$HO_PROBE" send -d $HOA \
			-p $((HO_PORT + i)) -f $i -r "$HO_RATE" -n "$HO_COUNT" \
			-s "$HO_SIZE" -o "$_ho_out/send${sfx:+.$sfx}.log" \
			>"$_ho_out/send${sfx:+.$sfx}.out" 2>"$_ho_out/send${sfx:+.$sfx}.err" &
		_ho_send_pids+=($!)
		bg_add $!
	done
}

# _ho_tcp_recv / _ho_tcp_send SRC: one mho_bulk transfer of HO_FLOWS
# flows of HO_TCP_BYTES each, on HO_PORT. The sender's links are shaped
# (HO_TCP_SHAPE, netem) so that the transfer lasts long enough for the
# move to happen in its middle, and TCP's window has grown by then.
_ho_tcp_recv() {
	ip netns exec "$HO_MN" ${HO_TCP_CPU:+taskset -c "$HO_TCP_CPU"} "$HO_BULK" recv -p "$HO_PORT" -b "$HO_TCP_BYTES" \
		-P "$HO_FLOWS" -T 120000 >"$_ho_out/recv.out" 2>"$_ho_out/recv.err" &
	_ho_recv_pids+=($!)
	bg_add $!
}

_ho_tcp_send() {
	local dev
	for dev in $(ipn "$1" -o link show type veth | awk -F'[:@ ]+' '{ print $2 }'); do
		# shellcheck disable=SC2086 # netem's words
		tc -n "$1" qdisc replace dev "$dev" root netem $HO_TCP_SHAPE || return 1
	done
	ip netns exec "$1" ${HO_TCP_CPU:+taskset -c "$HO_TCP_CPU"} "$HO_BULK" send -d $HOA -p "$HO_PORT" -b "$HO_TCP_BYTES" \
		-P "$HO_FLOWS" -T 120000 >"$_ho_out/send.out" 2>"$_ho_out/send.err" &
	_ho_send_pids+=($!)
	bg_add $!
}

# _ho_nstat NS: NS's absolute TCP counters that a handoff may move, as
# "name value" lines (nstat without its history file).
_ho_nstat() {
	ip netns exec "$1" nstat -asz TcpExtTCPTimeouts TcpRetransSegs \
		TcpExtTCPLossProbes TcpExtTCPSpuriousRTOs Icmp6InPktTooBigs 2>/dev/null |
		awk 'NF >= 2 && $1 !~ /^#/ { print $1, $2 }'
}

_ho_receivers_ready() {
	local i port
	if [ "$HO_TRAFFIC" = tcp ]; then
		[ -n "$(nsx "$HO_MN" ss -Hltn "sport = :$HO_PORT")" ]
		return
	fi
	for ((i = 0; i < HO_FLOWS; i++)); do
		port=$((HO_PORT + i))
		[ -n "$(nsx "$HO_MN" ss -Hlun "sport = :$port")" ] || return 1
	done
}

# _ho_mn_rx: IPv6 packets the MN has received so far.
_ho_mn_rx() {
	nsx "$HO_MN" awk '$1 == "Ip6InReceives" { print $2 }' /proc/net/snmp6
}

_ho_mn_rx_above() {
	[ "$(_ho_mn_rx)" -ge "$1" ]
}

_ho_all_gone() {
	local p
	for p in "$@"; do
		! kill -0 "$p" 2>/dev/null || return 1
	done
}

# _ho_udp_summary: the receivers' numbers, added up over the flows (the
# times: the largest), as key=value lines.
_ho_udp_summary() {
	cat "$_ho_out"/recv*.out | awk '
		{ for (i = 1; i < NF; i += 2) {
			k = $i; v = $(i + 1)
			if (!(k in val)) order[n++] = k
			if (k == "delay_min_ms") { if (!(k in val) || v + 0 < val[k] + 0) val[k] = v }
			else if (k ~ /_ms$/) { if (!(k in val) || v + 0 > val[k] + 0) val[k] = v }
			else val[k] += v
		} }
		END { for (i = 0; i < n; i++) print order[i] "=" val[order[i]] }'
	cat "$_ho_out"/send*.out | awk '{ e += $4 } END { print "send_errors=" e + 0 }'
	_ho_nstat_delta | sed -n 's/^Icmp6InPktTooBigs=/packet_too_big=/p'
}

# _ho_nstat_delta: how the sender's counters moved during the run.
_ho_nstat_delta() {
	awk 'NR == FNR { b[$1] = $2; next } { print $1 "=" $2 - b[$1] }' \
		"$_ho_out/nstat.before" "$_ho_out/nstat.after"
}

# _ho_tcp_summary: what the sender and receiver say, and the handoff's
# cost to TCP at the sender: retransmission timeouts and retransmitted
# segments during the transfer.
_ho_tcp_summary() {
	local res
	# "flows F bytes N bad N short N ms T"
	read -r -a res <"$_ho_out/recv.out"
	echo "flows=${res[1]:-0}"
	echo "bytes=${res[3]:-0}"
	echo "bad=${res[5]:-?}"
	echo "short=${res[7]:-?}"
	# "flows F bytes N ms T"
	read -r -a res <"$_ho_out/send.out"
	echo "completion_ms=${res[5]:-?}"
	_ho_nstat_delta |
		sed -e 's/^TcpExtTCPTimeouts=/timeouts=/' -e 's/^TcpRetransSegs=/retrans_segs=/' \
		    -e 's/^TcpExtTCPLossProbes=/loss_probes=/' \
		    -e 's/^TcpExtTCPSpuriousRTOs=/spurious_rtos=/' \
		    -e 's/^Icmp6InPktTooBigs=/packet_too_big=/'
}

# handoff_run MODE OUTDIR: see the top of this file. MODE: none, classic
# or mho (or a, b, c).
handoff_run() {
	local mode=$1 v rc=0 down up mask src backlog_drops
	local -a _ho_recv_pids=() _ho_send_pids=()
	case $mode in
	a | none) mode=none ;;
	b | classic) mode=classic ;;
	c | mho) mode=mho ;;
	mho-na | ha | bicast | stay | mhod) ;;
	*) diag "handoff_run: unknown mode $mode"; return 1 ;;
	esac
	case $HO_TRAFFIC in
	udp | tcp) ;;
	*) diag "handoff_run: unknown traffic $HO_TRAFFIC"; return 1 ;;
	esac
	_ho_out=$2 _ho_ctl_errors=0
	mkdir -p "$_ho_out" || return 1
	rm -rf "$_ho_out"/{send,recv}*.{log,out,err} \
		"$_ho_out"/{events,counters,summary,ctl.err,nstat.*,ctl}
	[ -x "$HO_PROBE" ] || { diag "$HO_PROBE is missing (build selftests/tools)"; return 1; }
	[ -x "$HO_BULK" ] || { diag "$HO_BULK is missing (build selftests/tools)"; return 1; }

	handoff_setup && { [ "$mode" != ha ] || ho_home_setup; } &&
		{ [ "$mode" != mhod ] || [ -z "${HO_MHOD_HA:-}" ] || ho_mhod_ha_topo; } &&
		{ [ "$mode" != bicast ] || ho_candidate_setup; } && _ho_radio &&
		{ [ -z "$HO_HOOK" ] || "$HO_HOOK" "$mode"; } ||
		{ diag "handoff: topology setup failed"; handoff_teardown; return 1; }
	_ho_backlog
	backlog_drops=$(_ho_backlog_drops)
	src=$HO_CN
	[ "$mode" != ha ] || src=$HO_SRC
	[ -z "${HO_MHOD_HA:-}" ] || src=$HO_SRC
	[ "$mode" = none ] || [ "$mode" = stay ] || _ho_bindings "$mode"
	_ho_clock
	_ho_ctl_start || { diag "handoff: the control programs did not start"; _ho_ctl_stop; handoff_teardown; return 1; }

	"_ho_${HO_TRAFFIC}_recv"
	if ! wait_for 10 _ho_receivers_ready; then
		diag "handoff: the receiver did not start: $(cat "$_ho_out"/recv*.err)"
		for v in "${_ho_recv_pids[@]}"; do
			bg_kill "$v"
		done
		_ho_ctl_stop
		handoff_teardown
		return 1
	fi

	# The sender stays on one CPU: veth queues a packet on the backlog
	# of the CPU that sent it, so a sender moving between CPUs can
	# reorder its own stream. This shell, and so the commands of the
	# move, keep off that CPU (if there is another), so as not to delay
	# the sender.
	mask=$(taskset -p "$BASHPID" 2>/dev/null | sed -n 's/.*: //p')
	[ "$(nproc)" -lt 2 ] || taskset -p 2 "$BASHPID" >/dev/null 2>&1
	_ho_drops_start
	_ho_event send
	_ho_nstat "$src" >"$_ho_out/nstat.before"
	v=$(_ho_mn_rx)
	"_ho_${HO_TRAFFIC}_send" "$src" || { diag "handoff: the sender did not start"; rc=1; }
	# The move begins HO_MOVE_AT after the stream has: starting the
	# sender can take longer than that (the debug kernel).
	wait_for 30 _ho_mn_rx_above $((v + 10)) || diag "handoff: the stream did not start"
	_ho_nap "$HO_MOVE_AT"
	_ho_move "$mode"
	for v in "${_ho_send_pids[@]}"; do
		wait "$v" || { diag "handoff: a sender failed: $(cat "$_ho_out"/send*.err)"; rc=1; }
	done
	_ho_event sent
	_ho_nstat "$src" >"$_ho_out/nstat.after"
	[ -z "$mask" ] || taskset -p "$mask" "$BASHPID" >/dev/null 2>&1
	# The nAR releases the new stream after the end-marker, then is idle.
	if [ "${mode%-na}" = mho ] || [ "$mode" = ha ] || [ "$mode" = bicast ] ||
		[ "$mode" = mhod ]; then
		if wait_for 10 _ho_settled "$HO_NAR"; then
			[ "$(handoff_state "$HO_NAR")" != idle ] || _ho_event nar-idle
		else
			diag "handoff: the nAR's binding is still \"$(handoff_state "$HO_NAR")\" 10 s after the stream"
		fi
	fi
	# The candidate the MN never reached: its hold expires (it is made to
	# now: a hold lasts as long as a move may take under emulation).
	if [ "$mode" = bicast ]; then
		_ho_ctl "$HO_NAR2" binding set match $HOA max-hold 1
		wait_for 20 _ho_settled "$HO_NAR2" ||
			diag "handoff: the second candidate's hold did not expire"
	fi
	# Now, before the pAR's binding, lingering after "end", is gone.
	[ "$mode" = none ] || [ "$mode" = stay ] || _ho_counters "$mode"
	# Whatever is still on its way (a held queue released late) has had
	# its chance; a receiver still waiting for lost packets is stopped.
	wait_for 1 _ho_all_gone "${_ho_recv_pids[@]}"
	kill -TERM "${_ho_recv_pids[@]}" 2>/dev/null
	for v in "${_ho_recv_pids[@]}"; do
		# mho_bulk recv exits 1 on an incomplete transfer: the summary says.
		wait "$v" || [ "$HO_TRAFFIC" = tcp ] ||
			{ diag "handoff: a receiver failed: $(cat "$_ho_out"/recv*.err)"; rc=1; }
	done
	[ -s "$_ho_out/recv.out" ] || { diag "handoff: no summary from the receiver"; rc=1; }
	_ho_drops_stop
	backlog_drops=$(($(_ho_backlog_drops) - backlog_drops))
	[ "$backlog_drops" = 0 ] ||
		diag "handoff: the CPUs' backlogs dropped $backlog_drops packets (/proc/net/softnet_stat)"

	_ho_ctl_stop
	[ "$mode" != mhod ] || ho_mhod_stop
	[ "$mode" != mhod ] || _ho_pcap_emit || rc=1
	[ ! -s "$_ho_out/ctl.err" ] || diag "$(cat "$_ho_out/ctl.err")"
	handoff_teardown

	down=$(awk '$1 == "leave" { print $2 }' "$_ho_out/events")
	up=$(awk '$1 == "up" { print $2 }' "$_ho_out/events")
	{
		echo "mode=$mode"
		echo "traffic=$HO_TRAFFIC"
		"_ho_${HO_TRAFFIC}_summary"
		echo "ctl_errors=$_ho_ctl_errors"
		awk -v d="$down" -v u="$up" 'BEGIN { printf "gap_ms=%.3f\n", (u - d) / 1e6 }'
		# The MN agent's FBU to its FBack, as its answer says.
		[ "$mode" != mhod ] ||
			sed -n 's/^mn \(handoff\|reactive\).*: ok status .* ms \([0-9]*\)$/signaling_ms=\2/p' \
				"$_ho_out/mhod/steps" | head -n 1
	} >"$_ho_out/summary"
	diag "$mode: $(tr '\n' ' ' <"$_ho_out/summary")"
	return $rc
}

# ho_firewall [MODE]: a stateful nftables firewall on both routers, as
# an access router would have one (for HO_HOOK): conntrack, and so its
# defragmenter, on every packet; invalid packets dropped, new and
# established ones let through. A move makes the MN's flows asymmetric
# (the CN's packets come through the nAR, the MN's answers to the CN's
# pAR address go on through the pAR) and gives the nAR flows it picks up
# in their middle: as on any router with asymmetric paths, conntrack
# does not judge TCP windows it cannot see whole (tcp_be_liberal), or it
# would call those packets invalid, with mho or without.
ho_firewall() {
	local ns
	for ns in "$HO_PAR" "$HO_NAR"; do
		ns_sysctl "$ns" net/netfilter/nf_conntrack_tcp_be_liberal=1 || return 1
		ip netns exec "$ns" nft -f - <<-EOF || return 1
		table inet fw {
			chain input_filter {
				type filter hook input priority filter; policy accept;
				ct state invalid counter drop
			}
			chain forward_filter {
				type filter hook forward priority filter; policy drop;
				ct state invalid counter drop
				ct state { established, related, new } counter accept
				counter drop comment "policy"
			}
		}
		EOF
	done
}

# ho_run NAME MODE [VAR=VALUE...]: a handoff_run with the variables set
# for it only, in $TMPD/NAME ($RUN); fails the case if the run could not
# be made or carried nothing.
ho_run() {
	local name=$1 mode=$2
	shift 2
	RUN=$TMPD/$name
	_ho_env_run "$@" handoff_run "$mode" "$RUN" || { fail "the run failed"; return 1; }
	[ "$(handoff_get "$RUN" received)$(handoff_get "$RUN" bytes)" -gt 0 ] ||
		{ fail "nothing received"; return 1; }
}

# _ho_env_run VAR=VALUE... CMD...: CMD with the variables set for it only.
_ho_env_run() {
	local -a vars=()
	while [[ $1 == *=* ]]; do
		vars+=("$1")
		shift
	done
	(
		for v in "${vars[@]}"; do export "${v?}"; done
		"$@"
	)
}

# ho_run_clean: $RUN lost, reordered, duplicated or damaged nothing, and
# the sender got no Packet Too Big.
ho_run_clean() {
	local v
	for v in lost out_of_order duplicates corrupt ctl_errors; do
		expect_eq "$v" "$(handoff_get "$RUN" "$v")" 0
	done
	[ "$(handoff_get "$RUN" lost)" = 0 ] || _ho_lost_diag "$RUN"
	expect_eq "Packet Too Big messages at the sender" \
		"$(handoff_get "$RUN" packet_too_big)" 0
}

# _ho_lost_diag OUTDIR: what was lost, and when it was sent, beside the
# run's events (both in ns of CLOCK_MONOTONIC): the first 5 sequence
# numbers of each flow that never arrived; and each node's IPv6 counters
# that are not 0, as _ho_counters saved them.
_ho_lost_diag() {
	local f sfx
	diag "events: $(tr '\n' ' ' <"$1/events" 2>/dev/null)"
	for f in "$1"/send*.log; do
		[ -e "$f" ] || continue
		sfx=${f#"$1"/send}
		diag "lost, flow ${sfx%.log}: $(awk 'NR == FNR { got[$1] = 1; next }
			!($1 in got) && n++ < 5 { printf "seq %s sent %s; ", $1, $2 }' \
			"$1/recv$sfx" "$f" 2>/dev/null)"
	done
	for f in "$1"/snmp6.*; do
		[ -e "$f" ] || continue
		diag "${f##*.}: $(awk '($1 ~ /^Ip6(Reasm|Frag|In|Out)/ || $1 ~ /^Udp6(InErrors|InCsumErrors|RcvbufErrors|NoPorts)/ ||
			$1 ~ /^Icmp6Out(DestUnreachs|PktTooBigs|TimeExcds|ParmProblems)$/) &&
			$1 !~ /Octets|Mcast|ECT|CEPkts/ &&
			$2 != 0 { printf "%s %s ", $1, $2 }' "$f")"
	done
	# The drops, and the call chains of those seen at most 5 times.
	[ ! -s "$1/drops" ] || diag "drops: $(tr '\n' ';' <"$1/drops")"
	[ ! -s "$1/drops.stacks" ] ||
		diag "rare drops: $(awk '/^[{] [a-z_]*stacktrace:/ { s = ""; next }
			/^} hitcount:/ { if ($3 <= 5) printf "%s x%d; ", s, $3; next }
			NF && $1 !~ /^(trace_event_raw|kfree_skb|sk_skb_reason_drop|__traceiter)/ {
				s = s (s == "" ? "" : " < ") $1 }' "$1/drops.stacks")"
}

# handoff_ctr OUTDIR ROUTER KEY: a number from ROUTER's (par, nar,
# nartwo, cn) binding for the HOA at the end of the run, as
# OUTDIR/binding.ROUTER.json has it (a counter, queued_pkts, ...).
handoff_ctr() {
	sed -n "s/.*\"$3\":\([0-9]*\).*/\1/p" "$1/binding.$2.json" 2>/dev/null
}

# handoff_get OUTDIR KEY: KEY's value in OUTDIR/summary.
handoff_get() {
	sed -n "s/^$2=//p" "$1/summary"
}

# ---- pieces for tests that drive the routers themselves ----------------------

# ho_topo: handoff_setup, the routers as each other's peers, and an idle
# binding for the HOA on each (pAR: peer nAR; nAR: peer pAR).
ho_topo() {
	handoff_setup || { fail "topology setup failed"; return 1; }
	ho_config
}

# ho_config: ho_topo's mho part, on a topology without mho objects.
# Holds last up to 10 minutes: what a case holds must not expire while a
# slow machine (the debug kernel on a busy host) runs it. Cases about
# expiry set their own max-hold.
ho_config() {
	x "$MHOCTL" -n "$HO_PAR" limits set max-hold 600000 max-pkts 4096 &&
	x "$MHOCTL" -n "$HO_NAR" limits set max-hold 600000 max-pkts 4096 &&
	x "$MHOCTL" -n "$HO_PAR" peer add $HO_NAR_PEER local $HO_PAR_PEER &&
	x "$MHOCTL" -n "$HO_NAR" peer add $HO_PAR_PEER local $HO_NAR_PEER &&
	x "$MHOCTL" -n "$HO_PAR" binding add role par hoa $HOA peer $HO_NAR_PEER &&
	x "$MHOCTL" -n "$HO_NAR" binding add role nar hoa $HOA peer $HO_PAR_PEER
}

# ho_clear NS: delete every binding, then every peer, in NS.
ho_clear() {
	local id addr
	for id in $("$MHOCTL" -n "$1" -j binding show | grep -o '"id":[0-9]*' | cut -d: -f2); do
		"$MHOCTL" -n "$1" binding del id "$id" || return 1
	done
	for addr in $("$MHOCTL" -n "$1" -j peer show | grep -o '"addr":"[^"]*"' | cut -d'"' -f4); do
		"$MHOCTL" -n "$1" peer del "$addr" || return 1
	done
}

# ho_mn_home: the MN back on the pAR's link (mn1 down, mn0 up, as
# handoff_setup leaves it). A link going down loses its neighbour
# entries, permanent ones too: put back the ones handoff_setup made.
ho_mn_home() {
	ipn "$HO_MN" link set mn1 down &&
	ipn "$HO_MN" neigh replace 2001:db8:b::1 lladdr 02:00:00:00:0b:01 \
		dev mn1 nud permanent &&
	ipn "$HO_MN" link set mn0 up &&
	ipn "$HO_MN" neigh replace 2001:db8:a::1 lladdr 02:00:00:00:0a:01 \
		dev mn0 nud permanent &&
	ipn "$HO_MN" route replace default via 2001:db8:a::1 dev mn0 &&
	wait_for 60 ho_oper_up "$HO_MN" mn0
}

# ho_ctr NS KEY [ADDR]: a value from the JSON of ADDR's (the HOA's)
# binding in NS: a counter, queued_pkts, id, the state...
ho_ctr() {
	"$MHOCTL" -n "$1" -j binding show match "${3:-$HOA}" |
		sed -n "s/.*\"$2\":\"\{0,1\}\([^,\"}]*\).*/\1/p"
}

# ho_ctr_is NS KEY VALUE [ADDR], for wait_for.
ho_ctr_is() {
	[ "$(ho_ctr "$1" "$2" "${4:-$HOA}")" = "$3" ]
}

# ho_expect_ctr NS KEY VALUE [ADDR]
ho_expect_ctr() {
	expect_eq "$2 in ${1##*-}" "$(ho_ctr "$1" "$2" "${4:-$HOA}")" "$3"
}

# ho_stat NS KEY: a number from the JSON of NS's stats.
ho_stat() {
	"$MHOCTL" -n "$1" -j stats | sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p"
}

ho_stat_is() {
	[ "$(ho_stat "$1" "$2")" = "$3" ]
}

# ho_state_is NS STATE, for wait_for.
ho_state_is() {
	[ "$(handoff_state "$1")" = "$2" ]
}

# ho_send COUNT [DST]: COUNT probe packets from the CN to DST (the HOA),
# 1000/s, from one CPU; returns when they are sent.
ho_send() {
	ip netns exec "$HO_CN" taskset -c 0 "$HO_PROBE" send -d "${2:-$HOA}" \
		-p "$HO_PORT" -r 1000 -n "$1" >/dev/null || { fail "the sender failed"; return 1; }
}

# ho_oper_up NS IF: IF in NS is operationally up (for wait_for, after a
# "link set up": a veth's carrier follows a moment later).
ho_oper_up() {
	[ "$(ip netns exec "$1" cat "/sys/class/net/$2/operstate")" = up ]
}

# ho_receive COUNT: a receiver on the MN in the background, done once it
# has COUNT packets (and 300 ms more for duplicates), or HO_RECV_IDLE_MS
# (15,000) pass without any, or HO_RECV_MS (60,000) in all; ho_recv_done
# waits for it (call it directly, not in $(), it is this shell's child),
# then ho_received KEY reads its summary.
HO_RECV_IDLE_MS=${HO_RECV_IDLE_MS:-15000}
HO_RECV_MS=${HO_RECV_MS:-60000}
ho_receive() {
	ip netns exec "$HO_MN" "$HO_PROBE" recv -p "$HO_PORT" -n "$1" \
		-t "$HO_RECV_IDLE_MS" -T "$HO_RECV_MS" -l 300 \
		-o "$TMPD/recv.log" >"$TMPD/recv" 2>&1 &
	HO_RECV=$!
	bg_add $HO_RECV
	wait_for 10 _ho_receiver_ready || { fail "the receiver did not start"; return 1; }
}

ho_recv_done() {
	wait "$HO_RECV" 2>/dev/null
}

ho_received() {
	sed -n "s/.*\b$1 \([0-9]*\).*/\1/p" "$TMPD/recv"
}

# ho_expect_stream COUNT: the receiver got COUNT packets, none lost,
# reordered or twice.
ho_expect_stream() {
	ho_recv_done
	expect_eq received "$(ho_received received)" "$1"
	expect_eq lost "$(ho_received lost)" 0
	expect_eq out_of_order "$(ho_received out_of_order)" 0
	expect_eq duplicates "$(ho_received duplicates)" 0
}

# ---- mhod: the signaling drives the move ---------------------------------------
#
# HO_MHOD_LOG: the daemons' LogLevel (debug); HO_MHOD_HI_TIMEOUT: the
# routers' HITimeout (500ms); HO_MHOD_BUFFER_PACKETS, _BYTES: their
# BufferPackets and BufferBytes (65536, 134217728: a whole stream);
# HO_MHOD_LIMITS: more of their [Limits], KEY=VALUE words;
# HO_MHOD_PREAUTH (set, not empty): every daemon with PreAuthentication =
# fmipv6; HO_MHOD_MN0_ADDR2: a second address of the MN agent's mn0 (its
# NCoA when it moves back to the pAR's link).
#
# ho_mhod_start DIR [MN_KEY [MN_ADDR]]: configurations, a BADF key and the
# daemons, in DIR: mhod on the pAR and the nAR (each the other's
# neighbour, the MN a peer of both) and the MN agent (its links mn0, with
# the HOA as the address the pAR serves, and mn1, with 2001:db8:b::2 as
# its NCoA). MN_KEY: the MN agent's key (hex; default the one the routers
# have), MN_ADDR its address on mn0 (default the HOA). The routers also
# know a second mobile node, 2001:db8:a::2, with another key. Each daemon
# logs to DIR/NAME.log; ho_mhodctl NAME COMMAND... talks to it.
HO_MHOD=${MHOD:-mhod}
HO_MHOD_KEY=000102030405060708090a0b0c0d0e0f10111213
HO_MHOD_KEY2=f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff00010203
HO_AP_NAR=02:00:00:00:0b:01	# the nAR's access link, as the MN hears it
declare -A _ho_mhod_pid

# _ho_conf SECTION KEY=VALUE...: one section of an mhod configuration.
_ho_conf() {
	local kv
	printf '[%s]\n' "$1"
	shift
	for kv in "$@"; do
		printf '%s = %s\n' "${kv%%=*}" "${kv#*=}"
	done
}

# _ho_conf_general DIR NAME ROLE: the [General] section, its control
# socket DIR/NAME.sock.
_ho_conf_general() {
	_ho_conf General Role="$3" LogLevel="${HO_MHOD_LOG:-debug}" ControlSocket="$1/$2.sock" \
		${HO_MHOD_PREAUTH:+PreAuthentication=fmipv6} \
		${HO_MHOD_CTX:+ContextTransfer=yes}
}

# _ho_conf_key NAME FILE SPI: the BADF [Key] NAME-badf, in FILE.
_ho_conf_key() {
	_ho_conf Key Name="$1-badf" Kind=badf File="$2" SPI="$3"
}

# _ho_conf_ipsec NAME SPI_IN SPI_OUT: a static [IPsec] NAME.
_ho_conf_ipsec() {
	_ho_conf IPsec Name="$1" Mode=static SPIIn="$2" SPIOut="$3"
}

_ho_mhod_ar_conf() {
	local d=$1 name=$2 access=$3 alla=$4 core=$5 nb=$6 nbrouter=$7 nbprefix=$8 nblla=$9
	_ho_conf_general "$d" "$name" access-router
	_ho_conf Interface Name=to-mn Kind=access Address="$access" LinkLayerAddress="$alla"
	_ho_conf Interface Name="to-$nb" Kind=core Address="$core"
	_ho_conf Neighbor Name="$nb" Router="$nbrouter" Prefix="$nbprefix" \
		LinkLayerAddress="$nblla" AccessPoint="$nblla" IPsec=ars
	if [ -n "${HO_MHOD_HA:-}" ]; then
		# The MN at its care-of address; its home agent's
		# end-markers come from HO_HA. (HO_MHOD_CTX: its IPsec
		# context moves with it.)
		_ho_conf Peer Name=mn Kind=mobile-node Address=2001:db8:a::2 \
			LinkLayerAddress=02:00:00:00:0a:02 Key=mn-badf IPsec=mn \
			${HO_MHOD_CTX:+HomeAddress=$HOA ContextKey=mn-cxtp}
		_ho_conf Peer Name=ha Kind=home-agent Address=$HO_HA
		[ -z "${HO_MHOD_CTX:-}" ] ||
			_ho_conf Key Name=mn-cxtp Kind=cxtp File="$d/mn-cxtp.key"
	elif [ -n "${HO_MHOD_CTX:-}" ]; then
		# The MN at its CoA, its IPsec context moving with it.
		_ho_conf Peer Name=mn Kind=mobile-node Address=$HO_CTX_PCOA HomeAddress="$HOA" \
			LinkLayerAddress=02:00:00:00:0a:02 Key=mn-badf IPsec=mn ContextKey=mn-cxtp
		_ho_conf Key Name=mn-cxtp Kind=cxtp File="$d/mn-cxtp.key"
	else
		_ho_conf Peer Name=mn Kind=mobile-node Address="$HOA" \
			LinkLayerAddress=02:00:00:00:0a:02 Key=mn-badf IPsec=mn
		_ho_conf Peer Name=mn2 Kind=mobile-node Address=2001:db8:a::2 Key=mn2-badf IPsec=mn
		_ho_conf_key mn2 "$d/mn2.key" 0x101
	fi
	_ho_conf_key mn "$d/mn.key" 0x100
	if [ "$name" = par ]; then
		_ho_conf_ipsec mn $HO_ESP_PAR_IN $HO_ESP_PAR_OUT
		_ho_conf_ipsec ars $HO_ESP_ARS_PAR_IN $HO_ESP_ARS_NAR_IN
	else
		_ho_conf_ipsec mn $HO_ESP_NAR_IN $HO_ESP_NAR_OUT
		_ho_conf_ipsec ars $HO_ESP_ARS_NAR_IN $HO_ESP_ARS_PAR_IN
	fi
	# shellcheck disable=SC2086 # KEY=VALUE words
	_ho_conf Timers HITimeout="${HO_MHOD_HI_TIMEOUT:-500ms}" \
		CTMaxTransferTime="${HO_MHOD_CT_TIME:-10s}" \
		${HO_MHOD_CTX_BRIDGE:+ContextBridge=$HO_MHOD_CTX_BRIDGE}
	# shellcheck disable=SC2086 # KEY=VALUE words
	_ho_conf Limits BufferPackets="${HO_MHOD_BUFFER_PACKETS:-65536}" \
		BufferBytes="${HO_MHOD_BUFFER_BYTES:-134217728}" ${HO_MHOD_LIMITS:-}
}

_ho_mhod_mn_conf() {
	local d=$1 addr=$2
	_ho_conf_general "$d" mn mobile-node
	_ho_conf Interface Name=mn0 Kind=mobile Address="$addr/128" \
		${HO_MHOD_MN0_ADDR2:+Address=$HO_MHOD_MN0_ADDR2} \
		LinkLayerAddress=02:00:00:00:0a:02
	_ho_conf Interface Name=mn1 Kind=mobile Address=2001:db8:b::2/64 \
		LinkLayerAddress=02:00:00:00:0b:02
	# HO_MHOD_CTX: the CXTP key it shares with its AR (reactive CTAR).
	_ho_conf Peer Name=par Kind=access-router Address=2001:db8:a::1 Key=ar-badf IPsec=ar \
		${HO_MHOD_CTX:+ContextKey=mn-cxtp}
	[ -z "${HO_MHOD_CTX:-}" ] || _ho_conf Key Name=mn-cxtp Kind=cxtp File="$d/mn-cxtp.key"
	_ho_conf_key ar "$d/mn-agent.key" 0x100
	_ho_conf_ipsec ar $HO_ESP_PAR_OUT $HO_ESP_PAR_IN
	if [ -n "${HO_MHOD_HA:-}" ]; then
		_ho_conf Peer Name=ha Kind=home-agent Address=$HO_HA HomeAddress=$HOA IPsec=ha
		_ho_conf_ipsec ha $HO_ESP_HA_BA $HO_ESP_HA_BU
	fi
	_ho_conf Timers FBUTimeout=1s ${HO_MHOD_HA:+BindAckTimeoutFirst=1s} \
		${HO_MHOD_HA:+BindingLifetime=${HO_MHOD_HA_LIFE:-420s}} \
		${HO_MHOD_CTX_BRIDGE:+ContextBridge=$HO_MHOD_CTX_BRIDGE}
}

# ---- the home agent (RFC 6275, RFC 4877), driven by mhod --------------------
#
# HO_MHOD_HA (set, not empty; mhod mode): the home agent topology
# (ho_home_setup; the correspondent is SRC), with mhod on the home agent
# (the CN namespace, HO_HA) as well. The MN is at 2001:db8:a::2 behind
# the pAR, 2001:db8:b::2 behind the nAR (its links' addresses, which its
# agent signals from), and registers each with its BUs: from the care-of
# address, with a Home Address option, in ESP (transport mode, SPIs
# HO_ESP_HA_BU and HO_ESP_HA_BA, selectors on the home address and the
# MH type, RFC 4877 4.3, outbound; inbound they take any MH type from
# the home address: 6.1's decode_session6() reads the type from past
# the Mobility Header when no extension header precedes it, as in a BU
# from home), answered by BAs through a type 2 Routing Header. Linux takes those two headers only where an XFRM state of
# Mobile IPv6 (route optimization mode) covers them: the home agent has
# one for the MN's Home Address option (src HOA, dst HO_HA, care-of
# address any), the MN one for the routing header (src HO_HA, dst HOA);
# the policies name them, optional, after ESP (what a packet without
# the header, the MN at home, needs), and a packet with either header
# that no policy names is dropped (XfrmInNoPols). That holds for the ESP
# packet too, before its decryption, where the xfrm_interface module is
# loaded (its xfrmi_input() checks the policy of a packet that has a
# state already, the header's): a policy for ESP from the peer allows
# it, naming the header's state, and the Mobility Header's policy then
# requires both. The MN's home address
# has the "home" flag (the kernel takes a type 2 Routing Header only for
# such an address). The home agent grants HO_MHOD_HA_MAX (420 s), and with
# HO_MHOD_HA_REFRESH (a duration) advises refreshes at that interval.
HO_ESP_HA_BU=0x5001 HO_ESP_HA_BA=0x5002

# ho_mhod_ha_topo: after handoff_setup, ho_home_setup and the routes the
# MN's links and the home agent need: the home agent reaches the MN's
# care-of addresses through their ARs, the ARs reach the home agent and
# the correspondent (the MN's answers go straight to it), and the nAR
# delivers what the pAR forwards (for the first care-of address) on the
# MN's new link.
ho_mhod_ha_topo() {
	ho_home_setup || return 1
	_ho_batch_reset
	_ho_add "$HO_CN" "route add 2001:db8:a::/64 via $HO_HA_PAR src $HO_HA
route add 2001:db8:b::/64 via $HO_HA_NAR src $HO_HA"
	_ho_add "$HO_PAR" "route add $HO_HA/128 via 2001:db8:1::1
route add 2001:db8:c::/64 via 2001:db8:1::1"
	_ho_add "$HO_NAR" "route add $HO_HA/128 via 2001:db8:2::1
route add 2001:db8:c::/64 via 2001:db8:2::1
route add 2001:db8:a::2/128 via 2001:db8:b::2"
	_ho_add "$HO_MN" "addr change $HOA/128 dev lo home nodad"
	_ho_batch_run
}

# ho_esp_ha_setup: the MN's and the home agent's SAs and policies for
# the BU and the BA (keys new each time, never printed).
ho_esp_ha_setup() {
	local kbu kba abu aba sas ha=$HO_HA err
	kbu=0x$(od -An -tx1 -N36 /dev/urandom | tr -d ' \n')
	kba=0x$(od -An -tx1 -N36 /dev/urandom | tr -d ' \n')
	if [ "$_ho_esp_clear" = 1 ]; then
		abu="enc cipher_null \"\" auth-trunc hmac(sha256) $kbu 128"
		aba="enc cipher_null \"\" auth-trunc hmac(sha256) $kba 128"
	else
		abu="aead rfc4106(gcm(aes)) $kbu 128"
		aba="aead rfc4106(gcm(aes)) $kba 128"
	fi
	sas="xfrm state add src :: dst $ha proto esp spi $HO_ESP_HA_BU reqid 5 mode transport $abu
xfrm state add src :: dst $HOA proto esp spi $HO_ESP_HA_BA reqid 5 mode transport $aba"
	err=$(ipn "$HO_MN" -batch - <<<"$sas
xfrm state add src $ha dst $HOA proto route2 mode ro coa ::
xfrm policy add src ::/0 dst $ha/128 proto 135 type 5 dir out priority 10 tmpl proto esp spi $HO_ESP_HA_BU reqid 5 mode transport
xfrm policy add src $ha/128 dst $HOA/128 proto 135 dir in priority 10 tmpl proto esp spi $HO_ESP_HA_BA reqid 5 mode transport tmpl src $ha dst $HOA proto route2 mode ro level use
xfrm policy add src $ha/128 dst $HOA/128 proto 50 dir in priority 10 tmpl src $ha dst $HOA proto route2 mode ro level use" 2>&1) &&
	err=$(ipn "$HO_CN" -batch - <<<"$sas
xfrm state add src $HOA dst $ha proto hao mode ro coa ::
xfrm policy add src $HOA/128 dst $ha/128 proto 135 dir in priority 10 tmpl proto esp spi $HO_ESP_HA_BU reqid 5 mode transport tmpl src $HOA dst $ha proto hao mode ro level use
xfrm policy add src $HOA/128 dst $ha/128 proto 50 dir in priority 10 tmpl src $HOA dst $ha proto hao mode ro level use
xfrm policy add src $ha/128 dst $HOA/128 proto 135 type 6 dir out priority 10 tmpl proto esp spi $HO_ESP_HA_BA reqid 5 mode transport" 2>&1) ||
		{ diag "IPsec for the BU and BA: $(head -c 300 <<<"$err")"; return 1; }
}

_ho_mhod_ha_conf() {
	local d=$1
	_ho_conf_general "$d" ha home-agent | grep -v '^ContextTransfer\|^PreAuthentication'
	_ho_conf Interface Name=lo Kind=core Address=$HO_HA/128
	_ho_conf Neighbor Name=par Router=$HO_HA_PAR Prefix=2001:db8:a::/64
	_ho_conf Neighbor Name=nar Router=$HO_HA_NAR Prefix=2001:db8:b::/64
	_ho_conf Peer Name=mn Kind=mobile-node Address=$HOA IPsec=mn
	_ho_conf_ipsec mn $HO_ESP_HA_BU $HO_ESP_HA_BA
	_ho_conf Timers BindingLifetime="${HO_MHOD_HA_MAX:-420s}" \
		${HO_MHOD_HA_REFRESH:+BindingRefresh=$HO_MHOD_HA_REFRESH}
}

# _ho_mhod_registered COA: the MN agent's registration is at COA.
_ho_mhod_registered() {
	ho_mhodctl mn home 2>/dev/null | grep -q "^home registered coa $1 "
}

# ---- the MN's own traffic in ESP ---------------------------------------------
#
# HO_DATA_ESP (set, not empty; mhod mode): the CN's UDP and TCP with the
# HOA go in ESP, transport mode, AES-GCM, between the CN and the MN: the
# routers forward, hold and release ESP packets, whose sequence numbers
# the MN's replay window checks (a duplicated one, or one older than the
# window, is dropped and counted in XfrmInStateSeqError). The window is
# 1,024 packets (real stacks use 32 to 4,096): flows that share the SA
# are ordered each on its own, not among themselves, and the CN may send
# one flow's packet down the old path after dozens of another's went down
# the new one (the route changes between two sockets' sends; the nAR
# then delivers the old path's first, as it must); a duplicate is caught
# at any size. The run keeps each node's /proc/net/xfrm_stat
# (OUTDIR/xfrm_stat.NODE), the packets of the SA into the MN
# (OUTDIR/data-esp.mn), and, for each node, the SA's packets as its
# links carried them (OUTDIR/esp-seq.NODE, mho_cap -e: "IF in|out SEQ
# USEC" lines).
HO_DATA_SPI=0x3001	# into the MN; 0x3002 and 0x3003 to the CN's addresses

# ho_data_esp: those SAs and policies on the CN and the MN (after
# ho_esp_setup, which flushes the MN's). Keys are new, never printed.
ho_data_esp() {
	local key alg sas cn= mn= p err
	key=0x$(od -An -tx1 -N20 /dev/urandom | tr -d ' \n')
	alg="reqid 3 replay-window 1024 mode transport aead rfc4106(gcm(aes)) $key 128"
	sas="xfrm state add src :: dst $HOA proto esp spi $HO_DATA_SPI $alg
xfrm state add src :: dst 2001:db8:1::1 proto esp spi 0x3002 $alg
xfrm state add src :: dst 2001:db8:2::1 proto esp spi 0x3003 $alg"
	for p in 17 6; do	# UDP, TCP (the guest has no /etc/protocols)
		cn+="
xfrm policy add src ::/0 dst $HOA/128 proto $p dir out priority 500 tmpl proto esp reqid 3 mode transport
xfrm policy add src $HOA/128 dst ::/0 proto $p dir in priority 500 tmpl proto esp reqid 3 mode transport"
		mn+="
xfrm policy add src ::/0 dst $HOA/128 proto $p dir in priority 500 tmpl proto esp reqid 3 mode transport
xfrm policy add src $HOA/128 dst ::/0 proto $p dir out priority 500 tmpl proto esp reqid 3 mode transport"
	done
	err=$(ipn "$HO_CN" -batch - <<<"$sas$cn" 2>&1) &&
	err=$(ipn "$HO_MN" -batch - <<<"$sas$mn" 2>&1) ||
		{ diag "ESP for the data: $(head -c 300 <<<"$err")"; return 1; }
	# The SA's packets as each node's links carry them (mho_cap -e).
	_ho_esp_seq_pids=()
	for p in "$HO_CN" "$HO_PAR" "$HO_NAR" "$HO_MN"; do
		ip netns exec "$p" "$MHO_SELFTESTS/tools/mho_cap" -e $HO_DATA_SPI \
			-o "$_ho_out/esp-seq.${p##*-}" 2>"$_ho_out/esp-seq.${p##*-}.log" &
		_ho_esp_seq_pids+=($!)
		bg_add $!
		wait_for 5 test -e "$_ho_out/esp-seq.${p##*-}" || return 1
	done
}

# _ho_esp_seq_stop: end those captures.
_ho_esp_seq_stop() {
	local pid
	for pid in "${_ho_esp_seq_pids[@]}"; do
		bg_kill "$pid" || true
	done
	_ho_esp_seq_pids=()
}

# ---- the MN's IPsec context (seed 003), moved by mhod ------------------------
#
# HO_MHOD_CTX (set, not empty; mhod mode): every daemon has
# ContextTransfer = yes; the routers know the MN at its CoA HO_CTX_PCOA
# (its address on mn0, which its agent signals from), with its home
# address HOA and a CXTP key (ContextKey); and the MN's traffic (the
# HOA's, to and from the CN) goes in an ESP tunnel between its CoA and
# the pAR's access address (ho_data_ar_esp): an SA pair and out/fwd
# policies on the pAR, out/in on the MN, of lower priority than the
# signaling's. mhod moves them: the pAR's export after the HAck, the
# PCTD, the nAR's import (pending) and CTDR, the FBack; on the new link
# the agent moves its own (coa HO_CTX_PCOA to 2001:db8:b::2, ar
# 2001:db8:a::1 to the nAR's 2001:db8:12::2) before its UNA, and the
# nAR activates the context when the UNA arrives. The SCTP between the
# routers is in their ESP SA pair (ho_esp_setup). The replay window is
# 1,024 packets, as ho_data_esp's: under emulation a guest CPU can stall
# for tens of milliseconds while the other goes on, and packets of one
# SA queued on each CPU's backlog can then reach XFRM hundreds apart
# (with 128, two TCP runs of some ten counted packets outside the window,
# XfrmInStateSeqError: 10 at the pAR, 31 at the MN, before the move).
HO_CTX_PCOA=2001:db8:a::2
HO_CTX_SPI_DOWN=0x4001	# the AR to the MN
HO_CTX_SPI_UP=0x4002	# the MN to the AR

#
# With HO_MHOD_HA as well, what comes down is the home agent's tunnel to
# the CoA: the policies down select it (src HO_HA, dst the CoA, proto
# 41), so the context's rewrite moves them to the NCoA and its bridging
# policies (context.rst, "Bridging") keep the CoA's for what the pAR
# forwards. The MN also requires ESP, in any tunnel, for anything from
# its home agent's tunnel (a policy of its own, not in the context): a
# packet of it that came in the clear would be dropped and counted.
ho_data_ar_esp() {
	local key alg sas tmpl_down tmpl_up down=("::/0" "$HOA/128") err
	key=0x$(od -An -tx1 -N20 /dev/urandom | tr -d ' \n')
	alg="reqid 4 replay-window 1024 mode tunnel aead rfc4106(gcm(aes)) $key 128"
	sas="xfrm state add src 2001:db8:a::1 dst $HO_CTX_PCOA proto esp spi $HO_CTX_SPI_DOWN $alg
xfrm state add src $HO_CTX_PCOA dst 2001:db8:a::1 proto esp spi $HO_CTX_SPI_UP $alg"
	tmpl_down="tmpl src 2001:db8:a::1 dst $HO_CTX_PCOA proto esp reqid 4 mode tunnel"
	tmpl_up="tmpl src $HO_CTX_PCOA dst 2001:db8:a::1 proto esp reqid 4 mode tunnel"
	[ -z "${HO_MHOD_HA:-}" ] || down=("$HO_HA/128" "$HO_CTX_PCOA/128 proto 41")
	err=$(ipn "$HO_PAR" -batch - <<<"$sas
xfrm policy add src ${down[0]} dst ${down[1]} dir out priority 1000 $tmpl_down
xfrm policy add src $HOA/128 dst ::/0 dir fwd priority 1000 $tmpl_up" 2>&1) &&
	err=$(ipn "$HO_MN" -batch - <<<"$sas
xfrm policy add src $HOA/128 dst ::/0 dir out priority 1000 $tmpl_up
xfrm policy add src ${down[0]} dst ${down[1]} dir in priority 1000 $tmpl_down${HO_MHOD_HA:+
xfrm policy add src $HO_HA/128 dst ::/0 proto 41 dir in priority 1100 tmpl proto esp reqid 4 mode tunnel}" 2>&1) ||
		{ diag "the ESP tunnel to the AR: $(head -c 300 <<<"$err")"; return 1; }
}

# ---- IPsec for the signaling (Documentation/mhod.rst, IPsec) -----------------
#
# mhod protects nothing itself and refuses to start unless the kernel's
# policies protect its signaling: the tests install static SAs and
# policies with ip xfrm, as an operator would (or strongSwan). ESP in
# transport mode for the Mobility Header only, with NULL encryption and
# HMAC-SHA-256-128, so that tshark still decodes what the captures hold
# (pcap-check.sh; integrity is what RFC 5568 10 asks for). A kernel
# without cipher_null (CONFIG_CRYPTO_NULL: the 7.2 "latest" lane) gets
# AES-GCM instead, and its runs capture nothing (_ho_pcap_start says so):
# the captures are decoded on the kernels that have it. Every SA's
# source is the wildcard, so that the MN's FBU from its NCoA uses the SA
# with its old AR. SPIs: the MN's SA towards an AR is the AR's SPIIn.
HO_ESP_PAR_IN=0x1001 HO_ESP_PAR_OUT=0x1002	# MN <-> pAR
HO_ESP_NAR_IN=0x1011 HO_ESP_NAR_OUT=0x1012	# MN <-> nAR
HO_ESP_ARS_PAR_IN=0x2001 HO_ESP_ARS_NAR_IN=0x2002	# pAR <-> nAR
HO_ESP_CATCHALL_PRIO=2000
_ho_esp_clear=1
declare -A _ho_esp_key

# _ho_esp_null: can this kernel do ESP with NULL encryption?
_ho_esp_null() {
	modprobe -q crypto_null 2>/dev/null && grep -q '^name *: cipher_null' /proc/crypto
}

# _ho_esp_sa SPI DST REQID: one SA, its key the SPI's (both ends have it;
# 36 octets: the HMAC key, or AES-256 and the GCM salt).
_ho_esp_sa() {
	local alg="enc cipher_null \"\" auth-trunc hmac(sha256) ${_ho_esp_key[$1]} 128"
	[ "$_ho_esp_clear" = 1 ] || alg="aead rfc4106(gcm(aes)) ${_ho_esp_key[$1]} 128"
	printf 'xfrm state add src :: dst %s proto esp spi %s reqid %s mode transport %s\n' \
		"$2" "$1" "$3" "$alg"
}

# _ho_esp_pol DIR SRC DST SPI REQID [PRIO]: a policy requiring ESP (with
# that SPI, if not 0) for the Mobility Header from SRC to DST.
_ho_esp_pol() {
	local spi=
	[ "$4" = 0 ] || spi="spi $4"
	printf 'xfrm policy add src %s dst %s proto 135 dir %s priority %s tmpl proto esp %s reqid %s mode transport\n' \
		"$2" "$3" "$1" "${6:-0}" "$spi" "$5"
}

# _ho_esp_ar ACCESS CORE OTHER_CORE IN OUT ARS_IN ARS_OUT PCOA...: an
# access router's: its MNs' (each PCoA an address or a prefix), a
# catch-all of lower priority for FBUs from an NCoA, its neighbour's.
_ho_esp_ar() {
	local acc=$1 core=$2 other=$3 in=$4 out=$5 ars_in=$6 ars_out=$7 a
	shift 7
	_ho_esp_sa "$in" "$acc" 1
	for a in "$@"; do
		case $a in */*) ;; *) _ho_esp_sa "$out" "$a" 1; a=$a/128 ;; esac
		_ho_esp_pol in "$a" "$acc/128" "$in" 1
		_ho_esp_pol out "$acc/128" "$a" "$out" 1
	done
	_ho_esp_pol in ::/0 "$acc/128" 0 1 $HO_ESP_CATCHALL_PRIO
	_ho_esp_sa "$ars_in" "$core" 2
	_ho_esp_sa "$ars_out" "$other" 2
	_ho_esp_pol in "$other/128" "$core/128" "$ars_in" 2
	_ho_esp_pol out "$core/128" "$other/128" "$ars_out" 2
	# Context transfer: SCTP (the contexts, keys included) between them.
	if [ -n "${HO_MHOD_CTX:-}" ]; then
		printf 'xfrm policy add src %s dst %s proto 132 dir %s priority 0 tmpl proto esp spi %s reqid 2 mode transport\n' \
			"$other/128" "$core/128" in "$ars_in" "$core/128" "$other/128" out "$ars_out"
	fi
}

# _ho_esp_mn AR_ACCESS IN OUT PCOA...: the MN's with one AR (its FBUs
# from any address).
_ho_esp_mn() {
	local acc=$1 in=$2 out=$3 a
	shift 3
	_ho_esp_sa "$in" "$acc" 1
	_ho_esp_pol out ::/0 "$acc/128" "$in" 1
	for a in "$@"; do
		case $a in */*) ;; *) _ho_esp_sa "$out" "$a" 1; a=$a/128 ;; esac
		_ho_esp_pol in "$acc/128" "$a" "$out" 1
	done
}

# ho_esp_setup DIR [N [PCOA]]: the SAs and policies of ho_mhod_start's
# nodes (and of N burst mobile nodes: ho_mhod_burst_start; and for the
# MN's address PCOA, if it is another one), in place of any
# the namespaces had. Keys are new each time, never printed.
ho_esp_setup() {
	local d=$1 n=${2:-0} spi i ns pcoas=("$HOA" 2001:db8:a::2) burst=()
	case ${3:-$HOA} in "$HOA" | 2001:db8:a::2) ;; *) pcoas+=("$3") ;; esac
	# HO_MHOD_CTX: the signaling's policies name the MN's link, not its
	# addresses, so that its context (ho_data_ar_esp) holds only the SAs
	# and policies of its data (context.rst, "Which policies are taken");
	# the FBack's SA to its CoA is there all the same.
	[ -z "${HO_MHOD_CTX:-}" ] || pcoas=(2001:db8:a::/64)
	modprobe -q xfrm_user && modprobe -q esp6 ||
		{ diag "IPsec: esp6 or xfrm_user cannot be loaded"; return 1; }
	[ -z "${HO_MHOD_PREAUTH:-}" ] || _ho_gcm_warm || return 1
	_ho_esp_clear=0
	! _ho_esp_null || _ho_esp_clear=1
	for spi in $HO_ESP_PAR_IN $HO_ESP_PAR_OUT $HO_ESP_NAR_IN $HO_ESP_NAR_OUT \
		   $HO_ESP_ARS_PAR_IN $HO_ESP_ARS_NAR_IN; do
		_ho_esp_key[$spi]=0x$(od -An -tx1 -N36 /dev/urandom | tr -d ' \n')
	done
	for ((i = 0; i < n; i++)); do
		burst+=("$(printf '2001:db8:ff::1:%x' "$i")")
	done
	[ "$n" = 0 ] || pcoas+=("$HO_BURST_PCOA/112")
	{
		_ho_esp_ar 2001:db8:a::1 2001:db8:12::1 2001:db8:12::2 \
			$HO_ESP_PAR_IN $HO_ESP_PAR_OUT $HO_ESP_ARS_PAR_IN $HO_ESP_ARS_NAR_IN \
			"${pcoas[@]}"
		for i in "${burst[@]}"; do _ho_esp_sa $HO_ESP_PAR_OUT "$i" 1; done
		[ -z "${HO_MHOD_CTX:-}" ] || _ho_esp_sa $HO_ESP_PAR_OUT $HO_CTX_PCOA 1
	} >"$d/esp-par"
	_ho_esp_ar 2001:db8:b::1 2001:db8:12::2 2001:db8:12::1 \
		$HO_ESP_NAR_IN $HO_ESP_NAR_OUT $HO_ESP_ARS_NAR_IN $HO_ESP_ARS_PAR_IN \
		"${pcoas[@]}" >"$d/esp-nar"
	{
		_ho_esp_mn 2001:db8:a::1 $HO_ESP_PAR_IN $HO_ESP_PAR_OUT "${pcoas[@]}"
		_ho_esp_mn 2001:db8:b::1 $HO_ESP_NAR_IN $HO_ESP_NAR_OUT "${pcoas[@]}"
		for i in "${burst[@]}"; do _ho_esp_sa $HO_ESP_PAR_OUT "$i" 1; done
		[ -z "${HO_MHOD_CTX:-}" ] || _ho_esp_sa $HO_ESP_PAR_OUT $HO_CTX_PCOA 1
	} >"$d/esp-mn"
	for ns in par:"$HO_PAR" nar:"$HO_NAR" mn:"$HO_MN"; do
		ipn "${ns#*:}" xfrm state flush && ipn "${ns#*:}" xfrm policy flush &&
		ipn "${ns#*:}" -batch "$d/esp-${ns%%:*}" 2>"$d/esp.err" ||
			{ diag "IPsec setup (${ns%%:*}): $(head -c 300 "$d/esp.err")"; rm -f "$d"/esp-*; return 1; }
	done
	rm -f "$d"/esp-*	# they hold the keys
}

# _ho_gcm_warm: the kernel's first AES-GCM SA instantiates the transform
# (modules, self-tests): under emulation seconds, which the first
# pre-authentication would spend inside an HI while the MN's FBUs time
# out. A router on hardware takes milliseconds; the tests do it once
# beforehand, with an SA added and deleted in the MN's namespace.
_ho_gcm_warm() {
	local key
	key=0x$(od -An -tx1 -N20 /dev/urandom | tr -d ' \n')
	ipn "$HO_MN" xfrm state add src ::1 dst ::1 proto esp spi 0x6d67 \
		mode transport aead 'rfc4106(gcm(aes))' "$key" 128 &&
	ipn "$HO_MN" xfrm state delete src ::1 dst ::1 proto esp spi 0x6d67 ||
		{ diag "IPsec: no AES-GCM SA can be made"; return 1; }
}

_ho_mhod_up() {
	[ -S "$1" ]
}

# _ho_mhod_run NAME NS CONF: one daemon, its control socket waited for.
_ho_mhod_run() {
	local name=$1 ns=$2 conf=$3 d
	d=$(dirname "$conf")
	"$HO_MHOD" -t -c "$conf" >/dev/null || { diag "mhod -t: $conf is refused"; return 1; }
	ip netns exec "$ns" "$HO_MHOD" -c "$conf" 2>>"$d/$name.log" &
	_ho_mhod_pid[$name]=$!
	bg_add $!
	wait_for 20 _ho_mhod_up "$d/$name.sock" ||
		{ diag "mhod $name did not start: $(cat "$d/$name.log")"; return 1; }
}

ho_mhod_start() {
	local d=$1 key=${2:-$HO_MHOD_KEY} addr=${3:-$HOA}
	_ho_mhod_dir=$d
	mkdir -p "$d" || return 1
	(umask 077 && echo "$HO_MHOD_KEY" >"$d/mn.key" && echo "$HO_MHOD_KEY2" >"$d/mn2.key" &&
		echo "$key" >"$d/mn-agent.key" &&
		od -An -tx1 -N20 /dev/urandom | tr -d ' \n' >"$d/mn-cxtp.key") || return 1
	[ -z "${HO_MHOD_CTX:-}" ] || addr=$HO_CTX_PCOA
	[ -z "${HO_MHOD_HA:-}" ] || addr=2001:db8:a::2
	_ho_mhod_ar_conf "$d" par 2001:db8:a::1/64 02:00:00:00:0a:01 2001:db8:12::1/64 \
		nar 2001:db8:12::2 2001:db8:b::/64 02:00:00:00:0b:01 >"$d/par.conf" &&
	_ho_mhod_ar_conf "$d" nar 2001:db8:b::1/64 02:00:00:00:0b:01 2001:db8:12::2/64 \
		par 2001:db8:12::1 2001:db8:a::/64 02:00:00:00:0a:01 >"$d/nar.conf" &&
	_ho_mhod_mn_conf "$d" "$addr" >"$d/mn.conf" || return 1
	ho_esp_setup "$d" 0 "$addr" || return 1
	if [ -n "${HO_MHOD_HA:-}" ]; then
		_ho_mhod_ha_conf "$d" >"$d/ha.conf" && ho_esp_ha_setup &&
		_ho_mhod_run ha "$HO_CN" "$d/ha.conf" || return 1
	fi
	_ho_mhod_run par "$HO_PAR" "$d/par.conf" &&
	_ho_mhod_run nar "$HO_NAR" "$d/nar.conf" &&
	_ho_mhod_run mn "$HO_MN" "$d/mn.conf" || return 1
	# Registered at its first care-of address before anything moves.
	[ -z "${HO_MHOD_HA:-}" ] || wait_for 30 _ho_mhod_registered 2001:db8:a::2 ||
		{ diag "the MN did not register: $(ho_mhodctl mn home 2>&1)"; return 1; }
}

# ---- a burst: many mobile nodes hand off at once -----------------------------
#
# ho_mhod_burst_start DIR N: after handoff_setup, mhod on the pAR and the
# nAR (as ho_mhod_start configures them) that also know N mobile nodes:
# node i has the PCoA 2001:db8:ff::1:0 + i, its own [Key] (SPI 0x1000 +
# i; all with HO_MHOD_KEY's material) and the NCoA 2001:db8:b::1:0 + i,
# and no LinkLayerAddress: its FBU brings it. The routers hold up to
# mhod's default BufferPackets (256) per mobile node: the nAR's duplicate
# table is sized by it (36 bytes a packet, see design.rst), and a thousand
# holds sized for a whole stream each would take gigabytes.
# The N PCoAs are addresses of the MN (its lo), which the pAR routes to
# it. ho_mhod_burst then has mho_fbu_burst send their N FBUs at once.
HO_BURST_PCOA=2001:db8:ff::1:0
HO_BURST_SPI=4096
HO_BURST=${MHO_FBU_BURST:-$MHO_SELFTESTS/tools/mho_fbu_burst}

# _ho_burst_peers N: the [Peer] and [Key] sections of N mobile nodes.
_ho_burst_peers() {
	local i
	for ((i = 0; i < $1; i++)); do
		printf '[Peer]\nName = b%d\nKind = mobile-node\nAddress = 2001:db8:ff::1:%x\nKey = b%d\nIPsec = mn\n' \
			"$i" "$i" "$i"
		printf '[Key]\nName = b%d\nKind = badf\nFile = %s\nSPI = %d\n' \
			"$i" "$_ho_mhod_dir/mn.key" $((HO_BURST_SPI + i))
	done
}

ho_mhod_burst_start() {
	local d=$1 n=$2 i
	_ho_mhod_dir=$d
	mkdir -p "$d" || return 1
	(umask 077 && echo "$HO_MHOD_KEY" >"$d/mn.key" &&
		echo "$HO_MHOD_KEY2" >"$d/mn2.key") || return 1
	{
		HO_MHOD_BUFFER_PACKETS=256 HO_MHOD_BUFFER_BYTES=384000 \
			_ho_mhod_ar_conf "$d" par 2001:db8:a::1/64 02:00:00:00:0a:01 \
			2001:db8:12::1/64 nar 2001:db8:12::2 2001:db8:b::/64 02:00:00:00:0b:01
		_ho_burst_peers "$n"
	} >"$d/par.conf" &&
	{
		HO_MHOD_BUFFER_PACKETS=256 HO_MHOD_BUFFER_BYTES=384000 \
			_ho_mhod_ar_conf "$d" nar 2001:db8:b::1/64 02:00:00:00:0b:01 \
			2001:db8:12::2/64 par 2001:db8:12::1 2001:db8:a::/64 02:00:00:00:0a:01
		_ho_burst_peers "$n"
	} >"$d/nar.conf" || return 1
	for ((i = 0; i < n; i++)); do
		printf 'address add 2001:db8:ff::1:%x/128 dev lo nodad\n' "$i"
	done >"$d/addrs" &&
	ipn "$HO_MN" -batch "$d/addrs" &&
	ipn "$HO_PAR" route add $HO_BURST_PCOA/112 via 2001:db8:a::2 &&
	ho_esp_setup "$d" "$n" || return 1
	_ho_mhod_run par "$HO_PAR" "$d/par.conf" &&
	_ho_mhod_run nar "$HO_NAR" "$d/nar.conf"
}

# ho_mhod_burst N FIRST [ARGS...]: the FBUs of mobile nodes FIRST to
# FIRST + N - 1 at once, from the MN; prints mho_fbu_burst's line (mns=
# acked= ... median_ms= max_ms=).
ho_mhod_burst() {
	local n=$1 first=$2
	shift 2
	ip netns exec "$HO_MN" "$HO_BURST" -n "$n" -p 2001:db8:a::1 \
		-a "$(printf '2001:db8:ff::1:%x' "$first")" \
		-c "$(printf '2001:db8:b::1:%x' "$first")" \
		-k "$_ho_mhod_dir/mn.key" -s $((HO_BURST_SPI + first)) "$@"
}

# ho_mhod_rss_kb NAME: the resident memory of a running daemon, in KiB.
ho_mhod_rss_kb() {
	awk '$1 == "VmRSS:" { print $2 }' "/proc/${_ho_mhod_pid[$1]}/status"
}

# ho_mhod_kill_restart NAME NS: the daemon NAME (in NS) killed with
# SIGKILL, as a crash would, and started again with its configuration;
# its log goes on in the same file.
ho_mhod_kill_restart() {
	local name=$1 ns=$2 pid=${_ho_mhod_pid[$1]}
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	echo "---- killed (SIGKILL) and started again ----" >>"$_ho_mhod_dir/$name.log"
	rm -f "$_ho_mhod_dir/$name.sock"
	_ho_mhod_run "$name" "$ns" "$_ho_mhod_dir/$name.conf"
}

# ho_mhodctl NAME COMMAND...: a control command to a daemon; its answer
# on stdout, non-zero if it is an error.
ho_mhodctl() {
	local name=$1
	shift
	"$HO_MHOD" -c "$_ho_mhod_dir/$name.conf" -C "$@"
}

# ho_mhod_stat NAME COUNTER: one of a daemon's counters.
ho_mhod_stat() {
	ho_mhodctl "$1" stats | tr ' ' '\n' | sed -n "/^$2\$/{n;p}"
}

# ho_mhod_stop: every daemon's counters to DIR/NAME.stats, then SIGTERM;
# each must exit 0.
ho_mhod_stop() {
	local name rc=0
	for name in "${!_ho_mhod_pid[@]}"; do
		ho_mhodctl "$name" stats >"$_ho_mhod_dir/$name.stats" 2>&1
		[ -z "${HO_MHOD_PREAUTH:-}" ] ||
			ho_pa_xfrm "$name" >"$_ho_mhod_dir/$name.pa-before"
		kill -TERM "${_ho_mhod_pid[$name]}" 2>/dev/null
		if ! wait "${_ho_mhod_pid[$name]}"; then
			diag "mhod $name did not exit cleanly: $(tail -n 5 "$_ho_mhod_dir/$name.log")"
			rc=1
		fi
		[ -z "${HO_MHOD_PREAUTH:-}" ] ||
			ho_pa_xfrm "$name" >"$_ho_mhod_dir/$name.pa-after"
	done
	_ho_mhod_pid=()
	return $rc
}

# ho_pa_xfrm NAME: "SAS POLICIES", the pre-authentication SAs and
# policies (mhod's reqid, 0x6d68) in the namespace of daemon NAME (par,
# nar or mn). Counts only: the SAs' lines hold their keys.
ho_pa_xfrm() {
	local ns
	case $1 in
	par) ns=$HO_PAR ;; nar) ns=$HO_NAR ;; *) ns=$HO_MN ;;
	esac
	echo "$(ipn "$ns" xfrm state | grep -c 'reqid 28008 ') $(ipn "$ns" xfrm policy | grep -c 'reqid 28008 ')"
}

# _ho_mhodctl_step NAME EVENT COMMAND...: a control command that must
# succeed, noted as EVENT once answered.
_ho_mhodctl_step() {
	local name=$1 ev=$2 out
	shift 2
	if ! out=$(ho_mhodctl "$name" "$@" 2>&1); then
		printf 'mhod %s %s: %s\n' "$name" "$*" "$out" >>"$_ho_out/ctl.err"
		_ho_ctl_errors=$((_ho_ctl_errors + 1))
		return 1
	fi
	echo "$name $*: $out" >>"$_ho_out/mhod/steps"
	_ho_event "$ev"
}

# The move, told to the MN agent only: what it tells the routers sets
# them up. The MN's FBU is its departure: it leaves once the FBack came.
# HO_MHOD_MOVE=reactive: it leaves unannounced, and signals (UNA, FBU
# from the NCoA) once on the new link (RFC 5568 3.3's reactive mode).
# HO_MHOD_MOVE=restart: predictive, and the pAR's mhod is killed once it
# forwards and started again (it takes the forwarding over from the
# kernel; the MN's FBU with lifetime 0 must still end it).
_ho_move_mhod() {
	[ "${HO_MHOD_MOVE:-}" = reactive ] ||
		_ho_mhodctl_step mn fback handoff "$HO_AP_NAR"
	if [ "${HO_MHOD_MOVE:-}" = restart ]; then
		if ho_mhod_kill_restart par "$HO_PAR"; then
			_ho_event restart
		else
			echo "mhod par did not start again" >>"$_ho_out/ctl.err"
			_ho_ctl_errors=$((_ho_ctl_errors + 1))
		fi
	fi
	_ho_event leave
	_ho_ctl_send mn-tc "qdisc change dev mn0 root netem loss 100%"
	_ho_cross mhod
	_ho_ctl_wait mn
	_ho_event up
	if [ "${HO_MHOD_MOVE:-}" = reactive ]; then
		_ho_mhodctl_step mn fback reactive
	else
		# The UNA: the nAR's module releases the old stream.
		_ho_mhodctl_step mn una attach
	fi
	if [ -n "${HO_MHOD_HA:-}" ]; then
		# The agent's BU after the move (it sends it itself): the
		# home agent's binding moves, its end-marker ends the pAR's
		# forwarding. Nothing else is told anything.
		if wait_for 60 _ho_mhod_registered 2001:db8:b::2; then
			_ho_event bu
		else
			echo "mhod mn: no registration at 2001:db8:b::2: $(ho_mhodctl mn home 2>&1)" >>"$_ho_out/ctl.err"
			_ho_ctl_errors=$((_ho_ctl_errors + 1))
		fi
		return
	fi
	_ho_reroute cn "$HOA via 2001:db8:2::2"
	_ho_old_path_drained
	_ho_event bu
	# The tunnel is no longer needed: the pAR's end-marker.
	_ho_mhodctl_step mn end end
}
