#!/usr/bin/env bash
# Records upstream's answers for every case of cases.list into cases/: NAME.args (the
# command line, for tests/golden/run.sh), NAME.out.gz (upstream's stdout, gzip -n), NAME.rc
# (its exit status when not 0) and NAME.upstream-err (the last line of its stderr: the
# gist of its refusal; our own message is in NAME.err, written by UPDATE=1 run.sh).
# Usage: UPSTREAM=/path/to/InferenceX@843c6254f tests/upstream-v2/record.sh
# (run from anywhere; needs python3 with pydantic and PyYAML).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
gen=${UPSTREAM:?set UPSTREAM to an InferenceX checkout}/utils/matrix_logic/generate_sweep_configs.py
all="--config-files tests/upstream-v2/configs/nvidia-master.yaml tests/upstream-v2/configs/amd-master.yaml --runner-config tests/upstream-v2/configs/runners.yaml"
cd "$root"
grep -v '^#' "$here/cases.list" | while IFS='|' read -r name args; do
	args=${args//@ALL/$all}
	base=$here/cases/$name
	printf '%s\n' "$args" >"$base.args"
	eval "set -- $args"
	rc=0
	python3 "$gen" "$@" >"$base.tmp" 2>"$base.errtmp" || rc=$?
	rm -f "$base.out.gz" "$base.rc" "$base.upstream-err"
	if [ -s "$base.tmp" ]; then gzip -n -9 <"$base.tmp" >"$base.out.gz"; fi
	if [ "$rc" != 0 ]; then
		echo "$rc" >"$base.rc"
		tail -n 1 "$base.errtmp" >"$base.upstream-err"
	fi
	rm -f "$base.tmp" "$base.errtmp"
	echo "$name: rc $rc"
done
