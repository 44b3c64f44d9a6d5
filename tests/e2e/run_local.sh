#!/usr/bin/env bash
# run_local.sh: `executor run` end to end through the `local` launcher with the simulator, in a
# temporary workspace (the repository's benchmarks/ and runners/ copied, plus the fixture recipes
# of tests/e2e/fixtures/ and a fixture node profile runners/e2elocal.yaml on a free port):
#   - the demo's single-node and multi-node entries succeed: the files of executor-spec 6, the
#     tarball listing them at top level, agg_*.json with the entry's values, meta.json success;
#   - a v2 single-node entry writes upstream's v2 raw result and the v2 processed result;
#   - the run's variables and the profile's env win over the executor's own environment;
#   - --dry-run shows recipe, profile and environment with secrets as *** and starts nothing; a
#     secret never reaches a file of the output directory;
#   - a recipe that exits at once fails the run within 2 s with its log tail (phase health);
#   - a server that dies in the middle of the load fails the run (phase load);
#   - SIGTERM during the health wait and during the load: exit 1, failure artifact, meta.json
#     names the phase and SIGTERM, no process of the run left; also with the executor as PID 1 of
#     a PID namespace (a container without an init: the recipe's orphans stay zombies), where
#     the namespaces can be made; SIGINT during the load likewise;
#   - a server never ready is given up at the health timeout; a port already in use is refused
#     before the recipe starts;
#   - a process group left by a run whose executor was SIGKILLed is removed by the next run;
#   - --matrix: one summary line per entry, files in bmk_{RESULT_FILENAME}/;
#   - a missing recipe lists every name tried; an invalid entry names the key;
#   - hostile input: a concurrency the machine cannot hold, or more connections than file
#     descriptors, is refused before the server starts; SIGTERM while the requests are built is
#     answered at once; SIGTERM during the stop ends the run as interrupted; a disk full at the
#     artifact step leaves a meta.json that says so; an empty matrix runs nothing; --dry-run
#     escapes control characters; failures name the phase in words; out of memory still stops
#     the server and writes meta.json.
# usage: run_local.sh PATH/TO/executor PATH/TO/simserver PATH/TO/matrixgen
# shellcheck source-path=SCRIPTDIR source=run_lib.bash
. "$(dirname "$0")/run_lib.bash"
MATRIXGEN=$(realpath "${3:?usage: $0 EXECUTOR SIMSERVER MATRIXGEN}")

local_setup e2elocal

# ---------------------------------------------------------------- the demo's entries
"$MATRIXGEN" full-sweep --config-files "$REPO/tests/e2e/fixtures/demo-v1.yaml" \
	--runner-config "$REPO/configs/runners.yaml" >"$T/demo.json" 2>"$T/demo.err"
expect_eq "matrixgen: demo matrix" "$?" 0
expect_eq "matrixgen: first entry is run_lib's ENTRY_SN" "$(jq -cS '.[0]' "$T/demo.json")" \
	"$(jq -cS . <<<"$ENTRY_SN")"
E_MN=$(jq -c '[.[] | select(.prefill)][0]' "$T/demo.json")

# single-node, with a secret that must not leak
E=$(entry_json)
RF=$(rf "$E" "$NODE")
MY_TOKEN=s3cret HF_TOKEN=hf-s3cret-2 xrun sn --entry-json "$E" "${COMMON[@]}" --output-dir "$T/sn" \
	--secret-env MY_TOKEN
expect_eq "single-node: exit 0" "$RC" 0
[ "$RC" = 0 ] || sed 's/^/# /' "$T/sn.err" | tail -20
files_ok "single-node" "$T/sn" "$RF"
A=$T/sn/agg_$RF.json
expect_eq "single-node: agg keys in order" "$(jf "$A" '[keys_unsorted[0:18][]] | join(",")')" \
	"hw,conc,image,model,infmax_model_prefix,framework,precision,spec_decoding,disagg,isl,osl,is_multinode,tp,ep,dp_attention,tput_per_gpu,output_tput_per_gpu,input_tput_per_gpu"
expect_eq "single-node: agg values" \
	"$(jf "$A" -c '[.hw, .conc, .image, .model, .infmax_model_prefix, .framework, .precision, .spec_decoding, .disagg, .isl, .osl, .is_multinode, .tp, .ep, .dp_attention]')" \
	'["local",1,"localhost/simserver:latest","sim-model","sim","sim","fp8","none",false,1024,64,false,1,1,"false"]'
check "single-node: agg throughput > 0, ttft in s" test "$(jf "$A" '.tput_per_gpu > 0 and .median_ttft > 0.004 and .median_ttft < 0.5')" = true
# the simulator's /metrics: the first scrape is before the warm-ups, so the server generated
# at least what the timed requests got
expect_eq "single-node: server metrics in agg" "$(jf "$A" -c --argjson out \
	"$(jf "$T/sn/$RF.json" .total_output_tokens)" \
	'[.server_metrics_adapter, .server_generation_tokens >= $out, .server_metrics_scrapes >= 2]')" \
	'["vllm",true,true]'
expect_eq "single-node: raw result completed 10 of 10" "$(jf "$T/sn/$RF.json" '"\(.completed) \(.num_prompts)"')" "10 10"
expect_eq "single-node: meta.json" "$(jf "$T/sn/meta.json" -c '[.exit.status, .exit.failed_phase, .node, .launcher, .result_filename == "'"$RF"'", ([.phases[].name] | join(","))]')" \
	'["success",null,"e2elocal_0","local",true,"validate,prepare,leftovers,start,health,load,process,stop,artifact"]'
expect_eq "single-node: entry.json is the entry" "$(jq -cS . "$T/sn/entry.json" 2>/dev/null)" "$(jq -cS . <<<"$E")"
check "single-node: summary line on stderr" grep -q "^executor: ok  *$RF: 10/10 requests" "$T/sn.err"
check "single-node: server.log keeps the server's last line (SIGTERM at stop)" grep -q "simserver: stopping" "$T/sn/server.log"
out=$(grep -rl -e s3cret "$T/sn"; for f in "$T"/sn/*.tar.gz; do tar xzOf "$f" | grep -c s3cret | grep -v '^0$'; done)
expect_eq "single-node: no secret in any file of the output dir (nor in the tarball)" "${out:-none}" none
check "single-node: no secret on stdout/stderr" test -z "$(grep -l s3cret "$T/sn.out" "$T/sn.err")"
no_procs_left "single-node"
check "single-node: port $PORT closed" port_closed "$PORT"

# a v2 single-node entry: upstream's v2 raw result (wall-clock keys after duration,
# input_lens/output_lens, percentiles 90,99,99.9) and the v2 processed result from it
E=$(entry_json '. + {pp: 1, "dcp-size": 1, "pcp-size": 1}')
RF=$("$EXE" result-filename --entry-json "$E" --node "$NODE")
xrun snv2 --entry-json "$E" "${COMMON[@]}" --output-dir "$T/snv2"
expect_eq "single-node v2: exit 0" "$RC" 0
[ "$RC" = 0 ] || sed 's/^/# /' "$T/snv2.err" | tail -20
expect_eq "single-node v2: raw keys after duration" \
	"$(jf "$T/snv2/$RF.json" '[keys_unsorted[9:12][], keys_unsorted[18:21][]] | join(",")')" \
	"duration,benchmark_start_time_unix,benchmark_end_time_unix,total_token_throughput,input_lens,output_lens"
expect_eq "single-node v2: raw ttft percentiles" \
	"$(jf "$T/snv2/$RF.json" '[keys_unsorted[] | select(test("^p.*_ttft_ms$"))] | join(",")')" \
	"p90_ttft_ms,p99_ttft_ms,p99.9_ttft_ms"
expect_eq "single-node v2: agg has pp and the v2 percentiles" \
	"$(jf "$T/snv2/agg_$RF.json" -c '[.pp, .dcp_size, .pcp_size, .recipe_fingerprint, (.p90_ttft > 0), (.["p99.9_intvty"] > 0), has("input_lens")]')" \
	'[1,1,1,"",true,true,false]'
no_procs_left "single-node v2"

# multi-node demo entry (always the local launcher)
RFM=$(jq -r --arg n "$NODE" '"\(."exp-name")_\(.precision)_\(.framework)_prefill-tp\(.prefill.tp)-ep\(.prefill.ep)-dp\(.prefill."dp-attn")-nw\(.prefill."num-worker")_decode-tp\(.decode.tp)-ep\(.decode.ep)-dp\(.decode."dp-attn")-nw\(.decode."num-worker")_disagg-\(.disagg)_spec-\(."spec-decoding")_conc\(.conc | map(tostring) | join("x"))_\($n)"' <<<"$E_MN")
xrun mn --entry-json "$E_MN" "${COMMON[@]}" --output-dir "$T/mn"
expect_eq "multi-node: exit 0" "$RC" 0
[ "$RC" = 0 ] || sed 's/^/# /' "$T/mn.err" | tail -20
absent=''
for f in "${RFM}_conc2_gpus_5_ctx_1_gen_4.json" "agg_${RFM}_conc2_gpus_5_ctx_1_gen_4.json" \
	"${RFM}_conc4_gpus_5_ctx_1_gen_4.json" "agg_${RFM}_conc4_gpus_5_ctx_1_gen_4.json" \
	server.log entry.json meta.json "bmk_$RFM.tar.gz"; do
	[ -f "$T/mn/$f" ] || absent+=" $f"
done
expect_eq "multi-node: files of spec 6 (one raw + agg per conc)" "${absent:-none missing}" "none missing"
check "multi-node: tarball holds the 4 results, log, entry, meta at top level" \
	test "$(tar tzf "$T/mn/bmk_$RFM.tar.gz" 2>/dev/null | grep -cE '^(agg_)?'"$RFM"'_conc[24]_gpus_5_ctx_1_gen_4\.json$|^(server\.log|entry\.json|meta\.json)$')" = 7 \
	-a -z "$(tar tzf "$T/mn/bmk_$RFM.tar.gz" 2>/dev/null | grep /)"
for c in 2 4; do
	expect_eq "multi-node: agg conc $c values" \
		"$(jf "$T/mn/agg_${RFM}_conc${c}_gpus_5_ctx_1_gen_4.json" -c '[.hw, .conc, .disagg, .is_multinode, .prefill_tp, .prefill_num_workers, .decode_tp, .decode_num_workers, .num_prefill_gpu, .num_decode_gpu, .framework]')" \
		"[\"local\",$c,true,true,1,1,2,2,1,4,\"sim-disagg\"]"
done
expect_eq "multi-node: meta.json success, launcher local" "$(jf "$T/mn/meta.json" -c '[.exit.status, .launcher]')" '["success","local"]'
no_procs_left "multi-node"

# the run's variables win over the executor's own environment; the profile's env over it too
MODEL=wrong-model PORT=1 RESULT_DIR=/nonexistent SIM_ITL_MS=500 xrun envwin --entry-json "$(entry_json)" "${COMMON[@]}" \
	--output-dir "$T/envwin"
expect_eq "the run's variables win over the executor's environment: exit 0" "$RC" 0
[ "$RC" = 0 ] || sed 's/^/# /' "$T/envwin.err" | tail -5
no_procs_left "environment"

# ---------------------------------------------------------------- dry run
MY_TOKEN=s3cret HF_TOKEN=hf-s3cret-2 xrun dry --entry-json "$E" "${COMMON[@]}" --output-dir "$T/dry" \
	--secret-env MY_TOKEN --dry-run
expect_eq "dry-run: exit 0" "$RC" 0
for want in "recipe: $WS/benchmarks/single_node/sim_fp8_sim_sim.sh" "profile: $WS/runners/e2elocal.yaml" \
	"RESULT_FILENAME: $RF" "MY_TOKEN=***" "HF_TOKEN=***" "PORT=$PORT" "SIMSERVER=$SIM" "CONC=1"; do
	check "dry-run: shows '$want'" grep -qF -- "$want" "$T/dry.out"
done
check "dry-run: no secret value printed" test -z "$(grep -l s3cret "$T/dry.out" "$T/dry.err")"
check "dry-run: no output directory created" test ! -e "$T/dry"
check "dry-run: nothing listens on $PORT" port_closed "$PORT"
no_procs_left "dry-run"

# ---------------------------------------------------------------- failures
# a recipe that exits at once: fails within 2 s (not at the 60 s timeout) with the log tail
E=$(entry_json '."exp-name" = "exitnow_1024_64"')
xrun exitnow --entry-json "$E" "${COMMON[@]}" --output-dir "$T/exitnow"
expect_eq "exit at once: exit 1" "$RC" 1
check "exit at once: within 2 s ($MS ms)" test "$MS" -lt 2000
check "exit at once: message has the recipe's exit status" grep -q "the server stopped before it was ready: the recipe exited with status 3" "$T/exitnow.err"
check "exit at once: message has the log tail" grep -q "simulated start-up failure" "$T/exitnow.err"
expect_eq "exit at once: meta.json failed_phase" "$(jf "$T/exitnow/meta.json" .exit.failed_phase)" health
artifact_ok "exit at once" "$T/exitnow"
no_procs_left "exit at once"

# a server that dies in the middle of the load: the run fails, the raw result counts the failures
E=$(entry_json '."exp-name" = "dies_1024_64" | .conc = 2')
RFD=$(rf "$E" "$NODE")
xrun dies --entry-json "$E" "${COMMON[@]}" --output-dir "$T/dies"
expect_eq "server dies mid-load: exit 1" "$RC" 1
[ "$RC" = 1 ] || sed 's/^/# /' "$T/dies.err" | tail -5
expect_eq "server dies mid-load: meta.json failed_phase" "$(jf "$T/dies/meta.json" .exit.failed_phase)" load
check "server dies mid-load: raw result counts connect failures" \
	test "$(jf "$T/dies/$RFD.json" '(.failures | add // 0) > 0')" = true
check "server dies mid-load: the reason names the server's end" grep -qi "exited with status 3\|server.*stopped\|died" "$T/dies.err"

# the failure gate (issue 14, upstream's client): more than 5% of a load's requests failed
E=$(entry_json '."exp-name" = "flaky_1024_64" | .conc = 4')
RFF=$(rf "$E" "$NODE")
xrun flaky --entry-json "$E" "${COMMON[@]}" --output-dir "$T/flaky"
expect_eq "failure gate: 25% failed, exit 1" "$RC" 1
expect_eq "failure gate: meta.json failed_phase" "$(jf "$T/flaky/meta.json" .exit.failed_phase)" load
check "failure gate: the reason names the rate and the option" \
	grep -q "request failure rate 2[0-9.]*% exceeds 5% (.*--max-failed-pct)" "$T/flaky.err"
check "failure gate: the raw result is kept" test -s "$T/flaky/$RFF.json"
xrun flaky2 --entry-json "$E" "${COMMON[@]}" --output-dir "$T/flaky2" --max-failed-pct 30
expect_eq "failure gate: --max-failed-pct 30 lets 25% pass" "$RC" 0
artifact_ok "server dies mid-load" "$T/dies"
no_procs_left "server dies mid-load"

# SIGTERM during the health wait (a server that never becomes healthy, with a child process)
E=$(entry_json '."exp-name" = "hang_1024_64"')
sigterm_in_health 5000 10 true --entry-json "$E" "${COMMON[@]}"
no_procs_left "SIGTERM in health wait"

# the same with the executor as PID 1 of a PID namespace: the recipe's orphans (its `sleep`) are
# reparented to the executor and stay zombies; the stop must not wait for them
if unshare --pid --fork --mount-proc true 2>/dev/null; then
	XPREFIX=(unshare --pid --fork --mount-proc)
	xstart pid1 --entry-json "$E" "${COMMON[@]}" --output-dir "$T/pid1"
	XPREFIX=()
	if wait_for 10 log_has "$T/pid1/server.log" "fixture hang: started" && wait_for 5 infbench_port_listening "$PORT"; then
		sleep 0.3
		kill -TERM "$(children_of "$XPID" | head -1)"
		xwait 45
		expect_eq "executor as PID 1, SIGTERM in health wait: exit 1" "$RC" 1
		check "executor as PID 1, SIGTERM in health wait: ends within 5 s ($MS ms)" test "$MS" -lt 5000
		meta_exit_ok "executor as PID 1" "$T/pid1" health SIGTERM
	else
		bad "executor as PID 1: the recipe started" "$(tail -3 "$T/pid1.err")"
		xwait 1
	fi
	no_procs_left "executor as PID 1"
else
	echo "skip executor as PID 1: unshare --pid --fork --mount-proc is not permitted here"
fi

# SIGTERM during the load (a slow server)
E=$(entry_json '."exp-name" = "slow_1024_64" | .conc = 2')
RFS=$(rf "$E" "$NODE")
if sigterm_in_load 5000 20 --entry-json "$E" "${COMMON[@]}"; then
	check "SIGTERM in load: raw result written with what exists" test -f "$T/slow/$RFS.json"
fi
no_procs_left "SIGTERM in load"

# SIGINT during the load: the same as SIGTERM, and meta.json names SIGINT
E=$(entry_json '."exp-name" = "slow_1024_64" | .conc = 2')
xstart sigint --entry-json "$E" "${COMMON[@]}" --output-dir "$T/sigint"
if wait_for 20 sim_busy "$PORT"; then
	sleep 0.3
	kill -INT "$XPID"
	xwait 60
	expect_eq "SIGINT in load: exit 1" "$RC" 1
	check "SIGINT in load: ends within 5 s ($MS ms)" test "$MS" -lt 5000
	meta_exit_ok "SIGINT in load" "$T/sigint" load SIGINT
	artifact_ok "SIGINT in load" "$T/sigint"
else
	bad "SIGINT in load: the load started" "$(tail -3 "$T/sigint.err")"
	kill -INT "$XPID"
	xwait 60
fi
no_procs_left "SIGINT in load"

# a server that never becomes ready: given up at the health timeout (1 s), with its log tail
E=$(entry_json '."exp-name" = "hang_1024_64"')
xrun hangtimeout --entry-json "$E" "${COMMON[@]}" --output-dir "$T/hangtimeout" --health-timeout 1
expect_eq "health timeout: exit 1" "$RC" 1
check "health timeout: within 5 s ($MS ms)" test "$MS" -lt 5000
check "health timeout: says so" grep -q "the server was not ready after 1 s" "$T/hangtimeout.err"
check "health timeout: with the log tail" grep -q "fixture hang: started" "$T/hangtimeout.err"
meta_exit_ok "health timeout" "$T/hangtimeout" health null
artifact_ok "health timeout" "$T/hangtimeout"
no_procs_left "health timeout"

# another server already listens on the port: refused before the recipe starts (it would
# answer the health check and take the load), and that server is left alone
"$SIM" --port "$PORT" 2>/dev/null &
STRANGER=$!
if wait_for 5 infbench_port_listening "$PORT"; then
	xrun portbusy --entry-json "$(entry_json)" "${COMMON[@]}" --output-dir "$T/portbusy"
	expect_eq "port in use: exit 1" "$RC" 1
	check "port in use: says so" grep -q "port $PORT on this host is already in use" "$T/portbusy.err"
	meta_exit_ok "port in use" "$T/portbusy" start null
	check "port in use: the recipe never started" test ! -s "$T/portbusy/server.log"
	check "port in use: the other server still runs" kill -0 "$STRANGER"
else
	bad "port in use: a stranger listens on $PORT"
fi
kill -TERM "$STRANGER" 2>/dev/null
wait "$STRANGER" 2>/dev/null
no_procs_left "port in use"

# ---------------------------------------------------------------- leftovers of a crashed run
# group_live PGID: a live (not zombie) process in process group PGID
group_live() {
	local p st
	for p in /proc/[0-9]*/stat; do
		st=$(sed 's/.*) //' "$p" 2>/dev/null) || continue
		# shellcheck disable=SC2086
		set -- $st # state ppid pgrp ...
		[ "${3:-}" = "$PGID" ] && [ "$1" != Z ] && return 0
	done
	return 1
}
E=$(entry_json '."exp-name" = "hang_1024_64"')
STATE=$T/tmp/infbench-local-$NODE.pgid
xstart crashed --entry-json "$E" "${COMMON[@]}" --output-dir "$T/crashed"
PGID=
if wait_for 10 test -s "$STATE" && wait_for 10 log_has "$T/crashed/server.log" "fixture hang: started" \
	&& wait_for 5 infbench_port_listening "$PORT"; then
	PGID=$(cat "$STATE")
	kill -KILL "$XPID"
	xwait 5
	check "crashed run: its process group ($PGID) outlives the SIGKILLed executor" group_live
	xrun aftercrash --entry-json "$(entry_json)" "${COMMON[@]}" --output-dir "$T/aftercrash"
	expect_eq "next run on the node: exit 0 (the port was freed)" "$RC" 0
	[ "$RC" = 0 ] || sed 's/^/# /' "$T/aftercrash.err" | tail -5
	check "next run on the node: the crashed run's group is gone" test -z "$(group_live && echo live)"
	check "next run on the node: state file removed" test ! -e "$STATE"
else
	bad "crashed run: recipe started, group recorded in $STATE" "$(tail -3 "$T/crashed.err")"
	xwait 1
fi
no_procs_left "leftovers"

# ---------------------------------------------------------------- --matrix
jq -c '[.[0], .[1]]' "$T/demo.json" >"$T/matrix2.json"
xrun matrix --matrix "$T/matrix2.json" "${COMMON[@]}" --output-dir "$T/mx"
expect_eq "matrix: exit 0" "$RC" 0
expect_eq "matrix: one summary line per entry" "$(grep -cE '^\[[12]/2\] ok ' "$T/matrix.out")" 2
check "matrix: total line" grep -q "^2 of 2 entries succeeded" "$T/matrix.out"
for i in 0 1; do
	e=$(jq -c ".[$i]" "$T/matrix2.json")
	r=$(rf "$e" "$NODE")
	files_ok "matrix entry $((i + 1))" "$T/mx/bmk_$r" "$r"
done
no_procs_left "matrix"

# ---------------------------------------------------------------- bad input
E=$(entry_json '."exp-name" = "nosuch_1024_64"')
xrun norecipe --entry-json "$E" "${COMMON[@]}" --output-dir "$T/norecipe"
expect_eq "missing recipe: exit 1" "$RC" 1
check "missing recipe: lists the name with framework" grep -qF "$WS/benchmarks/single_node/nosuch_fp8_sim_sim.sh" "$T/norecipe.err"
check "missing recipe: lists the name without framework" grep -qF "$WS/benchmarks/single_node/nosuch_fp8_sim.sh" "$T/norecipe.err"
expect_eq "missing recipe: meta.json failed_phase" "$(jf "$T/norecipe/meta.json" .exit.failed_phase)" prepare

E=$(entry_json '.tp = "1"')
xrun badtype --entry-json "$E" "${COMMON[@]}" --output-dir "$T/badtype"
expect_eq "invalid entry (tp a string): exit 1" "$RC" 1
check "invalid entry (tp a string): names the key" grep -qE "(^|[^a-z_-])tp([^a-z_-]|$)" "$T/badtype.err"
E=$(entry_json 'del(.osl) | .concurrency = 4')
xrun badkeys --entry-json "$E" "${COMMON[@]}" --output-dir "$T/badkeys"
expect_eq "invalid entry (missing, unknown key): exit 1" "$RC" 1
check "invalid entry: names the missing key osl" grep -q "osl" "$T/badkeys.err"
check "invalid entry: names the unknown key concurrency" grep -q "concurrency" "$T/badkeys.err"
no_procs_left "bad input"

# ---------------------------------------------------------------- hostile input, hardening
# names that would climb out of their folders: an exp-name of ../../../evil once made run
# execute benchmarks/single_node/../../../evil_<precision>_<framework>.sh (a script outside the
# workspace), x/../../esc wrote meta.json outside --output-dir, and a node ../../etc/... was
# looked up as a path. Each is refused as the entry (or node) is read: nothing runs, nothing
# is written outside the output directory
mkdir -p "$T/escape/a/b/c"
evil="$T/escape/evil_fp8_sim.sh"
printf '#!/bin/sh\ntouch %s/ran\n' "$T/escape" >"$evil"
chmod +x "$evil"
for bad in '.["exp-name"] = "../../../evil"' '.["exp-name"] = "x/../../esc"' '.framework = "../sim"'; do
	entry_json "$bad" | jq -s . >"$T/escape/matrix.json" # --matrix: files go to bmk_{name}/
	xrun traversal --matrix "$T/escape/matrix.json" --node "$NODE" \
		--workspace "$T/escape/a/b/c" --output-dir "$T/escape/a/out"
	expect_eq "traversal ($bad): exit 1" "$RC" 1
	check "traversal ($bad): refused as a safe name" grep -q "expected a safe name" "$T/traversal.err"
	# the problem points into the matrix file, not into a copy of the entry
	check "traversal ($bad): at its place in the matrix" \
		grep -q "^$T/escape/matrix.json:[0-9]*:[0-9]*: .*expected a safe name" "$T/traversal.err"
done
check "traversal: the script outside the workspace never ran" test ! -e "$T/escape/ran"
check "traversal: nothing written beside the output directory" \
	test -z "$(find "$T/escape" -name meta.json -not -path "$T/escape/a/out/*")"
xrun badnode --entry-json "$(entry_json)" --node "../../etc/x_0" --workspace "$WS" \
	--output-dir "$T/badnode"
expect_eq "node ../../etc/x_0: exit 1" "$RC" 1
check "node ../../etc/x_0: refused as a safe name" grep -q "node name '../../etc/x_0': expected a safe name" "$T/badnode.err"
no_procs_left "traversal"
# conc 2^31 (it used to die in malloc with the server up, leaving no meta.json) is refused by
# the entry reader: above the 65,536 an entry may ask for
E=$(entry_json '.conc = 2147483648')
xrun hugeconc --entry-json "$E" "${COMMON[@]}" --output-dir "$T/hugeconc"
expect_eq "concurrency above the entry bound: exit 1" "$RC" 1
check "concurrency above the entry bound: named" \
	grep -q "conc: expected an integer from 1 to 65536, found integer 2147483648" "$T/hugeconc.err"
meta_exit_ok "concurrency above the entry bound" "$T/hugeconc" validate null
# a load within the bounds no machine can hold (65,536 x 10 prompts of up to 1M tokens):
# refused before the server starts, naming the size and the limit; meta.json and the artifact
# say so
E=$(entry_json '.conc = 65536 | .isl = 1000000')
xrun huge --entry-json "$E" "${COMMON[@]}" --output-dir "$T/huge"
expect_eq "impossible concurrency: exit 1" "$RC" 1
check "impossible concurrency: the error names the size and the limit" \
	grep -q "the load is too large for this machine: about .* GiB .*; the limit is .* GiB" "$T/huge.err"
meta_exit_ok "impossible concurrency" "$T/huge" prepare null
artifact_ok "impossible concurrency" "$T/huge"
check "impossible concurrency: within 5 s ($MS ms)" test "$MS" -lt 5000
no_procs_left "impossible concurrency"
check "impossible concurrency: port $PORT closed" port_closed "$PORT"

# more connections than file descriptors (the run under ulimit -n 256): refused up front too
E=$(entry_json '.conc = 1000')
XPREFIX=(prlimit --nofile=256:256)
xrun nofds --entry-json "$E" "${COMMON[@]}" --output-dir "$T/nofds"
XPREFIX=()
expect_eq "too few descriptors: exit 1" "$RC" 1
check "too few descriptors: the error names both numbers" \
	grep -q "1000 requests in flight need 1016 file descriptors; the limit is 256" "$T/nofds.err"
meta_exit_ok "too few descriptors" "$T/nofds" prepare null
no_procs_left "too few descriptors"

# SIGTERM while the requests are built (160000 prompts: seconds of work, done while the server
# starts): answered at once, not once they are all built
E=$(entry_json '."exp-name" = "slow_1024_64" | .conc = 16000')
xstart prep --entry-json "$E" "${COMMON[@]}" --output-dir "$T/prep"
if wait_for 10 log_has "$T/prep/server.log" "fixture slow: started"; then
	sleep 0.5
	kill -TERM "$XPID"
	xwait 60
	expect_eq "SIGTERM while requests are built: exit 1" "$RC" 1
	check "SIGTERM while requests are built: ends within 2 s ($MS ms)" test "$MS" -lt 2000
	meta_exit_ok "SIGTERM while requests are built" "$T/prep" start SIGTERM
	artifact_ok "SIGTERM while requests are built" "$T/prep"
else
	bad "SIGTERM while requests are built: the recipe started" "$(tail -3 "$T/prep.err")"
	xwait 1
fi
no_procs_left "SIGTERM while requests are built"

# SIGTERM during the stop phase (a recipe that takes 3 s to stop): the stop still completes,
# and the run ends as interrupted in the stop phase, not as a success
E=$(entry_json '."exp-name" = "slowstop_1024_64"')
RFT=$(rf "$E" "$NODE")
xstart slowstop --entry-json "$E" "${COMMON[@]}" --output-dir "$T/slowstop"
if wait_for 30 log_has "$T/slowstop/server.log" "fixture slowstop: stopping"; then
	kill -TERM "$XPID"
	xwait 60
	expect_eq "SIGTERM in stop: exit 1" "$RC" 1
	meta_exit_ok "SIGTERM in stop" "$T/slowstop" stop SIGTERM
	expect_eq "SIGTERM in stop: meta.json status failure" "$(jf "$T/slowstop/meta.json" .exit.status)" failure
	check "SIGTERM in stop: the reason says interrupted" grep -q interrupted <<<"$(jf "$T/slowstop/meta.json" .exit.reason)"
	check "SIGTERM in stop: the stop still completed (the recipe's last line)" \
		grep -q "fixture slowstop: stopped" "$T/slowstop/server.log"
	files_ok "SIGTERM in stop" "$T/slowstop" "$RFT"
else
	bad "SIGTERM in stop: the stop began" "$(tail -3 "$T/slowstop.err")"
	xwait 60
fi
no_procs_left "SIGTERM in stop"

# the disk fills at the artifact step (a 1 MiB tmpfs that the recipe fills to the last byte as
# it stops; the output directory holds the meta.json of an earlier, successful run): the
# artifact fails, and meta.json on disk says so (the earlier run's "success" used to stay)
MNT=$T/fullfs
mkdir -p "$MNT"
if mount -t tmpfs -o size=1m infbench-e2e "$MNT" 2>/dev/null; then
	on_cleanup "umount '$MNT'"
	xrun fillfirst --entry-json "$(entry_json)" "${COMMON[@]}" --output-dir "$MNT/out"
	expect_eq "disk full at the artifact: the earlier run succeeds" \
		"$RC $(jf "$MNT/out/meta.json" .exit.status)" "0 success"
	E=$(entry_json '."exp-name" = "fillup_1024_64"')
	xrun fillup --entry-json "$E" "${COMMON[@]}" --output-dir "$MNT/out"
	expect_eq "disk full at the artifact: exit 1" "$RC" 1
	check "disk full at the artifact: the recipe filled the disk" \
		grep -q "fixture fillup: filling the disk" "$MNT/out/server.log"
	check "disk full at the artifact: stderr says meta.json or the artifact failed" \
		grep -q "No space left on device" "$T/fillup.err"
	expect_eq "disk full at the artifact: meta.json is this run's and says failure in the artifact phase" \
		"$(jf "$MNT/out/meta.json" -c '[.result_filename, .exit.status, .exit.failed_phase]')" \
		"[\"$(rf "$E" "$NODE")\",\"failure\",\"artifact\"]"
	check "disk full at the artifact: the reason says why" \
		grep -q "No space left on device" <<<"$(jf "$MNT/out/meta.json" .exit.reason)"
	no_procs_left "disk full at the artifact"
else
	echo "skip disk full at the artifact: mount -t tmpfs is not permitted here"
fi

# --matrix with an empty matrix: nothing to run, and no claim of results
echo '[]' >"$T/empty.json"
xrun emptymx --matrix "$T/empty.json" "${COMMON[@]}" --output-dir "$T/emptymx"
expect_eq "empty matrix: exit 0" "$RC" 0
check "empty matrix: says there was nothing to run" grep -q "nothing to run" "$T/emptymx.out" "$T/emptymx.err"
check "empty matrix: claims no results" test -z "$(grep -h "results in" "$T/emptymx.out" "$T/emptymx.err")"
check "empty matrix: no output directory" test ! -e "$T/emptymx"

# --dry-run with a newline in a value: escaped, so a value cannot forge lines of the output
E=$(entry_json '.model = "sim-model\nINJECTED=1"')
xrun dryesc --entry-json "$E" "${COMMON[@]}" --output-dir "$T/dryesc" --dry-run
expect_eq "dry-run, newline in a value: exit 0" "$RC" 0
check "dry-run, newline in a value: no forged line" test -z "$(grep '^ *INJECTED=1' "$T/dryesc.out")"
check "dry-run, newline in a value: shown escaped" grep -qF 'MODEL=sim-model\nINJECTED=1' "$T/dryesc.out"

# a failure names the phase that really failed, in words: an output directory that cannot be
# created fails while the server is being started (it used to say "leftovers phase")
: >"$T/afile"
xrun nodir --entry-json "$(entry_json)" "${COMMON[@]}" --output-dir "$T/afile/out"
expect_eq "output directory not creatable: exit 1" "$RC" 1
check "output directory not creatable: the summary names starting the server" \
	grep -q "^executor: FAILED .*: starting the server: .*cannot create directory" "$T/nodir.err"
check "output directory not creatable: no internal phase name" test -z "$(grep -h "leftovers phase" "$T/nodir.err")"
no_procs_left "output directory not creatable"

# an allocation that fails anyway (the run under ulimit -v 400 MB, 40000 prompts need more; the
# estimate counts the machine's memory, not this limit): xalloc's out-of-memory exit still
# stops the server and writes meta.json and the artifact
# (not in a sanitizer build: AddressSanitizer's shadow memory needs the address space the
# limit takes away, and it reports a failed allocation itself)
if grep -qa __asan_init "$EXE"; then
	echo "skip out of memory: an AddressSanitizer build"
else
	E=$(entry_json '.conc = 4000')
	XPREFIX=(prlimit --as=400000000)
	xrun oom --entry-json "$E" "${COMMON[@]}" --output-dir "$T/oom"
	XPREFIX=()
	expect_eq "out of memory: exit 1" "$RC" 1
	check "out of memory: reported" grep -q "out of memory" "$T/oom.err"
	check "out of memory: meta.json names it" \
		grep -q "out of memory" <<<"$(jf "$T/oom/meta.json" .exit.reason)"
	artifact_ok "out of memory" "$T/oom"
	no_procs_left "out of memory"
	check "out of memory: port $PORT closed" port_closed "$PORT"
fi

finish
