#!/usr/bin/env bash
# `exifbench report` on the checked-in results (tests/data/results-small: io-bound, cpu-bound and
# hardware-scaling, written by a real bench): report.md has every section and references every
# figure, each figure exists as a PNG and an SVG that are what they claim, report.json holds
# the same figures (a summary rate is the one in summary.csv; every run has a bound; the
# verdicts follow the rule), one scenario folder reports on its own, --no-plots draws nothing
# and says so, bad folders exit 2 naming them, and odd folders still report: one model, a run
# without a rate, a scenario name twice. The network line per scenario: "not recorded" for these
# old folders, the latency asked and added and the probe's round trip when meta.json has them,
# and a failed probe's error. Runs on copies, in a temporary folder.
set -uo pipefail
bin=${1:?usage: tests/report.sh path/to/exifbench}
data=$(cd "$(dirname "$0")" && pwd)/data/results-small
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"

expect 0 '^usage: exifbench report' "$bin" report --help
expect 2 'RESULTS_DIR missing' "$bin" report
expect 2 'one RESULTS_DIR only' "$bin" report "$tmp" "$tmp"
expect 2 'unrecognized option' "$bin" report --bogus "$tmp"
mkdir "$tmp/empty"
expect 2 "$tmp/empty: no meta.json" "$bin" report "$tmp/empty"
expect 2 "$tmp/none: not a results folder" "$bin" report "$tmp/none"
mkdir -p "$tmp/badmeta/x" && echo '{' >"$tmp/badmeta/x/meta.json"
expect 2 "$tmp/badmeta/x/meta.json:" "$bin" report "$tmp/badmeta"

# The three scenarios together, as `make bench` leaves them.
cp -r "$data" "$tmp/all"
expect 0 'report: written to .*/all/report.md' "$bin" report "$tmp/all"
md=$tmp/all/report.md js=$tmp/all/report.json
for s in 'Summary: every model at its best level' "Where one image's time goes" \
	'Verdict per scenario' 'Bounds and efficiency' 'Scaling: throughput against concurrency' \
	'Hardware scaling' 'Capacity planning' 'What if' 'What could skew these numbers'; do
	check "report.md lacks the section '$s'" grep -q "^##.*$s" "$md"
done
figs="hardware-hardware-scaling"
for s in io-bound cpu-bound hardware-scaling; do
	for f in throughput scaling cpu cputime latency gantt-sequential gantt-async; do
		figs="$figs ${f%%-*}-$s${f#"${f%%-*}"}"
	done
done
figs="$figs gantt-io-bound-hybrid gantt-cpu-bound-hybrid"
nfig=0
for f in $figs; do
	nfig=$((nfig + 1))
	check "$f.png is not a PNG" bash -c "head -c 8 '$tmp/all/plots/$f.png' | od -An -tx1 |
		grep -q '89 50 4e 47 0d 0a 1a 0a'"
	check "$f.svg is not an SVG" grep -q '<svg' "$tmp/all/plots/$f.svg"
	check "report.md does not show $f" grep -q "](plots/$f.png)" "$md"
done
check "not 24 figures in the list" test "$nfig" -eq 24
check "report.md does not show 24 figures" test "$(grep -c '](plots/.*\.png)' "$md")" -eq 24
check "plots/ does not hold 24 PNGs" test "$(ls "$tmp/all/plots"/*.png | wc -l)" -eq 24
check "report.md shows a figure that is not there" bash -c "
	grep -o '](plots/[^)]*)' '$md' | sed 's/](//; s/)//' | while read -r p; do
		test -s '$tmp/all/'\$p || exit 1; done"

# report.json: the same figures, from the folders' files.
check "report.json does not parse" jq -e . "$js" >/dev/null
check "report.json lacks a part" jq -e '[.summary, .sequential_breakdown, .verdicts, .bounds,
	.scaling, .hardware, .capacity, .whatif, .skews] | all(length > 0)' "$js" >/dev/null
check "summary: not 11 model-scenario rows" jq -e '.summary | length == 11' "$js" >/dev/null
io=$(echo "$data"/*-io-bound)
want=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	$c["model"] == "sequential" { print $c["images_per_s"] }' "$io/summary.csv")
got=$(jq -r '.summary[] | select(.scenario == "io-bound" and .model == "sequential") |
	.images_per_s' "$js")
check "io-bound sequential: $got images/s in report.json, $want in summary.csv" \
	awk -v a="$got" -v b="$want" 'BEGIN { exit !(a - b < 1e-6 && b - a < 1e-6) }'
check "io-bound sequential rate not in report.md" \
	grep -q "| io-bound | sequential | 1 | $(printf '%.1f' "$want") |" "$md"
nruns=$(cat "$data"/*/summary.csv | grep -vc '^model,')
check "bounds: not one per run ($nruns)" jq -e ".bounds | length == $nruns" "$js" >/dev/null
check "a bound below zero or an efficiency over 2" jq -e '.bounds | all(.bound > 0 and
	.efficiency > 0 and .efficiency < 2)' "$js" >/dev/null
check "verdict rule: io-bound's sequential client is under 50% on CPU, yet not I/O-bound" \
	jq -e '.verdicts[] | select(.scenario == "io-bound") | .verdict == "I/O-bound" and
	.followed == "concurrency"' "$js" >/dev/null
check "hardware: not 3 models on 1 and 2 PUs" jq -e '.hardware | length == 3 and
	all(.pus_low == 1 and .pus_high == 2)' "$js" >/dev/null
check "scaling: no fit for a model with three levels" jq -e '[.scaling[] |
	select(.scenario == "io-bound" and .model != "sequential") | .fit] | all' "$js" >/dev/null
check "what-if is not labelled a prediction" grep -q 'predictions, not measurements' "$md"
check "the report names a secret" bash -c "! grep -qi 'secret\|AWS_SECRET' '$md' '$js'"

# One scenario folder on its own, without figures.
cp -r "$io" "$tmp/one"
expect 0 '"report"' "$bin" report --no-plots --json -q "$tmp/one"
check "--no-plots: figures drawn" bash -c "! ls '$tmp/one/plots'/*.png 2>/dev/null"
check "--no-plots: report.md does not say so" grep -q 'figures were not drawn' "$tmp/one/report.md"
check "one scenario: not 4 summary rows" jq -e '.summary | length == 4' "$tmp/one/report.json" \
	>/dev/null
check "one scenario: a hardware row" jq -e '.hardware | length == 0' "$tmp/one/report.json" \
	>/dev/null
check "a temporary report file left" bash -c "! ls '$tmp/one'/*.tmp 2>/dev/null"

# Odd folders: one model only; a run without a rate; a scenario name twice in one parent.
mkdir -p "$tmp/odd/one" "$tmp/odd/norate" "$tmp/odd/twice"
cp -r "$io" "$tmp/odd/one/a"
awk -F, 'NR == 1 || $1 == "sequential"' "$io/summary.csv" >"$tmp/odd/one/a/summary.csv"
expect 0 'written to' "$bin" report "$tmp/odd/one"
check "one model: a figure missing" test -s "$tmp/odd/one/plots/throughput-io-bound.png"
check "one model: not 1 summary row" jq -e '.summary | length == 1' "$tmp/odd/one/report.json" \
	>/dev/null
cp -r "$io" "$tmp/odd/norate/a"
awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "images_per_s") c = i }
	NR > 1 && $1 == "pthreads" && $2 == 1 { $c = "" } { print }' "$io/summary.csv" \
	>"$tmp/odd/norate/a/summary.csv"
expect 0 'written to' "$bin" report -n "$tmp/odd/norate"
check "a run without a rate became a model's best" jq -e '.summary[] | select(.model ==
	"pthreads") | .level == 16 and .images_per_s > 0' "$tmp/odd/norate/report.json" >/dev/null
check "a run without a rate got an efficiency" jq -e '.bounds[] | select(.model == "pthreads"
	and .level == 1) | .images_per_s == null and .efficiency == null' \
	"$tmp/odd/norate/report.json" >/dev/null
cp -r "$io" "$tmp/odd/twice/a" && cp -r "$io" "$tmp/odd/twice/b"
expect 0 'written to' "$bin" report "$tmp/odd/twice"
check "a name twice: not labelled io-bound and io-bound-2" jq -e '[.verdicts[].scenario] ==
	["io-bound", "io-bound-2"]' "$tmp/odd/twice/report.json" >/dev/null
for f in throughput-io-bound throughput-io-bound-2 gantt-io-bound-2-async; do
	check "a name twice: $f.png missing" test -s "$tmp/odd/twice/plots/$f.png"
	check "a name twice: $f.png not shown" grep -q "](plots/$f.png)" "$tmp/odd/twice/report.md"
done

# The network line: an old folder has no latency record; a new one states it, and a failed
# probe says why.
line='- `io-bound`: added latency 20 ms (asked: not recorded); endpoint round trip not recorded.'
check "old folders: no 'not recorded' network line" grep -qxF -e "$line" "$md"
check "old folders: report.json's network not marked unrecorded" jq -e '.network | length == 3
	and all(.recorded == false and .endpoint_rtt == null) and .[0].added_ms == 20' "$js" \
	>/dev/null
mkdir -p "$tmp/net/rtt" "$tmp/net/failed"
cp -r "$io" "$tmp/net/rtt/a" && cp -r "$io" "$tmp/net/failed/a"
jq '.latency = {asked: "auto", added_ms: 50, auto_rule: "50 ms one-way on the local server, 0
	elsewhere", probe: {method: "m", object_bytes: 64, error: null,
	direct: {samples: 20, median_ms: 0.643, p90_ms: 0.891, min_ms: 0.45, max_ms: 3.7},
	through_shaper: {samples: 20, median_ms: 100.945, p90_ms: 101.377, min_ms: 100.8,
	max_ms: 102.4}}}' "$io/meta.json" >"$tmp/net/rtt/a/meta.json"
expect 0 'written to' "$bin" report -n "$tmp/net/rtt"
line='- `io-bound`: added latency 50 ms (asked: auto); endpoint round trip measured 0.64 ms'
line="$line median (p90 0.89) over 20 small GETs; through the shaper 100.94 ms median (p90"
line="$line 101.38) over 20."
check "a recorded probe: not in report.md" grep -qxF -e "$line" "$tmp/net/rtt/report.md"
check "a recorded probe: not in report.json" jq -e '.network == [{scenario: "io-bound",
	recorded: true, asked: "auto", added_ms: 50, probe_error: null,
	endpoint_rtt: {samples: 20, median_ms: 0.643, p90_ms: 0.891, min_ms: 0.45, max_ms: 3.7},
	through_shaper_rtt: {samples: 20, median_ms: 100.945, p90_ms: 101.377, min_ms: 100.8,
	max_ms: 102.4}}]' "$tmp/net/rtt/report.json" >/dev/null
jq '.latency = {asked: 5, added_ms: 5, probe: {method: "m", object_bytes: 64, direct: null,
	through_shaper: null, error: "round-trip probe: PUT s3://b/k: HTTP 403 AccessDenied"}}' \
	"$io/meta.json" >"$tmp/net/failed/a/meta.json"
expect 0 'written to' "$bin" report -n "$tmp/net/failed"
line='- `io-bound`: added latency 5 ms (asked: 5); endpoint round trip not measured'
line="$line (round-trip probe: PUT s3://b/k: HTTP 403 AccessDenied)."
check "a failed probe: its error not in report.md" grep -qxF -e "$line" "$tmp/net/failed/report.md"

summary report.sh
