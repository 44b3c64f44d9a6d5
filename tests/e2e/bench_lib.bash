# shellcheck shell=bash
# bench_lib.bash: shared by the bench_*.sh end-to-end tests (sourced, not a test itself).
#   EXE SIM      paths from the test's arguments
#   T            a private temp dir, removed on exit with every simulator started
#   sim_start NAME ARGS...   starts simserver on a free port; sets PORT and URL
#   bench NAME ARGS...       runs executor bench with a result in $T/NAME.json; sets RC;
#                            with --disable-tqdm unless TQDM_FLAG is set (empty: none)
#   jv NAME FILTER           jq FILTER over $T/NAME.json
#   expect_eq / check / finish   counting, "N passed, N failed", exit status
set -u
EXE=${1:?usage: $0 PATH/TO/executor PATH/TO/simserver}
SIM=${2:?usage: $0 PATH/TO/executor PATH/TO/simserver}
T=$(mktemp -d)
PASSED=0
FAILED=0
PIDS=()

cleanup() {
	for p in "${PIDS[@]}"; do
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT

ok() { PASSED=$((PASSED + 1)); echo "ok   $1"; }
bad() { FAILED=$((FAILED + 1)); echo "FAIL $1${2:+: $2}"; }
expect_eq() {
	if [ "$2" == "$3" ]; then ok "$1"; else bad "$1" "got '$2', want '$3'"; fi
}
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else bad "$name"; fi
}

sim_start() {
	local name=$1
	shift
	rm -f "$T/$name.port"
	"$SIM" --port 0 --port-file "$T/$name.port" "$@" 2>"$T/$name.sim.log" &
	PIDS+=($!)
	for _ in $(seq 100); do
		[ -s "$T/$name.port" ] && break
		sleep 0.05
	done
	PORT=$(cat "$T/$name.port" 2>/dev/null)
	URL=http://127.0.0.1:$PORT
}

bench() {
	local name=$1
	shift
	local tqdm=()
	[ -n "${TQDM_FLAG---disable-tqdm}" ] && tqdm=("${TQDM_FLAG---disable-tqdm}")
	timeout 60 "$EXE" bench --model sim-model --base-url "$URL" "${tqdm[@]}" --save-result \
		--result-dir "$T" --result-filename "$name.json" "$@" >"$T/$name.out" 2>"$T/$name.err"
	RC=$?
}

jv() { jq -r "$2" "$T/$1.json" 2>/dev/null; }

finish() {
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ]
}
