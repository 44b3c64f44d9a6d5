#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what is missing, then builds and runs every
# CTest test twice: a normal build (gcc) and an AddressSanitizer + UBSan build (clang) that
# also runs each libFuzzer target briefly. Both build with -DWERROR=ON: a warning fails the
# suite (a plain cmake build only warns). Between them, the normal build's unit tests and
# whole-program cases run again under valgrind memcheck (scripts/valgrind.sh).
# Exit status 0 only if all pass.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
setup_install test

jobs=$(nproc)
run_suite() { # name, build dir, ctest args, cmake args...
	local name=$1 dir=$2 ctest_args=$3
	shift 3
	echo "== $name: configure and build ($dir)"
	cmake -S . -B "$dir" "$@" >/dev/null
	cmake --build "$dir" -j"$jobs" >/dev/null
	echo "== $name: ctest"
	# shellcheck disable=SC2086
	(cd "$dir" && ctest -j"$jobs" --output-on-failure $ctest_args)
}

status=0
run_suite "normal build" build "" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWERROR=ON || status=1
echo "== valgrind memcheck (unit tests and whole-program cases, leaks as errors)"
bash scripts/valgrind.sh build || status=1
# browser: chromium opening the report once is enough (the normal build)
CC=clang run_suite "sanitizer build (ASan+UBSan, fuzz)" build-asan "-LE perf|browser" \
	-DCMAKE_BUILD_TYPE=Debug -DSANITIZE=ON -DFUZZ=ON -DWERROR=ON || status=1
if [ $status -eq 0 ]; then echo "== all tests passed (normal, valgrind and sanitizer builds)"; fi
exit $status
