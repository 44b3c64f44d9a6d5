/*
 * process_fixtures: the entries, raw results and processed results that the process tests
 * share: tests/unit/results/test_process.c (process_result), tests/unit/executor/
 * test_cmd_process.c (the command) and tests/unit/core/test_entry.c (refusals made by
 * editing these entries). Hand-computed: every quotient is exact to print.
 * Header-only and static: each test program has its own copy of the strings.
 */
#ifndef TESTS_UNIT_PROCESS_FIXTURES_H
#define TESTS_UNIT_PROCESS_FIXTURES_H

static const char *const single_entry =
	"{\"image\": \"img:1\", \"model\": \"org/M\", \"model-prefix\": \"m1\", \"precision\": "
	"\"fp8\", \"framework\": \"sglang\", \"runner\": \"h200\", \"isl\": 1024, \"osl\": 1024, "
	"\"tp\": 2, \"conc\": 4, \"max-model-len\": 2248, \"ep\": 1, \"dp-attn\": false, "
	"\"spec-decoding\": \"none\", \"exp-name\": \"m1_1k1k\", \"disagg\": false, "
	"\"run-eval\": false}";

/* total 600, output 200, tp 2; latencies chosen so every quotient is exact to print */
static const char *const single_raw =
	"{\"date\": \"20250131-142501\", \"backend\": \"vllm\", \"model_id\": \"org/M\", "
	"\"tokenizer_id\": \"org/M\", \"best_of\": 1, \"num_prompts\": 8, \"request_rate\": "
	"\"inf\", \"burstiness\": 1.0, \"max_concurrency\": 4, \"duration\": 2.0, \"completed\": "
	"8, \"total_input_tokens\": 800, \"total_output_tokens\": 400, \"request_throughput\": "
	"4.0, \"request_goodput:\": null, \"output_throughput\": 200.0, "
	"\"total_token_throughput\": 600.0, \"mean_ttft_ms\": 50.0, \"median_ttft_ms\": 40, "
	"\"p99_ttft_ms\": 90.0, \"mean_tpot_ms\": 20.0, \"median_tpot_ms\": 25.0, "
	"\"p99.9_tpot_ms\": 40.0, \"mean_e2el_ms\": 1500.0, \"failures\": {}, "
	"\"client\": {\"max_loop_lag_ms\": 1.0}, \"benchmark_start_time_unix\": 1000.5}";

static const char *const single_want =
	"{\n"
	"  \"hw\": \"h200\",\n"
	"  \"conc\": 4,\n"
	"  \"image\": \"img:1\",\n"
	"  \"model\": \"org/M\",\n"
	"  \"infmax_model_prefix\": \"m1\",\n"
	"  \"framework\": \"sglang\",\n"
	"  \"precision\": \"fp8\",\n"
	"  \"spec_decoding\": \"none\",\n"
	"  \"disagg\": false,\n"
	"  \"isl\": 1024,\n"
	"  \"osl\": 1024,\n"
	"  \"is_multinode\": false,\n"
	"  \"tp\": 2,\n"
	"  \"ep\": 1,\n"
	"  \"dp_attention\": \"false\",\n"
	"  \"tput_per_gpu\": 300.0,\n"
	"  \"output_tput_per_gpu\": 100.0,\n"
	"  \"input_tput_per_gpu\": 200.0,\n"
	"  \"mean_ttft\": 0.05,\n"
	"  \"median_ttft\": 0.04,\n"
	"  \"p99_ttft\": 0.09,\n"
	"  \"mean_tpot\": 0.02,\n"
	"  \"mean_intvty\": 50.0,\n"
	"  \"median_tpot\": 0.025,\n"
	"  \"median_intvty\": 40.0,\n"
	"  \"p99.9_tpot\": 0.04,\n"
	"  \"p99.9_intvty\": 25.0,\n"
	"  \"mean_e2el\": 1.5\n"
	"}";

static const char *const multi_entry =
	"{\"image\": \"img:2\", \"model\": \"org/M\", \"model-prefix\": \"m1\", \"precision\": "
	"\"fp4\", \"framework\": \"dynamo-sglang\", \"runner\": \"gb200\", \"isl\": 8192, "
	"\"osl\": 1024, \"spec-decoding\": \"mtp\", \"prefill\": {\"num-worker\": 2, \"tp\": 4, "
	"\"ep\": 4, \"dp-attn\": true, \"additional-settings\": [\"A_B=1\"]}, \"decode\": "
	"{\"num-worker\": 1, \"tp\": 8, \"ep\": 8, \"dp-attn\": false}, \"conc\": [64, 128], "
	"\"max-model-len\": 9416, \"exp-name\": \"m1_8k1k\", \"disagg\": true, \"run-eval\": false}";

/* total 900, output 600, P 2, D 6: 900/8, 600/6, 300/2 */
static const char *const multi_raw =
	"{\"model_id\": \"org/M\", \"max_concurrency\": 128.0, \"output_throughput\": 600, "
	"\"total_token_throughput\": 900, \"median_tpot_ms\": 8.0, \"median_e2el_ms\": 100}";

static const char *const multi_want =
	"{\n"
	"  \"hw\": \"gb200\",\n"
	"  \"conc\": 128,\n"
	"  \"image\": \"img:2\",\n"
	"  \"model\": \"org/M\",\n"
	"  \"infmax_model_prefix\": \"m1\",\n"
	"  \"framework\": \"dynamo-sglang\",\n"
	"  \"precision\": \"fp4\",\n"
	"  \"spec_decoding\": \"mtp\",\n"
	"  \"disagg\": true,\n"
	"  \"isl\": 8192,\n"
	"  \"osl\": 1024,\n"
	"  \"is_multinode\": true,\n"
	"  \"prefill_tp\": 4,\n"
	"  \"prefill_ep\": 4,\n"
	"  \"prefill_dp_attention\": \"true\",\n"
	"  \"prefill_num_workers\": 2,\n"
	"  \"decode_tp\": 8,\n"
	"  \"decode_ep\": 8,\n"
	"  \"decode_dp_attention\": \"false\",\n"
	"  \"decode_num_workers\": 1,\n"
	"  \"num_prefill_gpu\": 2,\n"
	"  \"num_decode_gpu\": 6,\n"
	"  \"tput_per_gpu\": 112.5,\n"
	"  \"output_tput_per_gpu\": 100.0,\n"
	"  \"input_tput_per_gpu\": 150.0,\n"
	"  \"median_tpot\": 0.008,\n"
	"  \"median_intvty\": 125.0,\n"
	"  \"median_e2el\": 0.1\n"
	"}";

#endif
