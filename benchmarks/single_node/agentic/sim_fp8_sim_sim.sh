#!/usr/bin/env bash
# sim-fp8-sim-sim, agentic-coding scenario: the project's simulated OpenAI-compatible server
# (simserver) with its prefix cache, for `executor run` of an agentic entry on the local
# launcher (the executor replays the trace against it; docs/executor.md, "run of an agentic
# entry"). SIMSERVER may point at the built binary; SIM_TTFT_MS, SIM_ITL_MS and
# SIM_PREFILL_US_PER_TOKEN set the simulated times; SIM_PREFIX_CACHE_BLOCKS blocks of
# SIM_PREFIX_BLOCK_TOKENS tokens (64: the AgentX traces' block size) are cached.
# Starts the server only, in the foreground on $PORT (executor-spec 3.2).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../../lib.sh
source "$here/../../lib.sh"

require_env MODEL PORT KV_OFFLOADING

exec "${SIMSERVER:-simserver}" --port "$PORT" --model "$MODEL" \
	--ttft-ms "${SIM_TTFT_MS:-50}" --itl-ms "${SIM_ITL_MS:-10}" \
	--prefill-us-per-token "${SIM_PREFILL_US_PER_TOKEN:-1}" \
	--prefix-cache-blocks "${SIM_PREFIX_CACHE_BLOCKS:-100000}" \
	--prefix-block-tokens "${SIM_PREFIX_BLOCK_TOKENS:-64}" \
	--decode-slowdown "${SIM_DECODE_SLOWDOWN:-0}"
