#!/usr/bin/env bash
# run_docker.sh: `executor run` end to end through the `docker` launcher, against a private Podman
# service with the Docker-compatible API (tests/e2e/harness/podman.sh) and the test image
# localhost/simserver:latest (static simserver + busybox + static bash, tests/e2e/image), imported
# through the API. Fixture profile runners/e2edocker.yaml: launcher docker, gpu sim, gpu-vendor
# none, docker.host = the private socket, pull never; SIMSERVER=/usr/local/bin/simserver (in the
# image) through the profile's env. Cases:
#   - --dry-run shows the create request (image, Cmd, labels, mounts), secrets as ***;
#   - the demo's single-node entry succeeds in a container: the files of executor-spec 6,
#     meta.json success with the image's id as digest, server.log has the server's output, no
#     container left;
#   - a recipe that exits at once fails within 2 s with its log tail; an absent image with
#     pull: never fails with a clear message;
#   - SIGTERM during the health wait and during the load: exit 1, failure artifact, meta.json names
#     phase and signal, no container labelled with the node, no process of the run left;
#   - a running container labelled with the node (a fake earlier run, created through the API) is
#     removed by the next run.
# Skipped (exit 77, "SKIPPED: reason") where Podman cannot run (not root, no namespaces, ...).
# Installs the packages when missing (as root), always tears the service down.
# usage: run_docker.sh PATH/TO/executor PATH/TO/simserver
# shellcheck source-path=SCRIPTDIR source=run_lib.bash
. "$(dirname "$0")/run_lib.bash"
# shellcheck source=harness/podman.sh source-path=SCRIPTDIR
. "$REPO/tests/e2e/harness/podman.sh"

bring_up podman
for f in gcc /bin/busybox /bin/bash-static; do
	command -v "$f" >/dev/null || { echo "SKIPPED: $f not installed (needed for the test image)"; exit 77; }
done
ok "podman service on $PODMAN_API_SOCK"
API=$PODMAN_API_VERSION

if gcc -static -O2 -o "$T/simserver" "$REPO"/tests/sim/*.c "$REPO"/common/rxstamp.c -I"$REPO" -lm \
	&& bash "$REPO/tests/e2e/image/build-rootfs.sh" "$T/rootfs.tar" "$T/simserver" \
	&& IMG_ID=$(podman_import_image localhost/simserver:latest "$T/rootfs.tar"); then
	ok "image localhost/simserver:latest imported (${IMG_ID:7:12})"
else
	bad "build and import the test image"
	finish
	exit 1
fi

make_workspace
PORT=$(infbench_free_port)
NODE=e2edocker_0
cat >"$WS/runners/e2edocker.yaml" <<EOF
# fixture profile of tests/e2e/run_docker.sh
launcher: docker
gpu: sim
gpu-vendor: none
port: $PORT
health-timeout: 60
env:
  SIMSERVER: /usr/local/bin/simserver
  SIM_TTFT_MS: "5"
  SIM_ITL_MS: "1"
docker:
  host: unix://$PODMAN_API_SOCK
  pull: never
EOF
COMMON=(--node "$NODE" --workspace "$WS")

# no_containers_left LABEL: no container (any state) labelled with the node
no_containers_left() {
	local left
	left=$(podman_list_labeled "infbench.node=$NODE")
	expect_eq "$1: no container labelled infbench.node=$NODE left" "${left:-none}" none
}

# ---------------------------------------------------------------- dry run
E=$(entry_json)
RF=$(rf "$E" "$NODE")
MY_TOKEN=s3cret xrun dry --entry-json "$E" "${COMMON[@]}" --output-dir "$T/dry" --secret-env MY_TOKEN --dry-run
expect_eq "dry-run: exit 0" "$RC" 0
for want in "launcher: docker at unix://$PODMAN_API_SOCK" '"Image": "localhost/simserver:latest"' \
	'"/workspace/benchmarks/single_node/sim_fp8_sim_sim.sh"' '"MY_TOKEN=***"' \
	"\"infbench.node\": \"$NODE\"" "\"$WS:/workspace\"" "\"$T/dry:$T/dry\"" '"NetworkMode": "host"'; do
	check "dry-run: shows $want" grep -qF -- "$want" "$T/dry.out"
done
check "dry-run: no secret value printed" test -z "$(grep -l s3cret "$T/dry.out" "$T/dry.err")"
no_containers_left "dry-run"

# ---------------------------------------------------------------- success
MY_TOKEN=s3cret xrun ok --entry-json "$E" "${COMMON[@]}" --output-dir "$T/ok" --secret-env MY_TOKEN
expect_eq "demo entry in a container: exit 0 ($MS ms)" "$RC" 0
[ "$RC" = 0 ] || sed 's/^/# /' "$T/ok.err" | tail -20
files_ok "docker" "$T/ok" "$RF"
expect_eq "docker: agg values" \
	"$(jf "$T/ok/agg_$RF.json" -c '[.hw, .conc, .image, .model, .framework, .precision, .is_multinode, .tp]')" \
	'["local",1,"localhost/simserver:latest","sim-model","sim","fp8",false,1]'
expect_eq "docker: raw result completed 10" "$(jf "$T/ok/$RF.json" .completed)" 10
expect_eq "docker: meta.json success, launcher docker" "$(jf "$T/ok/meta.json" -c '[.exit.status, .launcher, .node]')" \
	"[\"success\",\"docker\",\"$NODE\"]"
expect_eq "docker: meta.json image_digest is the image's id" "$(jf "$T/ok/meta.json" .image_digest)" "$IMG_ID"
check "docker: server.log has the server's output (streamed from the container)" \
	grep -q "simserver: listening" "$T/ok/server.log"
check "docker: server.log keeps the server's last line (SIGTERM at stop)" grep -q "simserver: stopping" "$T/ok/server.log"
out=$(grep -rl s3cret "$T/ok"; tar xzOf "$T/ok/bmk_$RF.tar.gz" 2>/dev/null | grep -c s3cret | grep -v '^0$')
expect_eq "docker: no secret in the output dir" "${out:-none}" none
no_containers_left "docker success"
no_procs_left "docker success"

# ---------------------------------------------------------------- failures
E=$(entry_json '."exp-name" = "exitnow_1024_64"')
xrun exitnow --entry-json "$E" "${COMMON[@]}" --output-dir "$T/exitnow"
expect_eq "exit at once: exit 1" "$RC" 1
check "exit at once: within 2 s ($MS ms)" test "$MS" -lt 2000
check "exit at once: the container's exit status in the message" grep -q "the container exited with status 3" "$T/exitnow.err"
check "exit at once: the log tail in the message" grep -q "simulated start-up failure" "$T/exitnow.err"
expect_eq "exit at once: meta.json failed_phase" "$(jf "$T/exitnow/meta.json" .exit.failed_phase)" health
artifact_ok "exit at once" "$T/exitnow"
no_containers_left "exit at once"

E=$(entry_json '.image = "localhost/absent:latest"')
xrun absent --entry-json "$E" "${COMMON[@]}" --output-dir "$T/absent"
expect_eq "absent image, pull never: exit 1" "$RC" 1
check "absent image, pull never: says so" grep -q "image localhost/absent:latest is not present and docker.pull is never" "$T/absent.err"
expect_eq "absent image: meta.json failed_phase" "$(jf "$T/absent/meta.json" .exit.failed_phase)" start
no_containers_left "absent image"

# SIGTERM during the health wait
E=$(entry_json '."exp-name" = "hang_1024_64"')
container_runs() { test -n "$(podman_list_labeled "infbench.node=$NODE")"; }
sigterm_in_health 10000 30 container_runs --entry-json "$E" "${COMMON[@]}"
no_containers_left "SIGTERM in health wait"
no_procs_left "SIGTERM in health wait"
check "SIGTERM in health wait: port $PORT closed" port_closed "$PORT"

# SIGTERM during the load
E=$(entry_json '."exp-name" = "slow_1024_64" | .conc = 2')
sigterm_in_load 10000 30 --entry-json "$E" "${COMMON[@]}"
no_containers_left "SIGTERM in load"
no_procs_left "SIGTERM in load"

# ---------------------------------------------------------------- leftover of an earlier run
body='{"Image":"localhost/simserver:latest","Cmd":["sleep","3600"],"WorkingDir":"/",
 "Labels":{"infbench.node":"'"$NODE"'","infbench.run":"earlier-crashed-run"},
 "HostConfig":{"NetworkMode":"host","Init":true}}'
old=$(podman_api POST "/$API/containers/create?name=infbench-e2e-earlier" -H 'Content-Type: application/json' \
	-d "$body" | grep -o '"Id":"[0-9a-f]*"' | cut -d'"' -f4)
code=$(podman_api POST "/$API/containers/${old:-none}/start" -o /dev/null -w '%{http_code}')
if [ -n "$old" ] && [ "$code" = 204 ]; then
	ok "leftover: a running container labelled with the node (${old:0:12})"
	xrun after --entry-json "$(entry_json)" "${COMMON[@]}" --output-dir "$T/after"
	expect_eq "leftover: next run exit 0" "$RC" 0
	[ "$RC" = 0 ] || sed 's/^/# /' "$T/after.err" | tail -5
	expect_eq "leftover: the old container is gone" \
		"$(podman_api GET "/$API/containers/$old/json" -o /dev/null -w '%{http_code}')" 404
else
	bad "leftover: create and start a labelled container" "id '${old:-}', HTTP $code"
fi
no_containers_left "leftover"
no_procs_left "leftover"

finish
