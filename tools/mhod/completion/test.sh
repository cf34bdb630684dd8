#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mhod's bash completion, in a bash without the bash-completion package:
# "complete -p mhod" after sourcing it, and what it offers.
#   test.sh [mhod.bash]
set -u
. "${1:-$(dirname "$0")/mhod.bash}" || exit 1
failed=0

[ "$(complete -p mhod)" = "complete -F _mhod mhod" ] ||
	{ echo "complete -p mhod: $(complete -p mhod 2>&1)"; failed=1; }

# offers "WORDS OF THE LINE" "EXPECTED": complete the last word.
offers() {
	local got
	read -ra COMP_WORDS <<<"$1"
	[[ $1 == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_mhod
	got=${COMPREPLY[*]}
	if [ "$got" != "$2" ]; then
		echo "\"$1\": got \"$got\", expected \"$2\""
		failed=1
	fi
}

offers "mhod " "-c -t -C -V -h"
offers "mhod -c /etc/hostn" "/etc/hostname"
offers "mhod -c f -" "-c -t -C -V -h"
offers "mhod -C " "stats state handoff attach end"
offers "mhod -c f -C st" "stats state"
offers "mhod -C handoff " ""
[ "$failed" = 0 ] && echo "completion: ok"
exit "$failed"
