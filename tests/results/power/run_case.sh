#!/usr/bin/env bash
# Runs one power case: copies cases/NAME/ to a temporary directory, runs there
#   PROG --csv gpu_metrics.csv --bench-result bench.json --agg-result agg.json ARGS
# with TZ=UTC (nvidia-smi's timestamps are local time) and writes what came out to OUT/:
# stdout, rc, files (the directory's listing), and agg.json and power_validation_bench.json
# when they exist.
#   run_case.sh OUT NAME PROG...   PROG: the command (executor power, or python3 SCRIPT)
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
(cd "$work" && env -u REQUIRE_POWER TZ=UTC "$@" --csv gpu_metrics.csv --bench-result bench.json \
	--agg-result agg.json $args) >"$out/stdout" 2>/dev/null
echo $? >"$out/rc"
(cd "$work" && find . -type f | LC_ALL=C sort) >"$out/files"
for f in agg.json power_validation_bench.json; do
	[ -f "$work/$f" ] && cp "$work/$f" "$out/$f"
done
exit 0
