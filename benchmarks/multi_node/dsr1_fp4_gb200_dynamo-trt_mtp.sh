#!/usr/bin/env bash
# dsr1-fp4-gb200-dynamo-trt, spec-decoding mtp: Dynamo + TensorRT-LLM on GB200 with MTP (the
# shared recipe adds speculative_config to both engine configs when SPEC_DECODING=mtp).
# Same deployment as dsr1_fp4_gb200_dynamo-trt.sh, which checks the variables it needs.
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/dsr1_fp4_gb200_dynamo-trt.sh" "$@"
