#!/usr/bin/env bash
# plan-matrix.sh FILE
#   Splits what matrixgen printed (FILE) into the job matrices of run-sweep.yml / e2e-tests.yml
#   and prints them as NAME=VALUE lines (compact JSON values, one line each), ready to append to
#   $GITHUB_OUTPUT. FILE is either the `matrixgen changelog` object (v1: single_node and
#   multi_node groups; v2, upstream's process_changelog.py: the groups include `agentic`, and
#   the eval buckets evals, agentic_evals, multinode_evals, multinode_agentic_evals), possibly
#   through `matrixgen ci-priority`, or the JSON array the other subcommands print (sorted
#   here as changelog sorts it: multi-node = has prefill, agentic = has scenario-type, eval
#   bucket = eval-only true, else the isl/osl group).
#
# Why: GitHub refuses a matrix of more than 256 jobs, and a `uses:` job cannot pick its template
# at run time, so the workflows declare a fixed set of jobs, each with its own slice:
#   canary_single, canary_multi: a JSON array of 0 or 1 entry (see below)
#   SLICE_part{1..P}, P per slice in the table `parts` below, SLICE one of
#     {single,multi}_{1k1k,1k8k,8k1k,other}  fixed-seq-len benchmarks by (isl, osl); `other`
#                                            holds every group that is not a standard name
#                                            (e.g. "2048_128"), so nothing is dropped
#     {single,multi}_agentic                 agentic-coding rows (trace replay)
#     {single,multi}_evals                   fixed-seq-len eval-only rows (evals,
#                                            multinode_evals)
#     {single,multi}_agentic_evals           agentic eval-only rows (agentic_evals,
#                                            multinode_agentic_evals)
#   each: the entries of that slice in matrixgen's order, the canary removed, cut into
#   consecutive parts of at most 256
#   has_entries (true|false): some slice or canary is not empty
# A slice with more entries than its parts hold is an error naming the job to add (add a job
# `..._partN` to the workflows and raise P here), never a silently shortened sweep. An entry
# filed under the wrong node kind (a multi-node entry in single_node, or the other way round)
# is an error too: the template it would reach reads other keys.
#
# Canary: among the fixed-seq-len benchmark entries that run no eval (run-eval not true, as
# upstream's canary-select), the single-node one with the lowest `conc` (first in matrixgen's
# order on ties); when there is none, the multi-node one with the lowest min(conc); when there
# is none either (only agentic or eval rows), no canary, and the slices start at once. It is
# the cheapest run that still exercises node, image, recipe and upload; the rest waits for it.
set -euo pipefail
if [ $# -ne 1 ]; then
	echo "usage: plan-matrix.sh FILE" >&2
	exit 2
fi
exec jq -r -n --argjson max "${MATRIX_MAX_JOBS:-256}" --slurpfile in "$1" '
  # jobs per slice in the workflows (each job runs one part of at most $max entries)
  def parts: {
    single_1k1k: 2, single_1k8k: 2, single_8k1k: 2, single_other: 2,
    multi_1k1k: 1, multi_1k8k: 1, multi_8k1k: 1, multi_other: 1,
    single_agentic: 2, multi_agentic: 1,
    single_evals: 2, multi_evals: 2, single_agentic_evals: 1, multi_agentic_evals: 1 };
  def seqname: if .isl == 1024 and .osl == 1024 then "1k1k"
               elif .isl == 1024 and .osl == 8192 then "1k8k"
               elif .isl == 8192 and .osl == 1024 then "8k1k"
               else "\(.isl)_\(.osl)" end;
  def seqslice: if . == "1k1k" or . == "1k8k" or . == "8k1k" or . == "agentic" then . else "other" end;
  def kind: if has("prefill") then "multi" else "single" end;
  def agentic: has("scenario-type");
  # the changelog object from an array, as matrixgen changelog files its rows
  def as_changelog:
    def groups: reduce .[] as $e ({}; .[if ($e | agentic) then "agentic" else ($e | seqname) end] += [$e]);
    def evals($k; $a): map(select(kind == $k and (agentic == $a)));
    map(select(type != "object" or .["eval-only"] != true)) as $bench
    | map(select(type == "object" and .["eval-only"] == true)) as $ev
    | {single_node: ($bench | map(select(kind == "single")) | groups),
       multi_node:  ($bench | map(select(kind == "multi")) | groups),
       evals: ($ev | evals("single"; false)), agentic_evals: ($ev | evals("single"; true)),
       multinode_evals: ($ev | evals("multi"; false)),
       multinode_agentic_evals: ($ev | evals("multi"; true))};
  def must_be_array($what): if type != "array" then error("\($what) is not an array") else . end;
  def check_kind($k; $what):
    if type != "object" then error("\($what): an entry is not an object")
    elif kind != $k then error("\($what): a \(kind)-node entry among \($k)-node ones (\(.["exp-name"] // "?"))")
    else . end;
  # every benchmark entry of one side as {s: slice, e: entry}, in matrixgen order
  def side($doc; $key; $k):
    ($doc[$key] // {}) as $groups
    | if ($groups | type) != "object" then error("\($key) is not an object") else . end
    | [$groups | to_entries[] | .key as $g
       | .value | must_be_array("\($key).\($g)")
       | .[] | check_kind($k; "\($key).\($g)") | {s: "\($k)_\($g | seqslice)", e: .}];
  def bucket($doc; $key; $k; $slice):
    [($doc[$key] // []) | must_be_array($key) | .[] | check_kind($k; $key) | {s: $slice, e: .}];
  def slices($list; $name):
    parts[$name] as $n
    | if ($list | length) > $n * $max then
        error("\($name) has \($list | length) entries but the workflow has \($n) job(s) of at most \($max): add a job \($name)_part\($n + 1) and raise its part count in plan-matrix.sh")
      else [range(1; $n + 1) as $p | {key: "\($name)_part\($p)", value: $list[($p - 1) * $max : $p * $max]}]
      end;
  def canary_candidate: (.e | agentic | not) and .e["run-eval"] != true;

  if ($in | length) != 1 then error("expected one JSON document") else $in[0] end
  | if type == "array" then as_changelog
    elif type == "object" and has("single_node") and has("multi_node") then .
    else error("expected the changelog object (single_node, multi_node) or a matrix array") end
  | (side(.; "single_node"; "single") + bucket(.; "evals"; "single"; "single_evals")
     + bucket(.; "agentic_evals"; "single"; "single_agentic_evals")) as $s
  | (side(.; "multi_node"; "multi") + bucket(.; "multinode_evals"; "multi"; "multi_evals")
     + bucket(.; "multinode_agentic_evals"; "multi"; "multi_agentic_evals")) as $m
  # index of the canary in $s (single) or $m (multi), -1 when none
  | ([$s | to_entries[] | select(.value | canary_candidate)]) as $sc
  | ([$m | to_entries[] | select(.value | canary_candidate)]) as $mc
  | ( if ($sc | length) > 0 then {single: ($sc | min_by([.value.e.conc, .key]) | .key), multi: -1}
      elif ($mc | length) > 0 then {single: -1, multi: ($mc | min_by([(.value.e.conc | min), .key]) | .key)}
      else {single: -1, multi: -1} end ) as $c
  | ([$s | to_entries[] | select(.key != $c.single) | .value] + [$m | to_entries[] | select(.key != $c.multi) | .value]) as $rest
  | {canary_single: (if $c.single >= 0 then [$s[$c.single].e] else [] end),
     canary_multi:  (if $c.multi  >= 0 then [$m[$c.multi].e]  else [] end)}
    + ([parts | keys_unsorted[] as $name | slices([$rest[] | select(.s == $name) | .e]; $name)]
       | add | from_entries)
    + {has_entries: ((($s | length) + ($m | length)) > 0)}
  | to_entries[]
  | "\(.key)=\(.value | tojson)"
'
