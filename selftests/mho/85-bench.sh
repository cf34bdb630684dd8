#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench's guest side (selftests/bench/guest.sh) runs benchmarks 1 to
# 5 with tiny settings and reports every one of them, in results.json and
# results.md. What they measure is not judged here (never a timed test):
# make bench is for that. The sweep, benchmark 6, is handoff_run, which
# 70-handoff runs.
. "$(dirname "$0")/../lib.sh"

mho_setup

t_bench() {
	local res=$TMPD/bench n
	need_tool "$MHO_SELFTESTS/tools/mho_blast" || return
	MHO_BENCH_ROUNDS=1 MHO_BENCH_PKTS=300 MHO_BENCH_BINDINGS=200 \
		MHO_BENCH_LOOKUP="1 200" MHO_BENCH_ONLY="1 2 3 4 5" MHO_BENCH_SETTLE=5 \
		bash "$MHO_SELFTESTS/bench/guest.sh" "$res" >"$TMPD/out" 2>&1 ||
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
	expect_eq "lookup rows" "$(grep -c '^| 4 | ' "$res/results.md")" 2
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

ktap_plan 1
run_case "make bench's guest side runs and reports benchmarks 1 to 5" t_bench
ktap_finish
