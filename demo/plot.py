#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Render the handoff demo's results (python3 standard library only).

    plot.py DIR

DIR holds what demo/guest.sh made in the VM: params, and for
each mode (none, classic, mho) a directory with send.log ("seq send_ns
[errno]"), recv.log ("seq send_ns recv_ns" per arrival), events ("NAME
ns") and summary (key=value, mho_probe's numbers). All times are the
guest's CLOCK_MONOTONIC.

Writes DIR/handoff.svg and DIR/summary.md, the table, which it also
prints. The plot has a row per mode and two panels in each row:

- sequence number against time (ms since the mode's first packet was
  sent), sent and received, with the steps of the move marked;
- per-packet delay (receive time - send time) against sequence number.

Every row shows the same window: the time panels share one time and one
sequence window (the moves of all three modes, and until the stream is
steady again), the delay panels one sequence window (the packets sent in
that time window) and one delay scale. The legend lists only what is
drawn.

Emulation stalls: mho_probe sends packet i at start + i/rate (absolute
deadlines), so a sender that is not run on time (under TCG, the guest's
vCPUs share one host thread; a move's commands fork and exec) falls
behind its schedule and then catches up in a burst. Where the sender's
own timestamps run more than STALL_MS behind its schedule, the receiver's
gaps and bursts are the emulator's doing, not the network's: both panels
shade that stretch (in the delay panels: the packets sent in it, those in
flight when it began included).
"""
import html
import math
import os
import sys

MODES = [
    ("none", "(a) no mho"),
    ("classic", "(b) classic smooth handoff"),
    ("mho", "(c) mho, driven by mhod"),
]
# Events that mark the stream's start and end, not the move.
STREAM_EVENTS = {"send", "sent", "nar-idle"}
# How far behind its schedule the sender must be for a stall (ms).
STALL_MS = 5.0

COLORS = {
    "sent": "#b0b0b0",
    "received": "#1f77b4",
    "out_of_order": "#ff7f0e",
    "duplicate": "#9467bd",
    "lost": "#d62728",
    "event": "#555555",
    "stall": "#f7dc8c",
}
# Point series: key, legend text, stroke width.
SERIES = [
    ("sent", "sent", 3.0),
    ("lost", "lost (sent, never received)", 3.0),
    ("received", "received", 2.2),
    ("out_of_order", "received out of order", 3.0),
    ("duplicate", "duplicate", 3.0),
]
EVENT_TEXT = ("a step of the move (fback, una, end: the MN's signaling; bu: the binding "
              "update; nar-*, par-*: mho's state)")
STALL_TEXT = ("sender more than %g ms behind its schedule: an emulation stall, "
              "not the network" % STALL_MS)

# Text sizes (px) and an upper estimate of the width of a character, in
# font sizes, for sans-serif: what label placement uses.
FONT = {"head": 15, "sub": 11, "title": 13, "tick": 10, "label": 11, "evlabel": 10}
BOLD = {"head", "title"}
CHAR_EM, BOLD_EM = 0.62, 0.68


def text_width(s, cls):
    return len(s) * FONT[cls] * (BOLD_EM if cls in BOLD else CHAR_EM)


def text(x, y, s, cls, anchor="start", extra=""):
    a = "" if anchor == "start" else ' text-anchor="%s"' % anchor
    return '<text x="%.1f" y="%.1f" class="%s"%s%s>%s</text>' % (x, y, cls, a, extra, html.escape(s))


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


def find_stalls(sends, period):
    """Where the sender ran more than STALL_MS behind its schedule.

    sends: (ms, seq) of every send, in sequence order; period: ms between
    two sends. The schedule's start is estimated as the earliest send
    relative to it. Returns (t0, t1, seq0, seq1, most_behind_ms) per
    stretch: from the last send on time (the packet in flight when the
    stall began) to the last one behind.
    """
    if len(sends) < 2 or not period > 0:
        return []
    start = min(t - s * period for t, s in sends)
    late = [t - start - s * period for t, s in sends]
    stalls, i = [], 0
    while i < len(sends):
        if late[i] <= STALL_MS:
            i += 1
            continue
        j = i
        while j + 1 < len(sends) and late[j + 1] > STALL_MS:
            j += 1
        first = sends[max(i - 1, 0)]
        stalls.append((first[0], sends[j][0], first[1], sends[j][1], max(late[i:j + 1])))
        i = j + 1
    return stalls


class Run:
    """One mode's data, times in ms from the first packet sent."""

    def __init__(self, d, rate):
        self.summary = read_kv(os.path.join(d, "summary"))
        send = sorted(read_rows(os.path.join(d, "send.log"), 2))
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
        # and repeats (duplicates); each also as (seq, delay).
        self.pts = {k: [] for k, _, _ in SERIES}
        self.pts["sent"], self.pts["lost"] = self.sent, self.lost
        self.delay = {"received": [], "out_of_order": [], "duplicate": []}
        seen, highest = set(), -1
        for seq, send_ns, recv_ns in (r[:3] for r in recv):
            if seq in seen:
                key = "duplicate"
            elif seq < highest:
                key = "out_of_order"
            else:
                key = "received"
                highest = seq
            seen.add(seq)
            self.pts[key].append((ms(recv_ns), seq))
            self.delay[key].append((seq, (recv_ns - send_ns) / 1e6))
        self.events = [(name, ms(ns)) for name, ns in events]
        sends = [(ms(r[1]), r[0]) for r in send]
        if rate > 0:
            period = 1000.0 / rate
        else:
            d = sorted(b[0] - a[0] for a, b in zip(sends, sends[1:]))
            period = d[len(d) // 2] if d else 0
        self.stalls = find_stalls(sends, period)
        every = [p for v in self.pts.values() for p in v]
        self.tmax = max((p[0] for p in every), default=1.0)
        self.empty = not every

    def move_window(self):
        """(t0, t1): the move, and until the stream is steady again."""
        move = [t for name, t in self.events if name not in STREAM_EVENTS]
        if not move:
            return None
        t0, t1 = min(move) - 40, max(move) + 60
        # The last out-of-order or duplicate arrival, or the end of the
        # longest silence that began during the move, if later.
        late = [t for t, _ in self.pts["out_of_order"] + self.pts["duplicate"]]
        arr = sorted(t for t, _ in self.pts["received"] + self.pts["out_of_order"])
        gaps = [(b - a, b) for a, b in zip(arr, arr[1:]) if t0 - 40 <= a <= max(move)]
        if gaps:
            late.append(max(gaps)[1])
        if late:
            t1 = max(t1, max(late) + 30)
        return t0, t1


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


def place_labels(items, left, right, gap=4):
    """Lay labels out in lanes so that none overlaps another.

    items: (X, text) per vertical line. A label starts just right of its
    line, or ends just left of it where it would leave [left, right].
    Returns (x, anchor, lane) per item, in the order given.
    """
    lanes, out = [], []
    for X, s in items:
        w = text_width(s, "evlabel")
        if X + 2 + w <= right:
            a, b, x, anchor = X + 2, X + 2 + w, X + 2, "start"
        else:
            a, b, x, anchor = max(left, X - 2 - w), X - 2, X - 2, "end"
        for n, used in enumerate(lanes):
            if all(b + gap <= u0 or a >= u1 + gap for u0, u1 in used):
                used.append((a, b))
                break
        else:
            n = len(lanes)
            lanes.append([(a, b)])
        out.append((x, anchor, n))
    return out


class Panel:
    """One plot: frame, ticks, axis labels, and what is drawn inside."""

    W = 560
    ML, MR = 62, 14
    PH = 190  # height of the plot area

    def __init__(self, x, top, xr, yr, xlabel, ylabel):
        self.x, self.T = x, top
        self.x0, self.x1 = xr
        self.y0, self.y1 = yr
        self.L = x + self.ML
        self.w = self.W - self.ML - self.MR
        self.h = self.PH
        self.xlabel, self.ylabel = xlabel, ylabel

    def px(self, t):
        return self.L + (t - self.x0) / (self.x1 - self.x0) * self.w

    def py(self, s):
        return self.T + self.h - (s - self.y0) / (self.y1 - self.y0) * self.h

    def axes(self, cid):
        L, T, w, h = self.L, self.T, self.w, self.h
        o = ['<clipPath id="%s"><rect x="%.1f" y="%.1f" width="%.1f" height="%.1f"/></clipPath>'
             % (cid, L, T, w, h),
             '<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" class="frame"/>' % (L, T, w, h)]
        for t in nice_ticks(self.x0, self.x1, 8):
            X = self.px(t)
            o.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" class="grid"/>' % (X, T, X, T + h))
            o.append(text(X, T + h + 15, fmt_tick(t), "tick", "middle"))
        for s in nice_ticks(self.y0, self.y1, 5):
            Y = self.py(s)
            o.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" class="grid"/>' % (L, Y, L + w, Y))
            o.append(text(L - 5, Y + 4, fmt_tick(s), "tick", "end"))
        o.append(text(L + w / 2, T + h + 33, self.xlabel, "label", "middle"))
        o.append('<text transform="translate(%.1f,%.1f) rotate(-90)" class="label" '
                 'text-anchor="middle">%s</text>' % (self.x + 14, T + h / 2, html.escape(self.ylabel)))
        return o

    def xband(self, a, b, key):
        """A band across the plot from x = a to b (clipped to the window)."""
        a, b = max(a, self.x0), min(b, self.x1)
        if b < a:
            return None
        X0, X1 = self.px(a), self.px(b)
        return ('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" class="%s"/>'
                % (X0, self.T, max(X1 - X0, 1.0), self.h, COLORS[key], key))

    def points(self, pts, key, width):
        d = "".join("M%.1f %.1fh0.01" % (self.px(x), self.py(y))
                    for x, y in pts if self.x0 <= x <= self.x1 and self.y0 <= y <= self.y1)
        if not d:
            return None
        return ('<path d="%s" stroke="%s" stroke-width="%.1f" stroke-linecap="round" fill="none"/>'
                % (d, COLORS[key], width))


def event_items(run, panel):
    return [(panel.px(t), name) for name, t in sorted(run.events, key=lambda e: e[1])
            if name not in STREAM_EVENTS and panel.x0 <= t <= panel.x1]


def time_panel(p, run, cid, lane_top, drawn):
    """Sequence number against time: stalls, the move, the packets."""
    o = p.axes(cid)
    o.append('<g clip-path="url(#%s)">' % cid)
    for t0, t1, _s0, _s1, _late in run.stalls:
        r = p.xband(t0, t1, "stall")
        if r:
            o.append(r)
            drawn.add("stall")
    o.append("</g>")
    # The move: a dashed line per step, its label above the plot, in
    # lanes (place_labels), the line running from the label down.
    items = event_items(run, p)
    for (X, name), (x, anchor, lane) in zip(items, place_labels(items, p.L, p.L + p.w)):
        y = lane_top + 10 + 12 * lane
        o.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" class="event"/>' % (X, y - 9, X, p.T + p.h))
        o.append(text(x, y, name, "evlabel", anchor))
        drawn.add("event")
    o.append('<g clip-path="url(#%s)">' % cid)
    for key, _text, width in SERIES:
        path = p.points(run.pts[key], key, width)
        if path:
            o.append(path)
            drawn.add(key)
    o.append("</g>")
    return o


def delay_panel(p, run, cid, drawn):
    """Per-packet delay against sequence number, stalls shaded."""
    o = p.axes(cid)
    o.append('<g clip-path="url(#%s)">' % cid)
    for _t0, _t1, s0, s1, _late in run.stalls:
        r = p.xband(s0 - 0.5, s1 + 0.5, "stall")
        if r:
            o.append(r)
            drawn.add("stall")
    for key, _text, width in SERIES:
        path = p.points(run.delay.get(key, []), key, width)
        if path:
            o.append(path)
            drawn.add(key)
    o.append("</g>")
    return o


def windows(runs):
    """The windows every row shares: time, sequence, sequence (delay
    panels) and delay."""
    live = [r for _, _, r in runs if not r.empty]
    moves = [w for w in (r.move_window() for r in live) if w]
    if moves:
        t0, t1 = min(w[0] for w in moves), max(w[1] for w in moves)
    else:
        t0, t1 = 0, max((r.tmax for r in live), default=1.0)
    seqs = [s for r in live for v in r.pts.values() for t, s in v if t0 <= t <= t1] or [0, 1]
    pad = max(2, (max(seqs) - min(seqs)) * 0.05)
    sr = (max(0, min(seqs) - pad), max(seqs) + pad)
    sent = [s for r in live for t, s in r.pts["sent"] + r.pts["lost"] if t0 <= t <= t1] or seqs
    pad = max(1, (max(sent) - min(sent)) * 0.02)
    dr_s = (min(sent) - pad, max(sent) + pad)
    d = [v for r in live for pts in r.delay.values() for s, v in pts
         if dr_s[0] <= s <= dr_s[1]] or [0, 1]
    lo, hi = min(0, min(d)), max(1.0, max(d))
    dr = (lo - (hi - lo) * 0.04, hi + (hi - lo) * 0.06)
    return (t0, t1), sr, dr_s, dr


def legend(keys, x, y, right):
    """The legend of what was drawn (keys), wrapped at right: (svg, height)."""
    items = [(k, t) for k, t, _ in SERIES if k in keys]
    if "event" in keys:
        items.append(("event", EVENT_TEXT))
    if "stall" in keys:
        items.append(("stall", STALL_TEXT))
    o = ['<g class="legend">']
    x0, cy = x, y + 8
    for key, s in items:
        w = 22 + text_width(s, "label") + 18
        if x + w > right and x > x0:
            x, cy = x0, cy + 18
        if key == "event":
            o.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" class="event"/>'
                     % (x + 7, cy - 7, x + 7, cy + 7))
        elif key == "stall":
            o.append('<rect x="%.1f" y="%.1f" width="14" height="12" fill="%s" class="stall"/>'
                     % (x, cy - 6, COLORS[key]))
        else:
            o.append('<circle cx="%.1f" cy="%.1f" r="4" fill="%s"/>' % (x + 7, cy, COLORS[key]))
        o.append(text(x + 22, cy + 4, s, "label"))
        x += w
    o.append("</g>")
    return o, cy + 10 - y


def times(n):
    return "once" if n == 1 else "%d times" % n


def facts(run):
    """What a row's title says of its mode."""
    s = run.summary
    try:
        gap = "%.1f" % float(s.get("max_interruption_ms"))
    except (TypeError, ValueError):
        gap = "?"
    f = "lost %s, out of order %s, duplicates %s, longest interruption %s ms" % (
        s.get("lost", "?"), s.get("out_of_order", "?"), s.get("duplicates", "?"), gap)
    if run.stalls:
        f += "; the sender stalled %s, up to %.0f ms behind" % (
            times(len(run.stalls)), max(st[4] for st in run.stalls))
    return f


def svg(runs, params, path):
    (t0, t1), sr, dsr, dr = windows(runs)
    W = 2 * Panel.W + 20
    # The lanes the move's labels need, the same in every row.
    lanes = 1
    for _, _, run in runs:
        if not run.empty:
            p = Panel(10, 0, (t0, t1), sr, "", "")
            placed = place_labels(event_items(run, p), p.L, p.L + p.w)
            lanes = max([lanes] + [n + 1 for _, _, n in placed])
    strip = 12 * lanes + 6
    row_h = 24 + strip + Panel.PH + 44
    body, drawn = [], set()
    for i, (mode, label, run) in enumerate(runs):
        y = i * row_h
        if run.empty:
            body.append(text(10, y + 40, "%s: no data" % label, "title"))
            continue
        body.append('<text x="10" y="%d" class="title">%s: <tspan class="facts">%s</tspan></text>'
                    % (y + 16, html.escape(label), html.escape(facts(run))))
        top = y + 24 + strip
        body += time_panel(Panel(10, top, (t0, t1), sr, "time since the first packet was sent (ms)",
                                 "sequence number"),
                           run, "c%da" % i, y + 24, drawn)
        body += delay_panel(Panel(10 + Panel.W, top, dsr, dr, "sequence number", "delay (ms)"),
                            run, "c%db" % i, drawn)
    head = "mho handoff demo: sequence number against time, and each packet's delay"
    sub = ["%s pkt/s, %s packets, move at %s s, gap %s s (sleep), kernel %s" % (
        params.get("rate", "?"), params.get("count", "?"), params.get("move_at_s", "?"),
        params.get("gap_s", "?"), params.get("kernel", "?")),
        "Every row has the same windows: %s to %s ms after its first packet was sent, and the "
        "packets sent then" % (fmt_tick(round(t0)), fmt_tick(round(t1)))]
    leg, leg_h = legend(drawn, 10, 60, W - 10)
    top = 60 + leg_h + 12
    H = top + row_h * len(runs) + 6
    o = ['<?xml version="1.0" encoding="UTF-8"?>',
         '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
         'font-family="sans-serif">' % (W, H, W, H),
         "<style>.title{font-size:%(title)dpx;font-weight:bold}.tick{font-size:%(tick)dpx;fill:#333}"
         ".label{font-size:%(label)dpx;fill:#333}.frame{fill:none;stroke:#333;stroke-width:1}"
         ".grid{stroke:#e4e4e4;stroke-width:1}.event{stroke:#555;stroke-width:1;stroke-dasharray:4 3}"
         ".evlabel{font-size:%(evlabel)dpx;fill:#444}.head{font-size:%(head)dpx;font-weight:bold}"
         ".sub{font-size:%(sub)dpx;fill:#444}.facts{font-size:%(label)dpx;font-weight:normal;fill:#333}.stall{opacity:0.6}</style>" % FONT,
         '<rect width="100%" height="100%" fill="white"/>',
         text(10, 20, head, "head"), text(10, 37, sub[0], "sub"), text(10, 52, sub[1], "sub")]
    o += leg
    o.append('<g transform="translate(0,%d)">' % top)
    o += body
    o.append("</g>")
    o.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(o) + "\n")


UDP_COLS = [("sent", "sent"), ("received", "received"), ("lost", "lost"),
            ("duplicates", "duplicates"), ("out_of_order", "out-of-order"),
            ("max_interruption_ms", "max interruption ms"),
            ("added_delay_max_ms", "max added delay ms"), ("gap_ms", "gap ms"),
            ("signaling_ms", "FBU to FBack ms")]
TCP_COLS = [("bytes", "bytes"), ("completion_ms", "completion ms"),
            ("timeouts", "RTOs"), ("retrans_segs", "retransmitted segments"),
            ("bad", "bad bytes"), ("gap_ms", "gap ms"), ("signaling_ms", "FBU to FBack ms")]
# Columns only some modes have: "-" where a mode has none (no signaling).
OPTIONAL = {"signaling_ms"}


def rows(cols, runs):
    lines = ["| mode | " + " | ".join(c[1] for c in cols) + " |",
             "|---|" + "---:|" * len(cols)]
    for _mode, label, s in runs:
        lines.append("| %s | " % label + " | ".join(
            s.get(k, "-" if k in OPTIONAL and s else "?") for k, _ in cols) + " |")
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
                 "departure to the arrival, as it happened; FBU to FBack ms: from the MN "
                 "agent's Fast Binding Update to the pAR's acknowledgement, the "
                 "signaling's latency)." % (
                     params.get("count", "?"), params.get("rate", "?"),
                     params.get("move_at_s", "?"), params.get("gap_s", "?")))
    for _mode, label, run in runs:
        s = run.summary
        note = "%s: the gap lasted %s ms" % (label, s.get("gap_ms", "?"))
        if run.stalls:
            note += ("; the sender (small datagrams) fell more than %g ms behind its schedule "
                     "%s, by up to %.1f ms (emulation stalls)"
                     % (STALL_MS, times(len(run.stalls)), max(st[4] for st in run.stalls)))
        if s.get("send_errors", "0") not in ("0", "?"):
            note += "; %s packets refused by the sender's kernel" % s["send_errors"]
        if s.get("socket_drops", "0") not in ("0", "?"):
            note += "; %s dropped by the receiving socket" % s["socket_drops"]
        if s.get("ctl_errors", "0") not in ("0", "?"):
            note += "; %s control commands failed (see %s/ctl.err)" % (s["ctl_errors"], _mode)
        lines.append("- " + note)
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: plot.py DIR")
    d = sys.argv[1]
    params = read_kv(os.path.join(d, "params"))
    try:
        rate = float(params.get("rate", "0"))
    except ValueError:
        rate = 0
    runs = [(m, label, Run(os.path.join(d, m), rate)) for m, label in MODES]
    if all(r.empty and not r.summary for _, _, r in runs):
        sys.exit("plot.py: no results in %s" % d)
    svg(runs, params, os.path.join(d, "handoff.svg"))
    t = table(runs, params, d)
    with open(os.path.join(d, "summary.md"), "w") as f:
        f.write(t)
    sys.stdout.write(t)


if __name__ == "__main__":
    main()
