# shellcheck shell=bash
# benchmarks/lib.sh: helpers shared by the server recipes (sourced, never run).
#
# A recipe starts the inference server only, in the foreground, listening on $PORT and logging to
# stdout/stderr; the executor waits for health, drives the load and cleans up (executor-spec 3.2).
# Variables come from the executor (executor-spec 2.2) and the node profile's `env`.
#
# Single-node recipes use: require_env, is_true, log, die.
# Multi-node recipes also use: mn_require, mn_deploy (submit, wait, deployment.env, supervise) and
# the pieces it is built from.

# log MSG...: one line on stderr, prefixed with the recipe name.
log() {
	printf '%s: %s\n' "$(basename "$0")" "$*" >&2
}

# die MSG...: log and exit 1.
die() {
	log "error: $*"
	exit 1
}

# require_env VAR...: exit 1 naming every variable that is unset or empty.
require_env() {
	local name missing=()
	for name in "$@"; do
		if [[ -z "${!name:-}" ]]; then
			missing+=("$name")
		fi
	done
	if ((${#missing[@]} > 0)); then
		die "required variable(s) not set: ${missing[*]}"
	fi
}

# is_true VALUE: the executor writes booleans as true/false; anything else is false.
is_true() {
	[[ "${1:-}" == "true" ]]
}

# require_int VAR...: each variable must be a decimal integer >= 1.
require_int() {
	local name
	for name in "$@"; do
		[[ "${!name:-}" =~ ^[1-9][0-9]*$ ]] || die "$name must be an integer >= 1, got '${!name:-}'"
	done
}

# ---------------------------------------------------------------- multi-node

# write_deployment_env BASE_URL PREFILL_GPUS DECODE_GPUS [SERVED_MODEL_NAME]
# Writes $RESULT_DIR/deployment.env atomically (temp file in the same directory, then rename), so
# the executor never reads a half-written file (executor-spec 3.2).
write_deployment_env() {
	local base_url=$1 prefill_gpus=$2 decode_gpus=$3 served=${4:-}
	local tmp
	tmp=$(mktemp "$RESULT_DIR/.deployment.env.XXXXXX")
	{
		printf 'BASE_URL=%s\n' "$base_url"
		printf 'PREFILL_GPUS=%s\n' "$prefill_gpus"
		printf 'DECODE_GPUS=%s\n' "$decode_gpus"
		if [[ -n "$served" ]]; then
			printf 'SERVED_MODEL_NAME=%s\n' "$served"
		fi
	} >"$tmp"
	chmod 0644 "$tmp" # mktemp makes it 0600
	mv -f "$tmp" "$RESULT_DIR/deployment.env"
	log "deployment ready: $base_url (prefill GPUs $prefill_gpus, decode GPUs $decode_gpus)"
}

# sim_deployment SIMSERVER_ARGS...: the simulator demo's multi-node deployment. One simserver
# (SIMSERVER, else simserver on PATH) on $PORT serving $MODEL with the given arguments stands in
# for every worker; deployment.env reports it with the entry's GPUs; the recipe stays in the
# foreground until the executor stops it (SIGTERM/SIGINT stop the simserver, then exit 0), and
# dies if the simserver exits on its own (nobody asked it to stop).
sim_deployment() {
	"${SIMSERVER:-simserver}" --port "$PORT" --model "$MODEL" "$@" &
	sim_pid=$!
	# shellcheck disable=SC2317 # reached through the trap
	sim_stop() {
		kill -TERM "$sim_pid" 2>/dev/null || true
		wait "$sim_pid" 2>/dev/null || true
		exit 0
	}
	trap sim_stop TERM INT
	write_deployment_env "http://127.0.0.1:$PORT" $((PREFILL_NUM_WORKERS * PREFILL_TP)) \
		$((DECODE_NUM_WORKERS * DECODE_TP)) "$MODEL"
	local status=0
	wait "$sim_pid" || status=$?
	die "simserver exited on its own (status $status)"
}

# nodes_for TP GPUS_PER_NODE: nodes one worker of TP GPUs spans. TP must be a multiple of the
# node size or fit in one node; a worker never shares a node with another worker.
nodes_for() {
	local tp=$1 gpn=$2
	if ((tp <= gpn)); then
		echo 1
	elif ((tp % gpn == 0)); then
		echo $((tp / gpn))
	else
		die "worker tp $tp is not a multiple of $gpn GPUs per node"
	fi
}

# nap SECONDS: sleep in the background and wait for it, so a trapped signal is handled at once
# (bash runs traps only after a foreground child returns).
nap() {
	sleep "$1" &
	wait $! || true
}

# slurm_state JOBID: the job's state as squeue shows it (PENDING, RUNNING, ...); empty once the job
# has left the queue; UNKNOWN when squeue itself fails (controller busy), which callers treat as
# still alive. Lists only our own jobs: `squeue --jobs` fails for a purged job id, so its status
# cannot tell "gone" from "squeue failed".
slurm_state() {
	local out
	if ! out=$(squeue --noheader --user "$(id -un)" --format '%i %T' 2>/dev/null); then
		echo UNKNOWN
		return 0
	fi
	awk -v id="$1" '$1 == id { print $2 }' <<<"$out"
}

# slurm_alive JOBID: the job is queued or running (not gone, not completing).
slurm_alive() {
	case "$(slurm_state "$1")" in
	"" | COMPLETING | COMPLETED | CANCELLED | FAILED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | PREEMPTED) return 1 ;;
	*) return 0 ;;
	esac
}

# slurm_cancel JOBID: cancel the job; used from traps, so it never fails.
slurm_cancel() {
	if [[ -n "${1:-}" ]]; then
		log "cancelling Slurm job $1"
		scancel "$1" 2>/dev/null || true
	fi
}

# slurm_wait_for_file JOBID FILE: block until FILE exists and is non-empty; exit 1 if the job
# ends first. No timeout of its own: the executor's health timeout bounds the whole start-up.
slurm_wait_for_file() {
	local job=$1 file=$2
	until [[ -s "$file" ]]; do
		slurm_alive "$job" || die "Slurm job $job ended before $file appeared"
		nap 5
	done
}

# slurm_wait_for_model JOBID BASE_URL MODEL: block until the frontend lists MODEL in /v1/models
# (workers registered, not merely the HTTP listener up); exit 1 if the job ends first.
slurm_wait_for_model() {
	local job=$1 url=$2 served=$3
	until curl -fsS --max-time 5 "$url/v1/models" 2>/dev/null | grep -qF "\"$served\""; do
		slurm_alive "$job" || die "Slurm job $job ended before $url served $served"
		nap 10
	done
}

# slurm_supervise JOBID: stay in the foreground while the job runs; the job ending on its own is a
# failure. Stopping (SIGTERM/SIGINT) is handled by the caller's traps (see mn_deploy).
slurm_supervise() {
	local job=$1
	while slurm_alive "$job"; do
		nap 10
	done
	die "Slurm job $job ended while the deployment was in use"
}

# mn_require: the variables every multi-node recipe needs (executor-spec 2.2), checked.
mn_require() {
	require_env MODEL IMAGE PORT RESULT_DIR RUNNER_NAME HF_HUB_CACHE MAX_MODEL_LEN SPEC_DECODING \
		CONC_LIST PREFILL_NUM_WORKERS PREFILL_TP PREFILL_EP PREFILL_DP_ATTN \
		DECODE_NUM_WORKERS DECODE_TP DECODE_EP DECODE_DP_ATTN
	require_int PREFILL_NUM_WORKERS PREFILL_TP PREFILL_EP DECODE_NUM_WORKERS DECODE_TP DECODE_EP
}

# max_conc: the largest value of CONC_LIST (space-separated ints).
max_conc() {
	local c max=1
	for c in $CONC_LIST; do
		if ((c > max)); then
			max=$c
		fi
	done
	echo "$max"
}

# mn_deploy SBATCH_SCRIPT NODES: submit the deployment as one Slurm job named after this node (so
# the executor's start-up cleanup finds a leftover one), wait until its frontend lists MODEL, write
# deployment.env, then stay in the foreground. SIGTERM/SIGINT exit 0; any exit cancels the job.
# Needs DEPLOY_DIR (shared file system) and GPUS_PER_NODE; the job inherits this environment.
# Partition, account and time limit: sbatch reads SBATCH_PARTITION, SBATCH_ACCOUNT and
# SBATCH_TIMELIMIT from the environment (node profile `env`).
mn_deploy() {
	local script=$1 nodes=$2 job=""
	trap 'slurm_cancel "$job"' EXIT
	trap 'exit 0' TERM INT
	job=$(sbatch --parsable --job-name="$RUNNER_NAME" --nodes="$nodes" --exclusive \
		--gres="gpu:$GPUS_PER_NODE" --output="$DEPLOY_DIR/slurm-%j.out" --export=ALL "$script")
	job=${job%%;*} # --parsable prints "id[;cluster]"
	log "submitted Slurm job $job: $nodes nodes, prefill ${PREFILL_NUM_WORKERS}x tp$PREFILL_TP, decode ${DECODE_NUM_WORKERS}x tp$DECODE_TP"
	slurm_wait_for_file "$job" "$DEPLOY_DIR/frontend_host"
	local host base_url
	host=$(<"$DEPLOY_DIR/frontend_host")
	base_url="http://$host:$PORT"
	slurm_wait_for_model "$job" "$base_url" "$MODEL"
	# tp is the GPU count of one worker, with or without DP attention and EP inside it.
	write_deployment_env "$base_url" $((PREFILL_NUM_WORKERS * PREFILL_TP)) \
		$((DECODE_NUM_WORKERS * DECODE_TP)) "$MODEL"
	slurm_supervise "$job"
}
