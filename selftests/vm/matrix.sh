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
# the slowest, runs beside the others: its output is shown when it is
# done. In the other lane the first failing kernel stops it. The last line
# printed is the total over the kernels that ran, "N passed, N failed".
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
if [ "$(nproc)" -ge 2 ]; then
	side=debug
	kernels=("${kernels[@]/debug/}")
	msg "=== kernel debug, in the background: $MHO_CACHE/matrix-debug.log"
	( rc=0; "$here/run.sh" debug >"$MHO_CACHE/matrix-debug.log" 2>&1 || rc=$?
	  echo "$rc" >"$MHO_CACHE/matrix-debug.rc" ) &
	side_pid=$!
fi
for k in "${kernels[@]}"; do
	[ -n "$k" ] || continue
	out=$MHO_CACHE/matrix-$k.log
	msg "=== kernel $k"
	rc=0
	"$here/run.sh" "$k" 2>&1 | tee "$out" || rc=$?
	tally "$k" "$out" "$rc" || { msg "stopping this lane"; break; }
done
if [ -n "$side" ]; then
	wait "$side_pid" || true
	msg "=== kernel debug (ran in the background)"
	cat "$MHO_CACHE/matrix-debug.log"
	tally debug "$MHO_CACHE/matrix-debug.log" \
		"$(cat "$MHO_CACHE/matrix-debug.rc" 2>/dev/null || echo 1)" || true
fi
msg "kernels: ${kernels[*]} $side"
echo "$passed passed, $failed failed"
[ "$bad" = 0 ]
}
