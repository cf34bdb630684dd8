#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The handoff demo's guest side (make demo; selftests/vm/init runs it
# instead of the tests when booted with mho_job=demo): three modes of
# selftests/handoff.sh, none, classic and mhod (mho driven by the
# signaling: mhod on the routers, its MN agent on the MN; its results in
# the mho directories), each with three kinds of
# traffic: the probe's small datagrams into OUTDIR/MODE/ (the plot),
# full-size ones into OUTDIR/MODE-full/, and a bulk TCP transfer into
# OUTDIR/MODE-tcp/, with the same transfer without a move, for its time,
# in OUTDIR/stay-tcp/. It measures and reports; it does not judge (that
# is the selftests' job: 70-handoff, 81-mtu, 83-tcp). The host plots the
# files.
#
#   guest.sh OUTDIR
#
# Exit status 0 if every run could be made, whatever it measured. With
# MHO_RESULTS=FILE it writes "PASSED FAILED SKIPPED" (runs made, runs
# that failed, 0) and a summary line there, as run_tests.sh does.
KTAP_INDENT=
. "$(dirname "$0")/../selftests/lib.sh"
. "$(dirname "$0")/../selftests/handoff.sh"

out=${1:?usage: guest.sh OUTDIR}
mkdir -p "$out"
mho_setup

passed=0 failed=0
# demo_run DIR MODE [VAR=VALUE...]: one run.
demo_run() {
	local dir=$1 mode=$2
	shift 2
	echo "demo: $dir"
	if (export "$@" && handoff_run "$mode" "$out/$dir"); then
		passed=$((passed + 1))
	else
		echo "demo: the $dir run failed"
		failed=$((failed + 1))
	fi
}
for dir in none classic mho; do
	mode=$dir
	[ "$dir" != mho ] || mode=mhod
	demo_run "$dir" "$mode" HO_SIZE=64
	demo_run "$dir-full" "$mode" HO_SIZE=1452
	demo_run "$dir-tcp" "$mode" HO_TRAFFIC=tcp
done
demo_run stay-tcp stay HO_TRAFFIC=tcp
{
	echo "rate=$HO_RATE"
	echo "count=$HO_COUNT"
	echo "move_at_s=$HO_MOVE_AT"
	echo "gap_s=$HO_GAP"
	echo "tcp_bytes=$HO_TCP_BYTES"
	echo "tcp_shape=$HO_TCP_SHAPE"
	echo "kernel=$(uname -r)"
} >"$out/params"

summary="$passed passed, $failed failed"
echo "demo: $summary"
[ -z "${MHO_RESULTS:-}" ] || printf '%s %s 0\n%s\n' "$passed" "$failed" "$summary" >"$MHO_RESULTS"
[ "$failed" = 0 ]
