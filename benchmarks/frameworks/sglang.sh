# shellcheck shell=bash
# benchmarks/frameworks/sglang.sh: SGLang server arguments shared by the recipes (sourced after
# ../lib.sh, never run): serve_sglang for single-node recipes, sglang_role_args for the prefill and
# decode workers of the multi-node (dynamo-sglang, sglang-disagg) recipes.
#
# serve_sglang [EXTRA_ARG...]: exec `python3 -m sglang.launch_server` for one matrix entry. The
# recipe passes model/GPU specific flags (quantization, attention backend, memory fraction).
# Knobs (optional): MTP_NUM_STEPS (default 3) for spec-decoding mtp; DRAFT_MODEL for draft_model.
serve_sglang() {
	require_env MODEL PORT TP EP_SIZE DP_ATTENTION CONC MAX_MODEL_LEN SPEC_DECODING
	local graph_bs=$CONC
	local args=(
		-m sglang.launch_server
		--model-path "$MODEL"
		--host 0.0.0.0
		--port "$PORT"
		--tp "$TP"
		--trust-remote-code
		--context-length "$MAX_MODEL_LEN"
		--max-running-requests "$CONC"
		--disable-radix-cache
	)
	if ((EP_SIZE > 1)); then
		args+=(--ep-size "$EP_SIZE")
	fi
	if is_true "$DP_ATTENTION"; then
		# One attention DP rank per GPU; each rank captures graphs for its share of the batch.
		args+=(--enable-dp-attention --dp "$TP")
		graph_bs=$(((CONC + TP - 1) / TP))
	fi
	args+=(--cuda-graph-max-bs "$graph_bs")
	case "$SPEC_DECODING" in
	none) ;;
	mtp)
		# DeepSeek's MTP head as the EAGLE draft (SGLang's NextN path).
		local steps=${MTP_NUM_STEPS:-3}
		args+=(--speculative-algorithm EAGLE
			--speculative-num-steps "$steps"
			--speculative-eagle-topk 1
			--speculative-num-draft-tokens $((steps + 1)))
		;;
	draft_model)
		require_env DRAFT_MODEL
		args+=(--speculative-algorithm EAGLE3
			--speculative-draft-model-path "$DRAFT_MODEL"
			--speculative-num-steps 3
			--speculative-eagle-topk 1
			--speculative-num-draft-tokens 4)
		;;
	*) die "unsupported SPEC_DECODING '$SPEC_DECODING' for sglang" ;;
	esac
	log "python3 ${args[*]} $*"
	exec python3 "${args[@]}" "$@"
}

# sglang_role_args ROLE: the SGLang server arguments of one prefill or decode worker of a
# disaggregated deployment, one per line (for an args file: none contains a newline). Reads the
# executor's multi-node variables (ROLE = prefill | decode selects PREFILL_* or DECODE_*).
# Transport, ports and multi-node rendezvous flags are left to the caller. Knobs (optional):
# PREFILL_CHUNKED_PREFILL_SIZE (16384), PREFILL_MEM_FRACTION (0.8), DECODE_MAX_RUNNING_REQUESTS and
# DECODE_CUDA_GRAPH_MAX_BS (from the largest concurrency), DECODE_MEM_FRACTION (0.85), MTP_NUM_STEPS.
sglang_role_args() {
	local role=$1 prefix
	case "$role" in
	prefill) prefix=PREFILL ;;
	decode) prefix=DECODE ;;
	*) die "sglang_role_args: unknown role '$role'" ;;
	esac
	local tp_var=${prefix}_TP ep_var=${prefix}_EP dp_var=${prefix}_DP_ATTN nw_var=${prefix}_NUM_WORKERS
	local tp=${!tp_var} ep=${!ep_var} dp=${!dp_var} nw=${!nw_var}
	printf '%s\n' --model-path "$MODEL" --served-model-name "$MODEL" --trust-remote-code \
		--context-length "$MAX_MODEL_LEN" --disable-radix-cache \
		--disaggregation-mode "$role" --tp "$tp"
	if ((ep > 1)); then
		printf '%s\n' --ep-size "$ep"
	fi
	if is_true "$dp"; then
		printf '%s\n' --enable-dp-attention --dp "$tp"
	fi
	if [[ "$role" == prefill ]]; then
		printf '%s\n' --chunked-prefill-size "${PREFILL_CHUNKED_PREFILL_SIZE:-16384}" \
			--mem-fraction-static "${PREFILL_MEM_FRACTION:-0.8}"
	else
		local c max=1 running graph_bs
		for c in $CONC_LIST; do
			if ((c > max)); then
				max=$c
			fi
		done
		running=$(((max + nw - 1) / nw))
		graph_bs=$running
		if is_true "$dp"; then
			graph_bs=$(((running + tp - 1) / tp))
		fi
		printf '%s\n' --max-running-requests "${DECODE_MAX_RUNNING_REQUESTS:-$running}" \
			--cuda-graph-max-bs "${DECODE_CUDA_GRAPH_MAX_BS:-$graph_bs}" \
			--mem-fraction-static "${DECODE_MEM_FRACTION:-0.85}"
	fi
	case "$SPEC_DECODING" in
	none) ;;
	mtp)
		local steps=${MTP_NUM_STEPS:-3}
		printf '%s\n' --speculative-algorithm EAGLE --speculative-num-steps "$steps" \
			--speculative-eagle-topk 1 --speculative-num-draft-tokens $((steps + 1))
		;;
	*) die "unsupported SPEC_DECODING '$SPEC_DECODING' for disaggregated sglang" ;;
	esac
}
