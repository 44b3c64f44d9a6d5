#!/usr/bin/env bash
# Records what upstream's utils/process_changelog.py (InferenceX 843c6254f) prints for each
# v2 changelog case here: NAME.out (stdout, byte for byte) and NAME.rc (exit status when
# not 0), plus NAME.upstream-err (the last line of its stderr) for refused cases.
# Run by hand: UPSTREAM=/path/to/InferenceX-at-843c6254f bash record.sh [NAME...]
# (needs python3 with pydantic and PyYAML; the suite never runs this).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
: "${UPSTREAM:?set UPSTREAM to a checkout of InferenceX at 843c6254f}"
cases=("$@")
[ ${#cases[@]} -eq 0 ] && mapfile -t cases < <(cd "$here" && ls ./*.repo | sed 's#^\./##; s#\.repo$##')
for name in "${cases[@]}"; do
	work=$(mktemp -d)
	(cd "$work" && export root RECORD_UTILS="$UPSTREAM/utils" V2_CONFIGS="$UPSTREAM/configs" &&
		. "$here/$name.repo") >/dev/null 2>&1 || { echo "$name: setup failed"; exit 1; }
	eval "set -- $(cat "$here/$name.args")"
	shift # "changelog": upstream's script has no subcommand
	(cd "$work" && python3 utils/process_changelog.py "$@") >"$here/$name.out" 2>"$work/err"
	rc=$?
	rm -f "$here/$name.rc" "$here/$name.upstream-err"
	if [ $rc != 0 ]; then
		echo $rc >"$here/$name.rc"
		tail -n 1 "$work/err" >"$here/$name.upstream-err"
		rm -f "$here/$name.out"
	fi
	[ -s "$here/$name.out" ] || rm -f "$here/$name.out"
	echo "$name: exit $rc"
	rm -rf "$work"
done
