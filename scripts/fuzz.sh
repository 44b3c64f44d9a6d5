#!/usr/bin/env bash
# Runs every libFuzzer target for a given time and prints, per target, the executions, the
# coverage reached and the findings (crash, leak, timeout or out-of-memory inputs written).
# Targets are the fuzz_* programs of the sanitizer build (FUZZ=ON); each runs over a scratch
# corpus seeded from tests/fuzz/corpus_<name> (new inputs never go into the sources).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]    default 60 seconds each, every target
#   FUZZ_BUILD=DIR  the sanitizer build (default build-asan, configured and built when absent)
# Exit status 0 when no target found anything. Findings are kept in $FUZZ_OUT (default
# fuzz-findings/), one folder per target, to be turned into regression seeds.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
seconds=${1:-60}
shift || true
build=${FUZZ_BUILD:-build-asan}
out=${FUZZ_OUT:-fuzz-findings}
if [ ! -d "$build" ]; then
	CC=clang cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DSANITIZE=ON -DFUZZ=ON >/dev/null ||
		exit 1
fi
mapfile -t all < <(find "$build" -type f -perm -u+x -name 'fuzz_*' -printf '%f\n' | sort -u)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")
[ ${#targets[@]} -eq 0 ] && { echo "fuzz.sh: no fuzz_* targets in $build (FUZZ=ON, clang)" >&2; exit 1; }
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}" >/dev/null || exit 1

found=0
printf '%-14s %10s %12s %8s %8s  %s\n' target seconds executions exec/s cov findings
for t in "${targets[@]}"; do
	bin=$(find "$build" -type f -perm -u+x -name "$t" | head -1)
	name=${t#fuzz_}
	seeds=tests/fuzz/corpus_$name
	scratch=$(mktemp -d)
	mkdir -p "$out/$t"
	args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
		-artifact_prefix="$out/$t/" "$scratch")
	[ -d "$seeds" ] && args+=("$seeds")
	"$bin" "${args[@]}" >"$out/$t/log" 2>&1
	st=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t/log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/$t/log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$out/$t/log" | tail -1 | cut -d' ' -f2)
	findings=$(find "$out/$t" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o \
		-name 'timeout-*' -o -name 'oom-*' \) | wc -l)
	[ $st -ne 0 ] && [ "$findings" -eq 0 ] && findings="exit $st (see $out/$t/log)"
	printf '%-14s %10s %12s %8s %8s  %s\n' "$t" "$seconds" "${execs:-?}" "${rate:-?}" \
		"${cov:-?}" "$findings"
	[ "$findings" != 0 ] && found=1
	rm -rf "$scratch"
done
exit $found
