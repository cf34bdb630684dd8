#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test-pcap-check.sh MHOD-TEST VECTORS EXAMPLE: pcap-check.sh on consoles
# made up from the messages mhod's builders make (mhod-test writes them
# to a pcap): it must pass a capture of good FMIPv6 messages with the
# filters they match, and fail one that lacks a message a filter names,
# one with a malformed frame, one with a frame that is no mobility
# message, and one that is not a pcap. KTAP.
set -u
test_bin=$1 vectors=$2 example=$3
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

"$test_bin" "$vectors" "$example" "$dir/all.pcap" >/dev/null || {
	echo "test-pcap-check: mhod-test failed" >&2
	exit 1
}
pick() {
	tshark -r "$dir/all.pcap" -Y "$1" -w "$dir/$2.pcap" 2>/dev/null
}
pick 'mip6.mhtype==8 || mip6.mhtype==9 || mip6.mhtype==14 || mip6.mhtype==15' fbu
pick 'icmpv6.type==150' cxtp
pick 'sctp' sctp
echo garbage >"$dir/junk.pcap"

# console NAME PCAP FILTER...: a guest console that printed the capture.
console() {
	local name=$1 pcap=$2
	shift 2
	echo "[    1.0] boot"
	echo "#     # mho-pcap-begin $name $*"
	base64 "$dir/$pcap.pcap" | sed 's/^/#     # mho-pcap-data /'
	echo "#     # mho-pcap-end $name"
	echo "ok 1 87-mhod"
}

n=0 bad=0
check() {
	local want=$1 what=$2 rc
	shift 2
	n=$((n + 1))
	"$@" >"$dir/console"
	"$here/pcap-check.sh" "$dir/console" >"$dir/out" 2>&1
	rc=$?
	if [ "$rc" = "$want" ]; then
		echo "ok $n $what"
	else
		echo "not ok $n $what: exit $rc, expected $want"
		sed 's/^/# /' "$dir/out"
		bad=$((bad + 1))
	fi
}

echo "KTAP version 1"
echo "1..6"
check 0 "good FMIPv6 messages, every filter matched" \
	console par fbu mip6.mhtype==8 mip6.mhtype==9 mip6.mhtype==14 mip6.mhtype==15
check 0 "a console without captures" echo "ok 1 10-crud"
check 1 "a filter no frame matches" console par fbu mip6.mhtype==8 mip6.mhtype==5
check 1 "a malformed frame (CXTP over ICMPv6 150)" console car cxtp
check 1 "a frame that is no mobility message" console ar sctp
check 1 "not a pcap" console x junk
echo "# $((n - bad)) passed, $bad failed"
[ "$bad" = 0 ]
