#!/usr/bin/env python3
"""Writes cases/NAME/ for `executor power-multinode` (deterministic): a self-consistent
srt-slurm dcgm-power v1 package as upstream's utils/test_aggregate_power_multinode.py builds
it (InferenceX 843c6254f), then one tamper per case. Each case directory is the working
directory of one run: LOGS/power/{manifest.json,samples.csv,windows/}, LOGS/my_result.json
(the original), bench.json (the launcher's renamed copy), agg.json, and args."""
import csv
import json
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHA = "a" * 40
START, END, FIRST, LAST = 1000.0, 1060.0, 998.0, 1062.0
DEVICES = (("node-d", 0, "decode", 1, 300.0), ("node-d", 1, "decode", 1, 300.0),
           ("node-p", 0, "prefill", 0, 400.0), ("node-p", 1, "prefill", 0, 400.0))
BENCH = {"model_id": "test-model", "max_concurrency": 4, "benchmark_start_time_unix": START,
         "benchmark_end_time_unix": END, "duration": 60.0, "completed": 8,
         "total_input_tokens": 32768, "total_output_tokens": 4096}
HEADER = ("schema_version", "timestamp_unix", "scrape_seq", "hostname", "gpu_index", "gpu_uuid",
          "power_w")


def uuid(h, i):
    return f"GPU-{h}-{i}"


def rows_for(devices, power_fn=None, step=1.0):
    rows, seq, ts = [], 0, FIRST
    while ts <= LAST:
        for h, i, _r, _g, w in devices:
            rows.append([1, repr(ts), seq, h, i, uuid(h, i), repr(power_fn(h, i, ts) if power_fn else w)])
        seq += 1
        ts += step
    return rows, seq


def build(root, devices=DEVICES, power_fn=None, args="--prefill-gpus 2 --decode-gpus 2"):
    if root.exists():
        shutil.rmtree(root)
    power = root / "LOGS" / "power"
    (power / "windows").mkdir(parents=True)
    rows, scrapes = rows_for(devices, power_fn)
    with open(power / "samples.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerows(rows)
    srt = sorted(devices)
    manifest = {
        "schema_version": 1, "producer": "srt-slurm.dcgm-power", "producer_version": "1.0",
        "producer_git_commit": SHA, "source_metric": "DCGM_FI_DEV_POWER_USAGE", "unit": "W",
        "power_scope": "gpu_device_board_as_reported_by_dcgm",
        "timestamp_source": "head_node_unix_clock", "job_id": "12345", "run_name": "canary",
        "sample_interval_seconds": 1.0, "request_timeout_seconds": 2.0,
        "max_scrape_duration_seconds": 0.05, "required": True, "started_at_unix": 990.0,
        "stopped_at_unix": 1070.0, "status": "complete", "publication_valid": True,
        "dcgm_exporter": {"container_image_resolved": "/squash/dcgm-exporter.sqsh",
                          "container_image_sha256": "e3b0c442" * 8, "port": 9401,
                          "command": "dcgm-exporter"},
        "expected_devices": [{"hostname": h, "gpu_index": i, "assignments": [
            {"worker_role": r, "worker_index": 0, "worker_process": 0, "het_group": g}]}
            for h, i, r, g, _w in srt],
        "observed_devices": [{"hostname": h, "gpu_index": i, "gpu_uuids": [uuid(h, i)],
                              "first_sample_time_unix": FIRST, "last_sample_time_unix": LAST}
                             for h, i, _r, _g, _w in srt],
        "expected_windows": [{"benchmark_type": "sa-bench", "concurrency": 4}],
        "scrape_count": scrapes, "sample_row_count": len(rows),
        "window_validations": [{"benchmark_type": "sa-bench", "concurrency": 4,
                                "window_file": "windows/my_result.json",
                                "power_coverage_valid": True, "reason_codes": [],
                                "per_device_max_sample_gap_seconds": {
                                    f"{h}/{uuid(h, i)}": 1.0 for h, i, _r, _g, _w in srt}}],
        "artifact_errors": [], "reason_codes": [],
    }
    window = {"schema_version": 1, "clock_source": "head_node_unix_clock",
              "benchmark_type": "sa-bench", "concurrency": 4, "status": "completed",
              "benchmark_start_time_unix": START, "benchmark_end_time_unix": END,
              "duration": 60.0, "reason": None, "result_path": "my_result.json"}
    put(power / "manifest.json", manifest)
    put(power / "windows" / "my_result.json", window)
    put(root / "LOGS" / "my_result.json", BENCH)
    put(root / "bench.json", BENCH)
    put(root / "agg.json", {"hw": "gb200", "conc": 4, "avg_power_w": 1.0, "power_valid": 1})
    (root / "args").write_text(f"--expected-producer-sha {SHA} {args}\n")
    return root


def put(path, data):
    path.write_text(json.dumps(data, indent=2))


def edit(path, **changes):
    data = json.loads(path.read_text())
    data.update(changes)
    put(path, data)


def manifest(root):
    return root / "LOGS" / "power" / "manifest.json"


def main():
    cases = HERE / "cases"
    if cases.exists():
        shutil.rmtree(cases)
    c = lambda name, **kw: build(cases / name, **kw)

    c("valid")
    c("valid_ramp", power_fn=lambda h, i, ts: 100.0 + (ts - FIRST) * 1.5 + i * 7.25 + (h == "node-p") * 33.3)
    r = c("valid_required"); (r / "args").write_text(r.joinpath("args").read_text().strip() + " --require-power\n")
    r = c("valid_sidecar_elsewhere"); (r / "args").write_text(r.joinpath("args").read_text().strip() + " --validation-result audit/side.json\n")
    non_het = tuple((h, i, role, None, w) for h, i, role, _g, w in DEVICES)
    c("valid_non_het", devices=non_het)
    prefill_only = (("node-p", 0, "prefill", None, 400.0), ("node-p", 1, "prefill", None, 410.0))
    c("valid_prefill_only", devices=prefill_only, args="--prefill-gpus 2 --decode-gpus 0")

    r = c("stored_verdict_false"); edit(manifest(r), publication_valid=False)
    r = c("producer_sha_mismatch"); (r / "args").write_text("--expected-producer-sha " + "b" * 40 + " --prefill-gpus 2 --decode-gpus 2\n")
    r = c("producer_pin_missing"); (r / "args").write_text("--prefill-gpus 2 --decode-gpus 2\n")
    r = c("power_dir_missing"); shutil.rmtree(r / "LOGS" / "power")
    r = c("manifest_missing"); (manifest(r)).unlink()
    r = c("manifest_not_object"); manifest(r).write_text("[1, 2]")
    r = c("duplicate_row")
    with open(r / "LOGS/power/samples.csv", "a", newline="") as f:
        csv.writer(f).writerow([1, repr(1000.5), 0, "node-d", 0, "GPU-node-d-0", "300.0"])
    r = c("malformed_rows")
    with open(r / "LOGS/power/samples.csv", "a", newline="") as f:
        f.write("1,nan,99,node-d,0,GPU-node-d-0,300\n\n2,1,1,x,0,u,1\n")
    r = c("uuid_reuse")
    p = r / "LOGS/power/samples.csv"
    p.write_text(p.read_text().replace("GPU-node-d-1", "GPU-node-d-0"))
    r = c("non_monotonic")
    p = r / "LOGS/power/samples.csv"
    p.write_text(p.read_text().replace("1030.0,32,node-p,1", "1029.0,32,node-p,1"))
    r = c("gap_exceeded")
    p = r / "LOGS/power/samples.csv"
    lines = p.read_text().splitlines(keepends=True)
    p.write_text("".join(l for l in lines if not (",node-p,0," in l and any(f"{t}.0," in l for t in (1020, 1021, 1022, 1023)))))
    r = c("not_bracketed")
    p = r / "LOGS/power/samples.csv"
    lines = p.read_text().splitlines(keepends=True)
    p.write_text("".join(l for l in lines if not (",node-d,1," in l and float(l.split(",")[1]) > 1055)))
    c("overflow", power_fn=lambda h, i, ts: 1e308)
    r = c("result_path_escape"); edit(r / "LOGS/power/windows/my_result.json", result_path="../my_result.json")
    r = c("content_mismatch"); put(r / "bench.json", dict(BENCH, completed=9))
    r = c("no_window_for_conc"); put(r / "bench.json", dict(BENCH, max_concurrency=8)); put(r / "LOGS/my_result.json", dict(BENCH, max_concurrency=8))
    r = c("role_counts_mismatch"); (r / "args").write_text(f"--expected-producer-sha {SHA} --prefill-gpus 4 --decode-gpus 2\n")
    r = c("both_zero"); (r / "args").write_text(f"--expected-producer-sha {SHA} --prefill-gpus 0 --decode-gpus 0\n")
    shared = tuple((h, i, role, 0, w) for h, i, role, _g, w in DEVICES)
    c("shared_het_group", devices=shared)
    mixed = tuple((h, i, role, None if role == "decode" else 0, w) for h, i, role, _g, w in DEVICES)
    c("mixed_het_groups", devices=mixed)
    r = c("wire_contract"); edit(manifest(r), producer="someone-else.power", schema_version=2, unit=None, required="yes", reason_codes=["exporter_exited", "exporter_startup_timeout"])
    r = c("stored_evidence"); edit(manifest(r), sample_row_count=1, scrape_count=3.5)
    r = c("incomplete_status"); edit(manifest(r), status="incomplete", publication_valid=False)
    r = c("manifest_malformed_keyerror")
    m = json.loads(manifest(r).read_text()); del m["expected_devices"][1]["hostname"]; put(manifest(r), m)
    r = c("manifest_malformed_role")
    m = json.loads(manifest(r).read_text()); m["expected_devices"][0]["assignments"][0]["worker_role"] = "it's"; put(manifest(r), m)
    r = c("manifest_malformed_not_list"); edit(manifest(r), expected_windows={"a": 1})
    r = c("window_running"); edit(r / "LOGS/power/windows/my_result.json", status="running", benchmark_end_time_unix=None, duration=None)
    r = c("window_duplicate"); shutil.copy(r / "LOGS/power/windows/my_result.json", r / "LOGS/power/windows/my_result2.json")
    edit(r / "LOGS/power/windows/my_result2.json", result_path="my_result2.json")
    r = c("window_missing"); (r / "LOGS/power/windows/my_result.json").unlink()
    r = c("window_clock_mismatch"); put(r / "LOGS/my_result.json", dict(BENCH, duration=55.0)); put(r / "bench.json", dict(BENCH, duration=55.0))
    edit(r / "LOGS/power/windows/my_result.json", duration=55.0)
    r = c("bench_counts_invalid"); put(r / "bench.json", dict(BENCH, completed=0)); put(r / "LOGS/my_result.json", dict(BENCH, completed=0))
    r = c("agg_missing"); (r / "agg.json").unlink()


if __name__ == "__main__":
    main()
