#!/usr/bin/env python3
"""Checks of a trace replay (tests/e2e/bench_trace.sh), each printing one figure and exiting
non-zero when it breaks its bound. RESULT is bench's --save-result file of the replay
(docs/executor.md, "Trace replay").

  sent TRACE RESULT                 every turn of the trace sent once, with its recorded
                                    input length and its output length as max_tokens, and
                                    streamed that many tokens
  reuse TRACE BLOCK HITS QUERIES    the trace's theoretical prefix reuse (full BLOCK-token
                                    blocks seen before, chained, ids local per session for
                                    AgentX) against the simulator's hits / queries, within 1%
  pacing RESULT MS                  p99 of (sent - due) over the turns sent after a gap
                                    (not a session's first step) <= MS; also prints the
                                    OS's part (os_delay_ms) and the client's own
  pacing-own RESULT MS              p99 of the client's own part, sent - due - os_delay,
                                    <= MS, and every os_delay within 0..sent - due
  arrival TRACE RESULT MS           Mooncake: p99 of (sent - start - timestamp) <= MS
  live RESULT LIMIT                 session trees live at once, from the records, <= LIMIT,
                                    and LIMIT reached
  bound RESULT SECONDS              the replay ended within SECONDS + 1 s of its start
  warm TRACE RESULT RATIO W LANES   a warm start at RATIO (min = max) with W requests per
                                    lane over the first LANES sessions: the warm-up's count,
                                    each session's profiled turns (its steps from the start
                                    step on), none sent before the profiling start
  idle RESULT tree|system CAP MIN   the idle stretches (nothing of a session tree, or of the
                                    whole replay, in flight until the next send) are at most
                                    CAP s + 20 ms and at least MIN ms
"""
import json
import math
import sys


def lines(path):
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                yield n, json.loads(line)


def turns(path):
    """(conversation, turn index) -> (in, out) and (namespace, block, hashes, in) per turn."""
    want, blocks = {}, []
    for n, row in lines(path):
        if "timestamp" in row:
            want[(f"row-{n}", 0)] = (row["input_length"], row["output_length"])
            blocks.append(("g", 512, row.get("hash_ids", []), row["input_length"]))
            continue
        sid, b = row["id"], row.get("block_size", 64)
        ns = "g" if row.get("hash_id_scope") == "global" else sid
        k = 0
        for e in row["requests"]:
            if e.get("type") == "subagent":
                conv = f"{sid}::sa:{e['agent_id']}"
                for j, t in enumerate(e["requests"]):
                    want[(conv, j)] = (t["in"], t["out"])
                    blocks.append((ns, b, t.get("hash_ids", []), t["in"]))
            else:
                want[(sid, k)] = (e["in"], e["out"])
                blocks.append((ns, b, e.get("hash_ids", []), e["in"]))
                k += 1
    return want, blocks


def pct(v, p):
    v = sorted(v)
    return v[max(0, math.ceil(p / 100 * len(v)) - 1)]


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "sent":
        want, _ = turns(args[0])
        r = json.load(open(args[1]))
        got = {}
        for i in range(r["turns"]):
            key = (r["conversations"][r["conversation_indices"][i]], r["turn_indices"][i])
            got.setdefault(key, []).append((r["input_lens"][i], r["max_tokens"][i],
                                            r["output_lens"][i], r["errors"][i]))
        bad = [k for k in want if got.get(k) != [(*want[k], want[k][1], "")]]
        extra = [k for k in got if k not in want]
        print(f"{len(want)} turns in the trace, {r['turns']} sent, {len(bad)} wrong, "
              f"{len(extra)} unknown {bad[:3]} {extra[:3]}")
        sys.exit(1 if bad or extra or r["turns"] != len(want) else 0)
    if mode == "reuse":
        _, blocks = turns(args[0])
        block, hits, queries = int(args[1]), float(args[2]), float(args[3])
        seen, hit, total = set(), 0, 0
        for ns, tb, hashes, n in blocks:
            # the simulator hashes BLOCK-token blocks; the trace's are tb tokens
            assert tb == block, (tb, block)
            total += n
            key = (ns,)
            for i in range(n // block):
                key = key + (hashes[i],)
                if key in seen:
                    hit += 1
                seen.add(key)
        theory = hit * block / total
        measured = hits / queries
        print(f"theoretical reuse {theory:.4f} ({hit} blocks of {block} in {total} tokens), "
              f"measured {measured:.4f} ({hits:.0f} / {queries:.0f})")
        sys.exit(0 if abs(theory - measured) <= 0.01 and queries == total else 1)
    if mode == "arrival":
        ts = {f"row-{n}": row["timestamp"] for n, row in lines(args[0])}
        r = json.load(open(args[1]))
        err = [r["send_ms"][i] - ts[r["conversations"][r["conversation_indices"][i]]]
               for i in range(r["turns"])]
        p99 = pct(err, 99)
        print(f"arrival error over {len(err)} rows: p50 {pct(err, 50):.3f} ms, p99 {p99:.3f} "
              f"ms, min {min(err):.3f} ms")
        sys.exit(0 if p99 <= float(args[2]) and min(err) >= 0 else 1)
    if mode == "warm":
        ratio, per_lane, lanes = float(args[2]), int(args[3]), int(args[4])
        want_turns, want_warm = {}, 0
        for num, (_, row) in enumerate(lines(args[0])):
            steps, in_fanout = [], False
            for e in row["requests"]:
                if e.get("type") == "subagent":
                    if not in_fanout:
                        steps.append(0)
                    steps[-1] += len(e["requests"])
                    in_fanout = True
                else:
                    steps.append(1)
                    in_fanout = False
            n = len(steps)
            warm = min(1 + per_lane, n - 1) if num < lanes and n > 1 else 0
            k = min(int(ratio * n), n - 1 - warm) if n > 1 else 0
            want_warm += warm
            want_turns[num] = sum(steps[k + warm:])
        r = json.load(open(args[1]))
        got = {}
        for s_ in r["session_nums"]:
            got[s_] = got.get(s_, 0) + 1
        early = [t for t in r["send_ms"] if t < 0]
        print(f"warm-up requests {r['warmup_requests']} (want {want_warm}); profiled turns "
              f"per session {[got.get(i, 0) for i in sorted(want_turns)]} (want "
              f"{[want_turns[i] for i in sorted(want_turns)]}); sent before the start: "
              f"{len(early)}")
        sys.exit(0 if r["warmup_requests"] == want_warm and got == want_turns and not early
                 else 1)
    r = json.load(open(args[0]))
    if mode in ("pacing", "pacing-own"):
        paced = [(s - d, o) for s, d, o, p in
                 zip(r["send_ms"], r["due_ms"], r["os_delay_ms"], r["paced"]) if p]
        err = [e for e, _ in paced]
        osd = [o for _, o in paced]
        own = [e - o for e, o in paced]
        p99 = pct(err, 99)
        print(f"pacing error over {len(err)} turns: p50 {pct(err, 50):.3f} ms, p99 {p99:.3f} "
              f"ms, max {max(err):.3f} ms; the OS waking the client: p99 {pct(osd, 99):.3f} "
              f"ms, max {max(osd):.3f} ms; the client's own: p99 {pct(own, 99):.3f} ms, max "
              f"{max(own):.3f} ms")
        if mode == "pacing":
            sys.exit(0 if p99 <= float(args[1]) else 1)
        wrong = [i for i, (e, o) in enumerate(paced) if o < 0 or o > e + 1e-6]
        if wrong:
            print(f"os_delay_ms outside 0..sent - due at {len(wrong)} turns, first {wrong[0]}")
        sys.exit(0 if not wrong and pct(own, 99) <= float(args[1]) else 1)
    if mode == "live":
        span = {}
        for i in range(r["turns"]):
            s = r["session_nums"][i]
            a, b = span.get(s, (math.inf, -math.inf))
            span[s] = (min(a, r["due_ms"][i]), max(b, r["end_ms"][i]))
        ev = sorted([(a, 1) for a, _ in span.values()] + [(b, -1) for _, b in span.values()],
                    key=lambda e: (e[0], e[1]))
        live = peak = 0
        for _, d in ev:
            live += d
            peak = max(peak, live)
        limit = int(args[1])
        print(f"live sessions: peak {peak} from the records, {r['max_live_sessions']} "
              f"counted, limit {limit}")
        sys.exit(0 if peak == limit and r["max_live_sessions"] == limit else 1)
    if mode == "idle":
        scope, cap, least = args[1], float(args[2]) * 1000, float(args[3])
        groups = {}
        for i in range(r["turns"]):
            key = r["session_nums"][i] if scope == "tree" else 0
            groups.setdefault(key, []).append((r["send_ms"][i], r["end_ms"][i]))
        idle = []
        for spans in groups.values():
            spans.sort()
            covered = spans[0][1]
            for send, end in spans[1:]:
                if send > covered:
                    idle.append(send - covered)
                covered = max(covered, end)
        print(f"{scope} idle stretches: {len(idle)}, min {min(idle):.1f} ms, max "
              f"{max(idle):.1f} ms (cap {cap:.0f} ms)")
        sys.exit(0 if idle and max(idle) <= cap + 20 and min(idle) >= least else 1)
    if mode == "bound":
        bound = float(args[1])
        end = max(r["end_ms"]) / 1000 if r["turns"] else 0
        print(f"bound {bound} s: the replay lasted {r['duration']:.3f} s, its last turn "
              f"ended at {end:.3f} s, {r['cut']} cut, {r['turns_dropped']} never sent")
        sys.exit(0 if r["duration"] <= bound + 1 and end <= bound + 1 and
                 r["duration"] >= bound - 0.1 else 1)
    sys.exit(f"unknown mode {mode}")


main()
