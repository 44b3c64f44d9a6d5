#!/usr/bin/python3
# Made tabulate-markdown.md, once, with the real tabulate (Debian python3-tabulate 0.8.9):
#   /usr/bin/python3 tests/results/aggregate/tabulate_markdown.py > tests/results/aggregate/tabulate-markdown.md
# It reads the results under tests/results/aggregate/in the way executor-spec 7 says
# (paths in byte order, tarball members after their tarball, byte-identical results once,
# documents without is_multinode skipped; a result whose fields have the wrong types left
# out, as aggregate does) and prints the markdown of executor-spec 7, the tables made by
# tabulate(tablefmt="github") from the "%.4f" texts of the metrics (None for a null).
# test_aggregate compares aggregate's markdown with that file. It is an independent
# expectation: do not regenerate it from the executor (UPDATE=1 does not touch it).
import json
import os
import sys
import tarfile

import tabulate

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "in")

SINGLE = ["Model", "Served Model", "Hardware", "Framework", "Precision", "ISL", "OSL", "TP",
          "EP", "DP Attention", "Conc", "TTFT (ms)", "TPOT (ms)",
          "Interactivity (tok/s/user)", "E2EL (s)", "TPUT per GPU", "Output TPUT per GPU",
          "Input TPUT per GPU"]
MULTI = ["Model", "Served Model", "Hardware", "Framework", "Precision", "ISL", "OSL",
         "Prefill TP", "Prefill EP", "Prefill DP Attn", "Prefill Workers", "Prefill GPUs",
         "Decode TP", "Decode EP", "Decode DP Attn", "Decode Workers", "Decode GPUs", "Conc",
         "TTFT (ms)", "TPOT (ms)", "Interactivity (tok/s/user)", "E2EL (s)", "TPUT per GPU",
         "Output TPUT per GPU", "Input TPUT per GPU"]
SINGLE_NOTE = ("Each row is one run on one node; latency columns are medians over its "
               "successful requests.")
MULTI_NOTE = ("Each row is one concurrency of a disaggregated deployment; per-GPU throughput "
              "counts the prefill and decode GPUs the deployment reported.")
STR = ["hw", "model", "infmax_model_prefix", "framework", "precision"]
INT = ["conc", "isl", "osl"]
SINGLE_INT = ["tp", "ep"]
MULTI_INT = ["prefill_tp", "prefill_ep", "prefill_num_workers", "decode_tp", "decode_ep",
             "decode_num_workers", "num_prefill_gpu", "num_decode_gpu"]


def documents():
    files = []
    for d, _, names in os.walk(ROOT):
        for n in names:
            if n.endswith(".json") or (n.startswith("bmk_") and n.endswith(".tar.gz")):
                files.append(os.path.join(d, n))
    for f in sorted(files, key=lambda p: p.encode()):
        if f.endswith(".tar.gz"):
            with tarfile.open(f) as t:
                members = [m for m in t.getmembers() if m.isfile() and m.name.endswith(".json")]
                for m in sorted(members, key=lambda m: m.name.encode()):
                    yield t.extractfile(m).read()
        else:
            with open(f, "rb") as fh:
                yield fh.read()


def well_formed(r):
    multi = r["is_multinode"]
    if not isinstance(multi, bool):
        return False
    ints = INT + (MULTI_INT if multi else SINGLE_INT)
    strs = STR + (["prefill_dp_attention", "decode_dp_attention"] if multi else ["dp_attention"])
    return (all(isinstance(r.get(k), int) and not isinstance(r.get(k), bool) for k in ints) and
            all(isinstance(r.get(k), str) for k in strs))


def metric(r, key, scale=1):
    v = r.get(key)
    return None if v is None else "%.4f" % (float(v) * scale)


def cells(r):
    head = [r["infmax_model_prefix"], r["model"], r["hw"].upper(), r["framework"].upper(),
            r["precision"].upper(), r["isl"], r["osl"]]
    if r["is_multinode"]:
        mid = [r["prefill_tp"], r["prefill_ep"], r["prefill_dp_attention"],
               r["prefill_num_workers"], r["num_prefill_gpu"], r["decode_tp"], r["decode_ep"],
               r["decode_dp_attention"], r["decode_num_workers"], r["num_decode_gpu"]]
    else:
        mid = [r["tp"], r["ep"], r["dp_attention"]]
    tail = [r["conc"], metric(r, "median_ttft", 1000), metric(r, "median_tpot", 1000),
            metric(r, "median_intvty"), metric(r, "median_e2el"), metric(r, "tput_per_gpu"),
            metric(r, "output_tput_per_gpu"), metric(r, "input_tput_per_gpu")]
    return head + mid + tail


def main():
    seen, rows = set(), []
    for raw in documents():
        try:
            doc = json.loads(raw)
        except ValueError:
            continue
        if not isinstance(doc, dict) or "is_multinode" not in doc or raw in seen:
            continue
        seen.add(raw)
        if well_formed(doc):
            rows.append(doc)

    def key(r):
        k = [r["infmax_model_prefix"], r["hw"], r["framework"], r["precision"], r["isl"],
             r["osl"]]
        if r["is_multinode"]:
            k += [r["prefill_tp"], r["prefill_ep"], r["decode_tp"], r["decode_ep"]]
        else:
            k += [r["tp"], r["ep"]]
        return k + [r["conc"]]

    out = []
    single = sorted((r for r in rows if not r["is_multinode"]), key=key)
    multi = sorted((r for r in rows if r["is_multinode"]), key=key)
    if single:
        out.append("## Single-Node Results\n\n%s\n\n%s\n\n\n" % (
            SINGLE_NOTE, tabulate.tabulate([cells(r) for r in single], SINGLE,
                                           tablefmt="github")))
    if multi:
        out.append("## Multi-Node Results\n\n%s\n\n%s\n" % (
            MULTI_NOTE, tabulate.tabulate([cells(r) for r in multi], MULTI,
                                          tablefmt="github")))
    sys.stdout.write("".join(out))


if __name__ == "__main__":
    assert tabulate.__version__.startswith("0.8."), tabulate.__version__
    main()
