#!/usr/bin/env bash
# bench_trace.sh: trace replay (--dataset-name trace) against the simulator with its prefix
# cache (--prefix-cache-blocks): the shipped traces (tests/trace, made by make_traces.py) in
# both formats send every turn with the recorded lengths; the simulator's prefix-cache hit
# ratio equals the trace's theoretical reuse within 1%; gaps are honoured within 2 ms p99;
# Mooncake rows arrive on their timestamps within 5 ms p99; live sessions never exceed
# --max-concurrency; every request carries the session header; --duration holds within 1 s;
# the AIPerf-style records are read by `executor process --agentic`; the synthetic workloads (multi-turn, generated-shared-prefix,
# prefix-repetition) hit the prefix cache as their saved traces' theoretical reuse. The
# figures are computed by tests/trace/check_replay.py.
# usage: bench_trace.sh PATH/TO/executor PATH/TO/simserver
. "$(dirname "$0")/bench_lib.bash"

DIR=$(cd "$(dirname "$0")/../trace" && pwd)
AGENTX=$DIR/agentx_small.jsonl MOONCAKE=$DIR/mooncake_small.jsonl
cr() { python3 "$DIR/check_replay.py" "$@"; }
metric() { curl -s "$URL/metrics" | awk -v n="vllm:$1" 'index($0, n "{") == 1 { print $2 }'; }

# AgentX: 64-token blocks, 3 live sessions
sim_start agentx --ttft-ms 5 --itl-ms 2 --prefill-us-per-token 1 --prefix-cache-blocks 100000 \
	--prefix-block-tokens 64
bench agentx --dataset-name trace --dataset-path "$AGENTX" --max-concurrency 3 \
	--records-dir "$T/agentx-records/aiperf_artifacts"
expect_eq "agentx: bench exit 0" "$RC" 0
check "agentx: every turn sent once with its lengths" cr sent "$AGENTX" "$T/agentx.json"
check "agentx: prefix reuse as the trace's, within 1%" \
	cr reuse "$AGENTX" 64 "$(metric prefix_cache_hits_total)" "$(metric prefix_cache_queries_total)"
cached=$(curl -s "$URL/stats?raw=1" | jq '[.cached_tokens_per_request[]] | add')
expect_eq "agentx: ground truth per request sums to the hits" "$cached" \
	"$(metric prefix_cache_hits_total | cut -d. -f1)"
check "agentx: live sessions never above 3" cr live "$T/agentx.json" 3
expect_eq "agentx: every request carried X-Session-ID (the simulator counts them)" \
	"$(curl -s "$URL/stats" | jq .session_id_requests)" "$(jv agentx .turns)"
check "agentx: records in AIPerF's shape, one per turn" \
	test "$(wc -l <"$T/agentx-records/aiperf_artifacts/profile_export.jsonl")" -eq "$(jv agentx .turns)"
hdr=$(jq -r '.metadata.conversation_id' "$T/agentx-records/aiperf_artifacts/profile_export.jsonl" |
	grep -c '::sa:explore_00[01]$')
check "agentx: subagent turns under their conversations" test "$hdr" -gt 0

# the duration bound, the file replayed again as needed; gaps from a longer run. The gaps'
# bound is the issue's 2 ms p99 with the client in the real-time class (--realtime), which
# needs root or CAP_SYS_NICE: on this project's 2-core VM a normal-class client's gaps come
# 1-8 ms late at p99 when other work holds the CPUs (the loop trace shows the process simply
# not run), 0.07-0.84 ms under --realtime (docs/executor.md "Trace replay"). Where the class is
# refused the bound is 50 ms, said so.
# Each turn's lateness is split (os_delay_ms): the part the OS took to run the client, asleep
# with its timer armed at the due time, and the client's own. A VM whose host does not run it
# (CI once had three runs in a row at p99 2.4-10 ms) is late in the first part only, so: the
# client's own part is within the bound in every run; the whole is, in one of up to 5 runs;
# when all 5 miss and each miss was the OS's, that is said and not counted against the client.
RT=()
if chrt -f 1 true 2>/dev/null; then
	RT=(--realtime)
	GAP_BOUND_MS=${GAP_BOUND_MS:-2}
else
	echo "  (no real-time class here: gaps bounded at 50 ms, not the issue's 2 ms)"
	GAP_BOUND_MS=${GAP_BOUND_MS:-50}
fi
timing_check() { # NAME CMD...: a timing bound, only measured (printed) under the sanitizers
	if [ -n "${INFBENCH_SANITIZED:-}" ]; then
		echo "skip $1 (sanitizer build: timing not bounded)"
		shift
		"$@" || true
	else
		check "$@"
	fi
}
steal_ms() { awk -v hz="$(getconf CLK_TCK)" '/^cpu /{ printf "%d", $9 * 1000 / hz }' /proc/stat; }
# retried_timing NAME MS RESULT RERUN CHECK...: a lateness bound of a replay whose last run
# (made by RERUN, which sets STEAL0) left RESULT: the client's own part (pacing-own) within MS
# p99 in each run; the whole (CHECK...) in one of up to 5 runs; when all 5 miss by the OS's
# part alone, that is said and not counted (any miss of the client's own part fails).
retried_timing() {
	local name=$1 ms=$2 result=$3 rerun=$4 runs=5 met=0 failed0=$FAILED try
	shift 4
	[ -n "${INFBENCH_SANITIZED:-}" ] && runs=1
	for try in $(seq "$runs"); do
		[ "$try" = 1 ] || "$rerun"
		timing_check "${name%%:*}: the client's own part within $ms ms p99 (run $try)" \
			cr pacing-own "$result" "$ms"
		[ "$FAILED" = "$failed0" ] || break # the client's own miss: no more runs
		if "$@" >/dev/null; then
			met=1
			break
		fi
		echo "  (run $try missed; load average $(cut -d' ' -f1-3 /proc/loadavg); the host" \
			"took $(($(steal_ms) - STEAL0)) ms of CPU from this VM since the run began (steal))"
	done
	if [ "$met" = 1 ] || [ -n "${INFBENCH_SANITIZED:-}" ] || [ "$FAILED" != "$failed0" ]; then
		timing_check "$name" "$@"
	else
		echo "skip $name: all $runs runs missed, each by the OS not running the client on" \
			"time (its own part was within the bound in each, checked above)"
	fi
}
sim_start bound --ttft-ms 5 --itl-ms 4 --prefix-cache-blocks 100000 --prefix-block-tokens 64
bound_run() {
	STEAL0=$(steal_ms)
	bench bound --dataset-name trace --dataset-path "$AGENTX" --max-concurrency 4 --duration 3 "${RT[@]}"
}
bound_run
expect_eq "bound: bench exit 0" "$RC" 0
check "bound: --duration 3 holds within 1 s" cr bound "$T/bound.json" 3
check "bound: the file was replayed again" test "$(jv bound .sessions_started)" -gt 8
retried_timing "bound: gaps honoured within $GAP_BOUND_MS ms p99${RT:+ (--realtime)}" \
	"$GAP_BOUND_MS" "$T/bound.json" bound_run cr pacing "$T/bound.json" "$GAP_BOUND_MS"
check "bound: live sessions never above 4" cr live "$T/bound.json" 4
bench drain --dataset-name trace --dataset-path "$AGENTX" --max-concurrency 4 --duration 1 --drain
expect_eq "drain: bench exit 0, nothing cut" "$RC $(jv drain .cut)" "0 0"

# Mooncake: 512-token blocks, global ids, a fixed schedule
sim_start mooncake --ttft-ms 5 --itl-ms 2 --prefill-us-per-token 1 --prefix-cache-blocks 100000
mooncake_run() {
	STEAL0=$(steal_ms)
	bench mooncake --dataset-name trace --dataset-path "$MOONCAKE" "${RT[@]}"
}
mooncake_run
expect_eq "mooncake: bench exit 0" "$RC" 0
check "mooncake: every row sent once, output length as max_tokens" \
	cr sent "$MOONCAKE" "$T/mooncake.json"
check "mooncake: prefix reuse as the trace's, within 1%" \
	cr reuse "$MOONCAKE" 512 "$(metric prefix_cache_hits_total)" \
	"$(metric prefix_cache_queries_total)"
# the arrivals last: a run made again (a stalled machine) warms the cache reuse reads
retried_timing "mooncake: rows on their timestamps within 5 ms p99" 5 "$T/mooncake.json" \
	mooncake_run cr arrival "$MOONCAKE" "$T/mooncake.json" 5

# the idle gap caps (AIPerf's): a tree waits at most the cap with nothing in flight (fan-outs
# moved together), the whole replay likewise; shorter gaps and a burst's spacing are kept.
# Each against a run without the cap, whose idle stretches are longer.
IDLE_AGENTX=$DIR/idle_gaps_agentx.jsonl IDLE_ROWS=$DIR/idle_gaps_mooncake.jsonl
sim_start idle --ttft-ms 5 --itl-ms 2
bench treecap --dataset-name trace --dataset-path "$IDLE_AGENTX" "${RT[@]}" \
	--trace-idle-gap-cap-seconds 0.2
expect_eq "trace idle cap: bench exit 0, every turn" "$RC $(jv treecap .completed)" "0 9"
check "trace idle cap: a tree idle at most 0.2 s, the 0.1 s gaps kept" \
	cr idle "$T/treecap.json" tree 0.2 95
check "trace idle cap: the idle time it removed is reported" \
	test "$(jv treecap '.idle_removed_s > 9')" = true
bench nocap --dataset-name trace --dataset-path "$IDLE_AGENTX" "${RT[@]}"
check "trace idle cap: without it the recorded 2.5-3 s gaps" \
	test "$(cr idle "$T/nocap.json" tree 0.2 95 | grep -c 'max [23][0-9][0-9][0-9]\.')" = 1
bench syscap --dataset-name trace --dataset-path "$IDLE_ROWS" "${RT[@]}" \
	--system-idle-gap-cap-seconds 0.5
expect_eq "system idle cap: bench exit 0, every row" "$RC $(jv syscap .completed)" "0 4"
check "system idle cap: the replay idle at most 0.5 s, the burst's 0.1 s kept" \
	cr idle "$T/syscap.json" system 0.5 80
bench sysnocap --dataset-name trace --dataset-path "$IDLE_ROWS" "${RT[@]}"
check "system idle cap: without it the 4.9 s hole" \
	test "$(jv sysnocap '.duration > 5')" = true
bench capbad --dataset-name trace --dataset-path "$IDLE_ROWS" --trace-idle-gap-cap-seconds -1
expect_eq "a negative cap: usage error" "$RC" 2
bench capnotrace --trace-idle-gap-cap-seconds 1
expect_eq "a cap without a trace: usage error" "$RC" 2

# the synthetic workloads (load/synth.h): each replayed against the prefix cache gives the
# hit ratio of its saved trace's theoretical reuse (within 1%), every turn sent
for w in "multi-turn --multi-turn-sessions 6 --multi-turn-turns 5 --multi-turn-system-len 700 --multi-turn-user-len 90 --multi-turn-output-len 6 --multi-turn-think-ms 5" \
	"generated-shared-prefix --gsp-num-groups 4 --gsp-prompts-per-group 6 --gsp-system-prompt-len 600 --gsp-question-len 100 --gsp-output-len 6" \
	"prefix-repetition --num-prompts 30 --prefix-repetition-num-prefixes 3 --prefix-repetition-output-len 6"; do
	name=${w%% *}
	sim_start "$name" --ttft-ms 2 --itl-ms 1 --prefix-cache-blocks 100000 --prefix-block-tokens 64
	# shellcheck disable=SC2086 # the workload's options, split on purpose
	bench "$name" --dataset-name $w --max-concurrency 4 --save-trace "$T/$name.jsonl"
	expect_eq "$name: bench exit 0" "$RC" 0
	check "$name: every turn sent once with its lengths" cr sent "$T/$name.jsonl" "$T/$name.json"
	check "$name: prefix-cache hit ratio as the workload's theoretical reuse, within 1%" \
		cr reuse "$T/$name.jsonl" 64 "$(metric prefix_cache_hits_total)" \
		"$(metric prefix_cache_queries_total)"
done
bench synthpath --dataset-name multi-turn --dataset-path "$AGENTX"
expect_eq "synthetic with --dataset-path: usage error" "$RC" 2

# the session header reaches the server; bad input is refused precisely
bench nohdr --dataset-name trace --dataset-path /nonexistent.jsonl
expect_eq "missing trace: exit 1" "$RC" 1
check "missing trace: says which file" grep -q "/nonexistent.jsonl: cannot open" "$T/nohdr.err"
bench nopath --dataset-name trace
expect_eq "no --dataset-path: usage error" "$RC" 2
bench rate --dataset-name trace --dataset-path "$AGENTX" --request-rate 5
expect_eq "--request-rate with a trace: usage error" "$RC" 2
printf '{"id":"a","requests":[{"in":5,"out":0}]}\n' >"$T/bad.jsonl"
bench bad --dataset-name trace --dataset-path "$T/bad.jsonl"
expect_eq "bad trace: exit 1" "$RC" 1
check "bad trace: file:line:col and key path" \
	grep -q "bad.jsonl:1:37: \$.requests\[0\].out: expected an integer >= 1" "$T/bad.err"
# --realtime refused (an unprivileged user): exit 1 before any request, saying what grants it
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	chmod 755 "$T"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$EXE" bench --model sim-model \
		--base-url "$URL" --disable-tqdm --dataset-name trace --dataset-path "$AGENTX" \
		--realtime >/dev/null 2>"$T/rt.err"
	expect_eq "--realtime refused: exit 1" "$?" 1
	check "--realtime refused: names the class and what grants it" \
		grep -q "refused the SCHED_FIFO real-time class.*CAP_SYS_NICE" "$T/rt.err"
fi

# the records are what `executor process --agentic` reads
ENV_FILE=$(dirname "$0")/../results/agentic/cases/accounting/env
(set -a; . "$ENV_FILE"; set +a
 RESULT_FILENAME=agentic "$EXE" process --agentic --result-dir "$T/agentx-records" \
	--output-dir "$T" >/dev/null 2>"$T/agentic.err")
expect_eq "process --agentic reads the records" "$?" 0
expect_eq "process --agentic: every turn a successful request" \
	"$(jq -r '.num_requests_successful' "$T/agentic.json")" "$(jv agentx .turns)"

# the warm start (AIPerf's trajectory start ratios and warm-up requests per lane): the first
# 3 sessions are primed and advanced one step before the clock starts, every session starts
# half-way; the records mark the warm-up, which process --agentic drops
sim_start warm --ttft-ms 5 --itl-ms 2
bench warm --dataset-name trace --dataset-path "$AGENTX" --max-concurrency 3 \
	--trajectory-start-min-ratio 0.5 --trajectory-start-max-ratio 0.5 \
	--warmup-requests-per-lane 1 --records-dir "$T/warm-records/aiperf_artifacts"
expect_eq "warm start: bench exit 0" "$RC" 0
check "warm start: the warm-up's requests, each session's turns from its start step" \
	cr warm "$AGENTX" "$T/warm.json" 0.5 1 3
expect_eq "warm start: the warm-up's requests ask one token" \
	"$(jq -s '[.[] | select(.metadata.benchmark_phase == "warmup") |
		.metrics.output_sequence_length.value] | unique' \
		"$T/warm-records/aiperf_artifacts/profile_export.jsonl" | jq -c .)" "[1]"
(set -a; . "$ENV_FILE"; set +a
 RESULT_FILENAME=warmagg "$EXE" process --agentic --result-dir "$T/warm-records" \
	--output-dir "$T" >/dev/null 2>"$T/warm-agentic.err")
expect_eq "warm start: process --agentic drops the warm-up, counts the rest" \
	"$(jq -c '[.request_accounting.records_warmup_dropped, .num_requests_successful]' \
		"$T/warmagg.json")" "[$(jv warm .warmup_requests),$(jv warm .turns)]"
bench warmbad --dataset-name trace --dataset-path "$AGENTX" --trajectory-start-min-ratio 0.8 \
	--trajectory-start-max-ratio 0.2
expect_eq "warm start: min above max is a usage error" "$RC" 2
bench warmrows --dataset-name trace --dataset-path "$MOONCAKE" --warmup-requests-per-lane 1
expect_eq "warm start: refused for a Mooncake trace" "$RC" 1
finish
