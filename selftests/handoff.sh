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
# The move: the MN's link to the pAR goes down, HO_GAP seconds pass, its
# link to the nAR comes up. Modes (what mho does around it):
#
#   none     no mho binding: what arrives at the pAR during the move is lost
#   classic  smooth handoff: the pAR buffers from just before the move and
#            forwards the buffer to the nAR after the binding update; the
#            nAR delivers what it gets at once, so the CN's direct packets
#            overtake the buffered ones
#   mho      the pAR forwards from just before the move (before the binding
#            update) and the nAR holds; once the MN is attached the nAR
#            releases the old stream, then, after the pAR's end-marker, the
#            new one, in order
#   ha       mho's home agent in the path (see "The home agent" below):
#            as mho, but the binding update goes to the home agent, whose
#            end-marker, not the operator, ends the pAR's forwarding
#   mho-na   as mho, but nobody tells the nAR to release: the MN's
#            unsolicited Neighbor Advertisement for its new care-of
#            address (2001:db8:b::2, the nAR binding's ncoa) does. The
#            MN configures that address when its link comes up and sends
#            the NA when DAD is done (ndisc_notify), as a real MN would;
#            the nAR's end of the link is up by then (an NA sent the very
#            moment the veth came up could overtake the nAR's own
#            link-up work, which veth does asynchronously)
#
#   handoff_run MODE OUTDIR
#
# builds the topology, runs one mode, tears the topology down and leaves
# in OUTDIR:
#
#   send.log   mho_probe's sender log: "seq send_ns [errno]"
#   recv.log   the receiver's log: "seq send_ns recv_ns" per arrival
#   events     "NAME ns", the moments of the move (CLOCK_MONOTONIC, like
#              the logs): send, down, up, bu, and mho's state changes
#   counters   mhoctl's view of both routers after the run
#   summary    key=value: mode, the receiver's numbers (sent received lost
#              duplicates out_of_order bogus max_interruption_ms
#              delay_min_ms delay_avg_ms delay_max_ms added_delay_max_ms
#              socket_drops), send_errors, ctl_errors (mhoctl commands
#              that failed), gap_ms (down to up, as it happened)
#
# It returns non-zero only if the run could not be made (topology, probe);
# what the run measured is for the caller to judge. Needs mho loaded
# (mho_setup) for the classic and mho modes.
#
# Tunables: HO_RATE (packets/s, 1000), HO_COUNT (1500; 8000 on the debug
# kernel), HO_MOVE_AT (the
# move starts this many seconds into the stream, 0.4), HO_GAP (seconds
# between down and up, 0.05), HO_PORT (9909).

HO_RATE=${HO_RATE:-1000}
# On the debug kernel the move itself takes seconds: a longer stream, so
# that it still runs when the binding update comes.
if [ "${MHO_FLAVOUR:-}" = debug ]; then
	HO_COUNT=${HO_COUNT:-8000}
else
	HO_COUNT=${HO_COUNT:-1500}
fi
HO_MOVE_AT=${HO_MOVE_AT:-0.4}
HO_GAP=${HO_GAP:-0.05}
HO_PORT=${HO_PORT:-9909}
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

# ---- topology ----------------------------------------------------------------

# _ho_sysctl NS NAME=VALUE...: IPv6 sysctls in NS, one process.
_ho_sysctl() {
	local ns=$1 kv script=
	shift
	for kv in "$@"; do
		script+="echo ${kv#*=} >/proc/sys/${kv%%=*} && "
	done
	ip netns exec "$ns" sh -c "${script}true"
}

# _ho_link ID NS1 IF1 NS2 IF2: a veth pair on 2001:db8:ID::/64, NS1's end
# ::1 (MAC 02:00:00:00:ID:01), NS2's ::2 (02:00:00:00:ID:02), with
# permanent neighbour entries both ways. NS1's end comes up; NS2's too
# unless it is the MN's mn1, which the move brings up.
_ho_link() {
	local id=$1 ns1=$2 if1=$3 ns2=$4 if2=$5
	local mac1 mac2 a1=2001:db8:$1::1 a2=2001:db8:$1::2
	mac1=02:00:00:00:$(printf %02x $((16#$id))):01
	mac2=02:00:00:00:$(printf %02x $((16#$id))):02
	ip link add "$if1" netns "$ns1" address "$mac1" type veth \
		peer name "$if2" netns "$ns2" address "$mac2" || return 1
	ip -n "$ns1" addr add "$a1/64" dev "$if1" nodad &&
	ip -n "$ns2" addr add "$a2/64" dev "$if2" nodad &&
	ip -n "$ns1" neigh replace "$a2" lladdr "$mac2" dev "$if1" nud permanent &&
	ip -n "$ns2" neigh replace "$a1" lladdr "$mac1" dev "$if2" nud permanent &&
	ip -n "$ns1" link set "$if1" up || return 1
	[ "$if2" = mn1 ] || ip -n "$ns2" link set "$if2" up
}

# handoff_setup: the topology above, the MN attached to the pAR.
handoff_setup() {
	local ns
	ns_add "$HO_CN" "$HO_PAR" "$HO_NAR" "$HO_MN" || return 1
	# Before any link exists, so that every interface inherits "default":
	# no DAD, RA, autoconfiguration or router solicitation, and addresses
	# survive a link going down (the MN's, across the move).
	for ns in "$HO_CN" "$HO_PAR" "$HO_NAR" "$HO_MN"; do
		_ho_sysctl "$ns" \
			net/ipv6/conf/all/accept_dad=0 net/ipv6/conf/default/accept_dad=0 \
			net/ipv6/conf/all/accept_ra=0 net/ipv6/conf/default/accept_ra=0 \
			net/ipv6/conf/all/autoconf=0 net/ipv6/conf/default/autoconf=0 \
			net/ipv6/conf/all/router_solicitations=0 \
			net/ipv6/conf/default/router_solicitations=0 \
			net/ipv6/conf/all/keep_addr_on_down=1 \
			net/ipv6/conf/default/keep_addr_on_down=1 || return 1
	done
	_ho_sysctl "$HO_PAR" net/ipv6/conf/all/forwarding=1 || return 1
	_ho_sysctl "$HO_NAR" net/ipv6/conf/all/forwarding=1 || return 1

	_ho_link 1 "$HO_CN" to-par "$HO_PAR" to-cn &&
	_ho_link 2 "$HO_CN" to-nar "$HO_NAR" to-cn &&
	_ho_link 12 "$HO_PAR" to-nar "$HO_NAR" to-par &&
	_ho_link a "$HO_PAR" to-mn "$HO_MN" mn0 &&
	_ho_link b "$HO_NAR" to-mn "$HO_MN" mn1 || return 1
	ip -n "$HO_MN" addr add $HOA/128 dev lo nodad || return 1

	ip -n "$HO_CN" route add $HOA via 2001:db8:1::2 &&
	ip -n "$HO_PAR" route add $HOA via 2001:db8:a::2 &&
	ip -n "$HO_PAR" route add 2001:db8:2::/64 via 2001:db8:12::2 &&
	ip -n "$HO_PAR" route add 2001:db8:b::/64 via 2001:db8:12::2 &&
	ip -n "$HO_NAR" route add $HOA via 2001:db8:b::2 &&
	ip -n "$HO_NAR" route add 2001:db8:1::/64 via 2001:db8:12::1 &&
	ip -n "$HO_NAR" route add 2001:db8:a::/64 via 2001:db8:12::1
}

# ho_home_setup: after handoff_setup, the home agent topology above (no
# mho configuration).
ho_home_setup() {
	ns_add "$HO_SRC" || return 1
	_ho_sysctl "$HO_SRC" net/ipv6/conf/all/accept_dad=0 \
		net/ipv6/conf/default/accept_dad=0 || return 1
	_ho_sysctl "$HO_CN" net/ipv6/conf/all/forwarding=1 || return 1
	_ho_link c "$HO_CN" to-src "$HO_SRC" to-ha || return 1
	ip -n "$HO_SRC" route add default via 2001:db8:c::1 &&
	ip -n "$HO_CN" addr add $HO_HA/128 dev lo nodad &&
	ip -n "$HO_CN" route add $HO_COA1/128 via $HO_HA_PAR src $HO_HA &&
	ip -n "$HO_CN" route add $HO_COA2/128 via $HO_HA_NAR src $HO_HA &&
	ip -n "$HO_MN" addr add $HO_COA1/128 dev lo nodad &&
	ip -n "$HO_MN" addr add $HO_COA2/128 dev lo nodad &&
	ip -n "$HO_PAR" route add $HO_COA1/128 via 2001:db8:a::2 &&
	ip -n "$HO_NAR" route add $HO_COA1/128 via 2001:db8:b::2 &&
	ip -n "$HO_NAR" route add $HO_COA2/128 via 2001:db8:b::2 &&
	ip -n "$HO_MN" link add ha0 type ip6tnl mode ip6ip6 remote $HO_HA &&
	ip -n "$HO_MN" link set ha0 up
}

handoff_teardown() {
	local ns
	for ns in "$HO_CN" "$HO_PAR" "$HO_NAR" "$HO_MN" "$HO_SRC"; do
		[ ! -e "/run/netns/$ns" ] || ns_del "$ns"
	done
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

# _ho_state NS STATE: set the HOA's binding in NS to STATE and note it
# ("par-forward", ...).
_ho_state() {
	_ho_ctl "$1" binding set match $HOA state "$2"
	_ho_event "${1##*-}-$2"
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
	[ -n "$(ip netns exec "$HO_MN" ss -Hlun "sport = :$HO_PORT")" ]
}

# _ho_limits NS: room for a whole stream, held for as long as a move can
# take under emulation (on the debug kernel, bringing a veth link up
# takes seconds): the default max-hold, 2 s, would drop it.
_ho_limits() {
	_ho_ctl "$1" limits set max-hold 30000 max-pkts 16384
}

# _ho_bindings: the routers as each other's peers, and the MN's binding
# on each (idle).
_ho_bindings() {
	_ho_limits "$HO_PAR"
	_ho_limits "$HO_NAR"
	_ho_ctl "$HO_PAR" peer add $HO_NAR_PEER local $HO_PAR_PEER name nar
	_ho_ctl "$HO_NAR" peer add $HO_PAR_PEER local $HO_NAR_PEER name par
	if [ "$1" != ha ]; then
		_ho_ctl "$HO_PAR" binding add role par hoa $HOA peer $HO_NAR_PEER
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

# _ho_move MODE: the move, with what MODE does around it.
_ho_move() {
	case $1 in
	classic)
		_ho_state "$HO_PAR" buffer
		;;
	mho | mho-na | ha)
		_ho_state "$HO_NAR" hold
		_ho_state "$HO_PAR" forward
		;;
	esac
	if [ "$1" = mho-na ]; then
		# The MN configures its new care-of address on arrival, with
		# DAD (100 ms), and then announces it.
		_ho_ctl "$HO_NAR" binding set match $HOA ncoa 2001:db8:b::2
		ip -n "$HO_MN" addr del 2001:db8:b::2/64 dev mn1
		_ho_sysctl "$HO_MN" net/ipv6/conf/mn1/ndisc_notify=1 \
			net/ipv6/conf/mn1/accept_dad=1 net/ipv6/conf/mn1/dad_transmits=1 \
			net/ipv6/neigh/mn1/retrans_time_ms=100
	fi
	ip -n "$HO_MN" link set mn0 down
	_ho_event down
	sleep "$HO_GAP"
	ip -n "$HO_MN" link set mn1 up
	[ "$1" != mho-na ] || ip -n "$HO_MN" addr add 2001:db8:b::2/64 dev mn1
	_ho_event up
	[ "$1" != mho ] && [ "$1" != ha ] || _ho_state "$HO_NAR" release
	if [ "$1" = ha ]; then
		_ho_ctl "$HO_CN" binding set match $HOA coa $HO_COA2 peer $HO_HA_NAR
	else
		ip -n "$HO_CN" route replace $HOA via 2001:db8:2::2
	fi
	_ho_event bu
	case $1 in
	classic)
		_ho_state "$HO_PAR" forward
		_ho_state "$HO_PAR" end
		;;
	mho | mho-na)
		_ho_state "$HO_PAR" end
		;;
	esac
}

# _ho_counters: both routers' bindings and netns counters, to
# OUTDIR/counters and as diagnostics. The pAR's binding is deleted when
# its linger time (after "end") is over: only the netns counters stay.
_ho_counters() {
	local ns routers=("$HO_PAR" "$HO_NAR")
	[ "$1" != ha ] || routers+=("$HO_CN")
	for ns in "${routers[@]}"; do
		echo "${ns##*-}: $("$MHOCTL" -n "$ns" -s binding show 2>&1)"
		echo "${ns##*-}: $("$MHOCTL" -n "$ns" stats 2>&1)"
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

# _ho_backlog_drops: packets the CPUs' backlogs dropped so far (the
# second column of /proc/net/softnet_stat, in hex, per CPU).
_ho_backlog_drops() {
	local _ drops sum=0
	while read -r _ drops _; do
		sum=$((sum + 16#$drops))
	done </proc/net/softnet_stat
	echo $sum
}

# handoff_run MODE OUTDIR: see the top of this file. MODE: none, classic
# or mho (or a, b, c).
handoff_run() {
	local mode=$1 res v send_pid recv_pid rc=0 down up mask src backlog_drops
	case $mode in
	a | none) mode=none ;;
	b | classic) mode=classic ;;
	c | mho) mode=mho ;;
	mho-na | ha) ;;
	*) diag "handoff_run: unknown mode $mode"; return 1 ;;
	esac
	_ho_out=$2 _ho_ctl_errors=0
	mkdir -p "$_ho_out" || return 1
	rm -f "$_ho_out"/{send.log,recv.log,events,counters,summary,ctl.err,*.out,*.err}
	[ -x "$HO_PROBE" ] || { diag "$HO_PROBE is missing (build selftests/tools)"; return 1; }

	handoff_setup && { [ "$mode" != ha ] || ho_home_setup; } ||
		{ diag "handoff: topology setup failed"; handoff_teardown; return 1; }
	_ho_backlog
	backlog_drops=$(_ho_backlog_drops)
	src=$HO_CN
	[ "$mode" != ha ] || src=$HO_SRC
	[ "$mode" = none ] || _ho_bindings "$mode"
	_ho_clock

	# The receiver stops once it has every packet (then lingers for
	# duplicates), or when it is told to below.
	ip netns exec "$HO_MN" "$HO_PROBE" recv -p "$HO_PORT" -n "$HO_COUNT" \
		-t 20000 -T 120000 -l 200 -o "$_ho_out/recv.log" \
		>"$_ho_out/recv.out" 2>"$_ho_out/recv.err" &
	recv_pid=$!
	bg_add $recv_pid
	if ! wait_for 10 _ho_receiver_ready; then
		diag "handoff: the receiver did not start: $(cat "$_ho_out/recv.err")"
		bg_kill $recv_pid
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
	_ho_event send
	ip netns exec "$src" taskset -c 0 "$HO_PROBE" send -d $HOA -p "$HO_PORT" \
		-r "$HO_RATE" -n "$HO_COUNT" -o "$_ho_out/send.log" \
		>"$_ho_out/send.out" 2>"$_ho_out/send.err" &
	send_pid=$!
	bg_add $send_pid
	sleep "$HO_MOVE_AT"
	_ho_move "$mode"
	wait $send_pid || { diag "handoff: the sender failed: $(cat "$_ho_out/send.err")"; rc=1; }
	_ho_event sent
	[ -z "$mask" ] || taskset -p "$mask" "$BASHPID" >/dev/null 2>&1
	# The nAR releases the new stream after the end-marker, then is idle.
	if [ "${mode%-na}" = mho ] || [ "$mode" = ha ]; then
		if wait_for 10 _ho_settled "$HO_NAR"; then
			[ "$(handoff_state "$HO_NAR")" != idle ] || _ho_event nar-idle
		else
			diag "handoff: the nAR's binding is still \"$(handoff_state "$HO_NAR")\" 10 s after the stream"
		fi
	fi
	# Now, before the pAR's binding, lingering after "end", is gone.
	[ "$mode" = none ] || _ho_counters "$mode"
	# Whatever is still on its way (a held queue released late) has had
	# its chance; a receiver still waiting for lost packets is stopped.
	wait_for 1 _ho_gone $recv_pid
	kill -TERM $recv_pid 2>/dev/null
	wait $recv_pid || { diag "handoff: the receiver failed: $(cat "$_ho_out/recv.err")"; rc=1; }
	res=$(cat "$_ho_out/recv.out")
	[ -n "$res" ] || { diag "handoff: no summary from the receiver"; rc=1; }
	backlog_drops=$(($(_ho_backlog_drops) - backlog_drops))
	[ "$backlog_drops" = 0 ] ||
		diag "handoff: the CPUs' backlogs dropped $backlog_drops packets (/proc/net/softnet_stat)"

	[ ! -s "$_ho_out/ctl.err" ] || diag "$(cat "$_ho_out/ctl.err")"
	handoff_teardown

	down=$(awk '$1 == "down" { print $2 }' "$_ho_out/events")
	up=$(awk '$1 == "up" { print $2 }' "$_ho_out/events")
	{
		echo "mode=$mode"
		# shellcheck disable=SC2086 # words
		set -- $res
		while [ $# -ge 2 ]; do
			echo "$1=$2"
			shift 2
		done
		# "sent N errors E"
		read -r _ _ _ v <"$_ho_out/send.out" 2>/dev/null
		echo "send_errors=${v:-?}"
		echo "ctl_errors=$_ho_ctl_errors"
		awk -v d="$down" -v u="$up" 'BEGIN { printf "gap_ms=%.3f\n", (u - d) / 1e6 }'
	} >"$_ho_out/summary"
	diag "$mode: $(tr '\n' ' ' <"$_ho_out/summary")"
	return $rc
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
ho_config() {
	x "$MHOCTL" -n "$HO_PAR" limits set max-hold 30000 max-pkts 4096 &&
	x "$MHOCTL" -n "$HO_NAR" limits set max-hold 30000 max-pkts 4096 &&
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
	ip -n "$HO_MN" link set mn1 down &&
	ip -n "$HO_MN" neigh replace 2001:db8:b::1 lladdr 02:00:00:00:0b:01 \
		dev mn1 nud permanent &&
	ip -n "$HO_MN" link set mn0 up &&
	ip -n "$HO_MN" neigh replace 2001:db8:a::1 lladdr 02:00:00:00:0a:01 \
		dev mn0 nud permanent &&
	wait_for 60 ho_oper_up "$HO_MN" mn0
}

# ho_ctr NS KEY [ADDR]: a number from the JSON of ADDR's (the HOA's)
# binding in NS: a counter, queued_pkts, id...
ho_ctr() {
	"$MHOCTL" -n "$1" -j binding show match "${3:-$HOA}" |
		sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p"
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
