#!/usr/bin/env bash
# llama3-fp8-mi325x-vllm: amd/Llama-3.3-70B-Instruct-FP8-KV (FP8 weights and KV scales) on
# MI325X with ROCm vLLM. Search space: tp 1/2/8.
# Starts the server only, in the foreground on $PORT (executor-spec 3.2); the executor does the
# health wait, load, processing and cleanup.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$here/../lib.sh"
# shellcheck source-path=SCRIPTDIR source=../frameworks/vllm.sh
source "$here/../frameworks/vllm.sh"

require_env MODEL PORT TP EP_SIZE DP_ATTENTION CONC ISL MAX_MODEL_LEN SPEC_DECODING HF_HUB_CACHE
export HF_HUB_CACHE

export VLLM_ROCM_USE_AITER=1
serve_vllm \
	--kv-cache-dtype fp8 \
	--max-num-batched-tokens 8192
