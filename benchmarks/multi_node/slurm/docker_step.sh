#!/usr/bin/env bash
# docker_step.sh NAME COMMAND...: run COMMAND in one $IMAGE container on this node, as a task of a
# Slurm step of sglang_disagg.sbatch (AMD GPUs, RDMA, host network and IPC). The argument
# @NODE_RANK@ becomes this task's node index within the step ($SLURM_NODEID). Variables named
# SGLANG_*, NCCL_*, RCCL_*, HIP_*, AITER_*, MC_* and HF_* (HF_TOKEN included, passed by name and
# never printed) reach the container. The container is removed when the task ends or is cancelled.
set -euo pipefail

name="sgl-$SLURM_JOB_ID-$1-$SLURM_NODEID"
shift
cmd=()
for arg in "$@"; do
	if [[ "$arg" == "@NODE_RANK@" ]]; then
		arg=$SLURM_NODEID
	fi
	cmd+=("$arg")
done
env_args=()
while read -r var; do
	env_args+=(-e "$var")
done < <(compgen -e | grep -E '^(SGLANG|NCCL|RCCL|HIP|AITER|MC|HF)_' || true)

trap 'docker rm -f "$name" >/dev/null 2>&1 || true' EXIT
trap 'exit 143' TERM INT

docker run --rm --name "$name" --network host --ipc host --shm-size 64g \
	--device /dev/kfd --device /dev/dri --device /dev/infiniband --group-add video \
	--cap-add SYS_PTRACE --cap-add IPC_LOCK --security-opt seccomp=unconfined --ulimit memlock=-1 \
	-v "$HF_HUB_CACHE:$HF_HUB_CACHE" -v "$DEPLOY_DIR:$DEPLOY_DIR" "${env_args[@]}" \
	"$IMAGE" "${cmd[@]}" &
wait $!
