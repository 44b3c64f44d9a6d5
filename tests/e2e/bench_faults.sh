#!/usr/bin/env bash
# bench_faults.sh: every fault mode of the simulator, each on its own server, every 4th
# request faulted (--fault MODE@4): the run completes, each fault is counted under its own
# reason, the others succeed. Then no usage event, a server that dies, one that drops idle
# keep-alive connections, one that floods tokens past max_tokens, connect refused, a load too
# large for the machine, SIGINT in the load and SIGTERM while the requests are built, and
# timeouts.
# usage: bench_faults.sh PATH/TO/executor PATH/TO/simserver
. "$(dirname "$0")/bench_lib.bash"

N=20 # requests; every 4th is faulted: 5 of them
# --max-failed-pct 100: these runs check the counting, not the failure gate (25% failed)
ARGS=(--num-prompts $N --max-concurrency 4 --num-warmups 0 --random-input-len 16
	--random-output-len 8 --request-timeout 1 --max-failed-pct 100)
GATE_ARGS=("${ARGS[@]:0:${#ARGS[@]}-2}") # the same without --max-failed-pct

# mode, reason in the result's failures
while read -r mode reason; do
	sim_start "$mode" --ttft-ms 5 --itl-ms 2 --fault "$mode@4" --slow-headers-ms 3000
	bench "$mode" "${ARGS[@]}"
	expect_eq "$mode: exit 0 (run completes)" "$RC" 0
	expect_eq "$mode: counted as $reason" "$(jv "$mode" ".failures[\"$reason\"]")" 5
	expect_eq "$mode: only that reason" "$(jv "$mode" '.failures | length')" 1
	expect_eq "$mode: the others completed" "$(jv "$mode" .completed)" 15
done <<'LIST'
500 http_500
429 http_429
reset reset
malformed malformed
stall timeout
endless stream_too_long
slow-headers timeout_headers
LIST

# the failure gate (upstream's client: more than 5% failed exits non-zero, the result saved):
# 5 of 20 failed (25%) fails by default and with --max-failed-pct 24, passes with 25; 1 of 20
# (5%, every 20th faulted) passes by default, fails with --max-failed-pct 4.9
sim_start gate --ttft-ms 5 --itl-ms 2 --fault 500@4
bench gate "${GATE_ARGS[@]}"
expect_eq "gate: 25% failed exits 1" "$RC" 1
expect_eq "gate: the result is saved" "$(jv gate .completed)" 15
check "gate: the message says why" grep -q 'request failure rate 25.0% exceeds 5% (15/20 completed' "$T/gate.err"
bench gate24 "${GATE_ARGS[@]}" --max-failed-pct 24
expect_eq "gate: 25% > 24% exits 1" "$RC" 1
bench gate25 "${GATE_ARGS[@]}" --max-failed-pct 25
expect_eq "gate: 25% <= 25% exits 0" "$RC" 0
sim_start gate5 --ttft-ms 5 --itl-ms 2 --fault 500@20
bench gate5 "${GATE_ARGS[@]}"
expect_eq "gate: 5% failed exits 0 (not more than 5%)" "$RC" 0
expect_eq "gate: 1 of 20 failed" "$(jv gate5 .completed)" 19
bench gate49 "${GATE_ARGS[@]}" --max-failed-pct 4.9
expect_eq "gate: 5% > 4.9% exits 1" "$RC" 1
bench gatebad "${GATE_ARGS[@]}" --max-failed-pct -1
expect_eq "gate: a negative bound is a usage error" "$RC" 2

# no-usage: successes whose token count is the number of choice events, marked approximate
sim_start nousage --ttft-ms 5 --itl-ms 2 --fault no-usage@4
bench nousage "${ARGS[@]}" --random-range-ratio 1
expect_eq "no-usage: all completed" "$(jv nousage .completed)" $N
expect_eq "no-usage: approximate count" "$(jv nousage .client.approximate_output_tokens)" 5
expect_eq "no-usage: tokens still exact (ignore_eos)" "$(jv nousage .total_output_tokens)" $((N * 8))

# die: the server exits mid-run; what was in flight and everything after fails, the run ends
sim_start die --ttft-ms 5 --itl-ms 2 --fault die@10
bench die "${ARGS[@]}"
check "die: run completes (exit 0 or 1)" test "$RC" -le 1
expect_eq "die: every request accounted for" \
	"$(jv die '.completed + (.failures | add)')" $N
check "die: connect failures counted" test "$(jv die '.failures.connect // 0')" -gt 0

# idle keep-alive connections dropped by the server (30 ms quiet; requests come ~100 ms
# apart): each dead one is reopened on its next use, nothing fails, the run ends
sim_start idle --ttft-ms 5 --itl-ms 2 --idle-close-ms 30
bench idle --request-rate 10 --max-concurrency 3 --num-prompts 20 --random-input-len 16 \
	--random-output-len 4
expect_eq "idle close: exit 0" "$RC" 0
expect_eq "idle close: all completed" "$(jv idle .completed)" 20
expect_eq "idle close: no failures" "$(jv idle '.failures | length')" 0

# flood: a server that streams on past max_tokens as fast as the client reads. Each such
# request fails as stream_too_long once it passes its cap (2 x max_tokens + 64 events), its
# connection closed; the run ends long before the timeout, and the client's memory stays small
# (unbounded, it grew by hundreds of MB in seconds). --save-detailed: the texts are kept too.
sim_start flood --ttft-ms 5 --itl-ms 2 --fault flood@4
START=$(date +%s%N)
bench flood "${ARGS[@]}" --request-timeout 10 --save-detailed
MS=$((($(date +%s%N) - START) / 1000000))
expect_eq "flood: exit 0 (run completes)" "$RC" 0
expect_eq "flood: counted as stream_too_long" "$(jv flood '.failures.stream_too_long')" 5
expect_eq "flood: only that reason" "$(jv flood '.failures | length')" 1
expect_eq "flood: the others completed" "$(jv flood .completed)" 15
check "flood: ends long before the 10 s timeout ($MS ms)" test "$MS" -lt 3000
RSS=$(jv flood .client.peak_rss_bytes)
check "flood: client peak RSS under 64 MB (${RSS} bytes)" test "${RSS:-999999999999}" -lt $((64 << 20))
expect_eq "flood: the failed requests' error names the reason" \
	"$(jv flood '[.errors[] | select(. != "")] | unique | join(",")')" stream_too_long

# connect refused: nothing listens (a port the simulator had, now closed): every request
# fails as connect, the run ends, exit 1, the result is still written
sim_start gone --ttft-ms 5
kill -TERM "${PIDS[-1]}" && wait "${PIDS[-1]}" 2>/dev/null
bench gone "${ARGS[@]}"
expect_eq "connect refused: exit 1 (nothing succeeded)" "$RC" 1
expect_eq "connect refused: every request counted as connect" "$(jv gone .failures.connect)" $N

# a load no machine can hold (2^31 connections, ten times as many prompts): refused before
# anything is allocated (it used to die in malloc asking for 1.3 TB), naming size and limit
bench huge --max-concurrency 2147483648 --random-input-len 16 --random-output-len 8
expect_eq "impossible load: exit 1" "$RC" 1
check "impossible load: names the size and the limit" \
	grep -q "the load is too large for this machine: about .* GiB .*; the limit is" "$T/huge.err"
check "impossible load: no allocation failure" test -z "$(grep -h "out of memory" "$T/huge.err")"

# a rate-limited run without --max-concurrency is sized by what its schedule keeps in flight,
# not by its number of prompts: 400 prompts at 200 req/s (about 6 in flight at 30 ms each)
# run under a hard limit of 128 descriptors (it was refused: "400 requests in flight need
# more file descriptors than the limit")
sim_start paced --ttft-ms 5 --itl-ms 5
( ulimit -Sn 128 && ulimit -Hn 128 &&
	bench paced --num-prompts 400 --request-rate 200 --random-input-len 32 \
		--random-output-len 4 --num-warmups 0 && exit "$RC" )
RC=$?
expect_eq "rate-limited, no max-concurrency, few descriptors: exit 0" "$RC" 0
expect_eq "rate-limited, no max-concurrency, few descriptors: all completed" "$(jv paced .completed)" 400
# ... and when the schedule really needs more descriptors than there are (2,000 req/s to a
# server that answers in 2 s), the run fails naming the limit and how to raise it, and writes
# no result that would look like a run
sim_start stuck --ttft-ms 2000 --itl-ms 5
( ulimit -Sn 128 && ulimit -Hn 128 &&
	bench fdsout --num-prompts 2000 --request-rate 2000 --random-input-len 32 \
		--random-output-len 4 --num-warmups 0 && exit "$RC" )
RC=$?
expect_eq "descriptors run out: exit 1" "$RC" 1
check "descriptors run out: names the limit and the way out" \
	grep -q "out of file descriptors with .* requests in flight (the limit is 128.*ulimit -Hn.*--max-concurrency" "$T/fdsout.err"
check "descriptors run out: no result file" test ! -e "$T/fdsout.json"
check "descriptors run out: no summary of zeros" test ! -s "$T/fdsout.out"

# SIGINT during the load (40 ms per token): the run ends at once, what was in flight or never
# sent counts as interrupted, the result is written, exit 1
sim_start slow --ttft-ms 5 --itl-ms 40
timeout 60 "$EXE" bench --model sim-model --base-url "$URL" --disable-tqdm --save-result \
	--result-dir "$T" --result-filename sigint.json "${ARGS[@]}" >"$T/sigint.out" 2>"$T/sigint.err" &
BP=$!
sleep 0.5
START=$(date +%s%N)
kill -INT "$BP"
wait "$BP"
RC=$?
MS=$((($(date +%s%N) - START) / 1000000))
expect_eq "SIGINT in load: exit 1" "$RC" 1
check "SIGINT in load: ends within 1 s ($MS ms)" test "$MS" -lt 1000
check "SIGINT in load: some requests interrupted" test "$(jv sigint '.failures.interrupted // 0')" -gt 0
expect_eq "SIGINT in load: every request accounted for" \
	"$(jv sigint '.completed + (.failures | add)')" $N
check "SIGINT in load: says interrupted" grep -q "^interrupted" "$T/sigint.err"

# SIGTERM while the requests are built (100000 prompts: seconds of work): answered at once
timeout 60 "$EXE" bench --model sim-model --base-url "$URL" --disable-tqdm --num-prompts 100000 \
	--max-concurrency 4 --random-input-len 1024 --random-output-len 8 >"$T/prep.out" 2>"$T/prep.err" &
BP=$!
sleep 0.5
START=$(date +%s%N)
kill -TERM "$BP"
wait "$BP"
RC=$?
MS=$((($(date +%s%N) - START) / 1000000))
expect_eq "SIGTERM while requests are built: exit 1" "$RC" 1
check "SIGTERM while requests are built: ends within 1 s ($MS ms)" test "$MS" -lt 1000
check "SIGTERM while requests are built: says so" \
	grep -q "interrupted while the requests were built" "$T/prep.err"

# timeouts: the run takes about the timeout, not forever (tokens 50 ms apart: the cap of 72
# events would take 3.6 s, so the 0.5 s timeout ends these requests)
sim_start endless2 --ttft-ms 5 --itl-ms 50 --fault endless=1
START=$(date +%s)
bench endless2 --num-prompts 3 --max-concurrency 3 --num-warmups 0 --random-input-len 8 \
	--random-output-len 4 --request-timeout 0.5
expect_eq "endless: exit 1 (nothing succeeded)" "$RC" 1
expect_eq "endless: all timed out" "$(jv endless2 .failures.timeout)" 3
check "endless: bounded in time" test $(( $(date +%s) - START )) -le 5

finish
