#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The bash completion, in a bash without the bash-completion package:
# "complete -p mhoctl" after sourcing it, and what it offers.
#   test.sh [mhoctl.bash]
set -u
. "${1:-$(dirname "$0")/mhoctl.bash}" || exit 1
failed=0

[ "$(complete -p mhoctl)" = "complete -F _mhoctl mhoctl" ] ||
	{ echo "complete -p mhoctl: $(complete -p mhoctl 2>&1)"; failed=1; }

# offers "WORDS OF THE LINE" "EXPECTED": complete the last word.
offers() {
	local got
	read -ra COMP_WORDS <<<"$1"
	[[ $1 == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_mhoctl
	got=${COMPREPLY[*]}
	if [ "$got" != "$2" ]; then
		echo "\"$1\": got \"$got\", expected \"$2\""
		failed=1
	fi
}

offers "mhoctl " "peer binding limits stats monitor context showconf setconf help"
offers "mhoctl sh" "showconf"
offers "mhoctl showconf " "help"
offers "mhoctl setconf /etc/hostn" "/etc/hostname"
offers "mhoctl li" "limits"
offers "mhoctl -j -p" "-pretty"
offers "mhoctl -n ns1 bi" "binding"
offers "mhoctl -j -batch f st" "stats"
offers "mhoctl stats " "show help"
offers "mhoctl monitor " "all peer binding limits event id match type -t help"
offers "mhoctl monitor all " "all peer binding limits event id match type -t"
offers "mhoctl monitor -t binding e" "event"
offers "mhoctl monitor id " ""
offers "mhoctl monitor type ma" "marker marker-lost"
offers "mhoctl monitor event type state,ex" "state,expired"
offers "mhoctl monitor m" "match"
offers "mhoctl limits set cache-" "cache-ms cache-pkts cache-total"
offers "mhoctl limits set max-pkts " ""
offers "mhoctl binding add role " "par nar ha"
offers "mhoctl binding change id 7 state b" "buffer bicast"
offers "mhoctl binding del " "id match"
offers "mhoctl peer add " ""
offers "mhoctl peer add 2001:db8::2 " "name local"
offers "mhoctl context export id 7 dispose " "keep delete inactive"
offers "mhoctl context import match ::1 mode p" "predictive"
offers "mhoctl context " "export import activate drop move show help"
[ "$failed" = 0 ] && echo "completion: ok"
exit "$failed"
