#!/usr/bin/env bash
# `exifbench plan` on a hand-made result folder whose figures are known: each model's best
# setting (repeats averaged, a failed run left out), machines fractional and rounded up, hours,
# the cost split (requests from the trace's attempt counts, else the pipeline's 1 GET and
# 1 PUT), headroom, the latency objective (a model none of whose runs meets it is listed so,
# with its best p99), the same figures in --json as in the text, the report's capacity table
# from the same code; a what-if labelled a prediction, then --check's error arithmetic against
# a later folder (exact level, nearest level, none), and the error messages with their exit
# codes; an open-loop folder (a setting per offered rate, its p99 from resp_p99_ms). Then the
# checked-in results (tests/data/results-small), which a real bench wrote.
set -uo pipefail
bin=${1:?usage: tests/plan.sh path/to/exifbench}
data=$(cd "$(dirname "$0")" && pwd)/data/results-small
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"

# hand: sequential 10/s; pthreads 10, 36 and 40 (two repeats: 38), 100/s at 1, 4, 16; a run
# at 64 that failed (300/s, not a rate to plan with); two trace rows of pthreads 16 with 2 PUTs.
mkdir -p "$tmp/hand"
cat >"$tmp/hand/meta.json" <<'EOF'
{"scenario": {"name": "hand", "latency_ms": 10, "cpu_spin_ms": 0, "trim": 0},
 "machine": {"cpu_model": "Hand CPU", "pus": 2, "cores": 2}, "status": "complete"}
EOF
cat >"$tmp/hand/summary.csv" <<'EOF'
model,level,workers,client_cpus,client_pus,in_flight,cpu_threads,rep,clients,status,exit_code,images,ok,errors,images_per_s,e2e_p50_ms,e2e_p99_ms
sequential,1,0,all,2,1,1,1,1,ok,0,100,100,0,10,100,130
pthreads,1,0,all,2,1,1,1,1,ok,0,100,100,0,10,100,140
pthreads,4,0,all,2,4,4,1,1,ok,0,100,100,0,36,105,160
pthreads,4,0,all,2,4,4,2,1,ok,0,100,100,0,40,104,180
pthreads,16,0,all,2,16,16,1,1,ok,0,100,100,0,100,150,400
pthreads,64,0,all,2,64,64,1,1,failed,1,100,50,50,300,150,90
EOF
cat >"$tmp/hand/trace.csv" <<'EOF'
model,level,client_cpus,rep,key,outcome,get_attempts,put_attempts
pthreads,16,all,1,"a","ok",1,2
pthreads,16,all,1,"b","ok",1,2
EOF
h=$tmp/hand

# Usage and input errors: one line naming the thing; 2 usage, 3 unreadable input.
expect 0 '^usage: exifbench plan' "$bin" plan --help
expect 2 'RESULTS_DIR missing' "$bin" plan --images 1M --deadline 1h
expect 2 'one RESULTS_DIR only' "$bin" plan "$h" "$h" --images 1M --deadline 1h
expect 2 'needed' "$bin" plan "$h" --images 1M
expect 2 "plan RESULTS_DIR '$tmp/none': No such file" "$bin" plan "$tmp/none" --images 1 \
	--deadline 1
expect 2 "--images '10Q' is not a count" "$bin" plan "$h" --images 10Q --deadline 1h
expect 2 "--images '0' is not a count" "$bin" plan "$h" --images 0 --deadline 1h
expect 2 "--deadline '24x' is not a duration" "$bin" plan "$h" --images 1M --deadline 24x
expect 2 "--deadline '0' is not a duration" "$bin" plan "$h" --images 1M --deadline 0
expect 2 "--request-prices '0.1' is not two prices" "$bin" plan "$h" --images 1M \
	--deadline 1h --request-prices 0.1
expect 2 "--request-prices '1,-2' is not two prices" "$bin" plan "$h" --images 1M \
	--deadline 1h --request-prices 1,-2
expect 2 "--headroom '1' must be under 1" "$bin" plan "$h" --images 1M --deadline 1h \
	--headroom 1
expect 2 "--headroom '-0.1' must be a number" "$bin" plan "$h" --images 1M --deadline 1h \
	--headroom -0.1
expect 2 "--latency-ms 'fast' is not milliseconds" "$bin" plan "$h" --images 1M \
	--deadline 1h --latency-ms fast
expect 2 'unrecognized option' "$bin" plan "$h" --bogus
mkdir -p "$tmp/nosummary" && cp "$h/meta.json" "$tmp/nosummary/"
expect 3 "$tmp/nosummary/summary.csv: No such file" "$bin" plan "$tmp/nosummary" \
	--images 1M --deadline 1h
mkdir -p "$tmp/nometa"
expect 3 "$tmp/nometa: no meta.json" "$bin" plan "$tmp/nometa" --images 1M --deadline 1h
check "a bad count's error is not one line" test "$("$bin" plan "$h" --images x \
	--deadline 1h 2>&1 | wc -l)" -eq 1

# The plan: 1M images in 1 h, 0.5 per machine-hour, 0.0004 and 0.005 per 1000 requests.
args=(--images 1M --deadline 1h --price-per-hour 0.5 --request-prices 0.0004,0.005)
expect 0 'plan: 1000000 images within 3600 s' "$bin" plan "$h" "${args[@]}"
"$bin" plan "$h" "${args[@]}" >"$tmp/plan.txt" 2>&1
"$bin" plan "$h" "${args[@]}" --json >"$tmp/plan.json"
check "plan --json does not parse" jqe . "$tmp/plan.json"
check "plan --json: not kind plan" jqe '.kind == "plan"' "$tmp/plan.json"
# pthreads at 16, 100/s: 1e6 / (100 x 3600) = 2.78 machines, 3 rounded up, 0.926 h on them;
# compute 1e6 / 100 / 3600 x 0.5 = 1.3889; requests 1e6 x (1 x 0.0004 + 2 x 0.005) / 1000 = 10.4
pt='.scenarios[0].models[] | select(.model == "pthreads") | .measured'
check "pthreads: not its best ok setting (16, 100/s)" jqe "$pt | .level == 16 and
	.images_per_s == 100 and .repeats == 1 and .p99_column == \"e2e_p99_ms\"" "$tmp/plan.json"
check "pthreads: machines, hours or costs wrong" jqe "$pt | .plan |
	(.machines - 1e6 / 360000 | fabs) < 1e-9 and .machines_rounded_up == 3 and
	(.hours - 1e6 / 300 / 3600 | fabs) < 1e-9 and
	(.compute_per_million - 1e6 / 100 / 3600 * 0.5 | fabs) < 1e-9 and
	(.requests_per_million - 10.4 | fabs) < 1e-9 and
	(.total_per_million - (1e6 / 100 / 3600 * 0.5 + 10.4) | fabs) < 1e-9" "$tmp/plan.json"
check "pthreads: requests not from the trace" jqe "$pt | .requests_per_image | .gets == 1
	and .puts == 2 and (.source | startswith(\"trace\"))" "$tmp/plan.json"
sq='.scenarios[0].models[] | select(.model == "sequential") | .measured'
check "sequential: not the pipeline's 1 GET, 1 PUT" jqe "$sq | .requests_per_image |
	.gets == 1 and .puts == 1 and (.source | startswith(\"pipeline\"))" "$tmp/plan.json"
check "sequential: 27.78 machines, 28 up" jqe "$sq | .plan | (.machines - 1e6 / 36000 |
	fabs) < 1e-9 and .machines_rounded_up == 28" "$tmp/plan.json"
check "text: the pthreads row differs from the JSON" grep -qE \
	'^  pthreads +16 +1 +100\.0 +400\.0 +2\.78 +3 +0\.93 +1\.3889 +10\.4000 +11\.7889 +1 GET, 2 PUT \(measured, trace\)' \
	"$tmp/plan.txt"
for s in 'measured on Hand CPU, 2 PUs \(meta.json\)' "rates from $h" 'not included: data transfer' \
	'storage' 'headroom 0%' 'price per machine-hour: 0.5' 'latency objective: none'; do
	check "text: the assumptions lack '$s'" grep -qE "$s" "$tmp/plan.txt"
done
check "a plan without a what-if says prediction" bash -c "! grep -qi prediction '$tmp/plan.txt'"

# Headroom 0.5: each machine at 50/s: 5.56 machines, 6 up; compute cost doubles.
"$bin" plan "$h" "${args[@]}" --headroom 0.5 --json >"$tmp/head.json"
check "headroom 0.5: not 5.56 machines, 6 up, twice the compute" jqe "$pt | .plan |
	.planned_images_per_s == 50 and (.machines - 1e6 / 180000 | fabs) < 1e-9 and
	.machines_rounded_up == 6 and (.compute_per_million - 1e6 / 50 / 3600 * 0.5 | fabs)
	< 1e-9" "$tmp/head.json"

# The objective: p99 at most 200 ms keeps pthreads at 4 (mean of 36 and 40, worse p99 180);
# 120 ms: no pthreads run meets it (its best p99 140), sequential's 130 neither.
"$bin" plan "$h" --images 1M --deadline 1h --slo-p99-ms 200 --json >"$tmp/slo.json"
check "SLO 200: pthreads not at 4, 38/s over 2 repeats, p99 180" jqe "$pt | .level == 4 and
	.images_per_s == 38 and .repeats == 2 and .p99_ms == 180" "$tmp/slo.json"
"$bin" plan "$h" --images 1M --deadline 1h --slo-p99-ms 120 --json >"$tmp/slo2.json"
check "SLO 120: a model listed as meeting it" jqe '[.scenarios[0].models[] |
	select(.meets_slo or .measured != null)] | length == 0' "$tmp/slo2.json"
check "SLO 120: best p99s not 130 and 140" jqe '[.scenarios[0].models[].best_p99_ms] ==
	[130, 140]' "$tmp/slo2.json"
expect 0 'no setting meets the latency objective' "$bin" plan "$h" --images 1M --deadline 1h \
	--slo-p99-ms 120
expect 0 'its best p99: 140.0 ms' "$bin" plan "$h" --images 1M --deadline 1h --slo-p99-ms 120

# Open loop (run --rate): a setting per offered rate, its p99 the response time from schedule
# (resp_p99_ms), not e2e_p99_ms. At 100/s offered the backlog grew (resp p99 900 ms).
mkdir -p "$tmp/open"
cp "$h/meta.json" "$tmp/open/"
{ echo "model,level,client_cpus,client_pus,in_flight,cpu_threads,rep,clients,status,images,images_per_s,e2e_p99_ms,arrivals,offered_per_s,sustained,resp_p99_ms"
  echo "pthreads,16,all,2,16,16,1,1,ok,100,49.5,60,constant,50,1,80"
  echo "pthreads,16,all,2,16,16,1,1,ok,100,97,70,constant,100,1,900"; } >"$tmp/open/summary.csv"
"$bin" plan "$tmp/open" --images 1M --deadline 1h --slo-p99-ms 500 --json >"$tmp/open.json"
check "open loop: not the 50/s setting by resp_p99_ms" jqe '.scenarios[0].models[0].measured |
	.offered_per_s == 50 and .images_per_s == 49.5 and .p99_ms == 80 and
	.p99_column == "resp_p99_ms"' "$tmp/open.json"
expect 0 'pthreads +16@50/s +1 +49\.5 +80\.0' "$bin" plan "$tmp/open" --images 1M \
	--deadline 1h --slo-p99-ms 500
expect 0 'p99 is the response time from schedule \(resp_p99_ms\)' "$bin" plan "$tmp/open" \
	--images 1M --deadline 1h

# The report's capacity table is the same code: 1M within 1 h at sequential's 10/s.
expect 0 '' "$bin" report -n -q "$h"
check "report: sequential's machines for 1 M in 1 h not 27.78 (28)" \
	grep -qF '| hand | sequential | 1 | 10.0 | 864,000 | 27.8 | 27.78 (28) |' "$h/report.md"
check "report.json: capacity differs from plan's" jqe --slurpfile p "$tmp/plan.json" \
	'.capacity[] | select(.model == "sequential") | .machines_1m_1h_exact ==
	($p[0].scenarios[0].models[] | select(.model == "sequential") | .measured.plan.machines)' \
	"$h/report.json"
check "report.json: a what-if not labelled a prediction" jqe '.whatif | length > 0 and
	all(.kind == "prediction" and .level_latency >= 1)' "$h/report.json"

# With the scenario's prices (keys price_per_hour, request_prices), the report's cost column:
# sequential's 1 M images at 10/s, 27.78 machine-hours at 0.5; 1 GET and 1 PUT (no trace rows).
mkdir -p "$tmp/priced"
cp "$h/summary.csv" "$h/trace.csv" "$tmp/priced/"
jq '.scenario.price_per_hour = 0.5 | .scenario.request_prices = "0.0004,0.005"' \
	"$h/meta.json" >"$tmp/priced/meta.json"
expect 0 '' "$bin" report -n -q "$tmp/priced"
check "report: sequential's cost per 1 M not 13.8889 + 5.4000" grep -qF \
	'| hand | sequential | 1 | 10.0 | 864,000 | 27.8 | 27.78 (28) | 277.8 | 277.78 (278) | 13.8889 + 5.4000 |' \
	"$tmp/priced/report.md"
check "report: a cost without prices" grep -qF '| 277.78 (278) | - |' "$h/report.md"
expect 2 "request_prices '0.1' must be two prices" "$bin" bench --dry-run --model sequential \
	--set request_prices=0.1

# A what-if: twice the latency. Every figure of it labelled a prediction, with its inputs.
"$bin" plan "$h" --images 1M --deadline 1h --latency-ms 2x --json >"$tmp/pred.json"
"$bin" plan "$h" --images 1M --deadline 1h --latency-ms 2x >"$tmp/pred.txt"
check "what-if: not kind prediction" jqe '.kind == "prediction" and .inputs.latency_ms == "2x"'\
	"$tmp/pred.json"
check "what-if: a model's prediction unlabelled or without inputs" jqe '[.scenarios[0].models[] |
	.prediction | .kind == "prediction" and .latency_ms == 20 and .level >= 1 and
	.inputs.r0_s_measured > 0 and (.inputs.r0_s - .inputs.r0_s_measured - 0.04 | fabs) < 1e-9]
	| all' "$tmp/pred.json"
# sequential: R0 0.1 s + 4 x 10 ms = 0.14 s, one in flight: 1 / 0.14 images/s (Little)
check "what-if: sequential not 1 / 0.14 at level 1" jqe '.scenarios[0].models[] |
	select(.model == "sequential") | .prediction | .level == 1 and
	(.images_per_s - 1 / 0.14 | fabs) < 1e-9 and .limit == "latency (Little)"' "$tmp/pred.json"
check "what-if text: not labelled PREDICTIONS" grep -q 'PREDICTIONS, not measurements' \
	"$tmp/pred.txt"
# With a 2 s objective on the mean latency N/X, the level chosen keeps N/X under it.
"$bin" plan "$h" --images 1M --deadline 1h --latency-ms 20 --slo-p99-ms 2000 --json \
	>"$tmp/pred-slo.json"
check "what-if with an objective: a mean latency over it" jqe '[.scenarios[0].models[] |
	.prediction | select(.meets_slo) | .mean_latency_ms <= 2000] | length > 0 and all' \
	"$tmp/pred-slo.json"

# --check: a later folder with pthreads at the predicted level (measured 50/s) and
# sequential at 2 (not predicted there: the nearest, said so).
lvl=$(jq '.scenarios[0].models[] | select(.model == "pthreads") | .prediction.level' \
	"$tmp/pred.json")
mkdir -p "$tmp/later/x" "$tmp/other/x"
cp "$h/meta.json" "$tmp/later/x/"
{ head -1 "$h/summary.csv"
  echo "pthreads,$lvl,0,all,2,$lvl,$lvl,1,1,ok,0,100,100,0,50,150,400"
  echo "sequential,2,0,all,2,1,1,1,1,ok,0,100,100,0,8,100,130"; } >"$tmp/later/x/summary.csv"
expect 0 'nearest level measured' "$bin" plan --check "$tmp/pred.json" "$tmp/later"
"$bin" plan --check "$tmp/pred.json" "$tmp/later" --json >"$tmp/check.json"
check "check: not 2 of 2 matched" jqe '.kind == "check" and .predictions == 2 and
	.matched == 2' "$tmp/check.json"
check "check: pthreads' error is not (predicted - 50) / 50" jqe --slurpfile p "$tmp/pred.json" \
	'($p[0].scenarios[0].models[] | select(.model == "pthreads") | .prediction) as $w |
	.rows[] | select(.model == "pthreads") | .nearest == false and .measured_images_per_s == 50
	and (.error_pct - 100 * ($w.images_per_s - 50) / 50 | fabs) < 1e-6 and
	(.predicted_machines - $w.plan.machines | fabs) < 1e-9 and
	(.measured_machines - 1e6 / (50 * 3600) | fabs) < 1e-9 and
	(.machines_error_pct - 100 * ($w.plan.machines - 1e6 / 180000) / (1e6 / 180000) | fabs)
	< 1e-6' "$tmp/check.json"
check "check: sequential not at the nearest level 2" jqe '.rows[] |
	select(.model == "sequential") | .nearest and .level == 1 and .level_measured == 2' \
	"$tmp/check.json"
cp "$h/meta.json" "$tmp/other/x/"
{ head -1 "$h/summary.csv"; echo "hybrid,4,0,all,2,4,3,1,1,ok,0,100,100,0,50,150,400"; } \
	>"$tmp/other/x/summary.csv"
expect 3 'no run in .* is of a model' "$bin" plan --check "$tmp/pred.json" "$tmp/other"
expect 3 'not a prediction' "$bin" plan --check "$tmp/plan.json" "$tmp/later"
echo '{' >"$tmp/bad.json"
expect 3 "$tmp/bad.json:" "$bin" plan --check "$tmp/bad.json" "$tmp/later"
expect 3 "$tmp/gone.json:" "$bin" plan --check "$tmp/gone.json" "$tmp/later"
expect 2 "No such file" "$bin" plan --check "$tmp/pred.json" "$tmp/gone"

# The checked-in results of a real bench: every scenario, every model planned.
"$bin" plan "$data" --images 10M --deadline 24h --cpu-ms 2x --json >"$tmp/small.json"
check "results-small: not 3 scenarios, 11 models, each with a rate and a prediction" jqe \
	'(.scenarios | length == 3) and ([.scenarios[].models[]] | length == 11 and
	all(.measured.images_per_s > 0 and .prediction.images_per_s > 0 and
	.prediction.kind == "prediction"))' "$tmp/small.json"

summary plan.sh
