#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Kernel providers for the VM harness.
#
#   kernel.sh NAME [--cached]
#
# Makes kernel NAME available (downloading or building it once into the
# cache) and prints, as shell assignments, what the rest of the harness
# needs; nothing else depends on where a kernel comes from:
#
#   KREL=     the kernel release (uname -r in the guest)
#   VMLINUZ=  the kernel image to boot
#   MODDIR=   its installed modules: .../lib/modules/$KREL
#   KDIR=     a build tree to build mho.ko against
#   FLAVOUR=  "release" or "debug" (debug: kmemleak is checked)
#
# Providers:
#   6.1      Debian bookworm's cloud kernel matching the installed
#            linux-headers-6.1.*-cloud-amd64 (the default)
#   6.12     Debian's 6.12 cloud kernel from bookworm-security; needs
#            linux-headers-6.12-cloud-amd64 installed on the host
#   debug    6.1 built from linux-source-6.1 with kernel-debug.config
#            (KASAN, UBSAN, lockdep, kmemleak, ...), see build-kernel.sh
#   latest   the newest kernel reachable here: Debian sid's
#            linux-source-$MHO_LATEST (default 7.2), built with
#            kernel-base.config only (its prebuilt headers need gcc-16)
#
# With --cached, a provider that would have to build a kernel fails with
# exit status 3 instead (CI uses this to run "latest" only when cached).
#
# To add one, add a case below that sets the five variables.
set -euo pipefail

. "$(dirname "$0")/lib.sh"

# Debian cloud kernel whose headers are installed in /usr/src: the image
# package of the same release is unpacked into the cache (not installed).
provider_debian_cloud() {
	local series=$1 kdir krel root deb

	kdir=$(newest /usr/src/linux-headers-"$series".*-cloud-amd64 \
		/usr/src/linux-headers-"$series"-*-cloud-amd64)
	[ -n "$kdir" ] ||
		die "no linux-headers-$series*-cloud-amd64 in /usr/src (run 'make deps')"
	krel=${kdir#/usr/src/linux-headers-}
	root=$MHO_CACHE/kernels/$krel
	if [ ! -f "$root/.done" ]; then
		deb=$(apt_download "linux-image-$krel" "$MHO_CACHE/debs")
		# Debian names unsigned images -unsigned; either one will do.
		rm -rf "$root"
		mkdir -p "$root"
		dpkg-deb -x "$deb" "$root"
		# modules.dep is made by the package's postinst: make it here.
		depmod -b "$root" "$krel"
		touch "$root/.done"
	fi
	KREL=$krel
	VMLINUZ=$root/boot/vmlinuz-$krel
	MODDIR=$root/lib/modules/$krel
	KDIR=$kdir
	FLAVOUR=release
}

# A kernel built by build-kernel.sh from TARBALL with FLAVOUR's fragments.
from_source() {
	local tarball=$1 flavour=$2 out rc=0

	out=$("$(dirname "$0")/build-kernel.sh" $cached "$tarball" "$flavour") || rc=$?
	[ "$rc" != 3 ] || exit 3
	[ "$rc" = 0 ] || die "building the kernel from $tarball failed"
	MODDIR=$(newest "$out"/modroot/lib/modules/*)
	[ -n "$MODDIR" ] || die "$out has no installed modules"
	KREL=${MODDIR##*/}
	VMLINUZ=$out/bzImage
	KDIR=$out/src
}

# 6.1 built from the Debian source tarball with the debug config fragments.
provider_debug() {
	local tarball

	tarball=$(newest /usr/src/linux-source-6.1.tar.xz)
	[ -n "$tarball" ] || die "no /usr/src/linux-source-6.1.tar.xz (run 'make deps')"
	from_source "$tarball" debug
	FLAVOUR=debug
}

# The source package is unpacked into the cache, not installed: sid's
# linux-source-X.Y depends on sid's toolchain. "make deps" adds sid to
# apt's sources, pinned so that nothing is ever installed from it by
# default.
provider_latest() {
	local ver=${MHO_LATEST:-7.2} root tarball deb

	root=$MHO_CACHE/src/linux-source-$ver
	tarball=$root/usr/src/linux-source-$ver.tar.xz
	if [ ! -f "$tarball" ]; then
		[ -z "$cached" ] || exit 3
		deb=$(apt_download "linux-source-$ver" "$MHO_CACHE/debs")
		rm -rf "$root"
		mkdir -p "$root"
		dpkg-deb -x "$deb" "$root"
		[ -f "$tarball" ] || die "$deb has no $tarball"
	fi
	from_source "$tarball" plain
	FLAVOUR=release
}

cached=
[ "${2:-}" != --cached ] || cached=--cached

# One preparation per kernel at a time: matrix.sh runs the debug kernel in
# two VMs, and the second must wait for the first's build, not start its
# own in the same directory.
mkdir -p "$MHO_CACHE"
exec 8>"$MHO_CACHE/kernel-${1:-none}.lock"
flock 8

case "${1:-}" in
6.1) provider_debian_cloud 6.1 ;;
6.12) provider_debian_cloud 6.12 ;;
debug) provider_debug ;;
latest) provider_latest ;;
*) die "unknown kernel '${1:-}' (known: 6.1 6.12 debug latest)" ;;
esac

for f in "$VMLINUZ" "$MODDIR/modules.dep" "$KDIR/Makefile"; do
	[ -e "$f" ] || die "kernel $1: missing $f"
done
printf 'KREL=%q\nVMLINUZ=%q\nMODDIR=%q\nKDIR=%q\nFLAVOUR=%q\n' \
	"$KREL" "$VMLINUZ" "$MODDIR" "$KDIR" "$FLAVOUR"
