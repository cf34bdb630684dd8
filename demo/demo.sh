#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: the handoff three ways (no mho, classic smooth handoff, mho
# driven by the signaling daemon mhod)
# in one VM, then, here on the host, a plot of sequence number against
# time and of each packet's delay, and a table of what each lost,
# duplicated and reordered.
#
#   demo.sh [KERNEL]       KERNEL as for run.sh (default 6.1)
#
# The VM (selftests/vm/run.sh with MHO_DEMO_OUT) runs demo/guest.sh
# instead of the tests and sends its files back as a tar stream
# on a second virtio-serial port; run.sh unpacks them into the output
# directory, DEMO_OUT (default $MHO_CACHE/demo/<date>-<time>;
# $MHO_CACHE/demo/latest points to the newest). plot.py then writes
# handoff.svg and summary.md there.
#
# Exit status: non-zero if the VM run failed (a run that could not be made,
# a crash, a timeout, kernel log problems: as for make check) or nothing
# could be plotted. What the runs measured does not fail the demo;
# selftests/mho/70-handoff.sh asserts on it.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../selftests/vm/lib.sh"

kernel=${1:-6.1}
out=$(out_dir demo "${DEMO_OUT:-}") || exit 1
rm -rf "${out:?}"/{none,classic,mho,stay}{,-full,-tcp} "${out:?}"/{params,handoff.svg,summary.md}

MHO_DEMO_OUT=$out "$here/../selftests/vm/run.sh" "$kernel"
rc=$?

echo
if [ -f "$out/params" ] || [ -d "$out/none" ]; then
	python3 "$here/plot.py" "$out" || { msg "plot.py failed"; rc=1; }
else
	msg "no results to plot"
	rmdir "$out" 2>/dev/null
	pass_fail demo 1
fi
out_latest demo "$out" "${DEMO_OUT:-}"
echo
[ ! -f "$out/handoff.svg" ] || echo "plot:    $out/handoff.svg"
[ ! -f "$out/summary.md" ] || echo "table:   $out/summary.md"
echo "results: $out (per mode and traffic: send.log, recv.log, events, summary, counters)"
pass_fail demo "$rc"
