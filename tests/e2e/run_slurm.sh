#!/usr/bin/env bash
# run_slurm.sh: `executor run` end to end through the `slurm` launcher, on a private one-node
# cluster on localhost (slurmctld + slurmd + munged, tests/e2e/harness/slurm.sh). Fixture profile
# runners/e2eslurm.yaml: launcher slurm, gpu sim, gpu-vendor none, slurm.partition = the harness's,
# gres none (no --gres: the cluster has no GPUs), container none: the recipe runs through
# `srun --jobid` on this host, SIMSERVER = the built simserver. Cases:
#   - --dry-run: the salloc and srun command lines, secrets as ***; with container: pyxis the step
#     gets --container-image, --container-mounts, --container-workdir=/workspace;
#   - the demo's single-node entry succeeds: the files of executor-spec 6, meta.json success, no
#     job named after the node left;
#   - the run's variables win over the executor's own environment (MODEL, PORT set there);
#   - an allocation that cannot be satisfied (extra-args --ntasks=1000) fails fast with Slurm's
#     message; one that pends (another job holds the node) is withdrawn after the profile's
#     health-timeout, or at once on SIGTERM, leaving no job; a recipe that exits at once fails
#     within 2 s with its log tail;
#   - SIGTERM during the health wait and during the load: exit 1, failure artifact, meta.json names
#     phase and signal, no job named after the node (squeue --name), no process of the run left;
#   - a job named after the node (salloc --no-shell -J NODE, a fake earlier run) is cancelled by
#     the next run.
# Skipped (exit 77, "SKIPPED: reason") where the daemons cannot run (not root, no Slurm).
# Installs the packages when missing (as root), always tears the cluster down.
# usage: run_slurm.sh PATH/TO/executor PATH/TO/simserver
# shellcheck source-path=SCRIPTDIR source=run_lib.bash
. "$(dirname "$0")/run_lib.bash"
# shellcheck source=harness/slurm.sh source-path=SCRIPTDIR
. "$REPO/tests/e2e/harness/slurm.sh"

bring_up slurm
ok "one-node cluster: node $INFBENCH_SLURM_NODE, partition $INFBENCH_SLURM_PARTITION, $INFBENCH_SLURM_CPUS CPUs"

make_workspace
PORT=$(infbench_free_port)
NODE=e2eslurm_0
# profile NAME [SLURM LINES...]: writes runners/NAME.yaml
profile() {
	local name=$1 l
	shift
	{
		echo "# fixture profile of tests/e2e/run_slurm.sh"
		echo "launcher: slurm"
		echo "gpu: sim"
		echo "gpu-vendor: none"
		echo "port: $PORT"
		echo "health-timeout: 60"
		echo "env:"
		echo "  SIMSERVER: $SIM"
		echo "  SIM_TTFT_MS: \"5\""
		echo "  SIM_ITL_MS: \"1\""
		echo "slurm:"
		echo "  partition: $INFBENCH_SLURM_PARTITION"
		for l in "$@"; do echo "  $l"; done
	} >"$WS/runners/$name.yaml"
}
profile e2eslurm "gres: none" "container: none"
profile e2ebig "gres: none" "container: none" 'extra-args: ["--ntasks=1000"]'
profile e2epyxis "container: pyxis" "time: 30"
profile e2epend "gres: none"
sed -i 's/^health-timeout: 60$/health-timeout: 3/' "$WS/runners/e2epend.yaml"
COMMON=(--node "$NODE" --workspace "$WS")

# jobs_of NAME: ids of the jobs named NAME that are still pending, running or configuring
jobs_of() { squeue -h --name="$1" -t PENDING,RUNNING,CONFIGURING,COMPLETING -o %i 2>/dev/null | tr '\n' ' '; }
no_jobs_left() {
	local left
	# shellcheck disable=SC2317 # called through wait_for
	_nojobs() { [ -z "$(jobs_of "$NODE")" ]; }
	wait_for 5 _nojobs
	left=$(jobs_of "$NODE")
	expect_eq "$1: no job named $NODE left" "${left:-none}" none
}

# ---------------------------------------------------------------- dry run
E=$(entry_json)
RF=$(rf "$E" "$NODE")
MY_TOKEN=s3cret xrun dry --entry-json "$E" "${COMMON[@]}" --output-dir "$T/dry" --secret-env MY_TOKEN --dry-run
expect_eq "dry-run: exit 0" "$RC" 0
for want in "allocation: salloc --no-shell --job-name=$NODE --partition=$INFBENCH_SLURM_PARTITION" \
	"--overlap" "--chdir=$WS" "bash $WS/benchmarks/single_node/sim_fp8_sim_sim.sh" "MY_TOKEN=***"; do
	check "dry-run: shows '$want'" grep -qF -- "$want" "$T/dry.out"
done
check "dry-run: gres none sends no --gres" test -z "$(grep -e '--gres' "$T/dry.out")"
check "dry-run: no secret value printed" test -z "$(grep -l s3cret "$T/dry.out" "$T/dry.err")"
xrun drypyxis --entry-json "$E" --node e2epyxis_0 --workspace "$WS" --output-dir "$T/drypyxis" --dry-run
expect_eq "dry-run pyxis: exit 0" "$RC" 0
for want in "--gres=gpu:1" "--time=30" "--container-image=localhost/simserver:latest" \
	"--container-mounts=$WS:/workspace,$T/drypyxis:$T/drypyxis" "--container-workdir=/workspace" \
	"bash /workspace/benchmarks/single_node/sim_fp8_sim_sim.sh"; do
	check "dry-run pyxis: shows '$want'" grep -qF -- "$want" "$T/drypyxis.out"
done
no_jobs_left "dry-run"

# ---------------------------------------------------------------- success
xrun ok --entry-json "$E" "${COMMON[@]}" --output-dir "$T/ok"
expect_eq "demo entry as a Slurm step: exit 0 ($MS ms)" "$RC" 0
[ "$RC" = 0 ] || sed 's/^/# /' "$T/ok.err" | tail -20
files_ok "slurm" "$T/ok" "$RF"
expect_eq "slurm: agg values" \
	"$(jf "$T/ok/agg_$RF.json" -c '[.hw, .conc, .image, .model, .framework, .precision, .is_multinode, .tp]')" \
	'["local",1,"localhost/simserver:latest","sim-model","sim","fp8",false,1]'
expect_eq "slurm: raw result completed 10" "$(jf "$T/ok/$RF.json" .completed)" 10
expect_eq "slurm: meta.json success, launcher slurm" "$(jf "$T/ok/meta.json" -c '[.exit.status, .launcher, .node]')" \
	"[\"success\",\"slurm\",\"$NODE\"]"
check "slurm: server.log has the server's output" grep -q "simserver: listening" "$T/ok/server.log"
check "slurm: the server's own last line is kept (it got SIGTERM, not SIGKILL)" grep -q "simserver: stopping" "$T/ok/server.log"
no_jobs_left "slurm success"
no_procs_left "slurm success"

MODEL=wrong-model PORT=1 SIM_ITL_MS=500 xrun envwin --entry-json "$E" "${COMMON[@]}" --output-dir "$T/envwin"
expect_eq "the run's variables win over the executor's environment: exit 0" "$RC" 0
[ "$RC" = 0 ] || sed 's/^/# /' "$T/envwin.err" | tail -5
no_jobs_left "environment"

# ---------------------------------------------------------------- failures
xrun big --entry-json "$E" --node e2ebig_0 --workspace "$WS" --output-dir "$T/big"
expect_eq "impossible allocation: exit 1" "$RC" 1
check "impossible allocation: fails fast ($MS ms)" test "$MS" -lt 5000
check "impossible allocation: Slurm's refusal in the message" grep -q "Slurm refused the allocation.*More processors requested than permitted" "$T/big.err"
expect_eq "impossible allocation: meta.json failed_phase" "$(jf "$T/big/meta.json" .exit.failed_phase)" start
artifact_ok "impossible allocation" "$T/big"
expect_eq "impossible allocation: no job left" "$(jobs_of e2ebig_0)" ""

# a request that pends: another job holds the whole node
hold=$(salloc --no-shell -J e2e-holder --exclusive -N1 2>&1 | sed -n 's/.*Granted job allocation \([0-9][0-9]*\).*/\1/p')
if [ -n "$hold" ]; then
	xrun pend --entry-json "$E" --node e2epend_0 --workspace "$WS" --output-dir "$T/pend"
	expect_eq "pending allocation: exit 1" "$RC" 1
	check "pending allocation: given up after the health-timeout (3 s; took $MS ms)" test "$MS" -ge 2900 -a "$MS" -lt 8000
	check "pending allocation: says so" grep -q "Slurm did not grant the allocation in time: still pending after 3 s" "$T/pend.err"
	expect_eq "pending allocation: meta.json failed_phase" "$(jf "$T/pend/meta.json" .exit.failed_phase)" start
	expect_eq "pending allocation: request withdrawn" "$(jobs_of e2epend_0)" ""
	xstart pendterm --entry-json "$E" "${COMMON[@]}" --output-dir "$T/pendterm"
	# shellcheck disable=SC2317 # called through wait_for
	_pending() { [ -n "$(squeue -h --name="$NODE" -t PENDING -o %i 2>/dev/null)" ]; }
	if wait_for 10 _pending; then
		kill -TERM "$XPID"
		xwait 30
		expect_eq "SIGTERM while the allocation pends: exit 1" "$RC" 1
		check "SIGTERM while the allocation pends: ends within 5 s ($MS ms)" test "$MS" -lt 5000
		meta_exit_ok "SIGTERM while the allocation pends" "$T/pendterm" start SIGTERM
		artifact_ok "SIGTERM while the allocation pends" "$T/pendterm"
	else
		bad "SIGTERM while the allocation pends: request pending" "$(squeue -h)"
		kill -TERM "$XPID"
		xwait 30
	fi
	no_jobs_left "SIGTERM while the allocation pends"
	no_procs_left "SIGTERM while the allocation pends"
	scancel "$hold"
	wait_for 10 test -z "$(jobs_of e2e-holder)"
else
	bad "pending allocation: a job holding the node"
fi

E=$(entry_json '."exp-name" = "exitnow_1024_64"')
xrun exitnow --entry-json "$E" "${COMMON[@]}" --output-dir "$T/exitnow"
expect_eq "exit at once: exit 1" "$RC" 1
check "exit at once: within 2 s ($MS ms)" test "$MS" -lt 2000
check "exit at once: the log tail in the message" grep -q "simulated start-up failure" "$T/exitnow.err"
expect_eq "exit at once: meta.json failed_phase" "$(jf "$T/exitnow/meta.json" .exit.failed_phase)" health
artifact_ok "exit at once" "$T/exitnow"
no_jobs_left "exit at once"
no_procs_left "exit at once"

# SIGTERM during the health wait
E=$(entry_json '."exp-name" = "hang_1024_64"')
job_runs() { test -n "$(jobs_of "$NODE")"; }
sigterm_in_health 10000 20 job_runs --entry-json "$E" "${COMMON[@]}"
no_jobs_left "SIGTERM in health wait"
no_procs_left "SIGTERM in health wait"

# SIGTERM during the load
E=$(entry_json '."exp-name" = "slow_1024_64" | .conc = 2')
sigterm_in_load 10000 30 --entry-json "$E" "${COMMON[@]}"
no_jobs_left "SIGTERM in load"
no_procs_left "SIGTERM in load"

# ---------------------------------------------------------------- leftover of an earlier run
out=$(salloc --no-shell -J "$NODE" -N1 2>&1)
old=$(printf '%s' "$out" | sed -n 's/.*Granted job allocation \([0-9][0-9]*\).*/\1/p')
if [ -n "$old" ]; then
	ok "leftover: job $old named $NODE"
	xrun after --entry-json "$(entry_json)" "${COMMON[@]}" --output-dir "$T/after"
	expect_eq "leftover: next run exit 0" "$RC" 0
	[ "$RC" = 0 ] || sed 's/^/# /' "$T/after.err" | tail -5
	st=$(squeue -h -j "$old" -o %T 2>/dev/null)
	check "leftover: job $old cancelled (state '${st:-gone}')" test -z "$st" -o "$st" = CANCELLED -o "$st" = COMPLETING
else
	bad "leftover: salloc --no-shell -J $NODE" "$out"
fi
no_jobs_left "leftover"
no_procs_left "leftover"

finish
