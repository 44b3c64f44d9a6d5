#!/usr/bin/env python3
"""Writes the GSM8K-format eval subset the executor ships (configs/evals/).

We cannot ship or fetch openai/gsm8k, so these are simple arithmetic word problems of our own,
made from templates with a seeded RNG: the same run writes the same files, byte for byte.
Each line is a JSON object {"question": ..., "answer": ...} as in GSM8K, the answer ending in
"#### N". gsm8k-subset.jsonl (50 problems) is what `executor eval` scores by default;
gsm8k-fewshot.jsonl (5 other problems) gives the few-shot examples of every prompt.

    python3 scripts/gen_gsm8k_subset.py configs/evals
"""
import json
import random
import sys

NAMES = ["Ava", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jamal"]
THINGS = ["apples", "marbles", "stickers", "books", "pencils", "cookies", "stamps", "shells"]


def buy_and_give(r):
    n, t = r.choice(NAMES), r.choice(THINGS)
    a, b, c = r.randint(10, 60), r.randint(2, 9), r.randint(1, 9)
    total = a + b * c
    q = (f"{n} has {a} {t}. {n} buys {b} bags with {c} {t} in each bag. "
         f"How many {t} does {n} have now?")
    s = f"The bags hold {b} * {c} = <<{b}*{c}={b * c}>>{b * c} {t}.\n" \
        f"{n} has {a} + {b * c} = <<{a}+{b * c}={total}>>{total} {t}."
    return q, s, total


def share(r):
    n, t = r.choice(NAMES), r.choice(THINGS)
    k, each, keep = r.randint(2, 8), r.randint(3, 12), r.randint(0, 9)
    total = k * each + keep
    q = (f"{n} has {total} {t} and keeps {keep} of them. The rest are shared equally among "
         f"{k} friends. How many {t} does each friend get?")
    s = f"{n} shares {total} - {keep} = <<{total}-{keep}={k * each}>>{k * each} {t}.\n" \
        f"Each friend gets {k * each} / {k} = <<{k * each}/{k}={each}>>{each} {t}."
    return q, s, each


def wage(r):
    n = r.choice(NAMES)
    rate, hours, days = r.randint(8, 40), r.randint(2, 9), r.randint(2, 7)
    total = rate * hours * days
    q = (f"{n} earns ${rate} an hour and works {hours} hours a day for {days} days. "
         f"How many dollars does {n} earn?")
    s = f"A day pays {rate} * {hours} = <<{rate}*{hours}={rate * hours}>>{rate * hours} dollars.\n" \
        f"{days} days pay {rate * hours} * {days} = <<{rate * hours}*{days}={total}>>{total} dollars."
    return q, s, total


def left_over(r):
    n, t = r.choice(NAMES), r.choice(THINGS)
    start = r.randint(200, 2000)
    used = r.randint(10, start // 3)
    lost = r.randint(1, start // 3)
    left = start - used - lost
    q = (f"A shop had {start} {t}. It sold {used} and lost {lost}. "
         f"How many {t} does the shop have left?")
    s = f"It gave up {used} + {lost} = <<{used}+{lost}={used + lost}>>{used + lost} {t}.\n" \
        f"{start} - {used + lost} = <<{start}-{used + lost}={left}>>{left} {t} are left."
    return q, s, left


TEMPLATES = [buy_and_give, share, wage, left_over]


def problem(r):
    q, s, n = r.choice(TEMPLATES)(r)
    return {"question": q, "answer": f"{s}\n#### {n}"}


def write(path, items):
    with open(path, "w", encoding="utf-8") as f:
        for it in items:
            f.write(json.dumps(it, ensure_ascii=False) + "\n")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "configs/evals"
    r = random.Random(20240614)
    seen, items = set(), []
    while len(items) < 55:
        p = problem(r)
        if p["question"] not in seen:
            seen.add(p["question"])
            items.append(p)
    write(f"{out}/gsm8k-fewshot.jsonl", items[:5])
    write(f"{out}/gsm8k-subset.jsonl", items[5:])


if __name__ == "__main__":
    main()
