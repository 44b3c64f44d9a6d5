#!/usr/bin/env python3
"""Writes fuzz_power's seeds (tests/fuzz/fuzz_power.c has the input's shape) from the recorded
cases of tests/results/power/cases, one seed per case, plus a hand-made one whose CSV falls in
the fallback window. Run from anywhere: python3 tests/fuzz/corpus_power/make_seeds.py"""
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "..", "..", "results", "power", "cases")
TEXTS = ["gpu_metrics.csv", "bench.json", "agg.json", "gpu_metrics_energy_start.csv",
         "gpu_metrics_energy_end.csv"]


def seed(flags, window, texts):
    return bytes([flags, window]) + b"\0".join(t or b"" for t in texts)


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read().replace(b"\0", b"")
    except OSError:
        return None


for case in sorted(os.listdir(CASES)):
    d = os.path.join(CASES, case)
    args = read(os.path.join(d, "args")) or b""
    m = re.search(rb"--expected-num-gpus (\d+)", args)
    flags = min(int(m.group(1)), 15) if m else 0
    texts = [read(os.path.join(d, name)) for name in TEXTS]
    for bit, i in ((0x10, 0), (0x20, 3), (0x40, 4)):
        if texts[i] is None:
            flags |= bit
    with open(os.path.join(HERE, case + ".bin"), "wb") as f:
        f.write(seed(flags, 0, texts))

# the fallback window: [2024-01-01 00:00:00, +4 s] UTC, two GPUs sampled around it
rows = "".join(f"2024/01/01 00:00:0{s}.000, {g}, {300 + 10 * g}.00 W, 40, 1980 MHz\n"
               for s in range(6) for g in range(2))
csv = ("timestamp, index, power.draw [W], temperature.gpu, clocks.current.sm [MHz]\n" + rows)
with open(os.path.join(HERE, "fallback_window.bin"), "wb") as f:
    f.write(seed(0x02, 0x30, [csv.encode(), None, b'{"is_multinode": false}', None, None]))
