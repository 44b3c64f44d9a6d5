#!/usr/bin/env bash
# dsr1-fp8-mi355x-sglang-disagg: DeepSeek-R1-0528 (FP8), disaggregated prefill/decode with SGLang
# on an MI355X Slurm cluster: SGLang prefill and decode servers (KV transfer with Mooncake over
# RDMA) behind the SGLang router (sglang_router, PD mode). Containers run with Docker on each node.
#
# Runs on the login node (launcher local). Writes each role's SGLang arguments into
# $RESULT_DIR/deploy/{prefill,decode}.args, copies slurm/docker_step.sh next to them (the compute
# nodes run it from the shared file system), submits slurm/sglang_disagg.sbatch, waits until the
# router lists the model, writes $RESULT_DIR/deployment.env and stays in the foreground until the
# executor stops it (the job is cancelled on any exit).
#
# Optional settings: see sglang_role_args in ../frameworks/sglang.sh; IBDEVICES (RDMA devices for
# Mooncake, comma-separated; node profile env); GPUS_PER_NODE (8).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$here/../lib.sh"
# shellcheck source-path=SCRIPTDIR source=../frameworks/sglang.sh
source "$here/../frameworks/sglang.sh"

mn_require
require_env IBDEVICES
export GPUS_PER_NODE=${GPUS_PER_NODE:-8}
export DEPLOY_DIR="$RESULT_DIR/deploy"
mkdir -p "$DEPLOY_DIR"
rm -f "$DEPLOY_DIR/frontend_host"
cp "$here/slurm/docker_step.sh" "$DEPLOY_DIR/docker_step.sh"

prefill_nodes=$(nodes_for "$PREFILL_TP" "$GPUS_PER_NODE")
decode_nodes=$(nodes_for "$DECODE_TP" "$GPUS_PER_NODE")
export PREFILL_NODES_PER_WORKER=$prefill_nodes DECODE_NODES_PER_WORKER=$decode_nodes
total_nodes=$((PREFILL_NUM_WORKERS * prefill_nodes + DECODE_NUM_WORKERS * decode_nodes))

# Worker HTTP ports (the router's is $PORT on the first node); bootstrap port for KV handshakes.
export PREFILL_HTTP_PORT=30100 DECODE_HTTP_PORT=30200 PREFILL_BOOTSTRAP_PORT=8998

# role_args ROLE: SGLang arguments plus ROCm kernels, ports and the Mooncake transport.
role_args() {
	local role=$1 port=$DECODE_HTTP_PORT
	if [[ "$role" == prefill ]]; then
		port=$PREFILL_HTTP_PORT
	fi
	sglang_role_args "$role"
	printf '%s\n' --host 0.0.0.0 --port "$port" --attention-backend aiter \
		--disaggregation-transfer-backend mooncake --disaggregation-ib-device "$IBDEVICES" \
		--disaggregation-bootstrap-port "$PREFILL_BOOTSTRAP_PORT"
}
role_args prefill >"$DEPLOY_DIR/prefill.args"
role_args decode >"$DEPLOY_DIR/decode.args"

export SGLANG_USE_AITER=1
mn_deploy "$here/slurm/sglang_disagg.sbatch" "$total_nodes"
