#!/usr/bin/env bash
# dsr1-fp8-mi355x-atom: DeepSeek-R1-0528 (FP8) on MI355X with ROCm ATOM
# (atom.entrypoints.openai_server). Also serves dsr1-fp4-mi355x-atom (MXFP4 checkpoint, same flags)
# and MTP (see the wrappers). Search space: tp 4/8.
# Starts the server only, in the foreground on $PORT (executor-spec 3.2); the executor does the
# health wait, load, processing and cleanup.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$here/../lib.sh"
# shellcheck source-path=SCRIPTDIR source=../frameworks/atom.sh
source "$here/../frameworks/atom.sh"

require_env MODEL PORT TP EP_SIZE DP_ATTENTION CONC ISL MAX_MODEL_LEN SPEC_DECODING HF_HUB_CACHE
export HF_HUB_CACHE

export HIP_FORCE_DEV_KERNARG=1
serve_atom \
	--block-size 16
