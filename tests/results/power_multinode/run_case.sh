#!/usr/bin/env bash
# Runs one multi-node power case: copies cases/NAME/ to a temporary directory and runs there
#   PROG --bench-result bench.json --agg-result agg.json --power-dir LOGS/power \
#        --logs-root LOGS ARGS
# writing what came out to OUT/: stdout, rc, files (the directory's listing), and agg.json,
# power_validation_bench.json and audit/side.json when they exist.
#   run_case.sh OUT NAME PROG...   PROG: the command (executor power-multinode, or python3 SCRIPT)
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../power_cases.bash
. "$here/../power_cases.bash"
# shellcheck disable=SC2034 # CASE_ENV, CASE_OPTIONS, CASE_FILES are read by run_one_case
CASE_ENV=(env -u REQUIRE_POWER -u POWER_PRODUCER_SHA -u POWER_ARTIFACT_DIR -u POWER_RESULT_ROOT)
CASE_OPTIONS=(--bench-result bench.json --agg-result agg.json --power-dir LOGS/power --logs-root LOGS)
CASE_FILES=(agg.json power_validation_bench.json audit/side.json)
run_one_case "$here" "$@"
