#!/usr/bin/env bash
# perf_trace_replay.sh: the trace replay's own cost. Replays a generated AgentX trace of
# about TURNS turns (default 100,000; make_traces.py, seeded) at 1,024 live sessions against
# the simulator (short outputs, fast tokens, its prefix cache on), and prints the client's
# CPU per 1,000 requests and the pacing error of the gaps (sent - due, p50/p99/max).
#   bash tests/perf/perf_trace_replay.sh build/executor/executor build/tests/sim/simserver [TURNS] [--check]
# BENCH_ARGS adds options to the client's command line (e.g. BENCH_ARGS=--realtime).
# The full 100,000 turns are run by hand (figures in docs/executor.md, "Trace replay"); CTest's
# perf.trace_replay runs 20,000 with --check, which fails only on wrong counts (a turn not
# sent once, a failed turn, more live sessions than the limit), never on timing.
set -eu
EXE=$1 SIM=$2 TURNS=${3:-100000} CHECK=${4:-}
T=$(mktemp -d) SP=
trap 'kill $SP 2>/dev/null; rm -rf "$T"' EXIT
DIR=$(cd "$(dirname "$0")/../trace" && pwd)
# sessions of 8-16 main turns plus fan-outs: 14.48 turns a session on average (measured)
python3 "$DIR/make_traces.py" "$T" --agentx-sessions $((TURNS * 100 / 1448)) --agentx-turns 16
want=$(python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1]):
    for r in json.loads(line)["requests"]:
        n += len(r["requests"]) if r.get("type") == "subagent" else 1
print(n)' "$T/agentx_perf.jsonl")
echo "trace: $(wc -l <"$T/agentx_perf.jsonl") sessions, $want turns, $(du -h "$T/agentx_perf.jsonl" | cut -f1)"
"$SIM" --port 0 --port-file "$T/port" --ttft-ms 2 --itl-ms 1 --prefix-cache-blocks 1000000 \
	--prefix-block-tokens 64 2>"$T/sim.log" &
SP=$!
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done
# shellcheck disable=SC2086 # BENCH_ARGS: options, split on purpose
"$EXE" bench --model sim-model --base-url "http://127.0.0.1:$(cat "$T/port")" \
	--dataset-name trace --dataset-path "$T/agentx_perf.jsonl" --max-concurrency 1024 \
	--save-result --result-dir "$T" --result-filename r.json ${BENCH_ARGS:-} >/dev/null
jq -r '"turns \(.turns) (\(.completed) ok, \(.failed) failed), sessions \(.sessions_started), max live \(.max_live_sessions), \(.duration | . * 100 | round / 100) s\nclient CPU: \(.client_cpu_s | . * 100 | round / 100) s, \(.client_cpu_ms_per_1000_requests | round) ms per 1,000 requests\npacing error of the gaps (ms): p50 \(.pacing_error_ms.p50 | . * 1000 | round / 1000), p99 \(.pacing_error_ms.p99 | . * 1000 | round / 1000), max \(.pacing_error_ms.max | . * 1000 | round / 1000); of it, the OS waking the client: p99 \(.pacing_os_delay_ms.p99 | . * 1000 | round / 1000)"' "$T/r.json"
if [ "$CHECK" = --check ]; then
	got=$(jq -c '[.turns, .completed, .failed, .cut, .max_live_sessions <= 1024]' "$T/r.json")
	if [ "$got" != "[$want,$want,0,0,true]" ]; then
		echo "FAIL: [turns, completed, failed, cut, max live <= 1024] = $got, want [$want,$want,0,0,true]"
		exit 1
	fi
	echo "ok: every turn sent once and completed, live sessions within 1,024"
fi
