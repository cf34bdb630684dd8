#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""
check-spec.py: check the "mho" family's YAML spec against the code.

  tools/check-spec.py [--root DIR]

(a) The spec, Documentation/netlink/specs/mho.yaml, validates against the
    kernel's schema for its protocol (Documentation/netlink/, copied from
    the kernel).
(b) include/uapi/linux/mho.h defines exactly the enums, attributes,
    commands and constants the spec does, with the same names and values.
(c) The kernel's genl ops (kernel/netlink.c) and their policies
    (every kernel/*.c) accept exactly the
    attributes the spec's requests do, with the spec's types and bounds;
    the ops' flags, the multicast group and the family's name and version
    match too.

The C is read with regular expressions, not compiled: policy tables are
"[ATTR] = entry" lists, object-like macros of the same file are expanded
in them, and an entry must be one of the forms policy_entry() knows; any
other form is an error, so that a new kind of entry is taught here rather
than skipped. Bounds are evaluated from the UAPI header's values, the
#defines of kernel/, and sizeof() of the XFRM UAPI structures (a small C
program built with the host's compiler). Prints every mismatch and exits 1
if there is one.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

import yaml

ERRORS = []


def err(msg):
    ERRORS.append(msg)


def c_upper(name):
    return name.upper().replace('-', '_')


def c_lower(name):
    return name.lower().replace('-', '_')


# ---- C source -------------------------------------------------------------

def strip_comments(text):
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    text = re.sub(r'//[^\n]*', '', text)
    return text.replace('\\\n', ' ')


def read_c(path):
    with open(path, encoding='utf-8') as f:
        return strip_comments(f.read())


def c_defines(text):
    """Object-like and function-like #defines: name -> (params, body)."""
    out = {}
    for m in re.finditer(r'^[ \t]*#define[ \t]+(\w+)(\(([^)]*)\))?[ \t]*(.*)$',
                         text, flags=re.M):
        params = None
        if m.group(2) is not None:
            params = [p.strip() for p in m.group(3).split(',') if p.strip()]
        out[m.group(1)] = (params, m.group(4).strip())
    return out


def c_enums(text):
    """enum name { A, B = 3, ... }: name -> [(ident, value)], and all values."""
    enums, values = {}, {}
    for m in re.finditer(r'enum\s+(\w+)\s*\{(.*?)\}\s*;', text, flags=re.S):
        val = -1
        entries = []
        for item in m.group(2).split(','):
            item = item.strip()
            if not item:
                continue
            if '=' in item:
                ident, expr = (s.strip() for s in item.split('=', 1))
                val = evaluate(expr, values)
            else:
                ident = item
                val += 1
            values[ident] = val
            entries.append((ident, val))
        enums[m.group(1)] = entries
    return enums, values


def split_top(text, sep=','):
    """Split on sep outside parentheses and braces."""
    parts, depth, cur = [], 0, ''
    for ch in text:
        if ch in '({[':
            depth += 1
        elif ch in ')}]':
            depth -= 1
        if ch == sep and depth == 0:
            parts.append(cur)
            cur = ''
        else:
            cur += ch
    if cur.strip():
        parts.append(cur)
    return [p.strip() for p in parts if p.strip()]


def call_args(text, name):
    """The arguments of the call name(...) that text is, or None."""
    m = re.fullmatch(re.escape(name) + r'\s*\((.*)\)', text.strip(), flags=re.S)
    return split_top(m.group(1)) if m else None


# Kernel-internal constants the policies use, with where they come from.
KERNEL_CONSTS = {
    'U32_MAX': 0xffffffff,      # include/linux/limits.h
    'IP_MAX_MTU': 0xffff,       # include/net/ip.h
    'XFRM_MAX_DEPTH': 6,        # include/net/xfrm.h
}

SIZEOF = {}


def sizeof(struct):
    """sizeof(struct name) of a UAPI struct, from the host's compiler."""
    if struct not in SIZEOF:
        src = ('#include <stdio.h>\n#include <netinet/in.h>\n'
               '#include <linux/xfrm.h>\n'
               f'int main(void) {{ printf("%zu", sizeof(struct {struct})); '
               'return 0; }\n')
        with tempfile.TemporaryDirectory() as tmp:
            c, exe = os.path.join(tmp, 's.c'), os.path.join(tmp, 's')
            with open(c, 'w', encoding='utf-8') as f:
                f.write(src)
            subprocess.run(['cc', '-o', exe, c], check=True)
            SIZEOF[struct] = int(subprocess.run([exe], check=True,
                                                capture_output=True,
                                                text=True).stdout)
    return SIZEOF[struct]


def evaluate(expr, names):
    """An integer C constant expression over known names."""
    e = expr.strip()
    e = re.sub(r'sizeof\s*\(\s*struct\s+(\w+)\s*\)',
               lambda m: str(sizeof(m.group(1))), e)
    e = re.sub(r'\bBIT\s*\(', '(1 << ', e)
    e = re.sub(r'\b(0[xX][0-9a-fA-F]+|\d+)[uUlL]*\b', r'\1', e)

    def name(m):
        n = m.group(0)
        if n in names:
            return str(names[n])
        if n in KERNEL_CONSTS:
            return str(KERNEL_CONSTS[n])
        raise ValueError(f"unknown name {n} in '{expr}'")
    e = re.sub(r'\b[A-Za-z_]\w*\b', name, e)
    if not re.fullmatch(r'[0-9a-fA-Fx+\-*/<>() \t]*', e):
        raise ValueError(f"cannot evaluate '{expr}'")
    return int(eval(e.replace('/', '//'), {'__builtins__': {}}))  # pylint: disable=eval-used


class Kernel:
    """The policies, ops, groups and family of kernel/*.c."""

    def __init__(self, root, uapi_values):
        kdir = os.path.join(root, 'kernel')
        # Every source file that defines a policy, a range or the
        # family (a policy may move between files).
        self.FILES = sorted(
            f for f in os.listdir(kdir)
            if f.endswith('.c') and not f.endswith('.mod.c') and
            re.search(r'struct\s+(nla_policy|netlink_range_validation|'
                      r'genl_family)\b|MHO_LIMIT\(',
                      read_c(os.path.join(kdir, f))))
        self.names = dict(uapi_values)
        self.texts = {f: read_c(os.path.join(kdir, f)) for f in self.FILES}
        self.macros = {}
        for f in ['policy.h', 'limits.h'] + self.FILES:
            text = self.texts.get(f) or read_c(os.path.join(kdir, f))
            for n, (params, body) in c_defines(text).items():
                self.macros[n] = (params, body)
                if params is None:
                    try:
                        self.names[n] = evaluate(body, self.names)
                    except (ValueError, SyntaxError):
                        pass
        self.ranges = {}
        self.tables = {}
        self.limit_rows = {}
        for f, text in self.texts.items():
            for m in re.finditer(r'struct\s+netlink_range_validation\s+(\w+)\s*=\s*\{(.*?)\}\s*;',
                                 text, flags=re.S):
                self.ranges[m.group(1)] = self.designated(m.group(2))
            for m in re.finditer(r'struct\s+nla_policy\s+(\w+)\s*\[[^\]]*\]\s*=\s*\{(.*?)\}\s*;',
                                 text, flags=re.S):
                self.tables[m.group(1)] = (f, self.expand(m.group(2)))
        m = re.search(r'struct\s+mho_limit\s+mho_limit_table\s*\[[^\]]*\][^=]*=\s*\{(.*?)\}\s*;',
                      self.texts['limits.c'], flags=re.S)
        for entry in split_top(m.group(1)):
            idx, val = self.index_entry(entry)
            args = call_args(val, 'MHO_LIMIT')
            self.limit_rows[idx] = {'min': evaluate(args[2], self.names),
                                    'max': evaluate(args[3], self.names)}

    def designated(self, body):
        out = {}
        for part in split_top(body):
            k, v = (s.strip() for s in part.split('=', 1))
            out[k.lstrip('.')] = evaluate(v, self.names)
        return out

    def expand(self, body):
        """Expand the macros that are policy entries or lists of them."""
        for _ in range(4):
            def sub(m):
                params, rep = self.macros[m.group(1)]
                if params is None:
                    return rep
                args = split_top(m.group(2)[1:-1])
                for p, a in zip(params, args):
                    rep = re.sub(r'\b' + p + r'\b', a, rep)
                return rep
            # Only mho's own list and entry macros: the rest is parsed.
            names = [n for n in self.macros
                     if n in ('MHO_BINDING_CFG_POLICY', 'MHO_CTX_RO',
                              'MHO_NOT_PER_BINDING', 'MHO_RANGE',
                              'MHO_BINDING_RANGE')]
            pat = r'\b(' + '|'.join(names) + r')\b(\((?:[^()]|\([^()]*\))*\))?'
            body = re.sub(pat, sub, body)
        return body

    def index_entry(self, entry):
        m = re.fullmatch(r'\[\s*(\w+)\s*\]\s*=\s*(.*)', entry.strip(), flags=re.S)
        if not m:
            raise ValueError(f"not a designated entry: {entry}")
        return self.names[m.group(1)], m.group(2).strip()

    def full_range(self, ref):
        m = re.fullmatch(r'&\s*(\w+)', ref)
        if m:
            r = self.ranges[m.group(1)]
            return r.get('min', 0), r['max']
        m = re.fullmatch(r'&\s*mho_limit_table\s*\[\s*(\w+)\s*\]\s*\.\s*(range|binding)', ref)
        if m:
            row = self.limit_rows[self.names[m.group(1)]]
            if m.group(2) == 'range':
                return row['min'], row['max']
            # .binding: 0 to the same maximum, set by mho_limits_setup().
            return 0, row['max']
        raise ValueError(f"unknown range {ref}")

    def policy_entry(self, val):
        """One entry as {'type', checks..., 'nested', 'macro'}."""
        val = re.sub(r'\s+', ' ', val).strip()
        num = lambda e: evaluate(e, self.names)  # noqa: E731
        if val == 'MHO_POLICY_IN6':
            return {'type': 'NLA_BINARY', 'exact-len': 16}
        if re.fullmatch(r'MHO_POLICY_REJECT\(.*\)', val) or \
           re.fullmatch(r'\{ ?\.type = NLA_REJECT\b.*\}', val):
            return {'type': 'NLA_REJECT'}
        for macro, keys in (('MHO_POLICY_MIN', ['min']), ('MHO_POLICY_MAX', ['max']),
                            ('MHO_POLICY_RANGE', ['min', 'max'])):
            args = call_args(val, macro)
            if args:
                out = {'type': args[0], 'macro': macro}
                for k, a in zip(keys, args[1:]):
                    out[k] = num(a)
                return out
        args = call_args(val, 'NLA_POLICY_FULL_RANGE')
        if args:
            lo, hi = self.full_range(args[1])
            return {'type': args[0], 'min': lo, 'max': hi, 'macro': 'FULL_RANGE'}
        for macro, key in (('NLA_POLICY_EXACT_LEN', 'exact-len'),
                           ('NLA_POLICY_MIN_LEN', 'min-len')):
            args = call_args(val, macro)
            if args:
                return {'type': 'NLA_BINARY', key: num(args[0])}
        args = call_args(val, 'NLA_POLICY_NESTED') or call_args(val, '_NLA_POLICY_NESTED')
        if args:
            return {'type': 'NLA_NESTED', 'nested': args[-1]}
        m = re.fullmatch(r'\{ ?\.type = (NLA_\w+) ?(?:, ?\.len = (.*?))? ?,? ?\}', val)
        if m:
            out = {'type': m.group(1)}
            if m.group(2):
                out['max-len'] = num(m.group(2))
            return out
        raise ValueError(f"policy entry of an unknown form: {val}")

    def policy(self, name):
        """Table name -> {attr value: entry}."""
        f, body = self.tables[name]
        out = {}
        for entry in split_top(body):
            try:
                idx, val = self.index_entry(entry)
                out[idx] = self.policy_entry(val)
            except (ValueError, KeyError) as e:
                err(f"kernel/{f}: {name}: {e}")
        return out

    def ops(self):
        """cmd value -> {'policy', 'dump', 'flags'}."""
        text = self.texts['netlink.c']
        m = re.search(r'struct\s+genl_ops\s+mho_ops\s*\[\]\s*=\s*\{(.*?)\}\s*;', text, flags=re.S)
        out = {}
        for entry in split_top(m.group(1)):
            for macro in ('MHO_OP', 'MHO_OP_DUMP'):
                args = call_args(entry, macro)
                if args:
                    body = self.macros[macro][1]
                    flags = set(re.findall(r'\.flags\s*=\s*([\w| ]+?)\s*,', body))
                    out[self.names[args[0]]] = {'policy': args[-1],
                                                'dump': macro == 'MHO_OP_DUMP',
                                                'flags': flags}
                    break
            else:
                err(f"kernel/netlink.c: mho_ops: unknown entry {entry}")
        return out

    def mcgrps(self):
        text = self.texts['netlink.c']
        m = re.search(r'struct\s+genl_multicast_group\s+mho_mcgrps\s*\[\]\s*=\s*\{(.*?)\}\s*;\s*\n',
                      text, flags=re.S)
        out = []
        for g in re.finditer(r'\{(.*?)\}', m.group(1), flags=re.S):
            d = dict((k.strip().lstrip('.'), v.strip()) for k, v in
                     (p.split('=', 1) for p in split_top(g.group(1))))
            out.append(d)
        return out

    def family(self):
        m = re.search(r'struct\s+genl_family\s+mho_family\b[^;=]*=\s*\{(.*?)\}\s*;',
                      self.texts['netlink.c'], flags=re.S)
        return dict((k.strip().lstrip('.'), v.strip()) for k, v in
                    (p.split('=', 1) for p in split_top(m.group(1))))


# ---- the spec -------------------------------------------------------------

class Spec:
    def __init__(self, path):
        with open(path, encoding='utf-8') as f:
            self.yaml = yaml.safe_load(f)
        self.name = self.yaml['name']
        self.sets = {s['name']: s for s in self.yaml['attribute-sets']}
        self.defs = {d['name']: d for d in self.yaml.get('definitions', [])}

    def attrs(self, set_name):
        """name -> attribute (a subset's with its parent's, overridden)."""
        s = self.sets[set_name]
        if 'subset-of' not in s:
            out, val = {}, 1
            for a in s['attributes']:
                val = a.get('value', val)
                out[a['name']] = dict(a, value=val)
                val += 1
            return out
        parent = self.attrs(s['subset-of'])
        return {a['name']: {**parent[a['name']], **a} for a in s['attributes']}

    def prefix(self, set_name):
        s = self.sets[set_name]
        if 'subset-of' in s:
            return self.prefix(s['subset-of'])
        return c_upper(s.get('name-prefix', f"{self.name}-a-{set_name}-"))

    def limit(self, v):
        if isinstance(v, int):
            return v
        m = re.fullmatch(r'([us])(8|16|32|64)-(min|max)', v)
        if m:
            bits = int(m.group(2))
            if m.group(1) == 'u':
                return 0 if m.group(3) == 'min' else (1 << bits) - 1
            return -(1 << (bits - 1)) if m.group(3) == 'min' else (1 << (bits - 1)) - 1
        return self.defs[v]['value']


# ---- (b) the UAPI header --------------------------------------------------

def check_uapi(spec, hdr_path):
    text = read_c(hdr_path)
    enums, _ = c_enums(text)
    defines = {}
    for n, (params, body) in c_defines(text).items():
        if params is None and not n.startswith('_UAPI_'):
            defines[n] = body
    seen_enums, seen_defines = set(), set()
    y = spec.yaml
    where = os.path.relpath(hdr_path)

    def expect_define(name, value):
        seen_defines.add(name)
        if name not in defines:
            err(f"{where}: no #define {name} (spec: {value!r})")
            return
        body = defines[name]
        if isinstance(value, str):
            got = bytes(body.strip('"'), 'utf-8').decode('unicode_escape') \
                if body.startswith('"') else None
        else:
            try:
                got = evaluate(body, values)
            except (ValueError, SyntaxError):
                got = None
        if got != value:
            err(f"{where}: {name} is {body}, the spec says {value!r}")

    def expect_enum(ename, entries, cnt=None):
        seen_enums.add(ename)
        if ename not in enums:
            err(f"{where}: no enum {ename}")
            return
        got = enums[ename]
        want = list(entries)
        if cnt:
            want.append((cnt, want[-1][1] + 1))
            expect_define(cnt.lstrip('_'), want[-1][1] - 1)
        if got != want:
            err(f"{where}: enum {ename} is\n    {got}\n  the spec says\n    {want}")

    _, values = c_enums(text)
    for n, body in defines.items():
        try:
            values[n] = evaluate(body, values)
        except (ValueError, SyntaxError):
            pass

    # Family, version, multicast groups.
    expect_define(c_upper(y.get('c-family-name', f"{spec.name}-family-name")), spec.name)
    expect_define(c_upper(y.get('c-version-name', f"{spec.name}-family-version")),
                  y.get('version', 1))
    for g in y.get('mcast-groups', {}).get('list', []):
        expect_define(c_upper(f"{spec.name}-mcgrp-{g['name']}"), g['name'])

    # Definitions.
    for d in y.get('definitions', []):
        if 'header' in d:
            continue
        if d['type'] == 'const':
            expect_define(c_upper(f"{spec.name}-{d['name']}"), d['value'])
            continue
        prefix = c_upper(d.get('name-prefix', f"{spec.name}-{d['name']}-"))
        val, entries = d.get('value-start', 0), []
        for e in d['entries']:
            e = e if isinstance(e, dict) else {'name': e}
            val = e.get('value', val)
            entries.append((prefix + c_upper(e['name']), val))
            val += 1
        cnt = None
        if d.get('render-max'):
            cnt = c_upper(d.get('enum-cnt-name', f"__{prefix}MAX"))
        expect_enum(c_lower(d.get('enum-name', f"{spec.name}-{d['name']}")), entries, cnt)

    # Attribute sets.
    for name, s in spec.sets.items():
        if 'subset-of' in s:
            continue
        prefix = spec.prefix(name)
        entries = [(prefix + 'UNSPEC', 0)]
        entries += [(prefix + c_upper(a), v['value']) for a, v in spec.attrs(name).items()]
        expect_enum(c_lower(s.get('enum-name', f"{spec.name}-{name}-attrs")),
                    entries, f"__{prefix}MAX")

    # Commands: the notifications reuse their command's value.
    ops = y['operations']
    prefix = c_upper(ops.get('name-prefix', f"{spec.name}-cmd-"))
    entries, val = [(prefix + 'UNSPEC', 0)], 1
    by_value = {}
    for op in ops['list']:
        if 'value' in op and ('notify' in op or 'event' in op) and \
           op['name'].endswith('-ntf'):
            cmd = op['name'][:-len('-ntf')]
            if by_value.get(op['value']) != cmd:
                err(f"spec: notification {op['name']} has value {op['value']}, "
                    f"not that of {cmd}")
            continue
        val = op.get('value', val)
        entries.append((prefix + c_upper(op['name']), val))
        by_value[val] = op['name']
        val += 1
    expect_enum(c_lower(ops.get('enum-name', f"{spec.name}-cmd")), entries,
                c_upper(y.get('cmd-cnt-name', f"__{prefix}MAX")))

    for e in enums:
        if e not in seen_enums:
            err(f"{where}: enum {e} is not in the spec")
    for d in defines:
        if d not in seen_defines:
            err(f"{where}: #define {d} is not in the spec")
    return values


# ---- (c) the kernel's ops and policies ------------------------------------

NLA_TYPES = {'u8': 'NLA_U8', 'u16': 'NLA_U16', 'u32': 'NLA_U32', 'u64': 'NLA_U64',
             's8': 'NLA_S8', 's16': 'NLA_S16', 's32': 'NLA_S32', 's64': 'NLA_S64',
             'binary': 'NLA_BINARY', 'string': 'NLA_NUL_STRING', 'nest': 'NLA_NESTED',
             'flag': 'NLA_FLAG'}
S16_MAX = 32767


def compare_policy(spec, kern, set_name, attr_names, table, where, seen):
    """The spec's attrs (of set_name, only attr_names if given) vs a C table."""
    if (set_name, table, tuple(attr_names or ())) in seen:
        return
    seen.add((set_name, table, tuple(attr_names or ())))
    attrs = spec.attrs(set_name)
    if attr_names is not None:
        attrs = {n: attrs[n] for n in attr_names}
    pol = kern.policy(table)
    by_value = {a['value']: (n, a) for n, a in attrs.items() if a['type'] != 'pad'}
    # A pad the request may carry (a u64 exported and sent back, as in a
    # context) is accepted empty: NLA_POLICY_EXACT_LEN(0).
    pads = {a['value']: n for n, a in attrs.items() if a['type'] == 'pad'}
    what = f"{where}: {table} vs spec set {set_name}"
    for v, ent in pol.items():
        if v in pads:
            if ent != {'type': 'NLA_BINARY', 'exact-len': 0}:
                err(f"{what}: pad {pads[v]}: kernel policy {ent}, not an empty "
                    "binary (NLA_POLICY_EXACT_LEN(0))")
            continue
        if ent['type'] == 'NLA_REJECT':
            if v in by_value:
                err(f"{what}: attribute {v} ({by_value[v][0]}) is rejected by the "
                    "kernel but accepted by the spec")
            continue
        if v not in by_value:
            err(f"{what}: the kernel accepts attribute {v}, the spec does not")
            continue
        n, a = by_value[v]
        want_type = NLA_TYPES[a['type']]
        if ent['type'] != want_type:
            err(f"{what}: {n}: kernel type {ent['type']}, spec {a['type']} ({want_type})")
        checks = {k: spec.limit(x) for k, x in a.get('checks', {}).items()}
        if a['type'][0] == 'u' and checks.get('min') == 0:
            del checks['min']
        got = {k: x for k, x in ent.items() if k not in ('type', 'nested', 'macro')}
        if a['type'][0] == 'u' and got.get('min') == 0:
            del got['min']
        if checks != got:
            err(f"{what}: {n}: kernel checks {got}, spec {checks}")
        # The s16 bounds of NLA_POLICY_MIN/MAX/RANGE (see kernel/policy.h).
        bound = max([abs(x) for k, x in got.items() if k in ('min', 'max')] or [0])
        if bound > S16_MAX and ent.get('macro') != 'FULL_RANGE':
            err(f"{what}: {n}: bound {bound} needs NLA_POLICY_FULL_RANGE")
        if a['type'] == 'nest':
            compare_policy(spec, kern, a['nested-attributes'], None, ent['nested'],
                           where, seen)
    for v, (n, a) in by_value.items():
        if v not in pol or pol[v]['type'] == 'NLA_REJECT':
            if v not in pol:
                err(f"{what}: the spec accepts {n}, the kernel's policy has no entry")


def request_sets(spec, op):
    """The op's request: (attribute set, names), and per-nest overrides
    from "Request policy: a, b." in its doc."""
    names = op.get('do', {}).get('request', {}).get('attributes', [])
    m = re.search(r'Request policy: ([\w, -]+)\.', op.get('doc', ''))
    override = [s.strip() for s in m.group(1).split(',')] if m else []
    return op['attribute-set'], names, override


def request_nest(spec, op, name):
    """The set the kernel accepts in the request's top-level attribute
    name: its nested set, or the "Request policy:" subset of the same."""
    set_name, _, override = request_sets(spec, op)
    nested = spec.attrs(set_name)[name].get('nested-attributes')
    base = spec.sets[nested].get('subset-of', nested)
    for o in override:
        if spec.sets[o].get('subset-of') == base:
            nested = o
    return nested


def check_kernel(spec, kern):
    y = spec.yaml
    kops = kern.ops()
    seen = set()
    flags_c = {'admin-perm': 'GENL_ADMIN_PERM', 'uns-admin-perm': 'GENL_UNS_ADMIN_PERM'}
    mcflags_c = {'admin-perm': 'GENL_MCAST_CAP_SYS_ADMIN',
                 'uns-admin-perm': 'GENL_MCAST_CAP_NET_ADMIN'}
    val, spec_cmds = 1, set()
    for op in y['operations']['list']:
        if 'notify' in op or 'event' in op:
            if 'value' not in op:
                val += 1
            continue
        val = op.get('value', val)
        cmd, val = val, val + 1
        spec_cmds.add(cmd)
        where = f"op {op['name']} ({cmd})"
        if cmd not in kops:
            err(f"{where}: not in kernel/netlink.c's mho_ops")
            continue
        k = kops[cmd]
        if ('dump' in op) != k['dump']:
            err(f"{where}: dump in spec {'dump' in op}, kernel {k['dump']}")
        want = {flags_c[f] for f in op.get('flags', [])}
        if want != k['flags']:
            err(f"{where}: flags {sorted(k['flags'])}, spec {sorted(want)}")
        set_name, names, _ = request_sets(spec, op)
        attrs = spec.attrs(set_name)
        top = kern.policy(k['policy'])
        top_by_val = {v: e for v, e in top.items() if e['type'] != 'NLA_REJECT'}
        want_vals = {attrs[n]['value']: n for n in names}
        if set(top_by_val) != set(want_vals):
            err(f"{where}: {k['policy']} accepts attributes {sorted(top_by_val)}, "
                f"the spec's request {sorted(want_vals)}")
        for v, n in want_vals.items():
            if v not in top_by_val:
                continue
            nested = request_nest(spec, op, n)
            if top_by_val[v]['type'] != 'NLA_NESTED':
                err(f"{where}: {n} is not nested in {k['policy']}")
                continue
            compare_policy(spec, kern, nested, None, top_by_val[v]['nested'], where, seen)
    for cmd in kops:
        if cmd not in spec_cmds:
            err(f"kernel/netlink.c: command {cmd} is not in the spec")

    groups = kern.mcgrps()
    spec_groups = y.get('mcast-groups', {}).get('list', [])
    want = [(c_upper(f"{spec.name}-mcgrp-{g['name']}"),
             ' | '.join(mcflags_c[f] for f in g.get('flags', [])) or None)
            for g in spec_groups]
    got = [(g.get('name'), g.get('flags')) for g in groups]
    if want != got:
        err(f"kernel/netlink.c: mho_mcgrps {got}, spec {want}")

    fam = kern.family()
    if fam.get('name') != c_upper(y.get('c-family-name')) or \
       fam.get('version') != c_upper(y.get('c-version-name')):
        err(f"kernel/netlink.c: mho_family's name/version {fam.get('name')}/"
            f"{fam.get('version')} are not the spec's defines")


def check_refs(spec):
    y = spec.yaml
    for name, s in spec.sets.items():
        if s.get('subset-of', name) not in spec.sets:
            err(f"spec: set {name} is a subset of no set {s['subset-of']}")
            continue
        parent = spec.attrs(s['subset-of']) if 'subset-of' in s else {}
        for a in s['attributes']:
            if 'subset-of' in s and a['name'] not in parent:
                err(f"spec: set {name}: {a['name']} is not in {s['subset-of']}")
                continue
            a = {**parent.get(a['name'], {}), **a}
            if a.get('type') == 'nest' and a.get('nested-attributes') not in spec.sets:
                err(f"spec: set {name}: {a['name']} nests an unknown set")
            if 'enum' in a and a['enum'] not in spec.defs:
                err(f"spec: set {name}: {a['name']} has an unknown enum {a['enum']}")
    ops = {op['name']: op for op in y['operations']['list']}
    groups = [g['name'] for g in y.get('mcast-groups', {}).get('list', [])]
    for op in ops.values():
        if 'notify' in op and op['notify'] not in ops:
            err(f"spec: op {op['name']} notifies as an unknown op")
        if 'mcgrp' in op and op['mcgrp'] not in groups:
            err(f"spec: op {op['name']}: unknown group {op['mcgrp']}")
        if 'attribute-set' not in op:
            continue
        if op['attribute-set'] not in spec.sets:
            err(f"spec: op {op['name']}: unknown set {op['attribute-set']}")
            continue
        attrs = spec.attrs(op['attribute-set'])
        for mode in ('do', 'dump', 'event'):
            m = op.get(mode, {})
            for part in ([m] if mode == 'event' else [m.get('request', {}),
                                                      m.get('reply', {})]):
                for n in part.get('attributes', []):
                    if n not in attrs:
                        err(f"spec: op {op['name']}: {n} is not in {op['attribute-set']}")
        _, _, override = request_sets(spec, op)
        for o in override:
            if o not in spec.sets:
                err(f"spec: op {op['name']}: unknown request policy set {o}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    ap.add_argument('--root', default=os.path.join(os.path.dirname(__file__), '..'))
    args = ap.parse_args()
    root = args.root
    path = os.path.join(root, 'Documentation/netlink/specs/mho.yaml')
    spec = Spec(path)

    # (a) the kernel's schema, as YNL validates it. (Imported here: the
    # VM's tests use this file's Spec without jsonschema.)
    import jsonschema  # pylint: disable=import-outside-toplevel
    schema_path = os.path.join(root, 'Documentation/netlink',
                               spec.yaml.get('protocol', 'genetlink') + '.yaml')
    try:
        with open(schema_path, encoding='utf-8') as f:
            schema = yaml.safe_load(f)
        jsonschema.validate(spec.yaml, schema)
    except OSError as e:
        err(f"no schema for protocol {spec.yaml.get('protocol')}: {e}")
    except jsonschema.ValidationError as e:
        err(f"{os.path.relpath(path)}: not valid against {os.path.relpath(schema_path)}: "
            f"{e.message} at {'/'.join(str(p) for p in e.absolute_path)}")

    # What the schema cannot see: every name the spec refers to exists.
    check_refs(spec)

    # (b) and (c).
    values = check_uapi(spec, os.path.join(root, 'include/uapi/linux/mho.h'))
    check_kernel(spec, Kernel(root, values))

    for e in ERRORS:
        print(f"check-spec: {e}", file=sys.stderr)
    if ERRORS:
        print(f"check-spec: {len(ERRORS)} mismatch(es) between the spec and the code",
              file=sys.stderr)
        return 1
    print("check-spec: the spec, the UAPI header and the kernel's policies agree")
    return 0


if __name__ == '__main__':
    sys.exit(main())
