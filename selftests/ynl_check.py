#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""
ynl_check.py ROOT policy|bounds: the running module against the YAML spec,
through the kernel's YNL library (ROOT/tools/net/ynl/pyynl), in one
process (a python3 start costs seconds under emulation).

  policy  every command's policy, as the kernel reports it (genetlink's
          CTRL_CMD_GETPOLICY), is what the spec's request accepts: the same
          attributes, types, lengths and bounds, nests included
  bounds  in the current netns: each bounded u32 of limits-set, and of
          binding-set (a binding's own values and limits), is accepted at
          both ends of the spec's range and refused one past each, with
          the extended ACK naming that attribute

The spec's request sets come from tools/check-spec.py (make lint's check
of the same spec against the C), so that both read the spec alike.
Prints each mismatch; exits 1 if there is one.
"""

import importlib.util
import os
import sys

ROOT = sys.argv[1]
SPEC = os.path.join(ROOT, 'Documentation/netlink/specs/mho.yaml')
sys.path.insert(0, os.path.join(ROOT, 'tools/net/ynl/pyynl'))
from lib import YnlFamily, NlError  # noqa: E402 pylint: disable=wrong-import-position

_mod = importlib.util.spec_from_file_location('check_spec',
                                              os.path.join(ROOT, 'tools/check-spec.py'))
cs = importlib.util.module_from_spec(_mod)
_mod.loader.exec_module(cs)

U32_MAX = 0xffffffff
# The policy dump's type names (YNL's Netlink.AttrType) for the spec's.
DUMP_TYPE = {'u8': 'u8', 'u16': 'u16', 'u32': 'u32', 'u64': 'u64',
             'binary': 'binary', 'string': 'nul-string', 'nest': 'nested'}
TYPE_MAX = {'u8': 0xff, 'u16': 0xffff, 'u32': U32_MAX, 'u64': 2**64 - 1}
problems = []


def want_entry(spec, a):
    """What the policy dump says for the spec's attribute a."""
    if a['type'] == 'pad':
        # Accepted in a request only empty (a context's GENERATION pad);
        # the dump leaves a lower bound of 0 out.
        return {'type': 'binary', 'max-length': 0}
    c = {k: spec.limit(v) for k, v in a.get('checks', {}).items()}
    out = {'type': DUMP_TYPE[a['type']]}
    if a['type'] in TYPE_MAX:
        out['min-value'] = c.get('min', 0)
        out['max-value'] = c.get('max', TYPE_MAX[a['type']])
    elif a['type'] in ('binary', 'string'):
        if 'exact-len' in c:
            out['min-length'] = out['max-length'] = c['exact-len']
        # min-len is not in the dump: genetlink reports a length's lower
        # bound only for a range (NLA_POLICY_MIN_LEN is NLA_VALIDATE_MIN).
        # make lint checks it in the C.
        if 'max-len' in c:
            out['max-length'] = c['max-len']
    return out


def compare(spec, where, set_name, pol):
    """The kernel's policy pol (an NlPolicy) against the spec's set."""
    attrs = {n: a for n, a in spec.attrs(set_name).items()
             if a['type'] != 'pad' or n in pol}
    if set(pol.keys()) != set(attrs):
        problems.append(f"{where}: the kernel accepts {sorted(pol.keys())}, "
                        f"the spec {set_name} {sorted(attrs)}")
    for n in sorted(set(pol.keys()) & set(attrs)):
        entry = pol[n]
        got = {k: getattr(entry, k.replace('-', '_'), None)
               for k in ('type', 'min-value', 'max-value', 'min-length', 'max-length')}
        got = {k: v for k, v in got.items() if v is not None}
        want = want_entry(spec, attrs[n])
        if attrs[n]['type'] == 'nest':
            got = {'type': got['type']}
        if got != want:
            problems.append(f"{where}: {n}: the kernel says {got}, the spec {want}")
        if attrs[n]['type'] == 'nest':
            compare(spec, f"{where}.{n}", attrs[n]['nested-attributes'], entry)


def check_policy(spec, ynl):
    for op in spec.yaml['operations']['list']:
        if 'do' not in op:
            continue
        set_name, names, _ = cs.request_sets(spec, op)
        pol = ynl.get_policy(op['name'], 'do')
        top = {n: a for n, a in spec.attrs(set_name).items() if n in names}
        if set(pol.keys()) != set(top):
            problems.append(f"{op['name']}: the kernel accepts {sorted(pol.keys())}, "
                            f"the spec {sorted(top)}")
        for n in sorted(set(pol.keys()) & set(top)):
            # NlPolicy names a nest's attributes after the op's set; the
            # narrower request set is a subset of it, with its names.
            compare(spec, f"{op['name']}: {n}", cs.request_nest(spec, op, n), pol[n])


def probe(ynl, op, msg, path, lo, hi):
    """msg(v): a request; path: the attribute the kernel must name."""
    for v, ok in ((hi, True), (lo, True), (hi + 1, False), (lo - 1, False)):
        if v < 0 or v > U32_MAX:
            continue
        try:
            ynl.do(op, msg(v))
            got = True
        except NlError as e:
            got = False
            bad = (e.nl_msg.extack or {}).get('bad-attr')
            if bad != path:
                problems.append(f"{path} = {v}: refused, naming {bad}: {e}")
        if got != ok:
            problems.append(f"{path} = {v}: {'accepted' if got else 'refused'}")


def check_bounds(spec, ynl):
    def bounded(set_name):
        for n, a in spec.attrs(set_name).items():
            c = a.get('checks', {})
            if a['type'] == 'u32' and 'max' in c:
                yield n, spec.limit(c.get('min', 0)), spec.limit(c['max'])

    saved = ynl.do('limits-get', {})['limits']
    for n, lo, hi in bounded('limits'):
        probe(ynl, 'limits-set', lambda v, n=n: {'limits': {n: v}},
              f".limits.{n}", lo, hi)
    # Each was left at its lowest (one binding, one peer): back as it was.
    ynl.do('limits-set', {'limits': saved})
    # A pAR binding, and a home agent's for cache-ms, which only it takes.
    ynl.do('peer-new', {'peer': {'addr': '2001:db8::99'}})
    ynl.do('binding-new', {'binding': {'id': 99, 'role': 'par', 'coa': '2001:db8:2::99',
                                        'peer': '2001:db8::99'}})
    ynl.do('binding-new', {'binding': {'id': 98, 'role': 'ha', 'hoa': '2001:db8:1::98',
                                        'coa': '2001:db8:2::98', 'peer': '2001:db8::99'}})
    for n, lo, hi in bounded('binding-set-input'):
        b = 98 if n == 'cache-ms' else 99
        probe(ynl, 'binding-set', lambda v, n=n, b=b: {'binding': {'id': b, n: v}},
              f".binding.{n}", lo, hi)
    for n, lo, hi in bounded('binding-limits'):
        probe(ynl, 'binding-set', lambda v, n=n: {'binding': {'id': 99, 'limits': {n: v}}},
              f".binding.limits.{n}", lo, hi)
    for b in (98, 99):
        ynl.do('binding-del', {'binding': {'id': b}})
    ynl.do('peer-del', {'peer': {'addr': '2001:db8::99'}})


def main():
    spec = cs.Spec(SPEC)
    ynl = YnlFamily(SPEC, '')
    {'policy': check_policy, 'bounds': check_bounds}[sys.argv[2]](spec, ynl)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
