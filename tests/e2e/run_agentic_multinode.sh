#!/usr/bin/env bash
# run_agentic_multinode.sh: `executor run` of a multi-node agentic entry (scenario-type
# agentic-coding, multinode, aggregated: decode num-worker 0, as upstream's
# dsv4-fp8-h200-dynamo-sglang-agentic-agg) against the simulator, through the demo recipe
# benchmarks/multi_node/agentic/sim_fp8_sim_sim.sh (one simserver stands in for the
# deployment and reports DECODE_GPUS=0). The entry is matrixgen's, given a conc list [1, 3]:
#   - --dry-run names the multi-node agentic recipe and one replay per conc;
#   - the run replays the shipped AgentX trace once per conc against the one deployment, and
#     passes upstream's result check (benchmark-multinode-tmpl.yml: exactly one
#     {RF}_conc{N}.json per conc of CONC_LIST, each with num_requests_successful > 0): no file
#     of ours matches that glob besides them;
#   - per conc: the processed result has that conc, the aggregated multi-node shape and every
#     turn successful; the replay kept at most conc sessions live; one record per turn; the
#     agg_ copy has the same bytes;
#   - the artifact holds every file (the per-conc folders agentic/conc_N/ included), meta.json
#     says success with every phase, and `executor aggregate` shows one row per conc;
#   - a simulator that answers 500 to every request fails the run in the load phase, naming
#     the conc, with a failure artifact, no processed result, and nothing left running.
# usage: run_agentic_multinode.sh PATH/TO/executor PATH/TO/simserver PATH/TO/matrixgen
# shellcheck source-path=SCRIPTDIR source=run_lib.bash
. "$(dirname "$0")/run_lib.bash"
MATRIXGEN=$(realpath "${3:?usage: $0 EXECUTOR SIMSERVER MATRIXGEN}")

local_setup e2elocal
mkdir -p "$WS/tests"
cp -r "$REPO/tests/trace" "$WS/tests/"
local_profile e2efault 'SIM_TTFT_MS: "5"' 'SIM_ITL_MS: "1"' 'SIM_FAULT: "500=1"'
cat >"$T/runners.yaml" <<YAML
labels:
  cluster:e2elocal:
    - $NODE
hardware:
  cluster:e2elocal:
    available-cpu-dram-mib: 65536
    gpus-per-node: 8
YAML
cat >"$T/agentic.yaml" <<YAML
sim-fp8-sim-sim-agentic-agg:
  image: localhost/simserver:latest
  model: sim-model
  model-prefix: sim
  runner: cluster:e2elocal
  precision: fp8
  framework: sim
  multinode: true
  disagg: false
  scenarios:
    agentic-coding:
    - dram-utilization: 0.80
      search-space:
      - spec-decoding: none
        conc-list: [1, 3]
        kv-offloading: none
        prefill: { num-worker: 1, tp: 2, ep: 1, dp-attn: false }
        decode: { num-worker: 0, tp: 2, ep: 1, dp-attn: false }
YAML
"$MATRIXGEN" full-sweep --config-files "$T/agentic.yaml" --runner-config "$T/runners.yaml" \
	>"$T/matrix.json" 2>"$T/matrix.err"
# matrixgen makes one entry per conc, as upstream's generator; run takes a conc list too
expect_eq "matrixgen: one multi-node agentic entry per conc" \
	"$(jq -c '[length, .[0]."scenario-type", .[0].conc, .[1].conc, .[0].decode."num-worker"]' "$T/matrix.json")" \
	'[2,"agentic-coding",[1],[3],0]'
E=$(jq -c '.[0] | .conc = [1, 3]' "$T/matrix.json")
RF=$("$EXE" result-filename --entry-json "$E" --node "$NODE" 2>/dev/null)

# ---------------------------------------------------------------- dry run
xrun dry --entry-json "$E" "${COMMON[@]}" --output-dir "$T/dry" --max-duration 2 --dry-run
expect_eq "dry run: exit 0" "$RC" 0
check "dry run: the multi-node agentic recipe" \
	grep -qx "recipe: $WS/benchmarks/multi_node/agentic/sim_fp8_sim_sim.sh" "$T/dry.out"
check "dry run: one replay per conc" grep -qx "replay: 1, then 3 live sessions for 2 s" "$T/dry.out"

# ---------------------------------------------------------------- the run
xrun mn --entry-json "$E" "${COMMON[@]}" --output-dir "$T/mn" --max-duration 2 \
	--server-metrics-interval 0.5
expect_eq "multi-node agentic run: exit 0" "$RC" 0
[ "$RC" = 0 ] || sed 's/^/# /' "$T/mn.err" | tail -20
D=$T/mn
# upstream's check after the launcher (benchmark-multinode-tmpl.yml, agentic-coding)
CONC_LIST=$(jq -r '.conc | map(tostring) | join(" ")' <<<"$E")
shopt -s nullglob
results=("$D/${RF}"_conc*.json)
shopt -u nullglob
expect_eq "upstream's check: one {RF}_conc*.json per conc of CONC_LIST" \
	"${#results[@]}" "$(wc -w <<<"$CONC_LIST" | tr -d ' ')"
for f in "${results[@]}"; do
	check "upstream's check: ${f##*_} has successful requests" \
		test "$(jf "$f" '(.num_requests_successful // 0) > 0')" = true
done
want=$(printf '%s\n' server.log entry.json deployment.env meta.json)
for c in 1 3; do
	P=$D/${RF}_conc$c.json
	R=$D/agentic/conc_$c/replay_result.json
	turns=$(jf "$R" .turns)
	check "conc $c: turns were sent" test "${turns:-0}" -gt 10
	expect_eq "conc $c: the processed result's conc and aggregated multi-node shape" \
		"$(jf "$P" -c '[.scenario_type, .conc, .is_multinode, .disagg, .tp, .num_prefill_gpu, .num_decode_gpu, .decode_num_workers]')" \
		"[\"agentic-coding\",$c,true,false,2,2,0,0]"
	warm=$(jf "$R" .warmup_requests)
	expect_eq "conc $c: every turn counted, all successful, the warm-up dropped" \
		"$(jf "$P" -c '[.num_requests_total, .num_requests_successful, .request_accounting.records_warmup_dropped]')" \
		"[$((turns + warm)),$turns,$warm]"
	# shellcheck disable=SC2016 # $c is jq's (--argjson)
	expect_eq "conc $c: live sessions bounded by the conc" \
		"$(jf "$R" -c --argjson c "$c" '[.max_concurrency, (.max_live_sessions <= $c), (.max_live_sessions >= 1), .duration_bound_s]')" \
		"[$c,true,true,2]"
	expect_eq "conc $c: one record per turn and per warm-up request" \
		"$(wc -l <"$D/agentic/conc_$c/aiperf_artifacts/profile_export.jsonl" 2>/dev/null | tr -d ' ')" "$((turns + warm))"
	check "conc $c: the agg_ copy has the same bytes" cmp -s "$P" "$D/agg_${RF}_conc$c.json"
	want+=$'\n'$(printf '%s\n' "${RF}_conc$c.json" "agg_${RF}_conc$c.json" \
		"agentic/conc_$c/replay_result.json" "agentic/conc_$c/server_metrics.json" \
		"agentic/conc_$c/aiperf_artifacts/profile_export.jsonl")
done
expect_eq "the tarball holds every file" \
	"$(tar tzf "$D/bmk_$RF.tar.gz" 2>/dev/null | sort | tr '\n' ' ')" "$(sort <<<"$want" | tr '\n' ' ')"
expect_eq "meta.json success, every phase, launcher local" \
	"$(jf "$D/meta.json" -c '[.exit.status, .launcher, ([.phases[].name] | join(","))]')" \
	'["success","local","validate,prepare,leftovers,start,health,load,process,stop,artifact"]'
check "summary line: the last conc's figures" grep -q "^executor: ok .*$RF: .* turns of .*(conc 3)$" "$T/mn.err"
"$EXE" aggregate "$D" >"$T/agg.md" 2>"$T/agg.err"
expect_eq "aggregate: exit 0" "$?" 0
expect_eq "aggregate: one agentic row per conc" \
	"$(grep -cE '^\| sim +\| CLUSTER:E2ELOCAL +\| SIM +\| FP8 +\| +[13] \| +2 \|' "$T/agg.md")" 2
no_procs_left "multi-node agentic run"
check "multi-node agentic run: the port is closed" port_closed "$PORT"

# ---------------------------------------------------------------- a server that answers 500
RFF=$("$EXE" result-filename --entry-json "$E" --node e2efault_0 2>/dev/null)
xrun fail --entry-json "$E" --node e2efault_0 --workspace "$WS" --output-dir "$T/fail" \
	--max-duration 2
expect_eq "500s: exit 1" "$RC" 1
meta_exit_ok "500s" "$T/fail" load null
check "500s: names the conc" grep -q "no turn of the trace succeeded at concurrency 1 (1 live sessions; see agentic/conc_1/replay_result.json)" "$T/fail.err"
artifact_ok "500s" "$T/fail"
shopt -s nullglob
results=("$T/fail/${RFF}"_conc*.json "$T/fail/agg_"*.json)
shopt -u nullglob
expect_eq "500s: no processed result" "${#results[@]}" 0
check "500s: the failed replay's result is in the artifact" test "$(tar tzf "$T/fail/bmk_$RFF.tar.gz" 2>/dev/null |
	grep -c '^agentic/conc_1/replay_result.json$')" = 1
no_procs_left "500s"
check "500s: the port is closed" port_closed "$PORT"
finish
