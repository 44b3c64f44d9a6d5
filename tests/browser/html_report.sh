#!/usr/bin/env bash
# browser.html_report: `executor aggregate --html` opened in a real headless browser
# (Debian's chromium). Builds the report from tests/results data (results, evals, a raw
# result with per-request lists, a scrape file), then checks
#   - the page is self-contained: no script, no external URL (only the SVG namespace);
#   - text from the inputs is escaped (a model name and a title with <, &, ");
#   - chromium's DOM has the seven SVGs (two charts, a timeline, two metric curves, the
#     agentic results' two charts), the sections and the agentic table's nine rows;
#   - a screenshot shows them: png_colors counts the pixels of the first chart series'
#     colour, the timeline's two and the three curves'.
# Skips (77) when chromium is not installed, except with CI=true, where it fails.
set -u
exe=$1 png_colors=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
	if [ "${CI:-}" = true ]; then
		echo "FAIL: chromium is not installed (scripts/setup.sh installs it)"
		exit 1
	fi
	echo "SKIP: chromium is not installed (apt-get install chromium, or scripts/setup.sh)"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # what, command...
	local what=$1
	shift
	if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fail=1; fi
}

"$exe" aggregate tests/results/aggregate/in tests/results/evals/in/pass \
	tests/results/evals/in/lmeval tests/results/html/in tests/results/aggregate/agentic-charts \
	--html "$tmp/report" \
	--title 'Nightly <run> & "x"' 2>"$tmp/err"
check "aggregate --html: exit 0" test $? = 0
page=$tmp/report/index.html
check "index.html written" test -s "$page"
check "no script" bash -c "! grep -qi '<script' '$page'"
check "no URL but the SVG namespace" bash -c \
	"! grep -o 'https\?://[^\"< ]*' '$page' | grep -vx 'http://www.w3.org/2000/svg' | grep -q ."
check "no external resource" bash -c "! grep -Eqi '(src|href)=|@import|url\\(' '$page'"
check "the title escaped" grep -q '<h1>Nightly &lt;run&gt; &amp; &quot;x&quot;</h1>' "$page"
check "a model name escaped" grep -q 'deepseek-ai/DeepSeek-R1 &lt;b&gt;&amp;&quot;x&quot;' "$page"

flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run
	--user-data-dir="$tmp/profile" "--window-size=1280,6400")
timeout 30 "$browser" "${flags[@]}" --dump-dom "file://$page" >"$tmp/dom.html" 2>"$tmp/chromium.err"
check "chromium --dump-dom: exit 0" test $? = 0
check "the DOM has 7 SVGs" test "$(grep -o '<svg' "$tmp/dom.html" | wc -l)" = 7
for id in charts results agentic evals timelines server-metrics; do
	check "the DOM has section $id" grep -q "<section id=\"$id\">" "$tmp/dom.html"
done
check "the agentic table: its 9 results" test "$(sed -n '/<section id="agentic">/,/<\/section>/p' \
	"$tmp/dom.html" | grep -c '<tr><td')" = 9
check "the DOM has the eval verdict" grep -q '<td class="pass">PASS</td>' "$tmp/dom.html"

timeout 30 "$browser" "${flags[@]}" --screenshot="$tmp/shot.png" "file://$page" \
	>>"$tmp/chromium.err" 2>&1
check "chromium --screenshot: exit 0" test $? = 0
# 4e79a7: the first chart series; d62728, 1f77b4: the timeline's TTFT and decode bars;
# 2ca02c, 9467bd, 8c564b: running, waiting, KV-cache curves
check "the screenshot shows the charts, the timeline and the curves" \
	"$png_colors" "$tmp/shot.png" 4e79a7:200 d62728:2000 1f77b4:5000 2ca02c:300 9467bd:300 \
	8c564b:300
if [ $fail != 0 ]; then
	echo "# aggregate's stderr:"
	sed 's/^/# /' "$tmp/err"
	echo "# chromium's stderr (tail):"
	tail -5 "$tmp/chromium.err" | sed 's/^/# /'
fi
exit $fail
