#!/usr/bin/env bash
# result-filename.sh NODE [FILE]
#   Prints RESULT_FILENAME (docs/executor-spec.md 2.3) for each matrix entry read from FILE or
#   stdin (one entry, a JSON array of entries, or a stream of entries), one line per entry.
#   NODE is the node name the executor runs under (`--node`, else $RUNNER_NAME).
# The workflows name the artifact `bmk_{RESULT_FILENAME}` with it (collectors download `bmk_*`).
# A key the entry lacks, or a value of the wrong type, is an error (exit 5), never "null" in a
# name; so is a name with a character that artifact names or file names cannot carry.
set -euo pipefail
if [ $# -lt 1 ] || [ $# -gt 2 ] || [ -z "$1" ]; then
	echo "usage: result-filename.sh NODE [FILE]" >&2
	exit 2
fi
node=$1
shift
exec jq -r --arg node "$node" '
  def req($k):
    if type == "object" and has($k) then .[$k]
    else error("matrix entry lacks the key \"\($k)\"") end;
  def str($k): req($k) | if type == "string" then . else error("\"\($k)\" is not a string") end;
  def int($k): req($k) | if type == "number" and . == floor then tostring
                         else error("\"\($k)\" is not an integer") end;
  def bool($k): req($k) | if type == "boolean" then tostring
                          else error("\"\($k)\" is not a boolean") end;
  def worker($w):
    req($w) as $x
    | "\($w)-tp\($x | int("tp"))-ep\($x | int("ep"))-dp\($x | bool("dp-attn"))-nw\($x | int("num-worker"))";
  def name:
    if has("prefill") then
      "\(str("exp-name"))_\(str("precision"))_\(str("framework"))_\(worker("prefill"))_\(worker("decode"))"
      + "_disagg-\(bool("disagg"))_spec-\(str("spec-decoding"))"
      + "_conc\(req("conc") | if type == "array" and length > 0 and all(type == "number")
                              then map(tostring) | join("x")
                              else error("\"conc\" is not a non-empty list of integers") end)"
      + "_\($node)"
    else
      "\(str("exp-name"))_\(str("precision"))_\(str("framework"))"
      + "_tp\(int("tp"))-ep\(int("ep"))-dpa\(bool("dp-attn"))"
      + "_disagg-\(bool("disagg"))_spec-\(str("spec-decoding"))_conc\(int("conc"))_\($node)"
    end;
  (if type == "array" then .[] else . end)
  | name
  | if test("[\"<>|*?\\\\/:]") or (explode | any(. < 32 or . == 127))
    then error("RESULT_FILENAME \(tojson) has a character an artifact name cannot carry")
    else . end
' "$@"
