#!/usr/bin/env bash
# The main job, end to end, on this machine with no GPU: installs what is missing, builds,
# then does what the nightly pipeline does, on the embedded default (configs/demo.yaml, v2
# layout: the local launcher, with the project's simulated OpenAI server standing in for vLLM):
#   matrixgen   expands the demo config into the job matrix: the benchmark entries
#               (`--no-evals`) and one eval-only entry (`--evals-only`: GSM8K at 8k1k conc 16,
#               the shape upstream marks for evals), as run-sweep.yml's jobs get them,
#   executor    runs every entry (server up, health wait, streaming load or the eval,
#               processed result, artifact), one summary line per entry,
#   aggregate   turns the artifacts into markdown tables (eval summary included), a JSON
#               array, CSV and SVG charts.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
setup_install build jq
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target matrixgen executor simserver >/dev/null

out=results/demo
rm -rf "$out"
mkdir -p "$out"
echo "== matrixgen: configs/demo.yaml -> $out/matrix.json"
build/matrixgen/matrixgen validate --config-files configs/demo.yaml
mg=(build/matrixgen/matrixgen test-config --config-files configs/demo.yaml)
"${mg[@]}" --config-keys sim-fp8-sim-sim sim-bf16-sim-sim sim-fp8-sim-sim-disagg --no-evals \
	>"$out/bench.json"
"${mg[@]}" --config-keys sim-fp8-sim-sim-gsm8k --evals-only >"$out/evals.json"
jq -c -s add "$out/bench.json" "$out/evals.json" >"$out/matrix.json"
echo "$(jq length "$out/bench.json") benchmark entries, $(jq length "$out/evals.json") eval-only entry"

echo "== executor run --matrix (local launcher, simulator)"
# the simulator answers the eval's questions from the executor's default data set
SIMSERVER=$PWD/build/tests/sim/simserver SIM_EVAL_DATASET=$PWD/configs/evals/gsm8k-subset.jsonl \
	build/executor/executor run \
	--matrix "$out/matrix.json" --output-dir "$out" --node local_0 >"$out/run.log"
sed -n '/^\[[0-9]*\/[0-9]*\]/,$p' "$out/run.log"

echo "== executor aggregate"
build/executor/executor aggregate "$out" --json "$out/results.json" --csv "$out/results.csv" \
	--svg "$out/charts" --markdown "$out/summary.md"
cat "$out/summary.md"
echo
echo "artifacts: $out/bmk_*/ (each with bmk_*.tar.gz); tables: $out/summary.md;"
echo "charts:" "$out"/charts/*.svg
