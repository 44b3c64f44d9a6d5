#!/usr/bin/env bash
# The main job, end to end, on this machine: installs what is missing, builds, then runs
# matrixgen over the repository's configs the way the nightly workflow does (validate, the
# full sweep, a test-config for one key, a runner check) and prints what it produced.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
setup_install
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
M=build/matrixgen/matrixgen
out=results/matrix
mkdir -p "$out"

echo "== validate configs/*-master.yaml, configs/runners.yaml, configs/perf-changelog.yaml"
$M validate --changelog-file configs/perf-changelog.yaml
echo "ok"

count() { grep -o '"image": ' "$1" | wc -l; }
echo "== full sweep of every master config"
$M full-sweep --config-files configs/*-master.yaml >"$out/full-sweep.json"
echo "$(count "$out/full-sweep.json") entries -> $out/full-sweep.json"
for s in 1k1k 1k8k 8k1k; do
	$M full-sweep --config-files configs/*-master.yaml --seq-lens $s --single-node \
		>"$out/single-$s.json"
	$M full-sweep --config-files configs/*-master.yaml --seq-lens $s --multi-node \
		>"$out/multi-$s.json"
	echo "  $s: $(count "$out/single-$s.json") single-node, $(count "$out/multi-$s.json") multi-node"
done
echo "== evals marked in the full sweep"
$M full-sweep --config-files configs/*-master.yaml --evals-only >"$out/evals.json"
echo "$(count "$out/evals.json") eval entries -> $out/evals.json"
echo "== test-config for the demo configs (local launcher, simulator)"
$M test-config --config-files configs/demo.yaml --config-keys 'sim-*' >"$out/demo.json"
echo "$(count "$out/demo.json") entries -> $out/demo.json"
echo "== runner check for h200 nodes"
$M runner-model-sweep --config-files configs/*-master.yaml --runner-type h200 >"$out/rms-h200.json"
echo "$(count "$out/rms-h200.json") entries -> $out/rms-h200.json"
echo "== done: the matrices are in $out/"
