#!/usr/bin/env bash
# plan-matrix.sh FILE
#   Splits what matrixgen printed (FILE) into the job matrices of run-sweep.yml / e2e-tests.yml
#   and prints them as NAME=VALUE lines (compact JSON values, one line each), ready to append to
#   $GITHUB_OUTPUT. FILE is either the `matrixgen changelog` object
#   ({"single_node":{"1k1k":[...],...},"multi_node":{...},"changelog_metadata":{...}}) or the
#   JSON array the other subcommands print (grouped here by isl/osl as changelog does).
#
# Why: GitHub refuses a matrix of more than 256 jobs, and a `uses:` job cannot pick its template
# at run time, so the workflows declare a fixed set of jobs, each with its own slice:
#   canary_single, canary_multi: a JSON array of 0 or 1 entry (see below)
#   {single,multi}_{1k1k,1k8k,8k1k,other}_part{1..P} (P = 2 single-node, 1 multi-node): the
#     entries of that kind and seq-len group, in matrixgen's order, the canary removed, cut
#     into consecutive slices of at most 256. `other` holds every group that is not one of the
#     three standard names (e.g. "2048_128"), so nothing matrixgen emits is dropped.
#   has_entries (true|false)
# A group with more entries than its slices hold is an error naming the group (add a job
# `..._partN` to the workflows and raise P here), never a silently shortened sweep.
#
# Canary: the single-node entry with the lowest `conc` (first in matrixgen's order on ties);
# when there is no single-node entry, the multi-node entry with the lowest min(conc). It is the
# cheapest run that still exercises node, image, recipe and upload; the rest waits for it.
set -euo pipefail
if [ $# -ne 1 ]; then
	echo "usage: plan-matrix.sh FILE" >&2
	exit 2
fi
exec jq -r -n --argjson max "${MATRIX_MAX_JOBS:-256}" \
	--argjson parts_single 2 --argjson parts_multi 1 --slurpfile in "$1" '
  def seqname: if .isl == 1024 and .osl == 1024 then "1k1k"
               elif .isl == 1024 and .osl == 8192 then "1k8k"
               elif .isl == 8192 and .osl == 1024 then "8k1k"
               else "\(.isl)_\(.osl)" end;
  def bucket: if . == "1k1k" or . == "1k8k" or . == "8k1k" then . else "other" end;
  # every entry of one side as {b: bucket, e: entry}, in matrixgen order
  def side($doc; $key):
    ($doc[$key] // {}) as $groups
    | if ($groups | type) != "object" then error("\($key) is not an object") else . end
    | [$groups | to_entries[] | .key as $g
       | .value | if type != "array" then error("\($key).\($g) is not an array") else . end
       | .[] | {b: ($g | bucket), e: .}];
  def slices($list; $n; $name):
    if ($list | length) > $n * $max then
      error("\($name) has \($list | length) entries but the workflow has \($n) job(s) of at most \($max): add a job \($name)_part\($n + 1) and raise the part count in plan-matrix.sh")
    else [range(1; $n + 1) as $p | {key: "\($name)_part\($p)", value: $list[($p - 1) * $max : $p * $max]}]
    end;

  if ($in | length) != 1 then error("expected one JSON document") else $in[0] end
  | if type == "array" then
      {single_node: (map(select(has("prefill") | not)) | reduce .[] as $e ({}; .[$e | seqname] += [$e])),
       multi_node:  (map(select(has("prefill")))       | reduce .[] as $e ({}; .[$e | seqname] += [$e]))}
    elif type == "object" and has("single_node") and has("multi_node") then .
    else error("expected the changelog object (single_node, multi_node) or a matrix array") end
  | side(.; "single_node") as $s
  | side(.; "multi_node") as $m
  | ( if ($s | length) > 0 # index of the canary in $s (single) or $m (multi), -1 when none
      then {single: ($s | to_entries | min_by([.value.e.conc, .key]) | .key), multi: -1}
      elif ($m | length) > 0
      then {single: -1, multi: ($m | to_entries | min_by([(.value.e.conc | min), .key]) | .key)}
      else {single: -1, multi: -1} end ) as $c
  | ($s | to_entries | map(select(.key != $c.single) | .value)) as $srest
  | ($m | to_entries | map(select(.key != $c.multi) | .value)) as $mrest
  | {canary_single: (if $c.single >= 0 then [$s[$c.single].e] else [] end),
     canary_multi:  (if $c.multi  >= 0 then [$m[$c.multi].e]  else [] end)}
    + ([ (["1k1k", "1k8k", "8k1k", "other"][] as $b
          | slices([$srest[] | select(.b == $b) | .e]; $parts_single; "single_\($b)"),
            slices([$mrest[] | select(.b == $b) | .e]; $parts_multi; "multi_\($b)")) ]
       | add | from_entries)
    + {has_entries: ((($s | length) + ($m | length)) > 0)}
  | to_entries[]
  | "\(.key)=\(.value | tojson)"
'
