#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# interop.sh MHOD-TEST VECTORS.hex EXAMPLE.conf CHECK_PCAP.sh
#
# Writes every message the builders make to a pcap (mhod-test does, with
# the display filter each frame must match), lists it with the project's
# check_pcap.sh, then asserts with tshark that each frame is decoded as the
# intended message, and that none but the frames SIGNALING.md 5 records as
# Wireshark deviations (NAACK with an NCoA, CXTP over ICMPv6 150) has a
# malformed-packet or error-level expert item. The fields Wireshark gets
# wrong are checked by mhod-test against the reference vectors instead.
# Output: KTAP, closing with "N passed, N failed".
set -eu
test_bin=$1 vectors=$2 example=$3 check_pcap=$4

if ! command -v tshark >/dev/null 2>&1; then
	echo "interop: tshark is missing (apt-get install tshark)" >&2
	exit 1
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
pcap=$dir/mhod.pcap
"$test_bin" "$vectors" "$example" "$pcap" >"$dir/test.log" || {
	cat "$dir/test.log"
	echo "interop: mhod-test failed" >&2
	exit 1
}
TS="tshark -n -o sctp.checksum:CRC-32C -o esp.enable_null_encryption_decode_heuristic:TRUE"

echo "# check_pcap.sh listing:"
sh "$check_pcap" "$pcap" 2>&1 | sed 's/^/# /'

bad=" $($TS -r "$pcap" -Y '_ws.malformed || _ws.expert.severity==error' \
	-T fields -e frame.number 2>/dev/null | tr '\n' ' ')"
total=$(wc -l <"$pcap.filters")
echo "KTAP version 1"
echo "1..$((total + 1))"
pass=0 fail=0 n=0
while IFS="$(printf '\t')" read -r frame name kind filter; do
	n=$((n + 1))
	ok=1
	got=$($TS -r "$pcap" -Y "frame.number==$frame && ($filter)" 2>/dev/null |
	      wc -l)
	if [ "$got" -ne 1 ]; then
		echo "# frame $frame $name: tshark does not match: $filter"
		ok=0
	fi
	case "$bad" in
	*" $frame "*)
		if [ "$kind" != known-bad ]; then
			echo "# frame $frame $name: malformed or expert error:"
			$TS -r "$pcap" -Y "frame.number==$frame" -V 2>/dev/null |
				grep -iE 'malformed|expert' | sed 's/^/#   /'
			ok=0
		fi ;;
	*)
		if [ "$kind" = known-bad ]; then
			echo "# frame $frame $name: expected Wireshark's known" \
			     "mis-decode; is the deviation gone?"
			ok=0
		fi ;;
	esac
	if [ $ok -eq 1 ]; then
		echo "ok $n tshark decodes frame $frame as $name"
		pass=$((pass + 1))
	else
		echo "not ok $n tshark decodes frame $frame as $name"
		fail=$((fail + 1))
	fi
done <"$pcap.filters"
n=$((n + 1))
frames=$($TS -r "$pcap" 2>/dev/null | wc -l)
if [ "$frames" -eq "$total" ]; then
	echo "ok $n the capture holds the $total frames, no more"
	pass=$((pass + 1))
else
	echo "not ok $n the capture holds $frames frames, expected $total"
	fail=$((fail + 1))
fi
echo "# $($TS -v 2>/dev/null | head -1)"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
