#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench's guest side (bench/guest.sh) runs benchmarks 1 to
# 5 with tiny settings and reports every one of them, in results.json and
# results.md. What they measure is not judged here (never a timed test):
# make bench is for that. The sweep, benchmark 6, is handoff_run, which
# 70-handoff runs. A second case checks how benchmarks 1 and 4's results
# from bench.sh's instruction-counting VM join the main run's.
. "$(dirname "$0")/../lib.sh"

mho_setup

t_bench() {
	local res=$TMPD/bench n
	need_tool "$MHO_SELFTESTS/tools/mho_blast" || return
	MHO_BENCH_ROUNDS=1 MHO_BENCH_PKTS=300 MHO_BENCH_BINDINGS=200 \
		MHO_BENCH_LOOKUP="1 200" MHO_BENCH_ONLY="1 2 3 4 5" MHO_BENCH_SETTLE=5 \
		bash "$MHO_SELFTESTS/../bench/guest.sh" "$res" >"$TMPD/out" 2>&1 ||
		{ fail "guest.sh failed: $(tail -n 20 "$TMPD/out")"; return; }
	grep -q "bench: 5 passed, 0 failed" "$res/bench.log" ||
		fail "bench.log: $(cat "$res/bench.log")"
	for n in 1 2 3 4 5; do
		grep -q "{\"bench\":$n," "$res/results.json" ||
			fail "no benchmark $n in results.json: $(cat "$res/results.json")"
		grep -q "^| $n | " "$res/results.md" ||
			fail "no benchmark $n in results.md: $(cat "$res/results.md")"
	done
	# No figure is missing.
	! grep -Eq '":(,|}|\])' "$res/results.json" ||
		fail "a figure is missing: $(cat "$res/results.json")"
	# Ratios have three decimals: a goal such as 0.99 needs them (the
	# sweep's helper once rounded every benchmark's to two).
	grep -Eq '^\| 1 \| forwarding, .* \| [0-9]+\.[0-9]{3} \| >= 0.99 \|$' "$res/results.md" ||
		fail "benchmark 1's ratio: $(cat "$res/results.md")"
	grep -Eq '^\| 4 \| .* \| [0-9]+\.[0-9]{3} \| >= 0.97 \|$' "$res/results.md" ||
		fail "benchmark 4's ratio: $(cat "$res/results.md")"
	# One row per size but the reference, which is 1 by definition.
	expect_eq "lookup rows" "$(grep -c '^| 4 | ' "$res/results.md")" 1
	# Benchmark 2: small and full-size packets.
	expect_eq "benchmark 2 rows" "$(grep -c '^| 2 | ' "$res/results.md")" 2
	grep -q '"pps_mho_full":[1-9]' "$res/results.json" ||
		fail "no full-size figure: $(cat "$res/results.json")"
	# Benchmark 1: the goal's row, the hook's, the table's, the bindings
	# elsewhere, and the empty nftables chain's when the guest has nft.
	if command -v nft >/dev/null; then
		expect_eq "benchmark 1 rows" "$(grep -c '^| 1 | ' "$res/results.md")" 5
		grep -q '"pps_nft":[1-9]' "$res/results.json" ||
			fail "no figure for the empty nftables chain: $(cat "$res/results.json")"
	else
		expect_eq "benchmark 1 rows" "$(grep -c '^| 1 | ' "$res/results.md")" 4
	fi
	# It cleaned up after itself.
	expect_eq "namespaces left" "$(ip netns list | grep -c mho-bench)" 0
}

# bench.sh runs benchmarks 1 and 4 first in a VM whose clock counts
# instructions (MHO_BENCH_CLOCK=icount; this VM's clock does not, which
# the labels cannot tell) and passes their results to the main run, which
# puts them first and marks its own as reported.
t_import() {
	local a=$TMPD/a b=$TMPD/b
	need_tool "$MHO_SELFTESTS/tools/mho_blast" || return
	MHO_BENCH_ROUNDS=1 MHO_BENCH_PKTS=300 MHO_BENCH_BINDINGS=200 \
		MHO_BENCH_LOOKUP="1 200" MHO_BENCH_ONLY="1 4" MHO_BENCH_SETTLE=5 \
		MHO_BENCH_CLOCK=icount \
		bash "$MHO_SELFTESTS/../bench/guest.sh" "$a" >"$TMPD/out" 2>&1 ||
		{ fail "icount run: $(tail -n 20 "$TMPD/out")"; return; }
	expect_eq "icount objects" "$(grep -o '"clock":"icount"' "$a/results.part.json" | wc -l)" 2
	grep -q '^| 1 | forwarding, .* against no mho (instructions) | [0-9.]* | >= 0.99 |$' \
		"$a/results.part.md" || fail "icount rows: $(cat "$a/results.part.md")"
	grep -q '^| 4 | forwarding to a binding among 200, against 1 binding (instructions) | [0-9.]* | >= 0.97 |$' \
		"$a/results.part.md" || fail "icount rows: $(cat "$a/results.part.md")"
	MHO_BENCH_ROUNDS=1 MHO_BENCH_PKTS=300 MHO_BENCH_BINDINGS=200 \
		MHO_BENCH_LOOKUP="1 200" MHO_BENCH_ONLY="1 4 5" MHO_BENCH_SETTLE=5 \
		MHO_BENCH_IMPORT="$a" \
		bash "$MHO_SELFTESTS/../bench/guest.sh" "$b" >"$TMPD/out" 2>&1 ||
		{ fail "main run: $(tail -n 20 "$TMPD/out")"; return; }
	# Both runs' benchmarks 1 and 4, the imported ones first, and
	# benchmark 5.
	expect_eq "benchmark 1 objects" "$(grep -o '{"bench":1,' "$b/results.json" | wc -l)" 2
	expect_eq "benchmark 4 objects" "$(grep -o '{"bench":4,' "$b/results.json" | wc -l)" 2
	grep -q '^{"bench":1,"name":"no binding matches","clock":"icount"' "$b/results.json" ||
		fail "imported figure not first: $(cat "$b/results.json")"
	expect_eq "wall-clock objects" "$(grep -o '"clock":"wall"' "$b/results.json" | wc -l)" 2
	grep -q '{"bench":5,' "$b/results.json" ||
		fail "no benchmark 5: $(cat "$b/results.json")"
	expect_eq "rows with the goal" "$(grep -c '| >= 0.9[79] |$' "$b/results.md")" 2
	expect_eq "first row" "$(grep -m1 '^| 1 | ' "$b/results.md" | grep -c '(instructions)')" 1
	expect_eq "first lookup row" "$(grep -m1 '^| 4 | ' "$b/results.md" | grep -c '(instructions) | [0-9.]* | >= 0.97 |$')" 1
	grep -q '^| 1 | forwarding, .* (wall clock) | [0-9.]* | reported |$' "$b/results.md" ||
		fail "wall-clock row: $(cat "$b/results.md")"
	grep -q '^| 4 | forwarding to a binding among 200, .* (wall clock) | [0-9.]* | reported |$' \
		"$b/results.md" || fail "wall-clock lookup row: $(cat "$b/results.md")"
	# The parts are valid where they go: the whole file has no ",," nor
	# "[," left by an empty part.
	! grep -Eq '\[,|,,|,\]' "$b/results.json" ||
		fail "results.json: $(cat "$b/results.json")"
}

ktap_plan 2
run_case "make bench's guest side runs and reports benchmarks 1 to 5" t_bench
run_case "benchmarks 1 and 4's instruction-counting results go first in the main run's" t_import
ktap_finish
