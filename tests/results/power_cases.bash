# shellcheck shell=bash
# power_cases.bash: the case runner of results/power/ and results/power_multinode/ (sourced, not
# a test). Each folder's run_case.sh says only what differs: CASE_ENV (the environment a case
# runs in, an `env` command line), CASE_OPTIONS (the options before the case's own args) and
# CASE_FILES (what a case may write that is compared); its check.sh and make_expected.sh name
# the command.
#   run_one_case HERE OUT NAME PROG...   copies HERE/cases/NAME/ to a temporary directory, runs
#       there PROG... CASE_OPTIONS ARGS under CASE_ENV (ARGS: the case's file args, shell words)
#       and writes what came out to OUT/: stdout, rc, files (the directory's listing), and each
#       of CASE_FILES that exists
#   check_cases HERE EXECUTOR SUBCOMMAND [NAME...]   runs every case (or the NAMEs) with
#       `EXECUTOR SUBCOMMAND`; each must leave HERE/expected/NAME/ byte for byte. Exit status 1
#       when any differs
#   make_expected HERE SCRIPT   regenerates HERE/expected/ with `python3 SCRIPT` (upstream's)

run_one_case() {
	local here=$1 out=$2 name=$3 work args f
	shift 3
	work=$(mktemp -d)
	cp -R "$here/cases/$name/." "$work/"
	args=$(cat "$work/args")
	rm "$work/args"
	mkdir -p "$out"
	# shellcheck disable=SC2086 # args are shell words by design
	(cd "$work" && "${CASE_ENV[@]}" "$@" "${CASE_OPTIONS[@]}" $args) >"$out/stdout" 2>/dev/null
	echo $? >"$out/rc"
	(cd "$work" && find . -type f | LC_ALL=C sort) >"$out/files"
	for f in "${CASE_FILES[@]}"; do
		[ -f "$work/$f" ] && mkdir -p "$(dirname "$out/$f")" && cp "$work/$f" "$out/$f"
	done
	rm -rf "$work"
	return 0
}

check_cases() {
	local here=$1 prog sub=$3 got name fail=0
	prog=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
	shift 3
	local names=("$@")
	if [ ${#names[@]} -eq 0 ]; then
		for name in "$here"/cases/*/; do names+=("$(basename "$name")"); done
	fi
	got=$(mktemp -d)
	for name in "${names[@]}"; do
		bash "$here/run_case.sh" "$got/$name" "$name" "$prog" "$sub"
		if diff -r "$here/expected/$name" "$got/$name" >"$got/diff" 2>&1; then
			echo "ok: $name"
		else
			echo "FAIL: $name"
			head -40 "$got/diff"
			fail=1
		fi
	done
	rm -rf "$got"
	return $fail
}

make_expected() {
	local here=$1 script=$2 d
	rm -rf "$here/expected"
	for d in "$here"/cases/*/; do
		bash "$here/run_case.sh" "$here/expected/$(basename "$d")" "$(basename "$d")" python3 "$script" ||
			return 1
	done
}
