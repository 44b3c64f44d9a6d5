#!/usr/bin/env bash
# run_agentic.sh: `executor run` of an agentic v2 entry (scenario-type agentic-coding) through
# the `local` launcher with the simulator and its prefix cache
# (benchmarks/single_node/agentic/sim_fp8_sim_sim.sh), the entry made by matrixgen from a v2
# config with an agentic scenario on a cluster label mapped to the test's local profile:
#   - the run replays the workspace's shipped AgentX trace (the local launcher's default) with
#     conc live sessions for --max-duration seconds (the entry's DURATION capped), and leaves a
#     complete artifact: entry.json, server.log, the replay result {RF}.json, the records
#     aiperf_artifacts/profile_export.jsonl, the scrapes, the processed agentic result
#     agg_{RF}.json and meta.json (every phase, success) in bmk_{RF}.tar.gz;
#   - the processed result counts every turn the replay sent, all successful, and the server's
#     prefix-cache hit rate;
#   - `executor aggregate` over the output shows the run in its agentic table;
#   - --dry-run names the trace and the replay's bound; a missing --trace fails in the prepare
#     phase before any server starts; a non-local profile without a trace is told to give one.
# usage: run_agentic.sh PATH/TO/executor PATH/TO/simserver PATH/TO/matrixgen
# shellcheck source-path=SCRIPTDIR source=run_lib.bash
. "$(dirname "$0")/run_lib.bash"
MATRIXGEN=$(realpath "${3:?usage: $0 EXECUTOR SIMSERVER MATRIXGEN}")

local_setup e2elocal
mkdir -p "$WS/tests"
cp -r "$REPO/tests/trace" "$WS/tests/"
cat >"$WS/runners/e2edock.yaml" <<EOF
# fixture profile of tests/e2e/run_agentic.sh: never started (the trace is missing)
launcher: docker
gpu: sim
EOF
cat >"$T/runners.yaml" <<EOF
labels:
  cluster:e2elocal:
    - $NODE
hardware:
  cluster:e2elocal:
    available-cpu-dram-mib: 65536
    gpus-per-node: 8
EOF
cat >"$T/agentic.yaml" <<EOF
sim-fp8-sim-sim-agentic:
  image: localhost/simserver:latest
  model: sim-model
  model-prefix: sim
  runner: cluster:e2elocal
  precision: fp8
  framework: sim
  multinode: false
  scenarios:
    agentic-coding:
    - dram-utilization: 0.80
      search-space:
      - { tp: 1, ep: 1, spec-decoding: none, kv-offloading: none, conc-list: [2] }
EOF
"$MATRIXGEN" full-sweep --config-files "$T/agentic.yaml" --runner-config "$T/runners.yaml" \
	>"$T/matrix.json" 2>"$T/matrix.err"
expect_eq "matrixgen: one agentic entry" "$(jq -c '[length, .[0]."scenario-type", .[0].conc, .[0].duration]' "$T/matrix.json")" \
	'[1,"agentic-coding",2,3600]'
E=$(jq -c '.[0]' "$T/matrix.json")
RF=$("$EXE" result-filename --entry-json "$E" --node "$NODE" 2>/dev/null)

# ---------------------------------------------------------------- dry run
xrun dry --entry-json "$E" "${COMMON[@]}" --output-dir "$T/dry" --max-duration 2 --dry-run
expect_eq "dry run: exit 0" "$RC" 0
check "dry run: names the shipped trace" grep -qx "trace: $WS/tests/trace/agentx_small.jsonl" "$T/dry.out"
check "dry run: the replay's bound" grep -qx "replay: 2 live sessions for 2 s" "$T/dry.out"
check "dry run: the agentic recipe" grep -q "benchmarks/single_node/agentic/sim_fp8_sim_sim.sh" "$T/dry.out"

# ---------------------------------------------------------------- the run
xrun ag --entry-json "$E" "${COMMON[@]}" --output-dir "$T/ag" --max-duration 2 \
	--server-metrics-interval 0.5
expect_eq "agentic run: exit 0" "$RC" 0
[ "$RC" = 0 ] || sed 's/^/# /' "$T/ag.err" | tail -20
D=$T/ag
want=$(printf '%s\n' "agg_$RF.json" "$RF.json" "$RF.server_metrics.json" server.log entry.json \
	meta.json aiperf_artifacts/profile_export.jsonl | sort | tr '\n' ' ')
expect_eq "agentic run: the tarball holds every file" \
	"$(tar tzf "$D/bmk_$RF.tar.gz" 2>/dev/null | sort | tr '\n' ' ')" "$want"
expect_eq "agentic run: meta.json success, every phase" \
	"$(jf "$D/meta.json" -c '[.exit.status, ([.phases[].name] | join(","))]')" \
	'["success","validate,prepare,leftovers,start,health,load,process,stop,artifact"]'
check "agentic run: the load's times in meta.json" \
	test "$(jf "$D/meta.json" '.load.last_response_unix > .load.first_request_unix')" = true
turns=$(jf "$D/$RF.json" .turns)
check "agentic run: turns were sent" test "${turns:-0}" -gt 10
expect_eq "agentic run: the replay's bound and sessions" \
	"$(jf "$D/$RF.json" -c '[.trace, .max_concurrency, .duration_bound_s, .drain, (.max_live_sessions <= 2), (.duration < 3)]')" \
	"[\"$WS/tests/trace/agentx_small.jsonl\",2,2,true,true,true]"
warm=$(jf "$D/$RF.json" .warmup_requests)
expect_eq "agentic run: upstream's replay knobs (start 0.25-0.75, 10 warm-up steps a lane, idle caps 300 s / 10 s)" \
	"$(jf "$D/$RF.json" -c '[.trajectory_start_min_ratio, .trajectory_start_max_ratio, .warmup_requests_per_lane, .trace_idle_gap_cap_s, .system_idle_gap_cap_s, (.warmup_requests > 0), .warmup_failed]')" \
	"[0.25,0.75,10,300,10,true,0]"
expect_eq "agentic run: one record per turn and per warm-up request" \
	"$(wc -l <"$D/aiperf_artifacts/profile_export.jsonl" 2>/dev/null | tr -d ' ')" "$((turns + warm))"
A=$D/agg_$RF.json
expect_eq "agentic run: processed result's entry values" \
	"$(jf "$A" -c '[.scenario_type, .conc, .tp, .kv_offloading, .framework, .precision, .is_multinode]')" \
	'["agentic-coding",2,1,"none","sim","fp8",false]'
expect_eq "agentic run: every turn counted, all successful, the warm-up dropped" \
	"$(jf "$A" -c '[.num_requests_total, .num_requests_successful, .request_accounting.records_warmup_dropped]')" \
	"[$((turns + warm)),$turns,$warm]"
check "agentic run: interactivity and the server's cache hit rate" \
	test "$(jf "$A" '.request_metrics.latency.e2e_norm_intvty.p50 > 0 and .server_metrics.cache.overall_cache_hit_rate > 0.2')" = true
check "agentic run: summary line" grep -q "^executor: ok .*$RF: $turns/$turns turns" "$T/ag.err"
"$EXE" aggregate "$D" >"$T/agg.md" 2>"$T/agg.err"
expect_eq "aggregate: exit 0" "$?" 0
check "aggregate: the agentic table" grep -qx "## Agentic Results" "$T/agg.md"
check "aggregate: the run's row (conc 2, tp 1, all turns ok)" \
	grep -Eq "^\| sim +\| CLUSTER:E2ELOCAL +\| SIM +\| FP8 +\| +2 \| +1 \| none +\|.*\| $turns/$turns +\|" "$T/agg.md"

# ---------------------------------------------------------------- refusals
xrun missing --entry-json "$E" "${COMMON[@]}" --output-dir "$T/missing" --trace "$T/none.jsonl"
expect_eq "missing trace: exit 1, phase prepare" "$RC $(jf "$T/missing/meta.json" .exit.failed_phase)" "1 prepare"
check "missing trace: says which" grep -q "none.jsonl: cannot read the trace" "$T/missing.err"
xrun dock --entry-json "$E" --node e2edock_0 --workspace "$WS" --output-dir "$T/dock" --dry-run
expect_eq "docker profile without a trace: exit 1" "$RC" 1
check "docker profile without a trace: asks for one" grep -q "give run --trace FILE, or agentic-trace in the node profile" "$T/dock.err"
AIPERF_WARMUP_REQUESTS_PER_LANE=ten xrun knob --entry-json "$E" "${COMMON[@]}" --output-dir "$T/knob"
expect_eq "a bad AIPERF_WARMUP_REQUESTS_PER_LANE: exit 1, phase load" \
	"$RC $(jf "$T/knob/meta.json" .exit.failed_phase)" "1 load"
check "a bad AIPERF_WARMUP_REQUESTS_PER_LANE: names it and what it found" \
	grep -q "AIPERF_WARMUP_REQUESTS_PER_LANE: expected an integer >= 0.*found 'ten'" "$T/knob.err"
check "no process of the runs left" test -z "$(run_procs)"
finish
