#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a kernel under qemu (TCG) and run the mho selftests in it.
#
#   run.sh KERNEL          KERNEL: a provider of kernel.sh (6.1, debug, ...)
#
# Steps: get the kernel (kernel.sh), build mho.ko against it in a per-kernel
# copy of the sources under the cache, build the initramfs
# (mkinitramfs.sh), boot it, then judge. The run fails if qemu times out,
# if the guest's verdict is missing or not PASS, or if the console shows a
# kernel warning, oops, lockdep/KASAN/UBSAN/kmemleak report or the like.
# The last line printed is "N passed, N failed" (", N skipped" if any).
#
# Environment:
#   T=PATTERN            run only matching tests (see run_tests.sh)
#   MHO_TIMEOUT=MIN      qemu time limit in minutes (40; 80 for debug)
#   MHO_TEST_TIMEOUT=S   per-test time limit in the guest (selftests/settings'
#                        timeout, 600; three times that for debug)
#   MHO_BOOT_LIMIT=S     the guest must reach init in S seconds (120; 240 for
#                        debug), or it is booted once more
#   MHO_ALLOW_SKIP=1     skipped tests do not fail the run
#   MHO_SUBSET=1         tests that carry the same kernel paths with more
#                        kinds of traffic run only the cases that take a path
#                        of their own (matrix.sh, for 6.12); always on debug
#   MHO_DEBUG=y          build mho with DEBUG on any kernel, as on debug:
#                        in-module selftests, slow duplicate-table growth
#   MHO_SRC=DIR          module sources: DIR/Kbuild, VERSION, kernel/, include/ (repo)
#   MHO_SELFTESTS=DIR    tests to copy into the guest (repo's selftests/)
#   MHOCTL=FILE          the mhoctl binary (repo's tools/mhoctl/mhoctl.static,
#                        which make check builds, else tools/mhoctl/mhoctl)
#   MHOD=FILE            the mhod binary (repo's tools/mhod/build/mhod)
#   MHO_CACHE=DIR        cache (~/.cache/mho)
#   MHO_KEEP=1           keep the run's initramfs
#   MHO_DEMO_OUT=DIR     run the handoff demo (demo/guest.sh)
#                        instead of the tests; the files it makes come back
#                        as a tar stream on a second virtio-serial port
#                        ("mho.job", kept as demo.tar in the run's
#                        directory) and are unpacked into DIR. Judged like
#                        the tests; a missing or broken tar fails the run.
#   MHO_BENCH_OUT=DIR    the same for make bench (bench/guest.sh)
#   MHO_MEM=SIZE         guest memory (qemu -m; 2G)
#   MHO_SMP=N            guest CPUs (qemu -smp; 2)
#   MHO_ICOUNT=1         the guest's clocks count its instructions (qemu
#                        -icount shift=0: one instruction, one nanosecond),
#                        for make bench; needs MHO_SMP=1
#
# Each run's files (console.log, verdict, mho.ko) are kept in
# $MHO_CACHE/run/KERNEL/<date>-<pid>/; $MHO_CACHE/run/KERNEL/latest points
# to the newest.
#   QEMU_EXTRA="..."     extra qemu arguments
set -euo pipefail

# The body is one block, read whole before it runs: editing this file
# during a (long) run must not change what the run does.
{
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

kernel=${1:?usage: run.sh KERNEL}
src=${MHO_SRC:-$MHO_ROOT}
export MHO_SELFTESTS=${MHO_SELFTESTS:-$MHO_ROOT/selftests}
if [ -z "${MHOCTL:-}" ]; then
	MHOCTL=$MHO_ROOT/tools/mhoctl/mhoctl
	[ ! -x "$MHOCTL.static" ] || MHOCTL=$MHOCTL.static
fi
export MHOCTL
[ -x "$MHOCTL" ] || die "$MHOCTL missing: run 'make' first"
export MHOD=${MHOD:-$MHO_ROOT/tools/mhod/build/mhod}
[ -x "$MHOD" ] || die "$MHOD missing: run 'make mhod' first"

# Anything in the console log matching one of these fails the run.
bad_patterns=(
	'Oops' 'WARNING:' 'BUG:' 'KASAN' 'UBSAN'
	'possible recursive locking' 'possible circular locking'
	'inconsistent lock state' 'suspicious RCU usage' 'lockdep'
	'INFO: task .* blocked for more than' 'hung_task' 'Kernel panic'
	'general protection fault' 'unreferenced object' 'refcount_t:'
	'list_add corruption' 'list_del corruption'
)
# Lines that match a pattern above but are not problems.
benign_patterns=(
	'RCU lockdep checking is enabled'
)

# 1. The kernel.
kvars=$("$here/kernel.sh" "$kernel")
eval "$kvars"
export KREL MODDIR KDIR
msg "kernel $kernel: $KREL ($FLAVOUR), $VMLINUZ"

# 2. mho.ko, built in $MHO_CACHE/build/$KREL. Only files whose content
# changed are copied, so the build stays incremental; files gone from the
# sources are removed. A lock serialises concurrent runs for one kernel;
# each run then takes its own copy of mho.ko.
rundir=$MHO_CACHE/run/$kernel/$(date +%Y%m%d-%H%M%S)-$$
mkdir -p "$rundir"
ln -sfn "${rundir##*/}" "$MHO_CACHE/run/$kernel/latest"
bdir=$MHO_CACHE/build/$KREL
mkdir -p "$bdir"
exec 9>"$bdir/.lock"
flock 9
(
	cd "$src"
	find Kbuild VERSION kernel include -type f \( -name Kbuild -o -name VERSION -o -name '*.[ch]' \)
) | sort >"$bdir/.sources.new"
[ -s "$bdir/.sources.new" ] || die "no module sources in $src"
while read -r f; do
	if ! cmp -s "$src/$f" "$bdir/$f"; then
		mkdir -p "$bdir/$(dirname "$f")"
		cp "$src/$f" "$bdir/$f"
	fi
done <"$bdir/.sources.new"
if [ -f "$bdir/.sources" ]; then
	comm -23 "$bdir/.sources" "$bdir/.sources.new" | while read -r f; do
		rm -f "$bdir/$f"
	done
fi
mv "$bdir/.sources.new" "$bdir/.sources"
# On the debug kernel (or with MHO_DEBUG=y) mho is built with DEBUG, which
# runs its in-module selftests (kernel/selftest/) at every load; a failure
# fails the load.
debug_flags=
[ "$FLAVOUR" != debug ] && [ "${MHO_DEBUG:-}" != y ] || debug_flags=MHO_DEBUG=y
msg "building mho.ko for $KREL in $bdir"
# shellcheck disable=SC2086
make -C "$KDIR" M="$bdir" -j"$(nproc)" $debug_flags modules >"$bdir/build.log" 2>&1 ||
	{ cat "$bdir/build.log" >&2; die "mho.ko build failed"; }
cp "$bdir/mho.ko" "$rundir/mho.ko"
exec 9>&-
export MHO_KO=$rundir/mho.ko
vermagic=$(modinfo -F vermagic "$MHO_KO")
[ "${vermagic%% *}" = "$KREL" ] || die "$MHO_KO is for ${vermagic%% *}, not $KREL"

# 3. The initramfs (deleted after the run unless MHO_KEEP=1).
log=$rundir/console.log
verdict=$rundir/verdict
"$here/mkinitramfs.sh" "$rundir/initramfs.img"

# 4. Boot.
# no_timer_check: under TCG on a busy host the IO-APIC timer check at
# boot can miss its ticks and panic ("IO-APIC + timer doesn't work!");
# cloud images boot VMs with it for the same reason.
append="console=ttyS0 no_timer_check panic=-1 oops=panic panic_on_warn=1 mho_flavour=$FLAVOUR"
[ "$FLAVOUR" = debug ] && append="$append kmemleak=on"
[ -n "${T:-}" ] && append="$append mho_tests=$T"
# A job instead of the tests: its guest.sh, its results back as a tar.
demo_args=() job='' job_out=''
if [ -n "${MHO_BENCH_OUT:-}" ]; then
	job=bench job_out=$MHO_BENCH_OUT
elif [ -n "${MHO_DEMO_OUT:-}" ]; then
	job=demo job_out=$MHO_DEMO_OUT
fi
if [ -n "$job" ]; then
	append="$append mho_job=$job"
	# shellcheck disable=SC2054 # qemu's commas
	demo_args=(-chardev "file,id=d,path=$rundir/$job.tar"
		-device virtserialport,chardev=d,name=mho.job)
fi
[ "${MHO_ALLOW_SKIP:-0}" = 1 ] && append="$append mho_allow_skip=1"
{ [ "${MHO_SUBSET:-0}" = 1 ] || [ "$FLAVOUR" = debug ]; } && append="$append mho_subset=1"
# An instruction-counting clock: time in the guest is the work it did, so
# a ratio of two rates is a ratio of instructions, whatever the host and
# the emulator's caches do (Documentation/performance.rst). With -icount,
# this qemu (7.2) never brings up 6.1's second CPU (the boot stops at
# "x86: Booting SMP configuration"), hence one CPU.
smp=${MHO_SMP:-2} icount_args=()
if [ "${MHO_ICOUNT:-0}" = 1 ]; then
	[ "$smp" = 1 ] || die "MHO_ICOUNT=1 needs MHO_SMP=1"
	icount_args=(-icount shift=0)
fi
# Time limits: the whole VM, and each test in it (seconds: the timeout of
# selftests/settings, three times that on the debug kernel, where
# 77-context took 934 s in CI on a slow host).
per_test=$(sed -n 's/^timeout=//p' "$MHO_SELFTESTS/settings" 2>/dev/null)
per_test=${per_test:-600}
case "$FLAVOUR" in
# The debug kernel's first VM in make test takes about 50 minutes, but
# once took over 60 on a host busier than usual: 80 still ends inside
# CI's 90, since that VM starts first (selftests/vm/matrix.sh).
debug) minutes=${MHO_TIMEOUT:-80} per_test=${MHO_TEST_TIMEOUT:-$((3 * per_test))} ;;
# A release kernel's VM: 6.1's, every test, took 19 minutes in a CI
# rehearsal on a slow host (2026-12-05); 40 leaves room for a slower one.
*) minutes=${MHO_TIMEOUT:-40} per_test=${MHO_TEST_TIMEOUT:-$per_test} ;;
esac
append="$append mho_timeout=$per_test"

# boot ATTEMPT: run qemu once, its console in $log; sets qemu_rc. The
# guest must reach its init within boot_limit seconds (it takes about 10
# s, or a minute for the debug kernel). Under TCG a boot sometimes
# stalls before that: the debug kernel, booting beside another VM, sat
# idle after "Running RCU-tasks wait API self tests" for a quarter of an
# hour, twice in one evening; the boot after each went through. Nothing of mho has run by
# then, so a watcher stops that VM, and the VM is booted once more; the
# stalled console is kept as console-stalled.log.
boot() {
	local watch
	rm -f "$verdict" "$rundir/boot-stalled"
	( for ((i = 0; i < boot_limit; i += 5)); do
		sleep 5
		! grep -q "Run /init as init process" "$log" 2>/dev/null || exit 0
	  done
	  touch "$rundir/boot-stalled"
	  msg "attempt $1: the guest did not reach init in $boot_limit s; stopping it"
	  pkill -f -- "-initrd $rundir/initramfs.img" ) &
	watch=$!
	set +e
	# No stdin: qemu must not put a terminal into raw mode, nor read from
	# CI. One host thread runs both vCPUs (thread=single). With
	# multi-threaded TCG a vCPU can execute a stale translation while the
	# kernel live-patches its text (static keys, text_poke_bp), and the
	# guest dies with "Oops: int3" at a random point, even during boot
	# (seen once in ~50 boots of 6.12). The guest still has two CPUs and
	# real preemption between them, which is what the locking tests need.
	# shellcheck disable=SC2086
	timeout -k 10 "$((minutes * 60))" qemu-system-x86_64 \
		-accel tcg,thread=single -m "${MHO_MEM:-2G}" -smp "$smp" -nographic -no-reboot \
		-kernel "$VMLINUZ" -initrd "$rundir/initramfs.img" -append "$append" \
		-device virtio-serial-pci \
		-chardev file,id=v,path="$verdict" \
		-device virtserialport,chardev=v,name=mho.verdict \
		"${demo_args[@]}" "${icount_args[@]}" ${QEMU_EXTRA:-} </dev/null 2>&1 | tee "$log"
	qemu_rc=${PIPESTATUS[0]}
	set -e
	kill "$watch" 2>/dev/null || true
	wait "$watch" 2>/dev/null || true
}

case "$FLAVOUR" in
debug) boot_limit=${MHO_BOOT_LIMIT:-240} ;;
*) boot_limit=${MHO_BOOT_LIMIT:-120} ;;
esac
msg "booting; console log: $log"
start=$(date +%s)
boot 1
if [ -e "$rundir/boot-stalled" ]; then
	mv "$log" "$rundir/console-stalled.log"
	msg "booting again; the stalled console is in $rundir/console-stalled.log"
	boot 2
fi
elapsed=$(($(date +%s) - start))
[ "${MHO_KEEP:-0}" = 1 ] || rm -f "$rundir/initramfs.img"

# 5. Judge. The guest's counts come from the verdict file or, if the guest
# died, from the KTAP lines it printed (the test that was running and
# those that never ran count as failed). A failed host-side check (kernel
# log, kmemleak, VM did not finish) that no test failure accounts for
# counts as one more failure, so that the summary never says "0 failed"
# for a failed run.
problems=()
extra=0
[ ! -e "$rundir/boot-stalled" ] ||
	problems+=("the guest stalled before init twice (see console-stalled.log)")
clean_log=$(tr -d '\r' <"$log")
if [ -s "$verdict" ]; then
	read -r word passed failed skipped flags <"$verdict"
	if [ "$word" != PASS ]; then
		problems+=("guest verdict: $(head -n1 "$verdict")")
		case " ${flags:-} " in
		*" kmemleak "*) extra=$((extra + 1)) ;;
		*) [ "$failed" != 0 ] || [ "$skipped" != 0 ] || extra=$((extra + 1)) ;;
		esac
	fi
	if [ "$qemu_rc" != 0 ]; then
		problems+=("qemu exited with $qemu_rc after the verdict")
		extra=$((extra + 1))
	fi
else
	if [ -e "$rundir/boot-stalled" ]; then
		: # said above
	elif [ "$qemu_rc" = 124 ]; then
		problems+=("no verdict: qemu timed out after $minutes min")
	else
		problems+=("no verdict from the guest (crash or panic; qemu exit status $qemu_rc)")
	fi
	passed=$(grep -cE '^ok [0-9]+ [^#]*$' <<<"$clean_log" || true)
	skipped=$(grep -cE '^ok [0-9]+ .*# SKIP' <<<"$clean_log" || true)
	failed=$(grep -cE '^not ok [0-9]+' <<<"$clean_log" || true)
	planned=$(grep -m1 -oE '^1\.\.[0-9]+' <<<"$clean_log" | cut -d. -f3 || true)
	if [ -n "$planned" ] && [ "$planned" -gt $((passed + skipped + failed)) ]; then
		failed=$((planned - passed - skipped))
	else
		extra=$((extra + 1))
	fi
fi
bad=$(grep -nE "$(IFS='|'; echo "${bad_patterns[*]}")" <<<"$clean_log" |
	grep -vE "$(IFS='|'; echo "${benign_patterns[*]}")" | head -n 20 || true)
if [ -n "$bad" ]; then
	problems+=("kernel log problems:"$'\n'"$bad")
	extra=$((extra + 1))
fi

# The signaling captures the tests printed, decoded by tshark here (the
# guest has none): a failure fails the run.
if ! "$here/pcap-check.sh" "$log" >"$rundir/pcap-check.log" 2>&1; then
	problems+=("signaling captures:"$'\n'"$(grep -v '^ok ' "$rundir/pcap-check.log" | head -n 40)")
	extra=$((extra + 1))
fi
if [ -s "$rundir/pcap-check.log" ]; then
	echo "mho-vm: signaling captures decoded by tshark:"
	sed 's/^/  /' "$rundir/pcap-check.log"
fi

if [ -n "$job" ]; then
	if [ ! -s "$rundir/$job.tar" ]; then
		problems+=("no $job results from the guest")
		extra=$((extra + 1))
	elif ! { mkdir -p "$job_out" && tar -xf "$rundir/$job.tar" -C "$job_out"; }; then
		problems+=("cannot unpack $rundir/$job.tar into $job_out")
		extra=$((extra + 1))
	fi
fi

if [ "$FLAVOUR" = debug ] && { ! grep -q 'mho: binding selftests: pass' <<<"$clean_log" ||
	! grep -q 'mho: home selftests: pass' <<<"$clean_log" ||
	! grep -q 'mho: dedup selftests: pass' <<<"$clean_log"; }; then
	problems+=("the in-module selftests did not report a pass")
	extra=$((extra + 1))
fi

summary="$passed passed, $((failed + extra)) failed"
[ "${skipped:-0}" = 0 ] || summary="$summary, $skipped skipped"
echo
msg "kernel $KREL, ${elapsed}s; console log: $log"
if [ "${#problems[@]}" -gt 0 ]; then
	for p in "${problems[@]}"; do
		msg "FAIL: $p"
	done
	echo "$summary"
	exit 1
fi
msg "PASS"
echo "$summary"
exit 0
}
