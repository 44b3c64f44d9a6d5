# shellcheck shell=bash
# benchmarks/frameworks/atom.sh: serve_atom, the ROCm ATOM OpenAI server command shared by the
# single-node ATOM recipes on AMD GPUs (sourced after ../lib.sh, never run).
#
# serve_atom [EXTRA_ARG...]: exec `python3 -m atom.entrypoints.openai_server`. ATOM takes vLLM-like
# flags, except --server-port for the port and --kv_cache_dtype (underscores). It has no attention
# data parallelism: an entry with dp-attn true is refused here rather than run as something else.
# Knobs (optional): ATOM_GPU_MEM_UTIL (default 0.9), MTP_NUM_TOKENS (default 3).
serve_atom() {
	require_env MODEL PORT TP EP_SIZE DP_ATTENTION CONC MAX_MODEL_LEN SPEC_DECODING
	if is_true "$DP_ATTENTION"; then
		die "ATOM recipes do not support dp-attn"
	fi
	local args=(
		-m atom.entrypoints.openai_server
		--model "$MODEL"
		--host 0.0.0.0
		--server-port "$PORT"
		--tensor-parallel-size "$TP"
		--max-model-len "$MAX_MODEL_LEN"
		--max-num-seqs "$CONC"
		--gpu-memory-utilization "${ATOM_GPU_MEM_UTIL:-0.9}"
		--trust-remote-code
		--kv_cache_dtype fp8
	)
	if ((EP_SIZE > 1)); then
		args+=(--enable-expert-parallel)
	fi
	case "$SPEC_DECODING" in
	none) ;;
	mtp) args+=(--method mtp --num-speculative-tokens "${MTP_NUM_TOKENS:-3}") ;;
	*) die "unsupported SPEC_DECODING '$SPEC_DECODING' for atom" ;;
	esac
	log "python3 ${args[*]} $*"
	exec python3 "${args[@]}" "$@"
}
