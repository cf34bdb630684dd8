#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mhod's bash completion, in a bash without the bash-completion package:
# "complete -p mhod" after sourcing it, and what it offers.
#   test.sh [mhod.bash]
set -u
here=$(dirname "$0")
# shellcheck source=../../completion/lib.sh
. "$here/../../completion/lib.sh"
completion_init "${1:-$here/mhod.bash}" mhod _mhod

offers "mhod " "-c -t -C -V -h"
offers "mhod -c /etc/hostn" "/etc/hostname"
offers "mhod -c f -" "-c -t -C -V -h"
offers "mhod -C " "stats state handoff attach reactive replay end register home"
offers "mhod -c f -C st" "stats state"
offers "mhod -C handoff " ""
completion_done
