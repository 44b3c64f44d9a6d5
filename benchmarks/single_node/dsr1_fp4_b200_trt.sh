#!/usr/bin/env bash
# dsr1-fp4-b200-trt: DeepSeek-R1-0528 NVFP4 on B200 with TensorRT-LLM (trtllm-serve, PyTorch
# backend). Search space: tp 4/8 with matching ep, DP attention, MTP (see dsr1_fp4_b200_trt_mtp.sh).
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

# The TRT-LLM fused MoE is fastest at low batch; with DP attention the batch per rank is large and
# the CUTLASS MoE wins.
if is_true "$DP_ATTENTION"; then
	export TRTLLM_MOE_BACKEND=CUTLASS
else
	export TRTLLM_MOE_BACKEND=TRTLLM
fi
export TRTLLM_KV_DTYPE=fp8
export TRTLLM_ENABLE_PDL=1
serve_trtllm --log_level info
