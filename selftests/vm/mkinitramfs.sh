#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the guest's initramfs.
#
#   mkinitramfs.sh OUT
#
# Inputs, from the environment (run.sh sets them):
#   KREL, MODDIR, KDIR   from kernel.sh
#   MHO_KO               the mho.ko built for KREL       -> /lib/mho/mho.ko
#   MHOCTL               the mhoctl binary               -> /usr/bin/mhoctl
#   MHOD                 the mhod binary (optional)      -> /usr/bin/mhod
#   MHO_SELFTESTS        the selftests/ dir (minus vm/)  -> /selftests
#                        and demo/, bench/ beside it     -> /demo, /bench
#                        (and Documentation/mhoctl.8     -> /selftests/mhoctl.8)
#   MHO_GUEST_BINS       optional: more host programs to copy, by name
#
# Layout: merged /usr like Debian (bin, sbin, lib, lib64 are links into
# usr/), busybox applets for everything basic, and the real programs the
# tests need (bash, iproute2, kmod, util-linux's setpriv, strongSwan's
# charon and swanctl) with their shared libraries, found with ldd. Kernel
# modules: the net, crypto, lib, drivers/{net,char,virtio} and arch crypto
# trees of the booted kernel (a kernel with those built in just has
# fewer), with modules.dep regenerated for the subset by depmod.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

out=$1
: "${KREL:?}" "${MODDIR:?}" "${KDIR:?}" "${MHO_KO:?}" "${MHOCTL:?}" "${MHO_SELFTESTS:?}"

# Programs copied with their libraries; the first group is required. Of
# the optional ones, nft is make bench's (benchmark 1's control).
required_bins="bash ip tc bridge ss kmod nstat setpriv"
optional_bins="strace nft ${MHO_GUEST_BINS:-}"
# strongSwan (selftests/swan.sh): its programs, and its plugins, which
# charon dlopens (so ldd does not list them). Required, like the above;
# swan_plugins are the ones selftests/swan.sh loads (SWAN_PLUGINS).
swan_progs="/usr/lib/ipsec/charon /usr/sbin/swanctl"
swan_plugins="random nonce aes sha1 sha2 hmac kdf gmp kernel-netlink socket-default vici"
# Module trees copied from the booted kernel, relative to its kernel/ dir.
module_trees="net crypto lib arch/x86/crypto drivers/net drivers/char drivers/virtio"

root=$(mktemp -d "${TMPDIR:-/tmp}/mho-initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{usr/bin,usr/sbin,usr/lib,usr/lib64,dev,proc,sys,run,tmp,root,etc,var,lib/mho}
for d in bin sbin lib lib64; do
	ln -s "usr/$d" "$root/$d"
done
ln -s ../run "$root/var/run"
chmod 1777 "$root/tmp"
# The kernel opens /dev/console for init before anything is mounted.
[ "$(id -u)" = 0 ] && mknod -m 600 "$root/dev/console" c 5 1

# copy_file PATH: copy a host file to the same path in the guest, following
# symlinks (the guest's /lib is /usr/lib, so a host /lib path works too).
copy_file() {
	local dst=$root/${1#/}
	[ -e "$dst" ] && return 0
	mkdir -p "$(dirname "$dst")"
	cp -L "$1" "$dst"
}

# copy_prog PATH [GUESTPATH]: a program plus every library ldd lists,
# including the dynamic loader.
copy_prog() {
	local src=$1 dst=${2:-$1} lib
	mkdir -p "$root/$(dirname "${dst#/}")"
	rm -f "$root/${dst#/}"
	cp -L "$src" "$root/${dst#/}"
	# Static programs make ldd fail: they need nothing more.
	ldd "$src" 2>/dev/null | grep -oE '/[^ ]+' | while read -r lib; do
		copy_file "$lib"
	done || true
}

# Busybox and its applets, as symlinks in usr/bin and usr/sbin.
copy_prog "$(command -v busybox)" /usr/bin/busybox
busybox --list-full | while read -r applet; do
	a=usr/${applet#usr/}
	[ -e "$root/$a" ] || ln -s /usr/bin/busybox "$root/$a"
done

# The real programs replace the applets of the same name.
for prog in $required_bins; do
	path=$(command -v "$prog") || die "$prog not found on the host (run 'make deps')"
	copy_prog "$path" "/usr/bin/$prog"
done
for prog in $optional_bins; do
	path=$(command -v "$prog") || { msg "note: $prog not found, not in the guest"; continue; }
	copy_prog "$path" "/usr/bin/$prog"
done
for p in usr/bin/ip usr/bin/tc usr/bin/bridge; do
	ln -sf "/$p" "$root/usr/sbin/${p##*/}"
done
# kmod's personalities: the kernel runs /sbin/modprobe to autoload modules.
for t in modprobe insmod rmmod lsmod modinfo depmod; do
	ln -sf /usr/bin/kmod "$root/usr/sbin/$t"
	rm -f "$root/usr/bin/$t"
done

# strongSwan. Its libraries are in /usr/lib/ipsec (RUNPATH): ldd finds
# them there, copy_prog puts them at the same path. Every plugin installed
# comes along (1 MB), so that a test may load more than swan.sh does.
for prog in $swan_progs; do
	[ -x "$prog" ] || die "$prog not found on the host (run 'make deps': strongswan-charon, strongswan-swanctl)"
	copy_prog "$prog"
done
for p in $swan_plugins; do
	[ -f "/usr/lib/ipsec/plugins/libstrongswan-$p.so" ] ||
		die "strongSwan plugin $p not found on the host (run 'make deps')"
done
for f in /usr/lib/ipsec/plugins/libstrongswan-*.so; do
	copy_prog "$f"
done
# glibc dlopens libgcc_s for pthread_cancel(), which charon and swanctl
# call when they stop their threads: without it they abort at exit.
libc=$(ldd /usr/lib/ipsec/charon | grep -oE '/[^ ]+/libc\.so\.6' | head -n1)
[ -e "${libc%/*}/libgcc_s.so.1" ] || die "libgcc_s.so.1 not found next to $libc"
copy_file "${libc%/*}/libgcc_s.so.1"

# mho itself.
copy_prog "$MHOCTL" /usr/bin/mhoctl
[ -z "${MHOD:-}" ] || copy_prog "$MHOD" /usr/bin/mhod

# The kernel's YNL tool (tools/net/ynl/pyynl, copied from the kernel),
# the family's spec and tools/check-spec.py (whose reading of the spec
# selftests/ynl_check.py shares), at /usr/share/mho/ in the repo's layout,
# so that the tool finds the schema directory next to the specs; then
# Debian's python3 with only the modules these load, as a run of the
# host's python3 lists them: YNL's command line run as the tests run it
# (argparse, gettext, locale...), the spec read, and check-spec.py
# loaded. YNL imports nothing later but jsonschema, which the guest does
# without (--no-schema; make lint validates the spec). Sources only: the
# guest compiles each module once per boot, into its writable root. In
# all 10 MB, 3.5 MB compressed (2.6 MB of it python3 itself); the .pyc
# would add 1 MB more.
ynl_dst=$root/usr/share/mho
mkdir -p "$ynl_dst/tools/net/ynl" "$ynl_dst/Documentation"
cp -a "$MHO_ROOT/tools/net/ynl/pyynl" "$ynl_dst/tools/net/ynl/"
cp -a "$MHO_ROOT/tools/check-spec.py" "$ynl_dst/tools/"
cp -a "$MHO_ROOT/Documentation/netlink" "$ynl_dst/Documentation/"
find "$ynl_dst" -name __pycache__ -prune -exec rm -rf {} +
py=/usr/bin/python3
$py -c 'import yaml' 2>/dev/null || die "$py with PyYAML not found (run 'make deps')"
copy_prog "$(readlink -f $py)"
ln -sf "$(basename "$(readlink -f $py)")" "$root/usr/bin/python3"
# shellcheck disable=SC2016 # python, not shell
$py -B -c '
import contextlib, importlib.util, io, json, pprint, sys
root, spec = sys.argv[1], sys.argv[1] + "/Documentation/netlink/specs/mho.yaml"
sys.path.insert(0, root + "/tools/net/ynl/pyynl")
import cli
for argv in (["--help"], ["--spec", spec, "--no-schema", "--validate"]):
    sys.argv = ["cli.py"] + argv
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            cli.main()
        except SystemExit:
            pass
json.loads(json.dumps({"a": [1]})); pprint.pformat({"a": 1})
m = importlib.util.spec_from_file_location("cs", root + "/tools/check-spec.py")
m.loader.exec_module(importlib.util.module_from_spec(m))
for m in list(sys.modules.values()):
    f = getattr(m, "__file__", None)
    if f and f.startswith("/usr/lib/python3"):
        print(f)
' "$MHO_ROOT" |
	sort -u | while read -r f; do
		case $f in
		*.so) copy_prog "$f" ;;
		*) copy_file "$f" ;;
		esac
	done
# Python finds its prefix from os.py, and its exec prefix from lib-dynload.
pylib=$($py -c 'import os; print(os.path.dirname(os.__file__))')
[ -e "$root/$pylib/os.py" ] || die "python3: $pylib/os.py was not copied"
mkdir -p "$root/$pylib/lib-dynload"
cp "$MHO_KO" "$root/lib/mho/mho.ko"

# Kernel modules.
mdst=$root/lib/modules/$KREL
mkdir -p "$mdst/kernel"
for t in $module_trees; do
	if [ -d "$MODDIR/kernel/$t" ]; then
		mkdir -p "$mdst/kernel/$(dirname "$t")"
		cp -a "$MODDIR/kernel/$t" "$mdst/kernel/$t"
	fi
done
for f in "$MODDIR"/modules.order "$MODDIR"/modules.builtin "$MODDIR"/modules.builtin.modinfo; do
	[ -e "$f" ] && cp "$f" "$mdst/"
done
depmod -b "$root" "$KREL"

# Tests: everything under selftests/ except the VM harness.
mkdir -p "$root/selftests"
(cd "$MHO_SELFTESTS" && find . -mindepth 1 -maxdepth 1 ! -name vm -exec cp -a {} "$root/selftests/" \;)
cp "$here/../run_tests.sh" "$root/selftests/run_tests.sh"
# make demo's and make bench's guest sides (vm/init runs /JOB/guest.sh;
# 85-bench and 86-rehome run /bench/guest.sh), beside /selftests as in
# the repository; not the demo's plot fixture.
for job in demo bench; do
	if [ -d "$MHO_SELFTESTS/../$job" ]; then
		cp -a "$MHO_SELFTESTS/../$job" "$root/$job"
	fi
done
rm -rf "$root/demo/testdata"
# mhoctl(8), whose examples 12-examples.sh runs.
cp "$here/../../Documentation/mhoctl.8" "$root/selftests/mhoctl.8"
# Helper programs built with the tests need their libraries too.
find "$root/selftests" -type f -perm -u+x | while read -r f; do
	if [ "$(head -c4 "$f" | tr -d '\0')" = "$(printf '\177ELF')" ]; then
		ldd "$f" 2>/dev/null | grep -oE '/[^ ]+' | while read -r lib; do
			copy_file "$lib"
		done || true
	fi
done

cp "$here/init" "$root/init"
chmod 755 "$root/init"
echo "root:x:0:0:root:/root:/bin/bash" >"$root/etc/passwd"
echo "root:x:0:" >"$root/etc/group"
echo "127.0.0.1 localhost" >"$root/etc/hosts"
echo "::1 localhost" >>"$root/etc/hosts"

# zstd unpacks faster than gzip (matters under TCG); gzip works everywhere.
if grep -qx 'CONFIG_RD_ZSTD=y' "$KDIR/.config" 2>/dev/null; then
	compress="zstd -q -T0 -10"
else
	compress="gzip -6"
fi
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
	$compress >"$out.tmp"
mv "$out.tmp" "$out"
msg "initramfs $out: $(du -h "$out" | cut -f1) (${compress%% *})"
