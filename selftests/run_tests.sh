#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run every selftests/mho/*.sh, each as its own process, and report KTAP.
# Runs inside the test VM (selftests/vm/init starts it), but works on any
# machine where mho.ko can be loaded.
#
#   run_tests.sh [PATTERN]
#
# Exit codes of a test, as in kselftest: 0 pass, 4 skip, anything else
# (including a timeout) fail.
#
# Environment:
#   MHO_TESTS=PATTERN    only tests whose name (no .sh) matches the shell
#                        PATTERN; a plain word matches as a substring.
#                        "," separates several patterns.
#   MHO_TEST_TIMEOUT=S   kill a test after S seconds (default: "timeout=" in
#                        the settings file beside this script, as in
#                        kselftest; 600 without one)
#   MHO_ALLOW_SKIP=1     skipped tests do not fail the run
#   MHO_RESULTS=FILE     write "PASSED FAILED SKIPPED" and the summary line
#
# The last line of output is "N passed, N failed" (", N skipped" if any).
# Exit status: 0 if nothing failed (and nothing was skipped, unless
# MHO_ALLOW_SKIP=1), 1 otherwise.
set -u

dir=$(cd "$(dirname "$0")" && pwd)
filter=${1:-${MHO_TESTS:-}}
limit=${MHO_TEST_TIMEOUT:-$(sed -n 's/^timeout=//p' "$dir/settings" 2>/dev/null)}
limit=${limit:-600}
logdir=$(mktemp -d "${TMPDIR:-/tmp}/mho-tests.XXXXXX")

matches() {
	local name=$1 pat
	[ -z "$filter" ] && return 0
	IFS=, read -ra pats <<<"$filter"
	for pat in "${pats[@]}"; do
		# shellcheck disable=SC2053 # $pat is a pattern
		case "$pat" in
		*[*?[]*) [[ $name == $pat ]] && return 0 ;;
		*) [[ $name == *"$pat"* ]] && return 0 ;;
		esac
	done
	return 1
}

tests=()
for t in "$dir"/mho/*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	matches "$name" && tests+=("$t")
done

# Put things back as a test should have left them, so that one broken
# test does not break the next; say so, it is a bug in the test.
cleanup() {
	local ns
	for ns in $(ip netns list 2>/dev/null | cut -d' ' -f1); do
		echo "# $1 left netns $ns behind"
		ip netns delete "$ns"
	done
	if grep -q '^mho ' /proc/modules 2>/dev/null; then
		echo "# $1 left the mho module loaded"
		rmmod mho || echo "# rmmod mho failed"
	fi
}

echo "TAP version 13"
echo "1..${#tests[@]}"
passed=0 failed=0 skipped=0 n=0
for t in "${tests[@]}"; do
	n=$((n + 1))
	name=$(basename "$t" .sh)
	log=$logdir/$name.log
	echo "# $name"
	# Its own session, so that whatever it leaves running can be killed.
	# Output goes to a file (a pipe would wait for leftover children).
	(cd "$(dirname "$t")" && exec setsid timeout "$limit" bash "$t") >"$log" 2>&1 &
	pid=$!
	wait "$pid"
	rc=$?
	kill -KILL -- "-$pid" 2>/dev/null
	sed 's/^/# /' "$log"
	case $rc in
	0)
		echo "ok $n $name"
		passed=$((passed + 1))
		;;
	4)
		reason=$(grep -v '^[[:space:]]*$' "$log" | tail -n1)
		echo "ok $n $name # SKIP ${reason:-exit status 4}"
		skipped=$((skipped + 1))
		;;
	*)
		if [ "$rc" = 143 ] || [ "$rc" = 137 ]; then
			echo "# $name: killed after ${limit}s (exit status $rc)"
		else
			echo "# $name: exit status $rc"
		fi
		echo "not ok $n $name"
		failed=$((failed + 1))
		;;
	esac
	cleanup "$name"
done
rm -rf "$logdir"

if [ "${#tests[@]}" = 0 ]; then
	echo "# no tests${filter:+ match \"$filter\"}"
	failed=1
fi
summary="$passed passed, $failed failed"
[ "$skipped" = 0 ] || summary="$summary, $skipped skipped"
[ -n "${MHO_RESULTS:-}" ] && printf '%s %s %s\n%s\n' "$passed" "$failed" "$skipped" "$summary" >"$MHO_RESULTS"
echo "$summary"

[ "$failed" = 0 ] || exit 1
[ "$skipped" = 0 ] || [ "${MHO_ALLOW_SKIP:-0}" = 1 ] || exit 1
exit 0
