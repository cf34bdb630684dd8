#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The EXAMPLES of mhoctl(8), run as the page writes them: read from the
# page's source (Documentation/mhoctl.8, copied into the guest as
# /selftests/mhoctl.8), so that editing an example changes this test.
#
# The page's convention (a comment at the top of its EXAMPLES says the
# same): in a block between .nf and .fi, "# CMD" runs CMD in a network
# namespace of its own ("host"), "NS# CMD" in namespace NS (par and nar
# are linked: 2001:db8::1 and 2001:db8::2); the lines up to the next
# command are CMD's output (stdout and stderr), where "..." stands for any
# text; a command that prints "Error: ..." must fail, any other succeed.
# "CMD &" starts CMD in the background (a monitor). A block after the
# comment line '.\" test: monitor NS' is what NS's monitor prints, all of
# it; one after '.\" test: not run: REASON' is left out, for REASON.
. "$(dirname "$0")/../lib.sh"

mho_setup

PAGE=${MHO_MANPAGE:-$MHO_SELFTESTS/mhoctl.8}
[ -f "$PAGE" ] || PAGE=$MHO_SELFTESTS/../Documentation/mhoctl.8
PREFIX=mho-ex-$$-

CMD_NS=()
CMD=()
CMD_OUT=()
declare -A MON_WANT=()
NOT_RUN=()
BLOCKS=0

# unroff LINE: the text a line of an .nf block shows.
unroff() {
	local s=$1
	s=${s//\\-/-}
	s=${s//\\(aq/\'}
	s=${s//\\(dq/\"}
	s=${s//\\e/\\}
	printf '%s' "$s"
}

parse() {
	local line in_ex=0 in_nf=0 mode= n=-1
	local c_mon='.\" test: monitor ' c_skip='.\" test: not run: ' c='.\"'

	while IFS= read -r line; do
		if [[ $line == .SH* ]]; then
			in_ex=0
			[ "$line" != ".SH EXAMPLES" ] || in_ex=1
			continue
		fi
		[ "$in_ex" = 1 ] || continue
		if [ "$in_nf" = 0 ]; then
			if [[ $line == "$c_mon"* ]]; then
				mode="monitor ${line#"$c_mon"}"
			elif [[ $line == "$c_skip"* ]]; then
				mode=skip
				NOT_RUN+=("${line#"$c_skip"}")
			elif [ "$line" = .nf ]; then
				in_nf=1
				BLOCKS=$((BLOCKS + 1))
			elif [[ $line != "$c"* ]]; then
				mode=
			fi
			continue
		fi
		if [ "$line" = .fi ]; then
			in_nf=0
			mode=
			continue
		fi
		line=$(unroff "$line")
		case $mode in
		skip)
			continue
			;;
		monitor*)
			MON_WANT[${mode#monitor }]+="$line"$'\n'
			continue
			;;
		esac
		if [[ $line =~ ^([a-z0-9]*)#\ (.*)$ ]]; then
			n=$((n + 1))
			CMD_NS[n]=${BASH_REMATCH[1]:-host}
			CMD[n]=${BASH_REMATCH[2]}
			CMD_OUT[n]=
		elif [ "$n" -ge 0 ]; then
			CMD_OUT[n]+="$line"$'\n'
		else
			fail "output before any command: $line"
		fi
	done <"$PAGE"
}

# like WHAT GOT WANT: GOT's lines match WANT's, where "..." is any text.
like() {
	local what=$1 g w re i
	local -a got want
	mapfile -t got <<<"${2%$'\n'}"
	mapfile -t want <<<"${3%$'\n'}"
	[ -n "${2%$'\n'}" ] || got=()
	[ -n "${3%$'\n'}" ] || want=()
	if [ "${#got[@]}" = "${#want[@]}" ]; then
		for ((i = 0; i < ${#want[@]}; i++)); do
			w=${want[i]}
			g=${got[i]}
			re=$(printf '%s' "$w" | sed -e 's/[].[*^$()+?{}|\\]/\\&/g' \
				-e 's/\\\.\\\.\\\./.*/g')
			[[ $g =~ ^$re$ ]] || break
		done
		[ "$i" -lt "${#want[@]}" ] || return 0
	fi
	diag "$what: got:"
	diag "$2"
	diag "$what: the page shows:"
	diag "$3"
	fail "$what differs from the page"
	return 1
}

t_parse() {
	local ns i mon=" "
	[ -f "$PAGE" ] || { fail "no man page at $PAGE"; return; }
	parse
	diag "$BLOCKS blocks, ${#CMD[@]} commands, ${#MON_WANT[@]} monitors, ${#NOT_RUN[@]} blocks not run"
	[ "${#CMD[@]}" -ge 15 ] || fail "only ${#CMD[@]} commands found"
	for i in "${!CMD[@]}"; do
		[[ ${CMD[i]} == mhoctl\ * || ${CMD[i]} == *"| mhoctl "* ]] ||
			fail "not an mhoctl command: ${CMD[i]}"
		[[ ${CMD[i]} != *" monitor &" ]] || mon+="${CMD_NS[i]} "
	done
	[ "${#MON_WANT[@]}" -ge 2 ] || fail "only ${#MON_WANT[@]} monitor blocks"
	for ns in "${!MON_WANT[@]}"; do
		[[ $mon == *" $ns "* ]] || fail "no monitor runs in $ns"
	done
	for i in "${NOT_RUN[@]}"; do
		[ -n "$i" ] || fail "a block is not run, and does not say why"
	done
}

# ns NAME: the namespace of a prompt (ns_all has created it).
ns() {
	printf '%s' "$PREFIX$1"
}

# The namespaces of every prompt, in this shell (ns_add records them).
ns_all() {
	local p
	for p in $(printf '%s\n' "${CMD_NS[@]}" | sort -u); do
		ns_add "$PREFIX$p" || return 1
	done
}

SYNC_NS=
SYNC() { ip netns exec "$SYNC_NS" "$MHOCTL" "$@"; }

# The pAR and the nAR of the handoff example, on one link.
link() {
	local par nar
	par=$(ns par) && nar=$(ns nar) || return 1
	ip link add ex-par netns "$par" type veth peer name ex-nar netns "$nar" &&
		ip -n "$par" addr add 2001:db8::1/64 dev ex-par nodad &&
		ip -n "$nar" addr add 2001:db8::2/64 dev ex-nar nodad &&
		ip -n "$par" link set ex-par up &&
		ip -n "$nar" link set ex-nar up
}

t_commands() {
	local i name cmd out rc want
	[ "${#CMD[@]}" -gt 0 ] || { fail "nothing parsed"; return; }
	ns_all || { fail "cannot create the namespaces"; return; }
	link || { fail "cannot link par and nar"; return; }
	for i in "${!CMD[@]}"; do
		cmd=${CMD[i]}
		want=${CMD_OUT[i]}
		name=$(ns "${CMD_NS[i]}")
		diag "${CMD_NS[i]}# $cmd"
		if [[ $cmd == *" &" ]]; then
			ip netns exec "$name" bash -c "exec ${cmd% &}" \
				>>"$TMPD/mon.${CMD_NS[i]}" 2>&1 &
			bg_add $!
			SYNC_NS=$name
			monitor_sync SYNC "$TMPD/mon.${CMD_NS[i]}" || return
			continue
		fi
		out=$(ip netns exec "$name" bash -c "$cmd" 2>&1)
		rc=$?
		like "${CMD_NS[i]}# $cmd" "$out" "$want" || continue
		if [[ $'\n'$want == *$'\nError: '* ]]; then
			[ "$rc" != 0 ] || fail "\"$cmd\" succeeded, the page shows an error"
		else
			[ "$rc" = 0 ] || fail "\"$cmd\" failed (exit status $rc)"
		fi
	done
}

t_monitors() {
	local ns n
	[ "${#MON_WANT[@]}" -gt 0 ] || { fail "nothing parsed"; return; }
	for ns in "${!MON_WANT[@]}"; do
		n=$(printf '%s' "${MON_WANT[$ns]}" | wc -l)
		# The pAR's binding lingers before its [DEL].
		wait_for 15 eval 'test "$(wc -l <"$TMPD/mon.$ns")" -ge "$n"'
		sleep 0.5
		like "$ns# mhoctl monitor" "$(cat "$TMPD/mon.$ns")" "${MON_WANT[$ns]}"
	done
}

ktap_plan 3
run_case "the page's examples, each run or saying why not" t_parse
run_case "every example command prints what the page shows" t_commands
run_case "the monitors print what the page shows" t_monitors
ktap_finish
