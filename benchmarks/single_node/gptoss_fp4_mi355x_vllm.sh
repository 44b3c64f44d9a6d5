#!/usr/bin/env bash
# gptoss-fp4-mi355x-vllm: openai/gpt-oss-120b (MXFP4) on MI355X with ROCm vLLM.
# Same server command as gptoss_fp4_mi300x_vllm.sh, which checks the variables it needs.
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/gptoss_fp4_mi300x_vllm.sh" "$@"
