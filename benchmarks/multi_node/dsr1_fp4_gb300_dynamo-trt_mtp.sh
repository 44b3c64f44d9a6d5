#!/usr/bin/env bash
# dsr1-fp4-gb300-dynamo-trt, spec-decoding mtp: Dynamo + TensorRT-LLM on GB300 with MTP.
# Same deployment as dsr1_fp4_gb200_dynamo-trt.sh, which checks the variables it needs.
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/dsr1_fp4_gb200_dynamo-trt.sh" "$@"
