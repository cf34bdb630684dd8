#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check the demo's plot (make check-plot, which make lint runs).

    check_plot.py [--plot PLOT_PY] [DIR...]

Runs plot.py (PLOT_PY, default the one beside this file) on copies of
the demo results in each DIR (default: testdata/run, a synthetic run that
testdata/mkfixture.py wrote, and $MHO_CACHE/demo/latest if it holds a
complete run), then reads the SVG it wrote the way a reader would, from
what is drawn, and checks that:

  svg     it is well-formed XML (xml.etree);
  legend  every legend entry has a series drawn in a panel, and every
          series drawn in a panel has a legend entry (keyed by colour, or
          by class where the colour comes from the style sheet);
  text    no two text labels overlap, and none leaves the canvas (the
          width of a text estimated as 0.6 font sizes a character, 0.66
          bold; its height as one font size);
  window  panels whose x axes have the same label show the same x window
          (read from the tick labels' positions and values);
  delay   each row has a panel of delay against sequence number, and for
          the synthetic run its highest point is each mode's largest
          delay (testdata/run/expect);
  stall   for the synthetic run, each stall of the sender (expect) is
          covered by a band of the legend's stall entry in its mode's
          time panel, and no band is drawn where there was none.

Prints KTAP-style "ok"/"not ok" lines and, last, "N passed, N failed";
exits 1 if any check failed.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
NS = "{http://www.w3.org/2000/svg}"
MODES = ["none", "classic", "mho"]
SHAPES = {"circle", "line", "rect", "path", "polyline", "polygon"}
TICK_GAP = 25           # px below a frame where its x tick labels stand
AXIS_GAP = 45           # ... and its x axis label


class Text:
    def __init__(self, s, cls, x0, y0, x1, y1, rotated, anchor, at):
        self.s, self.cls, self.rotated, self.anchor, self.at = s, cls, rotated, anchor, at
        self.box = (x0, y0, x1, y1)


class Shape:
    def __init__(self, el, tag, cls, box, key):
        self.el, self.tag, self.cls, self.box, self.key = el, tag, cls, box, key

    def center(self):
        x0, y0, x1, y1 = self.box
        return (x0 + x1) / 2, (y0 + y1) / 2


def local(tag):
    return tag[len(NS):] if tag.startswith(NS) else tag


def fnum(v, default=0.0):
    try:
        return float(str(v).replace("px", ""))
    except (TypeError, ValueError):
        return default


def translate_of(el):
    m = re.search(r"translate\(\s*([-\d.e]+)[\s,]+([-\d.e]+)\s*\)", el.get("transform", ""))
    return (float(m.group(1)), float(m.group(2))) if m else (0.0, 0.0)


def text_width(s, style):
    """An estimate: 0.6 font sizes a character, 0.66 if bold."""
    bold = style.get("font-weight", "") in ("bold", "700", "800", "900")
    return len(s or "") * fnum(style.get("font-size"), 16.0) * (0.66 if bold else 0.6)


class Svg:
    """What an SVG draws: its texts and shapes in canvas coordinates."""

    def __init__(self, path):
        self.root = ET.parse(path).getroot()
        self.width = fnum(self.root.get("width"))
        self.height = fnum(self.root.get("height"))
        self.css = {}
        for st in self.root.iter(NS + "style"):
            for cls, body in re.findall(r"\.([\w-]+)\s*\{([^}]*)\}", st.text or ""):
                self.css[cls] = dict((k.strip(), v.strip()) for k, _, v in
                                     (d.partition(":") for d in body.split(";")) if k.strip())
        self.texts, self.shapes = [], []
        self.walk(self.root, 0.0, 0.0, {}, False)
        self.frames = [s for s in self.shapes if s.tag == "rect" and s.cls == "frame"]

    def style(self, el, inherited, prop):
        for c in el.get("class", "").split():
            if prop in self.css.get(c, {}):
                return self.css[c][prop]
        return el.get(prop, inherited.get(prop))

    def walk(self, el, dx, dy, inherited, hidden):
        tag = local(el.tag)
        if tag in ("clipPath", "defs", "style"):
            hidden = True
        inh = dict(inherited)
        for prop in ("font-size", "font-weight", "text-anchor"):
            v = self.style(el, inherited, prop)
            if v is not None:
                inh[prop] = v
        if tag == "text":
            self.add_text(el, dx, dy, inh)
            return
        if tag in SHAPES and not hidden:
            self.add_shape(el, tag, dx, dy)
        if tag == "g":
            tx, ty = translate_of(el)
            dx, dy = dx + tx, dy + ty
        for child in el:
            self.walk(child, dx, dy, inh, hidden)

    def add_text(self, el, dx, dy, inh):
        s = "".join(el.itertext())
        size = fnum(inh.get("font-size"), 16.0)
        w = text_width(el.text, inh)
        for span in el:
            sub = dict(inh)
            for prop in ("font-size", "font-weight"):
                v = self.style(span, inh, prop)
                if v is not None:
                    sub[prop] = v
            w += text_width("".join(span.itertext()), sub) + text_width(span.tail, inh)
            size = max(size, fnum(sub.get("font-size"), 16.0))
        anchor = inh.get("text-anchor", "start")
        u0 = {"start": 0.0, "middle": -w / 2, "end": -w}.get(anchor, 0.0)
        tr = el.get("transform", "")
        if "rotate(-90" in tr:
            tx, ty = translate_of(el)
            x, y = dx + tx, dy + ty
            box = (x - 0.8 * size, y - u0 - w, x + 0.2 * size, y - u0)
            rotated = True
        else:
            x, y = dx + fnum(el.get("x")), dy + fnum(el.get("y"))
            box = (x + u0, y - 0.8 * size, x + u0 + w, y + 0.2 * size)
            rotated = False
        self.texts.append(Text(s, el.get("class", ""), *box, rotated, anchor, (x, y)))

    def add_shape(self, el, tag, dx, dy):
        g = lambda k: fnum(el.get(k))  # noqa: E731
        if tag == "circle":
            r = g("r")
            box = (g("cx") - r, g("cy") - r, g("cx") + r, g("cy") + r)
        elif tag == "line":
            box = (min(g("x1"), g("x2")), min(g("y1"), g("y2")),
                   max(g("x1"), g("x2")), max(g("y1"), g("y2")))
        elif tag == "rect":
            if el.get("width", "").endswith("%"):
                return  # the background
            box = (g("x"), g("y"), g("x") + g("width"), g("y") + g("height"))
        else:
            nums = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?",
                                                 " ".join(re.findall(r"M\s*[-\d.e]+[\s,]+[-\d.e]+",
                                                                     el.get("d", el.get("points", "")))))]
            if len(nums) < 2:
                return
            xs, ys = nums[0::2], nums[1::2]
            box = (min(xs), min(ys), max(xs), max(ys))
        box = (box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy)
        cls = el.get("class", "")
        color = None
        for prop in ("stroke", "fill"):
            v = el.get(prop)
            if v and v != "none":
                color = v.lower()
                break
        key = color or "class:" + cls
        self.shapes.append(Shape(el, tag, cls, box, key))

    def frame_of(self, shape):
        cx, cy = shape.center()
        for f in self.frames:
            x0, y0, x1, y1 = f.box
            if x0 <= cx <= x1 and y0 <= cy <= y1:
                return f
        return None


class Axes:
    """A panel's frame, and its axes as its tick labels say."""

    def __init__(self, svg, frame):
        self.frame = frame
        L, T, R, B = frame.box
        self.xticks = sorted((t.at[0], fnum(t.s, None)) for t in svg.texts
                             if t.cls == "tick" and t.anchor == "middle" and L - 1 <= t.at[0] <= R + 1
                             and B < t.at[1] <= B + TICK_GAP and fnum(t.s, None) is not None)
        self.yticks = sorted((t.at[1] - 0.35 * (t.box[3] - t.box[1]), fnum(t.s, None)) for t in svg.texts
                             if t.cls == "tick" and t.anchor == "end" and L - 45 <= t.at[0] < L
                             and T - 5 <= t.at[1] <= B + 5 and fnum(t.s, None) is not None)
        xl = [t.s for t in svg.texts if not t.rotated and t.cls == "label" and L <= t.at[0] <= R
              and B + TICK_GAP < t.at[1] <= B + AXIS_GAP]
        yl = [t.s for t in svg.texts if t.rotated and L - 60 <= t.at[0] < L and T <= t.at[1] <= B]
        self.xlabel = xl[0] if xl else "?"
        self.ylabel = yl[0] if yl else "?"

    @staticmethod
    def scale(ticks, px):
        (p0, v0), (p1, v1) = ticks[0], ticks[-1]
        return v0 + (px - p0) * (v1 - v0) / (p1 - p0)

    def xwindow(self):
        if len(self.xticks) < 2:
            return None
        return self.scale(self.xticks, self.frame.box[0]), self.scale(self.xticks, self.frame.box[2])

    def xval(self, px):
        return self.scale(self.xticks, px)

    def yval(self, py):
        return self.scale(self.yticks, py)


def overlap(a, b, slack=0.5):
    return (min(a[2], b[2]) - max(a[0], b[0]) > slack and
            min(a[3], b[3]) - max(a[1], b[1]) > slack)


def check_legend(svg):
    inside = [s for s in svg.shapes if s.cls not in ("frame", "grid") and svg.frame_of(s)]
    swatches = [s for s in svg.shapes if s.cls not in ("frame", "grid") and not svg.frame_of(s)]
    drawn = {s.key for s in inside}
    legend = {s.key for s in swatches}
    errs = ["legend entry %s (%s) is drawn in no panel" % (k, legend_text(svg, k))
            for k in sorted(legend - drawn)]
    errs += ["%s is drawn in a panel but has no legend entry" % k for k in sorted(drawn - legend)]
    if not swatches:
        errs.append("no legend")
    return errs


def legend_text(svg, key):
    """The text just right of the legend swatch of key."""
    for s in svg.shapes:
        if s.key == key and not svg.frame_of(s):
            cx, cy = s.center()
            for t in svg.texts:
                if 0 <= t.box[0] - s.box[2] <= 25 and abs((t.box[1] + t.box[3]) / 2 - cy) < 8:
                    return t.s
    return "?"


def check_text(svg):
    errs = []
    t = svg.texts
    for i in range(len(t)):
        b = t[i].box
        if b[0] < -0.5 or b[1] < -0.5 or b[2] > svg.width + 0.5 or b[3] > svg.height + 0.5:
            errs.append("%r leaves the canvas" % t[i].s)
        for j in range(i + 1, len(t)):
            if overlap(b, t[j].box):
                errs.append("%r and %r overlap" % (t[i].s, t[j].s))
    return errs


def panels(svg):
    return [Axes(svg, f) for f in svg.frames]


def check_window(svg):
    errs, groups = [], {}
    for p in panels(svg):
        w = p.xwindow()
        if w is None:
            errs.append("a panel (x axis %r) has fewer than two x ticks" % p.xlabel)
            continue
        groups.setdefault(p.xlabel, []).append(w)
    for label, ws in groups.items():
        span = max(abs(b - a) for a, b in ws)
        for a, b in ws[1:]:
            if abs(a - ws[0][0]) > span * 0.005 or abs(b - ws[0][1]) > span * 0.005:
                errs.append("x axis %r: window %.1f..%.1f, and %.1f..%.1f in another panel"
                            % (label, ws[0][0], ws[0][1], a, b))
    if not groups:
        errs.append("no panels")
    return errs


def is_time(p):
    return "time" in p.xlabel


def is_delay(p):
    return "sequence" in p.xlabel and "delay" in p.ylabel


def by_row(ps):
    return sorted(ps, key=lambda p: p.frame.box[1])


def check_delay(svg, expect):
    ps = panels(svg)
    rows_t, rows_d = by_row([p for p in ps if is_time(p)]), by_row([p for p in ps if is_delay(p)])
    if not rows_d or len(rows_d) != len(rows_t):
        return ["%d rows, %d panels of delay against sequence number" % (len(rows_t), len(rows_d))]
    errs = []
    for mode, want in expect.get("delay_max", {}).items():
        p = rows_d[MODES.index(mode)]
        pts = [s for s in svg.shapes if s.tag == "path" and svg.frame_of(s) is p.frame]
        if not pts or len(p.yticks) < 2:
            errs.append("%s: nothing drawn in its delay panel" % mode)
            continue
        top = p.yval(min(s.box[1] for s in pts))
        if abs(top - want) > 2 + 0.03 * want:
            errs.append("%s: highest delay drawn %.1f ms, the data's %.1f ms" % (mode, top, want))
    return errs


def check_stall(svg, expect):
    keys = [s.key for s in svg.shapes if not svg.frame_of(s) and "stall" in legend_text(svg, s.key)]
    if not keys:
        return ["no legend entry for the sender's stalls"]
    rows_t = by_row([p for p in panels(svg) if is_time(p)])
    if len(rows_t) != len(MODES):
        return ["%d time panels, not %d" % (len(rows_t), len(MODES))]
    errs = []
    for i, mode in enumerate(MODES):
        p = rows_t[i]
        x0, x1 = p.xwindow()
        bands = [(p.xval(s.box[0]), p.xval(s.box[2])) for s in svg.shapes
                 if s.key == keys[0] and svg.frame_of(s) is p.frame]
        want = [(a, b) for a, b in expect.get("stall", {}).get(mode, []) if x0 <= a and b <= x1]
        for a, b in want:
            if not any(u <= a + 6 and v >= b - 6 for u, v in bands):
                errs.append("%s: the stall %g..%g ms is not marked" % (mode, a, b))
        for u, v in bands:
            if not any(u < b and v > a for a, b in want):
                errs.append("%s: a stall marked at %.1f..%.1f ms, where there was none" % (mode, u, v))
    return errs


def read_expect(d):
    expect = {}
    try:
        with open(os.path.join(d, "expect")) as f:
            for line in f:
                p = line.split()
                if p and p[0] == "stall":
                    expect.setdefault("stall", {}).setdefault(p[1], []).append((float(p[2]), float(p[3])))
                elif p and p[0] == "delay_max":
                    expect.setdefault("delay_max", {})[p[1]] = float(p[2])
    except OSError:
        return None
    return expect


def copy_run(src, dst):
    """The files plot.py reads, and nothing else (never writes src)."""
    for name in ("params", "expect"):
        if os.path.isfile(os.path.join(src, name)):
            shutil.copy(os.path.join(src, name), dst)
    for sub in sorted(os.listdir(src)):
        if os.path.isdir(os.path.join(src, sub)):
            os.makedirs(os.path.join(dst, sub))
            for name in ("send.log", "recv.log", "events", "summary"):
                if os.path.isfile(os.path.join(src, sub, name)):
                    shutil.copy(os.path.join(src, sub, name), os.path.join(dst, sub))


def complete(d):
    return os.path.isfile(os.path.join(d, "params")) and \
        all(os.path.isfile(os.path.join(d, m, f)) for m in MODES for f in ("send.log", "recv.log"))


class Results:
    def __init__(self):
        self.n = self.failed = 0

    def report(self, name, errs):
        self.n += 1
        print("%sok %d - %s" % ("not " if errs else "", self.n, name))
        for e in errs[:20]:
            print("#   " + e)
        if len(errs) > 20:
            print("#   ... and %d more" % (len(errs) - 20))
        self.failed += bool(errs)


def check_dir(res, plot, src, tmp):
    name = os.path.basename(os.path.normpath(src)) if "testdata" in src else src
    work = os.path.join(tmp, str(res.n))
    os.makedirs(work)
    copy_run(src, work)
    expect = read_expect(work)
    r = subprocess.run([sys.executable, plot, work], stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, universal_newlines=True)
    try:
        if r.returncode:
            raise ValueError("plot.py exited %d: %s" % (r.returncode, r.stderr.strip()[-300:]))
        svg = Svg(os.path.join(work, "handoff.svg"))
    except (ValueError, OSError, ET.ParseError) as e:
        res.report("%s: svg" % name, [str(e)])
        return
    res.report("%s: svg" % name, [])
    res.report("%s: legend" % name, check_legend(svg))
    res.report("%s: text" % name, check_text(svg))
    res.report("%s: window" % name, check_window(svg))
    res.report("%s: delay" % name, check_delay(svg, expect or {}))
    if expect is not None:
        res.report("%s: stall" % name, check_stall(svg, expect))


def main():
    args = sys.argv[1:]
    plot = os.path.join(HERE, "plot.py")
    if args[:1] == ["--plot"]:
        plot, args = args[1], args[2:]
    if not args:
        args = [os.path.join(HERE, "testdata", "run")]
        cache = os.environ.get("MHO_CACHE") or os.path.join(
            os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "mho")
        latest = os.path.join(cache, "demo", "latest")
        if complete(latest):
            args.append(os.path.realpath(latest))
    res = Results()
    tmp = tempfile.mkdtemp(prefix="mho-check-plot.")
    try:
        for d in args:
            check_dir(res, plot, d, tmp)
    finally:
        shutil.rmtree(tmp)
    print("%d passed, %d failed" % (res.n - res.failed, res.failed))
    return 1 if res.failed else 0


if __name__ == "__main__":
    sys.exit(main())
