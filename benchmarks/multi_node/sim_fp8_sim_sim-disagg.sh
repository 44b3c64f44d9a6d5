#!/usr/bin/env bash
# sim-fp8-sim-sim-disagg: the simulator demo's "disaggregated deployment" (configs/demo.yaml,
# runner local). One simserver stands in for the whole deployment: it runs in the background on
# $PORT, deployment.env reports it with the GPU counts the entry asks for, and the recipe stays in
# the foreground until the executor stops it (SIGTERM/SIGINT stop the simserver, then exit 0).
# SIMSERVER may point at the built binary; SIM_TTFT_MS / SIM_ITL_MS set its latencies.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$here/../lib.sh"

require_env MODEL PORT RESULT_DIR PREFILL_NUM_WORKERS PREFILL_TP DECODE_NUM_WORKERS DECODE_TP
require_int PREFILL_NUM_WORKERS PREFILL_TP DECODE_NUM_WORKERS DECODE_TP

sim_deployment --ttft-ms "${SIM_TTFT_MS:-50}" --itl-ms "${SIM_ITL_MS:-10}" \
	--decode-slowdown "${SIM_DECODE_SLOWDOWN:-0}"
