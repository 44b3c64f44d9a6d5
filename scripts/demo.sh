#!/usr/bin/env bash
# The main job, end to end, on this machine with no GPU: installs what is missing, builds,
# then does what the nightly pipeline does, on the embedded default (configs/demo.yaml: the
# local launcher, with the project's simulated OpenAI server standing in for vLLM):
#   matrixgen   expands the demo config into the job matrix,
#   executor    runs every entry (server up, health wait, streaming load, processed result,
#               artifact), one summary line per entry,
#   aggregate   turns the artifacts into markdown tables, a JSON array, CSV and SVG charts.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
setup_install build
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target matrixgen executor simserver >/dev/null

out=results/demo
rm -rf "$out"
mkdir -p "$out"
echo "== matrixgen: configs/demo.yaml -> $out/matrix.json"
build/matrixgen/matrixgen validate --config-files configs/demo.yaml
build/matrixgen/matrixgen test-config --config-files configs/demo.yaml --config-keys 'sim-*' \
	>"$out/matrix.json"
echo "$(grep -o '"image": ' "$out/matrix.json" | wc -l) entries"

echo "== executor run --matrix (local launcher, simulator)"
SIMSERVER=$PWD/build/tests/sim/simserver build/executor/executor run \
	--matrix "$out/matrix.json" --output-dir "$out" --node local_0 >"$out/run.log"
sed -n '/^\[[0-9]*\/[0-9]*\]/,$p' "$out/run.log"

echo "== executor aggregate"
build/executor/executor aggregate "$out" --json "$out/results.json" --csv "$out/results.csv" \
	--svg "$out/charts" --markdown "$out/summary.md"
cat "$out/summary.md"
echo
echo "artifacts: $out/bmk_*/ (each with bmk_*.tar.gz); tables: $out/summary.md;"
echo "charts:" "$out"/charts/*.svg
