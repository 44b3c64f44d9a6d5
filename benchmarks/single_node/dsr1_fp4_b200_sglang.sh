#!/usr/bin/env bash
# dsr1-fp4-b200-sglang: DeepSeek-R1-0528 NVFP4 (nvidia/DeepSeek-R1-0528-FP4-v2) on B200 with SGLang.
# Also serves dsr1-fp4-b300-sglang (same flags; see dsr1_fp4_b300_sglang.sh). Search space: tp 4/8
# with matching ep, DP attention, MTP (SPEC_DECODING=mtp adds the EAGLE/NextN flags).
# Starts the server only, in the foreground on $PORT (executor-spec 3.2); the executor does the
# health wait, load, processing and cleanup.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$here/../lib.sh"
# shellcheck source-path=SCRIPTDIR source=../frameworks/sglang.sh
source "$here/../frameworks/sglang.sh"

require_env MODEL PORT TP EP_SIZE DP_ATTENTION CONC ISL MAX_MODEL_LEN SPEC_DECODING HF_HUB_CACHE
export HF_HUB_CACHE

# Blackwell kernels: TRT-LLM MLA attention and the FlashInfer TRT-LLM fused MoE for NVFP4.
serve_sglang \
	--quantization modelopt_fp4 \
	--attention-backend trtllm_mla \
	--moe-runner-backend flashinfer_trtllm \
	--kv-cache-dtype fp8_e4m3 \
	--mem-fraction-static 0.85 \
	--chunked-prefill-size 16384
