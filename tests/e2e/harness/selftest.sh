#!/usr/bin/env bash
# tests/e2e/harness/selftest.sh: end-to-end check of the e2e harness on this machine, as root.
#   podman: install if missing, private service, build and import the simserver image, run the
#           sim recipe in a container (host network, repo at /workspace), health, stop, remove
#           by label, teardown;
#   slurm:  install if missing, one-node cluster, salloc --no-shell, srun --jobid, scancel,
#           impossible requests fail fast, teardown;
# then a leftover check: no podman/conmon/runc/slurmctld/slurmd/slurmstepd/munged process that was
# not there before, nothing mounted under the state dirs, no global podman state we created.
# Prints "N passed, N failed"; exit 0, 1 on any failure, 77 (after "SKIPPED: reason") when a
# component cannot run here.
# shellcheck disable=SC2015 # `A && st_ok || st_fail`: st_ok always succeeds
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=podman.sh
. "$here/podman.sh"
# shellcheck source=slurm.sh
. "$here/slurm.sh"

SELFTEST_PASS=0 SELFTEST_FAIL=0 SELFTEST_SKIPS=()
PODMAN_SELFTEST_DIR='' SLURM_SELFTEST_DIR=''
WATCHED='podman conmon runc catatonit slurmctld slurmd slurmstepd slurmscriptd munged salloc srun'
GLOBAL_PATHS='/var/lib/containers /run/libpod /run/containers /dev/shm/libpod_lock /var/lib/cni'

# _procs: "PID COMM" of the watched process names.
_procs() {
	local p comm
	for p in /proc/[0-9]*; do
		comm=$(cat "$p/comm" 2>/dev/null) || continue
		case " $WATCHED " in *" $comm "*) ;; *) continue ;; esac
		infbench_alive "${p#/proc/}" && echo "${p#/proc/} $comm" # a zombie waits for PID 1 to reap it
	done
	return 0
}
_globals() {
	local g
	for g in $GLOBAL_PATHS /sys/fs/cgroup/*/libpod_parent /sys/fs/cgroup/libpod_parent; do
		[ -e "$g" ] && echo "$g"
	done
	return 0
}

trap 'podman_teardown; slurm_teardown; echo "interrupted"; exit 130' INT TERM
procs_before=$(_procs)
globals_before=$(_globals)
t_all=$(infbench_now)

podman_selftest
slurm_selftest

echo "# leftovers"
new=$(comm -13 <(echo "$procs_before" | sort) <(_procs | sort))
[ -z "$new" ] && st_ok "no new $WATCHED process" || st_fail "processes left" "$(echo "$new" | tr '\n' ' ')"
for d in $PODMAN_SELFTEST_DIR $SLURM_SELFTEST_DIR; do
	out=$(infbench_mounts_under "$d"; [ -e "$d" ] && echo "dir exists")
	[ -z "$out" ] && st_ok "nothing mounted under $d, dir gone" || st_fail "leftovers of $d" "$out"
done
new=$(comm -13 <(echo "$globals_before" | sort) <(_globals | sort))
[ -z "$new" ] && st_ok "no global podman state created (/var/lib/containers, /run/libpod, libpod_parent cgroups, ...)" \
	|| st_fail "global state created" "$(echo "$new" | tr '\n' ' ')"
echo "# total $(infbench_ms "$t_all") ms"
st_summary
