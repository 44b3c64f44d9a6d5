#!/usr/bin/env bash
# run_eval.sh: the accuracy eval end to end against the simulator, whose share of right answers
# is known (tests/sim/sim_eval.h: of the first n questions, floor(n * A) right; of the wrong
# ones, those at odd positions found by flexible-extract only), so every score is exact:
#   - `executor eval` on the shipped 50 questions at A = 0.8: strict 40/50, flexible 45/50,
#     below the default threshold 0.90: exit 1, the results JSON in lm-eval's shape;
#   - --limit 20 with a thresholds file of 0.5: 16/20 and 18/20, exit 0; a models.<prefix> row
#     wins over default; a bad thresholds file is refused at its line and column;
#   - `executor run`, run-eval: the load, then the eval phase, results_gsm8k.json and
#     samples_gsm8k.jsonl in the tarball, the scores on the summary line;
#   - `executor run`, eval-only, a score below its threshold: no load, exit 1, meta.json names
#     the eval phase, the eval's files still in the artifact.
# usage: run_eval.sh PATH/TO/executor PATH/TO/simserver
# shellcheck source-path=SCRIPTDIR source=run_lib.bash
. "$(dirname "$0")/run_lib.bash"

DATA=$REPO/configs/evals/gsm8k-subset.jsonl
make_workspace
mkdir -p "$WS/configs"
cp -r "$REPO/configs/evals" "$REPO/configs/eval-thresholds.yaml" "$WS/configs/"

# ---------------------------------------------------------------- executor eval, alone
SPORT=$(infbench_free_port)
"$SIM" --port "$SPORT" --eval-dataset "$DATA" --eval-accuracy 0.8 >"$T/sim.log" 2>&1 &
SIMPID=$!
on_cleanup "kill $SIMPID 2>/dev/null"
wait_for 10 curl -sf "http://127.0.0.1:$SPORT/health" -o /dev/null
URL=http://127.0.0.1:$SPORT

(cd "$REPO" && "$EXE" eval --base-url "$URL" --model sim-model --output-dir "$T/ev" \
	>"$T/ev.out" 2>"$T/ev.err")
expect_eq "eval: below the default threshold: exit 1" "$?" 1
expect_eq "eval: summary line" "$(cat "$T/ev.out")" \
	"gsm8k: strict-match 0.8000 (40/50), flexible-extract 0.9000 (45/50), min 0.90 (default): FAIL"
check "eval: the failure says why" grep -q "eval gsm8k: a score is below its threshold 0.90 (default)" "$T/ev.err"
R=$T/ev/results_gsm8k.json
expect_eq "eval: results in lm-eval's shape" \
	"$(jq -c '[.results.gsm8k["exact_match,strict-match"], .results.gsm8k["exact_match,flexible-extract"], ."n-samples".gsm8k.effective, .configs.gsm8k.num_fewshot, [.configs.gsm8k.filter_list[].name], .model_name, (has("lm_eval_version")), .threshold.pass, .threshold.source]' "$R")" \
	'[0.8,0.9,50,5,["strict-match","flexible-extract"],"sim-model",true,false,"default"]'
expect_eq "eval: stderr as lm-eval's mean_stderr" \
	"$(jq -r '.results.gsm8k["exact_match_stderr,strict-match"] * 1e6 | round' "$R")" \
	"$(python3 -c 'import math; print(round(math.sqrt(.8*.2/49)*1e6))')"
expect_eq "eval: one sample line per question, matches adding up" \
	"$(jq -s -c '[length, (map(."exact_match,strict-match") | add), (map(."exact_match,flexible-extract") | add)]' "$T/ev/samples_gsm8k.jsonl")" \
	'[50,40,45]'

cat >"$T/th.yaml" <<'YAML'
default:
  gsm8k: 0.5
models:
  strict:
    gsm8k: 0.85
YAML
(cd "$REPO" && "$EXE" eval --base-url "$URL" --model sim-model --limit 20 --conc 3 \
	--thresholds "$T/th.yaml" >"$T/ev2.out" 2>"$T/ev2.err")
expect_eq "eval --limit 20, threshold 0.5: exit 0" "$?" 0
expect_eq "eval --limit 20: exact scores" "$(cat "$T/ev2.out")" \
	"gsm8k: strict-match 0.8000 (16/20), flexible-extract 0.9000 (18/20), min 0.50 (default): PASS"
(cd "$REPO" && "$EXE" eval --base-url "$URL" --model sim-model --limit 20 --model-prefix strict \
	--thresholds "$T/th.yaml" >"$T/ev3.out" 2>"$T/ev3.err")
expect_eq "eval: models.<prefix> wins over default: exit 1" "$?" 1
expect_eq "eval: models.<prefix> named" "$(cat "$T/ev3.out")" \
	"gsm8k: strict-match 0.8000 (16/20), flexible-extract 0.9000 (18/20), min 0.85 (models.strict): FAIL"
printf 'default:\n  gsm8k: high\n' >"$T/bad.yaml"
"$EXE" eval --base-url "$URL" --model sim-model --dataset "$DATA" --thresholds "$T/bad.yaml" \
	>"$T/ev4.out" 2>"$T/ev4.err"
expect_eq "eval: a bad thresholds file: exit 1" "$?" 1
expect_eq "eval: a bad thresholds file: where and what" "$(cat "$T/ev4.err")" \
	"$T/bad.yaml:2:10: default.gsm8k: expected a number from 0 to 1, found string \"high\""
(cd "$REPO" && "$EXE" eval --base-url "$URL" --model other --limit 2 >"$T/ev5.out" 2>"$T/ev5.err")
expect_eq "eval: a server that refuses: exit 1" "$?" 1
check "eval: a server that refuses: the HTTP status" grep -q -E "2 of 2 questions got no answer; first: question [12] \(line [12]\): HTTP 404: .*the model does not exist" "$T/ev5.err"

# ---------------------------------------------------------------- executor run
PORT=$(infbench_free_port)
NODE=e2eeval_0
write_profile() { local_profile e2eeval "SIM_EVAL_DATASET: $DATA" "SIM_EVAL_ACCURACY: \"$1\""; }
COMMON=(--node "$NODE" --workspace "$WS")

write_profile 1
E=$(entry_json '."exp-name" = "evalsim_1024_64" | ."run-eval" = true')
RF=$(rf "$E" "$NODE")
xrun re --entry-json "$E" "${COMMON[@]}" --output-dir "$T/re"
expect_eq "run-eval: exit 0" "$RC" 0
[ "$RC" = 0 ] || sed 's/^/# /' "$T/re.err" | tail -20
expect_eq "run-eval: phases" "$(jf "$T/re/meta.json" -c '[.exit.status, ([.phases[].name] | join(","))]')" \
	'["success","validate,prepare,leftovers,start,health,load,eval,process,stop,artifact"]'
check "run-eval: summary line with the load and the scores" grep -q \
	"^executor: ok  *$RF: 10/10 requests.*; gsm8k: strict-match 1.0000 (50/50), flexible-extract 1.0000 (50/50), min 0.90 (models.sim\|default): PASS" "$T/re.err"
expect_eq "run-eval: eval files in the tarball" \
	"$(tar tzf "$T/re/bmk_$RF.tar.gz" | grep -E 'gsm8k|^agg_' | sort | tr '\n' ' ')" \
	"agg_$RF.json results_gsm8k.json samples_gsm8k.jsonl "
expect_eq "run-eval: the entry's model prefix picks the thresholds" \
	"$(jf "$T/re/results_gsm8k.json" -c '[.threshold.model_prefix, .threshold.source, .threshold.pass]')" \
	'["sim","default",true]'

write_profile 0.8
# eval-only is a v2 key: a v2 entry (pp, dcp-size, pcp-size), named the v2 way
E=$(entry_json '."exp-name" = "evalsim_1024_64" | ."eval-only" = true | .pp = 1 | ."dcp-size" = 1 | ."pcp-size" = 1')
RF=$("$EXE" result-filename --entry - --node "$NODE" <<<"$E")
xrun eo --entry-json "$E" "${COMMON[@]}" --output-dir "$T/eo" --eval-limit 10
expect_eq "eval-only below threshold: exit 1" "$RC" 1
expect_eq "eval-only: meta.json names the eval phase, no load" \
	"$(jf "$T/eo/meta.json" -c '[.exit.status, .exit.failed_phase, ([.phases[].name] | join(","))]')" \
	'["failure","eval","validate,prepare,leftovers,start,health,eval,stop,artifact"]'
check "eval-only: the summary line says why" grep -q \
	"FAILED  $RF: running the accuracy eval: eval gsm8k below its threshold 0.90 (default): strict-match 0.8000, flexible-extract 0.9000" "$T/eo.err"
expect_eq "eval-only: the eval's files in the artifact, no raw result" \
	"$(tar tzf "$T/eo/bmk_$RF.tar.gz" | grep -E 'gsm8k|json$' | grep -v -e meta.json -e entry.json | sort | tr '\n' ' ')" \
	"results_gsm8k.json samples_gsm8k.jsonl "
expect_eq "eval-only: 10 questions, 8 right" \
	"$(jf "$T/eo/results_gsm8k.json" -c '[.["n-samples"].gsm8k.effective, .results.gsm8k["exact_match,strict-match"]]')" '[10,0.8]'

finish
