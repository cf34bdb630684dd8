#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Round trips through mhoctl: peers, bindings, limits and stats, in plain
# text and JSON, -batch and monitor.
. "$(dirname "$0")/../lib.sh"

mho_setup

M() { "$MHOCTL" -n "$NS" "$@"; }

P1=2001:db8::2
P2=2001:db8::3
L1=2001:db8::1
HOA=2001:db8:1::10
COA=2001:db8:2::10
NCOA=2001:db8:3::10

t_empty() {
	fresh_ns
	xout "" M peer show
	xout "" M binding show
	xout "[]" M -j peer show
	xout "[]" M -j binding list
	x M stats &&
		[[ $OUT =~ ^stats\ bindings\ 0\ peers\ 0\ rx-pkts\ 0\ rx-bytes\ 0\ generation\ [0-9]+\ held-pkts\ 0\ held-bytes\ 0\ untrusted\ 0\ cached-pkts\ 0\ ctx-index-entries\ 0\ ctx-index-builds\ 0\ ctx-index-walks\ 0$ ]] ||
		fail "stats: $OUT"
}

t_peer() {
	fresh_ns
	xout "" M peer add $P1 name nar1 local $L1
	xout "peer $P1 name nar1 local $L1 bindings 0" M peer show
	xout "peer $P1 name nar1 local $L1 bindings 0" M peer show $P1
	xout "[{\"addr\":\"$P1\",\"name\":\"nar1\",\"local\":\"$L1\",\"bindings\":0}]" M -j peer show
	xout "[{\"addr\":\"$P1\",\"name\":\"nar1\",\"local\":\"$L1\",\"bindings\":0}]" M -j peer show $P1
	xout "" M peer change $P1 name par1
	xout "peer $P1 name par1 local $L1 bindings 0" M peer show
	xout "" M peer change $P1 local any
	xout "peer $P1 name par1 bindings 0" M peer show
	xout "" M peer change $P1 name none
	xout "peer $P1 bindings 0" M peer show
	xout "" M peer change $P1 name 'x y' local $L1
	xout "peer $P1 name x y local $L1 bindings 0" M peer show
	xout "" M peer change $P1 name ''
	xout "peer $P1 local $L1 bindings 0" M peer show
	xout "" M peer add $P2
	x M peer show
	expect_eq "two peers" "$(sort <<<"$OUT")" "peer $P1 local $L1 bindings 0
peer $P2 bindings 0"
	xout "[
  {
    \"addr\": \"$P2\",
    \"bindings\": 0
  }
]" M -p peer show $P2
	xout "" M peer del $P2
	xout "peer $P1 local $L1 bindings 0" M peer show
	xout "" M peer delete $P1
	xout "" M peer show
}

t_binding() {
	fresh_ns
	x M peer add $P1
	xout "" M binding add id 7 role par hoa $HOA coa $COA peer $P1
	local line="binding 7 role par hoa $HOA coa $COA peer $P1 $INHERITED"
	xout "$line" M binding show
	xout "$line" M binding show id 7
	xout "$line
    rx 0 packets 0 bytes held 0 forwarded 0 copied 0 released 0 tunnel-rx 0 duplicates 0 markers-tx 0 markers-rx 0 frag-followed 0
    drop-limit 0 drop-total 0 drop-expired 0 drop-error 0 drop-too-big 0" M -s binding show
	xout "[{\"id\":7,\"role\":\"par\",\"hoa\":\"$HOA\",\"coa\":\"$COA\",\"peer\":\"$P1\",\"limits\":{\"max_pkts\":0,\"max_bytes\":0,\"max_hold_ms\":0},\"effective_limits\":{\"max_pkts\":1024,\"max_bytes\":1048576,\"max_hold_ms\":2000},\"state\":\"idle\",\"rate\":0,\"linger_ms\":0,\"marker_wait_ms\":0,\"queued_pkts\":0,\"queued_bytes\":0,\"cache_ms\":0,\"cached_pkts\":0,\"ctx_sas\":0,\"ctx_policies\":0,\"stats\":{\"rx_pkts\":0,\"rx_bytes\":0,\"held\":0,\"forwarded\":0,\"copied\":0,\"released\":0,\"tunnel_rx\":0,\"duplicates\":0,\"markers_tx\":0,\"markers_rx\":0,\"frag_followed\":0,\"drop_limit\":0,\"drop_total\":0,\"drop_expired\":0,\"drop_error\":0,\"drop_too_big\":0,\"home_tunnelled\":0,\"cached\":0,\"reforwarded\":0,\"cache_expired\":0,\"cache_full\":0,\"mh_malformed\":0}}]" M -j binding show
	xout "" M binding change id 7 ncoa $NCOA max-pkts 16 max-bytes 4096 max-hold 100
	line="binding 7 role par hoa $HOA coa $COA ncoa $NCOA peer $P1 max-pkts 16 max-bytes 4096 max-hold 100"
	local a
	for a in $HOA $COA $NCOA; do
		xout "$line" M binding show match $a
	done
	# Removing an address with "none".
	xout "" M binding change match $COA coa none
	line="binding 7 role par hoa $HOA ncoa $NCOA peer $P1 max-pkts 16 max-bytes 4096 max-hold 100"
	xout "$line" M binding show id 7
	xerr "no such binding" M binding show match $COA
	# Limits back to "inherit", peer removed.
	xout "" M binding change match $NCOA peer none max-pkts 0 max-bytes 0 max-hold 0
	xout "binding 7 role par hoa $HOA ncoa $NCOA $INHERITED" M binding show
	xout "" M binding change id 7 ncoa none coa $COA
	xout "binding 7 role par hoa $HOA coa $COA $INHERITED" M binding show
	# Same role again is not a change.
	xout "" M binding change id 7 role par
	xout "" M binding del match $HOA
	xout "" M binding show
	xerr "no such binding" M binding show id 7
	# HA and NAR bindings.
	xout "" M binding add id 8 role ha hoa $HOA
	xout "" M binding add id 9 role nar ncoa $NCOA
	x M binding show
	expect_eq "ha and nar" "$(sort <<<"$OUT")" \
"binding 8 role ha hoa $HOA $INHERITED
binding 9 role nar ncoa $NCOA $INHERITED"
	xout "" M binding del id 8
	xout "" M binding delete id 9
	xout "" M binding show
}

t_autoid() {
	fresh_ns
	local id1 id2
	x M binding add role nar coa $COA || return
	[[ $OUT =~ ^binding\ ([1-9][0-9]*)$ ]] || { fail "add printed \"$OUT\""; return; }
	id1=${BASH_REMATCH[1]}
	x M -j binding add role nar coa $NCOA || return
	[[ $OUT =~ ^\{\"id\":([1-9][0-9]*)\}$ ]] || { fail "add -j printed \"$OUT\""; return; }
	id2=${BASH_REMATCH[1]}
	[ "$id1" != "$id2" ] || fail "two bindings got id $id1"
	xout "binding $id1 role nar coa $COA $INHERITED" M binding show id $id1
	xout "binding $id2 role nar coa $NCOA $INHERITED" M binding show id $id2
	# An explicit id next to picked ones.
	xout "" M binding add id 4000000000 role par hoa $HOA
	x M binding show id 4000000000
	x M binding add role par coa 2001:db8:7::1
	[[ $OUT =~ ^binding\ ([1-9][0-9]*)$ ]] && [ "${BASH_REMATCH[1]}" != 4000000000 ] &&
		[ "${BASH_REMATCH[1]}" != "$id1" ] && [ "${BASH_REMATCH[1]}" != "$id2" ] ||
		fail "third auto id: \"$OUT\""
}

t_peer_count() {
	fresh_ns
	x M peer add $P1 name p
	x M binding add id 1 role par coa 2001:db8:a::1 peer $P1
	xout "peer $P1 name p bindings 1" M peer show $P1
	x M binding add id 2 role par coa 2001:db8:a::2 peer $P1
	xout "peer $P1 name p bindings 2" M peer show $P1
	xout "[{\"addr\":\"$P1\",\"name\":\"p\",\"bindings\":2}]" M -j peer show
	x M peer add $P2
	x M binding change id 1 peer $P2
	xout "peer $P1 name p bindings 1" M peer show $P1
	xout "peer $P2 bindings 1" M peer show $P2
	x M binding change id 2 peer none
	xout "peer $P1 name p bindings 0" M peer show $P1
	x M binding del id 1
	xout "peer $P2 bindings 0" M peer show $P2
}

t_peer_in_use() {
	fresh_ns
	x M peer add $P1
	x M binding add id 3 role nar coa $COA peer $P1
	local before
	before=$(state "$NS")
	xerr "peer is used by" M peer del $P1
	expect_eq "state after a refused peer del" "$(state "$NS")" "$before"
	x M binding del id 3
	xout "" M peer del $P1
	xout "" M peer show
}

t_limits() {
	fresh_ns
	x M limits show &&
		[[ $OUT =~ ^limits\ max-pkts\ [0-9]+\ max-bytes\ [0-9]+\ max-hold\ [0-9]+\ max-bindings\ [0-9]+\ max-peers\ [0-9]+\ total-pkts\ [0-9]+\ total-bytes\ [0-9]+\ cache-ms\ [0-9]+\ cache-pkts\ [0-9]+\ cache-total\ [0-9]+$ ]] ||
		fail "limits show: \"$OUT\""
	xout "" M limits set max-pkts 64 max-bytes 131072 max-hold 500 max-bindings 1000 max-peers 100 total-pkts 4096 total-bytes 4194304
	xout "limits max-pkts 64 max-bytes 131072 max-hold 500 max-bindings 1000 max-peers 100 total-pkts 4096 total-bytes 4194304 cache-ms 1000 cache-pkts 16 cache-total 4096" M limits show
	xout "" M limits set max-pkts 32
	xout "limits max-pkts 32 max-bytes 131072 max-hold 500 max-bindings 1000 max-peers 100 total-pkts 4096 total-bytes 4194304 cache-ms 1000 cache-pkts 16 cache-total 4096" M limits show
	xout '{"max_pkts":32,"max_bytes":131072,"max_hold_ms":500,"max_bindings":1000,"max_peers":100,"total_pkts":4096,"total_bytes":4194304,"cache_ms":1000,"cache_pkts":16,"cache_total":4096}' M -j limits show
	xout "" M limits set cache-ms 0 cache-pkts 8 cache-total 100
	xout "limits max-pkts 32 max-bytes 131072 max-hold 500 max-bindings 1000 max-peers 100 total-pkts 4096 total-bytes 4194304 cache-ms 0 cache-pkts 8 cache-total 100" M limits show
}

t_stats() {
	fresh_ns
	local g1 g2
	x M stats
	[[ $OUT =~ generation\ ([0-9]+)\  ]] && g1=${BASH_REMATCH[1]}
	x M peer add $P1
	x M peer add $P2
	x M binding add id 1 role par coa 2001:db8:a::1
	x M binding add id 2 role par coa 2001:db8:a::2 peer $P1
	x M binding add id 3 role ha hoa 2001:db8:a::3
	x M stats
	[[ $OUT =~ ^stats\ bindings\ 3\ peers\ 2\ rx-pkts\ 0\ rx-bytes\ 0\ generation\ ([0-9]+)\ held-pkts\ 0\ held-bytes\ 0\ untrusted\ 0\ cached-pkts\ 0\ ctx-index-entries\ 0\ ctx-index-builds\ 0\ ctx-index-walks\ 0$ ]] ||
		fail "stats: \"$OUT\""
	g2=${BASH_REMATCH[1]}
	[ -n "$g1" ] && [ -n "$g2" ] && [ "$g2" -gt "$g1" ] ||
		fail "generation did not move: \"$g1\" -> \"$g2\""
	x M -j stats
	[[ $OUT =~ ^\{\"bindings\":3,\"peers\":2,\"rx_pkts\":0,\"rx_bytes\":0,\"generation\":[0-9]+,\"held_pkts\":0,\"held_bytes\":0,\"untrusted\":0,\"cached_pkts\":0,\"ctx_index_entries\":0,\"ctx_index_builds\":0,\"ctx_index_walks\":0\}$ ]] ||
		fail "stats -j: \"$OUT\""
	x M binding del id 2
	x M peer del $P1
	x M stats
	[[ $OUT =~ ^stats\ bindings\ 2\ peers\ 1\  ]] || fail "stats: \"$OUT\""
}

t_batch() {
	fresh_ns
	cat >"$TMPD/b1" <<-EOB
	# a comment

	peer add $P1 name "first peer"
	peer change $P1 name ''   # trailing comment
	binding add id 5 role par coa $COA peer $P1
	   binding change id 5 hoa $HOA
	EOB
	xout "" M -batch "$TMPD/b1"
	xout "peer $P1 bindings 1" M peer show
	xout "binding 5 role par hoa $HOA coa $COA peer $P1 $INHERITED" M binding show
	# Stops at the first failure: line 2 fails, line 3 is not run.
	printf '%s\n' "peer add $P2" "peer add $P2" "peer add 2001:db8::99" >"$TMPD/b2"
	_run M -batch "$TMPD/b2"
	[ "$RC" = 1 ] && grep -q "peer already exists" <<<"$ERR" &&
		grep -qx "Command failed $TMPD/b2:2" <<<"$ERR" ||
		{ _show_run M -batch "$TMPD/b2"; fail "batch did not stop at line 2"; }
	xerr "no such peer" M peer show 2001:db8::99
	# -force goes on, and still exits 1.
	printf '%s\n' "peer add $P2" "peer add 2001:db8::99" "bogus" "peer del 2001:db8::99" >"$TMPD/b3"
	_run M -force -batch "$TMPD/b3"
	[ "$RC" = 1 ] && grep -qx "Command failed $TMPD/b3:1" <<<"$ERR" &&
		grep -qx "Command failed $TMPD/b3:3" <<<"$ERR" &&
		[ "$(grep -c 'Command failed' <<<"$ERR")" = 2 ] ||
		{ _show_run M -force -batch "$TMPD/b3"; fail "-force batch"; }
	xerr "no such peer" M peer show 2001:db8::99
	# stdin, and output of show commands.
	_run M -batch - <<<"peer show $P1
stats"
	[ "$RC" = 0 ] && [ "$(sed -n 1p <<<"$OUT")" = "peer $P1 bindings 1" ] &&
		[[ $(sed -n 2p <<<"$OUT") == "stats bindings 1 peers 2 "* ]] ||
		{ _show_run M -batch -; fail "batch from stdin"; }
}

t_monitor() {
	fresh_ns
	local pid lines want
	x M limits set max-pkts 64 max-bytes 131072 max-hold 500 max-bindings 1000 max-peers 100 total-pkts 4096 total-bytes 4194304
	M monitor >>"$TMPD/mon" 2>"$TMPD/mon.err" &
	pid=$!
	bg_add $pid
	M -j monitor >>"$TMPD/monj" 2>&1 &
	bg_add $!
	monitor_sync M "$TMPD/mon" "$TMPD/monj" || return
	x M peer add $P1 name m1
	x M binding add id 3 role nar coa $COA peer $P1
	x M binding change id 3 ncoa $NCOA
	x M limits set max-pkts 65
	x M binding del id 3
	x M peer del $P1
	want="[NEW] peer $P1 name m1 bindings 0
[NEW] binding 3 role nar coa $COA peer $P1 max-pkts 64 (inherited) max-bytes 131072 (inherited) max-hold 500 (inherited)
[SET] binding 3 role nar coa $COA ncoa $NCOA peer $P1 max-pkts 64 (inherited) max-bytes 131072 (inherited) max-hold 500 (inherited)
[SET] limits max-pkts 65 max-bytes 131072 max-hold 500 max-bindings 1000 max-peers 100 total-pkts 4096 total-bytes 4194304 cache-ms 1000 cache-pkts 16 cache-total 4096
[DEL] binding 3 role nar coa $COA ncoa $NCOA peer $P1 max-pkts 65 (inherited) max-bytes 131072 (inherited) max-hold 500 (inherited)
[DEL] peer $P1 name m1 bindings 0"
	wait_for 5 eval 'test "$(wc -l <"$TMPD/mon")" -ge 6'
	wait_for 5 eval 'test "$(wc -l <"$TMPD/monj")" -ge 6'
	expect_eq "monitor output" "$(cat "$TMPD/mon")" "$want"
	want="{\"event\":\"new\",\"object\":\"peer\",\"addr\":\"$P1\",\"name\":\"m1\",\"bindings\":0}
{\"event\":\"new\",\"object\":\"binding\",\"id\":3,\"role\":\"nar\",\"coa\":\"$COA\",\"peer\":\"$P1\",\"limits\":{\"max_pkts\":0,\"max_bytes\":0,\"max_hold_ms\":0},\"effective_limits\":{\"max_pkts\":64,\"max_bytes\":131072,\"max_hold_ms\":500},\"state\":\"idle\",\"rate\":0,\"linger_ms\":0,\"marker_wait_ms\":0,\"queued_pkts\":0,\"queued_bytes\":0,\"cache_ms\":0,\"cached_pkts\":0,\"ctx_sas\":0,\"ctx_policies\":0,\"stats\":{\"rx_pkts\":0,\"rx_bytes\":0,\"held\":0,\"forwarded\":0,\"copied\":0,\"released\":0,\"tunnel_rx\":0,\"duplicates\":0,\"markers_tx\":0,\"markers_rx\":0,\"frag_followed\":0,\"drop_limit\":0,\"drop_total\":0,\"drop_expired\":0,\"drop_error\":0,\"drop_too_big\":0,\"home_tunnelled\":0,\"cached\":0,\"reforwarded\":0,\"cache_expired\":0,\"cache_full\":0,\"mh_malformed\":0}}
{\"event\":\"set\",\"object\":\"binding\",\"id\":3,\"role\":\"nar\",\"coa\":\"$COA\",\"ncoa\":\"$NCOA\",\"peer\":\"$P1\",\"limits\":{\"max_pkts\":0,\"max_bytes\":0,\"max_hold_ms\":0},\"effective_limits\":{\"max_pkts\":64,\"max_bytes\":131072,\"max_hold_ms\":500},\"state\":\"idle\",\"rate\":0,\"linger_ms\":0,\"marker_wait_ms\":0,\"queued_pkts\":0,\"queued_bytes\":0,\"cache_ms\":0,\"cached_pkts\":0,\"ctx_sas\":0,\"ctx_policies\":0,\"stats\":{\"rx_pkts\":0,\"rx_bytes\":0,\"held\":0,\"forwarded\":0,\"copied\":0,\"released\":0,\"tunnel_rx\":0,\"duplicates\":0,\"markers_tx\":0,\"markers_rx\":0,\"frag_followed\":0,\"drop_limit\":0,\"drop_total\":0,\"drop_expired\":0,\"drop_error\":0,\"drop_too_big\":0,\"home_tunnelled\":0,\"cached\":0,\"reforwarded\":0,\"cache_expired\":0,\"cache_full\":0,\"mh_malformed\":0}}
{\"event\":\"set\",\"object\":\"limits\",\"max_pkts\":65,\"max_bytes\":131072,\"max_hold_ms\":500,\"max_bindings\":1000,\"max_peers\":100,\"total_pkts\":4096,\"total_bytes\":4194304,\"cache_ms\":1000,\"cache_pkts\":16,\"cache_total\":4096}
{\"event\":\"del\",\"object\":\"binding\",\"id\":3,\"role\":\"nar\",\"coa\":\"$COA\",\"ncoa\":\"$NCOA\",\"peer\":\"$P1\",\"limits\":{\"max_pkts\":0,\"max_bytes\":0,\"max_hold_ms\":0},\"effective_limits\":{\"max_pkts\":65,\"max_bytes\":131072,\"max_hold_ms\":500},\"state\":\"idle\",\"rate\":0,\"linger_ms\":0,\"marker_wait_ms\":0,\"queued_pkts\":0,\"queued_bytes\":0,\"cache_ms\":0,\"cached_pkts\":0,\"ctx_sas\":0,\"ctx_policies\":0,\"stats\":{\"rx_pkts\":0,\"rx_bytes\":0,\"held\":0,\"forwarded\":0,\"copied\":0,\"released\":0,\"tunnel_rx\":0,\"duplicates\":0,\"markers_tx\":0,\"markers_rx\":0,\"frag_followed\":0,\"drop_limit\":0,\"drop_total\":0,\"drop_expired\":0,\"drop_error\":0,\"drop_too_big\":0,\"home_tunnelled\":0,\"cached\":0,\"reforwarded\":0,\"cache_expired\":0,\"cache_full\":0,\"mh_malformed\":0}}
{\"event\":\"del\",\"object\":\"peer\",\"addr\":\"$P1\",\"name\":\"m1\",\"bindings\":0}"
	expect_eq "monitor -j output" "$(cat "$TMPD/monj")" "$want"
	# A failed request sends no notification: the next change's is the
	# next line.
	M binding del id 3 2>/dev/null
	x M limits set max-pkts 64
	wait_for 5 eval 'test "$(wc -l <"$TMPD/mon")" -ge 7'
	expect_eq "after a failed request" "$(sed -n 7p "$TMPD/mon")" \
		"[SET] limits max-pkts 64 max-bytes 131072 max-hold 500 max-bindings 1000 max-peers 100 total-pkts 4096 total-bytes 4194304 cache-ms 1000 cache-pkts 16 cache-total 4096"
	kill -0 $pid 2>/dev/null || fail "monitor died: $(cat "$TMPD/mon.err")"
	bg_stop
}

# stamped WHAT FILE RE BEFORE AFTER: FILE matches RE, whose first group
# is a time (ISO 8601, to the second) from BEFORE to AFTER; ISO 8601
# compares as text.
stamped() {
	[[ $(cat "$2") =~ $3 ]] || { fail "$1: $(cat "$2")"; return 1; }
	[[ ! ${BASH_REMATCH[1]} < $4 && ! ${BASH_REMATCH[1]} > $5 ]] ||
		{ fail "$1: ${BASH_REMATCH[1]} is not between $4 and $5"; return 1; }
}

# monitor -t: each line begins with the UTC time it was received, in
# plain text and JSON, between the clock read before the change and after
# its line arrived.
t_monitor_ts() {
	fresh_ns
	local before after t re pid
	M monitor -t >>"$TMPD/mont" 2>"$TMPD/mont.err" &
	pid=$!
	bg_add $pid
	M -j monitor all -t >>"$TMPD/montj" 2>&1 &
	bg_add $!
	monitor_sync M "$TMPD/mont" "$TMPD/montj" || return
	before=$(date -u +%Y-%m-%dT%H:%M:%S)
	x M limits set max-pkts 66
	wait_for 5 eval 'test "$(wc -l <"$TMPD/mont")" -ge 1'
	wait_for 5 eval 'test "$(wc -l <"$TMPD/montj")" -ge 1'
	after=$(date -u +%Y-%m-%dT%H:%M:%S)
	t='([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2})\.[0-9]{6}Z'
	re="^\\[$t\\] \\[SET\\] limits max-pkts 66 "
	stamped "monitor -t" "$TMPD/mont" "$re" "$before" "$after"
	re="^\\{\"timestamp\":\"$t\",\"event\":\"set\",\"object\":\"limits\",\"max_pkts\":66,"
	stamped "monitor -j -t" "$TMPD/montj" "$re" "$before" "$after"
	kill -0 $pid 2>/dev/null || fail "monitor -t died: $(cat "$TMPD/mont.err")"
	bg_stop
}

# A binding's limits show the values in force: the namespace's when it
# has none of its own ("(inherited)"), its own when lower, the namespace's
# when its own is higher ("(capped)"); JSON has both, own and in force.
t_effective_limits() {
	fresh_ns
	x M binding add id 1 role par coa $COA
	xout "binding 1 role par coa $COA $INHERITED" M binding show
	x M limits set max-pkts 50 max-hold 300
	xout "binding 1 role par coa $COA max-pkts 50 (inherited) max-bytes 1048576 (inherited) max-hold 300 (inherited)" M binding show id 1
	x M binding change id 1 max-pkts 20 max-bytes 4096
	xout "binding 1 role par coa $COA max-pkts 20 max-bytes 4096 max-hold 300 (inherited)" M binding show id 1
	x M binding change id 1 max-pkts 100 max-hold 300
	xout "binding 1 role par coa $COA max-pkts 50 (capped) max-bytes 4096 max-hold 300" M binding show id 1
	x M -j binding show id 1 &&
		[[ $OUT == *'"limits":{"max_pkts":100,"max_bytes":4096,"max_hold_ms":300},"effective_limits":{"max_pkts":50,"max_bytes":4096,"max_hold_ms":300},'* ]] ||
		fail "JSON limits: $OUT"
	# The namespace's limit moves every binding that inherits it.
	x M binding change id 1 max-pkts 0
	x M limits set max-pkts 60
	xout "binding 1 role par coa $COA max-pkts 60 (inherited) max-bytes 4096 max-hold 300" M binding show id 1
}

# wait_count FILE RE N: FILE has N lines matching RE within 5 s.
count_ge() { [ "$(grep -Ec "$2" "$1")" -ge "$3" ]; }
wait_count() {
	wait_for 5 count_ge "$@" ||
		{ fail "$1 never had $3 lines /$2/: $(cat "$1")$(mon_state "$1")"; return 1; }
}

# A monitor of t_monitor_filter writes FILE, its stderr FILE.err (never
# emptied) and its pid is _mon_pid[FILE]: what the failure messages say.
declare -A _mon_pid=()
mon_start() {
	local file=$1

	shift
	M "$@" >>"$file" 2>>"$file.err" &
	bg_add $!
	_mon_pid[$file]=$!
}
mon_state() {
	local pid=${_mon_pid[$1]:-}

	[ -n "$pid" ] || return 0
	kill -0 "$pid" 2>/dev/null && printf ' (monitor running' ||
		printf ' (monitor exited'
	printf ', stderr: %s)' "$(cat "$1.err" 2>/dev/null)"
}

# joined FILE RE CMD...: run CMD until the monitor writing FILE shows a
# line matching RE (it has joined the group), at most 30 times.
joined() {
	local i
	for ((i = 0; i < 30; i++)); do
		"${@:3}" >/dev/null || return 1
		wait_for 1 grep -Eq "$2" "$1" && return 0
	done
	fail "the monitor writing $1 never showed /$2/: $(cat "$1")$(mon_state "$1")"
	return 1
}

# monitor OBJECT... and filters: "ip monitor"-like objects, and the
# bindings by id, by address (match) and by peer, whose events follow
# them; type filters the events.
t_monitor_filter() {
	fresh_ns
	local f n=0
	x M peer add $P1
	x M peer add $P2
	x M binding add id 1 role par hoa $HOA coa $COA peer $P1 max-hold 200
	x M binding add id 2 role par coa $NCOA peer $P2 max-hold 200
	mon_start "$TMPD/f.peer" monitor peer
	mon_start "$TMPD/f.limits" monitor limits
	mon_start "$TMPD/f.be" monitor binding event
	mon_start "$TMPD/f.id" monitor id 2
	mon_start "$TMPD/f.match" monitor match $HOA
	mon_start "$TMPD/f.bypeer" monitor peer $P2
	mon_start "$TMPD/f.type" monitor type expired
	mon_start "$TMPD/f.json" -j monitor event match $HOA type overflow,expired
	# Until each has joined: a change it shows; then emptied.
	joined "$TMPD/f.peer" "^\[SET\] peer $P1 " M peer change $P1 name s || return
	joined "$TMPD/f.limits" "^\[SET\] limits " M limits set max-peers 200 || return
	for f in be id bypeer; do
		joined "$TMPD/f.$f" "^\[SET\] binding 2 " \
			M binding change id 2 rate $((n += 1)) || return
	done
	joined "$TMPD/f.match" "^\[SET\] binding 1 " M binding change id 1 rate 7 || return
	for f in type json; do
		joined "$TMPD/f.$f" expired M binding change id 1 state buffer || return
	done
	sleep 0.5
	for f in peer limits be id match bypeer type json; do
		: >"$TMPD/f.$f"
	done
	# The changes to see; a hold expires after 200 ms.
	x M peer change $P2 name p2
	x M limits set max-peers 201
	x M binding change id 1 rate 8
	x M binding change id 2 rate 9
	x M binding change id 1 state buffer
	wait_count "$TMPD/f.be" "^event expired binding 1 " 1 || return
	x M binding change id 2 state buffer
	wait_count "$TMPD/f.be" "^event expired binding 2 " 1 || return
	# The binding found by its address loses it; another gets it.
	x M binding change id 1 hoa none
	x M binding change id 1 state buffer
	wait_count "$TMPD/f.be" "^event expired binding 1 " 2 || return
	x M binding add id 3 role par hoa $HOA max-hold 200
	x M binding change id 3 state buffer
	x M peer change $P1 name done
	wait_count "$TMPD/f.peer" "^\[SET\] peer $P1 name done " 1 || return
	for f in be match type; do
		wait_count "$TMPD/f.$f" "^event expired binding 3 " 1 || return
	done
	wait_count "$TMPD/f.json" '"id":3,' 1 || return
	sleep 0.3
	expect_eq "monitor peer" "$(cat "$TMPD/f.peer")" "[SET] peer $P2 name p2 bindings 1
[SET] peer $P1 name done bindings 1"
	[ "$(wc -l <"$TMPD/f.limits")" = 1 ] &&
		grep -q '^\[SET\] limits .* max-peers 201 ' "$TMPD/f.limits" ||
		fail "monitor limits: $(cat "$TMPD/f.limits")"
	expect_eq "monitor binding event" "$(cut -d' ' -f1-4 "$TMPD/f.be")" "[SET] binding 1 role
[SET] binding 2 role
[SET] binding 1 role
event expired binding 1
[SET] binding 2 role
event expired binding 2
[SET] binding 1 role
[SET] binding 1 role
event expired binding 1
[NEW] binding 3 role
[SET] binding 3 role
event expired binding 3"
	expect_eq "monitor id 2" "$(cut -d' ' -f1-4 "$TMPD/f.id")" "[SET] binding 2 role
[SET] binding 2 role
event expired binding 2"
	expect_eq "monitor match" "$(cut -d' ' -f1-4 "$TMPD/f.match")" "[SET] binding 1 role
[SET] binding 1 role
event expired binding 1
[NEW] binding 3 role
[SET] binding 3 role
event expired binding 3"
	expect_eq "monitor peer ADDR" "$(cut -d' ' -f1-4 "$TMPD/f.bypeer")" "[SET] peer $P2 name
[SET] binding 2 role
[SET] binding 2 role
event expired binding 2"
	expect_eq "monitor type" "$(cut -d' ' -f1-4 "$TMPD/f.type")" "event expired binding 1
event expired binding 2
event expired binding 1
event expired binding 3"
	expect_eq "monitor -j event match type" "$(grep -o '"event":"[a-z]*","object":"binding","id":[0-9]*' "$TMPD/f.json")" \
		'"event":"expired","object":"binding","id":1
"event":"expired","object":"binding","id":3'
	bg_stop
	# What mhoctl refuses itself.
	xusage M monitor id 1 match $HOA
	xusage M monitor type bogus
	xusage M monitor peer type state
	xusage M monitor bogus
	xusage M monitor match 1.2.3.4
}

# Under MHO_SUBSET (the debug kernel, 6.12) the cases whose work is
# mhoctl's own (-batch parsing, timestamps, the monitor's filters; the
# kernel paths are the other cases') are left out: full_case.
ktap_plan 14 3
run_case "nothing configured, nothing shown" t_empty
run_case "peer add/show/change/del, plain and JSON" t_peer
run_case "binding add/show/change/del, match by each address, none" t_binding
run_case "binding ids picked by the kernel" t_autoid
run_case "peer bindings count follows its bindings" t_peer_count
run_case "peer del refused while a binding uses it" t_peer_in_use
run_case "limits show/set round trip" t_limits
run_case "stats count bindings and peers" t_stats
full_case "-batch, comments, quotes, stop at failure, -force" t_batch
run_case "monitor reports every change, plain and JSON" t_monitor
full_case "monitor -t: timestamps" t_monitor_ts
run_case "binding limits: the values in force" t_effective_limits
full_case "monitor: objects and filters" t_monitor_filter
check "mho unloads with objects in a netns" rmmod mho
ktap_finish
