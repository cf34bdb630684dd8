#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the selftests on every kernel CI covers, one VM after another:
#
#   matrix.sh
#
# 6.1, 6.12 and the debug kernel always; "latest" only when its build is
# cached (a cold build takes about half an hour). The first failing kernel
# stops the run. The last line printed is the total over the kernels that
# ran, "N passed, N failed".
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
for k in "${kernels[@]}"; do
	out=$MHO_CACHE/matrix-$k.log
	mkdir -p "$MHO_CACHE"
	msg "=== kernel $k"
	rc=0
	"$here/run.sh" "$k" 2>&1 | tee "$out" || rc=$?
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n1 || true)
	if [ -z "$line" ]; then
		msg "kernel $k: no summary line"
		echo "$passed passed, $((failed + 1)) failed"
		exit 1
	fi
	read -r p _ f _ <<<"$line"
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$rc" != 0 ]; then
		msg "kernel $k failed; stopping"
		[ "$f" != 0 ] || failed=$((failed + 1))
		echo "$passed passed, $failed failed"
		exit 1
	fi
done
msg "kernels: ${kernels[*]}"
echo "$passed passed, $failed failed"
}
