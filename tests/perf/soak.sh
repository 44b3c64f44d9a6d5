#!/usr/bin/env bash
# soak.sh: a long run of `executor bench` at many streams against the simulator, by hand
# (not a CTest test: ten minutes by default). Usage:
#   tests/perf/soak.sh BUILD_DIR [SECONDS (600)] [STREAMS (4096)]
# The simulator streams OSL 64 at TTFT 50 ms, ITL 10 ms (ISL 128, rate inf, no warm-ups). A
# short calibration run (2 x STREAMS requests) gives the machine's request throughput; the
# soak then sends throughput x SECONDS requests (a machine slower at a steady state than in
# the calibration's two waves would take longer: at 1.5 x SECONDS the soak is ended with
# SIGINT, and what was in flight or never sent counts as failed, interrupted, as the result
# says). Every 10 s it samples the client's RSS
# (VmRSS) and the simulator's counters. It checks, and says:
#   - completed + failed = sent: the result's completed plus its failures equals the
#     requests sent, and the simulator counted as many requests;
#   - flat memory: the client keeps every request's record (its ITL array: (OSL + 16) x 8
#     bytes, plus ~200 bytes) for the result, so its RSS grows with the requests completed;
#     anything else would be a leak. The growth from the first sample to the last taken
#     while streams run, per request completed in between, must stay under 2 KiB (the
#     records need ~0.9 KiB; they are allocated before the clock starts, so it is near 0).
# Exit status 0 when both hold, 1 otherwise, 2 on usage.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: soak.sh BUILD_DIR [SECONDS] [STREAMS]" >&2; exit 2; }
B=$1 SECONDS_WANTED=${2:-600} STREAMS=${3:-4096}
EXE=$B/executor/executor SIM=$B/tests/sim/simserver
T=$(mktemp -d /tmp/soak.XXXXXX)
trap 'kill "${SIM_PID:-}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT

"$SIM" --port 0 --port-file "$T/port" --ttft-ms 50 --itl-ms 10 2>"$T/sim.log" &
SIM_PID=$!
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done
URL=http://127.0.0.1:$(cat "$T/port")

bench() { # NUM_PROMPTS RESULT_NAME; run in the background: it becomes the client process
	exec "$EXE" bench --model sim-model --base-url "$URL" --random-input-len 128 \
		--random-output-len 64 --random-range-ratio 1 --max-concurrency "$STREAMS" \
		--num-prompts "$1" --num-warmups 0 --disable-tqdm --save-result \
		--result-dir "$T" --result-filename "$2" >"$T/$2.out" 2>&1
}
bench $((2 * STREAMS)) calib.json &
wait $!
RPS=$(jq '.request_throughput' "$T/calib.json")
N=$(jq -n --argjson r "$RPS" --argjson s "$SECONDS_WANTED" '[($r * $s | floor), 1] | max')
echo "soak: $STREAMS streams, calibrated at $RPS req/s: $N requests for ~${SECONDS_WANTED} s"
curl -s -XPOST "$URL/stats/reset" >/dev/null

bench "$N" soak.json &
BENCH_PID=$!
echo "   t(s)  client-rss(MiB)  sim-completed  sim-active"
t0=$(date +%s)
first_rss='' first_done='' last_rss='' last_done=''
while kill -0 "$BENCH_PID" 2>/dev/null; do
	sleep 10
	if [ $(($(date +%s) - t0)) -gt $((SECONDS_WANTED * 3 / 2)) ]; then
		echo "soak: past 1.5 x ${SECONDS_WANTED} s: SIGINT"
		kill -INT "$BENCH_PID" 2>/dev/null || true
		break
	fi
	rss=$(awk '/VmRSS/ {print $2}' "/proc/$BENCH_PID/status" 2>/dev/null || true)
	[ -n "$rss" ] || break
	st=$(curl -s "$URL/stats")
	done_nr=$(jq '.completed' <<<"$st")
	active=$(jq '.active' <<<"$st")
	printf '%7d %16.1f %14d %11d\n' $(($(date +%s) - t0)) "$(echo "$rss / 1024" | bc -l)" \
		"$done_nr" "$active"
	# samples while streams run: after the load the client computes its statistics (all
	# the samples at once), which is not the load's memory
	[ "$active" -gt 0 ] || continue
	[ -n "$first_rss" ] || { first_rss=$rss first_done=$done_nr; }
	last_rss=$rss last_done=$done_nr
done
wait "$BENCH_PID" || true
R=$T/soak.json
[ -s "$R" ] || { echo "soak: no result (see $T/soak.json.out)"; exit 1; }
completed=$(jq '.completed' "$R")
failed=$(jq '[.failures[]] | add // 0' "$R")
sim=$(curl -s "$URL/stats" | jq '.requests')
interrupted=$(jq '.failures.interrupted // 0' "$R")
ok=0
echo "sent $N, completed $completed, failed $failed ($interrupted interrupted)," \
	"simulator counted $sim;" \
	"duration $(jq '.duration' "$R") s, client CPU $(jq '.client.cpu_s' "$R") s," \
	"peak RSS $(jq '.client.peak_rss_bytes / 1048576 | floor' "$R") MiB"
# the simulator counts the requests that reached it: all of them, less those never sent
if [ $((completed + failed)) -eq "$N" ] && [ "$sim" -le "$N" ] &&
	[ "$sim" -ge $((N - interrupted)) ]; then
	echo "completed + failed = sent: yes"
else
	echo "completed + failed = sent: NO"
	ok=1
fi
if [ -n "$first_rss" ] && [ "$last_done" -gt "$first_done" ]; then
	per=$(echo "($last_rss - $first_rss) * 1024 / ($last_done - $first_done)" | bc)
	echo "RSS growth per request completed between the first and last samples: $per bytes" \
		"(bound 2048)"
	[ "$per" -le 2048 ] || ok=1
else
	echo "too short for memory samples (under 10 s)"
fi
exit "$ok"
