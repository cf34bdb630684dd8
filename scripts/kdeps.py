#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""
The file-level dependency graph of kernel/, and its cycles.

A unit is a .c file and its .h (kernel/selftest/X.c, which X.c includes,
belongs to X). Unit A depends on unit B when A includes B's header, or
uses a name B owns: a function or variable B's .c defines, or a macro,
type, enum constant or inline function B's header defines. Prints the
edges, each with a few of the names behind it, and every cycle (strongly
connected component). Text-level, no compiler: comments and strings are
ignored, names are matched as whole words.

  scripts/kdeps.py [--dot] [--allow a:b ...] [--strict] [DIR]

--allow a:b    a two-way dependency between a and b that is by design
               (send/receive between handoff and tunnel, as in WireGuard)
--strict       exit 1 if a cycle remains beyond the allowed ones
"""

import argparse
import os
import re
import sys

IDENT = re.compile(r'[A-Za-z_]\w*')
KEYWORDS = {'if', 'else', 'while', 'for', 'do', 'switch', 'case', 'return',
            'sizeof', 'goto', 'break', 'continue', 'default'}


def strip(text):
    """Drop comments and string/char literals, keep line structure."""
    out = re.sub(r'/\*.*?\*/', lambda m: '\n' * m.group(0).count('\n'),
                 text, flags=re.S)
    out = re.sub(r'//[^\n]*', '', out)
    out = re.sub(r'"(\\.|[^"\\\n])*"', '""', out)
    return re.sub(r"'(\\.|[^'\\\n])*'", "''", out)


def unit_of(path):
    base = os.path.basename(path)
    return os.path.splitext(base)[0]


def c_defs(text):
    """Non-static functions and variables a .c file defines."""
    names = set()
    for m in re.finditer(r'^([A-Za-z_][^;{}()#]*?)\b(\w+)\s*\(([^;{}]*?)\)\s*'
                         r'(__\w+\s*)*\{', text, re.M):
        if not re.search(r'\bstatic\b', m.group(1)):
            names.add(m.group(2))
    names -= KEYWORDS
    for m in re.finditer(r'^([A-Za-z_][^;{}()#=]*?)\b(\w+)\s*(\[[^\]]*\]\s*)*'
                         r'(__\w+\s*)*(=|;)', text, re.M):
        pre = m.group(1)
        if re.search(r'\b(static|extern|return|typedef)\b', pre):
            continue
        if pre.strip() in ('', 'else'):
            continue
        names.add(m.group(2))
    return names - KEYWORDS


def h_externs(text):
    """Variables a header declares: the header is their interface."""
    return set(re.findall(r'^extern\s[^;(]*?\b(\w+)\s*(?:\[[^\]]*\]\s*)*;',
                          text, re.M))


def h_defs(text):
    """Macros, types, enum constants and inline functions of a header."""
    names = set(re.findall(r'^\s*#\s*define\s+(\w+)', text, re.M))
    for m in re.finditer(r'\b(struct|union|enum)\s+(\w+)\s*\{', text):
        names.add(m.group(1) + ' ' + m.group(2))
    for m in re.finditer(r'\benum\s*\w*\s*\{([^}]*)\}', text):
        for e in m.group(1).split(','):
            e = e.strip()
            if e:
                names.add(IDENT.match(e).group(0))
    for m in re.finditer(r'\bstatic\s+(inline\s+)?[^;{}()]*?\b(\w+)\s*\(', text):
        names.add(m.group(2))
    for m in re.finditer(r'\bstatic\s+const\s+[^;{}()=]*?\b(\w+)\s*=', text):
        names.add(m.group(1))
    return names


def uses(text):
    """
    Every name a file mentions (struct/union/enum tags with their kind),
    but for the tags it declares itself ("struct x;"): those it only
    points at, which needs no definition.
    """
    found = set(IDENT.findall(text))
    for m in re.finditer(r'\b(struct|union|enum)\s+(\w+)', text):
        found.add(m.group(1) + ' ' + m.group(2))
    for m in re.finditer(r'^(struct|union)\s+(\w+)\s*;', text, re.M):
        found.discard(m.group(1) + ' ' + m.group(2))
    return found


def h_prototypes(text):
    """
    Functions a header declares: a declaration is the interface, not a
    use, so a private header shared by several files (context_priv.h)
    does not depend on the files whose functions it declares.
    """
    return set(re.findall(r'^[A-Za-z_][^;{}#()\n=]*?\b(\w+)\s*\([^;{}]*\)\s*;',
                          text, re.M)) - KEYWORDS


def load(kdir):
    files = {}
    for root, _, names in os.walk(kdir):
        for n in sorted(names):
            if n.endswith(('.c', '.h')):
                p = os.path.join(root, n)
                with open(p, encoding='utf-8', errors='replace') as f:
                    files[p] = strip(f.read())
    return files


def graph(kdir):
    files = load(kdir)
    owner = {}
    for p, t in files.items():
        if p.endswith('.h'):
            for n in h_externs(t):
                owner[n] = unit_of(p)
    # .c definitions first: a prototype in a shared header belongs to
    # the file that implements it.
    for p, t in files.items():
        if p.endswith('.c'):
            for n in c_defs(t):
                owner.setdefault(n, unit_of(p))
    for p, t in files.items():
        if p.endswith('.h'):
            for n in h_defs(t):
                owner.setdefault(n, unit_of(p))
    units = sorted({unit_of(p) for p in files})
    edges = {}
    for p, t in files.items():
        u = unit_of(p)
        for inc in re.findall(r'^\s*#\s*include\s+"([^"]+)\.h"', t, re.M):
            v = os.path.basename(inc)
            if v != u and v in units:
                edges.setdefault((u, v), set()).add('#include "%s.h"' % inc)
        names = uses(t)
        if p.endswith('.h'):
            names -= h_prototypes(t)
        for n in names:
            v = owner.get(n)
            if v and v != u:
                edges.setdefault((u, v), set()).add(n)
    return units, edges


def sccs(units, edges):
    adj = {u: sorted(v for (a, v) in edges if a == u) for u in units}
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(u):
        index[u] = low[u] = len(index)
        stack.append(u)
        on.add(u)
        for v in adj[u]:
            if v not in index:
                visit(v)
                low[u] = min(low[u], low[v])
            elif v in on:
                low[u] = min(low[u], index[v])
        if low[u] == index[u]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == u:
                    break
            out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for u in units:
        if u not in index:
            visit(u)
    return [c for c in out if len(c) > 1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('dir', nargs='?', default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), '..', 'kernel'))
    ap.add_argument('--dot', action='store_true')
    ap.add_argument('--allow', action='append', default=[])
    ap.add_argument('--strict', action='store_true')
    ap.add_argument('--quiet', action='store_true',
                    help='print only the cycles')
    a = ap.parse_args()

    units, edges = graph(a.dir)
    allowed = set()
    for pair in a.allow:
        x, y = pair.split(':')
        allowed |= {(x, y), (y, x)}
    if a.dot:
        print('digraph kernel {')
        for (u, v) in sorted(edges):
            print('\t"%s" -> "%s";' % (u, v))
        print('}')
        return 0
    if not a.quiet:
        for (u, v) in sorted(edges):
            names = sorted(edges[(u, v)])
            more = ' ...' if len(names) > 4 else ''
            print('%-10s -> %-10s %s%s' % (u, v, ', '.join(names[:4]), more))
        print('%d units, %d edges' % (len(units), len(edges)))
    # Cycles once the allowed two-way pairs are taken out.
    kept = {e: n for e, n in edges.items() if e not in allowed}
    comps = sccs(units, kept)
    for c in comps:
        print('cycle: %s' % ' '.join(c))
        for (u, v) in sorted(kept):
            if u in c and v in c:
                names = sorted(kept[(u, v)])
                more = ' ...' if len(names) > 3 else ''
                print('  %s -> %s: %s%s' % (u, v, ', '.join(names[:3]), more))
    print('%d cycle(s)%s' % (len(comps), ' beyond ' + ', '.join(a.allow)
                             if a.allow else ''))
    return 1 if a.strict and comps else 0


if __name__ == '__main__':
    sys.exit(main())
