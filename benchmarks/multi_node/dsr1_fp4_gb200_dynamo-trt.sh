#!/usr/bin/env bash
# dsr1-fp4-gb200-dynamo-trt: DeepSeek-R1-0528 NVFP4, disaggregated prefill/decode with NVIDIA
# Dynamo + TensorRT-LLM on a GB200 NVL72 Slurm cluster. Also serves dsr1-fp4-gb300-dynamo-trt and
# the MTP variants (see the wrappers).
#
# Runs on the login node (launcher local). Writes one TensorRT-LLM engine config per role into
# $RESULT_DIR/deploy, submits slurm/dynamo_trt.sbatch (etcd + NATS + Dynamo frontend on the first
# node, then PREFILL_NUM_WORKERS prefill and DECODE_NUM_WORKERS decode workers, each on whole
# nodes), waits until the frontend lists the model, writes $RESULT_DIR/deployment.env and stays in
# the foreground until the executor stops it (the job is cancelled on any exit).
#
# Optional settings (additional-settings in the master config, or the node profile's env):
#   PREFILL_MAX_NUM_TOKENS (16384), PREFILL_MOE_BACKEND (CUTLASS), PREFILL_GPU_MEM_FRACTION (0.8),
#   DECODE_MAX_BATCH_SIZE (from the largest concurrency), DECODE_MOE_BACKEND (TRTLLM),
#   DECODE_GPU_MEM_FRACTION (0.85), MTP_NUM_LAYERS (3), GPUS_PER_NODE (4).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$here/../lib.sh"

mn_require
export GPUS_PER_NODE=${GPUS_PER_NODE:-4}
export DEPLOY_DIR="$RESULT_DIR/deploy"
mkdir -p "$DEPLOY_DIR"
rm -f "$DEPLOY_DIR/frontend_host"

prefill_nodes=$(nodes_for "$PREFILL_TP" "$GPUS_PER_NODE")
decode_nodes=$(nodes_for "$DECODE_TP" "$GPUS_PER_NODE")
export PREFILL_NODES_PER_WORKER=$prefill_nodes DECODE_NODES_PER_WORKER=$decode_nodes
total_nodes=$((PREFILL_NUM_WORKERS * prefill_nodes + DECODE_NUM_WORKERS * decode_nodes))

# Decode batch per worker (per attention-DP rank with DP attention) covers the largest concurrency.
if [[ -z "${DECODE_MAX_BATCH_SIZE:-}" ]]; then
	per_worker=$((($(max_conc) + DECODE_NUM_WORKERS - 1) / DECODE_NUM_WORKERS))
	if is_true "$DECODE_DP_ATTN"; then
		per_worker=$(((per_worker + DECODE_TP - 1) / DECODE_TP))
	fi
	DECODE_MAX_BATCH_SIZE=$per_worker
fi
mtp_layers=0
case "$SPEC_DECODING" in
none) ;;
mtp) mtp_layers=${MTP_NUM_LAYERS:-3} ;;
*) die "unsupported SPEC_DECODING '$SPEC_DECODING' for dynamo-trt" ;;
esac

# engine_config ROLE TP EP DP_ATTN MAX_BATCH MAX_TOKENS MOE_BACKEND MEM_FRACTION
engine_config() {
	local role=$1 tp=$2 ep=$3 dp=$4 batch=$5 tokens=$6 moe=$7 mem=$8
	echo "tensor_parallel_size: $tp"
	echo "moe_expert_parallel_size: $ep"
	echo "enable_attention_dp: $dp"
	echo "max_batch_size: $batch"
	echo "max_num_tokens: $tokens"
	echo "max_seq_len: $MAX_MODEL_LEN"
	echo "trust_remote_code: true"
	echo "print_iter_log: true"
	# Prefill runs one step per request: overlapping scheduling only adds latency there.
	if [[ "$role" == prefill ]]; then
		echo "disable_overlap_scheduler: true"
	else
		echo "disable_overlap_scheduler: false"
		echo "cuda_graph_config:"
		echo "  enable_padding: true"
		echo "  max_batch_size: $batch"
	fi
	echo "kv_cache_config:"
	echo "  dtype: fp8"
	echo "  free_gpu_memory_fraction: $mem"
	echo "  enable_block_reuse: false"
	echo "moe_config:"
	echo "  backend: $moe"
	echo "cache_transceiver_config:"
	echo "  backend: DEFAULT"
	echo "  max_tokens_in_buffer: $((MAX_MODEL_LEN + 256))"
	if ((mtp_layers > 0)); then
		echo "speculative_config:"
		echo "  decoding_type: MTP"
		echo "  num_nextn_predict_layers: $mtp_layers"
	fi
}

engine_config prefill "$PREFILL_TP" "$PREFILL_EP" "$PREFILL_DP_ATTN" 4 \
	"${PREFILL_MAX_NUM_TOKENS:-16384}" "${PREFILL_MOE_BACKEND:-CUTLASS}" \
	"${PREFILL_GPU_MEM_FRACTION:-0.8}" >"$DEPLOY_DIR/prefill.yaml"
engine_config decode "$DECODE_TP" "$DECODE_EP" "$DECODE_DP_ATTN" "$DECODE_MAX_BATCH_SIZE" \
	$((DECODE_MAX_BATCH_SIZE * (mtp_layers + 1))) "${DECODE_MOE_BACKEND:-TRTLLM}" \
	"${DECODE_GPU_MEM_FRACTION:-0.85}" >"$DEPLOY_DIR/decode.yaml"

mn_deploy "$here/slurm/dynamo_trt.sbatch" "$total_nodes"
