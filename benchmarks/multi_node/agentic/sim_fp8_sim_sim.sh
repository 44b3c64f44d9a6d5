#!/usr/bin/env bash
# sim-fp8-sim-sim, agentic-coding scenario, multi-node: the simulator demo's "aggregated
# multi-node deployment" for `executor run` of a multi-node agentic entry (docs/executor.md,
# "run of an agentic entry"; upstream's counterpart is an srt-slurm recipe such as
# dsv4-fp8-h200-dynamo-sglang-agentic-agg). One simserver with its prefix cache stands in for
# the deployment: it runs in the background on $PORT, deployment.env reports it with the
# entry's GPUs (decode num-worker 0: DECODE_GPUS 0, every GPU serves both phases), and the
# recipe stays in the foreground until the executor stops it (SIGTERM/SIGINT stop the
# simserver, then exit 0). The executor replays the trace against it once per concurrency.
# SIMSERVER may point at the built binary; SIM_TTFT_MS, SIM_ITL_MS, SIM_PREFILL_US_PER_TOKEN,
# SIM_PREFIX_CACHE_BLOCKS and SIM_PREFIX_BLOCK_TOKENS as in the single-node agentic recipe;
# SIM_FAULT (simserver --fault, e.g. 500=1) gives requests a fault, for tests.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../../lib.sh
source "$here/../../lib.sh"

require_env MODEL PORT RESULT_DIR KV_OFFLOADING PREFILL_NUM_WORKERS PREFILL_TP \
	DECODE_NUM_WORKERS DECODE_TP
require_int PREFILL_NUM_WORKERS PREFILL_TP DECODE_TP
[[ "$DECODE_NUM_WORKERS" =~ ^[0-9]+$ ]] || die "DECODE_NUM_WORKERS must be an integer >= 0, got '$DECODE_NUM_WORKERS'"

fault=()
if [[ -n "${SIM_FAULT:-}" ]]; then
	fault=(--fault "$SIM_FAULT")
fi
sim_deployment --ttft-ms "${SIM_TTFT_MS:-50}" --itl-ms "${SIM_ITL_MS:-10}" \
	--prefill-us-per-token "${SIM_PREFILL_US_PER_TOKEN:-1}" \
	--prefix-cache-blocks "${SIM_PREFIX_CACHE_BLOCKS:-100000}" \
	--prefix-block-tokens "${SIM_PREFIX_BLOCK_TOKENS:-64}" \
	--decode-slowdown "${SIM_DECODE_SLOWDOWN:-0}" "${fault[@]}"
