#!/usr/bin/env bash
# A rate sweep end to end against the real S3 server named by AWS_* (run through
# harness/with-s3-local), through the shaper: sequential (one in flight) and async (four) on
# the tiny dataset at 20 ms one-way latency, each offered 4 images/s, which both keep, and
# 1000 images/s, far beyond what one or four in flight can do there (some 10 and 40 a second),
# which both give up (exit 4, status unsustained). Checked: the plan's runs and names, the
# summary rows and their statuses and open-loop columns, that counts add up (ok + errors =
# images) and the low rate's runs did every image, response time >= service time per row and
# percentile, the trace's rate cell, and the report's open-loop section saying which rates were
# kept, with its figures; bad keys are refused in one line. No timing is asserted: a busy
# machine still keeps 4 images/s, at 40% of the slower model's capacity.
set -uo pipefail
bin=${1:?usage: tests/integration/rates.sh path/to/exifbench}
: "${AWS_ENDPOINT_URL:?run through harness/with-s3-local}"
here=$(cd "$(dirname "$0")" && pwd)
home=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
export EXIFBENCH_HOME=$home

cleanup() {
	"$bin" dataset rm "s3://exifbench-out/rates" >/dev/null 2>&1
	"$bin" dataset rm "s3://exifbench-data/rates-tiny" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
. "$here/../lib.sh"

cat >"$tmp/rates.conf" <<'CONF'
name = rates
dataset = tiny
data_prefix = rates-tiny
images = 24
latency_ms = 20
models = sequential async
concurrency = 4
rates = 4 1000
max_backlog = 20
slo_p99_ms = 5000
trim = 0.1
sample_hz = 20
CONF

# col CSV NAME: the values of column NAME, one per row.
col() {
	awk -F, -v name="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next }
		{ print $c }' "$1"
}

# Bad keys: one line naming the file, line and key; rates with clients refused by the plan.
printf 'models = async\nrates = 4 -1\n' >"$tmp/bad.conf"
expect 2 "bad.conf:2: key 'rates': '-1' is not none or a rate" "$bin" bench --dry-run \
	--scenario "$tmp/bad.conf"
printf 'models = async\narrivals = bursty\n' >"$tmp/bad.conf"
expect 2 "bad.conf:2: key 'arrivals': 'bursty' is not one of constant, poisson" "$bin" bench \
	--dry-run --scenario "$tmp/bad.conf"
expect 2 "rates with clients 2: open-loop runs over several clients are not supported yet" \
	"$bin" bench --dry-run --scenario "$tmp/rates.conf" --set clients="1 2"
expect 0 'open loop: each run offers its rate \(constant arrivals\)' "$bin" bench --dry-run \
	--scenario "$tmp/rates.conf"

"$bin" bench --scenario "$tmp/rates.conf" --results "$tmp/results" --data "$tmp/data" --json \
	>"$tmp/out" 2>"$tmp/err"
rc=$?
check "the bench exits 0: an unsustained run is a result ($(tail -n 3 "$tmp/err"))" test "$rc" -eq 0
dir=$(ls -d "$tmp"/results/*-rates/ | tail -n 1)
sum=$dir/summary.csv
check "meta.json says complete, 4 runs of 4" jqe '.status == "complete" and .runs_done == 4 and
	.scenario.rates == [4, 1000] and .scenario.arrivals == "constant" and
	.scenario.max_backlog == 20' "$dir/meta.json"
check "summary.csv has a row per model and rate (4)" test "$(($(wc -l <"$sum") - 1))" -eq 4
check "the rows: each model at 4 and 1000 images/s, constant arrivals" test \
	"$(paste -d' ' <(col "$sum" model) <(col "$sum" level) <(col "$sum" offered_per_s) \
	<(col "$sum" arrivals) | tr '\n' ';')" = \
	"sequential 1 4.000 constant;sequential 1 1000.000 constant;async 4 4.000 constant;async 4 1000.000 constant;"
check "4/s kept, 1000/s given up (statuses: $(col "$sum" status | tr '\n' ' '))" test \
	"$(paste -d' ' <(col "$sum" status) <(col "$sum" exit_code) <(col "$sum" sustained) |
	tr '\n' ';')" = "ok 0 1;unsustained 4 0;ok 0 1;unsustained 4 0;"
check "counts add up: ok + errors = images, every image at 4/s, fewer at 1000/s" awk -F, '
	NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	$c["ok"] + $c["errors"] != $c["images"] || $c["images"] < 1 ||
	($c["offered_per_s"] == 4 && ($c["images"] != 24 || $c["errors"] != 0)) ||
	($c["offered_per_s"] == 1000 && $c["images"] >= 24) {
		print "bad row: " $0 > "/dev/stderr"; bad++ }
	END { exit bad > 0 }' "$sum"
check "response >= service time, wait >= 0, per row and percentile" awk -F, '
	NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	{ n = split("p50 p90 p99 max", p, " ")
	  for (k = 1; k <= n; k++) {
		r = $c["resp_" p[k] "_ms"]; e = $c["e2e_" p[k] "_ms"]; w = $c["wait_" p[k] "_ms"]
		if (r == "" || e == "" || w == "" || r + 0.001 < e || w < 0) {
			print "bad " p[k] ": " r " " e " " w > "/dev/stderr"; bad++ } } }
	END { exit bad > 0 }' "$sum"
check "the given-up runs say how far behind, the backlog past 20" awk -F, '
	NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	$c["sustained"] == 0 && !($c["behind_ms"] > 0 && $c["backlog_max"] > 20) { bad++ }
	$c["sustained"] == 1 && ($c["behind_ms"] == "" || $c["behind_end_ms"] == "") { bad++ }
	END { exit bad > 0 }' "$sum"
check "trace.csv carries each run's rate and due time" awk -F, '
	NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; if (!("rate" in c) || !("due_us" in c)) exit 1
		next }
	{ n[$c["model"] " " $c["rate"]]++ }
	$c["due_us"] < 0 { bad++ }
	END { exit bad > 0 || n["sequential 4"] != 24 || n["async 4"] != 24 ||
		!(n["sequential 1000"] > 0) || !(n["async 1000"] > 0) }' "$dir/trace.csv"
check "the runs are named -rateR" test -e "$dir/logs/async-c4-cpusall-r1-rate1000.log"
check "the JSON rows say sustained or not" jqe '[.runs[] | [.model, .offered_per_s,
	.sustained, .status]] == [["sequential", 4, true, "ok"], ["sequential", 1000, false,
	"unsustained"], ["async", 4, true, "ok"], ["async", 1000, false, "unsustained"]]' "$tmp/out"

md=$dir/report.md
check "the report says which rates were kept" grep -qxF -e \
	'- Rates kept up (sustained, achieved within 5% of offered) by every run: 4; by none: 1000 (images/s).' "$md"
check "the report has a table per model" test "$(grep -c '^| offered /s |' "$md")" -eq 2
check "the report marks the given-up runs" test "$(grep -c '^| 1000 | .* | \*\*no\*\*: ' "$md")" -eq 2
check "report.json: 4 kept by all, 1000 by none" jqe '.open_loop[0].kept_by_all == [4] and
	.open_loop[0].kept_by_none == [1000] and ([.open_loop[0].models[].runs[] | .sustained] ==
	[true, false, true, false])' "$dir/report.json"
for f in rates-rates response-rates; do
	check "the report has its figure $f" test -s "$dir/plots/$f.png"
	check "report.md shows $f" grep -q "](plots/$f.png)" "$md"
done
check "the destination prefixes are cleaned" test -z \
	"$("$bin" dataset ls s3://exifbench-out/rates 2>/dev/null)"
check "no run is left behind" test -z "$(mine 'exifbench run')"

summary "rates integration"
