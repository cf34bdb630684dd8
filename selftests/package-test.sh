#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make package-test: mho installed each way README's "Install" says, on
# this host and in a clean Debian 12 chroot. Needs root and the network
# (deb.debian.org); installs the Debian packages it needs on the host.
#
#   1. make install / make uninstall into a DESTDIR, with Debian's 6.1
#      and 6.12 headers: the exact file list, and nothing left after;
#      into a root that holds a kernel's modules: depmod knows mho.ko.
#   2. dkms.conf: dkms builds mho.ko against the 6.1 and 6.12 headers
#      (in dkms and source trees of its own: the host's are not touched).
#   3. dpkg-buildpackage -us -uc -b: mho-dkms and mho-tools, and what
#      is in them.
#   4. A Debian 12 chroot (debootstrap --variant=minbase): apt installs
#      both with linux-headers-cloud-amd64, DKMS builds mho.ko for that
#      kernel, mhoctl runs (and says the module is not loaded: the chroot
#      has the host's kernel, which loads no modules), and purging
#      mho-dkms removes the module.
#
# The debootstrapped base and apt's downloads are kept in
# $MHO_CACHE/package-test (PKG_TEST_FRESH=1 makes the base anew); each
# run's trees go in a directory there that is removed unless the run
# fails (PKG_TEST_KEEP=1 keeps it anyway). MHO_JOBS (1): make's jobs.
# KTAP; the last line is "N passed, N failed".

export LC_ALL=C
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
KTAP_INDENT=

TOP=$(cd "$(dirname "$0")/.." && pwd)
VERSION=$(cat "$TOP/VERSION")
MHO_CACHE=${MHO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mho}
CACHE=$MHO_CACHE/package-test
MIRROR=${PKG_TEST_MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm
JOBS=${MHO_JOBS:-1}
HOST_PKGS="dkms dh-dkms debhelper dpkg-dev debootstrap zstd kmod
	libnl-3-dev libnl-genl-3-dev pkg-config
	linux-headers-cloud-amd64 linux-headers-6.12-cloud-amd64"

[ "$(id -u)" = 0 ] || { echo "package-test: must run as root"; exit 1; }

# Host packages, installed when missing (as "make deps" does).
missing=
for p in $HOST_PKGS; do
	dpkg-query -W -f '${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "# package-test: installing$missing"
	DEBIAN_FRONTEND=noninteractive apt-get install -q -y \
		--no-install-recommends $missing >"$TMPD/apt.log" 2>&1 ||
		{ cat "$TMPD/apt.log"; exit 1; }
fi

# The newest Debian cloud headers of each series.
hdr() {
	ls -d /usr/src/linux-headers-"$1".*-cloud-amd64 \
	      /usr/src/linux-headers-"$1"-*-cloud-amd64 2>/dev/null | sort -V | tail -n1
}
krel() {
	sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$1/include/generated/utsrelease.h"
}
HDR61=$(hdr 6.1)
HDR612=$(hdr 6.12)
[ -n "$HDR61" ] && [ -n "$HDR612" ] ||
	{ echo "package-test: Debian's 6.1 and 6.12 cloud headers are needed"; exit 1; }

mkdir -p "$CACHE/apt-archives/partial"
RUN=$(mktemp -d "$CACHE/run.XXXXXX")
T0=$(date +%s)
PHASE_T0=$T0

# phase NAME: say how long the previous phase took.
phase() {
	local now
	now=$(date +%s)
	[ -z "$PHASE" ] || diag "$PHASE took $((now - PHASE_T0)) s"
	PHASE=$1 PHASE_T0=$now
}

# copy DIR: the tree's files (tracked, and new ones git does not ignore),
# as a clean build would see them.
copy() {
	mkdir -p "$1" &&
	git -C "$TOP" ls-files -z -co --exclude-standard "${@:2}" |
		tar -C "$TOP" --null -T - -c | tar -C "$1" -x
}

# files ROOT: every file and symlink under ROOT, relative, sorted.
files() {
	(cd "$1" && find . ! -type d | sed 's|^\./||' | sort)
}

PLAN=13
ktap_plan $PLAN

# ---- 1. make install ---------------------------------------------------------

phase "make install"

# install_case HEADERS SUFFIX: make install into a DESTDIR, then uninstall.
install_case() {
	local kdir=$1 ko=mho.ko$2 src dest rel want
	rel=$(krel "$kdir")
	src=$RUN/install-$rel
	dest=$RUN/dest-$rel
	copy "$src" || { fail "cannot copy the tree"; return; }
	x make -C "$src" -j"$JOBS" install KDIR="$kdir" DESTDIR="$dest" || return
	want="lib/modules/$rel/extra/$ko
usr/lib/systemd/system/mho.service
usr/lib/systemd/system/mhod.service
usr/sbin/mhoctl
usr/sbin/mhod
usr/share/bash-completion/completions/mhoctl
usr/share/bash-completion/completions/mhod
usr/share/doc/mho/examples/mho.conf
usr/share/doc/mho/examples/mhod.conf
usr/share/man/man5/mho.conf.5
usr/share/man/man5/mhod.conf.5
usr/share/man/man8/mhoctl.8
usr/share/man/man8/mhod.8"
	expect_eq "files installed" "$(files "$dest")" "$want" || return
	xout "$VERSION" modinfo -F version "$dest/lib/modules/$rel/extra/$ko" || return
	xout "$rel" sh -c "modinfo -F vermagic $dest/lib/modules/$rel/extra/$ko | cut -d' ' -f1" ||
		return
	x "$src/tools/mhoctl/mhoctl" -V || return
	expect_eq "mhoctl -V" "${OUT%% (*}" "mhoctl $VERSION" || return
	x "$dest/usr/sbin/mhod" -V || return
	expect_eq "mhod -V" "${OUT%% (*}" "mhod $VERSION" || return
	x grep -q "^ExecStart=/usr/sbin/mhod -c /etc/mhod/mhod.conf$" \
		"$dest/usr/lib/systemd/system/mhod.service" || return
	x make -C "$src" uninstall KDIR="$kdir" DESTDIR="$dest" || return
	expect_eq "files after make uninstall" "$(files "$dest")" ""
}
run_case "make install, make uninstall: DESTDIR, $(krel "$HDR61")" install_case "$HDR61" ""
run_case "make install, make uninstall: DESTDIR, $(krel "$HDR612")" install_case "$HDR612" .xz

# A root with a kernel's module tree (as a chroot has): depmod runs there,
# PREFIX is honoured.
depmod_case() {
	local kdir=$HDR61 rel root
	rel=$(krel "$kdir")
	root=$RUN/root-$rel
	mkdir -p "$root/lib/modules/$rel/kernel"
	: >"$root/lib/modules/$rel/modules.builtin"
	: >"$root/lib/modules/$rel/modules.order"
	x make -C "$RUN/install-$rel" install KDIR="$kdir" DESTDIR="$root" \
		PREFIX=/usr/local || return
	x grep -x "extra/mho.ko:" "$root/lib/modules/$rel/modules.dep" || return
	x test -x "$root/usr/local/sbin/mhoctl" || return
	x test -f "$root/usr/local/share/man/man8/mhoctl.8" || return
	x test -f "$root/usr/local/share/bash-completion/completions/mhoctl" || return
	x make -C "$RUN/install-$rel" uninstall KDIR="$kdir" DESTDIR="$root" \
		PREFIX=/usr/local || return
	if grep -q mho "$root/lib/modules/$rel/modules.dep"; then
		fail "modules.dep still lists mho after make uninstall"
		return
	fi
	x test ! -e "$root/usr/local/sbin/mhoctl"
}
run_case "make install, make uninstall: depmod in a root with modules, PREFIX" depmod_case

# ---- 2. dkms.conf ------------------------------------------------------------

phase "dkms on the host"

DKMS_SRC=$RUN/dkms-src
DKMS_TREE=$RUN/dkms-tree
dkms_() {
	dkms --sourcetree "$DKMS_SRC" --dkmstree "$DKMS_TREE" \
		--installtree "$RUN/dkms-install" "$@"
}
# The sources README's recipe puts in /usr/src/mho-<version>.
copy "$DKMS_SRC/mho-$VERSION" -- Kbuild VERSION dkms.conf COPYING LICENSES kernel include
mkdir -p "$DKMS_TREE"
dkms_case() {
	local kdir=$1 rel ko
	rel=$(krel "$kdir")
	x dkms_ build -j "$JOBS" mho/"$VERSION" -k "$rel" || return
	ko=$(ls "$DKMS_TREE/mho/$VERSION/$rel/x86_64/module/"mho.ko*) ||
		{ fail "dkms built no mho.ko for $rel"; return; }
	xout "$VERSION" modinfo -F version "$ko" || return
	xout "$rel" sh -c "modinfo -F vermagic $ko | cut -d' ' -f1" || return
	x dkms_ status mho/"$VERSION" -k "$rel" || return
	[[ $OUT == *"mho/$VERSION, $rel, x86_64: built"* ]] ||
		fail "dkms status: $OUT"
}
x dkms_ add mho/"$VERSION" >/dev/null || diag "dkms add: $OUT $ERR"
run_case "dkms build: $(krel "$HDR61")" dkms_case "$HDR61"
run_case "dkms build: $(krel "$HDR612")" dkms_case "$HDR612"

# ---- 3. Debian packages ------------------------------------------------------

phase "dpkg-buildpackage"

DEB=$RUN/deb
build_case() {
	copy "$DEB/mho-$VERSION" || { fail "cannot copy the tree"; return; }
	(cd "$DEB/mho-$VERSION" && DEB_BUILD_OPTIONS="parallel=$JOBS" \
		dpkg-buildpackage -us -uc -b) >"$RUN/dpkg-buildpackage.log" 2>&1 ||
		{ diag "$(tail -n 30 "$RUN/dpkg-buildpackage.log")"; fail "dpkg-buildpackage failed"; }
}
run_case "dpkg-buildpackage -us -uc -b" build_case

DKMS_DEB=$DEB/mho-dkms_${VERSION}_all.deb
TOOLS_DEB=$DEB/mho-tools_${VERSION}_amd64.deb

# deb_files DEB: its files, without the leading "./".
deb_files() {
	dpkg-deb -c "$1" | awk '$1 !~ /^d/ { print $6 }' | sed 's|^\./||' | sort
}

dkms_deb_case() {
	local want
	x test -f "$DKMS_DEB" || return
	xout "$VERSION" dpkg-deb -f "$DKMS_DEB" Version || return
	# The module's sources as Kbuild needs them, dkms.conf and VERSION.
	want=$( (git -C "$TOP" ls-files -co --exclude-standard -- kernel include |
			sed "s|^|usr/src/mho-$VERSION/|"
		 printf '%s\n' "usr/src/mho-$VERSION/Kbuild" "usr/src/mho-$VERSION/VERSION" \
			"usr/src/mho-$VERSION/dkms.conf" \
			usr/share/doc/mho-dkms/changelog.gz usr/share/doc/mho-dkms/copyright) |
		sort)
	expect_eq "mho-dkms's files" "$(deb_files "$DKMS_DEB")" "$want" || return
	x dpkg-deb -f "$DKMS_DEB" Depends || return
	[[ $OUT == *dkms* ]] || fail "mho-dkms does not depend on dkms: $OUT"
}
run_case "mho-dkms: the module's sources and dkms.conf" dkms_deb_case

tools_deb_case() {
	x test -f "$TOOLS_DEB" || return
	xout "$VERSION" dpkg-deb -f "$TOOLS_DEB" Version || return
	expect_eq "mho-tools's files" "$(deb_files "$TOOLS_DEB" | grep -v '^usr/share/doc/')" \
		"lib/systemd/system/mho.service
lib/systemd/system/mhod.service
usr/sbin/mhoctl
usr/sbin/mhod
usr/share/bash-completion/completions/mhoctl
usr/share/bash-completion/completions/mhod
usr/share/man/man5/mho.conf.5.gz
usr/share/man/man5/mhod.conf.5.gz
usr/share/man/man8/mhoctl.8.gz
usr/share/man/man8/mhod.8.gz" || return
	x sh -c "dpkg-deb --fsys-tarfile '$TOOLS_DEB' | tar -xO ./lib/systemd/system/mho.service" ||
		return
	[[ $OUT == *"ExecStart=/usr/sbin/mhoctl setconf /etc/mho/mho.conf"* ]] ||
		fail "mho.service: $OUT"
}
run_case "mho-tools: mhoctl, its man pages and mho.service" tools_deb_case

# ---- 4. a clean Debian 12 chroot ----------------------------------------------

phase "chroot: debootstrap"

BASE=$CACHE/$SUITE-minbase.tar.zst
ROOT=$RUN/chroot

base_case() {
	if [ -n "$PKG_TEST_FRESH" ] || [ ! -f "$BASE" ]; then
		rm -rf "$RUN/base"
		x debootstrap --variant=minbase --cache-dir="$CACHE/apt-archives" \
			"$SUITE" "$RUN/base" "$MIRROR" || return
		x tar -C "$RUN/base" --zstd -cf "$BASE.tmp" . || return
		mv "$BASE.tmp" "$BASE"
		rm -rf "$RUN/base"
	fi
	mkdir -p "$ROOT" && x tar -C "$ROOT" --zstd -xf "$BASE" || return
	cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
	# No daemons started by maintainer scripts.
	printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
	chmod +x "$ROOT/usr/sbin/policy-rc.d"
	mkdir -p "$ROOT/debs"
	cp "$DKMS_DEB" "$TOOLS_DEB" "$ROOT/debs/"
}
run_case "chroot: a Debian 12 base made by debootstrap" base_case

# in_chroot COMMAND: run COMMAND (a shell string) in the chroot, in a
# mount namespace of its own, so that its mounts go when it ends.
in_chroot() {
	unshare --mount --propagation private -- /bin/sh -c '
		root=$1 cache=$2; shift 2
		mount -t proc proc "$root/proc" &&
		mount --rbind /dev "$root/dev" &&
		mount --bind "$cache" "$root/var/cache/apt/archives" &&
		exec chroot "$root" /usr/bin/env -i \
			PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
			DEBIAN_FRONTEND=noninteractive parallel_jobs="$JOBS" \
			/bin/sh -c "$1"' sh "$ROOT" "$CACHE/apt-archives" "$1"
}
export JOBS

phase "chroot: apt-get install"

apt_case() {
	x in_chroot "apt-get -q update && apt-get -q -y --no-install-recommends install \
		linux-headers-cloud-amd64 openssl /debs/$(basename "$DKMS_DEB") \
		/debs/$(basename "$TOOLS_DEB")" || return
	cp "$TMPD/out" "$RUN/chroot-apt.log"
	CHROOT_KREL=$(ls "$ROOT/lib/modules")
	[ "$(wc -w <<<"$CHROOT_KREL")" = 1 ] ||
		fail "the chroot has one kernel's headers, not: $CHROOT_KREL"
}
# openssl: DKMS makes its signing key with it (README, "Secure Boot").
run_case "chroot: apt-get install mho-dkms mho-tools linux-headers-cloud-amd64" apt_case

phase "chroot: checks"

chroot_dkms_case() {
	local ko=lib/modules/$CHROOT_KREL/updates/dkms/mho.ko
	x in_chroot "dkms status mho" || return
	[[ $OUT == "mho/$VERSION, $CHROOT_KREL, x86_64: installed"* ]] ||
		{ fail "dkms status: $OUT"; return; }
	x test -f "$ROOT/$ko" || return
	xout "$VERSION" in_chroot "modinfo -F version /$ko" || return
	xout "$CHROOT_KREL" in_chroot "modinfo -F vermagic /$ko | cut -d' ' -f1" || return
	# DKMS's own key (dkms 3 on Debian), for Secure Boot (README).
	xout "DKMS module signing key" in_chroot "modinfo -F signer /$ko" || return
	# What modprobe loads first (the chroot has the kernel's headers, not
	# its modules), and depmod ran: modprobe finds mho.
	x in_chroot "modinfo -F depends /$ko" || return
	[[ ,$OUT, == *,nf_defrag_ipv6,* ]] || fail "mho.ko depends on: $OUT"
	xout "insmod /$ko " in_chroot "modprobe -S $CHROOT_KREL --show-depends mho"
}
run_case "chroot: DKMS built and installed mho.ko for $SUITE's kernel" chroot_dkms_case

chroot_mhoctl_case() {
	x in_chroot "mhoctl -V" || return
	expect_eq "mhoctl -V" "${OUT%% (*}" "mhoctl $VERSION" || return
	xerr "mho module not loaded" in_chroot "mhoctl peer show" || return
	x test -f "$ROOT/usr/share/man/man8/mhoctl.8.gz" || return
	x in_chroot "mhod -V" || return
	expect_eq "mhod -V" "${OUT%% (*}" "mhod $VERSION" || return
	# The packaged example is a valid configuration.
	x in_chroot "zcat -f /usr/share/doc/mho-tools/examples/mhod.conf* >/tmp/mhod.conf && mhod -t -c /tmp/mhod.conf"
}
run_case "chroot: mhoctl runs, says the module is not loaded; mhod -V, mhod -t" chroot_mhoctl_case

chroot_purge_case() {
	x in_chroot "apt-get -q -y purge mho-dkms" || return
	x test ! -e "$ROOT/lib/modules/$CHROOT_KREL/updates/dkms/mho.ko" || return
	x test ! -e "$ROOT/usr/src/mho-$VERSION" || return
	x in_chroot "dkms status mho" || return
	expect_eq "dkms status after the purge" "$OUT" ""
}
run_case "chroot: apt-get purge mho-dkms removes the module" chroot_purge_case

phase ""
diag "total: $(($(date +%s) - T0)) s"
if grep -q " $RUN/" /proc/self/mountinfo; then
	diag "something is still mounted under $RUN: not removed"
elif [ "$_ktap_fail" = 0 ] && [ -z "$PKG_TEST_KEEP" ]; then
	rm -rf "$RUN"
else
	diag "trees and logs kept in $RUN"
fi
rm -rf "$TMPD"
if [ "$_ktap_n" != "$PLAN" ]; then
	diag "planned $PLAN cases, ran $_ktap_n"
	_ktap_fail=$((_ktap_fail + 1))
fi
echo "$_ktap_pass passed, $_ktap_fail failed"
[ "$_ktap_fail" = 0 ]
