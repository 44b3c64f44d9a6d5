#!/usr/bin/env bash
# dsr1-fp4-b300-sglang, spec-decoding mtp: DeepSeek-R1-0528 NVFP4 on B300 with SGLang and MTP
# (the shared recipe adds the speculative flags when SPEC_DECODING=mtp).
# Same server command as dsr1_fp4_b200_sglang.sh, which checks the variables it needs.
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/dsr1_fp4_b200_sglang.sh" "$@"
