# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Host-side helpers shared by the VM harness scripts. Source it; do not run it.

# Everything downloaded or built for the tests lives here, outside the repo.
MHO_CACHE=${MHO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mho}
export MHO_CACHE

# Repository root (selftests/vm/../..).
export MHO_ROOT
MHO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

msg() { echo "mho-vm: $*" >&2; }
die() { echo "mho-vm: error: $*" >&2; exit 1; }

# newest PATTERN...: the last existing path matching the globs, by version sort.
newest() {
	local p
	for p in "$@"; do
		if [ -e "$p" ]; then echo "$p"; fi
	done | sort -V | tail -n1
}

# apt_download PKG DIR: fetch PKG's .deb into DIR (once) and print its path.
# The package is never installed on the host.
apt_download() {
	local pkg=$1 dir=$2 deb
	mkdir -p "$dir"
	deb=$(newest "$dir/${pkg}"_*.deb)
	if [ -z "$deb" ]; then
		msg "downloading $pkg"
		# Fresh containers have no package lists: update and retry.
		(cd "$dir" && apt-get download -q "$pkg" >&2) || {
			msg "apt-get download $pkg failed; running apt-get update"
			if [ "$(id -u)" = 0 ]; then apt-get update -q >&2; else sudo apt-get update -q >&2; fi
			(cd "$dir" && apt-get download -q "$pkg" >&2)
		} || die "apt-get download $pkg failed"
		deb=$(newest "$dir/${pkg}"_*.deb)
	fi
	[ -n "$deb" ] || die "no .deb for $pkg in $dir"
	echo "$deb"
}

# ---- make bench and make demo ------------------------------------------------

# out_dir NAME [DIR]: the results directory of make NAME: DIR (its NAME_OUT)
# if given, else a new $MHO_CACHE/NAME/<date>-<time>; created, and printed
# as an absolute path.
out_dir() {
	local dir=${2:-$MHO_CACHE/$1/$(date +%Y%m%d-%H%M%S)}
	mkdir -p "$dir" || die "cannot create $dir"
	cd "$dir" && pwd
}

# out_latest NAME OUT [DIR]: $MHO_CACHE/NAME/latest points to OUT, unless
# DIR (NAME_OUT) chose where the results go.
out_latest() {
	[ -n "${3:-}" ] || ln -sfn "${2##*/}" "$MHO_CACHE/$1/latest"
}

# pass_fail NAME RC: "NAME: PASS" or "NAME: FAIL (see above)", and exit RC.
pass_fail() {
	if [ "$2" = 0 ]; then
		echo "$1: PASS"
	else
		echo "$1: FAIL (see above)"
	fi
	exit "$2"
}
