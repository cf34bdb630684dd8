#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""An independent encoder of test-ctxwire.c's small() context in mho's
portable context encoding (Documentation/context.rst, "Portable
encoding"), written from the documentation rather than from ctxwire.c.
Prints the hex that test-ctxwire.c's small_hex holds, one record per line.
"""
import ipaddress
import struct


def a(s):
    return ipaddress.IPv6Address(s).packed


def rec(t, v):
    return struct.pack("!HH", t, len(v)) + v


def selector(d, s):
    # daddr, saddr, dport, dport_mask, sport, sport_mask (as they are),
    # family(2), prefixlen_d, prefixlen_s, proto, ifindex(4), user(4)
    return (a(d) + a(s) + struct.pack("!HHHH", 443, 0xffff, 0, 0)
            + struct.pack("!HBBBiI", 10, 128, 64, 6, 7, 1000))


INF = 0xffffffffffffffff
MHO_CTX_A_VERSION, MHO_CTX_A_AR, MHO_CTX_A_COA = 1, 2, 3
MHO_CTX_A_POLICY, MHO_CTX_A_GENERATION = 6, 15
MHO_POL_A_INFO, MHO_POL_A_TMPL = 1, 2

lft = struct.pack("!8Q", INF, 0, 0, 0, 0, 0, 0, 0)
cur = struct.pack("!4Q", 0, 0, 0, 99)
info = (selector("2001:db8:c::", "2001:db8:ff::10") + lft + cur
        # priority, index, dir (in), action (allow), flags (localok), share
        + struct.pack("!IIBBBB", 0xff00, 0x208, 0, 0, 1, 0))
tmpl = (a("2001:db8:1::1") + struct.pack("!I", 0xc0000000) + bytes([50])
        + struct.pack("!H", 10) + a("2001:db8:a::10")
        + struct.pack("!IBBBIII", 0x01020304, 1, 0, 0,
                      0xffffffff, 0xffffffff, 0xffffffff))
records = [
    rec(MHO_CTX_A_VERSION, struct.pack("!I", 2)),
    rec(MHO_CTX_A_AR, a("2001:db8:1::1")),
    rec(MHO_CTX_A_COA, a("2001:db8:a::10")),
    rec(MHO_CTX_A_GENERATION, struct.pack("!Q", 0x1122334455667788)),
    rec(MHO_CTX_A_POLICY, rec(MHO_POL_A_INFO, info) + rec(MHO_POL_A_TMPL, tmpl)),
]
for r in records:
    print('\t"%s"' % r.hex())
