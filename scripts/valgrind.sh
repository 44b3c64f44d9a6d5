#!/usr/bin/env bash
# The suite's C programs under valgrind memcheck, leaks as errors: every unit test, every
# whole-program case (tests/golden, tests/bad, tests/results) and the bench end-to-end test
# (tests/e2e/bench_basic.sh: every dataset, API, option and result file against the
# simulator), with matrixgen or executor run under valgrind through a wrapper. A case fails
# on any memcheck error or definite/indirect leak (exit status 99, and valgrind's report on
# stderr, which the case compares).
# Not run here: the e2e tests that send signals at set moments or bound times (bench_faults,
# run_*: under valgrind's slowdown a signal lands before the handlers exist and the time
# bounds measure valgrind) and the fuzz targets (the ASan build runs those).
#
#   scripts/valgrind.sh [BUILD_DIR]     default build-valgrind (configured and built here)
# Prints one line per failure and a closing "N passed, N failed" line; exit 0 when none failed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
dir=${1:-build-valgrind}
command -v valgrind >/dev/null || { echo "valgrind.sh: valgrind is not installed" >&2; exit 1; }
if [ ! -x "$dir/executor/executor" ] || [ -z "${1:-}" ]; then
	if ! cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null ||
		! cmake --build "$dir" -j"$(nproc)" >/dev/null; then
		echo "valgrind.sh: build failed" >&2
		exit 1
	fi
fi
dir=$(cd "$dir" && pwd)

leaks=definite,indirect
vg=(valgrind -q --error-exitcode=99 --leak-check=full "--show-leak-kinds=$leaks"
	"--errors-for-leak-kinds=$leaks" --track-fds=no)
wrap=$(mktemp -d)
trap 'rm -rf "$wrap"' EXIT
# a static matrixgen keeps its own malloc, which memcheck cannot watch: the build then has
# matrixgen-dynamic, the same program linked as usual (matrixgen/CMakeLists.txt)
mg=matrixgen/matrixgen
[ -x "$dir/matrixgen/matrixgen-dynamic" ] && mg=matrixgen/matrixgen-dynamic
for prog in $mg executor/executor; do
	name=${prog##*/}
	name=${name%-dynamic}
	printf '#!/bin/sh\nexec %s "%s" "$@"\n' "${vg[*]}" "$dir/$prog" >"$wrap/$name"
	chmod +x "$wrap/$name"
done

passed=0 failed=0
result() { # name, status
	if [ "$2" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $1"; fi
}

# unit tests: unit.<part>.<name> is the program tests/<name> of the build
while read -r t; do
	bin="$dir/tests/${t##*.}"
	CMOCKA_MESSAGE_OUTPUT=stdout "${vg[@]}" "$bin" >"$wrap/out" 2>&1
	st=$?
	[ $st -ne 0 ] && tail -20 "$wrap/out"
	result "$t" $st
done < <(cd "$dir" && ctest -N -R '^unit\.' | sed -n 's/^ *Test *#[0-9]*: *//p')

# whole-program cases, as tests/CMakeLists.txt registers them
cases=(tests/golden/cases/*.args tests/golden/changelog/*.args tests/bad/*.args tests/bad/*.yaml)
for c in "${cases[@]}"; do
	[ "${c##*/}" = runners.yaml ] && continue
	case $c in tests/bad/*.yaml) [ -f "${c%.yaml}.args" ] && continue ;; esac
	bash tests/golden/run.sh "$wrap/matrixgen" "$c" >"$wrap/out" 2>&1
	st=$?
	[ $st -ne 0 ] && head -20 "$wrap/out"
	result "$c" $st
done
for c in tests/results/cases/*.args; do
	bash tests/golden/run.sh "$wrap/executor" "$c" >"$wrap/out" 2>&1
	st=$?
	[ $st -ne 0 ] && head -20 "$wrap/out"
	result "$c" $st
done

# the bench end to end, against the simulator (not under valgrind: it is the reference)
INFBENCH_UNDER_VALGRIND=1 bash tests/e2e/bench_basic.sh "$wrap/executor" "$dir/tests/sim/simserver" \
	>"$wrap/out" 2>&1
st=$?
[ $st -ne 0 ] && grep -v '^ok' "$wrap/out" | head -20
result "tests/e2e/bench_basic.sh" $st

echo "valgrind memcheck: $passed passed, $failed failed"
[ $failed -eq 0 ]
