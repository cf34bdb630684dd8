#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pcap-check.sh LOG: the signaling captures a test printed (selftests/lib.sh,
# pcap_emit) in the guest's console LOG, decoded with tshark on the host.
# For each capture: every frame must decode as a mobility message (an MH
# type, an FMIPv6 or CXTP/CARD subtype, or an unsolicited NA), none with a
# malformed-packet or error-level expert item, and each display filter
# the test named must match at least one frame. Prints one line per
# check; exits 1 if any failed or a capture cannot be read, 0 otherwise
# (also when LOG has no capture).
set -u
log=$1

if ! grep -q 'mho-pcap-begin ' "$log"; then
	exit 0
fi
if ! command -v tshark >/dev/null 2>&1; then
	echo "pcap-check: tshark is missing (make deps installs it)" >&2
	exit 1
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
TS=(tshark -n -o esp.enable_null_encryption_decode_heuristic:TRUE)
MOBILITY='mip6.mhtype || icmpv6.fmip6.subtype || (icmpv6.type==136 && icmpv6.nd.na.flag.s==0 && icmpv6.nd.na.flag.o==0)'

# NAME FILTER... lines in $dir/list, NAME.b64 beside them. The markers
# come after whatever KTAP's nesting put before them ("#     # ").
tr -d '\r' <"$log" | awk -v dir="$dir" '
	function at(tag,   i) { for (i = 1; i < NF; i++) if ($i == tag) return i; return 0 }
	(k = at("mho-pcap-begin")) { out = dir "/" $(k + 1) ".b64"; line = $(k + 1);
		for (i = k + 2; i <= NF; i++) line = line " " $i;
		print line >> (dir "/list"); printf "" > out; next }
	(k = at("mho-pcap-data")) && out != "" { print $(k + 1) >> out; next }
	at("mho-pcap-end") { out = ""; next }'
if [ ! -s "$dir/list" ]; then
	echo "not ok: the console announces captures, none could be read"
	exit 1
fi

bad=0
while read -r name filters; do
	pcap=$dir/$name.pcap
	if ! base64 -d <"$dir/$name.b64" >"$pcap" 2>/dev/null ||
	   ! "${TS[@]}" -r "$pcap" >/dev/null 2>"$dir/err"; then
		echo "not ok $name: the capture cannot be read: $(head -c 300 "$dir/err")"
		bad=1
		continue
	fi
	total=$("${TS[@]}" -r "$pcap" 2>/dev/null | wc -l)
	known=$("${TS[@]}" -r "$pcap" -Y "$MOBILITY" 2>/dev/null | wc -l)
	broken=$("${TS[@]}" -r "$pcap" -Y '_ws.malformed || _ws.expert.severity==error' \
		-T fields -e frame.number 2>/dev/null | tr '\n' ' ')
	if [ "$total" -gt 0 ] && [ "$known" = "$total" ] && [ -z "$broken" ]; then
		echo "ok $name: $total frames, each a mobility message, none malformed"
	else
		echo "not ok $name: $total frames, $known decoded as mobility messages, malformed or in error: ${broken:-none}"
		"${TS[@]}" -r "$pcap" 2>/dev/null | sed 's/^/#   /' | head -n 40
		bad=1
	fi
	for f in $filters; do
		n=$("${TS[@]}" -r "$pcap" -Y "$f" 2>/dev/null | wc -l)
		if [ "$n" -gt 0 ]; then
			echo "ok $name: $f: $n frames"
		else
			echo "not ok $name: $f: no frame"
			bad=1
		fi
	done
done <"$dir/list"
exit $bad
