# SPDX-License-Identifier: GPL-2.0
# bash completion for mhod(8): its options, a configuration file after
# -c, and the control commands after -C (mhod(8), CONTROL COMMANDS).

_mhod()
{
	local cur=${COMP_WORDS[COMP_CWORD]}
	local prev=${COMP_WORDS[COMP_CWORD - 1]:-}
	local i cmd_at=0

	# After -C, the rest of the line is one control command.
	for ((i = 1; i < COMP_CWORD; i++)); do
		if [ "${COMP_WORDS[i]}" = -C ]; then
			cmd_at=$i
			break
		fi
	done
	if [ "$cmd_at" -gt 0 ]; then
		[ "$COMP_CWORD" -eq $((cmd_at + 1)) ] || return 0
		mapfile -t COMPREPLY < <(compgen -W "stats state handoff attach reactive replay end register home" -- "$cur")
		return 0
	fi
	case $prev in
	-c)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return 0
		;;
	esac
	mapfile -t COMPREPLY < <(compgen -W "-c -t -C -V -h" -- "$cur")
}

complete -F _mhod mhod
