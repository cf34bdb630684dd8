#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run.sh BUILD-DIR SECONDS RSS-MB VECTORS EXAMPLE FUZZER...
#
# Runs each libFuzzer harness, one after the other (one core), for SECONDS
# on a corpus kept in BUILD-DIR/corpus-NAME, seeded from the reference
# vectors, every message the tests build and the configurations they
# parse (mhod-test --seeds). Fails on any crash, leak, timeout or
# sanitizer report. Prints executions per harness.
set -eu
dir=$1 secs=$2 rss=$3 vectors=$4 example=$5
shift 5
here=$(cd "$(dirname "$0")/.." && pwd)
seeds=$dir/seeds
rm -rf "$seeds"
"$here/build/mhod-test" --seeds "$seeds" "$vectors" "$example" >/dev/null
fail=0
for f in "$@"; do
	corpus=$dir/corpus-$f
	mkdir -p "$corpus" "$dir/crashes-$f"
	log=$dir/fuzz-$f.log
	echo "fuzz-$f: ${secs}s, seeds $(ls "$seeds/$f" | wc -l), corpus $(ls "$corpus" | wc -l)"
	if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	   UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	   "$dir/fuzz-$f" -max_total_time="$secs" -rss_limit_mb="$rss" \
		-timeout=10 -max_len=4200 -print_final_stats=1 \
		-artifact_prefix="$dir/crashes-$f/" \
		"$corpus" "$seeds/$f" >"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		echo "ok fuzz-$f: $runs executions, no crash, leak or report"
	else
		echo "not ok fuzz-$f: see $log"
		grep -E 'ERROR|SUMMARY|runtime error|artifact' "$log" | head -20
		fail=1
	fi
done
exit $fail
