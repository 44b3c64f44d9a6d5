#!/usr/bin/env bash
# gptoss-fp4-h200-vllm: openai/gpt-oss-120b (MXFP4) on H200 with vLLM.
# Same server command as gptoss_fp4_h100_vllm.sh, which checks the variables it needs.
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/gptoss_fp4_h100_vllm.sh" "$@"
