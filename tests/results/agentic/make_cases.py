#!/usr/bin/env python3
"""Writes the agentic processing cases (tests/results/agentic/cases/NAME/): a result directory in
aiperf's layout (results/aiperf_artifacts/profile_export.jsonl, profile_export_aiperf.json,
server_metrics_export.json), server logs, our own scrape file where a case has one, and the
recipe variables (env). Seeded: the same files every time. record.sh then runs upstream's
process_agentic_result.py on each case to record expected.json."""
import json
import os
import random
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")

BASE_ENV = {
    "MODEL": "deepseek-ai/DeepSeek-R1", "MODEL_PREFIX": "dsr1", "FRAMEWORK": "vllm",
    "PRECISION": "fp8", "TP": "8", "PP_SIZE": "1", "DCP_SIZE": "1", "PCP_SIZE": "1",
    "EP_SIZE": "1", "DP_ATTENTION": "false", "CONC": "16", "KV_OFFLOADING": "none",
    "RUNNER_TYPE": "h200", "IMAGE": "vllm/vllm-openai:v0.11.0",
    "RECIPE_FINGERPRINT": "a" * 64, "SPEC_DECODING": "none", "DISAGG": "false",
    "IS_MULTINODE": "false", "TOTAL_CPU_DRAM_GB": "0",
}


def record(rng, i, t0, phase="profiling", error=None, sparse=False):
    isl = rng.randint(2000, 60000)
    osl = rng.randint(1, 900)
    ttft = rng.uniform(20, 3000)
    itl = rng.uniform(5, 60)
    e2e = ttft + itl * max(osl - 1, 0) + rng.uniform(0, 5)
    start = t0 + int(rng.uniform(0, 40e9))
    end = start + int(e2e * 1e6)
    metrics = {
        "input_sequence_length": {"value": isl, "unit": "tokens"},
        "output_sequence_length": {"value": osl, "unit": "tokens"},
        "time_to_first_token": {"value": ttft, "unit": "ms"},
        "request_latency": {"value": e2e, "unit": "ms"},
        "inter_token_latency": {"value": itl, "unit": "ms"},
        "full_response_inter_token_latency": {"value": itl * 1.1, "unit": "ms"},
    }
    if sparse and i % 5 == 0:
        del metrics["inter_token_latency"]
    if sparse and i % 7 == 0:
        metrics["output_sequence_length"] = osl  # a bare value, no {"value": ...}
    if sparse and i % 11 == 0:
        metrics["time_to_first_token"] = {"value": None, "unit": "ms"}
    meta = {
        "session_num": i, "conversation_id": f"trace-{i % 6}" + ("::sa:explore" if i % 4 == 0 else ""),
        "turn_index": i // 6, "request_start_ns": start, "request_ack_ns": start + 100,
        "request_end_ns": end, "worker_id": "worker_0", "benchmark_phase": phase,
    }
    if sparse and i % 13 == 0:
        del meta["benchmark_phase"]
    return {"metadata": meta, "metrics": metrics, "error": error}


def write_records(path, recs):
    with open(path, "w") as f:
        for r in recs:
            f.write(json.dumps(r) + "\n")
        f.write("\n")


def series(stats, labels=None, url="http://localhost:8888/metrics"):
    s = {"endpoint_url": url, "stats": stats}
    if labels is not None:
        s["labels"] = labels
    return s


def vllm_metrics(rng):
    m = {
        "vllm:prompt_tokens": {"series": [series({"total": 812345.0, "rate": 8.0})]},
        "vllm:generation_tokens": {"series": [series({"total": 23456.0})]},
        "vllm:prefix_cache_hits": {"series": [series({"total": 700001.0})]},
        "vllm:prefix_cache_queries": {"series": [series({"total": 812345.0})]},
        "vllm:kv_cache_usage_perc": {"series": [series({"max": 0.87654321, "avg": 0.5})]},
        "vllm:num_requests_running": {"series": [series({"max": 16.0, "avg": 12.3})]},
    }
    return {"metrics": m}


def vllm_offload_metrics():
    lab = lambda src: {"source": src, "engine": "0"}
    m = {
        "vllm:prompt_tokens": {"series": [series({"total": 500000.0}, {"engine": "0"}),
                                          series({"total": 300000.0}, {"engine": "1"})]},
        "vllm:generation_tokens": {"series": [series({"total": 12000.5}, {"engine": "0"})]},
        "vllm:prefix_cache_hits": {"series": [series({"total": 400000.0}, {"engine": "0"}),
                                              series({"total": 123456.0}, {"engine": "1"})]},
        "vllm:prefix_cache_queries": {"series": [series({"total": 500000.0}, {"engine": "0"}),
                                                 series({"total": 300000.0}, {"engine": "1"})]},
        "vllm:external_prefix_cache_hits": {"series": [series({"total": 50000.0})]},
        "vllm:external_prefix_cache_queries": {"series": [series({"total": 276544.0})]},
        "vllm:prompt_tokens_by_source": {"series": [
            series({"total": 523456.0}, lab("local_cache_hit")),
            series({"total": 50000.0}, lab("external_kv_transfer")),
            series({"total": 226544.0}, lab("local_compute"))]},
        "vllm:gpu_cache_usage_perc": {"series": [series({"max": 91.5})]},
        "vllm:cpu_kv_cache_usage_perc": {"series": [series({"avg": 0.3333333})]},
        "vllm:kv_offload_bytes_gpu_to_cpu": {"series": [series({"total": 1.5e12})]},
        "vllm:kv_offload_bytes_cpu_to_gpu": {"series": [series({"total": 7.25e11})]},
        "vllm:kv_offload_time_gpu_to_cpu": {"series": [series({"total": 31.4159})]},
        "vllm:kv_offload_time_cpu_to_gpu": {"series": [series({"total": 0.0})]},
    }
    return {"metrics": m}


def sglang_metrics():
    m = {
        "sglang:prompt_tokens": {"series": [series({"total": 900000.0})]},
        "sglang:generation_tokens": {"series": [series({"total": 30000.0})]},
        "sglang:cached_tokens": {"series": [
            series({"total": 600000.0}, {"cache_source": "device"}),
            series({"total": 100000.5}, {"cache_source": "host"})]},
        "sglang:token_usage": {"series": [series({"max": 0.42}), series({"max": 0.61})]},
        "sglang:max_total_num_tokens": {"series": [series({"max": 1234567.0})]},
        "sglang:hicache_host_used_tokens": {"series": [series({"max": 2000000.0})]},
        "sglang:hicache_host_total_tokens": {"series": [series({"max": 8000000.0})]},
        "sglang:realtime_tokens": {"series": [
            series({"total": 199999.0}, {"mode": "prefill_compute"}),
            series({"total": 5.0}, {"mode": "decode"})]},
    }
    return {"metrics": m}


def dynamo_metrics():
    m = {
        "dynamo_frontend_input_sequence_tokens": {"series": [series({"total": 1000000.0}, {"dynamo_component": "frontend"})]},
        "dynamo_frontend_output_tokens": {"series": [series({"total": 40000.0})]},
        "dynamo_frontend_cached_tokens": {"series": [series({"total": 0.0})]},
        "dynamo_component_router_kv_hit_rate": {"series": [series({"avg": 71.0}), series({"avg": 0.69})]},
        "dynamo_component_router_shared_cache_hit_rate": {"series": [series({"avg": 0.55})]},
        "dynamo_component_gpu_cache_usage_percent": {"series": [series({"max": 45.0})]},
        "vllm:prompt_tokens": {"series": [
            series({"total": 600000.0}, {"dynamo_component": "prefill", "worker_id": "w1"}),
            series({"total": 400000.0}, {"dynamo_component": "backend", "worker_id": "w2", "dp_rank": 0})]},
        "vllm:prefix_cache_hits": {"series": [
            series({"total": 300000.0}, {"dynamo_component": "prefill", "worker_id": "w1"})]},
        "vllm:prefix_cache_queries": {"series": [
            series({"total": 600000.0}, {"dynamo_component": "prefill", "worker_id": "w1"})]},
    }
    return {"metrics": m}


def atom_metrics():
    m = {
        "atom:prompt_tokens": {"series": [series({"total": 70000.0})]},
        "atom_generation_tokens_total": {"series": [series({"sum": 3000.0})]},
        "atom:prefix_cache_cached_tokens": {"series": [series({"total": 35000.0})]},
        "atom:prefix_cache_full_tokens": {"series": [series({"total": 70000.0})]},
        "atom:lmcache_loaded_tokens": {"series": [series({"total": 7000.0})]},
        "atom:kv_cache_usage_ratio": {"series": [series({"max": 0.75})]},
    }
    return {"metrics": m}


def scrape_file(path, rng):
    """Our scrape format (docs/executor.md, Server metrics): a vLLM server."""
    scrapes = []
    hits = queries = prompt = gen = 0.0
    for k, phase in enumerate(["before"] + ["during"] * 5 + ["after"]):
        samples = [
            ["vllm:prefix_cache_hits_total", {"engine": "0", "model_name": "m"}, hits],
            ["vllm:prefix_cache_queries_total", {"engine": "0", "model_name": "m"}, queries],
            ["vllm:prompt_tokens_total", {"engine": "0", "model_name": "m"}, prompt],
            ["vllm:generation_tokens_total", {"engine": "0", "model_name": "m"}, gen],
            ["vllm:kv_cache_usage_perc", {"engine": "0", "model_name": "m"}, 0.1 * k if phase == "during" else 0.0],
            ["vllm:num_requests_running", {"engine": "0", "model_name": "m"}, float(k)],
            ["vllm:e2e_request_latency_seconds_bucket", {"engine": "0", "le": "+Inf"}, 3.0],
            ["vllm:e2e_request_latency_seconds_sum", {"engine": "0"}, 1.5],
            ["vllm:e2e_request_latency_seconds_count", {"engine": "0"}, 3.0],
        ]
        scrapes.append({"phase": phase, "unix": 1700000000.0 + 5 * k, "status": 200, "samples": samples})
        if k == 3:
            scrapes.append({"phase": "during", "unix": 1700000017.0, "status": 0,
                            "error": "timeout", "samples": []})
        hits += rng.randint(1000, 5000)
        queries += 6000
        prompt += 6000
        gen += rng.randint(100, 300)
    with open(path, "w") as f:
        json.dump({"format": "inferencex-server-metrics-1", "url": "http://localhost:8888/metrics",
                   "interval_s": 5, "scrapes": scrapes}, f)


def case(name, env_over=None, n=40, sparse=False, warm=0, errors=(), aggregate=True,
         metrics=None, logs=None, nested_dir=None, scrape=False, seed=1):
    rng = random.Random(seed)
    d = os.path.join(CASES, name)
    art = os.path.join(d, "results", "aiperf_artifacts")
    if nested_dir:
        art = os.path.join(art, nested_dir)
    os.makedirs(art)
    t0 = 1_700_000_000_000_000_000
    recs = [record(rng, i, t0, phase="warmup") for i in range(warm)]
    recs += [record(rng, i, t0, sparse=sparse) for i in range(n)]
    for k, err in enumerate(errors):
        recs.insert(3 * k + 1, record(rng, 1000 + k, t0, error=err))
    write_records(os.path.join(art, "profile_export.jsonl"), recs)
    if aggregate:
        agg = {"request_count": n, "metadata": {"dataset": {
            "source_type": "public_dataset", "loader": "semianalysis_cc_traces_weka_with_subagents",
            "hf_dataset_name": "semianalysisai/cc-traces-weka-062126", "hf_split": "train",
            "num_dataset_entries": 393, "sample_ratio": 0.123456789}}}
        if aggregate == "theoretical":
            agg["theoretical_prefix_cache_hit"] = {"sum": 3170.0, "count": 4000, "unit": "%"}
        elif aggregate == "theoretical_avg":
            agg["theoretical_prefix_cache_hit"] = {"avg": 87.65432, "unit": "%"}
        with open(os.path.join(art, "profile_export_aiperf.json"), "w") as f:
            json.dump(agg, f)
    if metrics is not None:
        with open(os.path.join(art, "server_metrics_export.json"), "w") as f:
            json.dump(metrics, f)
    for fname, text in (logs or {}).items():
        with open(os.path.join(d, "results", fname), "w") as f:
            f.write(text)
    if scrape:
        scrape_file(os.path.join(d, "server_metrics.json"), rng)
    env = dict(BASE_ENV)
    env.update(env_over or {})
    with open(os.path.join(d, "env"), "w") as f:
        for k, v in env.items():
            f.write(f"{k}={v}\n")


def bad(name, env_over, err, lines=(), metrics=None):
    case(name, env_over=env_over, n=2, seed=20, metrics=metrics)
    d = os.path.join(CASES, name)
    if lines:
        with open(os.path.join(d, "results", "aiperf_artifacts", "profile_export.jsonl"), "a") as f:
            for line in lines:
                f.write(line + "\n")
    with open(os.path.join(d, "expected.err"), "w") as f:
        f.write(err)


def main():
    if os.path.isdir(CASES):
        shutil.rmtree(CASES)
    rng = random.Random(7)
    case("no-server-metrics", n=5, seed=2)
    case("vllm", metrics=vllm_metrics(rng), aggregate="theoretical", n=120, seed=3,
         logs={"server.log": "(EngineCore_DP0 pid=12) INFO GPU KV cache size: 1,234,567 tokens\n"
                             "(EngineCore_DP1 pid=13) INFO GPU KV cache size: 1,234,000 tokens\r\n"
                             "(EngineCore_DP0 pid=12) INFO GPU KV cache size: 1,234,568 tokens\n"})
    case("vllm-offload", metrics=vllm_offload_metrics(), aggregate="theoretical_avg", n=60,
         seed=4, env_over={"KV_OFFLOADING": "dram", "KV_OFFLOAD_BACKEND": "lmcache",
                           "KV_OFFLOAD_BACKEND_METADATA": '{"name": "lmcache", "version": "0.5.1"}',
                           "TOTAL_CPU_DRAM_GB": "1024"},
         logs={"server.log": "GPU KV cache size: 500,000 tokens\nGPU KV cache size: 20 tokens\n"})
    case("sglang", metrics=sglang_metrics(), n=50, seed=5,
         env_over={"FRAMEWORK": "sglang", "ROUTER_METADATA": '{"name": "sgl-router", "version": "0.2.1"}',
                   "KV_P2P_TRANSFER": "mooncake"},
         logs={"server.log": "server_args dp_size=4 tp_size=8\n[DP0 TP0 EP0] max_total_num_tokens=200000, chunked\n"})
    case("sglang-no-metrics-log", n=8, seed=6, env_over={"FRAMEWORK": "sglang"},
         logs={"server.log": "max_total_num_tokens=1000 dp_size=2\n"})
    case("dynamo-multinode", metrics=dynamo_metrics(), n=30, seed=8, env_over={
        "FRAMEWORK": "dynamo-vllm", "IS_MULTINODE": "true", "DISAGG": "true",
        "PREFILL_NUM_WORKERS": "2", "PREFILL_TP": "4", "PREFILL_EP": "4", "PREFILL_DP_ATTN": "true",
        "DECODE_NUM_WORKERS": "1", "DECODE_TP": "8", "DECODE_EP": "8", "DECODE_DP_ATTN": "false",
        "PREFILL_PP_SIZE": "1", "DECODE_PP_SIZE": "2", "PREFILL_HARDWARE": "b200",
        "DECODE_HARDWARE": "gb200"})
    case("multinode-aggregated", n=12, seed=9, env_over={
        "IS_MULTINODE": "true", "PREFILL_NUM_WORKERS": "1", "PREFILL_TP": "8",
        "DECODE_NUM_WORKERS": "0", "DECODE_TP": "8", "DECODE_EP": "8"})
    case("atom", metrics=atom_metrics(), n=20, seed=10, env_over={"FRAMEWORK": "atom"})
    case("accounting", n=30, warm=7, sparse=True, seed=11, aggregate=False, errors=[
        {"type": "TimeoutError", "message": "x"}, "ConnectionResetError: peer closed\nmore",
        {"message": "HTTP 500: Internal Server Error"}, {"code": 429}, {"error": ""},
        "ConnectionResetError: again", "a" * 200, {"status": False}])
    case("nested-artifact-dir", n=10, seed=12, nested_dir="run-0001",
         metrics={"metrics": {}})
    case("scrapes", n=25, seed=13, scrape=True)
    case("one-record", n=1, seed=14, env_over={"CONC": "1"})
    # refused inputs: expected.err holds the exact diagnostics
    bad("bad-no-kv-offloading", {"KV_OFFLOADING": ""},
        "Missing required environment variable: KV_OFFLOADING\n")
    bad("bad-backend-mismatch", {"KV_OFFLOADING": "dram", "KV_OFFLOAD_BACKEND": "lmcache",
                                 "KV_OFFLOAD_BACKEND_METADATA": '{"name": "mooncake"}'},
        "KV_OFFLOAD_BACKEND must match KV_OFFLOAD_BACKEND_METADATA.name\n")
    bad("bad-tp", {"TP": "eight"}, "TP: expected an integer, found 'eight'\n")
    bad("bad-record-line", {}, "{{RESULTS}}/aiperf_artifacts/profile_export.jsonl:4:1: "
        "expected a record (a JSON object), found a list\n", lines=['[1, 2]'])
    bad("bad-unknown-backend", {"FRAMEWORK": "trt"}, "unsupported agentic server "
        "metrics backend; framework 'trt', metric names [trtllm:a, trtllm:b]\n",
        metrics={"metrics": {"trtllm:b": {"series": []}, "trtllm:a": {"series": []}}})


if __name__ == "__main__":
    sys.exit(main())
