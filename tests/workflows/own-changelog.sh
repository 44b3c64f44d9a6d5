#!/usr/bin/env bash
# own-changelog.sh MATRIXGEN ROOT
#   Prints what run-sweep.yml's setup job would get for ROOT's configs/perf-changelog.yaml if
#   every one of its entries were added in one push: `matrixgen changelog` (v2 buckets) piped
#   through `matrixgen ci-priority` (configs/ci-priority.yaml, a push), as the workflow runs
#   them. The range is made in a temporary git repository: the base commit holds the file's
#   leading comments only, the head commit the whole file, beside ROOT's configs/*-master.yaml
#   and configs/runners.yaml. Fails (matrixgen's message) when an entry names a config key
#   the master configs lack: every entry must resolve.
set -euo pipefail
if [ $# -ne 2 ]; then
	echo "usage: own-changelog.sh MATRIXGEN ROOT" >&2
	exit 2
fi
matrixgen=$(realpath "$1") root=$(realpath "$2")
repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT
mkdir -p "$repo/configs"
cp "$root"/configs/*-master.yaml "$root/configs/runners.yaml" "$root/configs/ci-priority.yaml" "$repo/configs/"
cd "$repo"
git init -q .
git config user.email ci@localhost
git config user.name ci
sed '/^- /,$d' "$root/configs/perf-changelog.yaml" >configs/perf-changelog.yaml
git add -A
git commit -qm base
cp "$root/configs/perf-changelog.yaml" configs/perf-changelog.yaml
git commit -qam head
"$matrixgen" changelog --base-ref HEAD~1 --head-ref HEAD --changelog-file configs/perf-changelog.yaml |
	"$matrixgen" ci-priority --event-name push --queue-namespace 1:1
