#!/usr/bin/env bash
# The multi-node power cases in CTest: `executor power-multinode` on each cases/NAME/ must leave the same bytes
# as upstream's aggregate_power_multinode.py left (expected/NAME/, made by make_expected.sh).
#   check.sh EXECUTOR [NAME...]
set -u
here=$(cd "$(dirname "$0")" && pwd)
prog=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
	for d in "$here"/cases/*/; do names+=("$(basename "$d")"); done
fi
got=$(mktemp -d)
trap 'rm -rf "$got"' EXIT
fail=0
for name in "${names[@]}"; do
	bash "$here/run_case.sh" "$got/$name" "$name" "$prog" power-multinode
	if diff -r "$here/expected/$name" "$got/$name" >"$got/diff" 2>&1; then
		echo "ok: $name"
	else
		echo "FAIL: $name"
		head -40 "$got/diff"
		fail=1
	fi
done
exit $fail
