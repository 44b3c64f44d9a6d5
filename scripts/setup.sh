#!/usr/bin/env bash
# Installs what building and testing need, from Debian's packages, only when missing
# (idempotent: a machine that has everything is not touched, and no network is used).
# Sourced by demo.sh (`setup_install build`), test.sh (`setup_install test`) and the
# workflows' .github/scripts/install-build-deps.sh; can also be run alone (build + test).

# What building matrixgen, executor and the simulator needs: all a GPU node ever gets.
SETUP_BUILD_PACKAGES=(
	build-essential cmake pkg-config git curl ca-certificates
	libyaml-dev libcjson-dev libcurl4-openssl-dev libarchive-dev libcmocka-dev nettle-dev
)
# What the test suite needs besides.
SETUP_TEST_PACKAGES=(
	clang libclang-rt-dev   # AddressSanitizer/UBSan build and libFuzzer targets
	valgrind                # the suite's programs once under memcheck (scripts/valgrind.sh)
	shellcheck jq           # the scripts and workflows are checked as part of the tests
	nghttp2-client          # h2load: the reference client of the cold-start benchmark (tests/perf)
	chromium                # opens aggregate's HTML report headless (tests/browser)
	# real components of the launcher tests (tests/e2e/harness): Podman's Docker API service,
	# a one-node Slurm with munge, and what the simulator's container image is built from
	podman runc conmon catatonit busybox-static bash-static
	slurmctld slurmd slurm-client munge
)

setup_missing_packages() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			echo "$p"
	done
}

# setup_install build|test [EXTRA_PACKAGE...]
setup_install() {
	local want=("${SETUP_BUILD_PACKAGES[@]}")
	[ "${1:-test}" = test ] && want+=("${SETUP_TEST_PACKAGES[@]}")
	shift || true
	want+=("$@")
	local missing
	mapfile -t missing < <(setup_missing_packages "${want[@]}")
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "setup: installing ${missing[*]}" >&2
	local sudo=()
	[ "$(id -u)" -ne 0 ] && sudo=(sudo)
	export DEBIAN_FRONTEND=noninteractive
	"${sudo[@]}" apt-get update -qq
	"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	setup_install test
fi
