#!/usr/bin/env bash
# gptoss-fp4-b200-vllm: openai/gpt-oss-120b (MXFP4) on B200 with vLLM. Search space: tp 1..8.
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

# Blackwell: FlashInfer MXFP4 x MXFP8 MoE and full CUDA graphs for decode.
export VLLM_USE_FLASHINFER_MOE_MXFP4_MXFP8=1
serve_vllm \
	--async-scheduling \
	--max-num-batched-tokens 8192 \
	--compilation-config '{"cudagraph_mode":"FULL_AND_PIECEWISE"}'
