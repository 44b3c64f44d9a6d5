#!/usr/bin/env bash
# bench_server_metrics.sh: --server-metrics-interval against the simulator's /metrics (vLLM's
# names, then SGLang's), reduced by `executor process --server-metrics`: every counter figure
# equals what the simulator's own accounting gives (tests/sim/README.md, /metrics); the
# gauges stay within what the load allows. Then the max_tokens check: a server that streams
# fewer or more tokens than asked fails the run, unless --allow-output-len-mismatch.
# usage: bench_server_metrics.sh PATH/TO/executor PATH/TO/simserver
. "$(dirname "$0")/bench_lib.bash"

N=42 CONC=4 ISL=16 OSL=30
ARGS=(--num-prompts $N --max-concurrency $CONC --num-warmups 0 --random-input-len $ISL
	--random-output-len $OSL --random-range-ratio 1)
ENTRY=$(dirname "$0")/../results/process/entry-single.json

# process NAME: the processed result of $T/NAME.json with its scrapes, in $T/NAME.agg.json
process() {
	"$EXE" process --entry "$ENTRY" --server-metrics "$T/$1.server_metrics.json" \
		--output-dir "$T/agg-$1" "$T/$1.json" >"$T/$1.agg.json" 2>"$T/$1.agg.err"
	PRC=$?
}
pv() { jq -r "$2" "$T/$1.agg.json" 2>/dev/null; }

for names in vllm sglang; do
	flag=()
	[ $names = sglang ] && flag=(--sglang-metrics)
	sim_start "$names" --ttft-ms 5 --itl-ms 3 --prefix-hit-percent 25 --preempt-every 5 \
		--kv-capacity-requests 8 "${flag[@]}"
	# a first load, not scraped: the counters do not start at 0, so the figures are deltas
	bench "$names-first" "${ARGS[@]}"
	bench "$names" "${ARGS[@]}" --server-metrics-interval 0.05
	expect_eq "$names: bench exit 0" "$RC" 0
	check "$names: scrapes file beside the result" test -s "$T/$names.server_metrics.json"
	process "$names"
	expect_eq "$names: process exit 0" "$PRC" 0
	expect_eq "$names: adapter" "$(pv "$names" .server_metrics_adapter)" "$names"
	phases=$(jq -r '[.scrapes[].phase] | (.[0] + " " + .[-1] + " " +
		(map(select(. == "during")) | length > 2 | tostring))' "$T/$names.server_metrics.json")
	expect_eq "$names: before, several during, after" "$phases" "before after true"
	expect_eq "$names: prompt tokens" "$(pv "$names" .server_prompt_tokens)" "$((N * ISL))"
	expect_eq "$names: generation tokens" "$(pv "$names" .server_generation_tokens)" \
		"$((N * OSL))"
	# hits per request: 16 * 25 / 100 = 4 of 16 prompt tokens
	expect_eq "$names: prefix-cache hit rate" "$(pv "$names" .server_prefix_cache_hit_rate)" 0.25
	expect_eq "$names: preemptions (2N / 5 - N / 5)" "$(pv "$names" .server_preemptions)" \
		"$((2 * N / 5 - N / 5))"
	# throughput: generation tokens over the seconds between the first and last scrape
	want=$(jq -r '.scrapes | ((.[-1].unix - .[0].unix) as $s | '"$((N * OSL))"' / $s)' \
		"$T/$names.server_metrics.json")
	got=$(pv "$names" .server_generation_throughput)
	check "$names: generation throughput = tokens / scrape span ($got vs $want)" \
		jq -en "($got - $want) | fabs < 1e-9 * $want"
	check "$names: running max within concurrency" \
		jq -e ".server_requests_running_max >= 1 and .server_requests_running_max <= $CONC" \
		"$T/$names.agg.json"
	check "$names: KV usage max = running max / 8" \
		jq -e '.server_kv_cache_usage_max == .server_requests_running_max / 8' \
		"$T/$names.agg.json"
done

# no scrapes asked: no file, and the processed result as before (no server_ keys)
sim_start plain --ttft-ms 5 --itl-ms 3
bench plain "${ARGS[@]}"
check "no --server-metrics-interval: no scrapes file" test ! -e "$T/plain.server_metrics.json"
"$EXE" process --entry "$ENTRY" --output-dir "$T/agg-plain" "$T/plain.json" >"$T/plain.agg.json"
expect_eq "no scrapes: no server keys" \
	"$(jq '[keys[] | select(startswith("server_"))] | length' "$T/plain.agg.json")" 0

# aggregate: the spec's table as before, then our Server Metrics section, one row per result
# that has the figures (vllm, sglang; not plain)
env -u GITHUB_STEP_SUMMARY "$EXE" aggregate --markdown "$T/agg.md" "$T/agg-vllm" "$T/agg-sglang" \
	"$T/agg-plain" 2>"$T/agg.err"
expect_eq "aggregate: exit 0" "$?" 0
expect_eq "aggregate: server section rows" \
	"$(sed -n '/^## Server Metrics/,$p' "$T/agg.md" | grep -cE '^\| dsr1 ')" 2
check "aggregate: hit rate 25 % in both rows" test \
	"$(sed -n '/^## Server Metrics/,$p' "$T/agg.md" | grep -cE '\| (vllm|sglang) +\| +25 +\|')" = 2
expect_eq "aggregate: the spec's table keeps its 3 rows" \
	"$(sed -n '/^## Single-Node/,/^## Server/p' "$T/agg.md" | grep -cE '^\| dsr1 ')" 3

# max_tokens: fewer tokens than asked (with ignore_eos), then more
for delta in -3 5; do
	sim_start "delta$delta" --ttft-ms 5 --itl-ms 1 --output-tokens-delta "$delta"
	bench "delta$delta" "${ARGS[@]}"
	expect_eq "delta $delta: bench fails" "$RC" 1
	check "delta $delta: says the server ignores max_tokens" \
		grep -q "the server ignores max_tokens or ignore_eos: $N of $N successful" \
		"$T/delta$delta.err"
	expect_eq "delta $delta: counted in the raw result" \
		"$(jv "delta$delta" .client.output_len_mismatches)" $N
	check "delta $delta: and in the summary" \
		grep -q "Output len != max_tokens: *$N" "$T/delta$delta.out"
	bench "delta${delta}ok" "${ARGS[@]}" --allow-output-len-mismatch
	expect_eq "delta $delta: --allow-output-len-mismatch exit 0" "$RC" 0
done
# fewer tokens without ignore_eos is an EOS, not a mismatch
sim_start eos --ttft-ms 5 --itl-ms 1 --output-tokens-delta -3
bench "delta-3eos" "${ARGS[@]}" --no-ignore-eos
expect_eq "fewer without ignore_eos: exit 0" "$RC" 0
expect_eq "fewer without ignore_eos: no mismatch" "$(jv delta-3eos .client.output_len_mismatches)" 0

# ITL per token: 4 tokens an event, 5 ms a token (an event every 20 ms). With continuous usage
# stats each gap is spread over its tokens: 30 tokens give 26 samples (the first event's 4
# came with the first token) of 5 ms; without, one 20 ms sample per event (7)
sim_start chunks --ttft-ms 5 --itl-ms 5 --tokens-per-chunk 4
bench perchunk "${ARGS[@]}" --save-detailed
bench pertoken "${ARGS[@]}" --save-detailed --continuous-usage-stats
expect_eq "chunks: exit 0 both ways" "$RC $(jv perchunk .completed)" "0 $N"
expect_eq "chunks: ITL samples per request, per event" "$(jv perchunk '[.itls[] | length] | unique')" \
	"$(printf '[\n  7\n]')"
expect_eq "chunks: ITL samples per request, per token" "$(jv pertoken '[.itls[] | length] | unique')" \
	"$(printf '[\n  26\n]')"
check "chunks: per event, mean ITL ~ 20 ms" jq -e '.mean_itl_ms > 19 and .mean_itl_ms < 24' \
	"$T/perchunk.json"
check "chunks: per token, mean ITL ~ 5 ms" jq -e '.mean_itl_ms > 4.7 and .mean_itl_ms < 6' \
	"$T/pertoken.json"
# (shares of a gap in whole nanoseconds: they may differ by 1 ns = 1e-6 ms)
check "chunks: one gap's 4 samples are equal shares of it" jq -e \
	'.itls[0][0:4] | (max - min) <= 1.5e-6 and min > 0' "$T/pertoken.json"
expect_eq "chunks: token counts exact" "$(jv pertoken .client.output_len_mismatches)" 0
# chat: the role event (no usage) shares the first write, so one ~0 gap, then 26 per token
bench chat "${ARGS[@]}" --save-detailed --continuous-usage-stats --backend openai-chat \
	--endpoint /v1/chat/completions
expect_eq "chunks, chat: exit 0, all completed" "$RC $(jv chat .completed)" "0 $N"
expect_eq "chunks, chat: ITL samples per request" "$(jv chat '[.itls[] | length] | unique')" \
	"$(printf '[\n  27\n]')"
finish
