#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every class of invalid request is rejected with an extack message that
# mhoctl shows ("Error: ..."), and nothing changes: the state read back
# (including the generation counter) is byte-identical.
. "$(dirname "$0")/../lib.sh"

mho_setup NS
M() { "$MHOCTL" -n "$NS" "$@"; }
R() { nsx "$NS" "$NLRAW" "$@"; }

P1=2001:db8::2
P2=2001:db8::3
HOA=2001:db8:1::10
COA=2001:db8:2::10
NCOA=2001:db8:3::10
EINVAL=22
ERANGE=34
EOPNOTSUPP=95

# rejected TEXT COMMAND...: mhoctl fails with "Error: ...TEXT..." and the
# state does not change.
rejected() {
	local before
	before=$(state "$NS")
	xerr "$@"
	expect_eq "state after \"${*:2}\"" "$(state "$NS")" "$before"
}

# raw_rejected ERRNO TEXT NLRAW-ARGS...: the same for a hand-made request.
raw_rejected() {
	local before
	need_tool "$NLRAW" || return
	before=$(state "$NS")
	nlraw_err "$1" "$2" "${@:3}"
	expect_eq "state after mho_nlraw ${*:3}" "$(state "$NS")" "$before"
}

# Something to collide with, and to check is left alone.
setup_objects() {
	x M peer add $P1 name base
	x M binding add id 7 role par hoa $HOA coa $COA peer $P1
}

t_missing() {
	rejected "role is required" M binding add id 8 coa 2001:db8:9::1
	rejected "id or match is required" M binding change hoa 2001:db8:9::1
	xusage M binding del
	raw_rejected $EINVAL "id or match is required" binding_del a_binding={ }
	raw_rejected $EINVAL "id or match is required" binding_get a_binding={ }
	rejected "home agent binding needs a home address" M binding add id 8 role ha coa 2001:db8:9::1
	rejected "a binding needs at least one address" M binding add id 8 role par
	rejected "a binding needs at least one address" M binding change id 7 hoa none coa none
	raw_rejected $EINVAL "peer attributes are required" peer_del
	raw_rejected $EINVAL "peer address is required" peer_del a_peer={ }
	raw_rejected $EINVAL "peer address is required" peer_new a_peer={ peer_a_name=str:x }
	raw_rejected $EINVAL "binding attributes are required" binding_new
	raw_rejected $EINVAL "limits are required" limits_set
}

t_range() {
	rejected "integer out of range" M binding add id 8 role par coa 2001:db8:9::1 max-pkts 99999999
	rejected "integer out of range" M binding change id 7 max-bytes 4294967295
	rejected "integer out of range" M binding change id 7 max-hold 4000000000
	rejected "integer out of range" M binding add id 0 role par coa 2001:db8:9::1
	rejected "integer out of range" M binding add id 8 role 9 coa 2001:db8:9::1
	rejected "integer out of range" M binding add id 8 role 0 coa 2001:db8:9::1
	rejected "integer out of range" M limits set max-pkts 0
	rejected "integer out of range" M limits set max-bindings 0
	rejected "integer out of range" M limits set max-peers 99999999
	rejected "integer out of range" M limits set max-bytes 1
	# One bad value spoils the whole request.
	rejected "integer out of range" M limits set max-pkts 10 total-bytes 1
	# An SA's TFC padding is at most 65535: a bound netlink's policies
	# cannot hold as a plain maximum (an s16). The largest value passes
	# validation (the request fails later, for want of an SA), one more
	# is out of range, and neither may make the kernel WARN (the run
	# fails on any WARN; panic_on_warn is set).
	_run "$NLRAW" ctx_import a_binding={ binding_a_id=u32:7 } \
		a_ctx={ ctx_a_sa={ sa_a_tfcpad=u32:65535 } }
	[ "$RC" = 1 ] && ! grep -q "out of range" <<<"$OUT" ||
		{ _show_run "$NLRAW" ctx_import; fail "TFCPAD 65535 must pass validation"; }
	raw_rejected $ERANGE "integer out of range" ctx_import a_binding={ binding_a_id=u32:7 } \
		a_ctx={ ctx_a_sa={ sa_a_tfcpad=u32:65536 } }
	raw_rejected $ERANGE "integer out of range" ctx_import a_binding={ binding_a_id=u32:7 } \
		a_ctx={ ctx_a_sa={ sa_a_tfcpad=u32:4294967295 } }
	rejected "Attribute failed policy validation" M peer add $P2 name 0123456789abcdef0123456789abcdef
	xout "" M peer add $P2 name 0123456789abcdef0123456789abcde
	xout "peer $P2 name 0123456789abcdef0123456789abcde bindings 0" M peer show $P2
	x M peer del $P2
}

t_duplicate() {
	rejected "peer already exists" M peer add $P1
	rejected "peer already exists" M peer add $P1 name other
	rejected "binding id already in use" M binding add id 7 role nar coa 2001:db8:9::1
	rejected "already used by another binding" M binding add id 8 role par coa $COA
	rejected "already used by another binding" M binding add id 8 role par ncoa $HOA
	rejected "already used by another binding" M binding add role par hoa $COA
	x M binding add id 8 role nar coa 2001:db8:9::1
	rejected "already used by another binding" M binding change id 8 ncoa $HOA
	rejected "the same address is given twice" M binding add id 9 role par hoa 2001:db8:9::2 coa 2001:db8:9::2
	x M binding del id 8
}

t_missing_object() {
	rejected "no such peer" M peer del $P2
	rejected "no such peer" M peer change $P2 name x
	rejected "no such peer" M peer show $P2
	rejected "no such binding" M binding del id 99
	rejected "no such binding" M binding del match 2001:db8:9::9
	rejected "no such binding" M binding change id 99 coa 2001:db8:9::1
	rejected "no such binding" M binding change match 2001:db8:9::9 coa 2001:db8:9::1
	rejected "no such binding" M binding show id 99
	rejected "no such binding" M binding show match 2001:db8:9::9
	rejected "no such peer" M binding add id 8 role par coa 2001:db8:9::1 peer $P2
	rejected "no such peer" M binding change id 7 peer $P2
}

t_semantic() {
	rejected "role cannot be changed" M binding change id 7 role nar
	rejected "role cannot be changed" M binding change match $HOA role ha
	rejected "give id or match, not both" M binding change id 7 match $HOA coa 2001:db8:9::1
	rejected "peer is used by" M peer del $P1
	rejected "must be a unicast address" M peer add ff02::1
	rejected "must be a unicast address" M peer add ::
	rejected "must be a unicast address" M peer change $P1 local ff02::2
	rejected "link-local address needs an interface" M peer add fe80::2
	rejected "link-local address needs an interface" M peer change $P1 local fe80::1
	rejected "IPv4-mapped address is not an IPv6 router" M peer add ::ffff:192.0.2.1
	rejected "IPv4-mapped address is not an IPv6 router" M peer change $P1 local ::ffff:192.0.2.2
	rejected "binding addresses must be unicast" M binding add id 8 role par coa ff02::1
	rejected "binding addresses must be unicast" M binding change id 7 ncoa ::1
}

t_limits() {
	x M limits set max-bindings 2 max-peers 2
	x M binding add id 8 role nar coa 2001:db8:9::1
	rejected "too many bindings" M binding add id 9 role nar coa 2001:db8:9::2
	rejected "too many bindings" M binding add role nar coa 2001:db8:9::2
	x M peer add $P2
	rejected "too many peers" M peer add 2001:db8::4
	x M peer del $P2
	x M binding del id 8
	x M limits set max-bindings 1000 max-peers 100
}

t_malformed() {
	need_tool "$NLRAW" || return
	# Sanity: the helper's well-formed request works.
	x R peer_new a_peer={ peer_a_addr=in6:$P2 } && x M peer del $P2
	raw_rejected $ERANGE "binary attribute size out of range" \
		peer_new a_peer={ peer_a_addr=hex:20010db8000000000000000000000004 peer_a_local=hex:20010db800000000000000000000 }
	raw_rejected $ERANGE "binary attribute size out of range" \
		peer_new a_peer={ peer_a_addr=hex:20010db80000000000000000000000 }
	raw_rejected $ERANGE "binary attribute size out of range" \
		binding_del a_binding={ binding_a_match=hex:20010db800010000000000000000001000 }
	raw_rejected $EINVAL "invalid attribute length" \
		limits_set a_limits={ limits_a_max_pkts=u16:5 }
	raw_rejected $EINVAL "invalid attribute length" \
		binding_new a_binding={ binding_a_id=u64:9 binding_a_role=u8:1 binding_a_coa=in6:2001:db8:9::1 }
	raw_rejected $EINVAL "Unknown attribute type" \
		peer_new a_peer={ peer_a_addr=in6:2001:db8::4 12=u32:1 }
	raw_rejected $EINVAL "Unknown attribute type" \
		binding_new a_binding={ binding_a_role=u8:1 binding_a_coa=in6:2001:db8:9::1 binding_a_limits={ 12=u32:1 } }
	raw_rejected $EINVAL "Unknown attribute type" stats_get 9=u32:1
	raw_rejected $EINVAL "NLA_F_NESTED is missing" \
		peer_new a_peer=nonest{ peer_a_addr=in6:2001:db8::4 }
	raw_rejected $EINVAL "NLA_F_NESTED is missing" \
		binding_new a_binding={ binding_a_role=u8:1 binding_a_coa=in6:2001:db8:9::1 binding_a_limits=nonest{ limits_a_max_pkts=u32:5 } }
	raw_rejected $EINVAL "Attribute failed policy validation" \
		peer_new a_peer={ peer_a_addr=in6:2001:db8::4 peer_a_name=fill:40 }
	raw_rejected $EINVAL "read-only" \
		peer_new a_peer={ peer_a_addr=in6:2001:db8::4 peer_a_bindings=u32:3 }
	raw_rejected $EINVAL "read-only" \
		binding_new a_binding={ binding_a_role=u8:1 binding_a_coa=in6:2001:db8:9::1 binding_a_stats=nonest{ } }
	raw_rejected $EINVAL "NLA_F_NESTED not expected" \
		peer_new a_peer={ peer_a_addr={ } }
	raw_rejected $EINVAL "not a per-binding limit" \
		binding_new a_binding={ binding_a_role=u8:1 binding_a_coa=in6:2001:db8:9::1 binding_a_limits={ limits_a_max_bindings=u32:5 } }
	# An attribute that does not belong to this command.
	raw_rejected $EINVAL "Unsupported attribute" limits_get a_peer={ peer_a_addr=in6:2001:db8::4 }
}

# Handoff states and their attributes; binding 7 is a pAR binding.
t_handoff() {
	x M binding add id 8 role nar coa 2001:db8:9::1 peer $P1
	x M binding add id 9 role ha hoa 2001:db8:9::2
	rejected "state not valid for the binding's role" M binding change id 7 state hold
	rejected "state not valid for the binding's role" M binding change id 7 state release
	rejected "state not valid for the binding's role" M binding change id 8 state forward
	rejected "state not valid for the binding's role" M binding change id 8 state bicast
	rejected "state not valid for the binding's role" M binding change id 9 state buffer
	rejected "end is only valid in forward or bicast" M binding change id 7 state end
	rejected "release is only valid in hold" M binding change id 8 state release
	rejected "linger is entered by the module" M binding change id 7 state linger
	rejected "no such peer for bicast" M binding change id 7 bicast 2001:db8::99
	rejected "a bicast peer is given twice" M binding change id 7 bicast $P1,$P1
	rejected "integer out of range" M binding change id 7 state 9
	rejected "integer out of range" M binding change id 7 rate 10000001
	rejected "integer out of range" M binding change id 7 linger 600001
	rejected "integer out of range" M binding change id 8 marker-wait 600001
	# A valid change in the same request does not slip through.
	rejected "end is only valid in forward or bicast" M binding change id 7 rate 5 state end
	raw_rejected $EINVAL "bicast must be a list of IPv6 addresses" \
		binding_set a_binding={ binding_a_id=u32:7 binding_a_bicast=fill:17 }
	raw_rejected $ERANGE "Attribute failed policy validation" \
		binding_set a_binding={ binding_a_id=u32:7 binding_a_bicast=fill:80 }
	raw_rejected $EINVAL "queue sizes are read-only" \
		binding_set a_binding={ binding_a_id=u32:7 binding_a_queued_pkts=u32:1 }
	# 22: MHO_BINDING_A_EFFECTIVE_LIMITS, the limits in force.
	raw_rejected $EINVAL "effective limits are read-only" \
		binding_set a_binding={ binding_a_id=u32:7 22=nonest{ limits_a_max_pkts=u32:5 } }
	# The home agent's cache.
	rejected "cache-ms is for home agent bindings only" M binding change id 7 cache-ms 100
	rejected "integer out of range" M binding change id 9 cache-ms 600001
	rejected "integer out of range" M limits set cache-ms 600001
	rejected "integer out of range" M limits set cache-pkts 0
	rejected "integer out of range" M limits set cache-pkts 1025
	rejected "integer out of range" M limits set cache-total 0
	raw_rejected $EINVAL "the cache size is read-only" \
		binding_set a_binding={ binding_a_id=u32:9 binding_a_cached_pkts=u32:1 }
	raw_rejected $EINVAL "set the binding's cache-ms instead" \
		binding_set a_binding={ binding_a_id=u32:9 binding_a_limits={ limits_a_cache_ms=u32:5 } }
	raw_rejected $EINVAL "not a per-binding limit" \
		binding_set a_binding={ binding_a_id=u32:9 binding_a_limits={ limits_a_cache_total=u32:5 } }
	# Nothing of a rejected request was applied.
	x M binding show id 9 && [[ $OUT != *cache-ms* ]] ||
		fail "a rejected request changed binding 9: $OUT"
	# Events are notifications only.
	_run "$NLRAW" event
	[ "$RC" = 1 ] && grep -qx "errno=$EOPNOTSUPP" <<<"$OUT" ||
		fail "MHO_CMD_EVENT as a request: $OUT"
	x M binding del id 8
	x M binding del id 9
}

# named WANT COMMAND...: rejected, and stderr is exactly WANT (one line).
named() {
	local want=$1
	shift
	rejected "" "$@" || return
	[ "$ERR" = "$want" ] || { _show_run "$@"; fail "expected stderr: $want"; }
}

# The rejection names the attribute by the keyword the user typed and the
# range or length its policy allows (the extended ACK's offset and policy).
t_range_named() {
	named 'Error: max-pkts: integer out of range (allowed 1..65536)' \
		M limits set max-pkts 0
	named 'Error: cache-pkts: integer out of range (allowed 1..1024)' \
		M limits set cache-pkts 1025
	named 'Error: cache-total: integer out of range (allowed 1..65536)' \
		M limits set max-peers 10 cache-total 65537
	named 'Error: max-pkts: integer out of range (allowed 0..65536)' \
		M binding add id 8 role par coa 2001:db8:9::1 max-pkts 99999999
	named 'Error: max-hold: integer out of range (allowed 0..600000)' \
		M binding change id 7 max-hold 4000000000
	named 'Error: linger: integer out of range (allowed 0..600000)' \
		M binding change id 7 linger 600001
	named 'Error: id: integer out of range (allowed 1..4294967295)' \
		M binding add id 0 role par coa 2001:db8:9::1
	named 'Error: role: integer out of range (allowed 1..3)' \
		M binding add id 8 role 9 coa 2001:db8:9::1
	named 'Error: name: Attribute failed policy validation (at most 31 characters)' \
		M peer add $P2 name 0123456789abcdef0123456789abcdef
}

# One prefix: the module's "mho: " is not repeated, and mhoctl's own
# refusals of a command line begin with "Error: " too.
t_prefix() {
	named 'Error: peer already exists' M peer add $P1
	named 'Error: no such binding' M binding del id 99
	_run M binding del
	[ "$RC" = 1 ] && [ -z "$OUT" ] &&
		[ "$ERR" = "Error: binding del: id or match is required" ] ||
		{ _show_run M binding del; fail "usage error"; }
	_run M limits set max-pkts x
	[ "$RC" = 1 ] && [ "$ERR" = 'Error: max-pkts: "x" is not a number' ] ||
		{ _show_run M limits set max-pkts x; fail "usage error"; }
	_run "$MHOCTL" -n /nonexistent/netns stats
	[ "$RC" = 1 ] && [[ $ERR == "Error: cannot open network namespace "* ]] ||
		{ _show_run "$MHOCTL" -n /nonexistent/netns stats; fail "netns error"; }
}

# -j: a failed command prints nothing on stdout and its error as one JSON
# object on stderr.
t_json_errors() {
	local before j
	before=$(state "$NS")
	_run M -j limits set cache-pkts 1025
	j='{"error":"cache-pkts: integer out of range (allowed 1..1024)","errno":34,"message":"integer out of range","attribute":"cache-pkts","min":1,"max":1024}'
	[ "$RC" = 1 ] && [ -z "$OUT" ] && [ "$ERR" = "$j" ] ||
		{ _show_run M -j limits set cache-pkts 1025; fail "range error in JSON"; }
	_run M -j peer add $P2 name 0123456789abcdef0123456789abcdef
	j='{"error":"name: Attribute failed policy validation (at most 31 characters)","errno":22,"message":"Attribute failed policy validation","attribute":"name","max_length":31}'
	[ "$RC" = 1 ] && [ -z "$OUT" ] && [ "$ERR" = "$j" ] ||
		{ _show_run M -j peer add $P2 name 0123456789abcdef0123456789abcdef; fail "length error in JSON"; }
	_run M -j peer show $P2
	[ "$RC" = 1 ] && [ -z "$OUT" ] &&
		[ "$ERR" = '{"error":"no such peer","errno":2,"message":"no such peer","attribute":"peer"}' ] ||
		{ _show_run M -j peer show $P2; fail "failed listing in JSON"; }
	_run M -j binding show id 99
	[ "$RC" = 1 ] && [ -z "$OUT" ] &&
		[ "$ERR" = '{"error":"no such binding","errno":2,"message":"no such binding","attribute":"id"}' ] ||
		{ _show_run M -j binding show id 99; fail "failed dump in JSON"; }
	_run M -j binding del
	[ "$RC" = 1 ] && [ -z "$OUT" ] &&
		[ "$ERR" = '{"error":"binding del: id or match is required"}' ] ||
		{ _show_run M -j binding del; fail "usage error in JSON"; }
	# A batch: each error says where, instead of "Command failed".
	printf '%s\n' "stats" "limits set cache-pkts 0" "bogus" >"$TMPD/bj"
	_run M -j -force -batch "$TMPD/bj"
	[ "$RC" = 1 ] && [[ $OUT == '{"bindings":'* ]] &&
		[ "$(sed -n 1p <<<"$ERR")" = '{"error":"cache-pkts: integer out of range (allowed 1..1024)","errno":34,"message":"integer out of range","attribute":"cache-pkts","min":1,"max":1024,"file":"'"$TMPD/bj"'","line":2}' ] &&
		[ "$(sed -n 2p <<<"$ERR")" = '{"error":"object \"bogus\" is unknown, try \"mhoctl help\"","file":"'"$TMPD/bj"'","line":3}' ] &&
		[ "$(wc -l <<<"$ERR")" = 2 ] ||
		{ _show_run M -j -force -batch "$TMPD/bj"; fail "batch errors in JSON"; }
	expect_eq "state after JSON errors" "$(state "$NS")" "$before"
}

# "mhoctl OBJECT help" prints the object's usage on stdout and succeeds,
# for every object.
t_help() {
	local obj
	for obj in peer binding limits stats monitor context help; do
		_run M $obj help
		[ "$RC" = 0 ] && [[ $OUT == "Usage: mhoctl "* ]] && [ -z "$ERR" ] ||
			{ _show_run M $obj help; fail "$obj help"; }
	done
}

# Under MHO_SUBSET (the debug kernel, 6.12) the cases about how mhoctl
# prints errors and help are left out (full_case): the kernel's
# rejections are the other cases'.
ktap_plan 13 3
run_case "objects to collide with" setup_objects
run_case "missing required attributes" t_missing
run_case "values out of range" t_range
run_case "duplicates" t_duplicate
run_case "objects that do not exist" t_missing_object
run_case "role change, peer in use, addresses no tunnel can use" t_semantic
run_case "max-bindings and max-peers" t_limits
run_case "malformed requests (mho_nlraw)" t_malformed
run_case "handoff states and attributes" t_handoff
run_case "range rejections name the attribute and the range" t_range_named
full_case "one \"Error: \" prefix" t_prefix
full_case "-j errors are one JSON object on stderr" t_json_errors
full_case "help on every object" t_help
ktap_finish
