#!/usr/bin/env bash
# Regenerates expected/NAME/ for every multi-node case from upstream's script:
#   make_expected.sh [UPSTREAM_UTILS]   (default /work/up/ix/utils: InferenceX at 843c6254f)
# Review the diff before committing: these files are what `executor power-multinode` must print.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
utils=${1:-/work/up/ix/utils}
rm -rf "$here/expected"
for d in "$here"/cases/*/; do
	name=$(basename "$d")
	bash "$here/run_case.sh" "$here/expected/$name" "$name" python3 "$utils/aggregate_power_multinode.py"
done
