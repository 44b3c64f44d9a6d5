#!/usr/bin/env bash
# The include direction of the source tree (docs/executor-layout.md): each part names the
# parts it may include from; any other project include is an error, printed as
# file:line: part includes part. Exit 0 when every include goes the right way.
#
#   check_includes.sh ROOT            checks ROOT (the repository)
#   check_includes.sh --self-test DIR also checks that the bad tree in DIR is refused
set -euo pipefail

# part (directory) -> the parts its files may include ("" = anything in the project)
declare -A allowed=(
	[common]="common"
	[matrixgen]="common matrixgen"
	[executor/core]="common executor/core"
	[executor/launch]="common executor/core executor/launch"
	[executor/load]="common executor/core executor/load"
	[executor/results]="common executor/core executor/results"
	[executor/evals]="common executor/core executor/evals"
	[executor]="common executor/core executor/launch executor/load executor/results executor/evals executor"
)

# the part a project path belongs to: the longest part that is its directory
part_of() {
	local dir=${1%/*} best=""
	for p in "${!allowed[@]}"; do
		if [ "$dir" = "$p" ] && [ ${#p} -gt ${#best} ]; then best=$p; fi
	done
	printf '%s' "$best"
}

check_tree() { # root; prints violations, returns 1 if any
	local root=$1 bad=0 file line inc from to ok
	while IFS= read -r file; do
		from=$(part_of "$file")
		if [ -z "$from" ]; then
			echo "$file: in no part (add its directory to check_includes.sh)"
			bad=1
			continue
		fi
		while IFS=: read -r line inc; do
			inc=${inc#*\"}
			inc=${inc%%\"*}
			to=$(part_of "$inc")
			[ -z "$to" ] && continue # not a project header (libraries, <...>)
			ok=0
			for p in ${allowed[$from]}; do [ "$p" = "$to" ] && ok=1; done
			if [ $ok -eq 0 ]; then
				echo "$file:$line: $from includes $to ($inc)"
				bad=1
			fi
		done < <(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$root/$file" || true)
	done < <(cd "$root" && find common matrixgen executor -name '*.[ch]' 2>/dev/null | sort)
	return $bad
}

if [ "${1:-}" = "--self-test" ]; then
	# the bad tree must be refused, naming each wrong include
	if out=$(check_tree "$2"); then
		echo "self-test: a tree with wrong includes passed"; exit 1
	fi
	want=$(cat "$2/expected.txt")
	if [ "$out" != "$want" ]; then
		printf 'self-test: expected\n%s\ngot\n%s\n' "$want" "$out"; exit 1
	fi
	echo "self-test: refused as expected"
	exit 0
fi

root=${1:?usage: check_includes.sh ROOT | --self-test DIR}
if check_tree "$root"; then
	echo "includes: every part includes only the parts below it"
else
	exit 1
fi
