#!/usr/bin/env bash
# dsr1-fp8-h200-trt, spec-decoding mtp: DeepSeek-R1-0528 (FP8) on H200 with TensorRT-LLM and MTP
# (the shared recipe writes speculative_config when SPEC_DECODING=mtp).
# Same server command as dsr1_fp8_h200_trt.sh, which checks the variables it needs.
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/dsr1_fp8_h200_trt.sh" "$@"
