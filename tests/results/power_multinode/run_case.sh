#!/usr/bin/env bash
# Runs one multi-node power case: copies cases/NAME/ to a temporary directory and runs there
#   PROG --bench-result bench.json --agg-result agg.json --power-dir LOGS/power \
#        --logs-root LOGS ARGS
# writing what came out to OUT/: stdout, rc, files (the directory's listing), and agg.json,
# power_validation_bench.json and audit/side.json when they exist.
#   run_case.sh OUT NAME PROG...   PROG: the command (executor power-multinode, or python3 SCRIPT)
set -u
out=$1 name=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -R "$here/cases/$name/." "$work/"
args=$(cat "$work/args")
rm "$work/args"
mkdir -p "$out"
# shellcheck disable=SC2086 # args are shell words by design
(cd "$work" && env -u REQUIRE_POWER -u POWER_PRODUCER_SHA -u POWER_ARTIFACT_DIR \
	-u POWER_RESULT_ROOT "$@" --bench-result bench.json --agg-result agg.json \
	--power-dir LOGS/power --logs-root LOGS $args) >"$out/stdout" 2>/dev/null
echo $? >"$out/rc"
(cd "$work" && find . -type f | LC_ALL=C sort) >"$out/files"
for f in agg.json power_validation_bench.json audit/side.json; do
	[ -f "$work/$f" ] && mkdir -p "$(dirname "$out/$f")" && cp "$work/$f" "$out/$f"
done
exit 0
