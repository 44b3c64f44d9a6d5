#!/bin/sh
# Records tests/results/agentic/cases/*/expected.json by running upstream's processor
# (SemiAnalysisAI/InferenceX at 843c6254f, utils/agentic/aggregation/
# process_agentic_result.py) on each case: UPSTREAM=/path/to/checkout (default /work/up/ix).
# The recipe variables are the case's env file, in an otherwise empty environment; the
# Hugging Face cache points nowhere (so output_expected stays empty, as ours does). A case
# with our scrape file (server_metrics.json) is recorded from its aiperf-shaped equivalent
# (scrapes_to_aiperf.py) placed where upstream reads it.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
up=${UPSTREAM:-/work/up/ix}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for c in "$here"/cases/*/; do
	name=$(basename "$c")
	[ -f "$c/env" ] || continue
	[ -f "$c/expected.err" ] && continue # refused inputs: ours, not recorded
	rdir=$c/results
	if [ -f "$c/server_metrics.json" ]; then
		rm -rf "$tmp/results"
		cp -r "$c/results" "$tmp/results"
		python3 "$here/scrapes_to_aiperf.py" "$c/server_metrics.json" \
			"$tmp/results/aiperf_artifacts/server_metrics_export.json"
		rdir=$tmp/results
	fi
	rm -rf "$tmp/out"
	set --
	while IFS= read -r line; do set -- "$@" "$line"; done <"$c/env"
	(cd "$up" && env -i PATH="$PATH" HOME="$tmp" HF_HUB_CACHE="$tmp/no-cache" \
		RESULT_DIR="$rdir" AGENTIC_OUTPUT_DIR="$tmp/out" RESULT_FILENAME="agg_$name" \
		"$@" python3 -m utils.agentic.aggregation.process_agentic_result >/dev/null)
	cp "$tmp/out/agg_$name.json" "$c/expected.json"
	echo "recorded $name"
done
