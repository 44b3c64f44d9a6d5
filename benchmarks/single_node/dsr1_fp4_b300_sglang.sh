#!/usr/bin/env bash
# dsr1-fp4-b300-sglang: DeepSeek-R1-0528 NVFP4 on B300 with SGLang.
# Same server command as dsr1_fp4_b200_sglang.sh, which checks the variables it needs.
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/dsr1_fp4_b200_sglang.sh" "$@"
