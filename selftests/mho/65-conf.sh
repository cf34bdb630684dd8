#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot-time configuration (mho.conf(5)): "mhoctl showconf" writes the
# limits, peers and idle bindings as a file, and "mhoctl setconf" applies
# it to a fresh module (rmmod, insmod) with the same result, down to the
# dumps; a wrong file is refused with FILE:LINE before anything is sent,
# and a line the module refuses undoes the lines before it.
. "$(dirname "$0")/../lib.sh"

mho_setup

NS=mho-test-$$-a
NS2=mho-test-$$-b
M() { "$MHOCTL" -n "$NS" "$@"; }
M2() { "$MHOCTL" -n "$NS2" "$@"; }
ns_add "$NS" "$NS2"

P1=2001:db8:ff::1
P2=2001:db8:ff::2
P3=2001:db8:ff::3

# What the file must restore: limits, peers (names with a blank and a
# quote, a local address), bindings of every role with every
# configurable field, one with an id the module picked.
configure() {
	{
		echo "limits set max-pkts 999 max-bytes 3000000 max-hold 700 max-bindings 500 max-peers 40 cache-ms 1500"
		echo "peer add $P1 name nar1 local 2001:db8:ff::100"
		echo "peer add $P2 name \"it's a peer\""
		echo "peer add $P3"
		echo "binding add id 7 role par hoa 2001:db8:100::7 coa 2001:db8:1::7 ncoa 2001:db8:2::7 peer $P1 max-pkts 100 max-bytes 200000 max-hold 300 bicast $P2,$P3 rate 5000 linger 400 marker-wait 50"
		echo "binding add id 8 role nar hoa 2001:db8:100::8 ncoa 2001:db8:2::8 peer $P1"
		echo "binding add id 9 role ha hoa 2001:db8:100::9 coa 2001:db8:1::9 peer $P2 cache-ms 2000"
		echo "binding add role par hoa 2001:db8:100::a coa 2001:db8:1::a"
	} | M -batch -
}

# The dumps, each sorted (the module's order after a reload may differ).
dumps() {
	M peer show | sort
	M binding show | sort
	M limits show
}

t_round_trip() {
	local before
	x configure || return
	x M showconf || return
	printf '%s\n' "$OUT" >"$TMPD/conf"
	grep -q '^limits set max-pkts 999 ' "$TMPD/conf" &&
		grep -qx "peer add $P2 name 'it'\"'\"'s a peer'" "$TMPD/conf" &&
		grep -q '^binding add id 7 role par .* bicast 2001:db8:ff::2,2001:db8:ff::3 ' "$TMPD/conf" &&
		[ "$(grep -c '^binding add ' "$TMPD/conf")" = 4 ] &&
		[ "$(grep -c '^peer add ' "$TMPD/conf")" = 3 ] ||
		{ diag "$(cat "$TMPD/conf")"; fail "showconf misses something"; return; }
	before=$(dumps)
	x rmmod mho || return
	x mho_load || return
	xout "" M peer show || return
	x M setconf "$TMPD/conf" || return
	expect_eq "setconf's output" "$OUT$ERR" "" || return
	x M showconf || return
	expect_eq "showconf after setconf on a fresh module" "$OUT" \
		"$(cat "$TMPD/conf")" || return
	expect_eq "dumps after setconf on a fresh module" "$(dumps)" "$before"
}

# A binding in a handoff state is runtime state: left out, with a comment.
t_handoff_left_out() {
	x M binding add id 50 role par hoa 2001:db8:100::50 coa 2001:db8:1::50 \
		ncoa 2001:db8:2::50 peer $P1 || return
	x M binding set id 50 state forward || return
	x M showconf || return
	grep -qx '# binding 50 (state forward) left out: a handoff in progress is not configuration' <<<"$OUT" &&
		! grep -q 'binding add id 50 ' <<<"$OUT" ||
		{ diag "$OUT"; fail "the forwarding binding is not left out"; }
	expect_eq "showconf but the comment" "$(grep -v '^# binding 50 ' <<<"$OUT")" \
		"$(cat "$TMPD/conf")"
	x M binding del id 50
}

# A wrong file: every wrong line named, nothing sent (the valid lines
# before and after the wrong ones would change the module).
t_malformed() {
	local s0 f=$TMPD/bad
	printf '%s\n' "limits set max-pkts 77" "peer add $P1 name x" \
		"peer add 2001:db8::zz" "# a comment" "" \
		"binding add id 3 role nar peer $P1 state hold" \
		"peer del $P1" "peer add $P2 name 'open" \
		"binding add id 4 role par coa 2001:db8:1::4 peer $P1" >"$f"
	s0=$(state "$NS2")
	_run M2 setconf "$f"
	expect_eq "setconf's errors" "$RC
$OUT
$ERR" "1

Error: $f:3: peer: \"2001:db8::zz\" is not an IPv6 address
Error: $f:6: state: only \"idle\" can be configured, \"hold\" is a handoff in progress
Error: $f:7: \"peer del\" is not a configuration line (limits set, peer add, binding add)
Error: $f:8: unterminated quote
Error: $f: 4 wrong lines, nothing applied"
	expect_eq "state after a wrong file" "$(state "$NS2")" "$s0"
	# -j: one JSON object per wrong line, with its place.
	_run M2 -j setconf "$f"
	[ "$RC" = 1 ] && [ "$(wc -l <<<"$ERR")" = 4 ] &&
		[ "$(sed -n 1p <<<"$ERR")" = '{"error":"peer: \"2001:db8::zz\" is not an IPv6 address","file":"'"$f"'","line":3}' ] ||
		{ _show_run M2 -j setconf "$f"; fail "-j setconf errors"; }
	expect_eq "state after a wrong file, -j" "$(state "$NS2")" "$s0"
}

# state without the generation, which counts changes.
nogen() {
	sed 's/ generation [0-9]* / /'
}

# A value out of the module's range on the last line: the lines before
# it (limits, a peer, a binding) are undone. Only the generation tells
# that they were made (and "mhoctl monitor", which sees them come and go).
t_out_of_range() {
	local s0 f=$TMPD/range
	printf '%s\n' "limits set max-pkts 77 max-peers 5" "peer add $P1 name x" \
		"binding add id 3 role par coa 2001:db8:1::3 peer $P1" \
		"peer add $P2" "binding add id 4 role par coa 2001:db8:1::4 peer $P2 rate 10000001" \
		>"$f"
	s0=$(state "$NS2" | nogen)
	_run M2 setconf "$f"
	[ "$RC" = 1 ] && [ -z "$OUT" ] &&
		[ "$(sed -n 1p <<<"$ERR")" = "Error: $f:5: rate: integer out of range (allowed 0..10000000)" ] &&
		[ "$(sed -n 2p <<<"$ERR")" = "Error: $f: line 5 refused, nothing changed" ] &&
		[ "$(wc -l <<<"$ERR")" = 2 ] ||
		{ _show_run M2 setconf "$f"; fail "out of range: not refused as expected"; }
	expect_eq "state after a refused line" "$(state "$NS2" | nogen)" "$s0"
	# A file applied to a module that has its peers: refused, undone.
	_run M setconf "$TMPD/conf"
	[ "$RC" = 1 ] && grep -q "^Error: $TMPD/conf:3: .*exists" <<<"$ERR" ||
		{ _show_run M setconf "$TMPD/conf"; fail "setconf twice"; }
	x M showconf && expect_eq "showconf after setconf twice" "$OUT" \
		"$(cat "$TMPD/conf")"
}

t_usage() {
	x M showconf help && [[ $OUT == "Usage: mhoctl showconf"* ]] ||
		fail "showconf help"
	x M setconf help && [[ $OUT == "Usage: mhoctl setconf"* ]] ||
		fail "setconf help"
	xusage M setconf || return
	xusage M showconf extra || return
	xerr "cannot open" M setconf "$TMPD/none" || return
	# Standard input, and a file with no configuration in it.
	printf '# nothing\n\n' | x M2 setconf - || return
	x rmmod mho || return
	xerr "mho module not loaded" M setconf "$TMPD/conf" || return
	x mho_load
}

ktap_plan 5
run_case "showconf, rmmod, insmod, setconf: the same configuration and dumps" t_round_trip
run_case "a binding in a handoff state is left out, with a comment" t_handoff_left_out
run_case "a wrong file: every wrong line named, nothing applied" t_malformed
run_case "a line the module refuses: the lines before it undone" t_out_of_range
run_case "help, usage errors, standard input, no module" t_usage
ktap_finish
