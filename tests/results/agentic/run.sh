#!/bin/sh
# CTest results.agentic: `executor process --agentic` on every case of tests/results/agentic/cases
# must write expected.json byte for byte (recorded from upstream's processor by record.sh).
# Usage: run.sh EXECUTOR
set -u
exe=$1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
for c in "$here"/cases/*/; do
	c=${c%/}
	name=$(basename "$c")
	n=$((n + 1))
	set --
	while IFS= read -r line; do set -- "$@" "$line"; done <"$c/env"
	extra=
	[ -f "$c/server_metrics.json" ] && extra="--server-metrics=$c/server_metrics.json"
	rm -rf "$tmp/out"
	if [ -f "$c/expected.err" ]; then
		env -i PATH="$PATH" RESULT_FILENAME="agg_$name" "$@" "$exe" process --agentic \
			--result-dir "$c/results" --output-dir "$tmp/out" >"$tmp/stdout" 2>"$tmp/stderr"
		st=$?
		sed "s#{{RESULTS}}#${c%/}/results#" "$c/expected.err" >"$tmp/want"
		if [ "$st" -ne 1 ] || ! cmp -s "$tmp/want" "$tmp/stderr" || [ -s "$tmp/stdout" ] ||
			[ -e "$tmp/out" ]; then
			echo "FAIL $name: exit status $st (want 1), stderr:"; cat "$tmp/stderr"
			diff "$tmp/want" "$tmp/stderr"; fail=$((fail + 1)); continue
		fi
		echo "ok $name (refused)"; continue
	fi
	if ! env -i PATH="$PATH" RESULT_FILENAME="agg_$name" "$@" "$exe" process --agentic \
		--result-dir "$c/results" --output-dir "$tmp/out" $extra >"$tmp/stdout" 2>"$tmp/stderr"; then
		echo "FAIL $name: exit status $?"; cat "$tmp/stderr"; fail=$((fail + 1)); continue
	fi
	if ! cmp -s "$tmp/out/agg_$name.json" "$c/expected.json"; then
		echo "FAIL $name: differs from upstream's"
		diff "$c/expected.json" "$tmp/out/agg_$name.json" | head -20
		fail=$((fail + 1)); continue
	fi
	echo "ok $name"
done
echo "$((n - fail))/$n cases byte-identical"
[ "$n" -gt 0 ] && [ "$fail" -eq 0 ]
