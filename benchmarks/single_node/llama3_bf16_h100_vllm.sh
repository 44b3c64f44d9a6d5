#!/usr/bin/env bash
# llama3-bf16-h100-vllm: meta-llama/Llama-3.3-70B-Instruct (BF16) on H100 with vLLM.
# Search space: tp 4/8; spec-decoding draft_model uses an EAGLE-3 draft model (DRAFT_MODEL).
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

# Used only when SPEC_DECODING=draft_model; override DRAFT_MODEL to try another draft.
export DRAFT_MODEL=${DRAFT_MODEL:-yuhuili/EAGLE3-LLaMA3.3-Instruct-70B}
serve_vllm \
	--dtype bfloat16 \
	--max-num-batched-tokens 8192
