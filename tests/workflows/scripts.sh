#!/usr/bin/env bash
# scripts.sh WFCHECK MATRIXGEN EXECUTOR ROOT
#   Runs what the workflows run on what matrixgen really prints: plan-matrix.sh (the 256-job
#   split and the canary of run-sweep.yml / e2e-tests.yml, .github/scripts/), and each
#   template's step that names the result (RESULT_FILENAME, executor-spec 2.3, which names
#   the bmk_* artifacts) as the job runs it: its `run:` script, written out by
#   `wfcheck --dump-run`, calling the executor. Nothing under .github/ may build that name
#   itself: only `executor result-filename` does.
#   Prints one line per case, then "N passed, N failed"; exit 0 only when nothing failed.
set -euo pipefail
if [ $# -ne 4 ]; then
	echo "usage: scripts.sh WFCHECK MATRIXGEN EXECUTOR ROOT" >&2
	exit 2
fi
wfcheck=$(realpath "$1") matrixgen=$(realpath "$2") executor=$(realpath "$3") root=$(realpath "$4")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$root"
plan=.github/scripts/plan-matrix.sh
changelog=tests/golden/changelog/added.out
# the v1 master configs the workflows' executor reads (configs/ holds v2 ones since issue 10)
configs=(tests/golden/inputs/real-amd-master.yaml tests/golden/inputs/real-nvidia-master.yaml)
runners=tests/golden/inputs/real-runners.yaml
passed=0 failed=0
ok() { echo "ok: $1"; passed=$((passed + 1)); }
fail() { echo "FAIL: $1"; failed=$((failed + 1)); }
check() { # NAME COMMAND...: the command must succeed
	local name=$1
	shift
	if "$@" >"$tmp/out" 2>&1; then ok "$name"; else fail "$name"; sed 's/^/    /' "$tmp/out" | head -20; fi
}

"$matrixgen" full-sweep --runner-config "$runners" --config-files "${configs[@]}" >"$tmp/fs.json" 2>/dev/null
"$matrixgen" test-config --runner-config "$runners" --config-files "${configs[@]}" --config-keys 'dsr1-*' --conc 4 >"$tmp/tc.json" 2>/dev/null
# v2: the changelog of configs/perf-changelog.yaml as run-sweep.yml's setup gets it (through
# ci-priority), upstream's recorded ones (agentic groups, eval buckets), and arrays of both
here=$(dirname "$(realpath "$0")")
bash "$here/own-changelog.sh" "$matrixgen" . >"$tmp/own-changelog.json"
v2own=(--config-files configs/amd-master.yaml configs/nvidia-master.yaml --runner-config configs/runners.yaml)
"$matrixgen" full-sweep "${v2own[@]}" >"$tmp/v2-fs.json"
"$matrixgen" full-sweep --config-files tests/upstream-v2/configs/amd-master.yaml tests/upstream-v2/configs/nvidia-master.yaml \
	--runner-config tests/upstream-v2/configs/runners.yaml --evals-only >"$tmp/v2-up-evals.json" 2>/dev/null
cp tests/golden/changelog-v2/real-tail.out "$tmp/real-tail.json"
cp tests/golden/changelog-v2/evals.out "$tmp/evals.json"

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
	  def all_entries: if type == "array" then . else [(.single_node, .multi_node) | .[]?[]]
	    + [(.evals, .agentic_evals, .multinode_evals, .multinode_agentic_evals) | .[]?] end;
	  def sorted: map(tojson) | sort;
	  ($p[0] | [to_entries[] | select(.key | test("^canary_|_part[0-9]+$")) | .value[]]) as $planned
	  | (all_entries | sorted) == ($planned | sorted)' "$1" >/dev/null
}
within_limit() { # NAME: no part holds more than 256 entries, each output is one line
	jq -e '[to_entries[] | select(.key | test("_part[0-9]+$")) | .value | length] | all(. <= 256)' \
		"$tmp/$1.plan.json" >/dev/null &&
		[ "$(wc -l <"$tmp/$1.plan")" -eq "$(jq 'length' "$tmp/$1.plan.json")" ]
}
# the canary is, among the fixed-seq-len entries that run no eval (not agentic, run-eval not
# true: eval-only rows have it true), the single-node entry of lowest conc (first of those),
# else the multi-node one of lowest min(conc); it is the only entry of its kind's canary output
canary_is_lowest() { # INPUT NAME
	jq -e --slurpfile p "$tmp/$2.plan.json" '
	  (if type == "array" then . else [(.single_node, .multi_node) | .[]?[]] end
	   | map(select((has("scenario-type") | not) and .["run-eval"] != true))) as $all
	  | [$all[] | select(has("prefill") | not)] as $s | [$all[] | select(has("prefill"))] as $m
	  | if ($s | length) > 0 then
	      $p[0].canary_single == [$s | min_by(.conc)] and $p[0].canary_multi == []
	      and ([$s[] | .conc] | min) == $p[0].canary_single[0].conc
	    elif ($m | length) > 0 then $p[0].canary_multi == [$m | min_by(.conc | min)] and $p[0].canary_single == []
	    else $p[0].canary_single == [] and $p[0].canary_multi == [] end' "$1" >/dev/null
}

for input in "$changelog" "$tmp/fs.json" "$tmp/tc.json" "$tmp/own-changelog.json" "$tmp/v2-fs.json" \
	"$tmp/v2-up-evals.json" "$tmp/real-tail.json" "$tmp/evals.json"; do
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
# v2 buckets: each goes whole, in order, to its own slices (nothing else there)
slice_is() { # NAME SLICE JQ-OF-THE-INPUT INPUT
	jq -e --slurpfile p "$tmp/$1.plan.json" --arg s "$2" "($3) as \$want
	  | [\$p[0] | to_entries[] | select(.key | test(\"^\" + \$s + \"_part[0-9]+\$\")) | .value[]] == \$want
	    and (\$want | length) > 0" "$4" >/dev/null
}
check "plan-matrix.sh: single_node.agentic -> single_agentic parts" slice_is real_tail_json single_agentic '.single_node.agentic' "$tmp/real-tail.json"
check "plan-matrix.sh: multi_node.agentic -> multi_agentic parts" slice_is real_tail_json multi_agentic '.multi_node.agentic' "$tmp/real-tail.json"
check "plan-matrix.sh: agentic_evals -> single_agentic_evals parts" slice_is real_tail_json single_agentic_evals '.agentic_evals' "$tmp/real-tail.json"
check "plan-matrix.sh: multinode_agentic_evals -> multi_agentic_evals parts" slice_is real_tail_json multi_agentic_evals '.multinode_agentic_evals' "$tmp/real-tail.json"
check "plan-matrix.sh: evals -> single_evals parts" slice_is evals_json single_evals '.evals' "$tmp/evals.json"
check "plan-matrix.sh: multinode_evals -> multi_evals parts" slice_is evals_json multi_evals '.multinode_evals' "$tmp/evals.json"
check "plan-matrix.sh: own changelog (ci-priority): evals -> single_evals parts" slice_is own_changelog_json single_evals '.evals' "$tmp/own-changelog.json"
# shellcheck disable=SC2016 # a jq program
check "plan-matrix.sh: an array's eval-only rows go to the eval slices, its agentic rows to the agentic ones" \
	jq -e '[to_entries[] | select(.key | test("_part[0-9]+$")) | .key as $k | .value[]
	  | ($k | test("evals")) == (.["eval-only"] == true) and ($k | test("agentic")) == has("scenario-type")] | all' \
	"$tmp/v2_up_evals_json.plan.json"
check "plan-matrix.sh: only agentic and eval rows: no canary, has_entries true" \
	jq -e '.canary_single == [] and .canary_multi == [] and .has_entries' "$tmp/real_tail_json.plan.json"
check "plan-matrix.sh: the canary of a v2 full sweep runs no eval" \
	jq -e '.canary_single | length == 1 and .[0]["run-eval"] == false' "$tmp/v2_fs_json.plan.json"
jq -c '{single_node: {"1k1k": .multinode_evals[:1]}, multi_node: {}}' "$tmp/evals.json" >"$tmp/misfiled.json"
check "plan-matrix.sh: a multi-node entry filed under single_node is an error" \
	sh -c "! bash '$plan' '$tmp/misfiled.json' 2>'$tmp/misfiled.err' && grep -q 'a multi-node entry among single-node ones' '$tmp/misfiled.err'"
# the workflows: every job that waits for the canaries also starts when there is none
no_canary_gate() {
	local wf n g
	for wf in .github/workflows/run-sweep.yml .github/workflows/e2e-tests.yml; do
		n=$(grep -c '^    needs: \[setup, canary-single, canary-multi\]$' "$wf")
		g=$(grep -cF "|| (needs.setup.outputs.canary_single == '[]' && needs.setup.outputs.canary_multi == '[]'))" "$wf")
		if [ "$n" -eq 0 ] || [ "$n" -ne "$g" ]; then
			echo "$wf: $n jobs wait for the canaries, $g start without one"
			return 1
		fi
	done
}
check "workflows: every slice job runs when there is no canary (only agentic or eval rows)" no_canary_gate
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

# RESULT_FILENAME: each template's naming step, run as the job runs it ($BUILD_DIR holds the
# executor the job built), must name the entries as executor-spec 2.3 says, by hand
mkdir -p "$tmp/steps"
"$wfcheck" --dump-run "$tmp/steps" .github/workflows/*.yml >/dev/null || true # its verdict is check.sh's
mkdir -p "$tmp/build/executor"
ln -s "$executor" "$tmp/build/executor/executor"
naming_step() { # TEMPLATE: the dumped run: script of its step that calls result-filename
	grep -l 'executor" result-filename' "$tmp/steps/$1".*.sh 2>/dev/null | head -1
}
single='{"image":"i","model":"m","model-prefix":"dsr1","precision":"fp8","framework":"sglang","runner":"h200","isl":1024,"osl":1024,"tp":8,"conc":4,"max-model-len":2248,"ep":1,"dp-attn":false,"spec-decoding":"none","exp-name":"dsr1_1k1k","disagg":false,"run-eval":false}'
multi='{"image":"i","model":"m","model-prefix":"dsr1","precision":"fp4","framework":"dynamo-trt","runner":"gb200","isl":1024,"osl":8192,"spec-decoding":"mtp","prefill":{"num-worker":2,"tp":4,"ep":4,"dp-attn":true},"decode":{"num-worker":1,"tp":8,"ep":8,"dp-attn":false,"additional-settings":[]},"conc":[512,64,1024],"max-model-len":9416,"exp-name":"dsr1_1k8k","disagg":true,"run-eval":false}'
run_naming() { # TEMPLATE ENTRY NODE: runs the step; its name= output on stdout
	local step
	step=$(naming_step "$1") || true
	[ -n "$step" ] || { echo "no step of $1 calls executor result-filename" >&2; return 1; }
	: >"$tmp/gh_output"
	ENTRY=$2 RUNNER_NAME=$3 BUILD_DIR="$tmp/build" GITHUB_OUTPUT="$tmp/gh_output" \
		bash "$step" >/dev/null 2>"$tmp/step.err" || { cat "$tmp/step.err" >&2; return 1; }
	sed -n 's/^name=//p' "$tmp/gh_output"
}
expect_name() { # NAME TEMPLATE ENTRY NODE EXPECTED
	local got
	got=$(run_naming "$2" "$3" "$4" 2>&1) || true
	if [ "$got" = "$5" ]; then ok "$1"; else fail "$1: got '$got', want '$5'"; fi
}
expect_name "benchmark-tmpl.yml names a single-node entry (executor-spec 2.3)" \
	benchmark-tmpl.yml "$single" h200-nv_0 \
	dsr1_1k1k_fp8_sglang_tp8-ep1-dpafalse_disagg-false_spec-none_conc4_h200-nv_0
expect_name "benchmark-multinode-tmpl.yml names a multi-node entry (executor-spec 2.3; conc joined by x in list order)" \
	benchmark-multinode-tmpl.yml "$multi" gb200-nv_1 \
	dsr1_1k8k_fp4_dynamo-trt_prefill-tp4-ep4-dptrue-nw2_decode-tp8-ep8-dpfalse-nw1_disagg-true_spec-mtp_conc512x64x1024_gb200-nv_1
refused() { # FILTER MESSAGE: the single-node naming step must fail on the entry changed by
	# FILTER, with the executor's MESSAGE
	local changed
	changed=$(jq -c "$1" <<<"$single")
	! run_naming benchmark-tmpl.yml "$changed" n >"$tmp/refused.out" 2>&1 &&
		grep -qF -- "$2" "$tmp/refused.out"
}
check "naming step: a missing key is an error, not a name" refused 'del(.tp)' 'tp: missing key'
check "naming step: a '/' in a field is an error (a path could climb out of its folder)" \
	refused '.precision = "a/b"' "precision: expected a safe name"
check "naming step: a string tp is an error" refused '.tp = "8"' 'tp: expected an integer >= 1'
# every entry matrixgen prints gets a name from the executor (one call per input), except
# single-node entries with disagg: true, which matrixgen emits (matrix-spec 1.1) and the
# executor refuses (executor-spec 2.1): their job fails at the naming step, saying why
named_all() { # INPUT
	jq -c 'if type == "array" then . else [(.single_node, .multi_node) | .[][]]
	  + [(.evals, .agentic_evals, .multinode_evals, .multinode_agentic_evals) | .[]?] end' "$1" >"$tmp/all"
	jq -c '[.[] | select(has("prefill") or (.disagg | not))]' "$tmp/all" >"$tmp/named"
	jq -c '[.[] | select((has("prefill") | not) and .disagg)]' "$tmp/all" >"$tmp/refused"
	"$executor" result-filename --matrix "$tmp/named" --node node_0 >"$tmp/names" &&
		[ "$(wc -l <"$tmp/names")" -eq "$(jq length "$tmp/named")" ] || return 1
	if [ "$(jq length "$tmp/refused")" -gt 0 ]; then
		! "$executor" result-filename --matrix "$tmp/refused" --node node_0 >/dev/null 2>"$tmp/err" &&
			[ "$(grep -c 'a single-node entry cannot be disaggregated' "$tmp/err")" -eq "$(jq length "$tmp/refused")" ]
	fi
}
for input in "$changelog" "$tmp/fs.json" "$tmp/tc.json" "$tmp/own-changelog.json" "$tmp/real-tail.json" "$tmp/evals.json"; do
	check "executor result-filename: every entry of $(basename "$input") is named, or refused as disaggregated single-node" \
		named_all "$input"
done
# each template's "what the entry runs" step and its result check, run as the job runs them
step_of() { # TEMPLATE PATTERN: the dumped run: script of its step that contains PATTERN
	grep -lF -- "$2" "$tmp/steps/$1".*.sh 2>/dev/null | head -1
}
mode_of() { # TEMPLATE ENTRY: prints "mode evals" as the step writes them to $GITHUB_OUTPUT
	local step
	# shellcheck disable=SC2016 # the step's text, not an expansion
	step=$(step_of "$1" 'mode=$(jq')
	if [ -z "$step" ]; then echo "no mode step in $1"; return 1; fi
	: >"$tmp/gh_output"
	ENTRY=$2 GITHUB_OUTPUT="$tmp/gh_output" bash "$step" >/dev/null 2>&1 || return 1
	echo "$(sed -n 's/^mode=//p' "$tmp/gh_output") $(sed -n 's/^evals=//p' "$tmp/gh_output")"
}
expect_mode() { # TEMPLATE ENTRY-JQ INPUT WANT: the first entry JQ selects from INPUT
	local e got
	e=$(jq -c "$2" "$3")
	got=$(mode_of "$1" "$e" 2>&1) || true
	if [ "$got" = "$4" ]; then ok "$1: mode of $2: $4"; else fail "$1: mode of $2: got '$got', want '$4'"; fi
}
S=benchmark-tmpl.yml M=benchmark-multinode-tmpl.yml
expect_mode $S '[.single_node[][] | select(has("scenario-type") | not)][0]' "$tmp/own-changelog.json" "benchmark false"
expect_mode $S '[.[] | select(.["run-eval"] and (has("prefill") | not))][0]' "$tmp/v2-fs.json" "benchmark true"
expect_mode $S '.evals[0]' "$tmp/own-changelog.json" "eval-only true"
expect_mode $S '.single_node.agentic[0]' "$tmp/real-tail.json" "agentic false"
expect_mode $S '.agentic_evals[0]' "$tmp/real-tail.json" "eval-only true"
expect_mode $S '.single_node["1k1k"][0]' "$changelog" "benchmark false" # v1: neither key
expect_mode $M '.multi_node["8k1k"][0]' "$tmp/own-changelog.json" "benchmark false"
expect_mode $M '.multinode_evals[0]' "$tmp/evals.json" "eval-only true"
expect_mode $M '.multi_node.agentic[0]' "$tmp/real-tail.json" "agentic false"
expect_mode $M '.multinode_agentic_evals[0]' "$tmp/real-tail.json" "eval-only true"
# the result check: RESULTS holds FILES... (under the result's name RF), with the run's outcome
result_check() { # TEMPLATE ENTRY OUTCOME FILE...: exit status of the step
	local t=$1 e=$2 outcome=$3 step mode evals f
	shift 3
	step=$(step_of "$t" 'RUN_OUTCOME')
	if [ -z "$step" ]; then echo "no result check in $t"; return 2; fi
	read -r mode evals < <(mode_of "$t" "$e")
	rm -rf "$tmp/res" && mkdir -p "$tmp/res"
	for f in "$@"; do : >"$tmp/res/$f"; done
	RESULTS="$tmp/res" ENTRY=$e RESULT_FILENAME=RF RUN_OUTCOME=$outcome MODE=$mode EVALS=$evals \
		bash "$step" >"$tmp/check.out" 2>&1
}
expect_check() { # WHAT WANT(pass|fail) TEMPLATE ENTRY OUTCOME FILE...
	local what=$1 want=$2 got=pass
	shift 2
	result_check "$@" || got=fail
	if [ "$got" = "$want" ]; then ok "result check: $what -> $want"; else fail "result check: $what: got $got, want $want"; sed 's/^/    /' "$tmp/check.out"; fi
}
fixed=$(jq -c '[.single_node[][] | select(has("scenario-type") | not)][0]' "$tmp/own-changelog.json")
withev=$(jq -c '[.[] | select(.["run-eval"] and (has("prefill") | not))][0]' "$tmp/v2-fs.json")
evonly=$(jq -c '.evals[0]' "$tmp/own-changelog.json")
agentic=$(jq -c '.single_node.agentic[0]' "$tmp/real-tail.json")
mnfixed=$(jq -c '.multi_node["8k1k"][0] | .conc = [4, 8]' "$tmp/own-changelog.json")
mnev=$(jq -c '.multinode_evals[0]' "$tmp/evals.json")
expect_check "benchmark with its agg" pass $S "$fixed" success bmk_RF.tar.gz agg_RF.json
expect_check "benchmark without agg" fail $S "$fixed" success bmk_RF.tar.gz
expect_check "no tarball" fail $S "$fixed" success agg_RF.json
expect_check "a failed run needs only the tarball" pass $S "$fixed" failure bmk_RF.tar.gz
expect_check "run-eval benchmark with agg and eval results" pass $S "$withev" success bmk_RF.tar.gz agg_RF.json results_gsm8k.json
expect_check "run-eval benchmark without eval results" fail $S "$withev" success bmk_RF.tar.gz agg_RF.json
expect_check "eval-only with eval results, no agg" pass $S "$evonly" success bmk_RF.tar.gz results_gsm8k.json
expect_check "eval-only without eval results" fail $S "$evonly" success bmk_RF.tar.gz
expect_check "agentic with its processed result RF.json" pass $S "$agentic" success bmk_RF.tar.gz RF.json
expect_check "agentic without RF.json" fail $S "$agentic" success bmk_RF.tar.gz
expect_check "multi-node: one agg per conc" pass $M "$mnfixed" success bmk_RF.tar.gz \
	agg_RF_conc4_gpus_8_ctx_1_gen_4.json agg_RF_conc8_gpus_8_ctx_1_gen_4.json
expect_check "multi-node: a conc without agg" fail $M "$mnfixed" success bmk_RF.tar.gz agg_RF_conc4_gpus_8_ctx_1_gen_4.json
expect_check "multi-node eval-only with eval results" pass $M "$mnev" success bmk_RF.tar.gz results_gsm8k.json
expect_check "multi-node eval-only without eval results" fail $M "$mnev" success bmk_RF.tar.gz

# only the executor builds the name: no workflow or script spells its pattern
if grep -rnE -- '-dpa|_disagg-|_spec-|prefill-tp' .github >"$tmp/spelled"; then
	fail "RESULT_FILENAME is built outside the executor:"
	sed 's/^/    /' "$tmp/spelled"
else
	ok "nothing under .github/ builds RESULT_FILENAME itself (only executor result-filename)"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
