# shellcheck shell=bash
# benchmarks/frameworks/vllm.sh: serve_vllm, the vLLM OpenAI server command shared by the
# single-node vLLM recipes (sourced after ../lib.sh, never run).
#
# serve_vllm [EXTRA_ARG...]: exec `vllm serve` for one matrix entry. Parallelism, context length,
# batch size and speculative decoding come from the executor's variables; the recipe passes what
# is specific to its model and GPU (quantization, kv-cache dtype, compilation flags) as arguments.
# Knobs (optional): VLLM_GPU_MEM_UTIL (default 0.9), MTP_NUM_TOKENS (default 3),
# DRAFT_MODEL and DRAFT_NUM_TOKENS (default 3) for spec-decoding draft_model.
serve_vllm() {
	require_env MODEL PORT TP EP_SIZE DP_ATTENTION CONC MAX_MODEL_LEN SPEC_DECODING
	local args=(
		serve "$MODEL"
		--host 0.0.0.0
		--port "$PORT"
		--max-model-len "$MAX_MODEL_LEN"
		--max-num-seqs "$CONC"
		--gpu-memory-utilization "${VLLM_GPU_MEM_UTIL:-0.9}"
		--no-enable-prefix-caching
	)
	if is_true "$DP_ATTENTION"; then
		# Attention data-parallel over the TP GPUs, experts sharded across them.
		args+=(--tensor-parallel-size 1 --data-parallel-size "$TP" --enable-expert-parallel)
	else
		args+=(--tensor-parallel-size "$TP")
		if ((EP_SIZE > 1)); then
			args+=(--enable-expert-parallel)
		fi
	fi
	case "$SPEC_DECODING" in
	none) ;;
	mtp)
		args+=(--speculative-config "{\"method\":\"deepseek_mtp\",\"num_speculative_tokens\":${MTP_NUM_TOKENS:-3}}")
		;;
	draft_model)
		require_env DRAFT_MODEL
		args+=(--speculative-config "{\"method\":\"eagle3\",\"model\":\"$DRAFT_MODEL\",\"num_speculative_tokens\":${DRAFT_NUM_TOKENS:-3}}")
		;;
	*) die "unsupported SPEC_DECODING '$SPEC_DECODING' for vllm" ;;
	esac
	log "vllm ${args[*]} $*"
	exec vllm "${args[@]}" "$@"
}
