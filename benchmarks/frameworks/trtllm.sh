# shellcheck shell=bash
# benchmarks/frameworks/trtllm.sh: serve_trtllm, the TensorRT-LLM `trtllm-serve` command shared by
# the single-node TensorRT-LLM recipes (sourced after ../lib.sh, never run).
#
# serve_trtllm [EXTRA_ARG...]: write the extra LLM API options (attention DP, MTP, MoE backend,
# KV cache, CUDA graphs) to a temporary YAML file and exec trtllm-serve (PyTorch backend).
# Knobs (optional, set by the recipe): TRTLLM_MOE_BACKEND (e.g. TRTLLM, CUTLASS, TRITON),
# TRTLLM_KV_DTYPE (default auto), TRTLLM_KV_FRACTION (default 0.85), MTP_NUM_LAYERS (default 3),
# TRTLLM_EXTRA_YAML (more top-level YAML lines, appended verbatim).
serve_trtllm() {
	require_env MODEL PORT TP EP_SIZE DP_ATTENTION CONC ISL MAX_MODEL_LEN SPEC_DECODING
	# One full prompt plus one decode step of every running request (1 + MTP draft tokens each),
	# rounded up to 64.
	local step_tokens=1
	if [[ "$SPEC_DECODING" == mtp ]]; then
		step_tokens=$((1 + ${MTP_NUM_LAYERS:-3}))
	fi
	local max_num_tokens=$(((ISL + CONC * step_tokens + 63) / 64 * 64))
	local graph_bs=$CONC
	if is_true "$DP_ATTENTION"; then
		graph_bs=$(((CONC + TP - 1) / TP))
	fi
	# Lives in the container's /tmp for the server's lifetime; exec leaves nothing to clean it up,
	# and the container (or job) is removed with it.
	local opts
	opts=$(mktemp "${TMPDIR:-/tmp}/trtllm-extra-options.XXXXXX")
	{
		echo "enable_attention_dp: $DP_ATTENTION"
		echo "print_iter_log: true"
		echo "cuda_graph_config:"
		echo "  enable_padding: true"
		echo "  max_batch_size: $graph_bs"
		echo "kv_cache_config:"
		echo "  dtype: ${TRTLLM_KV_DTYPE:-auto}"
		echo "  free_gpu_memory_fraction: ${TRTLLM_KV_FRACTION:-0.85}"
		echo "  enable_block_reuse: false"
		if [[ -n "${TRTLLM_MOE_BACKEND:-}" ]]; then
			echo "moe_config:"
			echo "  backend: $TRTLLM_MOE_BACKEND"
		fi
		case "$SPEC_DECODING" in
		none) ;;
		mtp)
			echo "speculative_config:"
			echo "  decoding_type: MTP"
			echo "  num_nextn_predict_layers: ${MTP_NUM_LAYERS:-3}"
			;;
		*) die "unsupported SPEC_DECODING '$SPEC_DECODING' for trt" ;;
		esac
		if [[ -n "${TRTLLM_EXTRA_YAML:-}" ]]; then
			printf '%s\n' "$TRTLLM_EXTRA_YAML"
		fi
	} >"$opts"
	log "extra LLM API options ($opts):"
	cat "$opts" >&2
	local args=(
		"$MODEL"
		--host 0.0.0.0
		--port "$PORT"
		--backend pytorch
		--tp_size "$TP"
		--ep_size "$EP_SIZE"
		--max_seq_len "$MAX_MODEL_LEN"
		--max_batch_size "$CONC"
		--max_num_tokens "$max_num_tokens"
		--trust_remote_code
		--extra_llm_api_options "$opts"
	)
	log "trtllm-serve ${args[*]} $*"
	exec trtllm-serve "${args[@]}" "$@"
}
