#!/usr/bin/env bash
# dsr1-fp8-mi355x-sglang: DeepSeek-R1-0528 (FP8) on MI355X with SGLang (ROCm 7 image).
# Same server command as dsr1_fp8_mi300x_sglang.sh, which checks the variables it needs.
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/dsr1_fp8_mi300x_sglang.sh" "$@"
