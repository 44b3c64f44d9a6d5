#!/usr/bin/env bash
# Every option a subcommand's --help lists must appear in README.md, so the README never
# falls behind the option tables (style.md "Commands and options are tables").
# Usage: options_in_readme.sh PROG README SUBCOMMAND...
set -u
prog=$1 readme=$2
shift 2
pass=0 fail=0
for sub in "$@"; do
	help=$("$prog" "$sub" --help) || { echo "$sub --help failed"; fail=$((fail + 1)); continue; }
	for o in $(grep -oE -- '--[a-z][a-z0-9-]*' <<<"$help" | sort -u); do
		[ "$o" = --help ] && continue
		if grep -qE -- "$o([^a-z0-9-]|\$)" "$readme"; then
			pass=$((pass + 1))
		else
			echo "README.md does not mention $sub $o"
			fail=$((fail + 1))
		fi
	done
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
