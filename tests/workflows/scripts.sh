#!/usr/bin/env bash
# scripts.sh MATRIXGEN ROOT
#   Runs the scripts the workflows run (.github/scripts/) on what matrixgen really prints:
#   plan-matrix.sh (the 256-job split and the canary of run-sweep.yml / e2e-tests.yml) and
#   result-filename.sh (RESULT_FILENAME, executor-spec 2.3, which names the bmk_* artifacts).
#   Prints one line per case, then "N passed, N failed"; exit 0 only when nothing failed.
set -euo pipefail
if [ $# -ne 2 ]; then
	echo "usage: scripts.sh MATRIXGEN ROOT" >&2
	exit 2
fi
matrixgen=$(realpath "$1") root=$(realpath "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$root"
plan=.github/scripts/plan-matrix.sh
rfn=.github/scripts/result-filename.sh
changelog=tests/golden/changelog/added.out
configs=(configs/*-master.yaml)
passed=0 failed=0
ok() { echo "ok: $1"; passed=$((passed + 1)); }
fail() { echo "FAIL: $1"; failed=$((failed + 1)); }
check() { # NAME COMMAND...: the command must succeed
	local name=$1
	shift
	if "$@" >"$tmp/out" 2>&1; then ok "$name"; else fail "$name"; sed 's/^/    /' "$tmp/out" | head -20; fi
}

"$matrixgen" full-sweep --config-files "${configs[@]}" >"$tmp/fs.json" 2>/dev/null
"$matrixgen" test-config --config-files "${configs[@]}" --config-keys 'dsr1-*' --conc 4 >"$tmp/tc.json" 2>/dev/null

# plan-matrix.sh FILE -> $tmp/NAME.plan.json: one object {output name: parsed value}
plan_json() { # INPUT NAME [env...]
	local input=$1 name=$2
	shift 2
	env "$@" bash "$plan" "$input" >"$tmp/$name.plan" || return 1
	jq -Rn '[inputs | capture("^(?<k>[a-z0-9_]+)=(?<v>.*)$") | {key: .k, value: (.v | fromjson)}] | from_entries' \
		<"$tmp/$name.plan" >"$tmp/$name.plan.json"
}
# every entry of the input is run exactly once: by a canary or by one part of its kind
conserved() { # INPUT NAME
	jq -e --slurpfile p "$tmp/$2.plan.json" '
	  def all_entries: if type == "array" then . else [(.single_node, .multi_node) | .[]?[]] end;
	  def sorted: map(tojson) | sort;
	  ($p[0] | [to_entries[] | select(.key | test("^canary_|_part[0-9]+$")) | .value[]]) as $planned
	  | (all_entries | sorted) == ($planned | sorted)' "$1" >/dev/null
}
within_limit() { # NAME: no part holds more than 256 entries, each output is one line
	jq -e '[to_entries[] | select(.key | test("_part[0-9]+$")) | .value | length] | all(. <= 256)' \
		"$tmp/$1.plan.json" >/dev/null &&
		[ "$(wc -l <"$tmp/$1.plan")" -eq "$(jq 'length' "$tmp/$1.plan.json")" ]
}
# the canary is the single-node entry of lowest conc (first of those), else the multi-node one
# of lowest min(conc); it is the only entry of its kind's canary output
canary_is_lowest() { # INPUT NAME
	jq -e --slurpfile p "$tmp/$2.plan.json" '
	  (if type == "array" then . else [(.single_node, .multi_node) | .[]?[]] end) as $all
	  | [$all[] | select(has("prefill") | not)] as $s | [$all[] | select(has("prefill"))] as $m
	  | if ($s | length) > 0 then
	      $p[0].canary_single == [$s | min_by(.conc)] and $p[0].canary_multi == []
	      and ([$s[] | .conc] | min) == $p[0].canary_single[0].conc
	    elif ($m | length) > 0 then $p[0].canary_multi == [$m | min_by(.conc | min)] and $p[0].canary_single == []
	    else $p[0].canary_single == [] and $p[0].canary_multi == [] end' "$1" >/dev/null
}

for input in "$changelog" "$tmp/fs.json" "$tmp/tc.json"; do
	n=$(basename "$input" | tr -c 'A-Za-z0-9\n' _)
	check "plan-matrix.sh $(basename "$input"): runs" plan_json "$input" "$n"
	check "plan-matrix.sh $(basename "$input"): every entry planned exactly once" conserved "$input" "$n"
	check "plan-matrix.sh $(basename "$input"): parts of at most 256, one line each" within_limit "$n"
	check "plan-matrix.sh $(basename "$input"): canary is the lowest concurrency" canary_is_lowest "$input" "$n"
done
check "plan-matrix.sh: the full sweep's 1k1k group (over 256) fills part1 and spills into part2" \
	jq -e '(.single_1k1k_part1 | length) == 256 and (.single_1k1k_part2 | length) > 0' "$tmp/fs_json.plan.json"
check "plan-matrix.sh: a group that is not 1k1k/1k8k/8k1k goes to the 'other' jobs" \
	jq -e '(.single_other_part1 | length) > 0 and all(.single_other_part1[]; .isl == 2048 and .osl == 128)' \
	"$tmp/added_out.plan.json"
check "plan-matrix.sh: the changelog's multi-node groups go to multi-node parts only" \
	jq -e '[to_entries[] | select(.key | test("^multi_")) | .value[] | has("prefill")] | all and length > 0' \
	"$tmp/added_out.plan.json"
if MATRIX_MAX_JOBS=100 bash "$plan" "$tmp/fs.json" >/dev/null 2>"$tmp/err"; then
	fail "plan-matrix.sh: a group larger than its parts is an error"
elif grep -q 'add a job single_1k1k_part3' "$tmp/err"; then
	ok "plan-matrix.sh: a group larger than its parts is an error naming the job to add"
else
	fail "plan-matrix.sh: a group larger than its parts: unexpected message"
	cat "$tmp/err"
fi
echo '[]' >"$tmp/empty.json"
check "plan-matrix.sh: nothing to run: runs" plan_json "$tmp/empty.json" empty
check "plan-matrix.sh: nothing to run: every output empty, has_entries false" \
	jq -e '.has_entries == false and ([to_entries[] | select(.key != "has_entries") | .value == []] | all)' \
	"$tmp/empty.plan.json"
jq '[.[] | select(has("prefill"))]' "$tmp/fs.json" >"$tmp/multi-only.json"
check "plan-matrix.sh: multi-node only: runs" plan_json "$tmp/multi-only.json" multi_only
check "plan-matrix.sh: multi-node only: the canary is multi-node, lowest min(conc)" \
	canary_is_lowest "$tmp/multi-only.json" multi_only
check "plan-matrix.sh: multi-node only: every entry planned exactly once" conserved "$tmp/multi-only.json" multi_only
echo '{"single_node": {"1k1k": {}}, "multi_node": {}}' >"$tmp/bad.json"
check "plan-matrix.sh: a malformed changelog object is an error" sh -c "! bash '$plan' '$tmp/bad.json' 2>/dev/null"

# result-filename.sh: executor-spec 2.3, by hand
single='{"image":"i","model":"m","model-prefix":"dsr1","precision":"fp8","framework":"sglang","runner":"h200","isl":1024,"osl":1024,"tp":8,"conc":4,"max-model-len":2248,"ep":1,"dp-attn":false,"spec-decoding":"none","exp-name":"dsr1_1k1k","disagg":false,"run-eval":false}'
multi='{"image":"i","model":"m","model-prefix":"dsr1","precision":"fp4","framework":"dynamo-trt","runner":"gb200","isl":1024,"osl":8192,"spec-decoding":"mtp","prefill":{"num-worker":2,"tp":4,"ep":4,"dp-attn":true},"decode":{"num-worker":1,"tp":8,"ep":8,"dp-attn":false,"additional-settings":[]},"conc":[512,64,1024],"max-model-len":9416,"exp-name":"dsr1_1k8k","disagg":true,"run-eval":false}'
expect_name() { # NAME ENTRY NODE EXPECTED
	local got
	got=$(bash "$rfn" "$3" <<<"$2" 2>&1) || true
	if [ "$got" = "$4" ]; then ok "$1"; else fail "$1: got '$got', want '$4'"; fi
}
expect_name "result-filename.sh: single-node (executor-spec 2.3)" "$single" h200-nv_0 \
	dsr1_1k1k_fp8_sglang_tp8-ep1-dpafalse_disagg-false_spec-none_conc4_h200-nv_0
expect_name "result-filename.sh: multi-node (executor-spec 2.3; conc joined by x in list order)" "$multi" gb200-nv_1 \
	dsr1_1k8k_fp4_dynamo-trt_prefill-tp4-ep4-dptrue-nw2_decode-tp8-ep8-dpfalse-nw1_disagg-true_spec-mtp_conc512x64x1024_gb200-nv_1
for input in "$changelog" "$tmp/fs.json" "$tmp/tc.json"; do
	jq -c 'if type == "array" then .[] else (.single_node, .multi_node) | .[][] end' "$input" >"$tmp/entries"
	if bash "$rfn" node_0 "$tmp/entries" >"$tmp/names" 2>"$tmp/err" &&
		[ "$(wc -l <"$tmp/names")" -eq "$(wc -l <"$tmp/entries")" ]; then
		ok "result-filename.sh: every entry of $(basename "$input") ($(wc -l <"$tmp/entries")) has a name"
	else
		fail "result-filename.sh: entries of $(basename "$input")"
		head -5 "$tmp/err"
	fi
done
refused() { # FILTER: result-filename.sh must refuse the single-node entry changed by FILTER
	jq -c "$1" <<<"$single" >"$tmp/changed.json"
	! bash "$rfn" n "$tmp/changed.json"
}
check "result-filename.sh: a missing key is an error, not 'null' in a name" refused 'del(.tp)'
check "result-filename.sh: a '/' in a field is an error (artifact names cannot carry it)" \
	refused '.precision = "a/b"'
check "result-filename.sh: a string tp is an error" refused '.tp = "8"'

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
