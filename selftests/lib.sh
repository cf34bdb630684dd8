# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Shared helpers for the mho selftests (selftests/mho/*.sh). Source it:
#
#   . "$(dirname "$0")/../lib.sh"
#
# A test is a list of cases. Each case is a shell function that runs
# commands through the assertion helpers below; run_case prints one KTAP
# line for it ("    ok N desc" or "    not ok N desc"), with "# "
# diagnostics for every failed assertion. ktap_finish exits 0 (all passed),
# 1 (something failed) or 4 (everything skipped: KSFT_SKIP).
#
# Environment: MHO_KO (path of mho.ko), mhoctl on PATH (or MHOCTL),
# the helpers of selftests/tools (or MHO_NLRAW), util-linux's setpriv.

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

MHO_SELFTESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MHOCTL=${MHOCTL:-mhoctl}
NLRAW=${MHO_NLRAW:-$MHO_SELFTESTS/tools/mho_nlraw}
# "binding show" of a binding without limits of its own, under the
# namespace's default limits: the values in force, marked.
INHERITED="max-pkts 1024 (inherited) max-bytes 1048576 (inherited) max-hold 2000 (inherited)"
# Command prefixes that run a command with fewer privileges (setpriv,
# util-linux): NOCAPS, uid 0 without any capability (none left in the
# bounding set either, so exec gives root none back); NONETADMIN, every
# capability but CAP_NET_ADMIN; NOBODY, uid and gid 65534, no groups, no
# capabilities. No ambient or inheritable ones, and no_new_privs, in all
# three. Used as: "${NOCAPS[@]}" COMMAND [ARGS...]
NOCAPS=(setpriv --no-new-privs --ambient-caps=-all --inh-caps=-all
	--bounding-set=-all --)
NONETADMIN=(setpriv --no-new-privs --ambient-caps=-all --inh-caps=-net_admin
	--bounding-set=-net_admin --)
NOBODY=(setpriv --no-new-privs --ambient-caps=-all --inh-caps=-all
	--bounding-set=-all --reuid=65534 --regid=65534 --clear-groups --)
KTAP_INDENT=${KTAP_INDENT:-    }

_ktap_n=0
_ktap_plan=
_ktap_pass=0
_ktap_fail=0
_ktap_skip=0
_ns_list=()
_bg_pids=()
TMPD=$(mktemp -d "${TMPDIR:-/tmp}/mho-test.XXXXXX")

# ---- KTAP ------------------------------------------------------------------

diag() {
	local line
	while IFS= read -r line; do
		echo "${KTAP_INDENT}# $line"
	done <<<"$*"
}

# ktap_plan N [FULL]: N cases, of which FULL run through full_case (and
# so are left out under MHO_SUBSET).
ktap_plan() {
	_ktap_plan=$1
	if [ "${MHO_SUBSET:-}" = 1 ]; then
		_ktap_plan=$((_ktap_plan - ${2:-0}))
	fi
	echo "${KTAP_INDENT}KTAP version 1"
	echo "${KTAP_INDENT}1..$_ktap_plan"
}

ktap_ok() {
	_ktap_n=$((_ktap_n + 1)) _ktap_pass=$((_ktap_pass + 1))
	echo "${KTAP_INDENT}ok $_ktap_n $*"
}

ktap_fail() {
	_ktap_n=$((_ktap_n + 1)) _ktap_fail=$((_ktap_fail + 1))
	echo "${KTAP_INDENT}not ok $_ktap_n $*"
}

# ktap_skip DESC REASON
ktap_skip() {
	_ktap_n=$((_ktap_n + 1)) _ktap_skip=$((_ktap_skip + 1))
	echo "${KTAP_INDENT}ok $_ktap_n $1 # SKIP $2"
}

ktap_finish() {
	if [ -n "$_ktap_plan" ] && [ "$_ktap_plan" != "$_ktap_n" ]; then
		diag "planned $_ktap_plan cases, ran $_ktap_n"
		_ktap_fail=$((_ktap_fail + 1))
	fi
	diag "$_ktap_pass passed, $_ktap_fail failed, $_ktap_skip skipped"
	if [ "$_ktap_fail" != 0 ]; then
		exit $KSFT_FAIL
	elif [ "$_ktap_pass" = 0 ] && [ "$_ktap_skip" != 0 ]; then
		exit $KSFT_SKIP
	fi
	exit $KSFT_PASS
}

# Skip the whole test (before any case ran): the reason is the last line,
# which the runner shows.
skip_all() {
	echo "SKIP: $*"
	exit $KSFT_SKIP
}

# ---- cases -----------------------------------------------------------------

# check DESC COMMAND...: a one-command case.
check() {
	local desc=$1
	shift
	if "$@" >"$TMPD/check.out" 2>&1; then
		ktap_ok "$desc"
	else
		diag "$(<"$TMPD/check.out")"
		ktap_fail "$desc"
	fi
}

# run_case DESC FUNC [ARGS...]: also prints how long the case took, in
# wall-clock seconds (where CI's time goes; never a pass/fail criterion).
run_case() {
	local desc=$1 t0=${EPOCHREALTIME/./} t1
	shift
	CASE_FAILED=0
	CASE_SKIPPED=
	"$@"
	t1=${EPOCHREALTIME/./}
	diag "$(printf 'case time %d.%d s' $(((t1 - t0) / 1000000)) $(((t1 - t0) / 100000 % 10)))"
	if [ "$CASE_FAILED" != 0 ]; then
		ktap_fail "$desc"
	elif [ -n "$CASE_SKIPPED" ]; then
		ktap_skip "$desc" "$CASE_SKIPPED"
	else
		ktap_ok "$desc"
	fi
}

# full_case DESC FUNC [ARGS...]: run_case, except under MHO_SUBSET (the
# debug kernel, and 6.12 and latest in make test; selftests/vm/matrix.sh):
# for a case whose kernel paths other cases take on those kernels too, so
# that what it adds is userspace (mhoctl's parsing and printing, the same
# binary everywhere) or more traffic on the same paths. 6.1 runs every
# case. Count these cases in ktap_plan's FULL.
full_case() {
	[ "${MHO_SUBSET:-}" = 1 ] || run_case "$@"
}

# fail MSG: record a failed assertion in the current case.
fail() {
	diag "$*"
	CASE_FAILED=1
	return 1
}

# skip REASON: the current case is skipped (unless something failed).
skip() {
	CASE_SKIPPED=$*
}

# ---- assertions --------------------------------------------------------------
# Each runs a command and leaves its stdout in $OUT, its stderr in $ERR and
# its exit status in $RC; on a mismatch it calls fail and returns 1.

_run() {
	"$@" >"$TMPD/out" 2>"$TMPD/err"
	RC=$?
	# $(<FILE), not $(cat FILE): bash reads the file itself, without the
	# fork and exec that cost a quarter of a second each on the debug
	# kernel, where a test makes thousands of these calls.
	OUT=$(<"$TMPD/out")
	ERR=$(<"$TMPD/err")
}

_show_run() {
	diag "command: $*"
	diag "exit status: $RC"
	[ -z "$OUT" ] || diag "stdout: $OUT"
	[ -z "$ERR" ] || diag "stderr: $ERR"
}

# x COMMAND...: must succeed.
x() {
	_run "$@"
	if [ "$RC" != 0 ]; then
		_show_run "$@"
		fail "expected success"
		return 1
	fi
	return 0
}

# xout EXPECTED COMMAND...: must succeed and print exactly EXPECTED.
xout() {
	local want=$1
	shift
	x "$@" || return 1
	if [ "$OUT" != "$want" ]; then
		_show_run "$@"
		diag "expected stdout: $want"
		fail "unexpected output"
		return 1
	fi
	return 0
}

# xerr TEXT COMMAND...: must fail with exit status 1, print nothing on
# stdout, and "Error: ...TEXT..." on stderr.
xerr() {
	local want=$1
	shift
	_run "$@"
	if [ "$RC" != 1 ] || [ -n "$OUT" ] || [[ $ERR != "Error: "* ]] ||
	   [[ $ERR != *"$want"* ]]; then
		_show_run "$@"
		fail "expected exit status 1 and stderr \"Error: ...$want...\""
		return 1
	fi
	return 0
}

# xusage COMMAND...: a command line mhoctl refuses itself (like every
# error, "Error: ...", and nothing on stdout).
xusage() {
	_run "$@"
	if [ "$RC" != 1 ] || [ -n "$OUT" ] || [[ $ERR != "Error: "* ]]; then
		_show_run "$@"
		fail "expected a usage error"
		return 1
	fi
	return 0
}

# expect_eq WHAT GOT WANT
expect_eq() {
	if [ "$2" != "$3" ]; then
		diag "$1: got:"
		diag "$2"
		diag "$1: expected:"
		diag "$3"
		fail "$1 differs"
		return 1
	fi
	return 0
}

# nlraw_err ERRNO TEXT NLRAW-ARGS...: mho_nlraw's request must fail with
# ERRNO (a number) and an extack containing TEXT.
nlraw_err() {
	local errno=$1 want=$2
	shift 2
	_run "$NLRAW" "$@"
	if [ "$RC" != 1 ] || ! grep -qx "errno=$errno" <<<"$OUT" ||
	   ! grep -q "^extack=.*$want" <<<"$OUT"; then
		_show_run "$NLRAW" "$@"
		fail "expected errno $errno and extack \"...$want...\""
		return 1
	fi
	return 0
}

# ---- environment -------------------------------------------------------------

mho_loaded() {
	grep -q '^mho ' /proc/modules
}

# mho.ko uses nf_defrag_ipv6's reassembly and xfrm_algo's tables
# (insmod does not load what a module depends on; modprobe would).
mho_load() {
	mho_loaded || { modprobe -a nf_defrag_ipv6 xfrm_algo && insmod "$MHO_KO"; }
}

mho_unload() {
	! mho_loaded || rmmod mho
}

# nsx NS CMD...: CMD in NS's network namespace, by setns(2) alone
# (nsenter). "ip netns exec" and iproute2's "ip -n" (netns_switch())
# also unshare a mount namespace and remount /sys, which costs about 1 s
# a call on the debug kernel (nsx: 0.25 s) and which what the tests run
# does not need: netlink, and /proc/net and /proc/sys/net, which follow
# the network namespace. Not for what reads /sys/class/net or mounts,
# nor for a command put in the background to be killed by its pid (nsx
# is a function: "$!" would be a subshell's). CMD goes by its path: the
# guest's nsenter is busybox's, which would run its own applet of the
# same name (ip, tc, ...) instead.
_IP=$(type -P ip) || _IP=/usr/bin/ip
nsx() {
	local ns=$1
	shift
	if [ "$1" = ip ]; then
		set -- "$_IP" "${@:2}"
	elif [[ $1 != */* ]]; then
		# The path from the shell's table of commands (no fork).
		[ -n "${BASH_CMDS[$1]:-}" ] || hash "$1" 2>/dev/null
		[ -z "${BASH_CMDS[$1]:-}" ] || set -- "${BASH_CMDS[$1]}" "${@:2}"
	fi
	nsenter --net="/run/netns/$ns" "$@"
}

# ipn NS ARGS...: "ip -n NS ARGS..." by nsx (in the foreground only).
ipn() {
	nsx "$1" ip "${@:2}"
}

# ns_add NAME...: create network namespaces (removed by cleanup), their
# loopbacks up.
ns_add() {
	local ns
	ns_create "$@" || return 1
	for ns in "$@"; do
		ipn "$ns" link set lo up || return 1
	done
}

# ns_create NAME...: ns_add, by one ip process, the loopbacks left down
# (for a batch of the caller's to bring up: see ip_batch).
ns_create() {
	local ns lines= rc=0
	for ns in "$@"; do
		# Someone else's: not to be made, nor deleted by cleanup.
		[ ! -e "/run/netns/$ns" ] || { echo "netns $ns exists" >&2; return 1; }
		lines+="netns add $ns"$'\n'
	done
	ip -batch - <<<"$lines" || rc=1
	# cleanup deletes those that were made, however far the batch got.
	for ns in "$@"; do
		[ ! -e "/run/netns/$ns" ] || _ns_list+=("$ns")
	done
	return $rc
}

# ns_sysctl NS KEY=VALUE...: /proc/sys/KEY in NS, one process.
ns_sysctl() {
	local ns=$1 kv script=
	shift
	for kv in "$@"; do
		script+="echo ${kv#*=} >/proc/sys/${kv%%=*} && "
	done
	nsx "$ns" sh -c "${script}true"
}

# NS_QUIET: the sysctls of ns_add_quiet (below), for ns_sysctl.
NS_QUIET=(net/ipv6/conf/all/accept_dad=0 net/ipv6/conf/default/accept_dad=0
	net/ipv6/conf/all/accept_ra=0 net/ipv6/conf/default/accept_ra=0
	net/ipv6/conf/all/autoconf=0 net/ipv6/conf/default/autoconf=0
	net/ipv6/conf/all/router_solicitations=0
	net/ipv6/conf/default/router_solicitations=0
	net/ipv6/conf/all/keep_addr_on_down=1
	net/ipv6/conf/default/keep_addr_on_down=1)

# ns_add_quiet NAME...: ns_add, each namespace's IPv6 set before any link
# exists, so that every interface inherits "default": no DAD, RA,
# autoconfiguration or router solicitation, and addresses survive their
# link going down.
ns_add_quiet() {
	local ns
	ns_add "$@" || return 1
	for ns in "$@"; do
		ns_sysctl "$ns" "${NS_QUIET[@]}" || return 1
	done
}

# ip_batch NS|- LINES: LINES (one ip command each, without "ip") run by
# one ip process, in NS ("-": this namespace). The first that fails
# stops it. Each ip process costs most of a second on the debug kernel
# (under TCG), so a topology is set up with a few of these, not one
# process per command.
ip_batch() {
	local ns=$1
	shift
	if [ "$ns" = - ]; then
		ip -batch - <<<"$1"
	else
		ipn "$ns" -batch - <<<"$1"
	fi
}

# fresh_ns: NS becomes a new namespace, mho-test-PID-N, and the one it
# named before (if any) is removed: a fresh one for each case.
fresh_ns() {
	[ -z "${NS:-}" ] || ns_del "$NS"
	_nsn=$((${_nsn:-0} + 1))
	NS=mho-test-$$-$_nsn
	ns_add "$NS"
}

ns_del() {
	local ns i
	for ns in "$@"; do
		ip netns delete "$ns"
		for i in "${!_ns_list[@]}"; do
			[ "${_ns_list[$i]}" != "$ns" ] || unset "_ns_list[$i]"
		done
	done
}

# ns_del_existing NS...: ns_del those of the namespaces that exist (a
# topology's teardown, whichever of its parts were set up).
ns_del_existing() {
	local ns
	for ns in "$@"; do
		[ ! -e "/run/netns/$ns" ] || ns_del "$ns"
	done
}

# bg_add PID: a background process for cleanup to kill.
bg_add() {
	_bg_pids+=("$1")
}

# bg_kill PID: stop it now.
bg_kill() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# bg_stop: stop every process bg_add listed, now.
bg_stop() {
	local pid
	for pid in "${_bg_pids[@]}"; do
		bg_kill "$pid"
	done
	_bg_pids=()
}

# ---- signaling captures, decoded on the host ---------------------------------

declare -A _pcap_pids=()

# pcap_start NS NAME [ARG...]: capture NS's mobility signaling
# (tools/mho_cap, with ARGs: MH, ICMPv6 150 and 154, UNA) into NAME.pcap
# until pcap_emit (or pcap_stop) NAME. Returns once the capture is
# listening.
pcap_start() {
	local ns=$1 name=$2 f=$TMPD/$2.pcap
	shift 2
	ip netns exec "$ns" "$MHO_SELFTESTS/tools/mho_cap" "$@" -o "$f" \
		2>"$TMPD/$name.cap.log" &
	_pcap_pids[$name]=$!
	bg_add $!
	wait_for 5 test -s "$f"
}

# pcap_stop NAME: end NAME's capture; the file stays ($TMPD/NAME.pcap),
# for the test to read.
pcap_stop() {
	[ -n "${_pcap_pids[$1]:-}" ] || return 0
	bg_kill "${_pcap_pids[$1]}" || true
	unset "_pcap_pids[$1]"
}

# pcap_emit NAME FILTER...: end NAME's capture and print it, in base64, as
# KTAP diagnostics ("mho-pcap-begin NAME FILTER...", "mho-pcap-data ...",
# "mho-pcap-end NAME"). The host (selftests/vm/pcap-check.sh, from
# run.sh) decodes every capture with tshark and fails the run unless each
# frame is a mobility message without a malformed or error-level expert
# item, and each tshark display FILTER (no spaces) matches a frame.
# Returns non-zero if the capture failed or caught nothing.
pcap_emit() {
	local name=$1 f=$TMPD/$1.pcap
	shift
	bg_kill "${_pcap_pids[$name]}" || true
	unset "_pcap_pids[$name]"
	diag "$(<"$TMPD/$name.cap.log")"
	echo "${KTAP_INDENT}# mho-pcap-begin $name $*"
	base64 "$f" | sed "s/^/${KTAP_INDENT}# mho-pcap-data /"
	echo "${KTAP_INDENT}# mho-pcap-end $name"
	grep -q '^captured [1-9]' "$TMPD/$name.cap.log"
}

cleanup() {
	local pid ns
	for pid in "${_bg_pids[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${_bg_pids[@]}"; do
		wait "$pid" 2>/dev/null
	done
	for ns in "${_ns_list[@]}"; do
		ip netns delete "$ns" 2>/dev/null
	done
	mho_unload 2>/dev/null
	rm -rf "$TMPD"
}

# mho_setup [VAR...]: the common start of a test: root, mho.ko and mhoctl
# are there, the module is freshly loaded, and cleanup runs at exit. Each
# VAR names a new network namespace, mho-test-PID-var (VAR in lower case).
mho_setup() {
	local var
	[ "$(id -u)" = 0 ] || skip_all "must run as root"
	[ -n "${MHO_KO:-}" ] && [ -f "$MHO_KO" ] || skip_all "MHO_KO does not name mho.ko"
	command -v "$MHOCTL" >/dev/null || skip_all "mhoctl not found"
	trap cleanup EXIT
	mho_unload || { echo "cannot unload a previous mho"; exit $KSFT_FAIL; }
	mho_load || { echo "insmod $MHO_KO failed"; exit $KSFT_FAIL; }
	for var in "$@"; do
		printf -v "$var" 'mho-test-%s-%s' $$ "${var,,}"
		ns_add "${!var}" || { echo "cannot create netns ${!var}"; exit $KSFT_FAIL; }
	done
}

# need_tool PATH: a selftests/tools helper, for the current case.
need_tool() {
	[ -x "$1" ] && return 0
	fail "$1 is missing (build selftests/tools)"
	return 1
}

# state NS: everything mhoctl can read in NS, for "nothing changed" checks.
# One mhoctl for all of it: on the debug kernel each exec costs most of a
# second, and some tests take this state hundreds of times.
# If it cannot be read, each call returns something different, so that a
# comparison fails instead of comparing two empty strings.
state() {
	local out
	"$MHOCTL" -n "$1" -s -force -batch - >"$TMPD/state" <<-EOF
		peer show
		binding show
		limits show
		stats
	EOF
	out=$(<"$TMPD/state")
	[[ $out == *"limits max-"*"stats "* ]] || out="state of $1 unreadable: $SRANDOM"
	printf '%s\n' "$out"
}

# monitor_sync CMD FILE...: wait until the "mhoctl monitor"s writing the
# FILEs have joined the events group, then empty the FILEs. CMD runs
# mhoctl in the monitors' netns (a function such as M). The monitors must
# write with ">>", so that their files can be emptied under them.
#
# A notification reaches only listeners that have joined, so "limits set
# max-peers" is repeated with a new value each time until every FILE shows
# it; a last change back to the original value, seen in every FILE, fences
# off anything still in flight. Nothing but the generation changes.
monitor_sync() {
	local cmd=$1 base v f all i
	shift
	base=$("$cmd" -j limits show | sed -n 's/.*"max_peers":\([0-9]*\).*/\1/p')
	[ -n "$base" ] || { fail "monitor_sync: cannot read max-peers"; return 1; }
	for ((i = 1; i <= 100; i++)); do
		v=$((base < 4000 ? base + i : base - i))
		[ "$i" -lt 100 ] || v=$base
		"$cmd" limits set max-peers "$v" || return 1
		all=1
		for f in "$@"; do
			wait_for 1 grep -Eq "max.peers.:?$v([^0-9]|$)" "$f" || all=0
		done
		[ "$all" = 0 ] || break
	done
	[ "$i" -le 100 ] || { fail "monitor_sync: the monitors never joined"; return 1; }
	if [ "$v" != "$base" ]; then
		"$cmd" limits set max-peers "$base" || return 1
		for f in "$@"; do
			wait_for 10 grep -Eq "max.peers.:?$base([^0-9]|$)" "$f" ||
				{ fail "monitor_sync: $f missed a notification"; return 1; }
		done
	fi
	for f in "$@"; do
		: >"$f"
	done
}

# prints WANT COMMAND...: COMMAND's output is WANT (for wait_for).
prints() {
	[ "$("${@:2}")" = "$1" ]
}

# settle WHAT WANT COMMAND...: COMMAND prints WANT within 5 s, and still
# does 0.3 s later (so that something counted twice, or late, shows).
settle() {
	local what=$1 want=$2
	shift 2
	wait_for 5 prints "$want" "$@"
	sleep 0.3
	expect_eq "$what" "$("$@")" "$want"
}

# wait_for TIMEOUT_S COMMAND...: poll COMMAND every 0.1 s.
wait_for() {
	local n=$(($1 * 10))
	shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}
