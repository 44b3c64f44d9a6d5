#!/usr/bin/env bash
# check.sh WFCHECK MATRIXGEN ROOT
#   The workflows in ROOT/.github/workflows/, statically (wfcheck, every rule) and against what
#   matrixgen prints: the single- and multi-node entries of every subcommand that feeds the
#   templates (full-sweep, test-config, runner-model-sweep, the changelog golden output), and
#   the job outputs plan-matrix.sh writes for run-sweep.yml's setup job.
#   Prints wfcheck's problems and its "N passed, N failed"; exit 0 only when nothing failed.
set -euo pipefail
if [ $# -ne 3 ]; then
	echo "usage: check.sh WFCHECK MATRIXGEN ROOT" >&2
	exit 2
fi
wfcheck=$(realpath "$1") matrixgen=$(realpath "$2") root=$(realpath "$3")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$root"
# the v1 master configs the workflows' executor reads (configs/ holds v2 ones since issue 10)
configs=(tests/golden/inputs/real-amd-master.yaml tests/golden/inputs/real-nvidia-master.yaml)
runners=tests/golden/inputs/real-runners.yaml

# The entries, from matrixgen; with CHECK_CACHE set (mutations.sh), made once and reused.
cache=${CHECK_CACHE:-$tmp}
mkdir -p "$cache"
mg() { # matrixgen ARGS... > file; warnings (runners the runner file lacks) are not our concern
	"$matrixgen" "$@" --runner-config "$runners" 2>"$tmp/mg.err" || { cat "$tmp/mg.err" >&2; echo "matrixgen $* failed" >&2; exit 1; }
}
if [ ! -f "$cache/more-multi.json" ]; then
	mg full-sweep --config-files "${configs[@]}" --single-node >"$cache/fs-single.json"
	mg full-sweep --config-files "${configs[@]}" --multi-node >"$cache/fs-multi.json"
	# test-config and runner-model-sweep print other key orders (and workers with
	# additional-settings always present): both kinds mixed, split by shape with jq below
	mg test-config --config-files "${configs[@]}" --config-keys '*' >"$tmp/tc.json"
	while read -r rt; do
		mg runner-model-sweep --config-files "${configs[@]}" --runner-type "$rt" >"$tmp/rms-$rt.json"
	done < <(sed -n 's/^\([A-Za-z0-9_.-][A-Za-z0-9_.-]*\):.*/\1/p' "$runners")
	jq -s '[.[][] | select(has("prefill") | not)]' "$tmp"/tc.json "$tmp"/rms-*.json >"$cache/more-single.json"
	jq -s '[.[][] | select(has("prefill"))]' "$tmp"/tc.json "$tmp"/rms-*.json >"$cache/more-multi.json"
fi

changelog=tests/golden/changelog/added.out # a real `matrixgen changelog` object, both kinds
bash .github/scripts/plan-matrix.sh "$changelog" >"$tmp/plan.txt"

"$wfcheck" --root . \
	--template single=benchmark-tmpl.yml --template multi=benchmark-multinode-tmpl.yml \
	--entries single="$cache/fs-single.json" --entries multi="$cache/fs-multi.json" \
	--entries single="$cache/more-single.json" --entries multi="$cache/more-multi.json" \
	--changelog "$changelog" --step-outputs setup:plan="$tmp/plan.txt" \
	.github/workflows/*.yml
