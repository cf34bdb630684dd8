#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The index by which context export and move find an MN's SAs and policies
# (kernel/xfrm_index.c, Documentation/context.rst "Cost"): whatever
# ip xfrm does to the SAD and SPD before and between exports (add, update,
# delete, flush, expiry), an export takes exactly the MN's SAs and
# policies, and it does so without walking XFRM (the namespace's
# ctx-index-builds and ctx-index-walks counters), except when the index
# cannot name an SA. One namespace, a pAR; no traffic (77-context and
# 78-swan move contexts under traffic, through this index).
#
#   a) SAs and policies made before the first export and after it, updated,
#      deleted, flushed and hard-expired: each export takes exactly the
#      MN's; the index is built once and its entries follow XFRM's
#   b) many MNs: each export takes its own MN's SAs and policies, and
#      none of another's; no walk
#   c) an MN named by more entries than an export looks up: the export
#      walks XFRM (and refuses the MN, which has more SAs than a context
#      holds); with them gone, the index serves again
#   d) mho's own changes are announced as ip xfrm's are: "ip xfrm
#      monitor" sees an export's deletions and an activate's new SAs and
#      policies
. "$(dirname "$0")/../lib.sh"

for m in xfrm_user esp6 gcm seqiv; do
	modprobe -q "$m" || skip_all "kernel module $m is not available"
done
mho_setup R
M() { "$MHOCTL" -n "$R" "$@"; }

AR=2001:db8:a::1
KEY=0x000102030405060708090a0b0c0d0e0f10111213
ip -n "$R" link add d0 type dummy
ip -n "$R" addr add $AR/64 dev d0 nodad
ip -n "$R" link set d0 up

# The addresses of MN N (1..65535): its home and care-of address.
hoa() { printf '2001:db8:1::%x' "$1"; }
coa() { printf '2001:db8:a::1:%x' "$1"; }

# mn_cmds N SPI_DOWN SPI_UP [EXTRA...]: ip -batch lines for MN N's SA pair
# (AR to its CoA, and back) and its out and fwd tunnel policies.
mn_cmds() {
	local n=$1 down=$2 up=$3 h c
	shift 3
	h=$(hoa "$n") c=$(coa "$n")
	cat <<-EOF
	xfrm state add src $AR dst $c proto esp spi $down reqid $n mode tunnel aead rfc4106(gcm(aes)) $KEY 128 $*
	xfrm state add src $c dst $AR proto esp spi $up reqid $n mode tunnel aead rfc4106(gcm(aes)) $KEY 128 $*
	xfrm policy add src ::/0 dst $h/128 dir out tmpl src $AR dst $c proto esp reqid $n mode tunnel
	xfrm policy add src $h/128 dst ::/0 dir fwd tmpl src $c dst $AR proto esp reqid $n mode tunnel
	EOF
}

# exported ID: the SPIs and policy directions of binding ID's context,
# sorted, on one line ("spi 0x00001001 ... policy fwd policy out").
exported() {
	M context export id "$1" file "$TMPD/ctx" >/dev/null 2>"$TMPD/err" ||
		{ cat "$TMPD/err"; return 1; }
	"$MHOCTL" context show file "$TMPD/ctx" |
		sed -n 's/^sa esp spi \(0x[0-9a-f]*\).*/spi \1/p; s/^policy dir \([a-z]*\).*/policy \1/p' |
		sort | tr '\n' ' ' | sed 's/ $//'
}

# index: "ENTRIES BUILDS WALKS" from mhoctl stats.
index() {
	M stats | sed -n 's/.* ctx-index-entries \([0-9]*\) ctx-index-builds \([0-9]*\) ctx-index-walks \([0-9]*\).*/\1 \2 \3/p'
}

# bind N: a pAR binding, id N, for MN N.
bind() {
	x M binding add id "$1" role par hoa "$(hoa "$1")" coa "$(coa "$1")"
}

reset() {
	ip -n "$R" xfrm state flush
	ip -n "$R" xfrm policy flush
	local id
	for id in $(M -j binding show | grep -o '"id":[0-9]*' | cut -d: -f2); do
		M binding del id "$id" >/dev/null
	done
}

BOTH="policy fwd policy out"

# Each MN's SA pair has 4 entries (an SA under both its ends), each of
# its tunnel-mode policies 2 (its template's source and destination).
t_changes() {
	local base
	reset
	bind 1 && bind 2 || return 1
	x ip_batch "$R" "$(mn_cmds 1 0x2001 0x1001)" || return 1
	base=$(index)
	base=${base#* } base=${base%% *}	# builds so far
	expect_eq "MN 1, made before the first export" "$(exported 1)" \
		"$BOTH spi 0x00001001 spi 0x00002001"
	expect_eq "the index after the first export" "$(index)" \
		"8 $((base + 1)) 0"
	x ip_batch "$R" "$(mn_cmds 2 0x2002 0x1002)" || return 1
	expect_eq "MN 2, made after it" "$(exported 2)" \
		"$BOTH spi 0x00001002 spi 0x00002002"
	expect_eq "MN 1 again" "$(exported 1)" \
		"$BOTH spi 0x00001001 spi 0x00002001"
	expect_eq "the index, two MNs" "$(index)" "16 $((base + 1)) 0"

	x ip -n "$R" xfrm state delete src "$(coa 2)" dst $AR proto esp spi 0x1002
	expect_eq "MN 2, an SA deleted" "$(exported 2)" "$BOTH spi 0x00002002"
	x ip -n "$R" xfrm state update src $AR dst "$(coa 2)" proto esp \
		spi 0x2002 reqid 2 mode tunnel aead 'rfc4106(gcm(aes))' $KEY 128
	expect_eq "MN 2, its other SA updated" "$(exported 2)" "$BOTH spi 0x00002002"
	x ip -n "$R" xfrm policy delete src "$(hoa 2)/128" dst ::/0 dir fwd
	expect_eq "MN 2, a policy deleted" "$(exported 2)" \
		"policy out spi 0x00002002"
	expect_eq "the index after the deletions" "$(index)" "12 $((base + 1)) 0"

	x ip -n "$R" xfrm policy flush
	expect_eq "MN 1, policies flushed" "$(exported 1)" \
		"spi 0x00001001 spi 0x00002001"
	x ip -n "$R" xfrm state flush
	expect_eq "the index, all flushed" "$(index)" "0 $((base + 1)) 0"
	x ip_batch "$R" "$(mn_cmds 1 0x2101 0x1101)" || return 1
	expect_eq "MN 1, new SPIs after the flush" "$(exported 1)" \
		"$BOTH spi 0x00001101 spi 0x00002101"

	# A hard expiry deletes the SA from its timer, in softirq context. Its
	# 6 s leave the export time to run first, even on a slow debug kernel.
	x ip -n "$R" xfrm state add src $AR dst "$(coa 2)" proto esp spi 0x2202 \
		reqid 2 mode tunnel aead 'rfc4106(gcm(aes))' $KEY 128 \
		limit time-hard 6
	expect_eq "MN 2, an SA that expires" "$(exported 2)" "spi 0x00002202"
	wait_for 30 _expired || fail "the SA did not expire"
	expect_eq "the index after the expiry" "$(index)" "8 $((base + 1)) 0"
	_run M context export id 2 file "$TMPD/ctx"
	[ "$RC" != 0 ] && [[ $ERR == *"no SA of this MN here"* ]] ||
		fail "MN 2 still exported after its SA expired: $ERR"
}

_expired() {
	[ -z "$(ip -n "$R" xfrm state list spi 0x2202)" ]
}

# N MNs; every STEP-th is exported.
t_many() {
	local n=$1 step=$2 i cmds="" base
	reset
	for ((i = 1; i <= n; i++)); do
		cmds+="$(mn_cmds $i $((0x20000 + i)) $((0x10000 + i)))"$'\n'
	done
	x ip_batch "$R" "$cmds" || return 1
	cmds=""
	for ((i = 1; i <= n; i++)); do
		cmds+="binding add id $i role par hoa $(hoa $i) coa $(coa $i)"$'\n'
	done
	x M -batch - <<<"$cmds" || return 1
	base=$(index)
	base=${base#* } base=${base%% *}
	for ((i = 1; i <= n; i += step)); do
		expect_eq "MN $i" "$(exported $i)" \
			"$(printf '%s spi 0x%08x spi 0x%08x' "$BOTH" $((0x10000 + i)) $((0x20000 + i)))" ||
			return 1
	done
	# Built at most once here (the previous case's index was valid).
	expect_eq "the index" "$(index)" "$((n * 8)) $base 0"
}

# MN 1 with 70 SA pairs: 140 entries under its CoA, more than an export
# looks up (MHO_XI_MAX_CAND, 128), so the export walks XFRM, which finds
# more SAs than a context holds.
t_walk() {
	local i cmds="" before
	reset
	bind 1 || return 1
	for ((i = 1; i <= 70; i++)); do
		cmds+="xfrm state add src $AR dst $(coa 1) proto esp spi $((0x3000 + i)) reqid 1 mode tunnel aead rfc4106(gcm(aes)) $KEY 128"$'\n'
		cmds+="xfrm state add src $(coa 1) dst $AR proto esp spi $((0x4000 + i)) reqid 1 mode tunnel aead rfc4106(gcm(aes)) $KEY 128"$'\n'
	done
	x ip_batch "$R" "$cmds" || return 1
	before=$(index)
	xerr "the MN has more SAs than a context holds" \
		M context export id 1 file "$TMPD/ctx" || return 1
	expect_eq "the index, after an export that walked" "$(index)" \
		"$(cut -d' ' -f1-2 <<<"$before") $((${before##* } + 1))"
	x ip -n "$R" xfrm state flush
	x ip_batch "$R" "$(mn_cmds 1 0x2001 0x1001)" || return 1
	before=$(index)
	expect_eq "MN 1, once they are gone" "$(exported 1)" \
		"$BOTH spi 0x00001001 spi 0x00002001"
	expect_eq "the index, served again" "$(index)" "$before"
}

# monitor_has PATTERN: the monitor's output has PATTERN (grep -E) in it.
monitor_has() {
	grep -Eq "$1" "$TMPD/monitor"
}

t_announce() {
	local pid
	reset
	bind 1 || return 1
	x ip_batch "$R" "$(mn_cmds 1 0x2001 0x1001)" || return 1
	ip -n "$R" xfrm monitor >"$TMPD/monitor" 2>&1 &
	pid=$!
	bg_add $pid
	sleep 1
	x M context export id 1 dispose inactive file "$TMPD/ctx" >/dev/null || return 1
	wait_for 10 monitor_has "^Deleted src $AR dst $(coa 1)" ||
		fail "no deletion of the SA to the MN announced"
	wait_for 10 monitor_has "^Deleted src ::/0 dst $(hoa 1)/128" ||
		fail "no deletion of the out policy announced"
	x M context activate id 1 || return 1
	wait_for 10 monitor_has "^src $(coa 1) dst $AR$" ||
		fail "no new SA from the MN announced"
	wait_for 10 monitor_has "^src $(hoa 1)/128 dst ::/0 *$" ||
		fail "no new fwd policy announced"
	bg_kill $pid
	# What the monitor saw, without the keys it prints, on failure only.
	[ "$CASE_FAILED" = 0 ] || diag "$(grep -v aead "$TMPD/monitor")"
	expect_eq "MN 1, activated again" "$(exported 1)" \
		"$BOTH spi 0x00001001 spi 0x00002001"
}

ktap_plan 4
run_case "the index follows ip xfrm's adds, updates, deletions, flushes and expiries" t_changes
if [ "${MHO_SUBSET:-}" = 1 ]; then
	run_case "50 MNs: each export takes its own MN's SAs and policies, without a walk" t_many 50 7
else
	run_case "300 MNs: each export takes its own MN's SAs and policies, without a walk" t_many 300 23
fi
run_case "an MN with more SAs than an export looks up: a walk, which refuses them" t_walk
run_case "mho's own deletions and installs are announced to ip xfrm monitor" t_announce
ktap_finish
