#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ipsec-check.sh MHOD: mhod's IPsec check at start (xfrm.c), on the host's
# kernel, in network namespaces of its own (unshare -n; root): the real
# XFRM policy dump, evaluated for an access router with one mobile node
# (static SAs) and one neighbour (IKEv2). mhod checks IPsec before it
# talks to the mho module, so none is needed: with the signaling
# protected it logs so and then stops for want of the module; otherwise
# it logs each unprotected flow and refuses; with ContextTransfer, SCTP
# port 5091 with the neighbour is checked too; a home agent's BUs and
# BAs with its mobile nodes. And a configuration that asks for
# pre-authentication, which is not built, is refused. Output: KTAP.
set -u
mhod=$(realpath "$1")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
n=0 bad=0

if [ "$(id -u)" != 0 ] || ! unshare -n true 2>/dev/null ||
   ! unshare -n ip xfrm policy list >/dev/null 2>&1; then
	echo "ipsec-check: needs root, unshare -n and XFRM in the host's kernel" >&2
	exit 1
fi

umask 077
echo 000102030405060708090a0b0c0d0e0f10111213 >"$dir/mn.key"
cat >"$dir/ar.conf" <<EOF
[General]
Role = access-router
LogLevel = info
ControlSocket = $dir/ar.sock
[Interface]
Name = acc0
Kind = access
Address = 2001:db8:a::1/64
[Interface]
Name = core0
Kind = core
Address = 2001:db8:12::1/64
[Neighbor]
Name = nar
Router = 2001:db8:12::2
Prefix = 2001:db8:b::/64
AccessPoint = 02:00:00:00:0b:01
IPsec = ars
[Peer]
Name = mn
Kind = mobile-node
Address = 2001:db8:ff::1
Key = mn
IPsec = mn
[Key]
Name = mn
Kind = badf
File = $dir/mn.key
SPI = 0x100
[IPsec]
Name = mn
Mode = static
SPIIn = 0x1001
SPIOut = 0x1002
[IPsec]
Name = ars
Mode = ikev2
Connection = ars
EOF

# The policies that protect all of it, one "ip -batch" line each.
MN_IN="src 2001:db8:ff::1/128 dst 2001:db8:a::1/128 proto 135 dir in"
MN_OUT="src 2001:db8:a::1/128 dst 2001:db8:ff::1/128 proto 135 dir out"
AR_IN="src 2001:db8:12::2/128 dst 2001:db8:12::1/128 proto 135 dir in"
AR_OUT="src 2001:db8:12::1/128 dst 2001:db8:12::2/128 proto 135 dir out"
TMPL="tmpl proto esp"
MODE="mode transport"
protected() {
	echo "xfrm policy add $MN_IN $TMPL spi 0x1001 reqid 1 $MODE"
	echo "xfrm policy add $MN_OUT $TMPL spi 0x1002 reqid 1 $MODE"
	echo "xfrm policy add $AR_IN $TMPL reqid 2 $MODE"
	echo "xfrm policy add $AR_OUT $TMPL reqid 2 $MODE"
}

# check NAME WANT [BATCH LINES...]: mhod started in a namespace holding
# those policies; its log must match the extended regex WANT, and it
# must not run.
check() {
	local name=$1 want=$2 log=$dir/log rc conf=${CONF:-$dir/ar.conf}
	shift 2
	n=$((n + 1))
	printf '%s\n' "$@" >"$dir/batch"
	unshare -n sh -c 'ip -batch "$1" && exec timeout 20 "$2" -c "$3"' \
		sh "$dir/batch" "$mhod" "$conf" >/dev/null 2>"$log"
	rc=$?
	if [ "$rc" != 0 ] && [ "$rc" != 124 ] && grep -Eq -- "$want" "$log"; then
		echo "ok $n $name"
		echo "# $(grep -Em1 -- "$want" "$log")"
	else
		echo "not ok $n $name"
		echo "# exit $rc, wanted /$want/; log:"
		sed 's/^/#   /' "$log"
		bad=$((bad + 1))
	fi
}

echo "KTAP version 1"
echo "1..12"
mapfile -t all < <(protected)
check "every flow protected: the check passes" \
	"IPsec: the signaling with 2 peers and neighbours is protected by ESP" "${all[@]}"
check "no policy: each flow named, mhod refuses" \
	"inbound FBU 2001:db8:ff::1 to 2001:db8:a::1: no IPsec policy.*" \
	"xfrm policy add src ::/0 dst ::/0 proto 17 dir in"
grep -q "IPsec: 6 signaling flows are not protected" "$dir/log" ||
	{ echo "# the count of unprotected flows is wrong"; bad=$((bad + 1)); }
check "an optional template (level use) does not protect" \
	"\[Peer\] mn, \[IPsec\] mn: outbound FBack .*optional" \
	"${all[@]:0:1}" "xfrm policy add $MN_OUT $TMPL spi 0x1002 reqid 1 $MODE level use" "${all[@]:2}"
check "a template naming another SPI than SPIIn" \
	"\[Peer\] mn, \[IPsec\] mn: inbound FBU .*another SPI" \
	"xfrm policy add $MN_IN $TMPL spi 0x9999 reqid 1 $MODE" "${all[@]:1}"
check "a bypass of higher priority decides" \
	"\[Neighbor\] nar, \[IPsec\] ars: inbound HI .*without ESP" \
	"${all[@]}" "xfrm policy add src ::/0 dst ::/0 proto 135 dir in priority 0" \
	"xfrm policy update $AR_IN priority 10 $TMPL reqid 2 $MODE"
check "a block decides" \
	"\[Neighbor\] nar, \[IPsec\] ars: outbound HAck .*blocks" \
	"${all[@]:0:3}" "xfrm policy add $AR_OUT action block"
check "a policy for any protocol protects MH too" \
	"IPsec: the signaling with 2 peers" \
	"${all[@]:0:2}" "xfrm policy add src 2001:db8:12::2/128 dst 2001:db8:12::1/128 dir in $TMPL reqid 2 $MODE" \
	"${all[@]:3}"
# ContextTransfer: SCTP port 5091 with the neighbour must be in ESP too.
sed 's/^\[General\]$/&\nContextTransfer = yes/' "$dir/ar.conf" >"$dir/ctx.conf"
CONF=$dir/ctx.conf check "context transfer: SCTP with the neighbour unprotected" \
	"\[Neighbor\] nar, \[IPsec\] ars: outbound context transfer \(SCTP 5091\) .*no IPsec policy" \
	"${all[@]}"
CONF=$dir/ctx.conf check "context transfer: SCTP in ESP both ways, the check passes" \
	"IPsec: the signaling with 2 peers and neighbours is protected by ESP" "${all[@]}" \
	"xfrm policy add src 2001:db8:12::2/128 dst 2001:db8:12::1/128 proto sctp dir in $TMPL reqid 2 $MODE" \
	"xfrm policy add src 2001:db8:12::1/128 dst 2001:db8:12::2/128 proto sctp sport 5091 dport 5091 dir out $TMPL reqid 2 $MODE"
# A home agent: the BU from each mobile node's home address, the BA to
# it (RFC 4877), whatever the care-of address.
cat >"$dir/ha.conf" <<EOF2
[General]
Role = home-agent
ControlSocket = $dir/ha.sock
[Interface]
Name = lo
Kind = core
Address = 2001:db8:ee::1/128
[Neighbor]
Name = par
Router = 2001:db8:1::2
Prefix = 2001:db8:a::/64
[Peer]
Name = mn
Kind = mobile-node
Address = 2001:db8:ff::1
IPsec = mn
[IPsec]
Name = mn
Mode = static
SPIIn = 0x5001
SPIOut = 0x5002
EOF2
HA_BU="xfrm policy add src 2001:db8:ff::1/128 dst 2001:db8:ee::1/128 proto 135 dir in $TMPL spi 0x5001 reqid 5 $MODE"
HA_BA="xfrm policy add src 2001:db8:ee::1/128 dst 2001:db8:ff::1/128 proto 135 type 6 dir out $TMPL spi 0x5002 reqid 5 $MODE"
CONF=$dir/ha.conf check "home agent: BU and BA in ESP, the check passes" \
	"IPsec: the signaling with 1 peers and neighbours is protected by ESP" \
	"$HA_BU" "$HA_BA"
CONF=$dir/ha.conf check "home agent: a BA policy for another MH type protects nothing" \
	"\[Peer\] mn, \[IPsec\] mn: outbound BA 2001:db8:ee::1 to 2001:db8:ff::1: no IPsec policy" \
	"$HA_BU" "${HA_BA/type 6/type 5}"
# PreAuthentication = ikev2 is not built: a configuration asking for it
# is refused, by mhod -t too, rather than run without it; fmipv6 is.
n=$((n + 1))
sed 's/^\[General\]$/&\nPreAuthentication = ikev2/' "$dir/ar.conf" >"$dir/pa.conf"
sed 's/^\[General\]$/&\nPreAuthentication = fmipv6/' "$dir/ar.conf" >"$dir/pa-fmip.conf"
if ! "$mhod" -t -c "$dir/pa.conf" >"$dir/log" 2>&1 &&
   grep -q "PreAuthentication = ikev2 is not built" "$dir/log" &&
   "$mhod" -t -c "$dir/pa-fmip.conf" >>"$dir/log" 2>&1 &&
   "$mhod" -t -c "$dir/ar.conf" >/dev/null 2>&1; then
	echo "ok $n PreAuthentication = ikev2 is refused, not ignored; fmipv6 is accepted"
else
	echo "not ok $n PreAuthentication = ikev2 is refused, not ignored; fmipv6 is accepted"
	sed 's/^/#   /' "$dir/log"
	bad=$((bad + 1))
fi
echo "# $((n - bad)) passed, $bad failed"
[ "$bad" = 0 ]
