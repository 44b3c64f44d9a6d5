#!/usr/bin/env bash
# gptoss-fp4-b200-trt: openai/gpt-oss-120b (MXFP4) on B200 with TensorRT-LLM (trtllm-serve,
# PyTorch backend). Search space: tp 1/2, and tp 4/8 with ep + DP attention.
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

export TRTLLM_MOE_BACKEND=TRTLLM
export TRTLLM_ENABLE_PDL=1
serve_trtllm --log_level info
