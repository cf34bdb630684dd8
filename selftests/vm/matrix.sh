#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the selftests on every kernel CI covers:
#
#   matrix.sh
#
# 6.1, 6.12 and the debug kernel always; "latest" only when its build is
# cached (a cold build takes about half an hour). Each VM runs on one host
# thread (see run.sh), so with two or more CPUs the debug kernel, by far
# the slowest, runs beside the others. Its tests are split in two VMs:
# "debug-a" (the tests debug_a below names) runs in the background from
# the start, and its output is shown when it is done; "debug-b" (all the
# others) runs in the foreground lane after 6.1, 6.12 and latest. In the
# foreground lane the first failing kernel stops it. The last line printed
# is the total over the VMs that ran, "N passed, N failed".
#
# With T set ("make test T=..."), the debug kernel runs T's tests in one
# background VM.
set -euo pipefail

{
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

kernels=(6.1 6.12 debug)
if "$here/kernel.sh" latest --cached >/dev/null 2>&1; then
	kernels+=(latest)
else
	msg "the latest kernel is not built; skipped (make check KERNEL=latest builds it)"
fi

# The debug kernel's first half, as case patterns on the test names: the
# two halves take about as long as the foreground lane's three kernels
# plus the second half. Measured in one make test (2026-11-23, two cores):
# on the debug kernel, the tests before 70 took 16 minutes together,
# 70-handoff 5, 71-queue 6, 74-ipsec 3, 76-home 10 and 77-context 12: 53
# in the first VM; the second VM 30, after 6.1, 6.12 and latest, 25
# together. Both lanes ended at about 57 minutes.
debug_a() {
	case "$1" in
	[0-6]*|70-*|71-*|74-*|76-*|77-*) return 0 ;;
	esac
	return 1
}

# debug_split A|B: the comma-separated names of the debug kernel's half.
debug_split() {
	local t name list=
	for t in "$here"/../mho/*.sh; do
		name=$(basename "$t" .sh)
		if debug_a "$name"; then
			[ "$1" = A ] || continue
		else
			[ "$1" = B ] || continue
		fi
		list=${list:+$list,}$name
	done
	echo "$list"
}

passed=0
failed=0
bad=0

# tally K OUT RC: add K's summary line from OUT to the totals.
tally() {
	local k=$1 out=$2 rc=$3 line p f
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n1 || true)
	if [ -z "$line" ]; then
		msg "kernel $k: no summary line"
		failed=$((failed + 1))
		bad=1
		return 1
	fi
	read -r p _ f _ <<<"$line"
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$rc" != 0 ]; then
		msg "kernel $k failed"
		[ "$f" != 0 ] || failed=$((failed + 1))
		bad=1
		return 1
	fi
}

mkdir -p "$MHO_CACHE"
side=
declare -A tests=()
if [ "$(nproc)" -ge 2 ]; then
	kernels=("${kernels[@]/debug/}")
	if [ -n "${T:-}" ]; then
		side=debug
	else
		side=debug-a
		tests[debug-a]=$(debug_split A)
		tests[debug-b]=$(debug_split B)
		kernels+=(debug-b)
	fi
	msg "=== kernel $side, in the background: $MHO_CACHE/matrix-$side.log"
	( rc=0
	  T=${tests[$side]:-${T:-}} "$here/run.sh" debug \
		>"$MHO_CACHE/matrix-$side.log" 2>&1 || rc=$?
	  echo "$rc" >"$MHO_CACHE/matrix-$side.rc" ) &
	side_pid=$!
fi
for k in "${kernels[@]}"; do
	[ -n "$k" ] || continue
	out=$MHO_CACHE/matrix-$k.log
	msg "=== kernel $k${tests[$k]:+ (${tests[$k]})}"
	rc=0
	T=${tests[$k]:-${T:-}} "$here/run.sh" "${k%-b}" 2>&1 | tee "$out" ||
		rc=$?
	tally "$k" "$out" "$rc" || { msg "stopping this lane"; break; }
done
if [ -n "$side" ]; then
	wait "$side_pid" || true
	msg "=== kernel $side (ran in the background)"
	cat "$MHO_CACHE/matrix-$side.log"
	tally "$side" "$MHO_CACHE/matrix-$side.log" \
		"$(cat "$MHO_CACHE/matrix-$side.rc" 2>/dev/null || echo 1)" || true
fi
msg "kernels: ${kernels[*]} $side"
echo "$passed passed, $failed failed"
[ "$bad" = 0 ]
}
