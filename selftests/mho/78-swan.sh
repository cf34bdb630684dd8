#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# SAs negotiated by a real strongSwan (Debian's charon and swanctl:
# selftests/swan.sh) between the mobile node and its previous access
# router, re-homed to the next access router with mho's context commands
# (Documentation/context.rst) without a new negotiation. Each node in its
# own netns, in the topology of selftests/rehome.sh.
#
# charon runs on the MN and on the pAR only (never on the nAR): IKEv2
# with a PSK between CoA1 and the pAR, one tunnel-mode CHILD_SA with
# AES-GCM for 2001:db8:ff::10 (the MN's inner address, its binding's
# HOA) <=> 2001:db8:c::/64, which the MN initiates. No DPD, no MOBIKE,
# rekeying only after 24 h: nothing but the test makes IKE traffic.
# charon installs no routes; the test routes the inner traffic itself.
#
#   a) both charons start and load their configuration
#   b) the IKE_SA and the CHILD_SA come up: two ESP tunnel-mode states
#      (rfc4106(gcm(aes))) in each of the MN's and the pAR's netns, with
#      the SPIs swanctl reports
#   c) before: the CN and the MN's inner address ping each other through
#      them, via the pAR (the pAR's SA counters grow)
#   d) the re-home, as in 77-context: the nAR holds; the pAR exports the
#      context and deletes it (2 SAs, 3 policies: charon's out, in and
#      fwd); the MN's link moves to the nAR (CoA2) and "context move"
#      takes its own SAs and policies along; the pAR forwards and ends;
#      the CN's route goes to the nAR; the nAR imports (reactive,
#      new-ar, new-coa) and releases
#   e) after: the pings go through the nAR: its SAs count exactly what
#      was sent, on top of the pAR's counters plus the margin, the MN's
#      match them; the pAR has no SA or policy left; no SA counts a
#      replay, window or integrity failure, and /proc/net/xfrm_stat is
#      all zero in the nAR's and the MN's netns
#   f) the nAR's SAs have the SPIs and keys charon negotiated at the pAR
#   g) 3 s later, and after another ping each way: no IKE_SA_INIT,
#      CREATE_CHILD_SA or INFORMATIONAL with a Delete in either charon's
#      log since the re-home (one IKE_SA_INIT before it, nothing else);
#      no XFRM event from the kernel to either charon since (mho never
#      calls xfrm_migrate(), so there is no XFRM_MSG_MIGRATE, on which
#      charon would act when it carries an XFRMA_KMADDRESS; nor an
#      acquire or expire); no error, retransmit or timeout logged since;
#      both charons still run
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../swan.sh"
. "$(dirname "$0")/../xfrm.sh"
. "$(dirname "$0")/../rehome.sh"

# Deterministic IKE, and no DPD (dpd_delay 0 is the default, said anyway).
# shellcheck disable=SC2034 # read by swan_conf
SWAN_CONN_EXTRA="$SW_CONN_STATIC
dpd_delay = 0"
# shellcheck disable=SC2034 # read by swan_conf
SWAN_CHILD_EXTRA=$SW_CHILD_STATIC

mho_setup
swan_check || exit $KSFT_FAIL
sw_modules || exit $KSFT_FAIL

# ---- cases -----------------------------------------------------------------------

# negotiations: "MN: ... pAR: ...", the exchanges in each charon's log.
negotiations() {
	echo "MN: $(swan_negotiations "$MN_DIR") pAR: $(swan_negotiations "$PAR_DIR")"
}

sw_topology || { echo "topology setup failed"; exit $KSFT_FAIL; }
sw_warm "$SW_CN" || { echo "cannot add an AES-GCM SA"; exit $KSFT_FAIL; }
sw_bindings || { echo "mho setup failed: $OUT $ERR"; exit $KSFT_FAIL; }
MN_DIR=$(swan_dir mn)
PAR_DIR=$(swan_dir par)

t_start() {
	local ns dir
	sw_ike "$MN_DIR" "$PAR_DIR" $COA1 $PAR_A || { fail "swanctl.conf"; return; }
	for ns in "$SW_MN" "$SW_PAR"; do
		[ "$ns" = "$SW_MN" ] && dir=$MN_DIR || dir=$PAR_DIR
		x swan_start "$ns" "$dir" || return
		x swan_load "$ns" "$dir" || return
	done
}

# Set by t_up: the SPIs charon reports at the pAR (in: to the pAR, out:
# to the MN). Set by t_before: the pAR's keys and counters, the MN's.
PAR_SPI_IN='' PAR_SPI_OUT='' KEYS_IN='' KEYS_OUT='' D0='' U0=''

t_up() {
	local ns want
	x swan_initiate "$SW_MN" "$MN_DIR" $CHILD || {
		diag "MN's log:"$'\n'"$(tail -n 30 "$MN_DIR/charon.log")"
		diag "pAR's log:"$'\n'"$(tail -n 30 "$PAR_DIR/charon.log")"
		return
	}
	want=$(esp_pair $COA1 $PAR_A)
	for ns in "$SW_MN" "$SW_PAR"; do
		expect_eq "ESP states in $ns" "$(esp_states "$ns" | sort)" "$want" ||
			diag "$(ip -n "$ns" xfrm state)"
	done
	x swan_swanctl "$SW_MN" "$MN_DIR" --list-sas || return
	if ! grep -q "ESTABLISHED" <<<"$OUT" ||
	   ! grep -q "$CHILD: .*INSTALLED, TUNNEL" <<<"$OUT"; then
		fail "swanctl --list-sas: $OUT"
	fi
	PAR_SPI_IN=$(swan_spi "$SW_PAR" "$PAR_DIR" in)
	PAR_SPI_OUT=$(swan_spi "$SW_PAR" "$PAR_DIR" out)
	[ -n "$PAR_SPI_IN" ] && [ -n "$PAR_SPI_OUT" ] ||
		fail "no SPIs in the pAR's swanctl --list-sas: $(cat "$TMPD/list-sas")"
	expect_eq "the pAR's inbound SPI (kernel, charon)" "$(sa_spi "$SW_PAR" $PAR_A)" "$PAR_SPI_IN"
	expect_eq "the pAR's outbound SPI (kernel, charon)" "$(sa_spi "$SW_PAR" $COA1)" "$PAR_SPI_OUT"
	expect_eq "the MN's outbound SPI" "$(sa_spi "$SW_MN" $PAR_A)" "$PAR_SPI_IN"
	expect_eq "the MN's inbound SPI" "$(sa_spi "$SW_MN" $COA1)" "$PAR_SPI_OUT"
	diag "charon's SPIs at the pAR: in $PAR_SPI_IN out $PAR_SPI_OUT"
}

t_before() {
	local in0 out0
	[ -n "$PAR_SPI_IN" ] || { fail "no SAs"; return; }
	in0=$(sa_pkts "$SW_PAR" $PAR_A "$PAR_SPI_IN")
	out0=$(sa_pkts "$SW_PAR" $COA1 "$PAR_SPI_OUT")
	pings 2 2 || return
	# Two echo requests and two replies each way through the pAR's SAs.
	expect_eq "the pAR's inbound SA's packets" "$(sa_pkts "$SW_PAR" $PAR_A "$PAR_SPI_IN")" $((in0 + 4))
	expect_eq "the pAR's outbound SA's packets" "$(sa_pkts "$SW_PAR" $COA1 "$PAR_SPI_OUT")" $((out0 + 4))
	expect_eq "SAs on the nAR" "$(n_states "$SW_NAR")" 0
	KEYS_IN=$(sa_keys "$SW_PAR" $PAR_A "$PAR_SPI_IN")
	KEYS_OUT=$(sa_keys "$SW_PAR" $COA1 "$PAR_SPI_OUT")
	D0=$(sa_ctr "$SW_PAR" $COA1 "$PAR_SPI_OUT" oseq)
	U0=$(sa_ctr "$SW_MN" $PAR_A "$PAR_SPI_IN" oseq)
	[ -n "$KEYS_IN" ] && [ -n "$KEYS_OUT" ] || fail "no keys shown by ip xfrm at the pAR"
	[ -n "$D0" ] && [ -n "$U0" ] || fail "no counters shown by ip xfrm"
}

# Where the charons' logs ended when the re-home began.
MN_MARK=0 PAR_MARK=0 NEG0=''

t_rehome() {
	[ -n "$D0" ] || { fail "no SAs"; return; }
	MN_MARK=$(swan_log_mark "$MN_DIR")
	PAR_MARK=$(swan_log_mark "$PAR_DIR")
	NEG0=$(negotiations)
	diag "before the re-home: $NEG0"

	sw_export || return
	expect_eq "the pAR's binding" "$(sw_state "$SW_PAR")" buffer
	expect_eq "SAs left on the pAR" "$(n_states "$SW_PAR")" 0
	expect_eq "policies left on the pAR" "$(n_policies "$SW_PAR")" 0
	sw_move && sw_import || return
	expect_eq "ESP states in the nAR's netns" "$(esp_states "$SW_NAR" | sort)" \
		"$(esp_pair $COA2 $NAR_A)"
	expect_eq "ESP states in the MN's netns" "$(esp_states "$SW_MN" | sort)" \
		"$(esp_pair $COA2 $NAR_A)"
	expect_eq "policies on the nAR" "$(n_policies "$SW_NAR")" 3
	expect_eq "policies on the MN" "$(n_policies "$SW_MN")" 3
	diag "bindings: pAR $(sw_state "$SW_PAR"), nAR $(sw_state "$SW_NAR")"
}

t_after() {
	local e="replay-window 0 replay 0 failed 0" ns
	[ -n "$NEG0" ] || { fail "no re-home"; return; }
	# Three requests from the CN, two from the MN: five packets each way.
	pings 3 2
	expect_eq "the nAR's outbound oseq" "$(sa_ctr "$SW_NAR" $COA2 "$PAR_SPI_OUT" oseq)" \
		$((D0 + MARGIN + 5))
	expect_eq "the MN's inbound seq" "$(sa_ctr "$SW_MN" $COA2 "$PAR_SPI_OUT" seq)" \
		$((D0 + MARGIN + 5))
	expect_eq "the MN's outbound oseq" "$(sa_ctr "$SW_MN" $NAR_A "$PAR_SPI_IN" oseq)" \
		$((U0 + MARGIN + 5))
	expect_eq "the nAR's inbound seq" "$(sa_ctr "$SW_NAR" $NAR_A "$PAR_SPI_IN" seq)" \
		$((U0 + MARGIN + 5))
	expect_eq "the nAR's outbound SA errors" "$(sa_errors "$SW_NAR" $COA2 "$PAR_SPI_OUT")" "$e"
	expect_eq "the nAR's inbound SA errors" "$(sa_errors "$SW_NAR" $NAR_A "$PAR_SPI_IN")" "$e"
	expect_eq "the MN's inbound SA errors" "$(sa_errors "$SW_MN" $COA2 "$PAR_SPI_OUT")" "$e"
	expect_eq "the MN's outbound SA errors" "$(sa_errors "$SW_MN" $NAR_A "$PAR_SPI_IN")" "$e"
	for ns in "$SW_NAR" "$SW_MN"; do
		expect_eq "non-zero lines of /proc/net/xfrm_stat in $ns" "$(xfrm_errors "$ns")" ""
	done
	expect_eq "SAs on the pAR" "$(n_states "$SW_PAR")" 0
	expect_eq "policies on the pAR" "$(n_policies "$SW_PAR")" 0
	diag "the nAR's SAs:"$'\n'"$(ip -n "$SW_NAR" -s xfrm state | grep -E '^src|oseq')"
}

t_keys() {
	[ -n "$KEYS_IN" ] || { fail "no keys from the pAR"; return; }
	expect_eq "the nAR's SPI from the MN" "$(sa_spi "$SW_NAR" $NAR_A)" "$PAR_SPI_IN"
	expect_eq "the nAR's SPI to the MN" "$(sa_spi "$SW_NAR" $COA2)" "$PAR_SPI_OUT"
	expect_eq "the nAR's inbound keys" "$(sa_keys "$SW_NAR" $NAR_A "$PAR_SPI_IN")" "$KEYS_IN"
	expect_eq "the nAR's outbound keys" "$(sa_keys "$SW_NAR" $COA2 "$PAR_SPI_OUT")" "$KEYS_OUT"
	expect_eq "the MN's outbound keys" "$(sa_keys "$SW_MN" $NAR_A "$PAR_SPI_IN")" "$KEYS_IN"
	expect_eq "the MN's inbound keys" "$(sa_keys "$SW_MN" $COA2 "$PAR_SPI_OUT")" "$KEYS_OUT"
}

t_quiet() {
	local dir name mark
	[ -n "$NEG0" ] || { fail "no re-home"; return; }
	expect_eq "exchanges before the re-home" "$NEG0" \
		"MN: init 1 child 0 delete 0 pAR: init 1 child 0 delete 0"
	sleep 3
	pings 1 1
	expect_eq "exchanges 3 s after the re-home" "$(negotiations)" "$NEG0"
	for dir in "$MN_DIR" "$PAR_DIR"; do
		if [ "$dir" = "$MN_DIR" ]; then
			name=MN mark=$MN_MARK
		else
			name=pAR mark=$PAR_MARK
		fi
		expect_eq "XFRM events to the $name's charon since the re-home" \
			"$(swan_kernel_events "$dir" "$mark")" ""
		expect_eq "errors in the $name's charon log since the re-home" \
			"$(swan_errors "$dir" "$mark")" ""
		swan_running "$dir" || fail "the $name's charon is gone"
	done
	swan_stop "$SW_MN" "$MN_DIR"
	swan_stop "$SW_PAR" "$PAR_DIR"
}

ktap_plan 7
run_case "charon starts in the MN's and the pAR's netns" t_start
run_case "IKEv2 up, ESP tunnel-mode AES-GCM SAs with charon's SPIs" t_up
run_case "before: CN <-> MN inner address through charon's SAs via the pAR" t_before
run_case "re-home: pAR export (delete), MN move, nAR import (reactive)" t_rehome
run_case "after: CN <-> MN via the nAR, counters continue, no errors" t_after
run_case "the nAR's SPIs and keys are those charon negotiated at the pAR" t_keys
run_case "no new IKE exchange, kernel event or error in either charon's log" t_quiet
diag "78-swan took ${SECONDS} s"
ktap_finish
