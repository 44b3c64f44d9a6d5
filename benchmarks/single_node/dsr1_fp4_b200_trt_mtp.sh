#!/usr/bin/env bash
# dsr1-fp4-b200-trt, spec-decoding mtp: DeepSeek-R1-0528 NVFP4 on B200 with TensorRT-LLM and MTP
# (the shared recipe writes speculative_config when SPEC_DECODING=mtp).
# Same server command as dsr1_fp4_b200_trt.sh, which checks the variables it needs.
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/dsr1_fp4_b200_trt.sh" "$@"
