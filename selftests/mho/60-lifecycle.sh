#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Module and netns lifecycle with objects present: rmmod frees everything
# in every netns, netns deletion frees its objects, load/unload cycles.
# Leaks are caught by kmemleak in the debug tier (the harness checks).
. "$(dirname "$0")/../lib.sh"

mho_setup

NSS=(mho-test-$$-a mho-test-$$-b mho-test-$$-c)
M0() { "$MHOCTL" -n "${NSS[0]}" "$@"; }
ns_add "${NSS[@]}"

# mh NS ARGS...: mhoctl in NS ("" is the init netns).
mh() {
	if [ -n "$1" ]; then
		"$MHOCTL" -n "$1" "${@:2}"
	else
		"$MHOCTL" "${@:2}"
	fi
}

# populate NS: a few peers and bindings, and changed limits.
populate() {
	local i
	{
		echo "limits set max-pkts 99"
		for i in 1 2 3; do
			echo "peer add 2001:db8::$i name p$i"
		done
		for i in $(seq 1 20); do
			echo "binding add id $i role par hoa 2001:db8:1::$i coa 2001:db8:2::$i peer 2001:db8::$((i % 3 + 1))"
		done
	} | mh "$1" -batch -
}

is_empty() {
	local ns=$1
	[ -z "$(mh "$ns" peer show)" ] &&
		[ -z "$(mh "$ns" binding show)" ] &&
		[[ $(mh "$ns" stats) == "stats bindings 0 peers 0 "* ]] &&
		[[ $(mh "$ns" limits show) != *"max-pkts 99 "* ]]
}

t_rmmod_full() {
	local ns pid
	for ns in "${NSS[@]}"; do
		populate "$ns" || fail "populate $ns"
	done
	populate "" || fail "populate the init netns"
	# A listener must not pin the module.
	"$MHOCTL" -n "${NSS[0]}" monitor >>"$TMPD/mon" 2>&1 &
	pid=$!
	bg_add $pid
	monitor_sync M0 "$TMPD/mon" || return
	x rmmod mho
	mho_loaded && fail "mho still loaded"
	bg_kill $pid
	x mho_load
	for ns in "${NSS[@]}" ""; do
		is_empty "$ns" || fail "netns '$ns' not empty after reload"
	done
	return 0
}

t_netns_delete() {
	local ns=mho-test-$$-d
	ns_add "$ns"
	populate "$ns" || fail "populate"
	populate "${NSS[1]}" || fail "populate"
	ns_del "$ns"
	sleep 1
	x "$MHOCTL" -n "${NSS[1]}" stats
	[[ $OUT == "stats bindings 20 peers 3 "* ]] || fail "neighbour netns: $OUT"
	# Delete one while the module is busy elsewhere, then unload.
	ns_add "$ns"
	populate "$ns"
	ns_del "$ns"
	x rmmod mho
	x mho_load
}

# Load/unload cycles: 10, or 3 under MHO_SUBSET (the debug kernel, whose
# kmemleak finds what one cycle leaks, and 6.12): each namespace is
# populated at least once either way.
CYCLES=10
[ "${MHO_SUBSET:-}" != 1 ] || CYCLES=3

t_cycles() {
	local i
	for i in $(seq 1 "$CYCLES"); do
		mho_loaded || x mho_load || return
		populate "${NSS[$((i % 3))]}" >/dev/null || fail "cycle $i: populate"
		x rmmod mho || return
	done
	x mho_load
	for i in "${NSS[@]}"; do
		is_empty "$i" || fail "$i not empty"
	done
}

t_unloaded() {
	_run "$MHOCTL" -n "${NSS[0]}" peer show
	rmmod mho
	_run "$MHOCTL" -n "${NSS[0]}" peer show
	expect_eq "mhoctl without the module" "$RC:$ERR" \
		'1:Error: mho module not loaded (generic netlink family "mho" not found)'
	_run "$MHOCTL" -n "${NSS[0]}" monitor
	expect_eq "monitor without the module" "$RC:$ERR" \
		'1:Error: mho module not loaded (generic netlink family "mho" not found)'
}

# ended PID: the process has exited (a zombie not yet waited for, or gone).
ended() {
	local st
	st=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)
	[ -z "$st" ] || [ "$st" = Z ]
}

# monitor ends when the module is unloaded: the controller's DELFAMILY,
# a message and exit status 2, in plain text and JSON; with a filter too.
t_monitor_gone() {
	local p1 p2 rc1 rc2
	mho_loaded || x mho_load || return
	"$MHOCTL" -n "${NSS[0]}" monitor >>"$TMPD/gone" 2>"$TMPD/gone.err" &
	p1=$!
	"$MHOCTL" -n "${NSS[0]}" -j monitor limits >>"$TMPD/gonej" 2>"$TMPD/gonej.err" &
	p2=$!
	monitor_sync M0 "$TMPD/gone" "$TMPD/gonej" || { kill $p1 $p2; return 1; }
	x rmmod mho
	wait_for 10 ended $p1 && wait_for 10 ended $p2 ||
		{ fail "monitor still running after rmmod"; kill $p1 $p2; }
	wait $p1
	rc1=$?
	wait $p2
	rc2=$?
	x mho_load
	expect_eq "monitor after rmmod" "$rc1:$(cat "$TMPD/gone.err")" \
		'2:Error: the mho module was unloaded (generic netlink family "mho" removed)'
	expect_eq "monitor -j after rmmod" "$rc2:$(cat "$TMPD/gonej.err")" \
		'2:{"error":"the mho module was unloaded (generic netlink family \"mho\" removed)"}'
}

ktap_plan 5
run_case "rmmod with objects in several netns and a listener" t_rmmod_full
run_case "netns deletion with objects" t_netns_delete
run_case "$CYCLES load/unload cycles with objects" t_cycles
run_case "mhoctl says when the module is not loaded" t_unloaded
run_case "monitor ends when the module is unloaded" t_monitor_gone
ktap_finish
