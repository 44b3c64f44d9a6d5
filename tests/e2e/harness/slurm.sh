#!/usr/bin/env bash
# tests/e2e/harness/slurm.sh: a one-node Slurm cluster (slurmctld + slurmd + munged) on localhost,
# for end-to-end tests of the `slurm` launcher. Debian 12 (slurm-wlm 22.05, munge 0.5.15), as root.
#
#   . tests/e2e/harness/slurm.sh       defines the slurm_* functions, changes no shell option
#   bash slurm.sh selftest             install if missing, start, allocate, run a step, cancel,
#                                      refuse an impossible request, teardown (exit 0, 1, or 77 = skip)
#   bash slurm.sh FUNCTION ARGS...     runs slurm_FUNCTION (e.g. `setup` in one process, then
#                                      `. DIR/env.sh` and `teardown` in another: CTest fixtures)
#
# Functions (0 = success; messages on stderr, results on stdout):
#   slurm_install                  apt-get install only the packages that are missing (idempotent)
#   slurm_available                0 if the daemons can run here, else 1 with SLURM_SKIP_REASON set
#   slurm_setup [DIR]              private state dir (mktemp -d unless DIR): munge key, slurm.conf
#                                  with this host's CPUs and memory, free ports; exports SLURM_CONF
#                                  INFBENCH_SLURM_DIR INFBENCH_SLURM_NODE INFBENCH_SLURM_PARTITION
#                                  INFBENCH_SLURM_CPUS INFBENCH_SLURM_MEM_MB; writes DIR/env.sh
#   slurm_attach DIR               export the same variables for a DIR set up by another process
#   slurm_start                    munged, slurmctld, slurmd (each a no-op when already running)
#   slurm_wait_ready [SECONDS]     until the node is idle (default 30 s); fails at once if a
#                                  daemon died, printing its log
#   slurm_teardown                 cancel every job, stop the daemons (SIGKILL after 10 s), stop
#                                  job steps and salloc/srun clients of this cluster, delete the
#                                  state dir; idempotent
#   slurm_leftovers DIR            what a teardown of DIR left, one a line (nothing = clean)
#   slurm_selftest                 the selftest (counts into SELFTEST_PASS / SELFTEST_FAIL)
#
# The cluster: node $INFBENCH_SLURM_NODE (= hostname -s, NodeAddr 127.0.0.1), partition `debug`
# (default, MaxTime infinite), CPUs = nproc, RealMemory = 90% of MemTotal, no GRES (a `--gres=gpu:N`
# request is refused at submit). EnforcePartLimits=ALL: an impossible request (too many nodes or
# CPUs) fails at once ("Job submit/allocate failed: ...") instead of pending forever.
# Notes for callers (seen on Debian 12):
#   - `salloc --no-shell` returns at once and the allocation lives until scancel (MaxTime infinite);
#     run steps with `srun --jobid=ID --overlap`.
#   - `salloc CMD` without `--kill-command`: after scancel salloc waits for CMD to end by itself;
#     with `--kill-command=TERM` CMD gets SIGTERM at once.
#   - daemons take 1-2 s to stop; slurm_teardown waits for them.
#   - harmless log noise: "can not load PMIx library", "xcpuinfo_hwloc_topo_load", "Could not open
#     ... state file" on a fresh StateSaveLocation.
# Knobs: SLURM_HARNESS_CPUS (default nproc).

# shellcheck disable=SC2015 # `A && st_ok || st_fail`: st_ok always succeeds
# shellcheck disable=SC2120,SC2119 # slurm_setup's DIR is optional

SLURM_PACKAGES=(slurmctld slurmd slurm-client munge)

# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

slurm_install() {
	infbench_apt_install slurm_install "${SLURM_PACKAGES[@]}"
}

slurm_available() {
	SLURM_SKIP_REASON=
	local c
	if [ "$(uname -s)" != Linux ]; then
		SLURM_SKIP_REASON="not Linux"
	elif [ "$(id -u)" -ne 0 ]; then
		SLURM_SKIP_REASON="needs root (SlurmUser=root)"
	fi
	if [ -z "$SLURM_SKIP_REASON" ]; then
		for c in slurmctld slurmd munged srun salloc squeue scancel sinfo scontrol; do
			command -v "$c" >/dev/null || { SLURM_SKIP_REASON="$c not installed (slurm_install)"; break; }
		done
	fi
	if [ -z "$SLURM_SKIP_REASON" ] && [ -z "$(hostname -s 2>/dev/null)" ]; then
		SLURM_SKIP_REASON="no host name"
	fi
	[ -z "$SLURM_SKIP_REASON" ]
}

slurm_setup() {
	local d=${1:-} node cpus mem ctld_port slurmd_port
	if [ -z "$d" ]; then
		d=$(mktemp -d /tmp/infbench-slurm.XXXXXX) || return 1
	fi
	node=$(hostname -s)
	cpus=${SLURM_HARNESS_CPUS:-$(nproc)}
	mem=$(awk '/^MemTotal:/ { print int($2 / 1024 * 0.9) }' /proc/meminfo) # MB; default would be 1
	ctld_port=$(infbench_free_port) || return 1
	until slurmd_port=$(infbench_free_port) && [ "$slurmd_port" != "$ctld_port" ]; do :; done
	mkdir -p "$d/state" "$d/spool/slurmd-$node" "$d/log" "$d/run" "$d/munge" || return 1
	# munged: "Socket is inaccessible: execute permissions for all required" on a 0700 dir
	chmod 755 "$d" "$d/munge"
	if [ ! -f "$d/munge/munge.key" ]; then
		mungekey --create --keyfile="$d/munge/munge.key" --bits=1024 >/dev/null 2>&1 \
			|| dd if=/dev/urandom of="$d/munge/munge.key" bs=128 count=1 2>/dev/null || return 1
	fi
	chmod 400 "$d/munge/munge.key"
	cat >"$d/slurm.conf" <<EOF
# written by tests/e2e/harness/slurm.sh: everything private to $d
ClusterName=infbench
SlurmctldHost=${node}(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# the private munged, for daemons and clients
AuthInfo=socket=$d/munge/munge.sock
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool/slurmd-%n
SlurmctldPidFile=$d/run/slurmctld.pid
SlurmdPidFile=$d/run/slurmd-%n.pid
SlurmctldLogFile=$d/log/slurmctld.log
SlurmdLogFile=$d/log/slurmd-%n.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=2
MinJobAge=2
Waittime=0
# refuse impossible requests at submit instead of leaving them PENDING (PartitionNodeLimit)
EnforcePartLimits=ALL
NodeName=${node} NodeAddr=127.0.0.1 CPUs=${cpus} RealMemory=${mem} State=UNKNOWN
PartitionName=debug Nodes=${node} Default=YES MaxTime=INFINITE State=UP
EOF
	cat >"$d/env.sh" <<EOF
export SLURM_CONF='$d/slurm.conf'
export INFBENCH_SLURM_DIR='$d'
export INFBENCH_SLURM_NODE='$node'
export INFBENCH_SLURM_PARTITION=debug
export INFBENCH_SLURM_CPUS=$cpus
export INFBENCH_SLURM_MEM_MB=$mem
EOF
	slurm_attach "$d"
	if [ "${BASH_SOURCE[0]}" = "$0" ]; then echo "$d"; fi # CLI: tell the caller where it is
	return 0
}

slurm_attach() {
	[ -f "${1:-}/env.sh" ] || { echo "slurm_attach: no env.sh in '${1:-}'" >&2; return 1; }
	# shellcheck source=/dev/null
	. "$1/env.sh"
}

# _slurm_pid NAME: PID of our running daemon NAME (munged, slurmctld, slurmd), else fail.
_slurm_pid() {
	local f pid
	case $1 in
	munged) f=$INFBENCH_SLURM_DIR/munge/munged.pid ;;
	*) f=$INFBENCH_SLURM_DIR/run/$1.fg.pid ;;
	esac
	[ -f "$f" ] || return 1
	pid=$(cat "$f")
	[ -n "$pid" ] && infbench_alive "$pid" && echo "$pid"
}

slurm_start() {
	local d=${INFBENCH_SLURM_DIR:-}
	[ -n "$d" ] && [ -d "$d" ] || { echo "slurm_start: slurm_setup first" >&2; return 1; }
	if ! _slurm_pid munged >/dev/null; then
		# forks into the background, PID in munged.pid
		munged --key-file="$d/munge/munge.key" --socket="$d/munge/munge.sock" \
			--pid-file="$d/munge/munged.pid" --log-file="$d/munge/munged.log" \
			--seed-file="$d/munge/munged.seed" </dev/null >>"$d/log/munged.out" 2>&1 || {
			echo "slurm_start: munged failed:" >&2
			tail -5 "$d/log/munged.out" "$d/munge/munged.log" >&2 2>/dev/null
			return 1
		}
	fi
	# foreground daemons in their own session, off the caller's pipes (CTest waits for them)
	if ! _slurm_pid slurmctld >/dev/null; then
		setsid slurmctld -D -i </dev/null >>"$d/log/slurmctld.out" 2>&1 & # -i: no state files yet
		echo $! >"$d/run/slurmctld.fg.pid"
	fi
	if ! _slurm_pid slurmd >/dev/null; then
		setsid slurmd -D -N "$INFBENCH_SLURM_NODE" </dev/null >>"$d/log/slurmd.out" 2>&1 &
		echo $! >"$d/run/slurmd.fg.pid"
	fi
	return 0
}

slurm_wait_ready() {
	local secs=${1:-30} i st p
	[ -n "${INFBENCH_SLURM_DIR:-}" ] || { echo "slurm_wait_ready: slurm_setup first" >&2; return 1; }
	for ((i = 0; i < secs * 20; i++)); do
		st=$(sinfo -h -n "$INFBENCH_SLURM_NODE" -o %T 2>/dev/null)
		[ "$st" = idle ] && return 0
		for p in munged slurmctld slurmd; do
			if ! _slurm_pid $p >/dev/null; then
				echo "slurm_wait_ready: $p exited; logs:" >&2
				tail -10 "$INFBENCH_SLURM_DIR"/log/*.out "$INFBENCH_SLURM_DIR"/log/*.log >&2 2>/dev/null
				return 1
			fi
		done
		sleep 0.05
	done
	echo "slurm_wait_ready: node not idle after ${secs}s (state '$st'); logs:" >&2
	tail -10 "$INFBENCH_SLURM_DIR"/log/*.out "$INFBENCH_SLURM_DIR"/log/*.log >&2 2>/dev/null
	return 1
}

# _slurm_strays DIR: processes of this cluster besides the daemons: job steps (slurmstepd and the
# tasks, which carry SLURM_JOB_ID and our SLURM_CONF), salloc/srun/sbatch clients, slurmscriptd.
_slurm_strays() {
	local d=$1 p pid env
	infbench_pids_of "$d" munged slurmctld slurmd slurmstepd slurmscriptd salloc srun sbatch
	for p in /proc/[0-9]*; do
		pid=${p#/proc/}
		[ "$pid" = "$$" ] || [ "$pid" = "${BASHPID:-}" ] && continue
		env=$(tr '\0' '\n' 2>/dev/null <"$p/environ") || continue
		case $env in *"SLURM_CONF=$d/slurm.conf"*) ;; *) continue ;; esac
		case $env in *SLURM_JOB_ID=*) echo "$pid" ;; esac
	done | sort -un
}

slurm_teardown() {
	local d=${INFBENCH_SLURM_DIR:-} i p pid
	if [ -n "$d" ] && [ -d "$d" ]; then
		if _slurm_pid slurmctld >/dev/null; then
			scancel --quiet --full --partition=debug 2>/dev/null
			# shutting down while jobs are COMPLETING keeps slurmctld alive ~9 s: let them finish
			for ((i = 0; i < 100; i++)); do
				[ -z "$(squeue -h -o %i 2>/dev/null)" ] && break
				sleep 0.05
			done
			scontrol shutdown 2>/dev/null # stops slurmctld and slurmd
		fi
		for p in slurmd slurmctld; do
			pid=$(_slurm_pid $p) || continue
			for ((i = 0; i < 200; i++)); do infbench_alive "$pid" || break; sleep 0.05; done
			infbench_stop_pid "$pid" 5
			wait "$pid" 2>/dev/null
		done
		pid=$(_slurm_pid munged) && infbench_stop_pid "$pid" 5
		for pid in $(_slurm_strays "$d"); do infbench_stop_pid "$pid" 2; done
		rm -rf "$d"
	fi
	unset SLURM_CONF INFBENCH_SLURM_DIR INFBENCH_SLURM_NODE INFBENCH_SLURM_PARTITION \
		INFBENCH_SLURM_CPUS INFBENCH_SLURM_MEM_MB
	return 0
}

slurm_leftovers() {
	local d=${1:?slurm_leftovers DIR} pid
	for pid in $(_slurm_strays "$d"); do
		echo "process $pid: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-120)"
	done
	[ -e "$d" ] && echo "dir $d"
	return 0
}

# ---------------------------------------------------------------- selftest

# _slurm_st_gone NAME SECONDS: until no job named NAME is pending or running.
_slurm_st_gone() {
	local i
	for ((i = 0; i < $2 * 20; i++)); do
		[ -z "$(squeue -h --name="$1" -t PENDING,RUNNING,CONFIGURING -o %i 2>/dev/null)" ] && return 0
		sleep 0.05
	done
	return 1
}

# slurm_selftest: the whole cycle; tears down whatever happens. SLURM_SELFTEST_DIR = its state dir.
slurm_selftest() {
	local rc
	_slurm_selftest
	rc=$?
	slurm_teardown
	return $rc
}

_slurm_selftest() {
	local t d out rc jid pids sp i cpus
	[ -n "${SELFTEST_SKIPS+x}" ] || SELFTEST_SKIPS=()
	echo "# slurm"
	t=$(infbench_now)
	if [ "$(id -u)" -eq 0 ] && ! slurm_install; then
		st_fail "slurm_install" "apt-get failed"
	fi
	if ! slurm_available; then
		st_skip "slurm: $SLURM_SKIP_REASON"
		return 77
	fi
	st_ok "packages present ($(infbench_ms "$t") ms)"

	slurm_setup >/dev/null || { st_fail "slurm_setup"; return 1; }
	d=$INFBENCH_SLURM_DIR
	# shellcheck disable=SC2034 # read by selftest.sh
	SLURM_SELFTEST_DIR=$d
	cpus=$INFBENCH_SLURM_CPUS
	t=$(infbench_now)
	if slurm_start && slurm_wait_ready 30; then
		st_ok "munged + slurmctld + slurmd start -> node idle ($(infbench_ms "$t") ms)"
	else
		st_fail "slurm start/ready"
		return 1
	fi
	pids="$(_slurm_pid munged) $(_slurm_pid slurmctld) $(_slurm_pid slurmd)"
	slurm_start
	if [ "$pids" = "$(_slurm_pid munged) $(_slurm_pid slurmctld) $(_slurm_pid slurmd)" ] \
		&& [ "$(infbench_pids_of "$d" munged | wc -l)" -eq 1 ]; then
		st_ok "second slurm_start is a no-op"
	else
		st_fail "second slurm_start" "daemons changed"
	fi
	out=$(sinfo -h -N -o '%N %P %T %c')
	[ "$out" = "$INFBENCH_SLURM_NODE debug* idle $cpus" ] && st_ok "sinfo: $out" || st_fail "sinfo" "$out"

	# allocation without a shell, a step in it, cancel
	t=$(infbench_now)
	out=$(salloc --no-shell -J selftest -N1 2>&1)
	rc=$?
	jid=$(printf '%s' "$out" | sed -n 's/.*Granted job allocation \([0-9][0-9]*\).*/\1/p')
	if [ $rc -eq 0 ] && [ -n "$jid" ]; then
		st_ok "salloc --no-shell -J selftest -N1: job $jid ($(infbench_ms "$t") ms)"
	else
		st_fail "salloc --no-shell" "rc $rc: $out"
		return 1
	fi
	out=$(squeue -h --name=selftest -o '%i %j %T %N')
	[ "$out" = "$jid selftest RUNNING $INFBENCH_SLURM_NODE" ] && st_ok "squeue: $out" || st_fail "squeue" "'$out'"
	t=$(infbench_now)
	# shellcheck disable=SC2016 # expanded by the step's shell
	if srun --jobid="$jid" --overlap -N1 sh -c 'echo "$SLURM_JOB_ID $(hostname -s)" > "$0"' "$d/step.out" 2>&1 \
		&& [ "$(cat "$d/step.out" 2>/dev/null)" = "$jid $INFBENCH_SLURM_NODE" ]; then
		st_ok "srun --jobid=$jid --overlap wrote a file ($(infbench_ms "$t") ms)"
	else
		st_fail "srun --jobid step" "file: '$(cat "$d/step.out" 2>/dev/null)'"
	fi
	t=$(infbench_now)
	if scancel "$jid" && _slurm_st_gone selftest 10; then
		st_ok "scancel $jid -> job gone from the queue ($(infbench_ms "$t") ms)"
	else
		st_fail "scancel" "$(squeue -h --name=selftest)"
	fi

	# salloc running a command: --kill-command=TERM ends it when the job is cancelled
	salloc -N1 -J selftest-kc --kill-command=TERM sleep 60 >"$d/salloc-kc.out" 2>&1 &
	sp=$!
	for ((i = 0; i < 200; i++)); do
		[ -n "$(squeue -h --name=selftest-kc -t RUNNING -o %i)" ] && break
		sleep 0.05
	done
	t=$(infbench_now)
	scancel --name=selftest-kc
	for ((i = 0; i < 100; i++)); do kill -0 "$sp" 2>/dev/null || break; sleep 0.05; done
	if ! kill -0 "$sp" 2>/dev/null; then
		wait "$sp"
		rc=$?
		st_ok "salloc --kill-command=TERM CMD: exits after scancel ($(infbench_ms "$t") ms, rc $rc)"
	else
		st_fail "salloc --kill-command=TERM" "still running 5 s after scancel: $(cat "$d/salloc-kc.out")"
		kill "$sp" 2>/dev/null
		wait "$sp" 2>/dev/null
	fi

	# impossible requests fail at once (EnforcePartLimits=ALL); --immediate and timeout: never hang
	t=$(infbench_now)
	out=$(timeout 30 salloc --no-shell --immediate=10 -J selftest-big -N1 -n $((cpus + 1)) 2>&1)
	rc=$?
	if [ $rc -ne 0 ] && [ $rc -ne 124 ] && [ "$(infbench_ms "$t")" -lt 3000 ] && printf '%s' "$out" | grep -q 'error'; then
		st_ok "salloc -n $((cpus + 1)) on $cpus CPUs fails fast ($(infbench_ms "$t") ms): $(printf '%s' "$out" | grep error | head -1)"
	else
		st_fail "impossible salloc -n $((cpus + 1))" "rc $rc after $(infbench_ms "$t") ms: $out"
	fi
	t=$(infbench_now)
	out=$(timeout 30 salloc --no-shell --immediate=10 -J selftest-big -N2 2>&1)
	rc=$?
	if [ $rc -ne 0 ] && [ $rc -ne 124 ] && [ "$(infbench_ms "$t")" -lt 3000 ] && printf '%s' "$out" | grep -q 'error'; then
		st_ok "salloc -N2 on one node fails fast ($(infbench_ms "$t") ms): $(printf '%s' "$out" | grep error | head -1)"
	else
		st_fail "impossible salloc -N2" "rc $rc after $(infbench_ms "$t") ms: $out"
	fi
	_slurm_st_gone selftest-big 1 || st_fail "impossible requests left jobs" "$(squeue -h)"

	# teardown with a job holding the node and a step running in it
	jid=$(salloc --no-shell -J selftest-left -N1 2>&1 | sed -n 's/.*Granted job allocation \([0-9][0-9]*\).*/\1/p')
	srun --jobid="$jid" --overlap -N1 sleep 300 >/dev/null 2>&1 &
	sp=$!
	for ((i = 0; i < 100; i++)); do
		[ -n "$(squeue -h -s -j "$jid" -o %i 2>/dev/null)" ] && break
		sleep 0.05
	done
	[ -n "$(squeue -h -s -j "$jid" -o %i 2>/dev/null)" ] || st_fail "step of job ${jid:-?} running before the teardown"
	t=$(infbench_now)
	slurm_teardown
	st_ok "teardown with a job and a step running ($(infbench_ms "$t") ms)"
	wait "$sp" 2>/dev/null
	t=$(infbench_now)
	slurm_teardown && st_ok "second teardown ($(infbench_ms "$t") ms)" || st_fail "second teardown"
	out=$(slurm_leftovers "$d")
	[ -z "$out" ] && st_ok "nothing left (daemons, steps, clients, $d)" || st_fail "leftovers" "$out"
	[ -z "${SLURM_CONF:-}${INFBENCH_SLURM_DIR:-}" ] && st_ok "environment unset" || st_fail "environment unset"
	return 0
}

# ---------------------------------------------------------------- command line

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	infbench_harness_main slurm "$0" "$@"
fi
