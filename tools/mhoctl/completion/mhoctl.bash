# SPDX-License-Identifier: GPL-2.0
#
# bash completion for mhoctl(8): options, objects, commands, keywords and
# the values that are words (role, state, dispose, mode), network
# namespaces (-n) and files (-batch, file, setconf). Installed by "make install" as
# $(PREFIX)/share/bash-completion/completions/mhoctl. It needs bash only,
# not the bash-completion package's helpers.

_mhoctl()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local i w obj= cmd= ci=0 opts words=

	opts="-json -pretty -statistics -netns -batch -force -Version -help"
	# The object and its command: the first two words after the options
	# (-netns and -batch take an argument; options may be abbreviated).
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [ -z "$obj" ]; then
			case $w in
			-n* | --n* | -b* | --b*)
				((i++))
				continue
				;;
			-*)
				continue
				;;
			esac
			obj=$w
		else
			cmd=$w
			ci=$i
			break
		fi
	done

	if [ -z "$obj" ]; then
		case $prev in
		-n* | --n*)
			words=$(ls /run/netns 2>/dev/null)
			;;
		-b* | --b*)
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
			return 0
			;;
		*)
			if [[ $cur == -* ]]; then
				words=$opts
			else
				words="peer binding limits stats monitor context showconf setconf help"
			fi
			;;
		esac
		mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
		return 0
	fi

	if [ -z "$cmd" ]; then
		case $obj in
		peer | binding) words="add change del show help" ;;
		limits) words="show set help" ;;
		stats) words="show help" ;;
		monitor) words="all peer binding limits event id match type -t help" ;;
		context) words="export import activate drop move show help" ;;
		showconf) words="help" ;;
		setconf)
			# A file, or help.
			mapfile -t COMPREPLY < <(compgen -f -- "$cur"; compgen -W help -- "$cur")
			return 0
			;;
		esac
		mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
		return 0
	fi

	# peer add|change|del: the address comes first.
	if [ "$obj" = peer ] && ((COMP_CWORD == ci + 1)) && [ "$cmd" != show ]; then
		COMPREPLY=()
		return 0
	fi
	# monitor: "peer" alone is an object, "peer ADDR" a filter (any word
	# may follow it); "type" takes event types, separated by commas.
	if [ "$obj" = monitor ]; then
		case $prev in
		id | match)
			COMPREPLY=()
			return 0
			;;
		type)
			local types="state overflow attach marker expired reforward cache-full context cut marker-lost"
			mapfile -t COMPREPLY < <(compgen -P "${cur%"${cur##*,}"}" -W "$types" -- "${cur##*,}")
			return 0
			;;
		esac
		mapfile -t COMPREPLY < <(compgen -W "all peer binding limits event id match type -t" -- "$cur")
		return 0
	fi
	# A keyword's value.
	case $prev in
	role) words="par nar ha" ;;
	state) words="idle buffer forward bicast end linger hold release" ;;
	dispose) words="keep delete inactive" ;;
	mode) words="reactive predictive" ;;
	file)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return 0
		;;
	id | match | name | local | hoa | coa | ncoa | peer | bicast | \
	max-* | total-* | cache-* | rate | linger | marker-wait | ar | \
	new-ar | new-coa | seq-margin | spi | bridge)
		COMPREPLY=()
		return 0
		;;
	esac
	if [ -z "$words" ]; then
		local handoff="max-pkts max-bytes max-hold state bicast rate linger marker-wait cache-ms"

		case $obj:$cmd in
		peer:add | peer:change) words="name local" ;;
		binding:add) words="id role hoa coa ncoa peer $handoff" ;;
		binding:change) words="id match hoa coa ncoa peer $handoff" ;;
		binding:del | binding:show) words="id match" ;;
		limits:set)
			words="max-pkts max-bytes max-hold max-bindings max-peers"
			words+=" total-pkts total-bytes cache-ms cache-pkts cache-total"
			;;
		context:export) words="id match ar dispose file" ;;
		context:import) words="id match file new-ar new-coa mode seq-margin bridge" ;;
		context:activate | context:drop) words="id match" ;;
		context:move) words="coa new-coa ar new-ar spi seq-margin bridge" ;;
		context:show) words="file keys" ;;
		esac
	fi
	mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
	return 0
}
complete -F _mhoctl mhoctl
