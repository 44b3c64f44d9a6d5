#!/usr/bin/env bash
# Regenerates expected/NAME/ for every multi-node case from upstream's script:
#   make_expected.sh [UPSTREAM_UTILS]   (default /work/up/ix/utils: InferenceX at 843c6254f)
# Review the diff before committing: these files are what `executor power-multinode` must print.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../power_cases.bash
. "$here/../power_cases.bash"
make_expected "$here" "${1:-/work/up/ix/utils}/aggregate_power_multinode.py"
