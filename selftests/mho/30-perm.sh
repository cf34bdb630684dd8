#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every command, and joining the events group, needs CAP_NET_ADMIN in the
# user namespace that owns the network namespace: without it, EPERM and
# nothing changes. Root of a user namespace that owns its netns has it.
. "$(dirname "$0")/../lib.sh"

mho_setup NS
M() { "$MHOCTL" -n "$NS" "$@"; }

P1=2001:db8::2
P2=2001:db8::3
HOA=2001:db8:1::10
COA=2001:db8:2::10

# One of each command class; all would succeed for root.
COMMANDS=(
	"peer add $P2"
	"peer change $P1 name x"
	"peer del $P1"
	"peer show"
	"peer show $P1"
	"binding add id 8 role nar coa 2001:db8:9::1"
	"binding add role nar coa 2001:db8:9::1"
	"binding change id 7 ncoa 2001:db8:9::2"
	"binding del id 7"
	"binding show"
	"binding show id 7"
	"binding show match $HOA"
	"limits show"
	"limits set max-pkts 10"
	"stats"
)

setup_objects() {
	x M peer add $P1 name base
	x M binding add id 7 role par hoa $HOA coa $COA peer $P1
}

# denied PREFIX...: every command, run as PREFIX (lib.sh's NOCAPS, ...)
# COMMAND, fails with EPERM, and nothing changes.
denied() {
	local before cmd
	before=$(state "$NS")
	for cmd in "${COMMANDS[@]}"; do
		# shellcheck disable=SC2086
		_run ip netns exec "$NS" "$@" "$MHOCTL" $cmd
		if [ "$RC" != 1 ] || [ -n "$OUT" ] ||
		   [ "$ERR" != "Error: Operation not permitted" ]; then
			_show_run "$@" "$MHOCTL" $cmd
			fail "expected exactly \"Error: Operation not permitted\""
		fi
	done
	# Joining the events group.
	_run ip netns exec "$NS" "$@" timeout 5 "$MHOCTL" monitor
	if [ "$RC" != 1 ] || [ "$ERR" != "Error: Operation not permitted" ]; then
		_show_run "$@" "$MHOCTL" monitor
		fail "monitor: expected exactly \"Error: Operation not permitted\""
	fi
	expect_eq "state" "$(state "$NS")" "$before"
}

# The prefixes really drop what they say (so a pass below means something).
t_setpriv() {
	xout "CapEff:	0000000000000000" "${NOCAPS[@]}" grep CapEff /proc/self/status
	x "${NONETADMIN[@]}" grep CapEff /proc/self/status
	local hex=${OUT##*	}
	(( (16#$hex >> 12) & 1 )) && fail "NONETADMIN kept CAP_NET_ADMIN: $OUT"
	(( (16#$hex >> 21) & 1 )) || fail "NONETADMIN dropped CAP_SYS_ADMIN: $OUT"
	xout "65534 65534 CapEff: 0000000000000000" \
		"${NOBODY[@]}" sh -c 'echo $(id -u) $(id -g) $(grep CapEff /proc/self/status)'
	# Family resolution is not privileged: the error is EPERM, not
	# "module not loaded".
	_run ip netns exec "$NS" "${NOCAPS[@]}" "$MHOCTL" stats
	[[ $ERR != *"not loaded"* ]] || fail "family not visible without caps"
}

# The events group: a listener without CAP_NET_ADMIN never joins, so it
# sees nothing, while root does.
t_monitor_root() {
	local pid
	M monitor >>"$TMPD/mon" 2>&1 &
	pid=$!
	bg_add $pid
	monitor_sync M "$TMPD/mon" || return
	x M peer add $P2
	x M peer del $P2
	wait_for 5 eval 'test "$(wc -l <"$TMPD/mon")" -ge 2'
	expect_eq "root monitor" "$(cat "$TMPD/mon")" "[NEW] peer $P2 bindings 0
[DEL] peer $P2 bindings 0"
	bg_kill $pid
}

UNSHARE=
if busybox unshare --help >/dev/null 2>&1; then
	UNSHARE="busybox unshare"
elif command -v unshare >/dev/null; then
	UNSHARE=unshare
fi

# Root of a new user namespace that owns a new netns manages mho there.
t_userns_owner() {
	[ -n "$UNSHARE" ] || { skip "no unshare"; return; }
	$UNSHARE -r -n true 2>/dev/null || { skip "cannot create a user namespace"; return; }
	cat >"$TMPD/userns.sh" <<-EOS
	set -e
	ip link set lo up
	"$MHOCTL" monitor >"$TMPD/userns.mon" 2>&1 &
	mpid=\$!
	# Until the monitor has joined: it shows a change made after that.
	for i in \$(seq 1 100); do
		"$MHOCTL" limits set max-peers \$((100 + i))
		sleep 0.1
		! grep -q "max-peers \$((100 + i)) " "$TMPD/userns.mon" || break
	done
	"$MHOCTL" peer add $P2 name inner
	"$MHOCTL" binding add id 3 role nar coa $COA peer $P2
	"$MHOCTL" peer show
	"$MHOCTL" binding show
	"$MHOCTL" limits set max-pkts 10
	"$MHOCTL" stats
	"$MHOCTL" binding del id 3
	"$MHOCTL" peer del $P2
	for i in \$(seq 1 100); do
		! grep -q "^\\[DEL\\] peer" "$TMPD/userns.mon" || break
		sleep 0.1
	done
	kill \$mpid
	EOS
	local before
	before=$(state "$NS")
	# As root, and as an unprivileged user creating the namespaces.
	xout "peer $P2 name inner bindings 1
binding 3 role nar coa $COA peer $P2 $INHERITED" \
		bash -c "$UNSHARE -r -n bash '$TMPD/userns.sh' | grep -v '^stats'"
	grep -q "^\[NEW\] peer $P2 name inner bindings 0\$" "$TMPD/userns.mon" ||
		fail "monitor in the user namespace: $(cat "$TMPD/userns.mon")"
	if ! "${NOBODY[@]}" $UNSHARE -r -n true 2>/dev/null; then
		diag "an unprivileged user cannot create a user namespace here; not tried"
	else
		chmod 755 "$TMPD"
		chmod 644 "$TMPD/userns.sh"
		rm -f "$TMPD/userns.mon"
		chmod 777 "$TMPD"
		_run "${NOBODY[@]}" $UNSHARE -r -n bash "$TMPD/userns.sh"
		if [ "$RC" != 0 ]; then
			_show_run unprivileged unshare
			fail "unprivileged user namespace"
		fi
		grep -q "^\[DEL\] peer $P2 name inner" "$TMPD/userns.mon" ||
			fail "monitor as an unprivileged user's userns root: $(cat "$TMPD/userns.mon")"
	fi
	# And nothing of it is visible outside.
	expect_eq "state of $NS" "$(state "$NS")" "$before"
}

# Root of a user namespace that does NOT own the netns gets EPERM.
t_userns_other() {
	[ -n "$UNSHARE" ] || { skip "no unshare"; return; }
	$UNSHARE -r true 2>/dev/null || { skip "cannot create a user namespace"; return; }
	local before
	before=$(state "$NS")
	_run ip netns exec "$NS" $UNSHARE -r "$MHOCTL" peer show
	[ "$RC" = 1 ] && [ "$ERR" = "Error: Operation not permitted" ] ||
		{ _show_run userns peer show; fail "expected EPERM"; }
	_run ip netns exec "$NS" $UNSHARE -r "$MHOCTL" peer add $P2
	[ "$RC" = 1 ] && [ "$ERR" = "Error: Operation not permitted" ] ||
		{ _show_run userns peer add; fail "expected EPERM"; }
	_run ip netns exec "$NS" $UNSHARE -r timeout 5 "$MHOCTL" monitor
	[ "$RC" = 1 ] && [ "$ERR" = "Error: Operation not permitted" ] ||
		{ _show_run userns monitor; fail "expected EPERM"; }
	expect_eq "state" "$(state "$NS")" "$before"
}

ktap_plan 8
run_case "objects to protect" setup_objects
run_case "setpriv drops what it is asked to" t_setpriv
run_case "uid 0 without capabilities: EPERM" denied "${NOCAPS[@]}"
run_case "all capabilities but CAP_NET_ADMIN: EPERM" denied "${NONETADMIN[@]}"
run_case "uid 65534: EPERM" denied "${NOBODY[@]}"
run_case "root joins the events group" t_monitor_root
run_case "root of a userns owning the netns manages it" t_userns_owner
run_case "root of a userns not owning the netns: EPERM" t_userns_other
ktap_finish
