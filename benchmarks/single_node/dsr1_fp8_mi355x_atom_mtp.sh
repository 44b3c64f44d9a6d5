#!/usr/bin/env bash
# dsr1-fp8-mi355x-atom, spec-decoding mtp: DeepSeek-R1-0528 (FP8) on MI355X with ATOM and MTP
# (the shared recipe adds --method mtp when SPEC_DECODING=mtp).
# Same server command as dsr1_fp8_mi355x_atom.sh, which checks the variables it needs.
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/dsr1_fp8_mi355x_atom.sh" "$@"
