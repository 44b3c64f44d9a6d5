#!/usr/bin/env bash
# dsr1-fp8-gb200-dynamo-sglang: DeepSeek-R1-0528 (FP8), disaggregated prefill/decode with NVIDIA
# Dynamo + SGLang on a GB200 NVL72 Slurm cluster (KV transfer over NIXL, DeepEP for wide EP).
#
# Runs on the login node (launcher local). Writes each role's SGLang arguments into
# $RESULT_DIR/deploy/{prefill,decode}.args, submits slurm/dynamo_sglang.sbatch (etcd + NATS +
# Dynamo frontend on the first node, then the workers on whole nodes), waits until the frontend
# lists the model, writes $RESULT_DIR/deployment.env and stays in the foreground until the executor
# stops it (the job is cancelled on any exit).
#
# Optional settings: see sglang_role_args in ../frameworks/sglang.sh; SGLANG_* variables (e.g.
# SGLANG_DEEPEP_NUM_MAX_DISPATCH_TOKENS_PER_RANK) reach the containers unchanged; GPUS_PER_NODE (4).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$here/../lib.sh"
# shellcheck source-path=SCRIPTDIR source=../frameworks/sglang.sh
source "$here/../frameworks/sglang.sh"

mn_require
export GPUS_PER_NODE=${GPUS_PER_NODE:-4}
export DEPLOY_DIR="$RESULT_DIR/deploy"
mkdir -p "$DEPLOY_DIR"
rm -f "$DEPLOY_DIR/frontend_host"

prefill_nodes=$(nodes_for "$PREFILL_TP" "$GPUS_PER_NODE")
decode_nodes=$(nodes_for "$DECODE_TP" "$GPUS_PER_NODE")
export PREFILL_NODES_PER_WORKER=$prefill_nodes DECODE_NODES_PER_WORKER=$decode_nodes
total_nodes=$((PREFILL_NUM_WORKERS * prefill_nodes + DECODE_NUM_WORKERS * decode_nodes))

# role_args ROLE: SGLang arguments plus the Dynamo/NIXL transport and the MoE all-to-all backend.
role_args() {
	local role=$1 ep_var
	sglang_role_args "$role"
	printf '%s\n' --host 0.0.0.0 --kv-cache-dtype fp8_e4m3 \
		--disaggregation-transfer-backend nixl --disaggregation-bootstrap-port 30001
	ep_var=${role^^}_EP
	if ((${!ep_var} > 1)); then
		# DeepEP: throughput-oriented dispatch for prefill, low-latency kernels for decode.
		printf '%s\n' --moe-a2a-backend deepep --deepep-mode \
			"$([[ "$role" == prefill ]] && echo normal || echo low_latency)"
	fi
}
role_args prefill >"$DEPLOY_DIR/prefill.args"
role_args decode >"$DEPLOY_DIR/decode.args"

mn_deploy "$here/slurm/dynamo_sglang.sbatch" "$total_nodes"
