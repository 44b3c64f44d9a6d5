#!/usr/bin/env bash
# Runs one power case: copies cases/NAME/ to a temporary directory, runs there
#   PROG --csv gpu_metrics.csv --bench-result bench.json --agg-result agg.json ARGS
# with TZ=UTC (nvidia-smi's timestamps are local time) and writes what came out to OUT/:
# stdout, rc, files (the directory's listing), and agg.json and power_validation_bench.json
# when they exist.
#   run_case.sh OUT NAME PROG...   PROG: the command (executor power, or python3 SCRIPT)
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../power_cases.bash
. "$here/../power_cases.bash"
# shellcheck disable=SC2034 # CASE_ENV, CASE_OPTIONS, CASE_FILES are read by run_one_case
CASE_ENV=(env -u REQUIRE_POWER TZ=UTC)
CASE_OPTIONS=(--csv gpu_metrics.csv --bench-result bench.json --agg-result agg.json)
CASE_FILES=(agg.json power_validation_bench.json)
run_one_case "$here" "$@"
