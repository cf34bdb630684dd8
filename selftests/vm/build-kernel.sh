#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build a test kernel from a Debian linux-source tarball, once per machine.
#
#   build-kernel.sh [--cached] SOURCE_TARBALL FLAVOUR
#
# FLAVOUR is "debug" (kernel-base.config + kernel-debug.config) or "plain"
# (kernel-base.config only). The result is cached under
# $MHO_CACHE/kernel-<version>-<flavour>-<hash>, where <hash> covers the
# tarball and the config fragments, so a change to either rebuilds. The
# directory printed on stdout holds bzImage and a build tree that mho.ko
# can be built against (KDIR). With --cached nothing is built: the exit
# status is 0 if the build is cached (and its directory printed), 3 if not.
set -euo pipefail

# The body is one block, read whole before it runs: editing this file
# during a (long) build must not change what the build does.
{
cached_only=0
if [ "${1:-}" = --cached ]; then
	cached_only=1
	shift
fi

here=$(cd "$(dirname "$0")" && pwd)
src=$1
flavour=$2
cache=${MHO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mho}

frags=("$here/kernel-base.config")
case "$flavour" in
debug) frags+=("$here/kernel-debug.config") ;;
plain) ;;
*) echo "build-kernel.sh: unknown flavour '$flavour'" >&2; exit 2 ;;
esac

name=$(basename "$src" .tar.xz)
hash=$( { stat -c '%s %Y' "$src"; cat "${frags[@]}"; } | sha256sum | cut -c1-12)
out="$cache/kernel-$name-$flavour-$hash"

if [ -f "$out/.done" ]; then
	echo "$out"
	exit 0
fi
[ "$cached_only" = 0 ] || exit 3

mkdir -p "$cache"
rm -rf "$out"
mkdir -p "$out"
echo "build-kernel.sh: building $name ($flavour) in $out; this takes a while" >&2
tar -C "$out" -xf "$src"
# The tarball holds one top-level directory (linux-source-6.1/). Find it
# with a glob: "tar -tf | head -1" dies of SIGPIPE under pipefail.
ksrc=
for d in "$out"/*/; do
	ksrc=${d%/}
done
[ -n "$ksrc" ] || { echo "build-kernel.sh: $src is empty" >&2; exit 1; }
mv "$ksrc" "$out/src"
cd "$out/src"
make -s x86_64_defconfig >&2
make -s kvm_guest.config >&2
scripts/kconfig/merge_config.sh -m .config "${frags[@]}" >&2
make -s olddefconfig >&2
# Every option we asked for must have survived olddefconfig.
for f in "${frags[@]}"; do
	grep -E '^CONFIG_[A-Z0-9_]+=[ym0-9-]' "$f" | while IFS= read -r want; do
		grep -qx "$want" .config || {
			echo "build-kernel.sh: warning: $want did not stick" >&2
		}
	done
	grep -E '^CONFIG_[A-Z0-9_]+=n' "$f" | while IFS= read -r want; do
		opt=${want%=n}
		! grep -q "^$opt=[ym]" .config || echo "build-kernel.sh: warning: $want did not stick" >&2
	done
done
make -s -j"$(nproc)" bzImage modules >&2
cp arch/x86/boot/bzImage "$out/bzImage"
make -s modules_install INSTALL_MOD_PATH="$out/modroot" INSTALL_MOD_STRIP=1 >&2
touch "$out/.done"
echo "$out"
exit 0
}
