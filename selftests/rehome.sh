# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The topology of the strongSwan re-home tests (78-swan, 90-ike), and the
# re-home itself: the MN's IPsec context moves from the pAR to the nAR
# with mho's context commands (Documentation/context.rst). Source it after
# lib.sh, swan.sh and xfrm.sh. Each node in its own netns:
#
#              2001:db8:1::/64          2001:db8:a::/64
#          .-------------------- pAR ---------------------.
#          | ::2          ::1    | ::1  ::1          ::10 | mn0 (CoA1)
#   CN 2001:db8:c::2 (lo)        | 2001:db8:12::/64       MN  2001:db8:ff::10 (lo)
#          | ::2          ::1    | ::2  ::1          ::10 | mn1 (CoA2, down at first)
#          '-------------------- nAR ---------------------'
#              2001:db8:2::/64          2001:db8:b::/64
#
# One tunnel-mode CHILD_SA (CHILD) for 2001:db8:ff::10 (the MN's inner
# address, its binding's HOA) <=> 2001:db8:c::/64. The pAR and the nAR
# are each other's mho peers, with a pAR binding (coa CoA1) and an nAR
# binding for the HOA, as in 77-context.
#
#   SW_CONN_STATIC, SW_CHILD_STATIC
#                         swanctl.conf lines for an IKE that does nothing
#                         unasked
#   sw_modules [MODULE...]
#                         the kernel modules the tests need
#   sw_topology           the namespaces, links and the inner routes
#                         (CN and MN via the pAR; each router to the MN's
#                         care-of address behind it); SW_CN_MTU, if set,
#                         is the MTU of the CN's route to the MN
#   sw_warm NS            instantiate AES-GCM in NS ahead of charon
#   sw_bindings           the routers as peers, their bindings of the MN
#   sw_ike MNDIR ARDIR MNADDR ARADDR [CONN]
#                         the MN's and an AR's swanctl.conf (CONN: the
#                         MN's connection, "ar" if not given)
#   sw_state NS           the state of the MN's binding in NS
#   esp_pair MN AR        what esp_states shows for an SA pair
#   swan_spi NS DIR in|out
#                         the CHILD_SA's SPI as swanctl shows it
#   pings DOWN UP         echo requests CN -> MN, MN -> CN, all answered
#   sw_export             the re-home's first step: the nAR holds, the pAR
#                         exports the context to $TMPD/ctx and deletes it
#   sw_move               the MN's link moves to the nAR, where it makes
#                         itself known; "context move" takes its SAs and
#                         policies along
#   sw_import             the pAR forwards and ends, the CN's route moves
#                         to the nAR, the nAR imports (and releases)
#
# The MN's CoA1 survives its link going down across the move: charon's
# IKE_SA with the pAR is bound to it.

SW_MN=mho-sw-$$-mn
SW_PAR=mho-sw-$$-par
SW_NAR=mho-sw-$$-nar
SW_CN=mho-sw-$$-cn
PAR_A=2001:db8:a::1		# the pAR, seen from the MN
NAR_A=2001:db8:b::1		# the nAR, seen from the MN
COA1=2001:db8:a::10		# the MN behind the pAR: charon's address
COA2=2001:db8:b::10		# the MN behind the nAR
MN_IN=2001:db8:ff::10		# the MN's inner address (the HOA)
CN_ADDR=2001:db8:c::2
CN_NET=2001:db8:c::/64
PAR_CN=2001:db8:1::1		# the pAR, seen from the CN
NAR_CN=2001:db8:2::1		# the nAR, seen from the CN
PAR_PEER=2001:db8:12::1		# the routers' mho tunnel endpoints
NAR_PEER=2001:db8:12::2
# shellcheck disable=SC2034 # read by the tests
MARGIN=4096			# MHO_CTX_SEQ_MARGIN
CHILD=home
SW_CN_MTU=${SW_CN_MTU:-}

# Deterministic IKE, for swan_conf (SWAN_CONN_EXTRA, SWAN_CHILD_EXTRA): no
# MOBIKE, no reauthentication, rekeying only when a test asks (after a
# day otherwise). DPD is each test's choice.
# shellcheck disable=SC2034 # read by the tests
SW_CONN_STATIC="mobike = no
rekey_time = 24h
reauth_time = 0
rand_time = 0"
# shellcheck disable=SC2034 # read by the tests
SW_CHILD_STATIC="rekey_time = 24h
life_time = 25h
rand_time = 0
dpd_action = none
close_action = none"

ctl() {
	x "$MHOCTL" -n "$@"
}

# sw_modules [MODULE...]: load XFRM's, ESP's and AES-GCM's modules, and
# those named; say which one is missing.
sw_modules() {
	local m
	for m in xfrm_user esp6 xfrm6_tunnel gcm "$@"; do
		modprobe -q "$m" || { echo "kernel module $m is not available"; return 1; }
	done
}

# sw_link NS1 IF1 ADDR1 NS2 IF2 ADDR2 [down]: a veth pair, /64s, both
# ends up (NS2's stays down with "down").
sw_link() {
	ip link add "$2" netns "$1" type veth peer name "$5" netns "$4" &&
	ip -n "$1" addr add "$3/64" dev "$2" nodad &&
	ip -n "$4" addr add "$6/64" dev "$5" nodad &&
	ip -n "$1" link set "$2" up || return 1
	[ "${7:-}" = down ] || ip -n "$4" link set "$5" up
}

# sw_router NS: NS forwards.
sw_router() {
	ns_sysctl "$1" net/ipv6/conf/all/forwarding=1
}

# _sw_cn_route VIA: the CN's route to the MN's inner address.
_sw_cn_route() {
	# shellcheck disable=SC2086 # no words when SW_CN_MTU is empty
	ip -n "$SW_CN" route replace $MN_IN via "$1" src $CN_ADDR \
		${SW_CN_MTU:+mtu lock "$SW_CN_MTU"}
}

sw_topology() {
	ns_add_quiet "$SW_MN" "$SW_PAR" "$SW_NAR" "$SW_CN" &&
	sw_router "$SW_PAR" &&
	sw_router "$SW_NAR" &&
	sw_link "$SW_PAR" to-cn $PAR_CN "$SW_CN" cn0 2001:db8:1::2 &&
	sw_link "$SW_NAR" to-cn $NAR_CN "$SW_CN" cn1 2001:db8:2::2 &&
	sw_link "$SW_PAR" to-nar $PAR_PEER "$SW_NAR" to-par $NAR_PEER &&
	sw_link "$SW_PAR" to-mn $PAR_A "$SW_MN" mn0 $COA1 &&
	sw_link "$SW_NAR" to-mn $NAR_A "$SW_MN" mn1 $COA2 down &&
	ip -n "$SW_MN" addr add $MN_IN/128 dev lo nodad &&
	ip -n "$SW_CN" addr add $CN_ADDR/128 dev lo nodad &&
	_sw_cn_route $PAR_CN &&
	ip -n "$SW_MN" route add $CN_NET via $PAR_A dev mn0 src $MN_IN &&
	ip -n "$SW_PAR" route add $MN_IN via $COA1 dev to-mn &&
	ip -n "$SW_NAR" route add $MN_IN via $COA2 dev to-mn &&
	ip -n "$SW_PAR" route add $CN_NET via 2001:db8:1::2 &&
	ip -n "$SW_NAR" route add $CN_NET via 2001:db8:2::2
}

# Done the first time by charon's SA, instantiating ESP's AES-GCM
# (seqiv(rfc4106(gcm(aes))), its modules and self-tests) takes seconds
# under emulation, in the middle of IKE_AUTH: long enough for the MN to
# retransmit. An SA added and deleted does it ahead.
sw_warm() {
	ip -n "$1" xfrm state add src ::1 dst ::1 proto esp spi 0x100 \
		mode tunnel aead 'rfc4106(gcm(aes))' \
		0x000102030405060708090a0b0c0d0e0f10111213 128 &&
	ip -n "$1" xfrm state delete src ::1 dst ::1 proto esp spi 0x100
}

# The routers have talked before (in FMIPv6, HI and HAck): each has the
# other in its neighbour cache. A router that has not must resolve its
# peer when the first burst of forwarded packets leaves, and the
# neighbour's queue of unresolved packets (unres_qlen_bytes, 208 KB by
# default) drops what does not fit (Documentation/context.rst, "Handing
# the SAs back to IKE").
#
# Each router holds the UDP stream (about 300 KB/s, 64 to 3,000 octets)
# for as long as the re-home takes. That is under a second on a quiet
# host, and was 3.5 s in a CI run on a slow one: the nAR overflowed the
# default 1 MiB and dropped 93 packets. 8 MiB covers 25 s.
sw_bindings() {
	x ip netns exec "$SW_PAR" ping6 -c 1 -W 5 $NAR_PEER &&
	ctl "$SW_PAR" limits set max-hold 600000 max-pkts 8192 max-bytes 8388608 &&
	ctl "$SW_NAR" limits set max-hold 600000 max-pkts 8192 max-bytes 8388608 &&
	ctl "$SW_PAR" peer add $NAR_PEER local $PAR_PEER &&
	ctl "$SW_NAR" peer add $PAR_PEER local $NAR_PEER &&
	ctl "$SW_PAR" binding add role par hoa $MN_IN coa $COA1 peer $NAR_PEER &&
	ctl "$SW_NAR" binding add role nar hoa $MN_IN peer $PAR_PEER
}

sw_ike() {
	swan_conf "$1" "${5:-ar}" "$3" "$4" $CHILD $MN_IN/128 $CN_NET &&
	swan_conf "$2" mn "$4" "$3" $CHILD $CN_NET $MN_IN/128
}

sw_state() {
	"$MHOCTL" -n "$1" -j binding show match $MN_IN 2>/dev/null |
		sed -n 's/.*"state":"\([a-z]*\)".*/\1/p'
}

esp_pair() {
	printf '%s tunnel rfc4106(gcm(aes))\n' "$1 $2" "$2 $1" | sort
}

# swanctl --list-sas shows the SPIs as 0x%08x's digits.
swan_spi() {
	swan_swanctl "$1" "$2" --list-sas >"$TMPD/list-sas" 2>&1 || return 1
	sed -n "s/^[[:space:]]*$3 *\([0-9a-f]\{8\}\)[ ,].*/0x\1/p" "$TMPD/list-sas" |
		head -n 1
}

pings() {
	x ip netns exec "$SW_CN" ping6 -c "$1" -A -W 5 -I $CN_ADDR $MN_IN || return 1
	x ip netns exec "$SW_MN" ping6 -c "$2" -A -W 5 -I $MN_IN $CN_ADDR
}

# The nAR holds what the pAR will forward; the pAR's export freezes the
# MN's traffic (the binding buffers) and removes its SAs.
sw_export() {
	ctl "$SW_NAR" binding set match $MN_IN state hold &&
	ctl "$SW_PAR" context export match $MN_IN dispose delete file "$TMPD/ctx"
}

# The MN announces itself on its new link, as FMIPv6's UNA does: the nAR
# has its link-layer address before the first held packet leaves. It
# moves its SAs once everything the pAR sent it on the old link has been
# through its SA (the SA's replay counter has reached the pAR's last
# sequence number, which the export recorded). It does not wait for its
# stack to deliver them: a decapsulated packet is queued again before
# the policy check, and the moved policy must take what the old SA
# decrypted (Documentation/context.rst, "Inbound templates after a
# move"; with the new AR in its template, XfrmInTmplMismatch).
#
# SW_FRAGQ: the datagrams the MN has begun to reassemble when it moves.
# The pAR's export may freeze a fragmented datagram between two of its
# fragments: the first came over the old SA, the rest wait in the pAR's
# buffer. Reassembled after the move, the datagram carries the first
# fragment's SA, which the move deleted; it must arrive all the same.
SW_FRAGQ=0
sw_move() {
	x ip -n "$SW_MN" link set mn0 down &&
	wait_for 10 _sw_old_drained ||
		{ fail "the MN did not receive all the pAR sent (SPI, sent, received): $(_sw_old_seqs)"; return 1; }
	# shellcheck disable=SC2034 # read by 90-ike
	SW_FRAGQ=$(ip netns exec "$SW_MN" awk '$1 == "FRAG6:" { print $3 }' /proc/net/sockstat6)
	x ip -n "$SW_MN" link set mn1 up &&
	x ip netns exec "$SW_MN" ping6 -c 1 -W 5 $NAR_A &&
	x ip -n "$SW_MN" route replace $CN_NET via $NAR_A dev mn1 src $MN_IN &&
	xout "moved 2 SAs 3 policies" "$MHOCTL" -n "$SW_MN" context move \
		coa $COA1 new-coa $COA2 ar $PAR_A new-ar $NAR_A
}

# _sw_old_seqs: "SPI OSEQ SEQ": the pAR's SA to the MN's CoA1, the last
# sequence number it sent (from the export), the MN's highest received.
_sw_old_seqs() {
	local spi oseq
	read -r spi oseq <<<"$("$MHOCTL" context show file "$TMPD/ctx" |
		awk -v coa=$COA1 '$1 == "sa" { spi = $4; dst = $8 }
			$0 ~ / oseq / && dst == coa { print spi, $4; exit }')"
	echo "$spi $oseq $(sa_ctr "$SW_MN" $COA1 "$spi" seq)"
}

_sw_old_drained() {
	local s
	read -r -a s <<<"$(_sw_old_seqs)"
	[ -n "${s[2]:-}" ] && [ "${s[2]}" -ge "${s[1]}" ]
}

# The pAR forwards (what it buffered), the CN's binding update, the pAR's
# end-marker; the nAR imports (reactive, new-ar, new-coa) and releases.
sw_import() {
	ctl "$SW_PAR" binding set match $MN_IN state forward &&
	x _sw_cn_route $NAR_CN &&
	ctl "$SW_PAR" binding set match $MN_IN state end &&
	xout "installed 2 SAs 3 policies" "$MHOCTL" -n "$SW_NAR" context import \
		match $MN_IN file "$TMPD/ctx" new-ar $NAR_A new-coa $COA2
}
