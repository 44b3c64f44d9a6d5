#!/usr/bin/env bash
# bench_sweep.sh: rate sweeps and ramps against the simulator: --sweep N's points (strategies,
# rates = linspace between the measured synchronous and throughput rates, one raw result per
# point named with its rate, the summary with goodput), aggregate --sweep's table (the one
# bench printed) and chart, the time limit of a point, a linear ramp's schedule and keys, and
# the usage errors of both.
# usage: bench_sweep.sh PATH/TO/executor PATH/TO/simserver
. "$(dirname "$0")/bench_lib.bash"

sim_start main --ttft-ms 5 --itl-ms 1 --decode-slowdown 0.05

SMALL=(--random-input-len 16 --random-output-len 8 --num-prompts 40 --max-concurrency 8)
bench sw --sweep 4 "${SMALL[@]}" --goodput ttft:1000 --sweep-oversat-min-seconds 1
expect_eq "sweep: exit 0" "$RC" 0
S=$T/sw-sweep.json
sj() { jq -r "$1" "$S" 2>/dev/null; }
expect_eq "sweep: 4 points" "$(sj '.points | length')" 4
expect_eq "sweep: strategies" "$(sj '[.points[].strategy] | join(",")')" \
	"synchronous,throughput,constant,constant"
expect_eq "sweep: sync at concurrency 1" "$(sj '.points[0].max_concurrency')" 1
expect_eq "sweep: throughput at --max-concurrency" "$(sj '.points[1].max_concurrency')" 8
expect_eq "sweep: rates from the measured ones" "$(sj '.synchronous_rate == .points[0].request_throughput and .throughput_rate == .points[1].request_throughput')" true
# linspace(s, t, 3)[1:] = (s + t) / 2, t
expect_eq "sweep: constant rates = linspace" "$(sj '[((.points[2].request_rate - (.synchronous_rate + .throughput_rate) / 2) | . * . < 1e-18), .points[3].request_rate == .throughput_rate] | all')" true
expect_eq "sweep: every request completed" "$(sj '[.points[].completed] | unique | join(",")')" 40
expect_eq "sweep: goodput = throughput (TTFT far below 1 s)" "$(sj '[.points[] | .request_goodput == .request_throughput] | all')" true
expect_eq "sweep: goodput criteria kept" "$(sj '.goodput.ttft')" 1000
R3=$(sj '.points[2].result_file')
check "sweep: point 3 named with its rate" grep -qE '^sw-03-constant-[0-9]+\.[0-9]{2}qps\.json$' <<<"$R3"
for f in $(sj '.points[].result_file'); do
	check "sweep: $f written" test -s "$T/$f"
done
expect_eq "sweep: point result has its rate" "$(jq -r '.request_rate == 0 or .request_rate > 0' "$T/$R3")" true
expect_eq "sweep: point result keys" "$(jq -r '[.sweep_point, .sweep_strategy] | join(",")' "$T/$R3")" "3,constant"
expect_eq "sweep: throughput point rate inf" "$(jq -r .request_rate "$T/sw-02-throughput.json")" inf
check "sweep: table printed" grep -q "^| 4 | constant |" "$T/sw.out"
"$EXE" aggregate --sweep "$S" --markdown "$T/agg.md" --svg "$T/svg" 2>"$T/agg.err"
expect_eq "aggregate --sweep: exit 0" "$?" 0
expect_eq "aggregate --sweep: the table bench printed" "$(cat "$T/agg.md")" "$(sed -n '/^## Sweep/,$p' "$T/sw.out")"
check "aggregate --sweep: a chart" grep -q "latency vs throughput" "$T/svg/sweep_sw-sweep.svg"
expect_eq "aggregate --sweep: one label per point" "$(grep -c 'paint-order' "$T/svg/sweep_sw-sweep.svg")" 4
"$EXE" aggregate --sweep "$T/$R3" >"$T/notsweep.out" 2>"$T/notsweep.err"
expect_eq "aggregate --sweep: a raw result is refused" "$?" 1
check "aggregate --sweep: says what it expected" grep -q "expected a sweep summary" "$T/notsweep.err"

# a point's time limit: the synchronous point of 400 requests stops after 0.3 s
bench tl --sweep 2 --random-input-len 16 --random-output-len 8 --num-prompts 400 \
	--sweep-max-seconds 0.3
expect_eq "time limit: exit 0" "$RC" 0
expect_eq "time limit: stopped" "$(jq -r '.points[0].stopped' "$T/tl-sweep.json")" "time limit"
check "time limit: fewer sent" test "$(jq -r '.points[0].sent' "$T/tl-sweep.json")" -lt 400
expect_eq "time limit: the raw result counts the sent ones only" \
	"$(jq -r '(.completed + ([.failures[]?] | add // 0)) == (.completed + (.failures.interrupted // 0))' "$T/tl-01-synchronous.json")" true
expect_eq "time limit: stopped key" "$(jq -r .sweep_stopped "$T/tl-01-synchronous.json")" "time limit"

# a linear ramp 20 -> 100 req/s over 41 requests, regular gaps (burstiness 1e9): the last
# request leaves after sum 1 / (20 + 2i), i = 1..40 = 0.7852 s
bench ramp --ramp-up-strategy linear --ramp-up-start-rps 20 --ramp-up-end-rps 100 \
	--burstiness 1e9 --random-input-len 16 --random-output-len 2 --num-prompts 41 --num-warmups 0
expect_eq "ramp: exit 0" "$RC" 0
expect_eq "ramp: keys" "$(grep -oE '"(request_rate|ramp_up_[a-z_]+)": [^,]*' "$T/ramp.json" | tr '\n' ' ')" \
	'"request_rate": "inf" "ramp_up_strategy": "linear" "ramp_up_start_rps": 20.0 "ramp_up_end_rps": 100.0 '
expect_eq "ramp: duration follows the schedule" "$(jv ramp '.duration > 0.78 and .duration < 1.5')" true

# usage errors
bench e1 --sweep 3 --request-rate 5
expect_eq "usage: --sweep with --request-rate" "$RC" 2
check "usage: --sweep message" grep -q "sweep sets the rates" "$T/e1.err"
bench e2 --sweep 1
expect_eq "usage: --sweep 1" "$RC" 2
bench e3 --ramp-up-strategy linear --ramp-up-start-rps 5 --ramp-up-end-rps 5 --request-rate 5
expect_eq "usage: ramp with --request-rate" "$RC" 2
bench e4 --ramp-up-strategy exponential --ramp-up-start-rps 0 --ramp-up-end-rps 5
expect_eq "usage: ramp start 0" "$RC" 2
check "usage: ramp message" grep -q "expected 0 < start <= end" "$T/e4.err"
check "usage: no result file" test ! -e "$T/e4.json"
"$EXE" bench --help >"$T/help.out"
check "help: --sweep" grep -q -- "--sweep N" "$T/help.out"
check "help: --ramp-up-strategy" grep -q -- "--ramp-up-strategy" "$T/help.out"
finish
