#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Render the handoff demo's results (python3 standard library only).

    plot.py DIR

DIR holds what selftests/demo/guest.sh made in the VM: params, and for
each mode (none, classic, mho) a directory with send.log ("seq send_ns
[errno]"), recv.log ("seq send_ns recv_ns" per arrival), events ("NAME
ns") and summary (key=value, mho_probe's numbers). All times are the
guest's CLOCK_MONOTONIC.

Writes DIR/handoff.svg, sequence number against time for each mode (a row
each: the whole stream, and a zoom on the move), sent and received, and
DIR/summary.md, the table, which it also prints.
"""
import html
import math
import os
import sys

MODES = [
    ("none", "(a) no mho"),
    ("classic", "(b) classic smooth handoff"),
    ("mho", "(c) mho"),
]
# Events that mark the move (not the stream's start and end).
STREAM_EVENTS = {"send", "sent", "nar-idle"}

COLORS = {
    "sent": "#b0b0b0",
    "received": "#1f77b4",
    "out_of_order": "#ff7f0e",
    "duplicate": "#9467bd",
    "lost": "#d62728",
    "event": "#555555",
}


def read_kv(path):
    kv = {}
    try:
        with open(path) as f:
            for line in f:
                k, sep, v = line.strip().partition("=")
                if sep:
                    kv[k] = v
    except OSError:
        pass
    return kv


def read_rows(path, fields):
    rows = []
    try:
        with open(path) as f:
            for line in f:
                p = line.split()
                if len(p) >= fields:
                    try:
                        rows.append(tuple(int(x) for x in p[:fields]) + tuple(p[fields:]))
                    except ValueError:
                        pass
    except OSError:
        pass
    return rows


def read_events(path):
    ev = []
    try:
        with open(path) as f:
            for line in f:
                p = line.split()
                if len(p) == 2:
                    try:
                        ev.append((p[0], int(p[1])))
                    except ValueError:
                        pass
    except OSError:
        pass
    return ev


class Run:
    """One mode's data, times in ms from the first packet sent."""

    def __init__(self, d):
        self.summary = read_kv(os.path.join(d, "summary"))
        send = read_rows(os.path.join(d, "send.log"), 2)
        recv = read_rows(os.path.join(d, "recv.log"), 3)
        events = read_events(os.path.join(d, "events"))
        if send:
            t0 = min(r[1] for r in send)
        elif recv:
            t0 = min(r[1] for r in recv)
        else:
            t0 = 0
        ms = lambda ns: (ns - t0) / 1e6  # noqa: E731
        # Sent: every packet; those sendto() refused, or that never
        # arrived, are "lost".
        arrived = {r[0] for r in recv}
        self.sent = [(ms(r[1]), r[0]) for r in send if len(r) == 2]
        self.lost = [(ms(r[1]), r[0]) for r in send if len(r) > 2 or r[0] not in arrived]
        # Received, classified as mho_probe counts: first arrivals in
        # order, first arrivals below the highest so far (out of order),
        # and repeats (duplicates).
        self.received, self.ooo, self.dups = [], [], []
        seen, highest = set(), -1
        for seq, _send_ns, recv_ns in (r[:3] for r in recv):
            p = (ms(recv_ns), seq)
            if seq in seen:
                self.dups.append(p)
                continue
            seen.add(seq)
            if seq < highest:
                self.ooo.append(p)
            else:
                highest = seq
                self.received.append(p)
        self.events = [(name, ms(ns)) for name, ns in events]
        pts = self.sent + self.received + self.ooo + self.dups
        self.tmax = max((p[0] for p in pts), default=1.0)
        self.smax = max((p[1] for p in pts), default=1)
        self.empty = not pts


def nice_ticks(lo, hi, n=6):
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step) * step
    ticks = []
    t = first
    while t <= hi + step * 1e-9:
        ticks.append(round(t, 6))
        t += step
    return ticks


def fmt_tick(v):
    return str(int(v)) if float(v).is_integer() else ("%g" % v)


class Panel:
    """One plot: sequence number (y) against time in ms (x)."""

    W, H = 560, 300
    ML, MR, MT, MB = 62, 14, 30, 42

    def __init__(self, x, y, title, xr, yr):
        self.x, self.y, self.title = x, y, title
        self.x0, self.x1 = xr
        self.y0, self.y1 = yr

    def px(self, t):
        w = self.W - self.ML - self.MR
        return self.x + self.ML + (t - self.x0) / (self.x1 - self.x0) * w

    def py(self, s):
        h = self.H - self.MT - self.MB
        return self.y + self.MT + h - (s - self.y0) / (self.y1 - self.y0) * h

    def render(self, run, cid):
        o = []
        L, T = self.x + self.ML, self.y + self.MT
        w, h = self.W - self.ML - self.MR, self.H - self.MT - self.MB
        o.append('<clipPath id="%s"><rect x="%.1f" y="%.1f" width="%.1f" height="%.1f"/></clipPath>'
                 % (cid, L, T, w, h))
        o.append('<text x="%.1f" y="%.1f" class="title">%s</text>'
                 % (L, self.y + 18, html.escape(self.title)))
        o.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" class="frame"/>' % (L, T, w, h))
        for t in nice_ticks(self.x0, self.x1):
            X = self.px(t)
            o.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" class="grid"/>' % (X, T, X, T + h))
            o.append('<text x="%.1f" y="%.1f" class="tick" text-anchor="middle">%s</text>'
                     % (X, T + h + 15, fmt_tick(t)))
        for s in nice_ticks(self.y0, self.y1, 5):
            Y = self.py(s)
            o.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" class="grid"/>' % (L, Y, L + w, Y))
            o.append('<text x="%.1f" y="%.1f" class="tick" text-anchor="end">%s</text>'
                     % (L - 5, Y + 4, fmt_tick(s)))
        o.append('<text x="%.1f" y="%.1f" class="label" text-anchor="middle">time (ms)</text>'
                 % (L + w / 2, T + h + 33))
        o.append('<text transform="translate(%.1f,%.1f) rotate(-90)" class="label" '
                 'text-anchor="middle">sequence number</text>' % (self.x + 14, T + h / 2))
        o.append('<g clip-path="url(#%s)">' % cid)
        # The move: one dashed line per event, labelled, staggered.
        n = 0
        for name, t in run.events:
            if name in ("send", "sent") or not self.x0 <= t <= self.x1:
                continue
            X = self.px(t)
            o.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" class="event"/>' % (X, T, X, T + h))
            o.append('<text x="%.1f" y="%.1f" class="evlabel">%s</text>'
                     % (X + 2, T + 10 + 10 * (n % 6), html.escape(name)))
            n += 1
        for key, pts, width in (("sent", run.sent, 3.0), ("lost", run.lost, 3.0),
                                ("received", run.received, 2.2),
                                ("out_of_order", run.ooo, 3.0), ("duplicate", run.dups, 3.0)):
            d = "".join("M%.1f %.1fh0.01" % (self.px(t), self.py(s))
                        for t, s in pts if self.x0 <= t <= self.x1 and self.y0 <= s <= self.y1)
            if d:
                o.append('<path d="%s" stroke="%s" stroke-width="%.1f" stroke-linecap="round" fill="none"/>'
                         % (d, COLORS[key], width))
        o.append("</g>")
        return o


def zoom_range(run):
    """The move, with some stream either side: (t0, t1), (s0, s1)."""
    move = [t for name, t in run.events if name not in STREAM_EVENTS]
    if not move:
        return (0, run.tmax), (0, run.smax)
    t0 = min(move) - 40
    t1 = max(move) + 60
    # Until the stream is steady again: the last out-of-order or duplicate
    # arrival, or the end of the longest silence, if later.
    late = [t for t, _ in run.ooo + run.dups]
    arr = sorted(t for t, _ in run.received + run.ooo)
    gaps = [(b - a, b) for a, b in zip(arr, arr[1:]) if a >= t0 - 40]
    if gaps:
        late.append(max(gaps)[1])
    if late:
        t1 = max(t1, max(late) + 30)
    t1 = min(t1, t0 + max(300, (t1 - t0)))
    pts = [s for t, s in run.sent + run.received + run.ooo + run.dups if t0 <= t <= t1]
    if not pts:
        return (t0, t1), (0, run.smax)
    s0, s1 = min(pts), max(pts)
    pad = max(2, (s1 - s0) * 0.05)
    return (t0, t1), (max(0, s0 - pad), s1 + pad)


def svg(runs, params, path):
    cols, rows = 2, len(runs)
    top, legend_h = 50, 28
    W = Panel.W * cols + 20
    H = top + Panel.H * rows + legend_h + 10
    o = ['<?xml version="1.0" encoding="UTF-8"?>',
         '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
         'font-family="sans-serif">' % (W, H, W, H),
         "<style>.title{font-size:13px;font-weight:bold}.tick{font-size:10px;fill:#333}"
         ".label{font-size:11px;fill:#333}.frame{fill:none;stroke:#333;stroke-width:1}"
         ".grid{stroke:#e4e4e4;stroke-width:1}.event{stroke:#555;stroke-width:1;stroke-dasharray:4 3}"
         ".evlabel{font-size:9px;fill:#555}.head{font-size:15px;font-weight:bold}"
         ".sub{font-size:11px;fill:#444}</style>",
         '<rect width="100%" height="100%" fill="white"/>']
    head = "mho handoff demo: sequence number against time, sent and received"
    sub = "%s pkt/s, %s packets, move at %s s, gap %s s (sleep), kernel %s" % (
        params.get("rate", "?"), params.get("count", "?"), params.get("move_at_s", "?"),
        params.get("gap_s", "?"), params.get("kernel", "?"))
    o.append('<text x="10" y="20" class="head">%s</text>' % html.escape(head))
    o.append('<text x="10" y="38" class="sub">%s</text>' % html.escape(sub))
    for i, (mode, label, run) in enumerate(runs):
        y = top + i * Panel.H
        if run.empty:
            o.append('<text x="20" y="%d" class="title">%s: no data</text>' % (y + 40, html.escape(label)))
            continue
        s = run.summary
        facts = "lost %s, out of order %s, duplicates %s" % (
            s.get("lost", "?"), s.get("out_of_order", "?"), s.get("duplicates", "?"))
        full = Panel(10, y, "%s: %s" % (label, facts),
                     (0, max(run.tmax, 1) * 1.02), (0, max(run.smax, 1) * 1.02))
        o += full.render(run, "c%da" % i)
        xr, yr = zoom_range(run)
        zoom = Panel(10 + Panel.W, y, "%s zoom on the move" % label.split(" ")[0], xr, yr)
        o += zoom.render(run, "c%db" % i)
    ly = top + rows * Panel.H + 14
    x = 72
    for key, text in (("sent", "sent"), ("received", "received"),
                      ("out_of_order", "received out of order"), ("duplicate", "duplicate"),
                      ("lost", "lost (sent, never received)")):
        o.append('<circle cx="%d" cy="%d" r="4" fill="%s"/>' % (x, ly, COLORS[key]))
        o.append('<text x="%d" y="%d" class="label">%s</text>' % (x + 8, ly + 4, html.escape(text)))
        x += 24 + 7 * len(text)
    o.append('<line x1="%d" y1="%d" x2="%d" y2="%d" class="event"/>' % (x, ly - 7, x, ly + 7))
    o.append('<text x="%d" y="%d" class="label">the move: down, up, bu (binding update), '
             'mho state changes</text>' % (x + 6, ly + 4))
    o.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(o) + "\n")


UDP_COLS = [("sent", "sent"), ("received", "received"), ("lost", "lost"),
            ("duplicates", "duplicates"), ("out_of_order", "out-of-order"),
            ("max_interruption_ms", "max interruption ms"),
            ("added_delay_max_ms", "max added delay ms"), ("gap_ms", "gap ms")]
TCP_COLS = [("bytes", "bytes"), ("completion_ms", "completion ms"),
            ("timeouts", "RTOs"), ("retrans_segs", "retransmitted segments"),
            ("bad", "bad bytes"), ("gap_ms", "gap ms")]


def rows(cols, runs):
    lines = ["| mode | " + " | ".join(c[1] for c in cols) + " |",
             "|---|" + "---:|" * len(cols)]
    for _mode, label, s in runs:
        lines.append("| %s | " % label + " | ".join(s.get(k, "?") for k, _ in cols) + " |")
    return lines


def table(runs, params, d):
    lines = ["Small datagrams (%s-byte payload):" % params.get("size", "64"), ""]
    lines += rows(UDP_COLS, [(m, label, run.summary) for m, label, run in runs])
    full = [(m, label, read_kv(os.path.join(d, m + "-full", "summary"))) for m, label in MODES]
    if any(s for _, _, s in full):
        lines += ["", "Full-size datagrams (1500-byte packets):", ""]
        lines += rows(UDP_COLS, full)
    tcp = [(m, label, read_kv(os.path.join(d, m + "-tcp", "summary")))
           for m, label in [("stay", "no move")] + MODES]
    if any(s for _, _, s in tcp):
        lines += ["", "Bulk TCP (%s bytes, links shaped with netem %s):" % (
            params.get("tcp_bytes", "?"), params.get("tcp_shape", "?")), ""]
        lines += rows(TCP_COLS, tcp)
    lines.append("")
    lines.append("%s packets at %s pkt/s; the MN leaves its link to the pAR %s s in "
                 "and reaches its link to the nAR after \"%s s\" (gap ms: from the "
                 "departure to the arrival, as it happened)." % (
                     params.get("count", "?"), params.get("rate", "?"),
                     params.get("move_at_s", "?"), params.get("gap_s", "?")))
    for _mode, label, run in runs:
        s = run.summary
        note = "%s: the gap lasted %s ms" % (label, s.get("gap_ms", "?"))
        if s.get("send_errors", "0") not in ("0", "?"):
            note += "; %s packets refused by the sender's kernel" % s["send_errors"]
        if s.get("socket_drops", "0") not in ("0", "?"):
            note += "; %s dropped by the receiving socket" % s["socket_drops"]
        if s.get("ctl_errors", "0") not in ("0", "?"):
            note += "; %s mhoctl commands failed (see %s/ctl.err)" % (s["ctl_errors"], _mode)
        lines.append("- " + note)
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: plot.py DIR")
    d = sys.argv[1]
    params = read_kv(os.path.join(d, "params"))
    runs = [(m, label, Run(os.path.join(d, m))) for m, label in MODES]
    if all(r.empty and not r.summary for _, _, r in runs):
        sys.exit("plot.py: no results in %s" % d)
    svg(runs, params, os.path.join(d, "handoff.svg"))
    t = table(runs, params, d)
    with open(os.path.join(d, "summary.md"), "w") as f:
        f.write(t)
    sys.stdout.write(t)


if __name__ == "__main__":
    main()
