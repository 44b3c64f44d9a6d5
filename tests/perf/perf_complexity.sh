#!/usr/bin/env bash
# shellcheck disable=SC2317 # the make_* and run_* functions are called through report
# Complexity of every reader of outside input: each input is made at sizes n, 2n, 4n, 8n and
# read by the program as a user runs it; printed: the time at each size (best of 3) and the
# ratio per doubling, which stays near 2 for a linear reader (4 would be quadratic).
#   YAML configs        matrixgen validate, N config keys in one file
#   matrix              executor run --matrix --dry-run, N entries on one line
#   raw result          executor process, a detailed raw result of N requests on one line
#   aggregate directory executor aggregate, N processed results in one folder
#   one-line JSON       executor aggregate, one file holding an array of N results
#
#   tests/perf/perf_complexity.sh BUILD_DIR [SCALE] [--check]
#     SCALE multiplies every n (default 1). --check: exit 1 when a reader's time at 8n is over
#     24 times its time at n (linear gives 8, quadratic 64): a verdict on growth, far from
#     the noise of a shared machine, so the suite can run it (test perf.complexity).
set -euo pipefail
build=$(cd "${1:?usage: perf_complexity.sh BUILD_DIR [SCALE]}" && pwd)
scale=${2:-1}
check=${3:-}
GROWTH_MAX=24
failed=0
root=$(cd "$(dirname "$0")/../.." && pwd)
mg=$build/matrixgen/matrixgen ex=$build/executor/executor
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

best_of_3() { # command...; prints the best wall time in seconds
	local best="" t0 t1 s
	for _ in 1 2 3; do
		t0=$(date +%s%N)
		if ! "$@" >/dev/null 2>"$T/err"; then
			echo "perf_complexity: $* failed:" >&2
			head -5 "$T/err" >&2
			exit 1
		fi
		t1=$(date +%s%N)
		s=$(( (t1 - t0) / 1000 ))
		if [ -z "$best" ] || [ "$s" -lt "$best" ]; then best=$s; fi
	done
	awk -v us="$best" 'BEGIN { printf "%.3f", us / 1e6 }'
}

report() { # name, unit, base n, make function, run function
	local name=$1 unit=$2 n=$3 make=$4 run=$5 prev="" first="" t line
	line=$(printf '%-22s' "$name")
	for k in 1 2 4 8; do
		local size=$((n * k * scale))
		"$make" "$size"
		t=$(best_of_3 "$run" "$size")
		line+=$(printf '  %7d %s %7ss' "$size" "$unit" "$t")
		if [ -n "$prev" ]; then
			line+=$(awk -v a="$prev" -v b="$t" 'BEGIN { if (a > 0) printf " (x%.2f)", b / a; else printf " (x -)" }')
		fi
		[ "$k" = 1 ] && first=$t
		prev=$t
	done
	if [ "$check" = --check ] &&
		awk -v a="$first" -v b="$prev" -v m="$GROWTH_MAX" 'BEGIN { exit !(a > 0 && b / a > m) }'; then
		line+="  FAIL: 8n took over $GROWTH_MAX x n"
		failed=1
	fi
	echo "$line"
}

# --- YAML configs: one config key, copied under n names
make_configs() {
	awk -v n="$1" 'BEGIN {
		for (i = 0; i < n; i++) {
			printf "key-%d:\n  image: img:1\n  model: org/m\n  model-prefix: m%d\n", i, i % 7
			printf "  precision: fp8\n  framework: sglang\n  runner: h200\n  multinode: false\n"
			printf "  seq-len-configs:\n  - isl: 1024\n    osl: 1024\n    search-space:\n"
			printf "    - { tp: 8, conc-start: 4, conc-end: 64 }\n"
		}
	}' >"$T/configs.yaml"
}
run_configs() { "$mg" validate --config-files "$T/configs.yaml" --runner-config "$root/tests/golden/inputs/real-runners.yaml"; }

# --- matrix: n entries on one line
entry='{"image": "img:1", "model": "org/m", "model-prefix": "sim", "precision": "fp8", "framework": "sim", "runner": "local", "isl": 128, "osl": 16, "tp": 1, "conc": 4, "max-model-len": 400, "ep": 1, "dp-attn": false, "spec-decoding": "none", "exp-name": "sim_128_16", "disagg": false, "run-eval": false}'
make_matrix() {
	awk -v n="$1" -v e="$entry" 'BEGIN { printf "["; for (i = 0; i < n; i++) printf "%s%s", i ? ", " : "", e; print "]" }' >"$T/matrix.json"
}
run_matrix() { "$ex" run --matrix "$T/matrix.json" --dry-run --workspace "$root" --node local_0 --output-dir "$T/out"; }

# --- raw result with --save-detailed lists, n requests, one line
make_raw() {
	awk -v n="$1" 'BEGIN {
		printf "{\"date\": \"20250131-142501\", \"backend\": \"vllm\", \"model_id\": \"org/m\", \"tokenizer_id\": \"org/m\", \"best_of\": 1, \"num_prompts\": %d, \"request_rate\": \"inf\", \"burstiness\": 1.0, \"max_concurrency\": 4, \"duration\": 20.0, \"completed\": %d, \"total_input_tokens\": 36864, \"total_output_tokens\": 36864, \"request_throughput\": 2.0, \"output_throughput\": 1843.2, \"total_token_throughput\": 3686.4, \"mean_ttft_ms\": 125.5, \"median_ttft_ms\": 120.0, \"std_ttft_ms\": 10.0, \"p99_ttft_ms\": 150.0, \"mean_tpot_ms\": 20.0, \"median_tpot_ms\": 16.0, \"std_tpot_ms\": 2.5, \"p99_tpot_ms\": 25.0, \"mean_itl_ms\": 20.0, \"median_itl_ms\": 19.5, \"std_itl_ms\": 3.0, \"p99_itl_ms\": 40.0, \"mean_e2el_ms\": 2000.0, \"median_e2el_ms\": 1950.0, \"std_e2el_ms\": 100.0, \"p99_e2el_ms\": 2300.0", n, n
		split("input_lens output_lens ttfts", keys, " ")
		for (k = 1; k <= 3; k++) { printf ", \"%s\": [", keys[k]; for (i = 0; i < n; i++) printf "%s%s", i ? ", " : "", k == 3 ? "0.125" : "1024"; printf "]" }
		printf ", \"itls\": ["; for (i = 0; i < n; i++) printf "%s[0.02, 0.021, 0.019, 0.02]", i ? ", " : ""; printf "]"
		printf ", \"generated_texts\": ["; for (i = 0; i < n; i++) printf "%s\"some text\"", i ? ", " : ""; printf "]"
		printf ", \"errors\": ["; for (i = 0; i < n; i++) printf "%s\"\"", i ? ", " : ""; printf "]"
		print "}"
	}' >"$T/raw.json"
}
run_raw() { "$ex" process "$T/raw.json" --entry "$root/tests/results/process/entry-single.json" --node h200-nv_0 --output-dir "$T/agg"; }

# --- aggregate: n processed results in one folder, and the same n in one array
agg_src=$root/tests/results/compare/new/agg_dsr1_1k1k_fp8_sglang_tp8-ep1-dpafalse_disagg-false_spec-none_conc16_h200-nv_0.json
make_dir() {
	rm -rf "$T/dir"
	mkdir -p "$T/dir"
	for ((i = 0; i < $1; i++)); do sed "s/\"conc\": 16/\"conc\": $((i + 1))/" "$agg_src" >"$T/dir/agg_$i.json"; done
}
run_dir() { "$ex" aggregate "$T/dir" --json -; }
make_array() {
	local one
	one=$(tr -d '\n' <"$agg_src")
	awk -v n="$1" -v e="$one" 'BEGIN { printf "["; for (i = 0; i < n; i++) printf "%s%s", i ? ", " : "", e; print "]" }' >"$T/array.json"
}
run_array() { "$ex" aggregate "$T/array.json" --json -; }

echo "reader                 size and time at n, 2n, 4n, 8n (best of 3); (xR): time ratio per doubling"
report "YAML configs" keys 4000 make_configs run_configs
report "matrix (one line)" entries 2000 make_matrix run_matrix
report "raw result (detailed)" requests 50000 make_raw run_raw
report "aggregate directory" files 500 make_dir run_dir
report "aggregate one-line JSON" results 20000 make_array run_array
exit $failed
