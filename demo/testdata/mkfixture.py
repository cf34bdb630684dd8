#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the synthetic demo results that check_plot.py plots.

    mkfixture.py DIR

The files are those of a make demo run (demo/guest.sh, only the
small-datagram runs): DIR/params and DIR/{none,classic,mho}/{send.log,
recv.log,events,summary}, shaped like a real run's (200 pkt/s for 3 s,
the move about 570 ms in, its steps as close together as under
emulation), and DIR/expect, what the plot must show: one line "stall
MODE FROM_MS TO_MS" per stall of the sender (ms since its first packet),
and "delay_max MODE MS". The data is deterministic: running this again
writes the same files (testdata/run/ is its output).
"""
import os
import sys

RATE, COUNT = 200, 600
PERIOD = 1000.0 / RATE                 # ms
BASE = {"none": 10_000_000_000, "classic": 20_000_000_000, "mho": 30_000_000_000}
EVENTS = {
    "none": [("leave", 565), ("down", 590), ("up", 665), ("bu", 686)],
    "classic": [("leave", 565), ("par-buffer", 589), ("down", 614), ("up", 688),
                ("bu", 797), ("par-forward", 803), ("par-end", 814)],
    "mho": [("nar-hold", 582.4), ("leave", 583.1), ("par-forward", 606), ("down", 634),
            ("up", 722), ("nar-release", 730), ("bu", 809), ("par-end", 814)],
}
# The sender is not run from FROM to TO (ms): what was due then goes out
# at TO, in a burst.
STALLS = {"none": [(760, 800)], "classic": [(700, 740)], "mho": []}
# From FROM to TO, each send is up to 2.7 ms late (a coarse timer): not a
# stall.
LATE = {"none": [], "classic": [], "mho": [(640, 700)]}


def path_delay(seq):
    return 0.08 + (seq * 37 % 11) * 0.001


def send_times(mode):
    out = []
    for seq in range(COUNT):
        t = seq * PERIOD
        for a, b in STALLS[mode]:
            if a <= t <= b:
                t = b + 0.02 * (t - a) / PERIOD
        for a, b in LATE[mode]:
            if a <= t < b:
                t += seq % 4 * 0.9
        out.append((seq, t))
    return out


def arrivals(mode, sends):
    ev = dict(EVENTS[mode])
    arr, k = [], 0
    for seq, t in sends:
        d = path_delay(seq)
        if mode == "none":
            if ev["leave"] <= t < ev["bu"] + 4:
                continue
            arr.append((t + d, seq))
        elif mode == "classic":
            # Buffered at the pAR from the departure to the binding update,
            # then forwarded: the newer packets, direct, overtake them.
            if ev["leave"] <= t < ev["bu"]:
                arr.append((ev["par-forward"] + 0.6 + 0.05 * k, seq))
                k += 1
            else:
                arr.append((t + d, seq))
        else:
            # Held at the nAR: the old path's packets until the MN is
            # there, the new path's until the pAR's end-marker.
            if ev["leave"] <= t < ev["bu"]:
                arr.append((max(t + d, ev["nar-release"] + 0.05 * k), seq))
                k += 1
            elif ev["bu"] <= t < ev["par-end"] + 2:
                arr.append((max(t + d, ev["par-end"] + 0.05 * k), seq))
                k += 1
            else:
                arr.append((t + d, seq))
    return sorted(arr)


def ns(mode, ms):
    return BASE[mode] + int(round(ms * 1e6))


def main():
    d = sys.argv[1]
    with open(os.path.join(d, "params"), "w") as f:
        f.write("rate=%d\ncount=%d\nmove_at_s=0.4\ngap_s=0.05\ntcp_bytes=4000000\n"
                "tcp_shape=delay 5ms rate 40mbit limit 10000\nkernel=synthetic\n" % (RATE, COUNT))
    expect = []
    for mode in BASE:
        os.makedirs(os.path.join(d, mode), exist_ok=True)
        sends = send_times(mode)
        arr = arrivals(mode, sends)
        sent_at = dict(sends)
        with open(os.path.join(d, mode, "send.log"), "w") as f:
            f.writelines("%d %d\n" % (s, ns(mode, t)) for s, t in sends)
        with open(os.path.join(d, mode, "recv.log"), "w") as f:
            f.writelines("%d %d %d\n" % (s, ns(mode, sent_at[s]), ns(mode, t)) for t, s in arr)
        with open(os.path.join(d, mode, "events"), "w") as f:
            f.write("send %d\n" % ns(mode, -180))
            f.writelines("%s %d\n" % (n, ns(mode, t)) for n, t in EVENTS[mode])
            f.write("sent %d\n" % ns(mode, COUNT * PERIOD))
        highest, ooo = -1, 0
        for _, s in arr:
            ooo += s < highest
            highest = max(highest, s)
        times = [t for t, _ in arr]
        delays = [t - sent_at[s] for t, s in arr]
        ev = dict(EVENTS[mode])
        summary = {"mode": mode, "traffic": "udp", "sent": COUNT, "received": len(arr),
                   "lost": COUNT - len(arr), "duplicates": 0, "out_of_order": ooo,
                   "max_interruption_ms": "%.3f" % max(b - a for a, b in zip(times, times[1:])),
                   "delay_min_ms": "%.3f" % min(delays), "delay_max_ms": "%.3f" % max(delays),
                   "added_delay_max_ms": "%.3f" % (max(delays) - min(delays)),
                   "send_errors": 0, "ctl_errors": 0, "gap_ms": "%.3f" % (ev["up"] - ev["leave"])}
        with open(os.path.join(d, mode, "summary"), "w") as f:
            f.writelines("%s=%s\n" % kv for kv in summary.items())
        expect += ["stall %s %g %g" % (mode, a, b) for a, b in STALLS[mode]]
        expect.append("delay_max %s %.3f" % (mode, max(delays)))
    with open(os.path.join(d, "expect"), "w") as f:
        f.write("\n".join(expect) + "\n")


if __name__ == "__main__":
    main()
