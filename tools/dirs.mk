# SPDX-License-Identifier: GPL-2.0
#
# Where "make install" puts things: the top Makefile, mhoctl's and mhod's
# include this, so that one DESTDIR/PREFIX/...DIR on any of their command
# lines means the same. mho.service and mhod.service go to UNITDIR
# (Debian's packages: /lib/systemd/system), the example configurations
# to EXAMPLEDIR.
PREFIX ?= /usr
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
UNITDIR ?= $(PREFIX)/lib/systemd/system
EXAMPLEDIR ?= $(PREFIX)/share/doc/mho/examples
