#!/usr/bin/env python3
"""Makes the small shipped traces (seeded: the same bytes every run).

  mooncake_small.jsonl  Mooncake JSONL: 60 rows over ~3 s; 4 "system prompts" of 2-3 blocks
                        shared by conversations that grow by 1-2 blocks a turn; hash ids of
                        512-token blocks, the last one partial; outputs 4-12 tokens.
  agentx_small.jsonl    AgentX session traces (upstream's weka shape, block_size 64, local
                        ids): 8 sessions of 3-6 main turns whose context grows, think times
                        of 20-80 ms, and in half of them a fan-out of 2 subagents of 2-3
                        turns each, joined by the next main turn.

Usage: python3 make_traces.py [OUTDIR] [--agentx-sessions N --agentx-turns T]
(the perf benchmark makes its 100,000-turn trace with the latter).
"""
import json
import random
import sys


def mooncake(rng):
    rows = []
    convs = []
    next_hash = 1000
    roots = []
    for r in range(4):
        n = rng.randint(2, 3)
        roots.append(list(range(next_hash, next_hash + n)))
        next_hash += n
    t = 0
    for i in range(60):
        t += rng.randint(20, 80)
        if convs and rng.random() < 0.6:
            c = rng.choice(convs)
        else:
            c = {"hashes": list(rng.choice(roots))}
            convs.append(c)
        grow = rng.randint(1, 2)
        c["hashes"] = c["hashes"] + list(range(next_hash, next_hash + grow))
        next_hash += grow
        hashes = c["hashes"]
        inp = (len(hashes) - 1) * 512 + rng.randint(1, 512)
        rows.append({"timestamp": t, "input_length": inp,
                     "output_length": rng.randint(4, 12), "hash_ids": hashes})
    return rows


def agentx(rng, sessions=8, max_turns=6, block=64):
    out = []
    for s in range(sessions):
        hashes = list(range(1, rng.randint(3, 6)))
        nxt = 100
        t = 0.0
        reqs = []
        turns = rng.randint(max(3, max_turns // 2), max_turns)
        fan_at = rng.randint(1, turns - 1) if s % 2 == 0 else -1
        for k in range(turns):
            if k == fan_at:
                groups = []
                start = t
                for g in range(2):
                    inner = []
                    sh = list(hashes[:2])
                    ti = start
                    for j in range(rng.randint(2, 3)):
                        gap = rng.randint(20, 60) / 1000
                        ti += gap
                        sh = sh + [nxt]
                        nxt += 1
                        api = rng.randint(30, 90) / 1000
                        inner.append({"t": round(ti, 3), "type": "n", "model": "m",
                                      "in": len(sh) * block - rng.randint(0, 40),
                                      "out": rng.randint(3, 8), "hash_ids": sh,
                                      "api_time": api, "think_time": gap})
                        ti += api
                    groups.append({"t": inner[0]["t"], "type": "subagent",
                                   "agent_id": f"explore_{g:03d}",
                                   "subagent_type": "Explore", "requests": inner,
                                   "models": ["m"], "status": "completed"})
                    t = max(t, ti)
                reqs.extend(groups)
            gap = 0.0 if k == 0 else rng.randint(20, 80) / 1000
            t += gap
            hashes = hashes + list(range(nxt, nxt + rng.randint(1, 3)))
            nxt += 3
            api = rng.randint(30, 120) / 1000
            req = {"t": round(t, 3), "type": "s", "model": "m",
                   "in": len(hashes) * block - rng.randint(0, 40),
                   "out": rng.randint(4, 12), "hash_ids": hashes, "api_time": api}
            if k:
                req["think_time"] = gap
            reqs.append(req)
            t += api
        out.append({"id": f"trace-{s}", "models": ["m"], "block_size": block,
                    "hash_id_scope": "local", "requests": reqs})
    return out


def write(path, rows):
    with open(path, "w") as f:
        for r in rows:
            f.write(json.dumps(r, separators=(",", ":")) + "\n")


def main():
    args = sys.argv[1:]
    outdir = args[0] if args and not args[0].startswith("--") else "."
    if "--agentx-sessions" in args:
        n = int(args[args.index("--agentx-sessions") + 1])
        t = int(args[args.index("--agentx-turns") + 1])
        write(f"{outdir}/agentx_perf.jsonl", agentx(random.Random(7), n, t))
        return
    write(f"{outdir}/mooncake_small.jsonl", mooncake(random.Random(42)))
    write(f"{outdir}/agentx_small.jsonl", agentx(random.Random(43)))


main()
