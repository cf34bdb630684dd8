#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The family driven by the kernel's YNL tool from its YAML spec alone
# (Documentation/netlink/specs/mho.yaml): requests (do), dumps and the
# events group, each checked against what mhoctl, which does not use the
# spec, reads or made; and the kernel's range checks as the spec states
# them. In the VM the tool and the spec are in /usr/share/mho
# (selftests/vm/mkinitramfs.sh); elsewhere, in the repo.
. "$(dirname "$0")/../lib.sh"

YNL_ROOT=${MHO_YNL_ROOT:-/usr/share/mho}
[ -f "$YNL_ROOT/tools/net/ynl/pyynl/cli.py" ] || YNL_ROOT=$MHO_SELFTESTS/..
YNL_CLI=$YNL_ROOT/tools/net/ynl/pyynl/cli.py
SPEC=$YNL_ROOT/Documentation/netlink/specs/mho.yaml

mho_setup
command -v python3 >/dev/null || { echo "python3 not found"; exit $KSFT_FAIL; }

M() { "$MHOCTL" -n "$NS" "$@"; }
# The schema check is make lint's (it needs jsonschema); the guest's
# python3 has only what YNL loads. -u: the notifications go to a file.
YNL() {
	ip netns exec "$NS" python3 -u "$YNL_CLI" --spec "$SPEC" --no-schema \
		--output-json "$@"
}
# jq-less JSON checks: JSONQ EXPR: EXPR (Python) over the JSON in $OUT, d.
JSONQ() {
	python3 -c 'import json, sys; d = json.loads(sys.argv[2]); print(eval(sys.argv[1]))' \
		"$1" "$OUT"
}

P1=2001:db8::2
P2=2001:db8::3
L1=2001:db8::1
HOA=2001:db8:1::10
COA=2001:db8:2::10

t_peer_do() {
	fresh_ns
	xout "null" YNL --do peer-new --json "{\"peer\": {\"addr\": \"$P1\", \"name\": \"nar1\", \"local\": \"$L1\"}}"
	xout "peer $P1 name nar1 local $L1 bindings 0" M peer show
	xout "{\"peer\": {\"addr\": \"$P1\", \"name\": \"nar1\", \"local\": \"$L1\", \"bindings\": 0}}" \
		YNL --do peer-get --json "{\"peer\": {\"addr\": \"$P1\"}}"
	xout "null" YNL --do peer-set --json "{\"peer\": {\"addr\": \"$P1\", \"name\": \"par1\"}}"
	xout "peer $P1 name par1 local $L1 bindings 0" M peer show
	# In the spec, peer-del's request is the key alone: YNL builds no
	# other (what the kernel accepts is t_policy's).
	_run YNL --do peer-del --json "{\"peer\": {\"addr\": \"$P1\", \"name\": \"par1\"}}"
	[ "$RC" = 1 ] && [[ $ERR == *"Space 'peer-key' has no attribute 'name'"* ]] ||
		{ _show_run peer-del with a name; fail "peer-del took a name"; }
	xout "null" YNL --do peer-del --json "{\"peer\": {\"addr\": \"$P1\"}}"
	xout "" M peer show
}

t_limits_do() {
	fresh_ns
	xout "null" YNL --do limits-set --json '{"limits": {"max-peers": 100, "cache-ms": 0, "total-bytes": 4294967295}}'
	x M -j limits show &&
		[[ $OUT == *'"max_peers":100,'* && $OUT == *'"cache_ms":0,'* &&
		   $OUT == *'"total_bytes":4294967295,'* ]] || fail "mhoctl reads: $OUT"
	xout '{"limits": {"max-pkts": 1024, "max-bytes": 1048576, "max-hold-ms": 2000, "max-bindings": 262144, "max-peers": 100, "total-pkts": 65536, "total-bytes": 4294967295, "cache-ms": 0, "cache-pkts": 16, "cache-total": 4096}}' \
		YNL --do limits-get
	x M peer add $P1
	x YNL --do stats-get &&
		expect_eq "stats-get" "$(JSONQ '(d["stats"]["peers"], d["stats"]["bindings"], d["stats"]["rx-pkts"])')" "(1, 0, 0)"
}

# The running module's policies are what the spec says (the policy
# dump), and its bounds hold at both ends (the kernel names the attribute
# it refuses; YNL finds its name in the spec): selftests/ynl_check.py, in
# one python3.
t_policy() {
	fresh_ns
	xout "" ip netns exec "$NS" python3 "$MHO_SELFTESTS/ynl_check.py" "$YNL_ROOT" policy
}

t_bounds() {
	fresh_ns
	xout "" ip netns exec "$NS" python3 "$MHO_SELFTESTS/ynl_check.py" "$YNL_ROOT" bounds
	xout "" M binding show
}

t_dump() {
	fresh_ns
	x M peer add $P1
	x M peer add $P2 name p2
	x M binding add id 7 role par hoa $HOA coa $COA peer $P1
	x M binding add id 9 role nar coa 2001:db8:3::10 peer $P2 max-pkts 5
	x YNL --dump peer-get &&
		expect_eq "peer dump" "$(JSONQ '[(p["peer"]["addr"], p["peer"].get("name"), p["peer"]["bindings"]) for p in d]')" \
			"[('$P1', None, 1), ('$P2', 'p2', 1)]"
	x YNL --dump binding-get &&
		expect_eq "binding dump" "$(JSONQ '[(b["binding"]["id"], b["binding"]["role"], b["binding"]["state"], b["binding"]["peer"], b["binding"]["limits"]["max-pkts"], b["binding"]["stats"]["rx-pkts"]) for b in d]')" \
			"[(7, 'par', 'idle', '$P1', 0, 0), (9, 'nar', 'idle', '$P2', 5, 0)]"
	x YNL --do binding-get --json '{"binding": {"id": 9}}' &&
		expect_eq "binding-get 9" "$(JSONQ '(d["binding"]["id"], d["binding"]["coa"])')" "(9, '2001:db8:3::10')"
	# binding-new replies with the binding it made, the kernel's id.
	x YNL --do binding-new --json "{\"binding\": {\"role\": \"nar\", \"coa\": \"2001:db8:4::10\", \"peer\": \"$P1\"}}" &&
		expect_eq "binding-new's reply" "$(JSONQ '(d["binding"]["id"] not in (7, 9), d["binding"]["role"])')" "(True, 'nar')"
	x M binding show
	expect_eq "bindings" "$(wc -l <<<"$OUT")" 3
}

# ynl_sync FILE: wait until the YNL subscriber writing FILE has joined the
# events group (a limits-set it reports), then empty FILE.
ynl_sync() {
	local v
	for v in 201 202 203 204 205 206 207 208 209 210; do
		M limits set max-peers $v || return 1
		wait_for 3 grep -q "\"max-peers\": $v," "$1" && break
	done
	grep -q "\"max-peers\": $v," "$1" || { fail "the subscriber never joined"; return 1; }
	: >"$1"
}

t_notify() {
	fresh_ns
	local f=$TMPD/ntf pid
	YNL --subscribe events --duration 120 >>"$f" 2>"$TMPD/ntf.err" &
	pid=$!
	bg_add $pid
	ynl_sync "$f" || return 1
	x YNL --do peer-new --json "{\"peer\": {\"addr\": \"$P1\"}}"
	x YNL --do binding-new --json "{\"binding\": {\"id\": 5, \"role\": \"par\", \"coa\": \"$COA\", \"peer\": \"$P1\", \"limits\": {\"max-hold-ms\": 300}}}"
	# A hold nobody claims expires: an event the module sends by itself.
	x M binding change id 5 state buffer
	wait_for 10 grep -q '"name": "event"' "$f" || fail "no event"
	x M binding del id 5
	x M peer del $P1
	wait_for 10 grep -q '"name": "peer-del-ntf"' "$f" || fail "no peer-del-ntf"
	bg_kill $pid
	OUT=$(python3 -c '
import json, sys
for line in open(sys.argv[1]):
    n = json.loads(line)
    m = n["msg"]
    if "peer" in m:
        print(n["name"], m["peer"]["addr"])
    elif "binding" in m:
        b = m["binding"]
        print(n["name"], b["id"], b["role"], b["state"], b["limits"]["max-hold-ms"])
    else:
        e = m["event"]
        print(n["name"], e["type"], e["binding"], e["state"], e.get("dropped"))
' "$f") || fail "cannot read the notifications: $(cat "$f" "$TMPD/ntf.err")"
	expect_eq "notifications" "$OUT" "peer-new-ntf $P1
binding-new-ntf 5 par idle 300
binding-set-ntf 5 par buffer 300
event expired 5 idle 0
binding-del-ntf 5 par idle 300
peer-del-ntf $P1"
}

# The debug kernel and 6.12 (MHO_SUBSET) run the cases with a kernel path
# of their own, the policy dump and the range checks; the others take the
# paths mhoctl's tests take (selftests/vm/matrix.sh).
if [ "${MHO_SUBSET:-}" = 1 ]; then
	ktap_plan 3
else
	ktap_plan 7
	run_case "do: peer-new/get/set/del through YNL" t_peer_do
	run_case "do: limits-set/get, stats-get through YNL" t_limits_do
fi
run_case "every command's policy is the spec's" t_policy
run_case "the bounds of limits and bindings are the spec's" t_bounds
if [ "${MHO_SUBSET:-}" != 1 ]; then
	run_case "dump: peers and bindings through YNL; binding-new's reply" t_dump
	run_case "notifications of the events group through YNL" t_notify
fi
check "mho unloads" rmmod mho
ktap_finish
