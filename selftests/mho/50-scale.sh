#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 100,000 bindings through "mhoctl -batch", dumped and deleted; dumps that
# race with changes stay sane and are flagged as interrupted.
. "$(dirname "$0")/../lib.sh"

mho_setup NS
M() { "$MHOCTL" -n "$NS" "$@"; }
# 100,000 on release kernels. Under KASAN, lockdep and kmemleak in TCG a
# binding costs about 100 times more, and the debug tier is there to find
# leaks and locking bugs, which a few thousand bindings exercise as well.
# Under MHO_SUBSET (latest; selftests/vm/matrix.sh) 20,000: the dumps
# still run to hundreds of messages, and 6.1 takes the full scale.
if [ "${MHO_FLAVOUR:-release}" = debug ]; then
	N=${MHO_SCALE_N:-3000}
elif [ "${MHO_SUBSET:-}" = 1 ]; then
	N=${MHO_SCALE_N:-20000}
else
	N=${MHO_SCALE_N:-100000}
fi

stat_bindings() {
	M stats | sed -n 's/^stats bindings \([0-9]*\) .*/\1/p'
}

t_add() {
	local t0 t1
	x M limits set max-bindings $((N + 1000))
	awk -v n="$N" 'BEGIN {
		for (i = 1; i <= n; i++)
			printf "binding add id %d role par coa 2001:db8:%x:%x::1\n",
				i, int(i / 65536), i % 65536
	}' >"$TMPD/add"
	t0=$(date +%s)
	xout "" M -batch "$TMPD/add"
	t1=$(date +%s)
	diag "added $N bindings in $((t1 - t0)) s"
	expect_eq "stats bindings" "$(stat_bindings)" "$N"
}

t_dump() {
	M binding show >"$TMPD/dump" 2>"$TMPD/dump.err" || fail "dump failed: $(cat "$TMPD/dump.err")"
	expect_eq "dump lines" "$(wc -l <"$TMPD/dump")" "$N"
	expect_eq "distinct ids" "$(cut -d' ' -f2 "$TMPD/dump" | sort -u | wc -l)" "$N"
	expect_eq "first line" "$(head -n1 "$TMPD/dump")" \
		"binding 1 role par coa 2001:db8:0:1::1 $INHERITED"
	expect_eq "stderr" "$(cat "$TMPD/dump.err")" ""
	M -j binding show >"$TMPD/dumpj" || fail "JSON dump failed"
	expect_eq "JSON objects" "$(grep -o '{"id":' "$TMPD/dumpj" | wc -l)" "$N"
	[ "$(head -c 8 "$TMPD/dumpj")" = '[{"id":1' ] && [ "$(tail -c 3 "$TMPD/dumpj")" = '}]' ] ||
		fail "JSON dump is not one array"
	x M binding show id $((N / 2))
	x M binding show match 2001:db8:0:1::1
}

t_churn() {
	local pid i seen=0 ids
	# Bindings that come and go, after the static ones in id order. The
	# loop stops when told to, after a whole round: killing it would
	# leave its mhoctl running, still adding bindings after the clean-up.
	cat >"$TMPD/churn.sh" <<-EOS
	while [ ! -e "$TMPD/churn.stop" ]; do
		awk 'BEGIN { for (i = 1; i <= 200; i++) printf "binding add id %d role nar coa 2001:db8:ff::%x\n", 2000000 + i, i }' |
			"$MHOCTL" -n "$NS" -batch - >/dev/null 2>&1
		awk 'BEGIN { for (i = 1; i <= 200; i++) printf "binding del id %d\n", 2000000 + i }' |
			"$MHOCTL" -n "$NS" -batch - >/dev/null 2>&1
	done
	EOS
	bash "$TMPD/churn.sh" &
	pid=$!
	bg_add $pid
	sleep 0.5
	for i in $(seq 1 30); do
		M binding show >"$TMPD/cdump" 2>"$TMPD/cdump.err"
		RC=$?
		ERR=$(cat "$TMPD/cdump.err")
		if [ "$RC" != 0 ]; then
			fail "dump $i: exit status $RC: $ERR"
			break
		fi
		if [ -n "$ERR" ]; then
			if [ "$ERR" = "Dump was interrupted and may be inconsistent." ]; then
				seen=$((seen + 1))
			else
				fail "dump $i: stderr: $ERR"
			fi
		fi
		# ids only go up: no duplicates, whatever happened meanwhile.
		ids=$(cut -d' ' -f2 "$TMPD/cdump")
		[ "$ids" = "$(sort -n <<<"$ids")" ] &&
			[ "$(sort -u <<<"$ids" | wc -l)" = "$(wc -l <"$TMPD/cdump")" ] ||
			fail "dump $i: ids out of order or repeated"
		[ "$(grep -c ' role par ' "$TMPD/cdump")" = "$N" ] ||
			fail "dump $i: lost static bindings"
		[ "$seen" -lt 3 ] || break
	done
	touch "$TMPD/churn.stop"
	wait $pid
	_bg_pids=()
	diag "$seen dumps flagged as interrupted"
	[ "$seen" -gt 0 ] || fail "no dump was flagged NLM_F_DUMP_INTR"
	# Leave only the static ones.
	awk 'BEGIN { for (i = 1; i <= 200; i++) printf "binding del id %d\n", 2000000 + i }' |
		M -force -batch - >/dev/null 2>&1
	expect_eq "stats bindings" "$(stat_bindings)" "$N"
}

t_del() {
	local t0 t1
	awk -v n="$N" 'BEGIN { for (i = 1; i <= n; i++) printf "binding del id %d\n", i }' >"$TMPD/del"
	t0=$(date +%s)
	xout "" M -batch "$TMPD/del"
	t1=$(date +%s)
	diag "deleted $N bindings in $((t1 - t0)) s"
	expect_eq "stats bindings" "$(stat_bindings)" 0
	xout "" M binding show
}

ktap_plan 4
run_case "add $N bindings with -batch" t_add
run_case "dump $N bindings, plain and JSON" t_dump
run_case "dumps racing with changes" t_churn
run_case "delete $N bindings with -batch" t_del
ktap_finish
