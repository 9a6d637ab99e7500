#!/usr/bin/env bash
# `exifbench report` on the checked-in results (tests/data/results-small: io-bound, cpu-bound and
# hardware-scaling, written by a real bench): report.md has every section and references every
# figure, each figure exists as a PNG and an SVG that are what they claim, report.json holds
# the same figures (a summary rate is the one in summary.csv; every run has a bound; the
# verdicts follow the rule), one scenario folder reports on its own, --no-plots draws nothing
# and says so, bad folders exit 2 naming them, and odd folders still report: one model, a run
# without a rate, a scenario name twice. A hand-made rate sweep gets the open-loop section.
# The settings section and each figure's settings caption; the summary's columns (images/s
# as the mean of repeats with a 95% interval, CPU in % of a core and per image, peak RSS),
# its best and tied marks; the per-thread shares in the CPU breakdown; images/day with
# thousands separators; cpu-bound's mixed verdict with both numbers; a run over its bound
# flagged, never over 100%; hand-made repeats (their mean in the summary and the capacity
# plan, the skew list saying they were repeated) and a tie among levels; a run too short to
# trim setting no R0; a verdict naming its baseline without sequential. The network line per scenario: "not recorded" for these
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
for s in 'Settings' 'Summary: every model at its best level' "Where one image's time goes" \
	'Verdict per scenario' "CPU breakdown: share of its threads' time" 'Where the threads waited' 'Bounds and efficiency' 'Scaling: throughput against concurrency' \
	'Hardware scaling' 'Capacity planning' 'What if' 'What could skew these numbers'; do
	check "report.md lacks the section '$s'" grep -q "^##.*$s" "$md"
done
# these folders predate the wait profile: the section says so per scenario, draws no figure
check "the wait section says io-bound's runs have no wait profile" \
    grep -q '^\*\*io-bound\*\*: not recorded (its runs have no wait profile' "$md"
check "no waits figure without a wait profile" [ ! -e "$tmp/all/plots/waits-io-bound.png" ]
check "no wait sentence in the verdicts without a wait profile" \
    bash -c "! grep -q 'Where the threads waited (best run' '$md'"
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
check "a bound below zero or an efficiency over 100%" jq -e '.bounds | all(.bound > 0 and
	((.efficiency > 0 and .efficiency <= 1 and (.measurement_problem | not)) or
	(.efficiency == null and .measurement_problem)))' "$js" >/dev/null
check "an efficiency over 100% in report.md" bash -c "! grep -E '\| (10[1-9]|1[1-9][0-9]|[2-9][0-9]{2})% \|$' '$md'"
# io-bound's pthreads at 16 made 205.9/s against a Little bound of 176: a measurement problem
check "pthreads at 16 over its bound not flagged" jq -e '.bounds[] | select(.scenario ==
	"io-bound" and .model == "pthreads" and .level == 16) | .measurement_problem and
	.efficiency == null' "$js" >/dev/null
check "report.md: no measurement problem marked" grep -q \
	'| pthreads | 2 | 16 | 205.9 | 176 | .* | latency (Little) | \*\*over its bound: a measurement problem\*\* |' "$md"
check "report.md: a run over its bound within noise not at 100%" grep -q \
	'| pthreads | 2 | 4 | 44.5 | 44 | .* | 100% (over by 1.3%, within noise) |' "$md"

# The settings section and caption; the summary's columns, marks and formatted numbers.
check "settings: io-bound's keys, dataset, machine, versions, commit" bash -c "
	grep -qF -- '- scenario keys: \`bandwidth_mbit=0.0\`' '$md' &&
	grep -qF -- '\`latency_ms=20.0\`' '$md' && grep -qF -- '\`trim=0.1\`' '$md' &&
	grep -qF -- '- profile \`tiny\`, dataset \`s3://exifbench-data/tiny\`; endpoint http://127.0.0.1:7581; added latency 20 ms one-way' '$md' &&
	grep -qF -- '- machine: AMD EPYC, 2 PUs (2 cores), Linux' '$md' &&
	grep -qF -- 'libexif 0.6.24' '$md' && grep -qF -- 'commit 5eba03b05e7f' '$md'"
cap='settings: 20 ms one-way, no jitter, CPU stage EXIF only, dataset tiny, levels 1, 4, 16, 50 images a run, trim 10%, 1 repeat'
check "settings: io-bound's caption" grep -qxF "**io-bound** ($cap):" "$md"
check "plots/data/caption-io-bound.txt is not the caption" grep -qxF "$cap" \
	"$tmp/all/plots/data/caption-io-bound.txt"
check "hardware-scaling's caption lacks its PU sets" grep -qF 'levels 1, 16, client on PUs 0 then 0-1, 50 images a run' "$md"
check "cpu-bound's caption lacks its CPU stage" grep -qF 'CPU stage 5 ms spin, dataset tiny, levels 1, 2, 4' "$md"
check "not a settings caption under each of the 24 figures" test \
	"$(grep -c '^<sub>settings: ' "$md")" -eq 24
check "report.json: settings" jq -e '.settings | length == 3 and .[0].caption ==
	"'"$cap"'" and .[0].scenario.latency_ms == 20 and .[0].versions.git_commit ==
	"5eba03b05e7f"' "$js" >/dev/null
hdr='| scenario | model | in flight | images/s | 95% interval | vs baseline | p50 ms | p99 ms |'
hdr="$hdr client CPU, % of a core | CPU ms per image | peak RSS MiB | machine CPU |"
hdr="$hdr server CPU, % of a core | errors | best |"
check "summary: not the columns" grep -qxF -e "$hdr" "$md"
check "summary: io-bound sequential's row" grep -qxF -e '| io-bound | sequential | 1 | 11.3 | - (1 run) | 1.0x | 87 | 104 | 0.65% | 0.60 | 11.9 | 100% | 7.5% | 0 |  |' "$md"
check "summary: io-bound's best and tied not marked" bash -c "
	grep -q '^| io-bound | pthreads | 16 | 205.9 | .* | \*\*best\*\* |$' '$md' &&
	grep -q '^| io-bound | hybrid | 16 | 198.8 | .* | tied (within 5%) |$' '$md' &&
	grep -q '^| io-bound | async | 16 | 185.4 | .* |  |$' '$md'"
check "report.json: summary's new figures" jq -e '.summary[] | select(.scenario ==
	"io-bound" and .model == "sequential") | .reps == 1 and .ci95_half == null and
	.client_cpu_pct == 0.645 and (.cpu_ms_per_image - 0.6 | fabs) < 1e-9 and
	.peak_rss_kib == 12136 and .baseline == "sequential" and .best == false' "$js" >/dev/null
check "report.json: tied marks" jq -e '[.summary[] | select(.scenario == "io-bound") |
	[.model, .best, .tied, .tie_rule]] == [["sequential", false, false, null], ["pthreads",
	true, false, null], ["async", false, false, null], ["hybrid", false, true, "within 5%"]]' \
	"$js" >/dev/null
check "the per-thread shares are not in the CPU breakdown" grep -qxF -e \
	'| io-bound | pthreads | 16 | 0.42% | 0.62% | 99% | 3.3% | 0.04% | 27% |' "$md"
day=$(jq -r '.capacity[] | select(.scenario == "io-bound" and .model == "pthreads") |
	.images_per_day | floor' "$js" | sed ':a; s/\B[0-9]\{3\}\>/,&/; ta')
check "capacity: images/day not $day" grep -q "^| io-bound | pthreads | 16 | 205.9 | $day |" "$md"
check "capacity: images/day with no thousands separator" bash -c "! grep -Eq '^\| [a-z-]+ \| [a-z]+ \| [0-9]+ \| [0-9.]+ \| [0-9]{4,} \|' '$md'"
check "cpu-bound is not mixed with both numbers" bash -c "
	jq -e '.verdicts[] | select(.scenario == \"cpu-bound\") | .verdict == \"mixed\" and
	.share_says == \"I/O-bound\" and .followed == \"cores\" and .baseline == \"sequential\"' '$js' >/dev/null &&
	grep -q '^- \*\*cpu-bound: mixed.\*\* .*mixed: the share says I/O-bound (39.7% on a CPU) but throughput followed cores (1.65x on 2 PUs)' '$md'"
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

# Repeats, hand-made: sequential run three times (11.298, 11.0, 12.4 images/s) gets its mean
# and Student t interval; pthreads at 4 made 200.0, within 5% of its 205.9 at 16, so 4 is its
# best level (the lowest within noise), and the report says which it took and why.
mkdir -p "$tmp/reps"
cp -r "$io" "$tmp/reps/a"
awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print; next }
	$1 == "pthreads" && $2 == 4 { $c["images_per_s"] = "200.000" } { print }
	$1 == "sequential" { $c["rep"] = 2; $c["images_per_s"] = "11.000"; $c["e2e_p99_ms"] = "300.000"
		print; $c["rep"] = 3; $c["images_per_s"] = "12.400"; $c["e2e_p99_ms"] = "600.000"; print }' \
	"$io/summary.csv" \
	>"$tmp/reps/a/summary.csv"
expect 0 'written to' "$bin" report -n "$tmp/reps"
read -r mean half < <(awk 'BEGIN { n = split("11.298 11.0 12.4", x, " ")
	for (i = 1; i <= n; i++) m += x[i] / n
	for (i = 1; i <= n; i++) ss += (x[i] - m) ^ 2
	printf "%.1f %.1f\n", m, 4.303 * sqrt(ss / (n - 1)) / sqrt(n) }')
check "repeats: not the mean $mean ± $half over 3 runs" grep -q \
	"^| io-bound | sequential | 1 | $mean | ± $half (3 runs) |" "$tmp/reps/report.md"
p99=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	$1 == "sequential" { printf "%.0f\n", ($c["e2e_p99_ms"] + 900) / 3 }' "$io/summary.csv")
check "repeats: the summary's p99 not the mean of the repeats' ($p99)" grep -qE \
	"^\| io-bound \| sequential \| 1 \| [^|]+\| [^|]+\| [^|]+\| [0-9]+ \| $p99 \|" "$tmp/reps/report.md"
check "repeats: report.json's interval" jq -e '.summary[] | select(.model == "sequential") |
	.reps == 3 and (.ci95_half - '"$half"' | fabs) < 0.05' "$tmp/reps/report.json" >/dev/null
check "a tie among levels: not the lowest taken" grep -qxF -e \
	'- `io-bound` pthreads: 4 in flight taken; 16 made the most (205.9 images/s against 200.0), within noise (within 5%)' \
	"$tmp/reps/report.md"
check "a tie among levels: summary not at 4" jq -e '.summary[] | select(.model ==
	"pthreads") | .level == 4' "$tmp/reps/report.json" >/dev/null
check "repeats: capacity not from the mean of sequential's repeats ($mean)" jq -e \
	'.capacity[] | select(.model == "sequential") | (.images_per_s - '"$mean"' | fabs) < 0.05' \
	"$tmp/reps/report.json" >/dev/null
check "repeats: the skew list still says each run is one sample" bash -c \
	"! grep -q 'each run is one sample' '$tmp/reps/report.md' &&
	grep -q 'runs were repeated (up to 3 times)' '$tmp/reps/report.md'"
check "no repeats: the skew list says each run is one sample" grep -q 'each run is one sample' "$md"
# io-bound's runs had the machine 100% busy while the bench's groups used about 5% of it
check "the skew list does not name the other processes' load" grep -qE \
	'^- io-bound: other processes on this machine used its CPUs in 10 of 10 runs, up to 9[0-9]% of them' "$md"
check "the skew list blames the saturation on the bench" bash -c \
	"! grep -q '^- io-bound: the machine was saturated.*client, server and shaper competed' '$md'"
expect 0 'written to' "$bin" report "$tmp/reps"
check "repeats: the throughput figure's data not the mean $mean ± $half over 3 runs, speedup 1" \
	awk -v m="$mean" -v h="$half" '$1 == "\"sequential\"" { ok = ($3 - m) ^ 2 < 0.0025 &&
	    ($6 - h) ^ 2 < 0.0025 && $7 == 3 && $5 == 1 } END { exit !ok }' \
	"$tmp/reps/plots/data/throughput-io-bound.dat"
check "repeats: the summary's speedups not over sequential's mean" jq -e '.summary[] |
	select(.model == "async") | (.speedup * '"$mean"' / .images_per_s - 1 | fabs) < 0.01' \
	"$tmp/reps/report.json" >/dev/null

# The short-run R0 rule: sequential kept only 11 images of its trace (a 5 s run at 100 ms
# one way), too few to cut the cold first one: no R0, no latency bound from it, and it says so.
mkdir -p "$tmp/short"
cp -r "$io" "$tmp/short/a"
awk -F, 'NR == 1 || $1 != "sequential" || ++n <= 11' "$io/trace.csv" >"$tmp/short/a/trace.csv"
expect 0 'written to' "$bin" report -n "$tmp/short"
check "short run: no R0 line" grep -qF '**io-bound** (no R0: the sequential run at one in flight has 11 images, too few to cut its warm-up (20 needed)' "$tmp/short/report.md"
check "short run: a latency bound from it" jq -e '.bounds[] | select(.model == "sequential") |
	.limit != "latency (Little)"' "$tmp/short/report.json" >/dev/null
check "short run: the others lost their own R0" jq -e '.bounds[] | select(.model ==
	"pthreads" and .level == 1) | .limit == "latency (Little)"' "$tmp/short/report.json" >/dev/null
check "long run: R0 not from the steady state" grep -qF '**io-bound** (R0 of sequential 88.5 ms, steady state):' "$md"

# No sequential run: the verdict names its baseline.
mkdir -p "$tmp/noseq"
cp -r "$io" "$tmp/noseq/a"
awk -F, 'NR == 1 || $1 != "sequential"' "$io/summary.csv" >"$tmp/noseq/a/summary.csv"
expect 0 'written to' "$bin" report -n "$tmp/noseq"
check "no sequential: the verdict does not name its baseline" jq -e '.verdicts[0] |
	.baseline == "pthreads" and (.why | test("^the baseline, pthreads at 1 in flight \\(sequential did not run\\), was on a CPU .*x the baseline on"))' \
	"$tmp/noseq/report.json" >/dev/null

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

# A rate sweep, hand-made from the io-bound folder: sequential at 1 in flight and async at 4
# and 16, each offered 2, 5 and 50 images/s (sequential and async at 4 gave 50 up), with an
# objective of 250 ms. The open-loop section: its rule, a table per model and level, the knee
# and the objective's rate, the line of rates kept; its figures; report.json's open_loop.
make_rates() {
	local src=$1 dst=$2
	mkdir -p "$dst"
	jq '.scenario.rates = [2, 5, 50] | .scenario.arrivals = "constant" |
		.scenario.slo_p99_ms = 250 | .scenario.name = "rates" |
		.scenario.concurrency = [1, 4, 16] | .scenario.models = ["sequential", "async"]' \
		"$src/meta.json" >"$dst/meta.json"
	awk -F, -v OFS=, '
	NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i
		print $0, "arrivals,offered_per_s,sustained,behind_ms,backlog_max,resp_p50_ms," \
		    "resp_p90_ms,resp_p99_ms,resp_p999_ms,resp_max_ms,wait_p50_ms,wait_p90_ms," \
		    "wait_p99_ms,wait_p999_ms,wait_max_ms"; next }
	$1 == "sequential" || ($1 == "async" && ($2 == 4 || $2 == 16)) { t[$1 "," $2] = $0 }
	END {
		# model level rate achieved sustained behind backlog p50 p99 p999 wait_p99
		n = split("sequential 1 2 2.0 1 3 0 95 120 130 2;" \
		    "sequential 1 5 5.0 1 40 1 110 200 230 90;" \
		    "sequential 1 50 11.0 0 2500 101 2100 3400 3500 3300;" \
		    "async 4 2 2.0 1 1 0 90 100 110 1;async 4 5 5.0 1 2 0 90 105 115 1;" \
		    "async 4 50 44.9 0 1800 101 900 1900 2000 1800;" \
		    "async 16 2 2.0 1 1 0 90 100 110 1;async 16 5 5.0 1 1 0 90 100 112 1;" \
		    "async 16 50 49.6 1 60 3 95 300 340 120", row, ";")
		for (k = 1; k <= n; k++) {
			split(row[k], f, " ")
			split(t[f[1] "," f[2]], v, ",")
			v[c["images_per_s"]] = f[4]
			v[c["status"]] = f[5] ? "ok" : "unsustained"
			v[c["exit_code"]] = f[5] ? 0 : 4
			line = v[1]
			for (i = 2; i <= length(v); i++)
				line = line "," v[i]
			print line, "constant", f[3], f[5], f[6], f[7], f[8], f[8], f[9], f[10],
			    f[10], 0, 0, f[11], f[11], f[11]
		}
	}' "$src/summary.csv" >"$dst/summary.csv"
	rows_at "$src/trace.csv" >"$dst/trace.csv"
	rows_at "$src/samples.csv" >"$dst/samples.csv"
}
# rows_at FILE: FILE's rows of the template runs again at each rate, a rate cell appended
rows_at() {
	awk -F, -v OFS=, 'NR == 1 { print $0, "rate"; next }
		$1 == "sequential" { for (r = 1; r <= 3; r++) print $0, rr[r] }
		$1 == "async" && ($2 == 4 || $2 == 16) { for (r = 1; r <= 3; r++) print $0, rr[r] }
		BEGIN { split("2 5 50", rr, " ") }' "$1"
}
make_rates "$io" "$tmp/rates/a"
expect 0 'written to' "$bin" report "$tmp/rates"
md=$tmp/rates/report.md js=$tmp/rates/report.json
check "rates: no open-loop section" grep -q '^## Open loop' "$md"
check "rates: the knee's rule not stated" grep -q 'the \*\*knee\*\* is the highest offered rate' "$md"
line='- Rates kept up (sustained, achieved within 5% of offered) by every run: 2, 5; by some: 50'
line="$line (not by sequential c=1, async c=4) (images/s)."
check "rates: the line of rates kept" grep -qxF -e "$line" "$md"
check "rates: not three tables" test "$(grep -c '^| offered /s |' "$md")" -eq 3
check "rates: sequential's knee not 5/s" grep -q '^Knee: \*\*5/s\*\* (achieved 5.0/s). Highest rate with response p99 within 250 ms: \*\*5/s\*\* (p99 200.0 ms).$' "$md"
check "rates: async c=16's knee not 50/s" grep -q '^Knee: \*\*50/s\*\* (achieved 49.6/s). Highest rate with response p99 within 250 ms: \*\*5/s\*\*' "$md"
check "rates: an unsustained run not marked" grep -q '^| 50 | 11.0 | \*\*no\*\*: 2.50 s behind | 2500.0 | 101 |' "$md"
check "rates: report.json's open_loop" jq -e '.open_loop | length == 1 and .[0].slo_p99_ms == 250
	and .[0].kept_by_all == [2, 5] and .[0].kept_by_some == [50] and .[0].kept_by_none == []
	and ([.[0].models[] | [.model, .level, .knee_per_s, .slo_per_s]] == [["sequential", 1, 5,
	5], ["async", 4, 5, 5], ["async", 16, 50, 5]]) and (.[0].models[0].runs | length == 3 and
	.[2].sustained == false and .[2].status == "unsustained" and .[2].behind_ms == 2500)' "$js" >/dev/null
for f in rates-rates response-rates; do
	check "rates: $f.png is not a PNG" bash -c "head -c 8 '$tmp/rates/plots/$f.png' | od -An -tx1 |
		grep -q '89 50 4e 47 0d 0a 1a 0a'"
	check "rates: $f.png not shown" grep -q "](plots/$f.png)" "$md"
done
check "rates: the concurrency analysis not one run per level" jq -e '[.scaling[] |
	select(.model == "async")] | length == 1' "$js" >/dev/null
check "a report without rates has an open-loop section" bash -c "! grep -q '^## Open loop' \
	'$tmp/all/report.md' && jq -e 'has(\"open_loop\") | not' '$tmp/all/report.json' >/dev/null"

summary report.sh
