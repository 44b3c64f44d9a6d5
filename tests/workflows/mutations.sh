#!/usr/bin/env bash
# mutations.sh WFCHECK MATRIXGEN EXECUTOR ROOT
#   Shows that the workflow checks can fail: breaks a copy of .github/ one way at a time and
#   expects check.sh to report the rule meant to catch it (or scripts.sh to fail, for the
#   scripts the workflows run). The unbroken copy must pass both first.
#   Prints one line per case, then "N passed, N failed"; exit 0 only when nothing failed.
# shellcheck disable=SC2016 # the perl expressions are single-quoted on purpose
set -euo pipefail
if [ $# -ne 4 ]; then
	echo "usage: mutations.sh WFCHECK MATRIXGEN EXECUTOR ROOT" >&2
	exit 2
fi
wfcheck=$(realpath "$1") matrixgen=$(realpath "$2") executor=$(realpath "$3") root=$(realpath "$4")
here=$(dirname "$(realpath "$0")")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
copy="$tmp/root"
mkdir -p "$copy/tests/golden/changelog" "$copy/tests/golden/changelog-v2" "$copy/tests/golden/inputs" \
	"$copy/tests/upstream-v2"
cp -r "$root/configs" "$root/scripts" "$copy/"
cp "$root"/tests/golden/inputs/real-*.yaml "$copy/tests/golden/inputs/" # check.sh's v1 configs
cp "$root/tests/golden/changelog/added.out" "$copy/tests/golden/changelog/"
cp "$root"/tests/golden/changelog-v2/*.out "$copy/tests/golden/changelog-v2/" # upstream's v2 changelogs
cp -r "$root/tests/upstream-v2/configs" "$copy/tests/upstream-v2/"           # upstream's v2 configs
export CHECK_CACHE="$tmp/entries" # check.sh makes matrixgen's entries once, not per case
passed=0 failed=0
reset_copy() { rm -rf "$copy/.github" && cp -r "$root/.github" "$copy/"; }

reset_copy
sc=0
bash "$here/shellcheck.sh" "$wfcheck" "$copy" >"$tmp/sc.out" 2>&1 || sc=$?
if bash "$here/check.sh" "$wfcheck" "$matrixgen" "$copy" >"$tmp/out" 2>&1 &&
	bash "$here/scripts.sh" "$wfcheck" "$matrixgen" "$executor" "$copy" >>"$tmp/out" 2>&1 &&
	{ cat "$tmp/sc.out" >>"$tmp/out"; [ "$sc" -eq 0 ] || [ "$sc" -eq 77 ]; }; then
	echo "ok: the unbroken copy passes"
	passed=$((passed + 1))
else
	echo "FAIL: the unbroken copy does not pass"
	sed 's/^/    /' "$tmp/out" | grep -v '^    ok' | head -20
	failed=$((failed + 1))
fi

# mutate FILE (under .github/) EXPECTED PERL-EXPRESSION DESCRIPTION
#   EXPECTED: a wfcheck rule name, expected as "[rule]" in check.sh's output; "scripts"
#   (scripts.sh must fail); or "shellcheck" (shellcheck.sh must fail; left out without it). The expression is applied once to the whole file (perl -0).
mutate() {
	local file=$1 expect=$2 expr=$3 what=$4
	reset_copy
	cp "$copy/.github/$file" "$tmp/before"
	perl -0pi -e "$expr" "$copy/.github/$file"
	if cmp -s "$tmp/before" "$copy/.github/$file"; then
		echo "FAIL: $what: the mutation changed nothing (fix the case)"
		failed=$((failed + 1))
		return
	fi
	local caught=false
	if [ "$expect" = scripts ]; then
		bash "$here/scripts.sh" "$wfcheck" "$matrixgen" "$executor" "$copy" >"$tmp/out" 2>&1 || caught=true
	elif [ "$expect" = shellcheck ]; then
		if ! command -v shellcheck >/dev/null 2>&1; then
			echo "left out (no shellcheck): $what"
			return
		fi
		bash "$here/shellcheck.sh" "$wfcheck" "$copy" >"$tmp/out" 2>&1 || caught=true
	elif ! bash "$here/check.sh" "$wfcheck" "$matrixgen" "$copy" >"$tmp/out" 2>&1 &&
		grep -q "\[$expect\]" "$tmp/out"; then
		caught=true
	fi
	if $caught; then
		echo "ok: $what -> caught ($expect)"
		passed=$((passed + 1))
	else
		echo "FAIL: $what -> not caught as $expect"
		sed 's/^/    /' "$tmp/out" | grep -v '^    ok' | head -10
		failed=$((failed + 1))
	fi
}

W=workflows
mutate $W/benchmark-tmpl.yml yaml 's/description: "runner label: (.*?)"/description: runner label: $1/' \
	"a plain scalar with ': ' in it (invalid YAML)"
mutate $W/ci.yml structure 's/^on:/x-on:/m' "no on: section"
mutate $W/run-sweep.yml runs-on 's/^    runs-on: ubuntu-latest/    runs-on-typo: ubuntu-latest/m' \
	"a job without runs-on"
mutate $W/run-sweep.yml needs 's/needs: \[setup, canary-single, canary-multi\]/needs: [setup, canary-singel, canary-multi]/' \
	"needs names a job that does not exist"
mutate $W/benchmark-tmpl.yml inputs 's/inputs\.exp_name \}\} \$\{\{ inputs\.precision/inputs.exp_nam }} \${{ inputs.precision/' \
	"a template reads an undeclared input"
mutate $W/run-sweep.yml needs-ref 's/needs\.setup\.outputs\.single_1k1k_part1 !=/needs.setup.outputs.single_1k1k_prt1 !=/' \
	"a job reads an output its need does not declare"
mutate $W/run-sweep.yml needs-ref 's/^  canary-multi:\n(.*?)    needs: setup\n/  canary-multi:\n$1    needs: [canary-single]\n/ms' \
	"a job reads needs.setup without needing setup"
mutate $W/run-sweep.yml reusable 's/^      precision: \$\{\{ matrix\.config\.precision \}\}\n//m' \
	"a required template input is not passed"
mutate $W/run-sweep.yml reusable 's/^      exp_name: /      exp-name: /m' \
	"a template input the template does not declare"
mutate $W/e2e-tests.yml reusable 's#uses: \./\.github/workflows/benchmark-tmpl\.yml#uses: ./.github/workflows/benchmark-tmp.yml#' \
	"a local reusable workflow that does not exist"
mutate $W/run-sweep.yml reusable 's/HF_TOKEN: \$\{\{ secrets\.HF_TOKEN \}\}/HF_TOKN: \${{ secrets.HF_TOKEN }}/' \
	"a secret the template does not declare"
mutate $W/benchmark-tmpl.yml step-ref 's/steps\.result\.outputs\.name != /steps.reslt.outputs.name != /' \
	"steps.ID of no step"
mutate $W/benchmark-multinode-tmpl.yml step-ref 's/(      - name: Name the result.*?\n)(      - name: Run the benchmark\n.*?)(      # Existing collectors)/$2$1$3/s' \
	"steps.ID of a later step (the naming step moved after the steps that read it)"
mutate $W/benchmark-tmpl.yml run-injection 's/run: bash \.github\/scripts\/cleanup-node\.sh/run: echo "\${{ inputs.entry }}"/' \
	"\${{ inputs.* }} inside run:"
mutate $W/run-sweep.yml run-injection 's/          echo "base=\$base" >>"\$GITHUB_OUTPUT"/          echo "\${{ github.event.pull_request.title }}"/' \
	"\${{ github.event.* }} inside run:"
mutate $W/ci.yml pinned 's/actions\/checkout\@v4/actions\/checkout\@main/' "an action pinned to a branch"
mutate $W/collect-results.yml shell 's/^        shell: bash\n//m' "a run: step without shell: bash"
mutate $W/collect-results.yml strict-mode 's/set -euo pipefail/set -e/' "a multi-line script without set -euo pipefail"
mutate $W/run-sweep.yml entry-keys "s/matrix\.config\['exp-name'\]/matrix.config['exp_name']/" \
	"matrix.config reads a key matrixgen does not print"
mutate $W/e2e-tests.yml entry-keys 's/fromJSON\(needs\.setup\.outputs\.multi_1k1k_part1\)/fromJSON(needs.setup.outputs.single_1k1k_part1)/' \
	"single-node entries fed to the multi-node template"
mutate $W/benchmark-multinode-tmpl.yml entry-keys 's/\.\["exp-name"\], \.precision/.["exp-name"], .precison/' \
	"a template's jq reads a key the entries lack"
mutate $W/run-sweep.yml entry-keys 's/conc: \$\{\{ join\(matrix\.config\.conc, .x.\) \}\}/conc: \${{ join(matrix.config.prefill.workers, '"'x'"') }}/' \
	"matrix.config.prefill.X that workers lack"
mutate $W/run-sweep.yml changelog-keys "s/config: \\$\\{\\{ fromJSON\\(needs\\.setup\\.outputs\\.single_1k1k_part1\\) \\}\\}/config: \\\${{ fromJSON(needs.setup.outputs.matrix).single_nodes['1k1k'] }}/" \
	"fromJSON(needs.setup.outputs.matrix) with a key changelog does not print"
mutate $W/run-sweep.yml changelog-keys "s/config: \\$\\{\\{ fromJSON\\(needs\\.setup\\.outputs\\.single_1k1k_part1\\) \\}\\}/config: \\\${{ fromJSON(needs.setup.outputs.matrix).single_node['1k1kk'] }}/" \
	"fromJSON(needs.setup.outputs.matrix).single_node with an unknown seq-len group"
mutate $W/run-sweep.yml step-outputs 's/^      single_1k1k_part2: .*\n//m' \
	"a slice plan-matrix.sh computes is not a job output (its entries would never run)"
mutate $W/e2e-tests.yml step-outputs 's/^  multi-other-part1:\n.*?\n\n//ms' \
	"a slice no job runs (its job removed)"
mutate $W/run-sweep.yml shellcheck 's/cat "\$plan" >>"\$GITHUB_OUTPUT"/cat \$plan >>"\$GITHUB_OUTPUT"/' \
	"an unquoted variable in a run: script"
mutate scripts/cleanup-node.sh shellcheck 's/kill -TERM "\$pid"/kill -TERM \$pid/' \
	"an unquoted variable in a script the workflows run"
mutate scripts/plan-matrix.sh scripts 's/MATRIX_MAX_JOBS:-256/MATRIX_MAX_JOBS:-300/' \
	"plan-matrix.sh: parts larger than GitHub's 256"
mutate scripts/plan-matrix.sh scripts 's/min_by\(\[\.value\.e\.conc, \.key\]\)/max_by([.value.e.conc, .key])/' \
	"plan-matrix.sh: the canary is not the lowest concurrency"
mutate scripts/plan-matrix.sh scripts 's/select\(\.key != \$c\.single\)/select(true)/' \
	"plan-matrix.sh: the canary also runs again in its part"
mutate $W/benchmark-tmpl.yml scripts 's/ --node "\$RUNNER_NAME"\)/ --node "\${RUNNER_NAME}_x")/' \
	"the naming step names the result after another node"
mutate $W/benchmark-multinode-tmpl.yml scripts 's/echo "name=\$name" >>/echo "name=\${name}x" >>/' \
	"the naming step's output is not the executor's name"
mutate $W/benchmark-multinode-tmpl.yml scripts 's/result-filename --entry-json/result-filenam --entry-json/' \
	"the naming step calls no executor result-filename"
mutate $W/benchmark-tmpl.yml scripts 's/(          name=\$\("\$BUILD_DIR)/          jq -r ".[\\"exp-name\\"] + \\"_disagg-\\" + (.disagg | tostring)" <<<"\$ENTRY" >\/dev\/null\n$1/' \
	"a template builds (part of) the name itself, beside the executor"

# v2: the slices of agentic and eval rows, the templates' modes
mutate $W/run-sweep.yml entry-keys 's/(  single-agentic-part1:\n    name: "agentic .*?) tp\$\{\{ matrix\.config\.tp \}\}/$1 isl\${{ matrix.config.isl }}/' \
	"an agentic job reads a key agentic rows lack (isl)"
mutate $W/e2e-tests.yml entry-keys "s/(  multi-evals-part1:\n(?:.*\n)*?      exp_name: )\\\$\\{\\{ matrix\.config\['exp-name'\] \\}\\}/\$1\\\${{ matrix.config['eval-conc'] }}/" \
	"a multi-node eval job reads eval-conc, which not every eval row has (eval-all-concs)"
mutate scripts/plan-matrix.sh entry-keys 's/bucket\(\.; "evals"; "single"; "single_evals"\)/bucket(.; "multinode_evals"; "multi"; "single_evals")/' \
	"plan-matrix.sh files multi-node eval rows in the single-node eval slices"
mutate $W/benchmark-tmpl.yml entry-keys 's/\(\.\["eval-only"\] \/\/ false\) then/(.["eval_only"] \/\/ false) then/' \
	"a template's jq reads an optional key no entry has (a typo)"
mutate $W/run-sweep.yml step-outputs 's/^      multi_agentic_evals_part1: .*\n//m' \
	"the multi-node agentic eval slice is not a job output"
mutate $W/e2e-tests.yml step-outputs 's/^  single-evals-part2:\n.*?\n\n//ms' \
	"an eval slice no job runs (its job removed)"
mutate $W/run-sweep.yml changelog-keys "s/config: \\\$\\{\\{ fromJSON\\(needs\\.setup\\.outputs\\.single_1k1k_part1\\) \\}\\}/config: \\\${{ fromJSON(needs.setup.outputs.matrix).agentic_eval }}/" \
	"fromJSON(needs.setup.outputs.matrix) with an eval bucket changelog does not print"
mutate scripts/plan-matrix.sh scripts 's/canary_candidate: \(\.e \| agentic \| not\) and \.e\["run-eval"\] != true/canary_candidate: (.e | agentic | not)/' \
	"plan-matrix.sh: the canary may run an eval"
mutate scripts/plan-matrix.sh scripts 's/or \. == "agentic" then \. else "other" end/then . else "other" end/' \
	"plan-matrix.sh: agentic groups go to the fixed-seq-len 'other' jobs"
mutate scripts/plan-matrix.sh scripts 's/elif \(\$mc \| length\) > 0 then .*?\n      else/else/s' \
	"plan-matrix.sh: no multi-node canary when there is no single-node one"
mutate $W/run-sweep.yml scripts "s/\n          \|\| \(needs\.setup\.outputs\.canary_single == '\[\]' && needs\.setup\.outputs\.canary_multi == '\[\]'\)\)/)/" \
	"a slice job waits for a canary that never runs (only agentic or eval rows)"
mutate $W/benchmark-tmpl.yml scripts 's/mode=\$\(jq -r .if \(\.\["eval-only"\] \/\/ false\) then "eval-only" elif has\("scenario-type"\) then "agentic"/mode=\$(jq -r '"'"'if has("scenario-type") then "agentic" elif (.["eval-only"] \/\/ false) then "eval-only"/' \
	"agentic eval-only rows taken for agentic runs"
mutate $W/benchmark-multinode-tmpl.yml scripts 's/          if \[ "\$EVALS" = true \] && ! compgen/          if false && ! compgen/' \
	"the multi-node result check accepts an eval without results"
mutate $W/benchmark-tmpl.yml scripts 's/            agentic\) # the agentic processed result.*?fi ;;/            agentic) ;;/s' \
	"the result check accepts an agentic run without its result"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
