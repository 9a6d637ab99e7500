#!/usr/bin/env bash
# report.html in a real browser. A report is made from a hand-made folder (the io-bound folder
# of tests/data/results-small, its meta.json given a CPU model holding raw HTML and a usl_fit
# key), and its report.html checked: self-contained (no img, script, link, iframe, object or
# embed element, no src= attribute), every figure of report.md inline as an <svg> with its
# width and height, no id shared by two figures, the raw HTML shown as text, the sections and
# as many tables as report.md; then Debian's headless Chromium (installed by harness/deps if
# missing) loads it from the file: no console message (the page has no script, so any is an
# error), every figure laid out at a size above zero, and a screenshot of the top of the page
# kept at O/report-top.png for a person to look at. The USL weighting: the scenario's key, the
# --usl-fit option over it, each named in the scaling section and report.json; a bad key or
# option exits 2 naming it. As root, Chromium runs with --no-sandbox (it refuses otherwise).
# Usage: tests/report_html.sh path/to/exifbench [O (build)].
set -uo pipefail
bin=${1:?usage: tests/report_html.sh path/to/exifbench [O]}
out=${2:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
data=$root/tests/data/results-small
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"

command -v chromium >/dev/null || "$root/harness/deps" chromium || {
	echo "report_html.sh: chromium is missing and could not be installed (make deps)"
	exit 1
}
# chromium URL FLAG...: headless, a profile of this test's own, the sandbox off as root only.
chromium_run() {
	local url=$1 sandbox=()
	shift
	[ "$(id -u)" -ne 0 ] || sandbox=(--no-sandbox)
	timeout 120 chromium --headless --disable-gpu "${sandbox[@]}" \
		--user-data-dir="$tmp/profile" --no-first-run --hide-scrollbars "$@" "$url"
}

# The folder: io-bound, with raw HTML where report.md prints the CPU model, and usl_fit ols.
io=$(echo "$data"/*-io-bound)
mkdir -p "$tmp/r"
cp -r "$io" "$tmp/r/a"
jq '.machine.cpu_model = "<img src=x onerror=\"console.error(1)\">EPYC & co" |
	.scenario.usl_fit = "ols"' "$io/meta.json" >"$tmp/r/a/meta.json"
expect 0 'written to' "$bin" report "$tmp/r"
html=$tmp/r/report.html md=$tmp/r/report.md
check "no report.html" test -s "$html"
check "a temporary report.html left" test ! -e "$html.tmp"
nfig=$(grep -c '](plots/.*\.png)' "$md")
check "report.md shows no figure" test "$nfig" -ge 5
check "report.html: not $nfig figures inline" test "$(grep -c '<svg class="figure"' "$html")" \
	-eq "$nfig"
check "report.html: a figure without its size" test "$(grep -o '<svg class="figure"[^>]*' \
	"$html" | grep -c ' width="[1-9][0-9]*" height="[1-9][0-9]*"')" -eq "$nfig"
check "report.html is not self-contained" bash -c "! grep -Eqi \
	'<(img|script|link|iframe|object|embed)[[:space:]>]|<[a-z][^<>]*[[:space:]]src=' '$html'"
# gnuplot repeats a plot's id inside its own figure: only ids across figures must differ.
check "report.html: an id twice" bash -c "test -z \"\$(grep -o \" id=['\\\"][^'\\\"]*\" '$html' |
	sort | uniq -d | grep -v 'gnuplot_plot_')\""
check "report.html: raw HTML not shown as text" grep -q '&lt;img src=x onerror=.*EPYC &amp; co' \
	"$html"
for s in 'Summary: every model at its best level' 'Scaling: throughput against concurrency'; do
	check "report.html lacks the section '$s'" grep -q "<h2>$s" "$html"
done
check "report.html: no tables" test "$(grep -c '<table>' "$html")" -ge 3
check "report.html: its tables not as many as report.md's" test "$(grep -c '<table>' "$html")" \
	-eq "$(grep -c '^|---\||--' "$md")"

# In the browser: the page from the file, no console message; the figures laid out.
chromium_run "file://$html" --enable-logging=stderr --v=0 --dump-dom >"$tmp/dom.html" \
	2>"$tmp/chromium.log"
check "chromium did not load report.html (see its log)" grep -q '<h1>exifbench report</h1>' \
	"$tmp/dom.html"
check "a console message: $(grep -m1 'CONSOLE' "$tmp/chromium.log")" \
	bash -c "! grep -q ':CONSOLE' '$tmp/chromium.log'"
# A copy with a script that writes each figure's laid-out size into the DOM.
{ sed 's|</body>||; s|</html>||' "$html"
  echo '<script>for (const s of document.querySelectorAll("svg.figure")) { const r ='
  echo 's.getBoundingClientRect(); s.setAttribute("data-laid", Math.round(r.width) + "x" +'
  echo 'Math.round(r.height)); }</script></body></html>'; } >"$tmp/r/probe.html"
chromium_run "file://$tmp/r/probe.html" --window-size=1280,2000 --dump-dom >"$tmp/probe.dom" \
	2>/dev/null
laid=$(grep -o 'data-laid="[0-9]*x[0-9]*"' "$tmp/probe.dom")
check "chromium laid out $(echo "$laid" | grep -c .) figures, not $nfig" \
	test "$(echo "$laid" | grep -c .)" -eq "$nfig"
check "a figure laid out empty: $(echo "$laid" | grep -m1 '"0x\|x0"')" \
	bash -c "! echo '$laid' | grep -q '\"0x\|x0\"'"
mkdir -p "$out"
rm -f "$out/report-top.png"
chromium_run "file://$html" --window-size=1280,2000 --screenshot="$out/report-top.png" \
	>/dev/null 2>&1
check "no screenshot at $out/report-top.png" bash -c "head -c 8 '$out/report-top.png' |
	od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a'"

# The USL weighting: the scenario's key, the option over it, bad ones.
check "the key's weighting not named" grep -q '^Fit weighting: \*\*ols\*\* (its usl_fit key)' "$md"
check "report.json: usl_fit not the key's" jq -e '.usl_fit == {"io-bound": {weight: "ols",
	from: "its usl_fit key"}}' "$tmp/r/report.json" >/dev/null
expect 0 'written to' "$bin" report -n --usl-fit relative "$tmp/r"
check "--usl-fit relative not named" grep -q \
	'^Fit weighting: \*\*relative\*\* (--usl-fit).*The other weighting, \*\*ols\*\*' "$md"
check "report.json: usl_fit not the option's" jq -e '.usl_fit."io-bound".weight == "relative"' \
	"$tmp/r/report.json" >/dev/null
cp -r "$io" "$tmp/plain"
expect 0 'written to' "$bin" report -n "$tmp/plain"
check "no key: not the default" grep -q '^Fit weighting: \*\*relative\*\* (the default)' \
	"$tmp/plain/report.md"
expect 2 "report: --usl-fit 'wls': not relative or ols" "$bin" report --usl-fit wls "$tmp/plain"
jq '.scenario.usl_fit = "bad"' "$io/meta.json" >"$tmp/plain/meta.json"
expect 2 "plain/meta.json: scenario.usl_fit 'bad' is not relative or ols" "$bin" report -n \
	"$tmp/plain"

summary report_html.sh
