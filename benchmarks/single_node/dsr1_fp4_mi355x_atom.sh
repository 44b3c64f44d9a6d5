#!/usr/bin/env bash
# dsr1-fp4-mi355x-atom: DeepSeek-R1-0528 MXFP4 (amd/DeepSeek-R1-0528-MXFP4-Preview) on MI355X with ATOM.
# Same server command as dsr1_fp8_mi355x_atom.sh, which checks the variables it needs.
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/dsr1_fp8_mi355x_atom.sh" "$@"
