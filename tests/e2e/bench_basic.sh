#!/usr/bin/env bash
# bench_basic.sh: executor bench against the simulator: a normal run's raw result (keys in
# order, exact totals), chat completions, request rate with burstiness, text prompts sized
# with /tokenize, exit 1 with a result when nothing succeeded, the progress bar, usage errors
# and --help.
# usage: bench_basic.sh PATH/TO/executor PATH/TO/simserver
. "$(dirname "$0")/bench_lib.bash"

sim_start main --ttft-ms 5 --itl-ms 1

# a normal run: completions, token-id prompts; no --disable-tqdm, stderr is not a terminal
TQDM_FLAG='' bench normal --random-input-len 100 --random-output-len 20 --random-range-ratio 0.5 \
	--num-prompts 30 --max-concurrency 4 --metadata "a = b" k=v --metric-percentiles 50,99.9 \
	--goodput ttft:1000
expect_eq "normal: exit 0" "$RC" 0
expect_eq "normal: completed" "$(jv normal .completed)" 30
expect_eq "normal: no failures" "$(jv normal '.failures | length')" 0
expect_eq "normal: keys in order" "$(jv normal '[keys_unsorted[]] | join(",")')" \
"date,backend,model_id,tokenizer_id,best_of,num_prompts,a,k,request_rate,burstiness,max_concurrency,duration,completed,total_input_tokens,total_output_tokens,request_throughput,request_goodput:,output_throughput,total_token_throughput,mean_ttft_ms,median_ttft_ms,std_ttft_ms,p50_ttft_ms,p99.9_ttft_ms,mean_tpot_ms,median_tpot_ms,std_tpot_ms,p50_tpot_ms,p99.9_tpot_ms,mean_itl_ms,median_itl_ms,std_itl_ms,p50_itl_ms,p99.9_itl_ms,mean_e2el_ms,median_e2el_ms,std_e2el_ms,p50_e2el_ms,p99.9_e2el_ms,failures,client,benchmark_start_time_unix,benchmark_end_time_unix"
expect_eq "normal: metadata value" "$(jv normal .a)" b
expect_eq "normal: request_rate inf" "$(jv normal .request_rate)" inf
expect_eq "normal: max_concurrency" "$(jv normal .max_concurrency)" 4
check "normal: output tokens within [10,20] x 30" \
	test "$(jv normal .total_output_tokens)" -ge 300 -a "$(jv normal .total_output_tokens)" -le 600
check "normal: goodput = throughput" test "$(jv normal '."request_goodput:" == .request_throughput')" = true
check "normal: summary printed" grep -q "Successful requests: *30" "$T/normal.out"
check "normal: no progress bar off a terminal" test ! -s "$T/normal.err"

# --result-schema v2: upstream's client at 843c6254f: the wall-clock keys after duration,
# input_lens and output_lens without --save-detailed, percentiles 90,99,99.9 by default
bench v2 --random-input-len 50 --random-output-len 8 --num-prompts 12 --max-concurrency 3 \
	--result-schema v2
expect_eq "v2: exit 0" "$RC" 0
expect_eq "v2: keys in order" "$(jv v2 '[keys_unsorted[]] | join(",")')" \
"date,backend,model_id,tokenizer_id,best_of,num_prompts,request_rate,burstiness,max_concurrency,duration,benchmark_start_time_unix,benchmark_end_time_unix,completed,total_input_tokens,total_output_tokens,request_throughput,request_goodput:,output_throughput,total_token_throughput,input_lens,output_lens,mean_ttft_ms,median_ttft_ms,std_ttft_ms,p90_ttft_ms,p99_ttft_ms,p99.9_ttft_ms,mean_tpot_ms,median_tpot_ms,std_tpot_ms,p90_tpot_ms,p99_tpot_ms,p99.9_tpot_ms,mean_itl_ms,median_itl_ms,std_itl_ms,p90_itl_ms,p99_itl_ms,p99.9_itl_ms,mean_e2el_ms,median_e2el_ms,std_e2el_ms,p90_e2el_ms,p99_e2el_ms,p99.9_e2el_ms,failures,client"
expect_eq "v2: one input and output length per request" "$(jv v2 '[.input_lens, .output_lens | length] | unique | .[0]')" 12
expect_eq "v2: output_lens add up" "$(jv v2 '.output_lens | add')" "$(jv v2 .total_output_tokens)"
check "v2: start <= end" test "$(jv v2 '.benchmark_start_time_unix <= .benchmark_end_time_unix')" = true
check "v2: summary has P90 and P99.9" grep -q "P99.9 TTFT" "$T/v2.out"
bench v2pct --random-input-len 50 --random-output-len 8 --num-prompts 4 --result-schema v2 \
	--metric-percentiles 50
expect_eq "v2: --metric-percentiles replaces the v2 default" \
	"$(jv v2pct '[keys_unsorted[] | select(startswith("p"))] | join(",")')" "p50_ttft_ms,p50_tpot_ms,p50_itl_ms,p50_e2el_ms"

# the progress bar on a terminal (script(1) gives one), and --disable-tqdm there
tty_bench() {
	local name=$1
	shift
	timeout 60 script -qec "$(printf '%q ' "$EXE" bench --model sim-model --base-url "$URL" \
		--num-prompts 4 --random-input-len 10 --random-output-len 2 "$@")" /dev/null \
		</dev/null >"$T/$name.tty" 2>&1
}
if command -v script >/dev/null 2>&1; then
	tty_bench tty
	check "tty: progress bar" grep -q "bench 100% |" "$T/tty.tty"
	tty_bench ttyoff --disable-tqdm
	check "tty: summary printed" grep -q "Successful requests: *4" "$T/ttyoff.tty"
	check "tty: no progress bar with --disable-tqdm" test -z "$(grep "% |" "$T/ttyoff.tty")"
else
	echo "skip tty: no script(1)"
fi

# exact totals: a fresh server, no warm-ups, so its /stats are the timed requests
curl -s -XPOST "$URL/stats/reset" >/dev/null
bench exact --random-input-len 64 --random-output-len 16 --num-prompts 20 --max-concurrency 5 \
	--num-warmups 0 --save-detailed
STATS=$(curl -s "$URL/stats")
expect_eq "exact: input tokens = server's" "$(jv exact .total_input_tokens)" "$(jq .prompt_tokens <<<"$STATS")"
expect_eq "exact: output tokens = server's" "$(jv exact .total_output_tokens)" "$(jq .output_tokens <<<"$STATS")"
expect_eq "exact: output = sum of drawn lengths" "$(jv exact .total_output_tokens)" "$(jv exact '.output_lens | add')"
expect_eq "exact: detailed lists" "$(jv exact '[.input_lens, .output_lens, .ttfts, .itls, .generated_texts, .errors | length] | unique')" "[
  20
]"
expect_eq "exact: itl count" "$(jv exact '[.itls[] | length] | add')" "$(( $(jv exact .total_output_tokens) - 20 ))"
# (a timing bound: not when scripts/valgrind.sh runs the client 20-50x slower on purpose,
# nor in the sanitizer build, whose every request is several times slower: INFBENCH_SANITIZED)
if [ -z "${INFBENCH_UNDER_VALGRIND:-}" ] && [ -z "${INFBENCH_SANITIZED:-}" ]; then
	check "exact: mean ttft near 5 ms" test "$(jv exact '.mean_ttft_ms > 4.5 and .mean_ttft_ms < 8')" = true
fi

# chat completions: text prompts sized against /tokenize
bench chat --backend openai-chat --endpoint /v1/chat/completions --random-input-len 40 \
	--random-output-len 8 --num-prompts 10 --max-concurrency 2
expect_eq "chat: exit 0" "$RC" 0
expect_eq "chat: completed" "$(jv chat .completed)" 10
expect_eq "chat: approximate input false (tokenize answered)" "$(jv chat .client.approximate_input_tokens)" false
expect_eq "chat: approximate output 0" "$(jv chat .client.approximate_output_tokens)" 0
bench chatbad --backend openai-chat --random-input-len 40 --num-prompts 2
expect_eq "chat: completions endpoint is a usage error" "$RC" 2

# text prompts on completions
bench text --prompt-format text --random-input-len 30 --random-output-len 4 --num-prompts 6 \
	--max-concurrency 3 --random-range-ratio 1
expect_eq "text: input tokens exact" "$(jv text .total_input_tokens)" 180

# request rate with burstiness: 40 requests at 200/s take about 0.2 s, not 0
bench rate --request-rate 200 --burstiness 0.5 --random-input-len 10 --random-output-len 2 \
	--num-prompts 40
expect_eq "rate: completed" "$(jv rate .completed)" 40
expect_eq "rate: request_rate" "$(jv rate .request_rate)" 200
expect_eq "rate: burstiness" "$(jv rate .burstiness)" 0.5
expect_eq "rate: unlimited concurrency is null" "$(jv rate .max_concurrency)" null
check "rate: duration shows the rate" test "$(jv rate '.duration > 0.08 and .duration < 1.5')" = true

# nothing succeeds: exit 1, result still written
sim_start all500 --fault 500=1
bench all500 --num-prompts 5 --max-concurrency 2 --random-input-len 10 --random-output-len 2
expect_eq "all 500: exit 1" "$RC" 1
expect_eq "all 500: result written, counted" "$(jv all500 '.failures.http_500')" 5
expect_eq "all 500: completed 0" "$(jv all500 .completed)" 0

# usage errors
"$EXE" bench --model m --no-such-option >/dev/null 2>&1
expect_eq "unknown option: exit 2" "$?" 2
"$EXE" bench --model m --dataset-name sharegpt >/dev/null 2>&1
expect_eq "other dataset: exit 2" "$?" 2
"$EXE" bench --model m --goodput itl:5 >/dev/null 2>&1
expect_eq "goodput itl: exit 2" "$?" 2
"$EXE" bench --model m --metadata novalue >/dev/null 2>&1
expect_eq "metadata without =: exit 2" "$?" 2
"$EXE" bench --model m --result-schema v3 >/dev/null 2>&1
expect_eq "result schema v3: exit 2" "$?" 2
"$EXE" bnech >/dev/null 2>"$T/sugg"
expect_eq "unknown command: exit 2" "$?" 2
check "unknown command: did you mean" grep -q "did you mean 'bench'" "$T/sugg"
# --help: every option of executor-spec 4.1 (its first paragraph), and ours
"$EXE" bench --help >"$T/help"
expect_eq "help: exit 0" "$?" 0
SPEC_OPTS=$(awk '/^### 4.1 /{on=1; next} on && /^$/{exit} on' \
	"$(dirname "$0")/../../docs/executor-spec.md" | grep -o -- '--[a-z][a-z-]*' | sort -u)
check "help: spec 4.1 lists options" test "$(wc -l <<<"$SPEC_OPTS")" -ge 30
for opt in $SPEC_OPTS --request-timeout --result-schema; do
	check "help lists $opt" grep -qE -- "^  $opt( |\$)" "$T/help"
done

finish
