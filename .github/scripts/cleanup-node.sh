#!/usr/bin/env bash
# cleanup-node.sh: the last step of a benchmark job, run whatever happened (success, failure,
# cancellation). The executor stops and removes what it started itself (executor-spec 3.5), but
# a cancelled job gives it SIGINT, then SIGTERM and SIGKILL a few seconds later, sooner than its
# 30 s stop grace: so this finishes the job. Best effort: each part runs, the step never fails.
#   1. the executor, if still running: SIGTERM, up to 45 s, then SIGKILL;
#   2. Slurm jobs named after this node (the executor names its allocations so);
#   3. containers labelled with this node (label key: NODE_LABEL_KEY);
#   4. the build and results directories (results are uploaded by then).
# Processes started directly on the node (local launcher) are ended by the runner itself at the
# end of the job (it tracks them through RUNNER_TRACKING_ID).
set -uo pipefail
node=${RUNNER_NAME:-}
label_key=${NODE_LABEL_KEY:-infbench.node}

pidfile="${RUNNER_TEMP:-/tmp}/executor.pid"
if [ -f "$pidfile" ]; then
	pid=$(cat "$pidfile")
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		echo "cleanup: executor $pid still running; SIGTERM"
		kill -TERM "$pid" 2>/dev/null
		for _ in $(seq 45); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 1
		done
		kill -0 "$pid" 2>/dev/null && { echo "cleanup: SIGKILL $pid"; kill -KILL "$pid" 2>/dev/null; }
	fi
	rm -f "$pidfile"
fi

if [ -n "$node" ] && command -v squeue >/dev/null 2>&1 && command -v scancel >/dev/null 2>&1; then
	mapfile -t jobs < <(squeue -h -u "$(id -un)" -n "$node" -o %i 2>/dev/null)
	if [ ${#jobs[@]} -gt 0 ]; then
		echo "cleanup: scancel ${jobs[*]} (Slurm jobs named $node)"
		scancel "${jobs[@]}" || echo "::warning::scancel failed for ${jobs[*]}"
	fi
fi

if [ -n "$node" ] && command -v docker >/dev/null 2>&1; then
	mapfile -t ids < <(docker ps -aq --filter "label=$label_key=$node" 2>/dev/null)
	if [ ${#ids[@]} -gt 0 ]; then
		echo "cleanup: removing containers ${ids[*]} (label $label_key=$node)"
		docker rm -f "${ids[@]}" >/dev/null || echo "::warning::could not remove containers ${ids[*]}"
	fi
fi

for d in "${BUILD_DIR:-}" "${RESULTS:-}"; do
	if [ -z "$d" ] || [ ! -d "$d" ]; then continue; fi
	rm -rf -- "$d" 2>/dev/null || sudo -n rm -rf -- "$d" 2>/dev/null ||
		echo "::warning::could not remove $d"
done
exit 0
