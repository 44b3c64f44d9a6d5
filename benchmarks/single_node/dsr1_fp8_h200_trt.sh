#!/usr/bin/env bash
# dsr1-fp8-h200-trt: DeepSeek-R1-0528 (FP8) on H200 with TensorRT-LLM (trtllm-serve, PyTorch
# backend). Search space: tp 8 / ep 8, DP attention, MTP (see dsr1_fp8_h200_trt_mtp.sh).
# Starts the server only, in the foreground on $PORT (executor-spec 3.2); the executor does the
# health wait, load, processing and cleanup.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$here/../lib.sh"
# shellcheck source-path=SCRIPTDIR source=../frameworks/trtllm.sh
source "$here/../frameworks/trtllm.sh"

require_env MODEL PORT TP EP_SIZE DP_ATTENTION CONC ISL MAX_MODEL_LEN SPEC_DECODING HF_HUB_CACHE
export HF_HUB_CACHE

# Hopper FP8 block-scaled MoE runs on the CUTLASS backend; FP8 KV cache.
export TRTLLM_MOE_BACKEND=${TRTLLM_MOE_BACKEND:-CUTLASS}
export TRTLLM_KV_DTYPE=fp8
serve_trtllm --log_level info
