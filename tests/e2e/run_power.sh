#!/usr/bin/env bash
# e2e.run_power: `executor run` through the local launcher with a simulated nvidia-smi first
# in PATH (tests/sim/nvidia-smi, GPU i at 300 + 10 i W): the run samples the GPUs around the
# load into gpu_metrics.csv, patches agg_*.json with power schema v2 (power_valid 1,
# avg_power_w 300, joules per token), writes power_validation_*.json, puts both in the
# artifact, and aggregate shows joules per output token. Two GPUs against the entry's tp 1
# make power invalid: a warning (exit 0, power_valid 0), and with REQUIRE_POWER=1 a failure.
# usage: run_power.sh PATH/TO/executor PATH/TO/simserver
# shellcheck source-path=SCRIPTDIR source=run_lib.bash
. "$(dirname "$0")/run_lib.bash"

local_setup e2epower
export PATH="$REPO/tests/sim:$PATH"

E=$(entry_json)
RF=$(rf "$E" "$NODE")
SIM_GPUS=1 xrun ok --entry-json "$E" "${COMMON[@]}" --output-dir "$T/ok"
expect_eq "power: exit 0" "$RC" 0
power_ok power "$T/ok" "$RF"
check "power: CSV has the nvidia-smi header" grep -q '^timestamp, index, power.draw \[W\]' "$T/ok/gpu_metrics.csv"
"$EXE" aggregate "$T/ok" >"$T/agg.md" 2>"$T/agg.err"
check "power: aggregate shows J/output token" grep -qi 'J/out' "$T/agg.md"

SIM_GPUS=2 xrun warn --entry-json "$E" "${COMMON[@]}" --output-dir "$T/warn"
expect_eq "power: wrong GPU count is not a failure" "$RC" 0
expect_eq "power: power_valid 0" "$(jf "$T/warn/agg_$RF.json" -c '[.power_valid, .avg_power_w]')" '[0,null]'
SIM_GPUS=2 REQUIRE_POWER=1 xrun req --entry-json "$E" "${COMMON[@]}" --output-dir "$T/req"
expect_eq "power: REQUIRE_POWER fails the run" "$RC" 1
check "power: the reason is named" grep -q expected_gpu_count_mismatch "$T/req.err"
finish
