#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mho_rehome, the tool of make bench's benchmark 7 (issue #4): what it
# sets up is accepted by XFRM, and both ways of moving the IPsec contexts
# of N mobile nodes from one router (netns) to another move them whole:
# in the new netns every SA with the new addresses, the same keys and the
# same replay state (for mho, the outbound sequence numbers plus the
# import's margin, inbound SAs included), every policy with the new template, and nothing left
# in the old netns (mho_rehome verify checks all of it; after the
# SA-only recipe, that the policies all stayed behind).
#
#   a) the XFRM recipe (GETSA, GETAE, DELSA, NEWSA), ESN and AES-GCM
#   b) the recipe with policies, without ESN, AES-CBC + HMAC-SHA-256, a
#      mark and "any" selectors
#   c) mho's CTX_EXPORT / CTX_IMPORT, and make bench's guest side for
#      benchmark 7 with tiny settings (with its IKEv2 exchanges: charon
#      and its openssl plugin in the guest)
. "$(dirname "$0")/../lib.sh"

REHOME=$MHO_SELFTESTS/tools/mho_rehome
N=${MHO_REHOME_TEST_N:-50}
A=mho-test-$$-a
B=mho-test-$$-b

mho_setup
# modprobe succeeds for what is built in, too.
for m in xfrm_user esp6 gcm authenc echainiv; do
	modprobe -q "$m" || skip_all "kernel module $m is not available"
done

fresh() {
	ns_del_existing "$A" "$B"
	ns_add "$A" "$B"
}

# moved ARGS...: setup, the move (MODE in $1), verify; ARGS for all three.
moved() {
	local mode=$1 margin=0
	shift
	fresh || { fail "namespaces"; return 1; }
	x "$REHOME" setup --from "$A" --to "$B" -n "$N" "$@" || return 1
	expect_eq "SAs after setup" "$(ip -n "$A" xfrm state | grep -c '^src ')" $((2 * N)) || return 1
	expect_eq "policies after setup" "$(ip -n "$A" xfrm policy | grep -c '^src ')" $((2 * N)) || return 1
	[ "$mode" != module ] || margin=4096	# MHO_CTX_SEQ_MARGIN
	_run "$REHOME" "$mode" --from "$A" --to "$B" -n "$N" "$@"
	if [ "$RC" != 0 ]; then
		fail "mho_rehome $mode: $ERR"
		return 1
	fi
	[[ $OUT == "{\"mode\":\"$mode"*"\"n\":$N,\"sas\":$((2 * N)),"*"\"ns_per_context\":"* ]] ||
		fail "mho_rehome $mode printed: $OUT"
	x "$REHOME" verify --from "$A" --to "$B" -n "$N" --seq-margin $margin "$@" ||
		return 1
	expect_eq "SAs left in A" "$(ip -n "$A" xfrm state | grep -c '^src ')" 0
}

t_recipe() {
	need_tool "$REHOME" || return
	# The policies stay in A (verify checks that, too).
	moved recipe --sas-only || return
	# One SA as ip shows it: the new addresses and the replay state.
	x ip -n "$B" xfrm state get src 2001:db8:b::1 dst 2001:db8:bb::1 \
		proto esp spi 0x10000000 || return
	[[ $OUT == *"seq-hi 0x1, seq 0x1000"* ]] ||
		fail "replay state of MN 0's inbound SA: $OUT"
}

t_recipe_policies() {
	need_tool "$REHOME" || return
	moved recipe --policies --no-bindings --no-esn --cbc --mark 0x42 --any
}

t_module() {
	local res=$TMPD/bench
	need_tool "$REHOME" || return
	moved module || return
	MHO_BENCH_ROUNDS=1 MHO_BENCH_REHOME_N="1 20" MHO_BENCH_ONLY=7 \
		MHO_BENCH_SETTLE=5 \
		bash "$MHO_SELFTESTS/../bench/guest.sh" "$res" >"$TMPD/out" 2>&1 ||
		{ fail "guest.sh failed: $(tail -n 20 "$TMPD/out")"; return; }
	grep -q '{"bench":7,' "$res/results.json" ||
		fail "no benchmark 7 in results.json: $(cat "$res/results.json")"
	# 3 rows per N, and one per IKEv2 group (x25519, ecp256, modp2048):
	# a fresh exchange against a re-home, with both ratios.
	expect_eq "rows of benchmark 7" "$(grep -c '^| 7 | ' "$res/results.md")" 9
	expect_eq "IKEv2 rows with both ratios" \
		"$(grep -cE '^\| 7 \| a fresh IKEv2 exchange \((x25519|ecp256|modp2048),.* \| [0-9.]+ \([0-9.]+\) \| >= 100 \|$' "$res/results.md")" 3
	grep -q '"name":"IKEv2 exchange against re-homing"' "$res/results.json" ||
		fail "no IKEv2 figures in results.json: $(cat "$res/results.json")"
	! grep -Eq '":(,|}|\])' "$res/results.json" ||
		fail "a figure is missing: $(cat "$res/results.json")"
	expect_eq "namespaces left" "$(ip netns list | grep -c mho-bench)" 0
}

ktap_plan 3
run_case "the XFRM recipe moves N contexts whole (ESN, AES-GCM)" t_recipe
run_case "the recipe with policies (no ESN, AES-CBC, a mark, any selectors)" t_recipe_policies
run_case "mho's export and import move N contexts whole; make bench's benchmark 7 reports, IKEv2 too" t_module
ktap_finish
