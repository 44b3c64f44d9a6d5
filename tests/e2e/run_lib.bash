# shellcheck shell=bash
# shellcheck disable=SC2034 # RC, MS, XPID, WS, ... are read by the tests that source this
# run_lib.bash: shared by the run_*.sh end-to-end tests of `executor run` (sourced, not a test).
#   EXE SIM          the test's first two arguments (executor, simserver)
#   REPO             the repository (two directories up)
#   T                a private temp dir (/tmp/infbench-run.XXXXXX), removed at exit
#   WS               the test workspace $T/ws: copies of the repository's benchmarks/ and runners/
#                    plus the fixture recipes of tests/e2e/fixtures/single_node/ (copies, not
#                    links: a container sees the workspace at /workspace)
#   make_workspace   creates $WS
#   local_profile NAME [ENV...]  the fixture node profile $WS/runners/NAME.yaml of a local run
#   local_setup NAME the workspace, a free PORT, NODE=NAME_0, its profile, COMMON (the --node and
#                    --workspace arguments of every run)
#   entry_json [JQ]  the demo's single-node entry (the v1 demo config tests/e2e/fixtures/demo-v1.yaml, fp8, conc 1), changed by JQ
#   xrun NAME ARGS...    `executor run ARGS...` to its end (120 s at most, then SIGTERM), stdout,
#                        stderr in $T/NAME.out, $T/NAME.err; sets RC and MS (wall milliseconds)
#   xstart NAME ARGS...  the same in the background, behind the command in XPREFIX (an array,
#                        normally empty); sets XPID
#   xwait SECONDS        waits for XPID (after SECONDS: SIGTERM, 40 s later SIGKILL); sets RC and
#                        MS (since xwait)
#   run_procs        processes of this test's runs: any process whose command line or environment
#                    mentions $T/ (every run gets TMPDIR=$T/tmp and INFBENCH_E2E_MARK=$T/mark;
#                    recipes get RESULT_DIR under $T). This shell never exports a path under $T.
#   wait_for SECONDS CMD...   until CMD succeeds (0) or SECONDS pass (1)
#   power_ok LABEL DIR RF    the energy fields of a run on one simulated GPU (300 W)
#   ok / bad / expect_eq / check / finish   counting, "N passed, N failed", exit status
#   on_cleanup CMD   run CMD at exit (before $T is removed), e.g. a harness teardown
# Every run gets the environment of this shell minus XDG_RUNTIME_DIR and RUNNER_NAME (the local
# launcher's state files go to $T/tmp; the node name always comes from --node).
set -u
EXE=${1:?usage: $0 PATH/TO/executor PATH/TO/simserver ...}
SIM=${2:?usage: $0 PATH/TO/executor PATH/TO/simserver ...}
EXE=$(realpath "$EXE")
SIM=$(realpath "$SIM")
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=harness/common.sh source-path=SCRIPTDIR
. "$REPO/tests/e2e/harness/common.sh"
T=$(mktemp -d /tmp/infbench-run.XXXXXX)
chmod 755 "$T"
mkdir -p "$T/tmp"
WS=$T/ws
PASSED=0
FAILED=0
XPID=
XPREFIX=()
BG_PIDS=()
CLEANUPS=()

on_cleanup() { CLEANUPS+=("$*"); }

_run_lib_cleanup() {
	local p c
	trap - EXIT INT TERM
	# runs still going (an interrupted test): SIGTERM lets them clean up after themselves
	for p in "${BG_PIDS[@]}"; do
		infbench_stop_pid "$p" 40
		wait "$p" 2>/dev/null
	done
	for p in $(run_procs); do kill -KILL "$p" 2>/dev/null; done
	for c in "${CLEANUPS[@]}"; do eval "$c"; done
	rm -rf "$T"
}
trap _run_lib_cleanup EXIT
trap 'echo "interrupted"; exit 130' INT TERM

ok() { PASSED=$((PASSED + 1)); echo "ok   $1"; }
bad() { FAILED=$((FAILED + 1)); echo "FAIL $1${2:+: $2}"; }
expect_eq() {
	if [ "$2" == "$3" ]; then ok "$1"; else bad "$1" "got '$2', want '$3'"; fi
}
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else bad "$name" "failed: $*"; fi
}
finish() {
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ]
}

wait_for() {
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 20; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

make_workspace() {
	rm -rf "$WS"
	mkdir -p "$WS"
	cp -r "$REPO/benchmarks" "$REPO/runners" "$WS/"
	cp "$REPO"/tests/e2e/fixtures/single_node/*.sh "$WS/benchmarks/single_node/"
}

# local_profile NAME [ENV...]: writes $WS/runners/NAME.yaml, a node profile for the local
# launcher that starts the simulator on $PORT (health-timeout 60), with env SIMSERVER and each
# ENV line ("KEY: value"); without ENV, the simulator's fast timings (TTFT 5 ms, ITL 1 ms).
local_profile() {
	local name=$1
	shift
	[ $# -gt 0 ] || set -- 'SIM_TTFT_MS: "5"' 'SIM_ITL_MS: "1"'
	cat >"$WS/runners/$name.yaml" <<EOF
# fixture profile of tests/e2e/${0##*/}
launcher: local
gpu: sim
gpu-vendor: none
port: $PORT
health-timeout: 60
env:
  SIMSERVER: $SIM
$(printf '  %s\n' "$@")
EOF
}

# local_setup NAME: the set-up of a test of runs through the local launcher: the workspace
# (make_workspace), a free PORT, NODE=NAME_0, the profile (local_profile NAME) and
# COMMON=(--node NODE --workspace WS).
local_setup() {
	make_workspace
	PORT=$(infbench_free_port)
	NODE=$1_0
	local_profile "$1"
	COMMON=(--node "$NODE" --workspace "$WS")
}

# The demo's first single-node entry, as `matrixgen full-sweep --config-files tests/e2e/fixtures/demo-v1.yaml`
# prints it (run_local.sh checks that it still does).
ENTRY_SN='{"image": "localhost/simserver:latest", "model": "sim-model", "model-prefix": "sim", "precision": "fp8", "framework": "sim", "runner": "local", "isl": 1024, "osl": 64, "tp": 1, "conc": 1, "max-model-len": 1288, "ep": 1, "dp-attn": false, "spec-decoding": "none", "exp-name": "sim_1024_64", "disagg": false, "run-eval": false}'
entry_json() { jq -c "${1:-.}" <<<"$ENTRY_SN"; }

# rf ENTRY NODE: RESULT_FILENAME of a single-node entry (executor-spec 2.3).
rf() {
	jq -r --arg n "$2" '"\(."exp-name")_\(.precision)_\(.framework)_tp\(.tp)-ep\(.ep)-dpa\(."dp-attn")_disagg-\(.disagg)_spec-\(."spec-decoding")_conc\(.conc)_\($n)"' <<<"$1"
}

_xenv=(env -u XDG_RUNTIME_DIR -u RUNNER_NAME)
# (xrun runs in the background too, so that an interrupted test runs its trap at once)
xrun() {
	local t0
	t0=$(infbench_now)
	xstart "$@"
	xwait 120
	MS=$(infbench_ms "$t0")
}
xstart() {
	local name=$1
	shift
	"${_xenv[@]}" TMPDIR="$T/tmp" INFBENCH_E2E_MARK="$T/mark" \
		"${XPREFIX[@]}" "$EXE" run "$@" >"$T/$name.out" 2>"$T/$name.err" </dev/null &
	XPID=$!
	BG_PIDS+=("$XPID")
}
xwait() {
	local secs=$1 t0 i p
	t0=$(infbench_now)
	for ((i = 0; i < secs * 20; i++)); do
		infbench_alive "$XPID" || break
		sleep 0.05
	done
	if infbench_alive "$XPID"; then
		echo "# executor $XPID still running after ${secs}s: SIGTERM, then SIGKILL" >&2
		infbench_stop_pid "$XPID" 40
	fi
	{ wait "$XPID"; } 2>/dev/null # no "Killed" line for a run the test SIGKILLs
	RC=$?
	MS=$(infbench_ms "$t0")
	local keep=()
	for p in "${BG_PIDS[@]}"; do [ "$p" = "$XPID" ] || keep+=("$p"); done
	BG_PIDS=("${keep[@]}")
}

run_procs() { infbench_pids_of "$T"; }

# children_of PID: its child processes, from /proc (no procps needed)
children_of() {
	local parent=$1 f st
	for f in /proc/[0-9]*/stat; do
		st=$(sed 's/.*) //' "$f" 2>/dev/null) || continue
		# shellcheck disable=SC2086
		set -- $st # state ppid ...
		if [ "${2:-}" = "$parent" ]; then
			f=${f#/proc/}
			echo "${f%/stat}"
		fi
	done
}

# procs_desc PID...: "PID command" per process, for failure messages.
procs_desc() {
	local p
	for p in "$@"; do
		printf '%s(%s) ' "$p" "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-80)"
	done
}

# no_procs_left LABEL: checks that no process of the runs is left (after a short grace: a
# process the executor killed may take a moment to be reaped by its new parent).
no_procs_left() {
	local left
	# shellcheck disable=SC2317 # called through wait_for
	_none() { [ -z "$(run_procs)" ]; }
	if wait_for 3 _none; then
		ok "$1: no process of the run left"
	else
		left=$(run_procs)
		# shellcheck disable=SC2086
		bad "$1: no process of the run left" "$(procs_desc $left)"
	fi
}

# jf FILE [JQ OPTIONS] FILTER: jq -r over FILE (empty on error).
jf() {
	local f=$1
	shift
	jq -r "$@" "$f" 2>/dev/null
}

# files_ok LABEL DIR RF: the files of executor-spec 6 for a single-node run, and the tarball
# holds them at top level, with the load's /metrics scrapes (run's default interval).
files_ok() {
	local label=$1 dir=$2 rf=$3 f absent='' members
	for f in "agg_$rf.json" "$rf.json" "$rf.server_metrics.json" server.log entry.json meta.json \
		"bmk_$rf.tar.gz"; do
		[ -f "$dir/$f" ] || absent+=" $f"
	done
	expect_eq "$label: files of spec 6 present" "${absent:-none missing}" "none missing"
	members=$(tar tzf "$dir/bmk_$rf.tar.gz" 2>/dev/null | sort | tr '\n' ' ')
	expect_eq "$label: tarball lists them at top level" "$members" \
		"$(printf '%s\n' "agg_$rf.json" "$rf.json" "$rf.server_metrics.json" server.log entry.json \
			meta.json | sort | tr '\n' ' ')"
}

# power_ok LABEL DIR RF: the energy fields of a run on one simulated GPU at 300 W (executor-spec
# power schema v2): agg_RF.json power_valid with 300 W, joules per output token, the sidecar
# power_validation_RF.json valid for GPU 0, and the artifact holding the CSV and the sidecar.
power_ok() {
	local label=$1 dir=$2 rf=$3
	local agg=$dir/agg_$rf.json
	expect_eq "$label: agg power fields" \
		"$(jf "$agg" -c '[.power_metric_schema_version, .power_valid, .avg_power_w, .avg_total_gpu_power_w]')" \
		'[2,1,300,300]'
	check "$label: joules per output token > 0" \
		test "$(jf "$agg" '.joules_per_output_token > 0 and .total_gpu_energy_j > 0')" = true
	expect_eq "$label: sidecar valid" \
		"$(jf "$dir/power_validation_$rf.json" -c '[.power_valid, .observed_gpu_ids]')" '[true,["0"]]'
	check "$label: artifact holds the CSV and the sidecar" test "$(tar tzf "$dir/bmk_$rf.tar.gz" |
		grep -cE '^(gpu_metrics\.csv|power_validation_.*\.json)$')" = 2
}

# artifact_ok LABEL DIR: a failure artifact: meta.json (exit.status failure) and a tarball
# holding it.
artifact_ok() {
	local label=$1 dir=$2 tgz
	tgz=$(find "$dir" -maxdepth 1 -name 'bmk_*.tar.gz' 2>/dev/null | head -1)
	if [ -n "$tgz" ] && tar tzf "$tgz" 2>/dev/null | grep -qx meta.json \
		&& [ "$(jf "$dir/meta.json" .exit.status)" = failure ]; then
		ok "$label: failure artifact (meta.json says failure, in ${tgz##*/})"
	else
		bad "$label: failure artifact" "tarball '${tgz:-none}', meta.json: $(jf "$dir/meta.json" -c .exit)"
	fi
}

# meta_exit_ok LABEL DIR PHASE SIGNAL: meta.json says which phase failed and the signal.
meta_exit_ok() {
	expect_eq "$1: meta.json failed_phase/signal" \
		"$(jf "$2/meta.json" '"\(.exit.failed_phase) \(.exit.signal)"')" "$3 $4"
}

# sim_requests PORT: generation requests the simulator on PORT accepted so far (0 if none).
sim_requests() {
	local n
	n=$(curl -s --max-time 1 "http://127.0.0.1:$1/stats" | jq -r '.requests // 0' 2>/dev/null)
	echo "${n:-0}"
}
sim_busy() { [ "$(sim_requests "$1")" -gt 0 ]; }
log_has() { grep -q -- "$2" "$1" 2>/dev/null; }
port_closed() { ! infbench_port_listening "$1"; }

# SIGTERM once the load runs (the simulator has requests): the run exits 1 within LIMIT_MS,
# meta.json names the load phase and the signal, and the failure artifact exists.
# Usage: sigterm_in_load LIMIT_MS WAIT_S EXECUTOR_ARGS... (the output dir is $T/slow)
sigterm_in_load() {
	local limit_ms=$1 wait_s=$2
	shift 2
	xstart slow "$@" --output-dir "$T/slow"
	if wait_for "$wait_s" sim_busy "$PORT"; then
		sleep 0.3
		kill -TERM "$XPID"
		xwait 60
		expect_eq "SIGTERM in load: exit 1" "$RC" 1
		check "SIGTERM in load: ends within $((limit_ms / 1000)) s ($MS ms)" test "$MS" -lt "$limit_ms"
		meta_exit_ok "SIGTERM in load" "$T/slow" load SIGTERM
		artifact_ok "SIGTERM in load" "$T/slow"
		return 0
	fi
	bad "SIGTERM in load: the load started" "$(tail -3 "$T/slow.err")"
	kill -TERM "$XPID"
	xwait 60
	return 1
}

# SIGTERM while the executor waits for a server that never becomes healthy (fixture `hang`):
# exit 1 within LIMIT_MS, meta.json names the health phase and the signal, failure artifact.
# RUNNING is a command that must succeed while the server runs (`true` for none).
# Usage: sigterm_in_health LIMIT_MS WAIT_S RUNNING EXECUTOR_ARGS... (output dir $T/hang)
sigterm_in_health() {
	local limit_ms=$1 wait_s=$2 running=$3
	shift 3
	xstart hang "$@" --output-dir "$T/hang"
	if wait_for "$wait_s" log_has "$T/hang/server.log" "fixture hang: started" &&
		wait_for 10 infbench_port_listening "$PORT"; then
		check "SIGTERM in health wait: the server runs" "$running"
		sleep 0.3
		kill -TERM "$XPID"
		xwait 60
		expect_eq "SIGTERM in health wait: exit 1" "$RC" 1
		check "SIGTERM in health wait: ends within $((limit_ms / 1000)) s ($MS ms)" \
			test "$MS" -lt "$limit_ms"
		meta_exit_ok "SIGTERM in health wait" "$T/hang" health SIGTERM
		artifact_ok "SIGTERM in health wait" "$T/hang"
		return 0
	fi
	bad "SIGTERM in health wait: the recipe started" "$(tail -3 "$T/hang.err")"
	kill -TERM "$XPID"
	xwait 60
	return 1
}

# A real component of the harness (podman or slurm), up for this test: installs it when
# missing (as root), skips the test (exit 77, "SKIPPED: reason") where it cannot run, sets it
# up, registers its teardown, starts it and waits until it answers.
bring_up() {
	local name=$1 reason
	if [ "$(id -u)" -eq 0 ] && ! "${name}_install"; then
		bad "${name}_install" "apt-get failed"
	fi
	if ! "${name}_available"; then
		reason="${name^^}_SKIP_REASON"
		echo "SKIPPED: ${!reason}"
		exit 77
	fi
	"${name}_setup" >/dev/null || { bad "${name}_setup"; finish; exit 1; }
	on_cleanup "${name}_teardown"
	if ! "${name}_start" || ! "${name}_wait_ready" 30; then
		bad "$name ready"
		finish
		exit 1
	fi
}
