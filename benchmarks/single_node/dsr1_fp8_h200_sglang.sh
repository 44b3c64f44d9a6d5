#!/usr/bin/env bash
# dsr1-fp8-h200-sglang: DeepSeek-R1-0528 (FP8 block-scaled weights) on H200 with SGLang.
# Search space: tp 8, optionally ep 8 + DP attention.
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

serve_sglang \
	--mem-fraction-static 0.85 \
	--chunked-prefill-size 16384 \
	--kv-cache-dtype fp8_e4m3
