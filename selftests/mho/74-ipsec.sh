#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mho's tunnel under IPsec: ESP in transport mode between the access
# routers, for "proto ipv6" (41) between their endpoints 2001:db8:12::1
# (pAR) and ::2 (nAR), both ways, set up with ip xfrm; "dir out" policies
# on the sending side, "dir in" on the receiving side.
#
#   a) the mho-mode handoff of selftests/handoff.sh (a shorter stream),
#      with the SAs in place: nothing lost, reordered or duplicated; every
#      packet the pAR forwarded, and the end-marker, went through the
#      SAs (their counters on both routers) and were taken by the nAR;
#      and no plaintext packet crossed the routers' link: the nAR's
#      link counter, less ICMPv6 and what its inbound SA took, stays 0
#   b) the nAR's "dir in" policy is what mho checks: a plaintext tunnel
#      packet from the pAR's address (mho_forge in the pAR's netns: a raw
#      socket, which no "proto ipv6" policy covers) is dropped as
#      untrusted while the policy requires ESP, and taken (tunnel-rx)
#      once the policy is gone
#
# handoff_run builds and removes its topology itself, with no way to add
# the SAs in between or to read their counters before the end, so the
# steps of the run are here, on handoff_setup.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../handoff.sh"

FORGE=${MHO_FORGE:-$MHO_SELFTESTS/tools/mho_forge}
COUNT=${HO_COUNT_IPSEC:-1000}
PAR_EP=$HO_PAR_PEER
NAR_EP=$HO_NAR_PEER
# Fixed test keys: AES-128-CBC, HMAC-SHA-256 truncated to 128 bits.
ENC_KEY=0x000102030405060708090a0b0c0d0e0f
AUTH_KEY=0x101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f

mho_setup
[ -x "$FORGE" ] || { echo "$FORGE is missing (build selftests/tools)"; exit $KSFT_FAIL; }
[ -x "$HO_PROBE" ] || { echo "$HO_PROBE is missing (build selftests/tools)"; exit $KSFT_FAIL; }
# modprobe succeeds for what is built in, too.
for m in xfrm_user esp6 authenc echainiv; do
	modprobe -q "$m" || skip_all "kernel module $m is not available"
done

# sa NS: both SAs, one per direction, in NS.
sa() {
	local ns=$1 spi=0x1001 src=$PAR_EP dst=$NAR_EP
	for _ in 1 2; do
		ip -n "$ns" xfrm state add src $src dst $dst proto esp spi $spi \
			reqid 1 mode transport enc 'cbc(aes)' $ENC_KEY \
			auth-trunc 'hmac(sha256)' $AUTH_KEY 128 || return 1
		spi=0x1002 src=$NAR_EP dst=$PAR_EP
	done
}

# policy NS DIR SRC DST [del]: IPv6-in-IPv6 from SRC to DST needs ESP.
policy() {
	local sel="src $3/128 dst $4/128 proto 41 dir $2"	# ipv6: no /etc/protocols here
	if [ "${5:-}" = del ]; then
		# shellcheck disable=SC2086 # words
		ip -n "$1" xfrm policy delete $sel
		return
	fi
	# shellcheck disable=SC2086 # words
	ip -n "$1" xfrm policy add $sel \
		tmpl src "$3" dst "$4" proto esp reqid 1 mode transport
}

# sa_pkts NS SRC: packets through the SA from SRC in NS.
sa_pkts() {
	ip -n "$1" -s xfrm state list src "$2" |
		sed -n 's/.*(bytes), \([0-9]*\)(packets).*/\1/p' | head -n 1
}

setup() {
	# Holds that outlast a slow move (see _ho_limits in handoff.sh).
	"$MHOCTL" -n "$HO_PAR" limits set max-hold 600000 max-pkts 4096 &&
	"$MHOCTL" -n "$HO_NAR" limits set max-hold 600000 max-pkts 4096 &&
	"$MHOCTL" -n "$HO_PAR" peer add $NAR_EP local $PAR_EP name nar &&
	"$MHOCTL" -n "$HO_NAR" peer add $PAR_EP local $NAR_EP name par &&
	# A long linger: the pAR's counters are read after the stream.
	"$MHOCTL" -n "$HO_PAR" binding add role par hoa $HOA peer $NAR_EP linger 60000 &&
	"$MHOCTL" -n "$HO_NAR" binding add role nar hoa $HOA peer $PAR_EP &&
	sa "$HO_PAR" && sa "$HO_NAR" &&
	policy "$HO_PAR" out $PAR_EP $NAR_EP && policy "$HO_PAR" in $NAR_EP $PAR_EP &&
	policy "$HO_NAR" out $NAR_EP $PAR_EP && policy "$HO_NAR" in $PAR_EP $NAR_EP
}

# link_rx: packets the nAR received on its link to the pAR.
link_rx() {
	ip -n "$HO_NAR" -s link show dev to-par |
		awk '/RX:/ { getline; print $2; exit }'
}

# icmp_rx: ICMPv6 messages (MLD, ND) the nAR received on that link.
icmp_rx() {
	ip netns exec "$HO_NAR" awk '$1 == "Icmp6InMsgs" { print $2 }' \
		/proc/net/dev_snmp6/to-par
}

# plaintext: packets on the routers' link, since setup, that were neither
# ICMPv6 nor taken by the nAR's inbound SA. Nothing else crosses that
# link in this test, and every ESP packet from the pAR passes that SA,
# so these came in plain text.
plaintext() {
	echo $(( $(link_rx) - $(icmp_rx) - $(sa_pkts "$HO_NAR" $PAR_EP) - PLAIN0 ))
}

handoff_setup || { echo "topology setup failed"; exit $KSFT_FAIL; }
setup >/dev/null || { echo "setup failed"; exit $KSFT_FAIL; }
PLAIN0=0
PLAIN0=$(plaintext)

# untrusted: the nAR's netns counter.
untrusted() {
	ho_stat "$HO_NAR" untrusted
}

# xfrm_stat NAME: a counter of /proc/net/xfrm_stat in the nAR's netns.
xfrm_stat() {
	nsx "$HO_NAR" awk -v k="$1" '$1 == k { print $2 }' /proc/net/xfrm_stat
}



# want WHAT GOT OP VALUE: GOT compares to VALUE as OP says (awk).
want() {
	if [ -z "$2" ] || ! awk -v a="$2" -v b="$4" "BEGIN { exit !(a + 0 $3 b + 0) }"; then
		fail "$1 is ${2:-missing}, expected $3 $4"
		return 1
	fi
	return 0
}

# num KEY LINE: the number after KEY in LINE ("sent 1000 received ...").
num() {
	sed -n "s/.* $1 \([0-9]*\).*/\1/p" <<<" $2"
}

# reordered RECVLOG: the runs of packets that arrived after a newer one.
reordered() {
	awk '$1 < max { if (!n) first = $1; last = $1; n++; next }
	     n { printf "seq %d..%d (%d) arrived after %d\n", first, last, n, max; n = 0 }
	     { max = $1 }
	     END { if (n) printf "seq %d..%d (%d) arrived after %d\n", first, last, n, max }' "$1"
}

ctl() {
	x "$MHOCTL" -n "$@"
}

# The run of handoff.sh's mho mode, shorter: the MN moves 0.3 s into a
# stream of COUNT packets at HO_RATE.
t_handoff() {
	local out=$TMPD/run recv_pid send_pid mask res fwd mtx esp fwd_marker
	mkdir -p "$out"
	ip netns exec "$HO_MN" "$HO_PROBE" recv -p "$HO_PORT" -n "$COUNT" \
		-t 20000 -T 120000 -l 200 -o "$out/recv.log" \
		>"$out/recv.out" 2>"$out/recv.err" &
	recv_pid=$!
	bg_add $recv_pid
	wait_for 10 _ho_receiver_ready || { fail "the receiver did not start"; return; }

	# As in handoff_run: the sender on CPU 0, this shell off it.
	mask=$(taskset -p "$BASHPID" 2>/dev/null | sed -n 's/.*: //p')
	[ "$(nproc)" -lt 2 ] || taskset -p 2 "$BASHPID" >/dev/null 2>&1
	ip netns exec "$HO_CN" taskset -c 0 "$HO_PROBE" send -d $HOA -p "$HO_PORT" \
		-r "$HO_RATE" -n "$COUNT" >"$out/send.out" 2>"$out/send.err" &
	send_pid=$!
	bg_add $send_pid
	sleep 0.3
	ctl "$HO_NAR" binding set match $HOA state hold
	ctl "$HO_PAR" binding set match $HOA state forward
	ip -n "$HO_MN" link set mn0 down
	sleep "$HO_GAP"
	ip -n "$HO_MN" link set mn1 up
	ctl "$HO_NAR" binding set match $HOA state release
	x ip -n "$HO_CN" route replace $HOA via 2001:db8:2::2
	# The marker leaves from the CPU that runs this command, the
	# tunnelled packets from CPU 0, where the stream is received; veth
	# queues each on the backlog of the CPU that sent it, and under
	# emulation ESP keeps CPU 0's backlog long: the marker can overtake
	# the last packets. The nAR must wait for them (the marker says how
	# many there were).
	x "$MHOCTL" -n "$HO_PAR" binding set match $HOA state end
	# What the pAR forwarded when its end-marker left: anything it
	# forwards later reaches the nAR after the marker, too late.
	wait_for 5 prints 1 ho_ctr "$HO_PAR" markers_tx
	fwd_marker=$(ho_ctr "$HO_PAR" forwarded)
	wait $send_pid || fail "the sender failed: $(cat "$out/send.err")"
	[ -z "$mask" ] || taskset -p "$mask" "$BASHPID" >/dev/null 2>&1
	wait_for 10 _ho_settled "$HO_NAR" ||
		fail "the nAR's binding is still \"$(handoff_state "$HO_NAR")\" 10 s after the stream"
	wait_for 1 _ho_gone $recv_pid
	kill -TERM $recv_pid 2>/dev/null
	wait $recv_pid
	res=$(cat "$out/recv.out")
	diag "receiver: $res"
	diag "pAR: $("$MHOCTL" -n "$HO_PAR" -s binding show)"
	diag "nAR: $("$MHOCTL" -n "$HO_NAR" -s binding show)"$'\n'"nAR: $("$MHOCTL" -n "$HO_NAR" stats)"
	diag "to-par: $(link_rx) packets, $(plaintext) not through the SA"
	diag "SA packets: pAR out $(sa_pkts "$HO_PAR" $PAR_EP), nAR in $(sa_pkts "$HO_NAR" $PAR_EP)"

	want sent "$(num sent "$res")" == "$COUNT"
	want lost "$(num lost "$res")" == 0
	want out_of_order "$(num out_of_order "$res")" == 0 || diag "$(reordered "$out/recv.log")"
	want duplicates "$(num duplicates "$res")" == 0
	fwd=$(ho_ctr "$HO_PAR" forwarded)
	mtx=$(ho_ctr "$HO_PAR" markers_tx)
	want "the pAR's forwarded" "$fwd" '>' 0
	want "the pAR's markers-tx" "$mtx" == 1
	want "packets the pAR forwarded after its end-marker" $((fwd - fwd_marker)) == 0
	want "the nAR's tunnel-rx" "$(ho_ctr "$HO_NAR" tunnel_rx)" == "$fwd"
	want "the nAR's markers-rx" "$(ho_ctr "$HO_NAR" markers_rx)" == 1
	want "the nAR's untrusted" "$(untrusted)" == 0
	want "the pAR's outbound SA packets" "$(sa_pkts "$HO_PAR" $PAR_EP)" '>=' $((fwd + mtx))
	want "the nAR's inbound SA packets" "$(sa_pkts "$HO_NAR" $PAR_EP)" '>=' $((fwd + mtx))
	want "plaintext packets on the link" "$(plaintext)" == 0
}

# One plaintext data packet from the pAR's endpoint to the nAR's, for
# the HOA; the nAR's binding holds, so that a packet taken stays counted.
t_policy() {
	local u rx plain mism
	ctl "$HO_NAR" binding set match $HOA state hold || return
	u=$(untrusted)
	rx=$(ho_ctr "$HO_NAR" tunnel_rx)
	plain=$(plaintext)
	mism=$(xfrm_stat XfrmInTmplMismatch)
	x nsx "$HO_PAR" "$FORGE" -s $PAR_EP -d $NAR_EP -i $HOA || return
	settle "plaintext packets on the link" $((plain + 1)) plaintext
	settle untrusted $((u + 1)) untrusted
	expect_eq "the nAR's tunnel-rx" "$(ho_ctr "$HO_NAR" tunnel_rx)" "$rx"
	[ -z "$mism" ] || expect_eq "XfrmInTmplMismatch" "$(xfrm_stat XfrmInTmplMismatch)" $((mism + 1))

	# Without the nAR's "dir in" policy, the same packet is taken.
	x policy "$HO_NAR" in $PAR_EP $NAR_EP del || return
	x nsx "$HO_PAR" "$FORGE" -s $PAR_EP -d $NAR_EP -i $HOA || return
	settle "plaintext packets on the link" $((plain + 2)) plaintext
	settle "the nAR's tunnel-rx" $((rx + 1)) ho_ctr "$HO_NAR" tunnel_rx
	expect_eq untrusted "$(untrusted)" $((u + 1))
	ctl "$HO_NAR" binding set match $HOA state idle
}

ktap_plan 2
run_case "mho handoff through ESP: nothing lost, reordered or duplicated, no plaintext" t_handoff
run_case "the nAR's dir in policy: a plaintext tunnel packet is untrusted, taken without it" t_policy
ktap_finish
