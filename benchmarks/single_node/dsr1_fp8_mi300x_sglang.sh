#!/usr/bin/env bash
# dsr1-fp8-mi300x-sglang: DeepSeek-R1-0528 (FP8) on MI300X with SGLang (ROCm, AITER kernels).
# Also serves MI325X and MI355X (same flags; see the wrappers). Search space: tp 8, optionally
# ep 8 + DP attention.
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

export SGLANG_USE_AITER=1
serve_sglang \
	--attention-backend aiter \
	--mem-fraction-static 0.8 \
	--chunked-prefill-size 131072 \
	--num-continuous-decode-steps 4
