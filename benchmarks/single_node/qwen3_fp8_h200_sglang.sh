#!/usr/bin/env bash
# qwen3-fp8-h200-sglang: Qwen3-235B-A22B-Instruct-2507 (FP8) on H200 with SGLang.
# Search space: tp 4, or tp 8 with ep 8.
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
