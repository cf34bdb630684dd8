# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Reading XFRM's SAD and SPD in a netns, for the IPsec tests (77-context,
# 78-swan, 90-ike). Source it after lib.sh:
#
#   . "$(dirname "$0")/../xfrm.sh"
#
# The SAs named here are ESP SAs, by destination and SPI.
#
#   sa_show NS DST SPI        ip -s xfrm state get for that SA
#   sa_spi NS DST             the SPI (0x%08x) of NS's ESP SA to DST
#   sa_ctr NS DST SPI seq|oseq
#                             the SA's 64-bit counter, from the
#                             "anti-replay" line(s), in decimal
#   sa_pkts NS DST SPI        the packets the SA has counted
#   sa_errors NS DST SPI      "replay-window N replay N failed N"
#   sa_keys NS DST SPI        its algorithm lines (names and keys)
#   esp_states NS             NS's ESP SAs, "SRC DST MODE AEAD" a line
#   n_states NS               how many SAs NS has
#   n_policies NS             how many in, out and fwd policies NS has
#                             (not the per-socket ones an IKE daemon
#                             sets on its sockets: "socket in/out")
#   xfrm_errors NS            the non-zero lines of NS's
#                             /proc/net/xfrm_stat (every counter there
#                             counts an error: replay, integrity, ...)
#   sa_reqid NS DST SPI       the SA's reqid
#   pol_reqid NS SRC DST DIR  the reqid of the policy's (one) template
#   pol_set_reqid NS SRC DST DIR REQID
#                             replace the policy (ip xfrm policy update)
#                             by the same with its template's reqid
#                             REQID (0: any SA that fits the template)

sa_show() {
	ipn "$1" -s xfrm state get dst "$2" proto esp spi "$3"
}

sa_spi() {
	ipn "$1" xfrm state list dst "$2" proto esp |
		sed -n 's/.*proto esp spi \(0x[0-9a-f]*\) .*/\1/p'
}

# seq-hi/oseq-hi are joined in with ESN.
sa_ctr() {
	local s lo hi
	# The anti-replay line(s), not "replay-window N seq 0x0" before.
	s=$(sa_show "$1" "$2" "$3" | grep oseq) || return 1
	lo=$(sed -n "s/.*[ :]$4 0x\([0-9a-f]*\).*/\1/p" <<<"$s" | head -n1)
	hi=$(sed -n "s/.*[ :]$4-hi 0x\([0-9a-f]*\).*/\1/p" <<<"$s" | head -n1)
	[ -n "$lo" ] || return 1
	echo $(( (0x${hi:-0} << 32) + 0x$lo ))
}

sa_pkts() {
	sa_show "$1" "$2" "$3" |
		sed -n 's/.*(bytes), \([0-9]*\)(packets).*/\1/p' | head -n 1
}

sa_errors() {
	sa_show "$1" "$2" "$3" |
		sed -n 's/^[[:space:]]*\(replay-window [0-9]* replay [0-9]* failed [0-9]*\).*/\1/p'
}

sa_keys() {
	sa_show "$1" "$2" "$3" |
		sed -n 's/^[[:space:]]*\(aead\|enc\|auth-trunc\) /\1 /p'
}

esp_states() {
	ipn "$1" xfrm state | awk '
		/^src / { src = $2; dst = $4 }
		/proto esp/ { mode = $0; sub(/.*mode /, "", mode); sub(/ .*/, "", mode) }
		/aead / { print src, dst, mode, $2 }'
}

n_states() {
	ipn "$1" xfrm state list | grep -c '^src'
}

n_policies() {
	ipn "$1" xfrm policy list | grep -cE '^[[:space:]]+dir (in|out|fwd) '
}

xfrm_errors() {
	nsx "$1" cat /proc/net/xfrm_stat | awk '$2 != 0'
}

sa_reqid() {
	ipn "$1" xfrm state get dst "$2" proto esp spi "$3" |
		sed -n 's/.* reqid \([0-9]*\) .*/\1/p' | head -n 1
}

_pol_get() {
	ipn "$1" xfrm policy get src "$2" dst "$3" dir "$4"
}

pol_reqid() {
	_pol_get "$@" | sed -n 's/.* reqid \([0-9]*\) .*/\1/p'
}

# The policy's priority and its template's addresses, protocol and mode
# are kept; a policy of another shape (several templates, a mark, an
# interface) is not what the tests install, and is refused.
pol_set_reqid() {
	local p prio tsrc tdst proto mode
	p=$(_pol_get "$1" "$2" "$3" "$4") || return 1
	if [ "$(grep -c '^[[:space:]]*tmpl ' <<<"$p")" != 1 ] ||
	   grep -qE 'mark|if_id|dev ' <<<"$p"; then
		echo "pol_set_reqid: not a one-template policy: $p" >&2
		return 1
	fi
	prio=$(sed -n 's/.* priority \([0-9]*\) .*/\1/p' <<<"$p")
	tsrc=$(sed -n 's/^[[:space:]]*tmpl src \([^ ]*\) dst .*/\1/p' <<<"$p")
	tdst=$(sed -n 's/^[[:space:]]*tmpl src [^ ]* dst \([^ ]*\).*/\1/p' <<<"$p")
	proto=$(sed -n 's/^[[:space:]]*proto \([a-z]*\) .*/\1/p' <<<"$p")
	mode=$(sed -n 's/.* mode \([a-z]*\).*/\1/p' <<<"$p")
	ipn "$1" xfrm policy update src "$2" dst "$3" dir "$4" priority "$prio" \
		tmpl src "$tsrc" dst "$tdst" proto "$proto" reqid "$5" mode "$mode"
}
