#!/usr/bin/env bash
# e2e.run_power_nvml: `executor run` through the local launcher with the GPUs sampled through
# NVML: INFBENCH_NVML_LIB names the stand-in tests/sim/nvml/nvml_sim.c (GPU i at 300 + 10 i W, as
# tests/sim/nvidia-smi) and no nvidia-smi or amd-smi is on PATH. The processed result gets the
# energy fields e2e.run_power expects from nvidia-smi, the CSV is nvidia-smi's (same header,
# same row shape: compared with the simulated tool's own output), one NVML session per run.
# Then the order: NVML before a simulated nvidia-smi on PATH, and nvidia-smi when nvmlInit_v2
# fails (a warning says so) or the library does not load; and a refused reading is [N/A].
# usage: run_power_nvml.sh PATH/TO/executor PATH/TO/simserver PATH/TO/libnvml_sim.so
# shellcheck source-path=SCRIPTDIR source=run_lib.bash
. "$(dirname "$0")/run_lib.bash"
NVML_SIM=$(realpath "${3:?usage: $0 PATH/TO/executor PATH/TO/simserver PATH/TO/libnvml_sim.so}")

local_setup e2envml
QUERY=timestamp,index,power.draw,temperature.gpu,clocks.current.sm,clocks.current.memory,utilization.gpu,utilization.memory

# PATH without any directory that holds a GPU tool (a real node's nvidia-smi included)
NO_SMI=
IFS=: read -ra dirs <<<"$PATH"
for d in "${dirs[@]}"; do
	[ -e "$d/nvidia-smi" ] || [ -e "$d/amd-smi" ] || NO_SMI+=${NO_SMI:+:}$d
done
SIM_PATH="$REPO/tests/sim:$NO_SMI"

E=$(entry_json)
RF=$(rf "$E" "$NODE")

# 1. NVML only: the energy fields of e2e.run_power
PATH=$NO_SMI INFBENCH_NVML_LIB=$NVML_SIM SIM_GPUS=1 SIM_NVML_LOG=$T/nvml.log \
	xrun ok --entry-json "$E" "${COMMON[@]}" --output-dir "$T/ok"
expect_eq "nvml: exit 0" "$RC" 0
power_ok nvml "$T/ok" "$RF"
CSV=$T/ok/gpu_metrics.csv
SMI=$(SIM_GPUS=1 "$REPO/tests/sim/nvidia-smi" --query-gpu=$QUERY --format=csv)
expect_eq "nvml: the header is nvidia-smi's" "$(head -1 "$CSV")" "$(head -1 <<<"$SMI")"
expect_eq "nvml: a row is nvidia-smi's but for the time" "$(sed -n 2p "$CSV" | cut -d, -f2-)" \
	"$(sed -n 2p <<<"$SMI" | cut -d, -f2-)"
ROWS=$(($(wc -l <"$CSV") - 1))
expect_eq "nvml: every row has nvidia-smi's timestamp" \
	"$(grep -cE '^[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}, 0, 300\.00 W, ' "$CSV")" "$ROWS"
check "nvml: a sample a second, first and last included ($ROWS rows)" test "$ROWS" -ge 3
expect_eq "nvml: one session, one power reading per row" \
	"$(grep -c '^init' "$T/nvml.log") $(grep -c '^shutdown' "$T/nvml.log") $(grep -c '^power 0' "$T/nvml.log")" \
	"1 1 $ROWS"
check "nvml: no warning" test ! -s "$T/ok.err" -o "$(grep -c 'GPU monitor' "$T/ok.err")" = 0

# 2. NVML before a simulated nvidia-smi on PATH; two GPUs against tp 1: power invalid
PATH=$SIM_PATH INFBENCH_NVML_LIB=$NVML_SIM SIM_GPUS=2 SIM_NVSMI_LOG=$T/nvsmi2.log \
	xrun two --entry-json "$E" "${COMMON[@]}" --output-dir "$T/two"
expect_eq "nvml first: exit 0" "$RC" 0
check "nvml first: nvidia-smi not asked for power" test ! -n "$(grep -s timestamp "$T/nvsmi2.log")"
expect_eq "nvml first: two GPUs, power_valid 0" "$(jf "$T/two/agg_$RF.json" -c '[.power_valid, .avg_power_w]')" '[0,null]'
expect_eq "nvml first: both GPUs observed" "$(jf "$T/two/power_validation_$RF.json" -c '.observed_gpu_ids')" '["0","1"]'

# 3. nvmlInit_v2 fails: nvidia-smi samples, with a warning
PATH=$SIM_PATH INFBENCH_NVML_LIB=$NVML_SIM SIM_NVML_INIT_ERROR=9 SIM_GPUS=1 SIM_NVSMI_LOG=$T/nvsmi3.log \
	xrun noinit --entry-json "$E" "${COMMON[@]}" --output-dir "$T/noinit"
expect_eq "nvml init fails: exit 0" "$RC" 0
check "nvml init fails: nvidia-smi sampled" grep -q timestamp "$T/nvsmi3.log"
check "nvml init fails: the warning names the error" grep -q 'nvmlInit_v2 of .* failed (NVML error 9), trying nvidia-smi' "$T/noinit.err"
expect_eq "nvml init fails: power from nvidia-smi" "$(jf "$T/noinit/agg_$RF.json" -c '[.power_valid, .avg_power_w]')" '[1,300]'

# 4. a GPU whose power NVML refuses: [N/A] in the CSV, as nvidia-smi writes it, and invalid power
PATH=$NO_SMI INFBENCH_NVML_LIB=$NVML_SIM SIM_GPUS=1 SIM_NVML_NA_GPU=0 \
	xrun na --entry-json "$E" "${COMMON[@]}" --output-dir "$T/na"
expect_eq "nvml no power: exit 0" "$RC" 0
check "nvml no power: [N/A] rows" grep -q '^[0-9/: .]*, 0, \[N/A\], 40, 1980 MHz, ' "$T/na/gpu_metrics.csv"
expect_eq "nvml no power: invalid_power_sample" \
	"$(jf "$T/na/power_validation_$RF.json" -c '[.power_valid, (.reasons | index("invalid_power_sample") != null)]')" '[false,true]'

# 5. a library that does not load: nvidia-smi, with a warning naming it
PATH=$SIM_PATH INFBENCH_NVML_LIB=$T/no-such-libnvml.so SIM_GPUS=1 SIM_NVSMI_LOG=$T/nvsmi4.log \
	xrun nolib --entry-json "$E" "${COMMON[@]}" --output-dir "$T/nolib"
expect_eq "nvml missing: exit 0" "$RC" 0
check "nvml missing: nvidia-smi sampled" grep -q timestamp "$T/nvsmi4.log"
check "nvml missing: the warning names the variable" grep -q "cannot load INFBENCH_NVML_LIB=$T/no-such-libnvml.so" "$T/nolib.err"
finish
