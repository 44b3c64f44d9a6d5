#!/usr/bin/env bash
# gptoss-fp4-mi300x-vllm: openai/gpt-oss-120b (MXFP4) on MI300X with ROCm vLLM.
# Also serves MI355X (see gptoss_fp4_mi355x_vllm.sh). Search space: tp 1..8.
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

# AITER kernels for MoE and attention on ROCm; AITER MHA off (unified attention instead).
export VLLM_ROCM_USE_AITER=1
export VLLM_USE_AITER_UNIFIED_ATTENTION=1
export VLLM_ROCM_USE_AITER_MHA=0
serve_vllm \
	--block-size 64 \
	--max-num-batched-tokens 8192
