# SPDX-License-Identifier: GPL-2.0
#
# What the bash completions' tests share (tools/mhoctl/completion/test.sh,
# tools/mhod/completion/test.sh), in a bash without the bash-completion
# package:
#   completion_init FILE CMD FN   source FILE; "complete -p CMD" must be
#                                 "complete -F FN CMD"
#   offers "WORDS OF THE LINE" "EXPECTED"   complete the last word with FN
#   completion_done               print "completion: ok" or fail
failed=0

completion_init() {
	# shellcheck disable=SC1090 # the completion under test
	. "$1" || exit 1
	COMPLETION_FN=$3
	[ "$(complete -p "$2")" = "complete -F $3 $2" ] ||
		{ echo "complete -p $2: $(complete -p "$2" 2>&1)"; failed=1; }
}

offers() {
	local got
	read -ra COMP_WORDS <<<"$1"
	[[ $1 == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	"$COMPLETION_FN"
	got=${COMPREPLY[*]}
	if [ "$got" != "$2" ]; then
		echo "\"$1\": got \"$got\", expected \"$2\""
		failed=1
	fi
}

completion_done() {
	[ "$failed" = 0 ] && echo "completion: ok"
	exit "$failed"
}
