#!/usr/bin/env bash
# sim-fp8-sim-sim: the project's simulated OpenAI-compatible server (simserver) for the demo
# (configs/demo.yaml, runner local). SIMSERVER may point at the built binary; SIM_TTFT_MS and
# SIM_ITL_MS set the simulated time to first token and inter-token latency; SIM_EVAL_DATASET, when
# set, is the GSM8K file whose questions the server answers (the eval phase of run-eval/eval-only
# entries: scripts/demo.sh passes the executor's default data set).
# Starts the server only, in the foreground on $PORT (executor-spec 3.2).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$here/../lib.sh"

require_env MODEL PORT

exec "${SIMSERVER:-simserver}" --port "$PORT" --model "$MODEL" \
	--ttft-ms "${SIM_TTFT_MS:-50}" --itl-ms "${SIM_ITL_MS:-10}" \
	--decode-slowdown "${SIM_DECODE_SLOWDOWN:-0}" \
	${SIM_EVAL_DATASET:+--eval-dataset "$SIM_EVAL_DATASET"}
