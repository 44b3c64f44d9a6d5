#!/usr/bin/env bash
# check.sh WFCHECK MATRIXGEN ROOT
#   The workflows in ROOT/.github/workflows/, statically (wfcheck, every rule) and against what
#   matrixgen prints: the single- and multi-node entries of every subcommand that feeds the
#   templates, v1 (full-sweep, test-config, runner-model-sweep on tests/golden/inputs/real-*,
#   the v1 changelog golden output) and v2 (full-sweep of configs/*-master.yaml and of
#   upstream's configs, default and --evals-only: fixed-seq-len, eval-only and agentic rows;
#   the changelog of configs/perf-changelog.yaml through ci-priority, and upstream's recorded
#   changelogs with agentic and eval buckets), and the job outputs plan-matrix.sh writes for
#   the setup jobs from those (each slice's entries, checked against the jobs that run them).
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
# the v1 master configs (configs/ holds v2 ones since issue 10: v2 below)
configs=(tests/golden/inputs/real-amd-master.yaml tests/golden/inputs/real-nvidia-master.yaml)
runners=tests/golden/inputs/real-runners.yaml
here=$(dirname "$(realpath "$0")")

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

if [ ! -f "$cache/v2-done" ]; then
	# v2: our configs and upstream's (recorded copies), default (evals marked) and eval-only
	up=(tests/upstream-v2/configs/amd-master.yaml tests/upstream-v2/configs/nvidia-master.yaml)
	v2() { # NAME matrixgen-args...: entries of both kinds, split
		local n=$1
		shift
		"$matrixgen" "$@" >"$cache/$n.json" 2>"$tmp/mg.err" || { cat "$tmp/mg.err" >&2; echo "matrixgen $* failed" >&2; exit 1; }
		jq '[.[] | select(has("prefill") | not)]' "$cache/$n.json" >"$cache/$n-single.json"
		jq '[.[] | select(has("prefill"))]' "$cache/$n.json" >"$cache/$n-multi.json"
	}
	v2 v2-own full-sweep --config-files configs/amd-master.yaml configs/nvidia-master.yaml --runner-config configs/runners.yaml
	v2 v2-own-evals full-sweep --config-files configs/amd-master.yaml configs/nvidia-master.yaml --runner-config configs/runners.yaml --evals-only
	v2 v2-up full-sweep --config-files "${up[@]}" --runner-config tests/upstream-v2/configs/runners.yaml
	v2 v2-up-evals full-sweep --config-files "${up[@]}" --runner-config tests/upstream-v2/configs/runners.yaml --evals-only
	# the changelog run-sweep.yml would print for configs/perf-changelog.yaml (every entry added)
	bash "$here/own-changelog.sh" "$matrixgen" . >"$cache/own-changelog.json"
	touch "$cache/v2-done"
fi

# changelog objects: both kinds, and (v2) agentic groups and the eval buckets
changelogs=(tests/golden/changelog/added.out "$cache/own-changelog.json"
	tests/golden/changelog-v2/real-tail.out tests/golden/changelog-v2/evals.out
	tests/golden/changelog-v2/real-tail-all-evals.out)
# what the setup jobs' plan step writes, for inputs that together fill every slice
plans=()
for input in "${changelogs[@]}" "$cache/v2-own.json" "$cache/v2-up-evals.json"; do
	plan="$tmp/plan-${#plans[@]}.txt"
	bash .github/scripts/plan-matrix.sh "$input" >"$plan"
	plans+=(--step-outputs setup:plan="$plan")
done
entries=()
for n in fs more v2-own v2-own-evals v2-up v2-up-evals; do
	for k in single multi; do
		f="$cache/$n-$k.json"
		[ "$n" = fs ] || [ "$n" = more ] || [ "$(jq length "$f")" -gt 0 ] || continue
		entries+=(--entries "$k=$f")
	done
done
cl_args=()
for c in "${changelogs[@]}"; do cl_args+=(--changelog "$c"); done

"$wfcheck" --root . \
	--template single=benchmark-tmpl.yml --template multi=benchmark-multinode-tmpl.yml \
	"${entries[@]}" "${cl_args[@]}" "${plans[@]}" \
	.github/workflows/*.yml
