#!/usr/bin/env python3
"""Our scrape file (docs/executor.md, Server metrics) -> aiperf's server_metrics_export.json,
by the rules the executor's agentic processor documents (executor/results/agentic_server.h):
a counter (a name ending _total) becomes its family with stats.total = last good scrape's
value minus the first's (none when it went down); _bucket/_sum/_count/_created are left out;
every other sample is a gauge with stats.max and stats.avg over the good scrapes during the
load (all good scrapes when none was). Used by record.sh to record what upstream's processor
makes of the same figures."""
import json
import sys

SKIP = ("_bucket", "_sum", "_count", "_created")


def main(src, dst):
    doc = json.load(open(src))
    good = [s for s in doc["scrapes"] if s.get("status") == 200 and "error" not in s
            and isinstance(s.get("samples"), list)]
    any_during = any(s.get("phase") == "during" for s in good)
    series = {}
    for s in good:
        during = s.get("phase") == "during"
        for name, labels, value in s["samples"]:
            if name.endswith(SKIP):
                continue
            key = (name, json.dumps(labels, sort_keys=True, separators=(",", ":")))
            v = series.setdefault(key, {"name": name, "labels": labels, "vals": []})
            if name.endswith("_total") or during or not any_during:
                v["vals"].append(float(value))
    metrics = {}
    for v in series.values():
        name = v["name"]
        if name.endswith("_total"):
            fam = name[: -len("_total")]
            stats = {}
            if v["vals"][-1] >= v["vals"][0]:
                stats["total"] = v["vals"][-1] - v["vals"][0]
        else:
            if not v["vals"]:
                continue
            fam = name
            mean = v["vals"][0]
            acc = 0.0
            for x in v["vals"]:
                acc += x
            stats = {"max": max(v["vals"]), "avg": acc / len(v["vals"])}
        metrics.setdefault(fam, {"series": []})["series"].append(
            {"labels": v["labels"], "endpoint_url": doc.get("url"), "stats": stats})
    json.dump({"metrics": metrics}, open(dst, "w"))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
