#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The bash completion, in a bash without the bash-completion package:
# "complete -p mhoctl" after sourcing it, and what it offers.
#   test.sh [mhoctl.bash]
set -u
here=$(dirname "$0")
# shellcheck source=../../completion/lib.sh
. "$here/../../completion/lib.sh"
completion_init "${1:-$here/mhoctl.bash}" mhoctl _mhoctl

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
completion_done
