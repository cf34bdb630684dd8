#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The handoff demo's guest side (make demo; selftests/vm/init runs it
# instead of the tests when booted with mho_job=demo): the three modes of
# selftests/handoff.sh, none, classic and mho, one run each, into
# OUTDIR/MODE/. It measures and reports; it does not judge (that is
# selftests/mho/70-handoff.sh's job). The host plots the files.
#
#   guest.sh OUTDIR
#
# Exit status 0 if every run could be made, whatever it measured. With
# MHO_RESULTS=FILE it writes "PASSED FAILED SKIPPED" (runs made, runs
# that failed, 0) and a summary line there, as run_tests.sh does.
KTAP_INDENT=
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../handoff.sh"

out=${1:?usage: guest.sh OUTDIR}
mkdir -p "$out"
mho_setup

passed=0 failed=0
for mode in none classic mho; do
	echo "demo: $mode"
	if handoff_run "$mode" "$out/$mode"; then
		passed=$((passed + 1))
	else
		echo "demo: the $mode run failed"
		failed=$((failed + 1))
	fi
done
{
	echo "rate=$HO_RATE"
	echo "count=$HO_COUNT"
	echo "move_at_s=$HO_MOVE_AT"
	echo "gap_s=$HO_GAP"
	echo "kernel=$(uname -r)"
} >"$out/params"

summary="$passed passed, $failed failed"
echo "demo: $summary"
[ -z "${MHO_RESULTS:-}" ] || printf '%s %s 0\n%s\n' "$passed" "$failed" "$summary" >"$MHO_RESULTS"
[ "$failed" = 0 ]
