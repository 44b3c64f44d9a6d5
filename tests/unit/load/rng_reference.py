#!/usr/bin/env python3
"""The pinned draws of test_rng.c and test_dataset.c, computed apart from the C code.

An independent transcription of the reference algorithms with Python's exact integers:
splitmix64 and xoshiro256** (Vigna's reference C), Lemire's bounded draw with rejection, and
executor-spec 4.3's draw order for the random dataset (input lengths, output lengths, then
the prefix, then each prompt). Run it to print the constants; it checks the published test
vectors first. Not part of the test run: the C tests hold its output as constants.
"""
import math
import re
import sys
from pathlib import Path

M = (1 << 64) - 1


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & M


class Rng:
    def __init__(self, seed):
        self.s = []
        x = seed
        for _ in range(4):  # splitmix64
            x = (x + 0x9E3779B97F4A7C15) & M
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
            self.s.append(z ^ (z >> 31))

    def next(self):  # xoshiro256**
        s = self.s
        result = (rotl((s[1] * 5) & M, 7) * 9) & M
        t = (s[1] << 17) & M
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def below(self, n):  # Lemire: high word of x * n, the low word's biased zone rejected
        m = self.next() * n
        if (m & M) < n:
            threshold = ((1 << 64) - n) % n
            while (m & M) < threshold:
                m = self.next() * n
        return m >> 64

    def range(self, lo, hi):
        return lo + self.below(hi - lo + 1)

    def double(self):
        return (self.next() >> 11) * 2.0**-53


def lengths(r, num, inp, out, ratio):
    ins = [r.range(math.floor(inp * ratio), inp) for _ in range(num)]
    outs = [r.range(math.floor(out * ratio), out) for _ in range(num)]
    return ins, outs


def main():
    r = Rng(0)
    assert r.s == [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F,
                   0xF88BB8A8724C81EC], "splitmix64's published outputs"
    r.s = [1, 2, 3, 4]
    assert [r.next() for _ in range(4)] == [11520, 0, 1509978240, 1215971899390074240]

    r = Rng(42)
    print("next, seed 42:", ", ".join("0x%016x" % r.next() for _ in range(8)))
    r = Rng(0)
    print("next, seed 0:", ", ".join("0x%016x" % r.next() for _ in range(4)))
    r = Rng(42)
    print("below(1000), seed 42:", [r.below(1000) for _ in range(8)])
    r = Rng(7)
    print("below(3 << 62), seed 7:", ", ".join("0x%016x" % r.below(3 << 62) for _ in range(8)))
    r = Rng(42)
    print("range(-5, 5), seed 42:", [r.range(-5, 5) for _ in range(8)])
    r = Rng(42)
    print("double, seed 42:", [repr(r.double()) for _ in range(4)])

    # ids: 3 prompts, input 8, output 4, prefix 2, ratio 0.5, seed 2025
    r = Rng(2025)
    ins, outs = lengths(r, 3, 8, 4, 0.5)
    prefix = [r.range(1000, 29999) for _ in range(2)]
    print("ids, seed 2025:", ins, outs)
    for n in ins:
        print("  ", prefix + [r.range(1000, 29999) for _ in range(n)])

    # text: 2 prompts, input 6, output 4, prefix 3, ratio 0.5, seed 2025; the word list is
    # read from dataset.c
    src = (Path(__file__).resolve().parents[3] / "executor/load/dataset.c").read_text()
    block = src[src.index("words[] = {"):]
    words = re.findall(r'"([a-z]+)"', block[:block.index("};")])

    def text(seed, n):
        w = Rng(seed)
        return [words[w.below(len(words))] for _ in range(n)]

    r = Rng(2025)
    ins, outs = lengths(r, 2, 6, 4, 0.5)
    prefix_seed = r.next()
    seeds = [r.next() for _ in range(2)]
    print("text, seed 2025:", ins, outs)
    for seed, n in zip(seeds, ins):
        print("  ", " ".join(text(prefix_seed, 3) + text(seed, n)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
