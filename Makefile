# SPDX-License-Identifier: GPL-2.0
#
# mho: the kernel module (Kbuild lists its files), mhoctl and the tests.
#
#   make                 mho.ko (against KDIR) and tools/mhoctl/mhoctl
#   make deps            install the Debian packages everything needs
#   make demo            a handoff without mho, classic, and with mho, in a
#                        VM: a plot and a table (see README, "Demo")
#   make lint            checkpatch --strict, W=1 + sparse, mhoctl -Werror,
#                        check-plot, the options of selftests/config in
#                        KDIR's .config and selftests/vm/kernel-base.config,
#                        the YAML spec against the UAPI and the policies,
#                        and the shared library's tests (tools/lib)
#   make check-plot      the demo's plot, drawn from a synthetic run (and
#                        the last make demo's), read back and checked
#   make check           selftests in qemu on Debian's 6.1 cloud kernel
#   make check KERNEL=6.12|latest|debug   ... on another kernel
#   make check-debug     the same on a 6.1 debug kernel (KASAN, lockdep, ...)
#   make test            what CI runs: lint, check-mhod, then check on 6.1
#                        and 6.12, check-debug, and check on "latest" if
#                        it is built
#   make check-mhod      mhod's wire layer on the host: round trips,
#                        malformed input, under ASan/UBSan, and tshark
#   make fuzz            the fuzz harnesses (mhod's, tools/lib's), FUZZ_TIME
#                        (60) s each
#   make install         mho.ko (modules_install, depmod), mhoctl, man pages,
#                        mhoctl's bash completion, mho.service (not enabled)
#                        and an example mho.conf
#   make uninstall       removes what make install installed
#   make package-test    make install, DKMS, the Debian packages, and these
#                        installed in a Debian 12 chroot (README, Install)
#   make clean
#
# Variables: KDIR (kernel build tree for "make"/"make lint"), T=PATTERN
# (run only matching tests), KERNEL (for "make check": 6.1, 6.12, latest,
# debug), MHO_LATEST (the version "latest" builds, 7.2), MHO_CACHE
# (downloads and builds; default ~/.cache/mho).
# For install and uninstall: DESTDIR, PREFIX (/usr), SBINDIR, MANDIR,
# BASHCOMPDIR ($(PREFIX)/share/bash-completion/completions), UNITDIR
# ($(PREFIX)/lib/systemd/system), EXAMPLEDIR ($(PREFIX)/share/doc/mho/examples),
# INSTALL_MOD_PATH (DESTDIR), INSTALL_MOD_DIR (extra), and KDIR, whose
# kernel release says where the module goes.

# The running kernel's build tree, else the newest Debian headers.
ifeq ($(origin KDIR),undefined)
KDIR := $(shell \
	if [ -d /lib/modules/$$(uname -r)/build ]; then \
		echo /lib/modules/$$(uname -r)/build; \
	else \
		ls -d /usr/src/linux-headers-*-cloud-amd64 \
		      /usr/src/linux-headers-*-amd64 2>/dev/null | sort -uV | tail -n1; \
	fi)
endif
KERNEL ?= 6.1
# Pipelines (make ... | tee) fail when make fails.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
MHO_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/mho
export MHO_CACHE T

KSRC := /usr/src/linux-source-6.1.tar.xz
CHECKPATCH := $(MHO_CACHE)/checkpatch/scripts/checkpatch.pl
LINT_LOG := $(MHO_CACHE)/lint

DEPS := qemu-system-x86 linux-headers-cloud-amd64 \
	linux-headers-6.12-cloud-amd64 linux-source-6.1 \
	libnl-genl-3-dev libnl-3-dev pkg-config sparse busybox-static \
	bc bison flex libelf-dev libssl-dev dwarves cpio kmod zstd xz-utils \
	iproute2 gcc make strace python3 python3-yaml python3-jsonschema \
	strongswan-charon strongswan-swanctl libstrongswan-standard-plugins nftables \
	tshark clang libclang-rt-14-dev
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
APT := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get

all: module mhoctl

module:
	@[ -n "$(KDIR)" ] || { echo "no kernel headers found: run 'make deps' or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

mhoctl:
	$(MAKE) -C tools/mhoctl

# The statically linked mhoctl that the test guests run (see
# tools/mhoctl/Makefile); same sources and objects as mhoctl.
mhoctl-static: mhoctl
	$(MAKE) -C tools/mhoctl mhoctl.static

# The signaling daemon (tools/mhod), which the VM tests run too.
mhod:
	$(MAKE) -C tools/mhod build/mhod

# Helpers the tests run in the guest, if there are any.
selftests-tools:
	if [ -f selftests/tools/Makefile ]; then $(MAKE) -C selftests/tools; fi

# "latest" is built from sid's linux-source package, which is only
# downloaded (never installed). sid is added to apt's sources pinned at
# priority 1, so that nothing, libc least of all, is upgraded from it.
SID_SOURCES := /etc/apt/sources.list.d/mho-sid.sources
SID_PIN := /etc/apt/preferences.d/mho-sid

deps:
	@if [ ! -f $(SID_PIN) ]; then \
		printf 'Package: *\nPin: release n=sid\nPin-Priority: 1\n' | \
			$(SUDO) tee $(SID_PIN) >/dev/null; \
	fi
	@if [ ! -f $(SID_SOURCES) ]; then \
		printf '%s\n' 'Types: deb' 'URIs: http://deb.debian.org/debian' \
			'Suites: sid' 'Components: main' \
			'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' | \
			$(SUDO) tee $(SID_SOURCES) >/dev/null; \
		$(APT) update -q; \
	fi
	@missing=; \
	for p in $(DEPS); do \
		dpkg-query -W -f '$${db:Status-Abbrev}' $$p 2>/dev/null | grep -q '^ii' || \
			missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "deps: installing$$missing"; \
		$(APT) update -q && \
		$(APT) install -q -y --no-install-recommends $$missing; \
	else \
		echo "deps: all installed"; \
	fi

# checkpatch.pl, spelling.txt and const_structs.checkpatch come from the
# kernel source tarball, extracted once.
$(CHECKPATCH): $(KSRC)
	rm -rf $(MHO_CACHE)/checkpatch
	mkdir -p $(MHO_CACHE)/checkpatch
	tar -C $(MHO_CACHE)/checkpatch --strip-components=1 -xf $(KSRC) linux-source-6.1/scripts
	touch $@

# lint's builds in parallel, one job a CPU (the stop hook's time limit).
LINT_J := -j$(shell nproc 2>/dev/null || echo 1)

lint: $(CHECKPATCH)
	@mkdir -p $(LINT_LOG)
	@# Policy bounds go through MHO_POLICY_*(), which refuse at build time
	@# what an s16 cannot hold (kernel/policy.h).
	@if grep -nE 'NLA_POLICY_(MAX|MIN|RANGE)\(' kernel/*.c kernel/*.h | \
		grep -v 'MHO_S16_BOUND'; then \
		echo "lint: use MHO_POLICY_MAX/MIN/RANGE (kernel/policy.h)"; exit 1; fi
	@# The YAML spec against the kernel's schema, the UAPI header and the
	@# policies (Documentation/uapi.rst, "The YAML spec").
	python3 tools/check-spec.py
	$(CHECKPATCH) --no-tree --strict --show-types --file \
		$(wildcard kernel/*.c kernel/*.h kernel/*/*.c kernel/*/*.h) include/uapi/linux/mho.h
	@# No file dependency cycle in kernel/ beyond the send/receive pair
	@# (Documentation/design.rst, "Map").
	python3 scripts/kdeps.py --quiet --strict --allow handoff:tunnel
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean >/dev/null
	$(MAKE) $(LINT_J) -C $(KDIR) M=$(CURDIR) W=1 C=2 modules 2>&1 | tee $(LINT_LOG)/kbuild.log
	! grep -iE 'warning:|error:' $(LINT_LOG)/kbuild.log
	@# -Werror here, and only when asked (WERROR=1) in mhoctl's own build.
	@if $(MAKE) -s -C tools/mhoctl -n -B mhoctl CFLAGS=-O2 WERROR= | grep -q -- '-Werror'; then \
		echo "lint: mhoctl's default build must not add -Werror"; exit 1; fi
	$(MAKE) -C tools/mhoctl clean >/dev/null
	$(MAKE) -C tools/mhoctl WERROR=1 CFLAGS='-O2 -Wall -Wextra -Werror' 2>&1 | tee $(LINT_LOG)/mhoctl.log
	! grep -iE 'warning:|error:' $(LINT_LOG)/mhoctl.log
	$(MAKE) -C tools/mhoctl check-completion
	$(MAKE) -C tools/mhod check-completion
	@# mho.service as make install writes it (ExecStart= the mhoctl just
	@# built), with the man pages it names, if systemd-analyze is here.
	@if command -v systemd-analyze >/dev/null; then \
		rm -rf $(LINT_LOG)/stage && \
		$(MAKE) -s -C tools/mhoctl install DESTDIR=$(LINT_LOG)/stage \
			PREFIX=/usr SBINDIR=$(CURDIR)/tools/mhoctl && \
		$(MAKE) -s -C tools/mhod install DESTDIR=$(LINT_LOG)/stage \
			PREFIX=/usr SBINDIR=$(CURDIR)/tools/mhod/build && \
		MANPATH=$(LINT_LOG)/stage/usr/share/man systemd-analyze verify \
			$(LINT_LOG)/stage/usr/lib/systemd/system/mho.service \
			$(LINT_LOG)/stage/usr/lib/systemd/system/mhod.service \
			>$(LINT_LOG)/unit.log 2>&1; rc=$$?; cat $(LINT_LOG)/unit.log; \
		[ $$rc = 0 ] && [ ! -s $(LINT_LOG)/unit.log ] || \
			{ echo "lint: systemd-analyze verify mho.service mhod.service"; exit 1; }; \
		echo "lint: mho.service and mhod.service verified"; \
	else \
		echo "lint: no systemd-analyze, mho.service not verified"; \
	fi
	@# The example mho.conf: setconf checks every line before it asks the
	@# module anything, so here, without the module, "not loaded" is the
	@# only error a valid file gets (never run where mho is loaded).
	@if [ -e /sys/module/mho ]; then \
		echo "lint: mho is loaded here, tools/systemd/mho.conf.example not checked"; \
	else \
		out=$$(tools/mhoctl/mhoctl setconf tools/systemd/mho.conf.example 2>&1); \
		[ "$$out" = 'Error: mho module not loaded (generic netlink family "mho" not found)' ] || \
			{ echo "lint: tools/systemd/mho.conf.example: $$out"; exit 1; }; \
	fi
	$(MAKE) -C tools/lib clean >/dev/null
	$(MAKE) -C tools/lib test
	$(MAKE) -C tools/mhod clean >/dev/null
	$(MAKE) $(LINT_J) -C tools/mhod WERROR=1 2>&1 | tee $(LINT_LOG)/mhod.log
	! grep -iE 'warning:|error:' $(LINT_LOG)/mhod.log
	if [ -f selftests/tools/Makefile ]; then \
		$(MAKE) -C selftests/tools clean >/dev/null && \
		$(MAKE) $(LINT_J) -C selftests/tools CFLAGS='-O2 -Wall -Wextra -Werror' 2>&1 | \
			tee $(LINT_LOG)/selftests-tools.log; \
		! grep -iE 'warning:|error:' $(LINT_LOG)/selftests-tools.log | \
			grep -v "in statically linked applications requires at runtime"; \
	fi
	$(MAKE) --no-print-directory check-plot
	$(MAKE) --no-print-directory -C selftests check-config \
		KCONFIG="$(wildcard $(KDIR)/.config) $(CURDIR)/selftests/vm/kernel-base.config"
	@echo "lint: clean"

# The demo's plot.py on a synthetic run (demo/testdata) and on
# $(MHO_CACHE)/demo/latest if there is one; check_plot.py reads the SVG
# back: well-formed, a legend that matches what is drawn, no overlapping
# labels, shared windows, the delay panels and the sender's stalls.
check-plot:
	python3 demo/check_plot.py

# The last line of output is the summary: "N passed, N failed".
check: mhoctl-static mhod selftests-tools
	@selftests/vm/run.sh $(KERNEL)

check-debug: mhoctl-static mhod selftests-tools
	@selftests/vm/run.sh debug

# selftests/vm/matrix.sh runs 6.1, 6.12, debug and, when its build is
# cached (a cold build takes about 30 minutes, more than CI can spare next
# to the debug kernel's), latest, in turn; it ends with the total.
test: mhoctl-static mhod selftests-tools
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory check-mhod
	@selftests/vm/matrix.sh

# mhod's wire layer needs no VM: its tests run here (tools/mhod/Makefile);
# so does the check of the VM's signaling captures (selftests/vm/
# pcap-check.sh), on consoles made up from the same messages.
# Each fuzz harness runs for CHECK_FUZZ_TIME seconds too (ASan+UBSan).
check-mhod:
	$(MAKE) -C tools/mhod test asan interop ipsec-check
	cd tools/mhod && ../../selftests/vm/test-pcap-check.sh build/mhod-test \
		$(or $(SHARED),../../../shared)/signaling/vectors.hex mhod.conf.example
	$(MAKE) -C tools/mhod fuzz FUZZ_TIME=$(or $(CHECK_FUZZ_TIME),20)
	$(MAKE) -C tools/lib fuzz FUZZ_TIME=$(or $(CHECK_FUZZ_TIME),20)

fuzz:
	$(MAKE) -C tools/mhod fuzz FUZZ_TIME=$(or $(FUZZ_TIME),60)
	$(MAKE) -C tools/lib fuzz FUZZ_TIME=$(or $(FUZZ_TIME),60)

.PHONY: check-mhod check-plot fuzz

# make demo: a handoff without mho, with classic smooth handoff and with
# mho, in one VM (KERNEL, 6.1 by default); then, on the host, the plot
# (handoff.svg) and the table (summary.md), in DEMO_OUT (default
# $(MHO_CACHE)/demo/<date>-<time>). Fails like "make check" if the VM does.
demo: mhoctl-static mhod selftests-tools
	@demo/demo.sh $(KERNEL)

.PHONY: demo

# make bench: the benchmarks of Documentation/performance.rst in one VM
# (KERNEL, 6.1 by default), as ratios within that run; results in
# BENCH_OUT (default $(MHO_CACHE)/bench/<date>-<time>). Not part of check.
bench: mhoctl-static mhod selftests-tools
	@bench/bench.sh $(KERNEL)

.PHONY: bench

# make install: mho.ko through the kernel's modules_install into
# $(INSTALL_MOD_PATH)/lib/modules/<release>/$(INSTALL_MOD_DIR), then
# mhoctl and its man page through tools/mhoctl's install target. The
# release is KDIR's UTS_RELEASE: Debian's 6.1 headers' "make
# kernelrelease" says 6.1.N, not the 6.1.0-N-<flavour> of /lib/modules.
# modules_install's own depmod needs a System.map that headers lack, so
# depmod runs here, on any tree that holds a kernel's modules (the
# system, a chroot); a staging DESTDIR gets none (a package's postinst
# runs depmod). modules_install signs with the kernel's own key only
# where KDIR has it (a kernel built here; headers packages have none).
include tools/dirs.mk
INSTALL_MOD_PATH ?= $(DESTDIR)
INSTALL_MOD_DIR ?= extra
MHO_KREL = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null)
MHO_MODDIR = $(INSTALL_MOD_PATH)/lib/modules/$(MHO_KREL)
MHO_NOSIGN = $(if $(wildcard $(KDIR)/certs/signing_key.x509),,CONFIG_MODULE_SIG_ALL=)
MHO_DIRS := DESTDIR=$(DESTDIR) PREFIX=$(PREFIX) SBINDIR=$(SBINDIR) MANDIR=$(MANDIR) \
	BASHCOMPDIR=$(BASHCOMPDIR) UNITDIR=$(UNITDIR) EXAMPLEDIR=$(EXAMPLEDIR)
mho_depmod = if [ -e $(MHO_MODDIR)/modules.builtin ]; then \
		depmod -b $(or $(INSTALL_MOD_PATH),/) $(MHO_KREL); \
	else \
		echo "depmod: not run, $(MHO_MODDIR) holds no kernel's modules"; \
	fi

install: module mhoctl mhod
	@[ -n "$(MHO_KREL)" ] || { echo "no UTS_RELEASE in $(KDIR)" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) KERNELRELEASE=$(MHO_KREL) \
		INSTALL_MOD_PATH=$(INSTALL_MOD_PATH) INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) \
		$(MHO_NOSIGN) modules_install
	@$(mho_depmod)
	$(MAKE) -C tools/mhoctl install $(MHO_DIRS)
	$(MAKE) -C tools/mhod install $(MHO_DIRS)

uninstall:
	@[ -n "$(MHO_KREL)" ] || { echo "no UTS_RELEASE in $(KDIR)" >&2; exit 1; }
	rm -f $(foreach x,ko ko.gz ko.xz ko.zst,$(MHO_MODDIR)/$(INSTALL_MOD_DIR)/mho.$(x))
	-rmdir --ignore-fail-on-non-empty $(MHO_MODDIR)/$(INSTALL_MOD_DIR)
	@$(mho_depmod)
	rm -f $(DESTDIR)$(SBINDIR)/mhoctl $(DESTDIR)$(MANDIR)/man8/mhoctl.8 \
		$(DESTDIR)$(BASHCOMPDIR)/mhoctl $(DESTDIR)$(MANDIR)/man5/mho.conf.5 \
		$(DESTDIR)$(UNITDIR)/mho.service $(DESTDIR)$(EXAMPLEDIR)/mho.conf
	$(MAKE) -C tools/mhod uninstall $(MHO_DIRS)
	-rmdir --ignore-fail-on-non-empty $(DESTDIR)$(EXAMPLEDIR)

# make package-test: selftests/package-test.sh, as root, with the network
# (deb.debian.org); 3 to 4 minutes. Not part of make test.
package-test:
	@selftests/package-test.sh

.PHONY: install uninstall package-test

clean:
	@if [ -n "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	$(MAKE) -C tools/mhoctl clean
	$(MAKE) -C tools/lib clean
	$(MAKE) -C tools/mhod clean
	if [ -f selftests/tools/Makefile ]; then $(MAKE) -C selftests/tools clean; fi

.PHONY: all module mhoctl mhoctl-static mhod selftests-tools deps lint check check-debug test clean
