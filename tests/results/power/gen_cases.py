#!/usr/bin/env python3
"""Writes the input files of the power cases (cases/NAME/): a GPU metrics CSV in the shapes
nvidia-smi and amd-smi write, a raw benchmark result, a processed result to patch, and
`args` (the options after --csv/--bench-result/--agg-result). Deterministic: run it again
and nothing changes. Expected outputs are upstream's (make_expected.sh)."""
import json
import math
import os
import shutil
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")
T0 = 1736944496.25  # 2025-01-15 12:34:56.25 UTC


def smi_time(t):
    """nvidia-smi's local time (the cases run with TZ=UTC)."""
    whole = math.floor(t)
    ms = int(round((t - whole) * 1000))
    return time.strftime("%Y/%m/%d %H:%M:%S", time.gmtime(whole)) + ".%03d" % ms


def iso_time(t):
    whole = math.floor(t)
    us = int(round((t - whole) * 1e6))
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + ".%06d" % us


def watts(gpu, k):
    return 400 + 37 * gpu + (k * 13 + gpu * 7) % 90 + 0.01 * ((k * 31 + gpu) % 100)


def nvidia_rows(gpus, n, dt=1.0, t0=T0 - 3.0, skip=lambda g, k: False):
    rows = ["timestamp, index, power.draw [W], temperature.gpu, clocks.current.sm [MHz], "
            "utilization.gpu [%]"]
    for k in range(n):
        t = t0 + k * dt + 0.013 * (k % 3)
        for g in range(gpus):
            if skip(g, k):
                continue
            rows.append("%s, %d, %.2f W, %d, 1980 MHz, %d %%" % (
                smi_time(t + 0.001 * g), g, watts(g, k), 40 + g, (k * 7) % 100))
    return "\n".join(rows) + "\n"


def amd_rows(gpus, n, dt=1.0, t0=T0 - 3.0):
    rows = ["timestamp,gpu,socket_power,power_cap,temperature"]
    for k in range(n):
        for g in range(gpus):
            rows.append("%s,%d,%d,750,%d" % (iso_time(t0 + k * dt), g, int(watts(g, k)), 50 + g))
    return "\n".join(rows) + "\n"


def bench(start=T0, dur=20.0, reported=None, completed=64, inp=65536, out=65536):
    return {
        "date": "20250115-123456",
        "backend": "vllm",
        "duration": reported if reported is not None else dur,
        "completed": completed,
        "total_input_tokens": inp,
        "total_output_tokens": out,
        "request_throughput": 3.2,
        "output_throughput": 3276.8,
        "benchmark_start_time_unix": start,
        "benchmark_end_time_unix": start + dur,
    }


AGG = {
    "hw": "h200",
    "conc": 64,
    "image": "vllm/vllm-openai:v0.10.0",
    "model": "deepseek-ai/DeepSeek-R1",
    "tput_per_gpu": 1234.5678901234,
    "median_ttft": 0.123,
    "mean_tpot": 0.0125,
    "mean_intvty": 80.0,
    "tp": 8,
    "ep": 1,
    "dp_attention": "false",
    "num_gpus": 8,
    "notes": "caf\u00e9 \u2013 1e-05",
}


def case(name, csv=None, b=None, agg=AGG, args="--expected-num-gpus 8", extra=None,
         raw_agg=None, raw_bench=None):
    d = os.path.join(CASES, name)
    os.makedirs(d, exist_ok=True)
    if csv is not None:
        with open(os.path.join(d, "gpu_metrics.csv"), "w", newline="") as f:
            f.write(csv)
    with open(os.path.join(d, "bench.json"), "w") as f:
        f.write(raw_bench if raw_bench is not None else json.dumps(b if b else bench(), indent=2))
    if raw_agg is not None:
        with open(os.path.join(d, "agg.json"), "w") as f:
            f.write(raw_agg)
    elif agg is not None:
        with open(os.path.join(d, "agg.json"), "w") as f:
            f.write(json.dumps(agg, indent=2))
    with open(os.path.join(d, "args"), "w") as f:
        f.write(args + "\n")
    for fname, text in (extra or {}).items():
        with open(os.path.join(d, fname), "w", newline="") as f:
            f.write(text)


def main():
    shutil.rmtree(CASES, ignore_errors=True)
    case("valid_nvidia", nvidia_rows(8, 28))
    case("valid_amd", amd_rows(4, 28), args="--expected-num-gpus 4", extra={
        "gpu_metrics_energy_start.csv": "gpu,total_energy_consumption,unit\n"
        + "".join("%d,%d.5,J\n" % (g, 1000000 + 1000 * g) for g in range(4)),
        "gpu_metrics_energy_end.csv": "gpu,total_energy_consumption,unit\n"
        + "".join("%d,%d.25,J\n" % (g, 1000000 + 1000 * g + 11800 + 900 * g) for g in range(4)),
    })
    case("accumulator_missing_end", amd_rows(2, 28), args="--expected-num-gpus 2", extra={
        "gpu_metrics_energy_start.csv": "gpu,total_energy_consumption\n0,5\n1,6\n"})
    case("accumulator_unmatched", amd_rows(2, 28), args="--expected-num-gpus 2", extra={
        "gpu_metrics_energy_start.csv": "gpu,total_energy_consumption\n0,5\n1,900000\n7,1\n",
        "gpu_metrics_energy_end.csv": "gpu , total_energy_consumption\n0,12000\n1,6\n9,1\n"})
    case("gap_exceeded", nvidia_rows(2, 28, skip=lambda g, k: g == 1 and 8 <= k <= 12),
         args="--expected-num-gpus 2")
    case("not_bracketed", nvidia_rows(2, 28, t0=T0 + 0.5), args="--expected-num-gpus 2")
    case("wrong_gpu_count", nvidia_rows(4, 28))
    case("duration_mismatch", nvidia_rows(2, 28), b=bench(reported=21.0),
         args="--expected-num-gpus 2")
    case("duration_within_tolerance", nvidia_rows(2, 28), b=bench(reported=20.45),
         args="--expected-num-gpus 2")
    case("bad_counts", nvidia_rows(2, 28), b=bench(completed=0, inp=True, out=12.0),
         args="--expected-num-gpus 2")
    case("bad_window", nvidia_rows(2, 28), b=bench(dur=-1.0), args="--expected-num-gpus 2")
    case("bench_not_json", nvidia_rows(2, 28), raw_bench="{not json",
         args="--expected-num-gpus 2")
    case("csv_missing", None, args="--expected-num-gpus 2")
    case("csv_empty", "", args="--expected-num-gpus 2")
    case("columns_missing", "time,watts\n1,2\n", args="--expected-num-gpus 2")
    case("no_usable_samples", "timestamp,index,power.draw [W]\n", args="--expected-num-gpus 2")
    case("agg_missing", nvidia_rows(2, 28), agg=None, args="--expected-num-gpus 2")
    case("agg_not_json", nvidia_rows(2, 28), raw_agg="[1, 2", args="--expected-num-gpus 2")
    case("require_power_invalid", nvidia_rows(2, 28, t0=T0 + 0.5),
         args="--expected-num-gpus 2 --require-power")
    case("require_power_valid", nvidia_rows(2, 28), args="--expected-num-gpus 2 --require-power")
    case("zero_expected", nvidia_rows(2, 28), args="--expected-num-gpus 0")
    case("insufficient_samples", nvidia_rows(2, 28, skip=lambda g, k: g == 1 and k != 5),
         args="--expected-num-gpus 2")
    # an existing processed result with power fields already there, duplicated keys
    case("agg_repatched", nvidia_rows(2, 28), args="--expected-num-gpus 2", raw_agg=(
        '{"hw": "h200", "power_valid": 0, "joules_per_output_token": 9.9, "conc": 4,\n'
        ' "power_invalid_reasons": ["x"], "hw": "b200", "avg_power_w": 1, "x": 1.0,\n'
        ' "big": 12345678901234567890, "f": 1e400, "n": NaN, "s": "\\u00e9\\ud83d\\ude00"}'))
    # epoch milliseconds, quoted fields, CRLF, blank lines, short and long rows, N/A,
    # duplicate timestamps (averaged), rows far outside the window with bad power
    rows = ["Timestamp,GPU,\"Power Draw (W)\",extra"]
    for k in range(30):
        t = int((T0 - 3.0 + k * 0.9) * 1000)
        for g in range(3):
            w = watts(g, k)
            if k == 7 and g == 1:
                rows.append("%d,%d,[N/A],1" % (t, g))
                continue
            if k == 9 and g == 2:
                rows.append("%d,%d,\"%.1f W\",1,2,3" % (t, g, w))
                rows.append("%d, %d ,%.3f" % (t, g, w + 1.7))
                rows.append("%d,%d,%.3f,zz" % (t, g, w + 3.1))
                continue
            rows.append("%d,\"%d\",%.3f,\"a,\"\"b\"\"\"" % (t, g, w))
        if k % 5 == 0:
            rows.append("")
    rows.append("%d,0,-5" % int((T0 - 100) * 1000))
    rows.append("%d,0,oops" % int((T0 + 100) * 1000))
    case("odd_rows", "\r\n".join(rows) + "\r\n", args="--expected-num-gpus 3")
    case("invalid_samples", "timestamp,index,power.draw [W]\n"
         "2025/01/15 12:34:50.000,0,100 W\n"
         "not a time,0,100 W\n"
         "2025/01/15 12:35:00.000,0,N/A\n"
         "2025/01/15 12:35:01.000,,100 W\n"
         "2025/01/15 12:35:02.000,1,-3 W\n", args="--expected-num-gpus 2")
    case("gpu_id_sort", "timestamp,device,power\n" + "".join(
        "%s,%s,%d\n" % (iso_time(T0 - 2 + k), g, 100 + k)
        for k in range(25) for g in ("10", "9", "b", "A", "02")),
        args="--expected-num-gpus 5")
    case("time_formats", "timestamp,index,power\n" + "".join(
        "%s,%d,%d\n" % (f(T0 - 2 + k), g, 300 + 10 * g + k)
        for k in range(24) for g, f in enumerate((
            smi_time,
            lambda t: iso_time(t).replace("T", " "),
            lambda t: iso_time(t) + "Z",
            lambda t: iso_time(t + 3600) + "+01:00",
            lambda t: time.strftime("%Y/%m/%d %H:%M:%S", time.gmtime(math.floor(t))),
            lambda t: "%.3f" % t,
        ))), args="--expected-num-gpus 6")
    case("garbage", "\x00\x01timestamp\"\n\"unterminated,\nx\r\r\n,,,\n",
         args="--expected-num-gpus 1")


if __name__ == "__main__":
    main()
