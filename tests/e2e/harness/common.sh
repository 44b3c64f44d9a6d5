# shellcheck shell=bash
# tests/e2e/harness/common.sh: helpers shared by podman.sh and slurm.sh (sourced by them; changes no
# shell option). Names start with infbench_ or st_ (selftest reporting).

# infbench_now: nanoseconds, for infbench_ms.
infbench_now() { date +%s%N; }

# infbench_ms START: milliseconds since START (from infbench_now).
infbench_ms() { echo $((($(date +%s%N) - $1) / 1000000)); }

# infbench_missing_packages PKG...: the Debian packages not installed, one a line.
infbench_missing_packages() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
	done
	return 0
}

# infbench_apt_install WHO PKG...: apt-get install the missing ones (nothing when none is missing).
infbench_apt_install() {
	local who=$1 missing
	shift
	mapfile -t missing < <(infbench_missing_packages "$@")
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "$who: missing ${missing[*]}, and not root" >&2
		return 1
	fi
	echo "$who: installing ${missing[*]}" >&2
	DEBIAN_FRONTEND=noninteractive apt-get update -qq || return 1
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# infbench_port_listening PORT: something listens on TCP PORT (IPv4 or IPv6), from /proc.
infbench_port_listening() {
	_infbench_port_used "$1" 0A # state 0A = LISTEN
}

# _infbench_port_used PORT [STATE]: a TCP socket (in STATE, else any) has local port PORT.
_infbench_port_used() {
	awk -v p="$(printf ':%04X' "$1")" -v st="${2:-}" \
		'NR > 1 && substr($2, length($2) - 4) == p && (st == "" || $4 == st) { f = 1 } END { exit !f }' \
		/proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# infbench_free_port: a TCP port no socket uses, outside the ephemeral range (a client connection
# could hold an ephemeral one). Small race: bind it soon.
infbench_free_port() {
	local lo=32768 hi=60999 a=20000 b=32767 i p
	read -r lo hi </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null
	if [ "$lo" -gt 12000 ]; then
		a=10000 b=$((lo - 1))
	else
		a=$((hi + 1)) b=65535
	fi
	for ((i = 0; i < 200; i++)); do
		p=$((a + (RANDOM * 32768 + RANDOM) % (b - a + 1)))
		_infbench_port_used "$p" || { echo "$p"; return 0; }
	done
	return 1
}

# infbench_alive PID: the process exists and is not a zombie (a daemon whose starter exited is
# reaped by PID 1, which may take a while).
infbench_alive() {
	local st
	kill -0 "$1" 2>/dev/null || return 1
	st=$(awk '{ sub(/.*\) /, ""); print $1 }' "/proc/$1/stat" 2>/dev/null)
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# infbench_stop_pid PID [SECONDS]: SIGTERM, wait up to SECONDS (10), SIGKILL. Only for our PIDs.
infbench_stop_pid() {
	local pid=$1 i
	[ -n "$pid" ] && infbench_alive "$pid" || return 0
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < ${2:-10} * 20; i++)); do
		infbench_alive "$pid" || return 0
		sleep 0.05
	done
	kill -KILL "$pid" 2>/dev/null
	for ((i = 0; i < 40; i++)); do
		infbench_alive "$pid" || return 0
		sleep 0.05
	done
	return 1
}

# infbench_pids_of DIR COMM...: PIDs of processes named COMM (any, when none given) whose command
# line or environment mentions DIR/ (our state dir: daemons, conmon, job steps). Never this shell.
infbench_pids_of() {
	local dir=$1 p pid comm
	shift
	for p in /proc/[0-9]*; do
		pid=${p#/proc/}
		[ "$pid" = "$$" ] || [ "$pid" = "${BASHPID:-}" ] && continue
		if [ $# -gt 0 ]; then
			comm=$(cat "$p/comm" 2>/dev/null) || continue
			case " $* " in *" $comm "*) ;; *) continue ;; esac
		fi
		{ tr '\0' '\n' 2>/dev/null <"$p/cmdline"; tr '\0' '\n' 2>/dev/null <"$p/environ"; } 2>/dev/null |
			grep -qF -- "$dir/" && echo "$pid"
	done
	return 0
}

# infbench_mounts_under DIR: mount points under DIR, deepest first.
infbench_mounts_under() {
	awk -v d="$1/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r
}

# ---------------------------------------------------------------- selftest reporting
# st_ok NAME, st_fail NAME DETAIL, st_skip REASON; st_check NAME CMD... runs CMD. Counters:
# SELFTEST_PASS, SELFTEST_FAIL; skip reasons in SELFTEST_SKIPS (array).
st_ok() {
	SELFTEST_PASS=$((${SELFTEST_PASS:-0} + 1))
	echo "ok - $*"
}
st_fail() {
	SELFTEST_FAIL=$((${SELFTEST_FAIL:-0} + 1))
	echo "FAIL - $1${2:+: $2}"
}
st_skip() {
	SELFTEST_SKIPS+=("$*")
	echo "skip - $*"
}
st_check() {
	local name=$1
	shift
	if "$@"; then st_ok "$name"; else st_fail "$name" "failed: $*"; fi
}
# st_summary: "N passed, N failed" (+ SKIPPED lines); returns 1 on failure, 77 when skipped, else 0.
st_summary() {
	local r
	echo "${SELFTEST_PASS:-0} passed, ${SELFTEST_FAIL:-0} failed"
	[ "${SELFTEST_FAIL:-0}" -eq 0 ] || return 1
	if [ "${#SELFTEST_SKIPS[@]}" -gt 0 ]; then
		for r in "${SELFTEST_SKIPS[@]}"; do echo "SKIPPED: $r"; done
		return 77
	fi
	return 0
}

# The command line of a harness run as a program: `NAME.sh selftest`, `NAME.sh FUNCTION ARGS`
# (runs NAME_FUNCTION), `NAME.sh --help`. Usage, at the end of NAME.sh:
#   [ "${BASH_SOURCE[0]}" = "$0" ] && infbench_harness_main NAME "$0" "$@"
infbench_harness_main() {
	local name=$1 script=$2 cmd=${3:-}
	shift 3 2>/dev/null || shift $#
	case $cmd in
	selftest)
		SELFTEST_PASS=0 SELFTEST_FAIL=0 SELFTEST_SKIPS=()
		# shellcheck disable=SC2064 # the teardown function is named now, on purpose
		trap "${name}_teardown; exit 130" INT TERM
		"${name}_selftest"
		st_summary
		exit $?
		;;
	"" | -h | --help | help)
		sed -n '2,/^$/s/^# \{0,1\}//p' "$script"
		exit 2
		;;
	*)
		if ! declare -F "${name}_$cmd" >/dev/null; then
			echo "$name.sh: unknown command '$cmd' (see --help)" >&2
			exit 2
		fi
		local rc=0
		"${name}_$cmd" "$@" || rc=$?
		if [ "$cmd" = available ] && [ $rc -ne 0 ]; then
			local reason="${name^^}_SKIP_REASON"
			echo "${!reason}" >&2
		fi
		exit $rc
		;;
	esac
}
