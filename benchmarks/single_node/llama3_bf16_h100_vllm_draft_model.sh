#!/usr/bin/env bash
# llama3-bf16-h100-vllm, spec-decoding draft_model: Llama-3.3-70B on H100 with vLLM and an
# EAGLE-3 draft model (the shared recipe adds --speculative-config when SPEC_DECODING=draft_model).
# Same server command as llama3_bf16_h100_vllm.sh, which checks the variables it needs.
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/llama3_bf16_h100_vllm.sh" "$@"
