#!/usr/bin/env bash
# gptoss-fp4-h100-vllm: openai/gpt-oss-120b (MXFP4 MoE weights) on H100 with vLLM.
# Also serves H200 (see gptoss_fp4_h200_vllm.sh). Search space: tp 1..8.
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

# Hopper has no native FP4: vLLM runs the MXFP4 experts with its Triton/Marlin kernels.
serve_vllm \
	--async-scheduling \
	--max-num-batched-tokens 8192
