#!/usr/bin/env bash
# tests/e2e/harness/podman.sh: a private Podman service with the Docker-compatible REST API, for
# end-to-end tests of the `docker` launcher. Debian 12 (podman 4.3.1), as root, no registry.
#
#   . tests/e2e/harness/podman.sh      defines the podman_* functions, changes no shell option
#   bash podman.sh selftest            install if missing, start, import the simserver image, run a
#                                      container, stop, remove, teardown (exit 0, 1, or 77 = skip)
#   bash podman.sh FUNCTION ARGS...    runs podman_FUNCTION (e.g. `setup` in one process, then
#                                      `. DIR/env.sh` and `teardown` in another: CTest fixtures)
#
# Functions (0 = success; messages on stderr, results on stdout):
#   podman_install                 apt-get install only the packages that are missing (idempotent)
#   podman_available               0 if the service can run here, else 1 with PODMAN_SKIP_REASON set
#   podman_setup [DIR]             private state dir (mktemp -d unless DIR), containers.conf and
#                                  storage.conf; exports INFBENCH_PODMAN_DIR PODMAN_API_SOCK DOCKER_HOST
#                                  CONTAINERS_CONF CONTAINERS_STORAGE_CONF; writes DIR/env.sh
#   podman_attach DIR              export the same variables for a DIR set up by another process
#   podman_start                   start `podman system service` on the socket (no-op if running)
#   podman_wait_ready [SECONDS]    until GET /_ping answers OK (default 30 s); fails at once if the
#                                  service died, printing its log
#   podman_api METHOD PATH [CURL ARGS...]   one API call, body on stdout
#   podman_import_image TAG TAR    import a root filesystem tarball as TAG (fully qualified, e.g.
#                                  localhost/simserver:latest); prints the image id
#   podman_list_labeled L=V        ids of all containers (any state) carrying label L=V, one a line
#   podman_remove_labeled L=V      force-remove them
#   podman_teardown                stop the service and every container, `podman system reset` on the
#                                  private store, lazy-unmount leftovers, delete the state dir and
#                                  the empty libpod_parent cgroups; idempotent
#   podman_leftovers DIR           what a teardown of DIR left, one a line (nothing = clean)
#   podman_selftest                the selftest (counts into SELFTEST_PASS / SELFTEST_FAIL)
#
# Pitfalls handled (details: the project's notes on real components):
#   - crun refuses hybrid cgroup v1+v2 hosts: runtime = runc.
#   - no systemd: cgroup_manager = cgroupfs, events_logger = file.
#   - root may lack CAP_SYS_RESOURCE: podman's default ulimits exceed the hard limits and runc fails
#     (`error setting rlimits`); default_ulimits pinned to nofile <= hard -n and
#     nproc <= min(hard -u, kernel.pid_max), computed at setup.
#   - everything private: graphroot, runroot, tmp_dir, lock files, CNI dir, events log, image copy
#     tmp dir and the service's TMPDIR are under the state dir; nothing global is configured.
#   - the overlay store bind-mounts itself: teardown runs `podman system reset --force` on the
#     private store, then `umount -l` anything still mounted under the state dir.
#   - a failed pull or import answers HTTP 200 with {"error":...} in the body: checked.
#   - `&tag=` is ignored on import and unqualified names get docker.io/library/: TAG must contain '/'.
#   - podman 4.3 always writes /var/lib/containers/cache/blob-info-cache-v1.boltdb: teardown removes
#     /var/lib/containers only when it did not exist before setup and holds nothing else.
# Notes for callers: the service runs in its own session (setsid), so it outlives a killed test:
# always tear down. PID 1 of a container must handle SIGTERM (the sim recipes `exec` simserver,
# which does) or stop?t=N waits N s and SIGKILLs (exit 137); HostConfig.Init=true (catatonit) also
# works. Do not send ShmSize with IpcMode=host (HTTP 500).
#
# Knobs: PODMAN_STORAGE_DRIVER=overlay|vfs (default overlay when the kernel has it, else vfs).

# shellcheck disable=SC2015 # `A && st_ok || st_fail`: st_ok always succeeds
# shellcheck disable=SC2120,SC2119 # podman_setup's DIR is optional

PODMAN_PACKAGES=(podman runc conmon catatonit curl busybox-static bash-static)
PODMAN_API_VERSION=v1.41

# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# _podman_hard OPT DEFAULT: `ulimit -H OPT` as a number (DEFAULT for unlimited).
_podman_hard() {
	local v
	v=$(ulimit -H "$1")
	[ "$v" = unlimited ] && v=$2
	echo "$v"
}

# _podman_urlencode STRING
_podman_urlencode() {
	local s=$1 out='' c i
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case $c in
		[A-Za-z0-9._~/:-]) out+=$c ;;
		*) out+=$(printf '%%%02X' "'$c") ;;
		esac
	done
	echo "$out"
}

# ---------------------------------------------------------------- install, availability

podman_install() {
	infbench_apt_install podman_install "${PODMAN_PACKAGES[@]}"
}

# podman_available: the rootful service can run on this machine. Sets PODMAN_SKIP_REASON.
podman_available() {
	PODMAN_SKIP_REASON=
	local c probe cg
	if [ "$(uname -s)" != Linux ]; then
		PODMAN_SKIP_REASON="not Linux"
	elif [ "$(id -u)" -ne 0 ]; then
		PODMAN_SKIP_REASON="needs root (rootful podman)"
	fi
	if [ -z "$PODMAN_SKIP_REASON" ]; then
		for c in podman runc conmon curl; do
			command -v "$c" >/dev/null || { PODMAN_SKIP_REASON="$c not installed (podman_install)"; break; }
		done
	fi
	if [ -z "$PODMAN_SKIP_REASON" ] && ! unshare --mount --pid --ipc --uts --fork true 2>/dev/null; then
		PODMAN_SKIP_REASON="cannot create namespaces (unshare failed)"
	fi
	if [ -z "$PODMAN_SKIP_REASON" ]; then
		# cgroupfs manager: podman creates libpod_parent under the cgroup roots
		if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
			cg=/sys/fs/cgroup
		elif [ -d /sys/fs/cgroup/pids ]; then
			cg=/sys/fs/cgroup/pids
		else
			cg=$(awk '$3 == "cgroup" || $3 == "cgroup2" { print $2; exit }' /proc/mounts)
		fi
		probe=$cg/infbench-probe.$$
		if [ -z "$cg" ] || ! mkdir "$probe" 2>/dev/null; then
			PODMAN_SKIP_REASON="cgroups not writable (${cg:-no cgroup mount})"
		else
			rmdir "$probe"
		fi
	fi
	[ -z "$PODMAN_SKIP_REASON" ]
}

# ---------------------------------------------------------------- setup, start

podman_setup() {
	local d=${1:-} nofile nproc pidmax driver
	if [ -z "$d" ]; then
		d=$(mktemp -d /tmp/infbench-podman.XXXXXX) || return 1
	fi
	mkdir -p "$d/tmp" "$d/cni" "$d/root" "$d/run" || return 1
	chmod 755 "$d"
	nofile=$(_podman_hard -n 1048576)
	nproc=$(_podman_hard -u 4194304)
	pidmax=$(cat /proc/sys/kernel/pid_max 2>/dev/null || echo 32768)
	[ "$nproc" -gt "$pidmax" ] && nproc=$pidmax
	driver=${PODMAN_STORAGE_DRIVER:-}
	if [ -z "$driver" ]; then
		if grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null; then
			driver=overlay
		else
			driver=vfs
		fi
	fi
	cat >"$d/containers.conf" <<EOF
# written by tests/e2e/harness/podman.sh: everything private to $d
[containers]
log_driver = "k8s-file"
# no CAP_SYS_RESOURCE: podman's defaults (nofile 1048576, large nproc) make runc fail
# "error setting rlimits"; pinned within this host's hard limits (nproc also <= kernel.pid_max)
default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=${nproc}:${nproc}"]
[engine]
# no systemd on the test hosts
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$d/events.log"
# crun 1.8 refuses hybrid cgroup v1+v2 hosts ("cgroups in hybrid mode not supported"); runc works
runtime = "runc"
tmp_dir = "$d/tmp"
image_copy_tmp_dir = "$d/tmp"
static_dir = "$d/root/libpod"
volume_path = "$d/root/volumes"
# file locks under tmp_dir instead of the host-wide /dev/shm/libpod_lock
lock_type = "file"
[network]
network_config_dir = "$d/cni"
EOF
	cat >"$d/storage.conf" <<EOF
[storage]
driver = "$driver"
graphroot = "$d/root"
runroot = "$d/run"
EOF
	# did these global paths exist before us? (teardown removes what only we created)
	[ -e /var/lib/containers ] && echo 1 >"$d/had-var-lib-containers" || echo 0 >"$d/had-var-lib-containers"
	cat >"$d/env.sh" <<EOF
export INFBENCH_PODMAN_DIR='$d'
export PODMAN_API_SOCK='$d/podman.sock'
export DOCKER_HOST='unix://$d/podman.sock'
export CONTAINERS_CONF='$d/containers.conf'
export CONTAINERS_STORAGE_CONF='$d/storage.conf'
EOF
	podman_attach "$d"
	if [ "${BASH_SOURCE[0]}" = "$0" ]; then echo "$d"; fi # CLI: tell the caller where it is
	return 0
}

podman_attach() {
	[ -f "${1:-}/env.sh" ] || { echo "podman_attach: no env.sh in '${1:-}'" >&2; return 1; }
	# shellcheck source=/dev/null
	. "$1/env.sh"
}

_podman_service_pid() {
	local pid
	[ -f "${INFBENCH_PODMAN_DIR:-}/service.pid" ] || return 1
	pid=$(cat "$INFBENCH_PODMAN_DIR/service.pid")
	infbench_alive "$pid" && echo "$pid"
}

podman_start() {
	[ -n "${INFBENCH_PODMAN_DIR:-}" ] && [ -d "$INFBENCH_PODMAN_DIR" ] || { echo "podman_start: podman_setup first" >&2; return 1; }
	_podman_service_pid >/dev/null && return 0 # already running
	rm -f "$PODMAN_API_SOCK"
	# stdin/stdout/stderr off the caller's pipes (CTest waits for them to close); the service's own
	# temporary files (API uploads) go to the private tmp too.
	TMPDIR=$INFBENCH_PODMAN_DIR/tmp setsid podman --log-level=info system service --time=0 "unix://$PODMAN_API_SOCK" \
		</dev/null >>"$INFBENCH_PODMAN_DIR/service.log" 2>&1 &
	echo $! >"$INFBENCH_PODMAN_DIR/service.pid"
}

podman_api() {
	local m=$1 p=$2
	shift 2
	curl -sS --unix-socket "$PODMAN_API_SOCK" -X "$m" "$@" "http://d$p"
}

podman_wait_ready() {
	local secs=${1:-30} i
	[ -n "${PODMAN_API_SOCK:-}" ] || { echo "podman_wait_ready: podman_setup first" >&2; return 1; }
	for ((i = 0; i < secs * 20; i++)); do
		[ "$(curl -s --max-time 2 --unix-socket "$PODMAN_API_SOCK" http://d/_ping 2>/dev/null)" = OK ] && return 0
		if ! _podman_service_pid >/dev/null; then
			echo "podman_wait_ready: the service exited; its log:" >&2
			tail -20 "$INFBENCH_PODMAN_DIR/service.log" >&2
			return 1
		fi
		sleep 0.05
	done
	echo "podman_wait_ready: no answer on $PODMAN_API_SOCK after ${secs}s; log:" >&2
	tail -20 "$INFBENCH_PODMAN_DIR/service.log" >&2
	return 1
}

# ---------------------------------------------------------------- images, containers

podman_import_image() {
	local tag=${1:-} tar=${2:-} out code body id
	[ -n "$tag" ] && [ -f "$tar" ] || { echo "usage: podman_import_image TAG ROOTFS_TAR" >&2; return 2; }
	case $tag in
	*/*) ;;
	*)
		echo "podman_import_image: '$tag' must be fully qualified (e.g. localhost/$tag), else podman names it docker.io/library/$tag" >&2
		return 2
		;;
	esac
	case ${tag##*/} in *:*) ;; *) tag=$tag:latest ;; esac
	out=$(podman_api POST "/$PODMAN_API_VERSION/images/create?fromSrc=-&repo=$(_podman_urlencode "$tag")" \
		-H 'Content-Type: application/x-tar' --data-binary @"$tar" -w '\n%{http_code}') || {
		echo "podman_import_image: API call failed" >&2
		return 1
	}
	code=${out##*$'\n'}
	body=${out%$'\n'*}
	# a failed pull/import can still answer 200, with {"error":...} in the body
	if [ "$code" != 200 ] || printf '%s' "$body" | grep -q '"error"' \
		|| ! id=$(printf '%s' "$body" | grep -o '"id":"sha256:[0-9a-f]*"' | tail -1 | cut -d'"' -f4) \
		|| [ -z "$id" ]; then
		echo "podman_import_image: HTTP $code: $body" >&2
		return 1
	fi
	code=$(podman_api GET "/$PODMAN_API_VERSION/images/$(_podman_urlencode "$tag")/json" -o /dev/null -w '%{http_code}')
	[ "$code" = 200 ] || { echo "podman_import_image: $tag not found after import (HTTP $code)" >&2; return 1; }
	echo "$id"
}

podman_list_labeled() {
	local label=${1:-} out code
	[ -n "$label" ] || { echo "usage: podman_list_labeled LABEL[=VALUE]" >&2; return 2; }
	out=$(podman_api GET "/$PODMAN_API_VERSION/containers/json" -G --data-urlencode all=1 \
		--data-urlencode "filters={\"label\":[\"$label\"]}" -w '\n%{http_code}') || return 1
	code=${out##*$'\n'}
	[ "$code" = 200 ] || { echo "podman_list_labeled: HTTP $code: ${out%$'\n'*}" >&2; return 1; }
	printf '%s' "${out%$'\n'*}" | grep -o '"Id":"[0-9a-f]*"' | cut -d'"' -f4
	return 0
}

podman_remove_labeled() {
	local ids id code rc=0
	ids=$(podman_list_labeled "$@") || return 1
	for id in $ids; do
		code=$(podman_api DELETE "/$PODMAN_API_VERSION/containers/$id?force=1&v=1" -o /dev/null -w '%{http_code}')
		case $code in
		204 | 404) ;; # 404: gone meanwhile
		*)
			echo "podman_remove_labeled: DELETE $id: HTTP $code" >&2
			rc=1
			;;
		esac
	done
	return $rc
}

# ---------------------------------------------------------------- teardown

podman_teardown() {
	local d=${INFBENCH_PODMAN_DIR:-} ids id pid m cg had
	if [ -n "$d" ] && [ -d "$d" ]; then
		had=$(cat "$d/had-var-lib-containers" 2>/dev/null)
		# containers of the private store (their cgroups are libpod_parent/libpod-<id>)
		ids=$(for m in "$d"/root/*-containers/*/; do
			m=${m%/}
			m=${m##*/}
			[[ $m =~ ^[0-9a-f]{64}$ ]] && echo "$m"
		done)
		if pid=$(_podman_service_pid); then
			for id in $ids; do
				podman_api DELETE "/$PODMAN_API_VERSION/containers/$id?force=1&v=1" -o /dev/null --max-time 30 2>/dev/null
			done
			infbench_stop_pid "$pid" 10
		fi
		# removes every container and image of the PRIVATE store, unmounts $d/root/overlay
		CONTAINERS_CONF=$d/containers.conf CONTAINERS_STORAGE_CONF=$d/storage.conf TMPDIR=$d/tmp \
			timeout 60 podman system reset --force >>"$d/reset.log" 2>&1 </dev/null
		# anything still running from this store: container processes, conmon, runc
		for id in $ids; do
			for cg in /sys/fs/cgroup/*/libpod_parent/libpod-"$id" /sys/fs/cgroup/libpod_parent/libpod-"$id"; do
				[ -f "$cg/cgroup.procs" ] || continue
				while read -r pid; do kill -KILL "$pid" 2>/dev/null; done <"$cg/cgroup.procs"
			done
		done
		for pid in $(infbench_pids_of "$d" podman conmon runc catatonit); do infbench_stop_pid "$pid" 5; done
		for m in $(infbench_mounts_under "$d"); do umount -l "$m" 2>/dev/null; done
		rm -rf "$d" 2>/dev/null || { sleep 0.5; rm -rf "$d"; }
		# cgroups left by the cgroupfs manager: removed only when empty (a host podman may use them)
		for id in $ids; do
			rmdir /sys/fs/cgroup/*/libpod_parent/libpod-"$id" /sys/fs/cgroup/libpod_parent/libpod-"$id" 2>/dev/null
		done
		rmdir /sys/fs/cgroup/*/libpod_parent/conmon /sys/fs/cgroup/*/libpod_parent \
			/sys/fs/cgroup/libpod_parent/conmon /sys/fs/cgroup/libpod_parent 2>/dev/null
		# podman 4.3 writes its blob-info cache to /var/lib/containers/cache whatever the config;
		# remove it only when /var/lib/containers did not exist before setup
		if [ "$had" = 0 ] && [ -d /var/lib/containers ] \
			&& [ -z "$(find /var/lib/containers -type f ! -path /var/lib/containers/cache/blob-info-cache-v1.boltdb)" ]; then
			rm -rf /var/lib/containers
		fi
	fi
	if [ -n "$d" ] && [ "${DOCKER_HOST:-}" = "unix://$d/podman.sock" ]; then unset DOCKER_HOST; fi
	unset INFBENCH_PODMAN_DIR PODMAN_API_SOCK CONTAINERS_CONF CONTAINERS_STORAGE_CONF
	return 0
}

# podman_leftovers DIR: what a teardown of DIR left (processes, mounts, the dir), one a line.
podman_leftovers() {
	local d=${1:?podman_leftovers DIR} pid
	for pid in $(infbench_pids_of "$d" podman conmon runc catatonit); do
		echo "process $pid: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-120)"
	done
	infbench_mounts_under "$d" | sed 's/^/mount /'
	[ -e "$d" ] && echo "dir $d"
	return 0
}

# ---------------------------------------------------------------- selftest

# _podman_st_create NAME PORT [INIT]: create a simserver container from the recipe; prints its id.
_podman_st_create() {
	local name=$1 port=$2 init=${3:-false} repo body out
	repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
	body='{"Image":"localhost/simserver:latest",
 "Cmd":["bash","/workspace/benchmarks/single_node/sim_fp8_sim_sim.sh"],
 "Env":["PORT='"$port"'","MODEL=sim-model","SIMSERVER=/usr/local/bin/simserver","SIM_TTFT_MS=5","SIM_ITL_MS=1"],
 "WorkingDir":"/workspace","Tty":false,
 "Labels":{"infbench.node":"selftest","infbench.run":"'"$name"'"},
 "HostConfig":{"NetworkMode":"host","IpcMode":"host","Init":'"$init"',
  "Binds":["'"$repo"':/workspace:ro"]}}'
	out=$(podman_api POST "/$PODMAN_API_VERSION/containers/create?name=$name" \
		-H 'Content-Type: application/json' -d "$body" -w '\n%{http_code}') || return 1
	[ "${out##*$'\n'}" = 201 ] || { echo "create: ${out//$'\n'/ }" >&2; return 1; }
	printf '%s' "${out%$'\n'*}" | grep -o '"Id":"[0-9a-f]*"' | cut -d'"' -f4
}

# _podman_st_wait_health PORT SECONDS: until GET /health answers 200.
_podman_st_wait_health() {
	local i
	for ((i = 0; i < $2 * 50; i++)); do
		[ "$(curl -s -o /dev/null --max-time 1 -w '%{http_code}' "http://127.0.0.1:$1/health")" = 200 ] && return 0
		sleep 0.02
	done
	return 1
}

# podman_selftest: the whole cycle; tears down whatever happens. PODMAN_SELFTEST_DIR = its state dir.
podman_selftest() {
	local rc
	_podman_selftest
	rc=$?
	podman_teardown
	return $rc
}

_podman_selftest() {
	local here t t0 d id id2 port pid1 n out code sim tar rc state
	here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	[ -n "${SELFTEST_SKIPS+x}" ] || SELFTEST_SKIPS=()
	echo "# podman"
	t=$(infbench_now)
	if [ "$(id -u)" -eq 0 ] && ! podman_install; then
		st_fail "podman_install" "apt-get failed"
	fi
	if ! podman_available; then
		st_skip "podman: $PODMAN_SKIP_REASON"
		return 77
	fi
	if ! command -v gcc >/dev/null; then
		st_skip "podman: gcc not installed (needed to build the static simserver)"
		return 77
	fi
	st_ok "packages present ($(infbench_ms "$t") ms)"

	podman_setup >/dev/null || { st_fail "podman_setup"; return 1; }
	d=$INFBENCH_PODMAN_DIR
	# shellcheck disable=SC2034 # read by selftest.sh
	PODMAN_SELFTEST_DIR=$d
	t=$(infbench_now)
	podman_start || { st_fail "podman_start"; return 1; }
	if podman_wait_ready 30; then
		st_ok "service start -> /_ping OK ($(infbench_ms "$t") ms)"
	else
		st_fail "podman_wait_ready"
		return 1
	fi
	pid1=$(cat "$d/service.pid")
	podman_start && podman_wait_ready 5
	n=$(infbench_pids_of "$d" podman | wc -l)
	if [ "$(cat "$d/service.pid")" = "$pid1" ] && [ "$n" -eq 1 ]; then
		st_ok "second podman_start is a no-op (one service)"
	else
		st_fail "second podman_start" "pid $pid1 -> $(cat "$d/service.pid"), $n service processes"
	fi
	out=$(podman info --format '{{.Store.GraphRoot}} {{.Store.RunRoot}} {{.Host.OCIRuntime.Name}} {{.Host.CgroupManager}} {{.Host.EventLogger}}' 2>&1)
	if [ "$out" = "$d/root $d/run runc cgroupfs file" ]; then
		st_ok "private store, runc, cgroupfs, file events"
	else
		st_fail "podman info" "$out"
	fi

	# image: static simserver + busybox + bash -> tarball -> API import
	sim=$d/build/simserver
	tar=$d/build/rootfs.tar
	mkdir -p "$d/build"
	t=$(infbench_now)
	if gcc -static -O2 -o "$sim" "$here"/../../sim/*.c "$here"/../../../common/rxstamp.c \
		-I"$here"/../../.. -lm; then
		st_ok "gcc -static simserver ($(infbench_ms "$t") ms)"
	else
		st_fail "gcc -static simserver"
		return 1
	fi
	t=$(infbench_now)
	if bash "$here/../image/build-rootfs.sh" "$tar" "$sim"; then
		st_ok "build-rootfs.sh ($(infbench_ms "$t") ms, $(($(stat -c %s "$tar") / 1024)) KiB)"
	else
		st_fail "build-rootfs.sh"
		return 1
	fi
	t=$(infbench_now)
	if id=$(podman_import_image localhost/simserver:latest "$tar"); then
		st_ok "import localhost/simserver:latest ($(infbench_ms "$t") ms, ${id:7:12})"
	else
		st_fail "podman_import_image"
		return 1
	fi
	head -c 100000 "$tar" >"$d/build/truncated.tar"
	if podman_import_image localhost/broken:latest "$d/build/truncated.tar" 2>/dev/null; then
		st_fail "import of a truncated tarball" "reported success"
	else
		st_ok "import of a truncated tarball fails"
	fi

	# container: recipe under bash in the image, host network and IPC, repo at /workspace
	port=$(infbench_free_port)
	t=$(infbench_now)
	if id=$(_podman_st_create infbench-selftest "$port") && [ -n "$id" ]; then
		st_ok "create ($(infbench_ms "$t") ms)"
	else
		st_fail "create"
		return 1
	fi
	out=$(podman_list_labeled infbench.node=selftest)
	[ "$out" = "$id" ] && st_ok "list by label: the container" || st_fail "list by label" "'$out'"
	t0=$(infbench_now)
	code=$(podman_api POST "/$PODMAN_API_VERSION/containers/$id/start" -o /dev/null -w '%{http_code}')
	t=$(infbench_ms "$t0")
	if [ "$code" = 204 ] && _podman_st_wait_health "$port" 30; then
		st_ok "start (${t} ms) -> GET 127.0.0.1:$port/health 200 ($(infbench_ms "$t0") ms)"
	else
		st_fail "start -> health" "HTTP $code; $(podman_api GET "/$PODMAN_API_VERSION/containers/$id/logs?stdout=1&stderr=1" | tr -d '\000-\010' | tail -5)"
	fi
	t=$(infbench_now)
	code=$(podman_api POST "/$PODMAN_API_VERSION/containers/$id/stop?t=5" -o /dev/null -w '%{http_code}')
	t=$(infbench_ms "$t")
	state=$(podman_api GET "/$PODMAN_API_VERSION/containers/$id/json" | grep -o '"Status":"[a-z]*"\|"ExitCode":[0-9-]*' | head -2 | tr '\n' ' ')
	if [ "$code" = 204 ] && [ "$t" -lt 4000 ] && [ "$state" = '"Status":"exited" "ExitCode":0 ' ]; then
		st_ok "stop?t=5 ($t ms, exit code 0: SIGTERM reached simserver)"
	else
		st_fail "stop?t=5" "HTTP $code, $t ms, $state"
	fi
	infbench_port_listening "$port" && st_fail "port $port closed after stop" || st_ok "port $port closed after stop"

	# the same with HostConfig.Init (catatonit as PID 1), left running for the label cleanup
	port=$(infbench_free_port)
	if id2=$(_podman_st_create infbench-selftest-init "$port" true) \
		&& [ "$(podman_api POST "/$PODMAN_API_VERSION/containers/$id2/start" -o /dev/null -w '%{http_code}')" = 204 ] \
		&& _podman_st_wait_health "$port" 30; then
		st_ok "HostConfig.Init=true container healthy"
	else
		st_fail "HostConfig.Init=true container"
	fi
	t=$(infbench_now)
	if podman_remove_labeled infbench.node=selftest; then
		st_ok "remove by label, one running ($(infbench_ms "$t") ms)"
	else
		st_fail "podman_remove_labeled"
	fi
	out=$(podman_list_labeled infbench.node=selftest)
	[ -z "$out" ] && st_ok "list by label: nothing left" || st_fail "list by label after removal" "$out"
	infbench_port_listening "$port" && st_fail "port $port closed after removal" || st_ok "port $port closed after removal"

	# leave one running for the teardown
	port=$(infbench_free_port)
	t=$(infbench_now)
	if id=$(_podman_st_create infbench-selftest-left "$port") \
		&& code=$(podman_api POST "/$PODMAN_API_VERSION/containers/$id/start" -o /dev/null -w '%{http_code}') \
		&& _podman_st_wait_health "$port" 30; then
		st_ok "third container healthy, left running for the teardown ($(infbench_ms "$t") ms)"
	else
		st_fail "third container" "port $port, HTTP ${code:-}, $(infbench_ms "$t") ms, log: $(podman_api GET \
			"/$PODMAN_API_VERSION/containers/${id:-none}/logs?stdout=1&stderr=1" | tr -d '\000-\010' | tail -5)"
	fi
	t=$(infbench_now)
	podman_teardown
	st_ok "teardown with a running container ($(infbench_ms "$t") ms)"
	t=$(infbench_now)
	podman_teardown && st_ok "second teardown ($(infbench_ms "$t") ms)" || st_fail "second teardown"
	out=$(podman_leftovers "$d")
	[ -z "$out" ] && st_ok "nothing left (processes, mounts, $d)" || st_fail "leftovers" "$out"
	infbench_port_listening "$port" && st_fail "port $port closed after teardown" || st_ok "port $port closed after teardown"
	[ -z "${DOCKER_HOST:-}${INFBENCH_PODMAN_DIR:-}" ] && st_ok "environment unset" || st_fail "environment unset"
	return 0
}

# ---------------------------------------------------------------- command line

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	infbench_harness_main podman "$0" "$@"
fi
