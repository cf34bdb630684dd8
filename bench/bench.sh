#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: mho's benchmarks in one VM (bench/guest.sh), as
# ratios of things measured in that same run. Not part of make check; it
# takes as long as it needs (about 20 minutes on 2 host cores, most of
# it the million bindings of benchmark 4 and the sweep of benchmark 6;
# benchmark 7 adds about 15 more, nearly all of it setting up 10,000
# contexts; and about 15 more for the instruction-counting VM of
# benchmarks 1 and 4, below).
#
#   bench.sh [KERNEL]       KERNEL as for run.sh (default 6.1)
#
# MHO_BENCH_* settings in the environment (see guest.sh) go to the guest.
#
# Benchmarks 1 and 4 run twice. First in a VM of their own, with one CPU
# and a clock that counts instructions (run.sh's MHO_ICOUNT=1): their
# goals are judged there, because under TCG the same configuration, set
# up twice, can run 35% faster or slower in emulated wall-clock time, and
# an instruction count cannot. Then in the main VM, with the others, in
# wall-clock time, where they are reported. MHO_BENCH_ICOUNT=0 skips the
# first VM. The first VM's results (the icount/ directory) are passed to
# the second, which puts them in results.json and results.md.
# Results: BENCH_OUT (default $MHO_CACHE/bench/<date>-<time>;
# $MHO_CACHE/bench/latest points to the newest): results.json,
# results.md, bench.log and, per sweep run, the handoff files. The table
# is printed at the end. Exit status: non-zero if the VM run failed or a
# benchmark could not be run; what they measured does not fail it.
set -uo pipefail

# The body is one block, read whole before it runs: editing this file
# during a (long) run must not change what the run does.
{
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../selftests/vm/lib.sh"

kernel=${1:-6.1}
out=$(out_dir bench "${BENCH_OUT:-}") || exit 1

# The guest gets the settings in a file next to guest.sh, in a copy of
# the selftests and of bench/ beside them (mkinitramfs.sh takes bench/
# from beside MHO_SELFTESTS).
copy=$(mktemp -d)
trap 'rm -rf "$copy"' EXIT
cp -a "$here/../selftests" "$copy/selftests" || die "cannot copy the selftests"
cp -a "$here" "$copy/bench" || die "cannot copy bench/"
env_file=$copy/bench/env
env | grep '^MHO_BENCH_[A-Z_]*=' | sed 's/=\(.*\)/="\1"/' >"$env_file"

# vm OUTDIR [VAR=VALUE...]: one VM run of guest.sh; its status.
vm() {
	local dir=$1
	shift
	env "$@" MHO_SELFTESTS="$copy/selftests" MHO_BENCH_OUT="$dir" \
		MHO_MEM="${MHO_MEM:-3G}" MHO_TIMEOUT="${MHO_TIMEOUT:-180}" \
		MHO_TEST_TIMEOUT="${MHO_TEST_TIMEOUT:-10500}" \
		"$here/../selftests/vm/run.sh" "$kernel"
}

rc=0
counted=
for b in 1 4; do
	[[ " ${MHO_BENCH_ONLY:-1 2 3 4 5 6 7 8} " != *" $b "* ]] || counted+="$b "
done
if [ -n "$counted" ] && [ "${MHO_BENCH_ICOUNT:-1}" = 1 ]; then
	cp "$env_file" "$env_file.main"
	printf 'MHO_BENCH_ONLY="%s"\nMHO_BENCH_CLOCK="icount"\n' "${counted% }" >>"$env_file"
	vm "$out/icount" MHO_SMP=1 MHO_ICOUNT=1 || rc=1
	mv "$env_file.main" "$env_file"
	if [ -f "$out/icount/results.part.json" ]; then
		cp -r "$out/icount" "$copy/bench/import"
	else
		msg "benchmarks ${counted% } in the instruction-counting VM gave no results"
		rc=1
	fi
fi
vm "$out" || rc=1

echo
if [ -f "$out/results.md" ]; then
	cat "$out/results.md"
	echo
	echo "results: $out (results.json, results.md, bench.log)"
	out_latest bench "$out" "${BENCH_OUT:-}"
else
	msg "no results"
	rc=1
fi
pass_fail bench "$rc"
}
