#!/usr/bin/env bash
# Runs one whole-program case from data (style.md "Tests"): a case is NAME.args (the
# command line after the program name, in shell words) beside its expectations NAME.out
# (stdout), NAME.err (stderr) and NAME.rc (exit status), each defaulting to empty / 0.
# In tests/bad/, a NAME.yaml without NAME.args is validated against tests/bad/runners.yaml.
# Cases run from the repository root, so paths in them are relative to it; a case with a
# NAME.repo script runs instead in a fresh temporary directory prepared by that script
# (sourced there with $root set: changelog cases build a small git history this way).
# A case with NAME.env runs the program with the variables that script exports (sourced in
# the program's subshell: `executor process` without --entry reads them).
# NAME.out.gz stands for NAME.out where the expected stdout is large (tests/upstream-v2: the
# outputs recorded from upstream's generator); UPDATE never rewrites it.
# A case with a NAME.files/ directory also checks the files the program writes: its args
# name the output directory as $OUT_DIR (a fresh temporary directory, given to the program
# empty), and afterwards it must hold exactly NAME.files/' files, byte for byte (aggregate's
# SVG charts).
# UPDATE=1 rewrites the expectations from the current output (then review the diff).
set -u
prog=$1 case=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
base=$(cd "$(dirname "$case")" && pwd)/$(basename "${case%.*}")
if [ -f "$base.args" ]; then
	args=$(cat "$base.args")
else
	args="validate --config-files ${base#"$root"/}.yaml --runner-config tests/bad/runners.yaml"
fi
out=$(mktemp) err=$(mktemp) unz=$(mktemp) work= OUT_DIR=
trap 'rm -f "$out" "$err" "$unz"; rm -rf "$work" "$OUT_DIR"' EXIT
[ -d "$base.files" ] && OUT_DIR=$(mktemp -d)
eval "set -- $args"
with_env() { # COMMAND...: run it, with NAME.env's variables when the case has one
	if [ -f "$base.env" ]; then
		. "$base.env" || { echo "sourcing $base.env failed"; exit 1; }
	fi
	"$@"
}
if [ -f "$base.repo" ]; then
	work=$(mktemp -d)
	(cd "$work" && . "$base.repo") >/dev/null 2>&1 || { echo "setup $base.repo failed"; exit 1; }
	(cd "$work" && with_env "$prog" "$@") >"$out" 2>"$err"
	rc=$?
else
	(with_env "$prog" "$@") >"$out" 2>"$err"
	rc=$?
fi
if [ "${UPDATE:-}" = 1 ]; then
	if [ -f "$base.out.gz" ]; then :; elif [ -s "$out" ]; then cp "$out" "$base.out"; else rm -f "$base.out"; fi
	if [ -s "$err" ]; then cp "$err" "$base.err"; else rm -f "$base.err"; fi
	if [ "$rc" != 0 ]; then echo "$rc" >"$base.rc"; else rm -f "$base.rc"; fi
	if [ -n "$OUT_DIR" ]; then rm -rf "$base.files" && cp -R "$OUT_DIR" "$base.files"; fi
	exit 0
fi
fail=0
want_rc=0
[ -f "$base.rc" ] && want_rc=$(cat "$base.rc")
if [ "$rc" != "$want_rc" ]; then
	echo "exit status: want $want_rc, got $rc"
	fail=1
fi
for stream in out err; do
	want=$base.$stream
	if [ "$stream" = out ] && [ -f "$base.out.gz" ]; then
		gzip -dc "$base.out.gz" >"$unz" || exit 1
		want=$unz
	fi
	[ -f "$want" ] || want=/dev/null
	got=$out
	[ "$stream" = err ] && got=$err
	if ! cmp -s "$want" "$got"; then
		echo "std$stream differs from $want:"
		diff <(head -c 4000 "$want") <(head -c 4000 "$got") | head -20
		fail=1
	fi
done
if [ -n "$OUT_DIR" ] && ! diff -r "$base.files" "$OUT_DIR" >"$unz" 2>&1; then
	echo "written files differ from $base.files:"
	head -c 4000 "$unz" | head -20
	fail=1
fi
[ $fail = 0 ] && echo "ok: $args"
exit $fail
