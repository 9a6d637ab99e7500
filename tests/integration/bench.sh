#!/usr/bin/env bash
# `exifbench bench` end to end against the real S3 server named by AWS_* (run through
# harness/with-s3-local): the tiny scenario (every model, two levels, through the shaper) makes a
# result folder whose every file is checked -- meta.json complete with machine, versions, shaper
# statistics; a summary row per run whose counts add up; samples and trace rows with the header's
# column count; the report written at the end (report.md, report.json, figures). Then: the dataset is reused on a second bench; the sampler's CPU seconds agree
# with getrusage on a CPU-heavy run and on short runs at 1 and 16 in flight; Ctrl-C leaves a folder marked "partial" with the stopped
# run's row; a bench started with no AWS_ENDPOINT_URL runs itself under harness/with-s3-local;
# --client-cpus binds the runs; an ad-hoc bench (--model, --levels, no scenario file) gives the
# same folder and report; `run --results DIR` writes a one-run folder that report and compare
# read; no process is left behind. meta.json and the report state the latency asked and added
# and the endpoint's measured round trip; latency_ms = auto resolves to 50 ms on the local
# server and to 0 on another endpoint (no shaper then).
set -uo pipefail
bin=${1:?usage: tests/integration/bench.sh path/to/exifbench}
: "${AWS_ENDPOINT_URL:?run through harness/with-s3-local}"
here=$(cd "$(dirname "$0")" && pwd)
home=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
tiny=$here/tiny.conf
export EXIFBENCH_HOME=$home
bgpid=

cleanup() {
	[ -z "$bgpid" ] || kill -9 "$bgpid" 2>/dev/null
	"$bin" dataset rm "s3://exifbench-out/tiny" >/dev/null 2>&1
	"$bin" dataset rm "s3://exifbench-out/adhoc" >/dev/null 2>&1
	"$bin" dataset rm "s3://exifbench-data/tiny" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
. "$here/../lib.sh"

# bench ARGS...: a bench of the tiny scenario into $tmp, its output in $tmp/out.
bench() {
	"$bin" bench --scenario "$tiny" --results "$tmp/results" --data "$tmp/data" "$@" \
	    >"$tmp/out" 2>"$tmp/err"
}

# bench_bg LATENCY_MS ROWS: a sequential bench of the tiny scenario in the background (its pid in
# bgpid), returned once its new result folder has more than ROWS samples.
bench_bg() {
	local before d
	before=$(newest)
	"$bin" bench --scenario "$tiny" --results "$tmp/results" --data "$tmp/data" \
	    --set models=sequential --set latency_ms="$1" >"$tmp/out" 2>&1 &
	bgpid=$!
	for _ in $(seq 400); do	# the round-trip probe comes first: 42 x 600 ms at 300 ms
		d=$(newest)
		[ "$d" != "$before" ] && [ "$(wc -l <"$d/samples.csv")" -gt "$2" ] && return
		sleep 0.1
	done
}

# newest: the result folder made last.
newest() {
	ls -d "$tmp"/results/*/ | sort | tail -n 1
}

# same_columns CSV: every row has the header's number of cells (no cell holds a comma).
same_columns() {
	awk -F, 'NR == 1 { n = NF } NF != n { bad++ } END { exit bad > 0 || NR < 2 }' "$1"
}

# col CSV NAME: the values of column NAME, one per row.
col() {
	awk -F, -v name="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next }
		{ print $c }' "$1"
}

# 1. The tiny scenario end to end.
bench --json
check "bench exits 0 (output: $(tail -n 3 "$tmp/err"))" [ $? -eq 0 ]
dir=$(newest)
meta=$dir/meta.json
check "the folder is named <UTC>-tiny" grep -qE '/[0-9]{8}T[0-9]{6}Z-tiny/$' <<<"$dir"
for f in meta.json summary.csv samples.csv trace.csv logs report.md report.json \
	plots/throughput-tiny.png plots/scaling-tiny.svg plots/gantt-tiny-async.png; do
	check "the result has $f (the report is written at the end)" [ -e "$dir/$f" ]
done
check "the report covers the tiny scenario's 5 models" \
	jq -e '[.summary[] | select(.scenario == "tiny")] | length == 5' "$dir/report.json"
check "meta.json says complete" [ "$(jq -r .status "$meta")" = complete ]
check "meta.json counts 9 runs done of 9" [ "$(jq -r '"\(.runs_done)/\(.runs_planned)"' "$meta")" = 9/9 ]
check "meta.json records the machine" jqe '.machine.pus > 0 and .machine.cores > 0 and
	(.machine.caches | length) > 0 and .machine.os.release != ""' "$meta"
check "meta.json records versions and the commit" jqe '.versions.libcurl != "" and
	.versions.libevent != "" and .versions.libexif != "unknown" and .versions.git_commit != ""' "$meta"
check "meta.json records the scenario" jqe '.scenario.name == "tiny" and .scenario.latency_ms == 5' "$meta"
check "meta.json records the latency asked and added (5, 5)" jqe '.latency.asked == 5 and
	.latency.added_ms == 5 and .latency.probe.error == null' "$meta"
check "meta.json has the endpoint's round trip, direct and through the shaper" jqe '
	.latency.probe.direct.samples == 20 and .latency.probe.direct.median_ms > 0 and
	.latency.probe.through_shaper.samples == 20 and .latency.probe.through_shaper.median_ms > 0' \
	"$meta"
check "the report states the latency and the round trip" grep -q \
	'^- `tiny`: added latency 5 ms (asked: 5); endpoint round trip measured .* over 20 small GETs' \
	"$dir/report.md"
check "meta.json has the shaper's statistics" jqe '.shaper.connections > 0 and .shaper.bytes_down > 0' "$meta"
check "meta.json says the server was sampled" jqe '.server.processes > 0' "$meta"
check "meta.json explains the figures" jqe '.methodology.iowait | test("idle")' "$meta"
check "the JSON outcome names the folder" jqe --arg d "${dir%/}" '.results == $d and (.runs | length) == 9' "$tmp/out"
sum=$dir/summary.csv
check "summary.csv has a row per run (9)" [ "$(($(wc -l <"$sum") - 1))" -eq 9 ]
check "summary.csv rows have the header's columns" same_columns "$sum"
check "every run has 40 images, all ok" [ "$(col "$sum" images | sort -u)" = 40 ] &&
	[ "$(col "$sum" ok | sort -u)" = 40 ] && [ "$(col "$sum" errors | sort -u)" = 0 ]
check "every run's status is ok" [ "$(col "$sum" status | sort -u)" = ok ]
check "sequential runs once, at level 1" [ "$(grep -c '^sequential,' "$sum")" -eq 1 ] &&
	grep -q '^sequential,1,' "$sum"
# The kernel counts CPU time in 10 ms ticks: a process group that used a few ms inside a
# short run's window (the shaper at level 1; the client, 20 ms in all over 40 tiny images) may
# read 0.000 s in that run, so CPU times must be >= 0 in each run and > 0 summed over them.
check "rates, latencies and CPU shares are measured" awk -F, 'NR == 1 {
		for (i = 1; i <= NF; i++) c[$i] = i; next }
	{ model += $c["model_cpu_s"]; server += $c["server_cpu_s"]; shaper += $c["shaper_cpu_s"] }
	!($c["images_per_s"] > 0 && $c["e2e_p99_ms"] >= $c["e2e_p50_ms"] &&
	  $c["e2e_max_ms"] >= $c["e2e_p99_ms"] && $c["ttfb_p50_ms"] >= 10 && $c["model_cpu_s"] >= 0 &&
	  $c["server_cpu_s"] >= 0 && $c["shaper_cpu_s"] >= 0 && $c["samples"] >= 2 &&
	  $c["model_on_pct"] + $c["model_runq_pct"] + $c["model_off_pct"] > 99.5 &&
	  $c["model_on_pct"] + $c["model_runq_pct"] + $c["model_off_pct"] < 100.5) {
		print "bad row: " $0 > "/dev/stderr"; bad++ }
	END { exit bad > 0 || model <= 0 || server <= 0 || shaper <= 0 }' "$sum"
check "a 5 ms one-way latency costs each image at least 2 round trips (e2e p50 >= 20 ms)" \
	[ -z "$(col "$sum" e2e_p50_ms | awk '$1 < 20')" ]
check "samples.csv rows have the header's columns" same_columns "$dir/samples.csv"
check "samples.csv covers every run" [ "$(cut -d, -f1-4 "$dir/samples.csv" | sort -u | wc -l)" -eq 10 ]
check "trace.csv has a row per image (360)" [ "$(($(wc -l <"$dir/trace.csv") - 1))" -eq 360 ]
check "trace.csv starts with the run's labels" head -n 1 "$dir/trace.csv" |
	grep -q '^model,level,client_cpus,rep,key,outcome'
check "no per-run trace is left in logs/" [ -z "$(ls "$dir"/logs/*.trace.csv 2>/dev/null)" ]
check "the destination prefixes are cleaned" [ -z "$("$bin" dataset ls s3://exifbench-out/tiny 2>/dev/null)" ]

# 1b. latency_ms = auto: 50 ms on the local server, with the round trip probed both ways; and
# nothing on an endpoint that is not the local server's (the same server named as localhost,
# which harness/s3-local does not report: a stand-in for a remote one).
bench --set models=sequential --set concurrency=1 --set images=4 --set latency_ms=auto \
    --no-report
check "a bench with latency_ms = auto exits 0 ($(tail -n 1 "$tmp/err"))" [ $? -eq 0 ]
meta=$(newest)/meta.json
check "auto resolves to 50 ms on the local server" jqe '.latency.asked == "auto" and
	.latency.added_ms == 50 and .scenario.latency_ms == 50 and .server.local == true and
	.shaper.connections > 0' "$meta"
check "auto: the probe has samples and a positive median, direct and through the shaper" jqe '
	.latency.probe.direct.samples > 0 and .latency.probe.direct.median_ms > 0 and
	.latency.probe.through_shaper.samples > 0 and .latency.probe.through_shaper.median_ms > 0' \
	"$meta"
check "auto: the bench says what it added and measured" grep -q \
	'added latency 50 ms one-way (asked: auto); endpoint round trip .* through the shaper' \
	"$tmp/err"
check "the probe's object is cleaned" [ -z "$("$bin" dataset ls s3://exifbench-out/tiny 2>/dev/null)" ]
if [ "${AWS_ENDPOINT_URL#http://127.0.0.1:}" != "$AWS_ENDPOINT_URL" ]; then
	# Its own results root: it ends within a second, and the next bench's folder, named
	# by the UTC second, would collide with its own.
	AWS_ENDPOINT_URL=http://localhost:${AWS_ENDPOINT_URL#http://127.0.0.1:} "$bin" bench \
	    --scenario "$tiny" --results "$tmp/elsewhere" --data "$tmp/data" --no-report \
	    --set models=sequential --set concurrency=1 --set images=4 --set latency_ms=auto \
	    >"$tmp/out" 2>"$tmp/err"
	check "auto elsewhere: the bench exits 0 ($(tail -n 1 "$tmp/err"))" [ $? -eq 0 ]
	meta=$(ls -d "$tmp"/elsewhere/*/)meta.json
	check "auto elsewhere resolves to 0: no shaper, no probe through it" jqe '
		.latency.asked == "auto" and .latency.added_ms == 0 and .scenario.latency_ms == 0 and
		.server.local == false and .shaper == null and .latency.probe.through_shaper == null' \
		"$meta"
	check "auto elsewhere: the endpoint's round trip is measured" jqe '
		.latency.probe.direct.samples > 0 and .latency.probe.direct.median_ms > 0' "$meta"
fi

# 2. The dataset is loaded once, then reused; --set and --client-cpus; the sampler agrees with
# getrusage on a run that burns CPU (20 ms per image on 2 threads, about 0.8 s).
bench --set models=pthreads --set concurrency=2 --set cpu_spin_ms=20 --client-cpus 0
check "a second bench exits 0" [ $? -eq 0 ]
check "the dataset is reused" grep -q "reusing" "$tmp/err"
dir=$(newest)
check "--client-cpus 0 gives the run one PU" [ "$(col "$dir/summary.csv" client_pus)" = 1 ]
check "the run was bound to PU 0 (its CPU stays under one core)" awk -F, 'NR == 1 {
		for (i = 1; i <= NF; i++) c[$i] = i; next } { exit !($c["model_cpu_pct"] < 105) }' \
	"$dir/summary.csv"
check "sampler CPU seconds agree with getrusage within 5%" awk -F, 'NR == 1 {
		for (i = 1; i <= NF; i++) c[$i] = i; next }
	{ s = $c["model_cpu_s"]; r = $c["rusage_cpu_s"]; printf "sampler %.3f s, rusage %.3f s\n", s, r
	  exit !(r > 0.5 && (s - r) / r < 0.05 && (r - s) / r < 0.05) }' "$dir/summary.csv"

# 2a. Short runs at 1 and 16 in flight (about 0.05 s of CPU each): the sampler's model_cpu_s
# before settling (model_cpu_s - model_cpu_late_s: what the ticks read) within 10% of
# getrusage for the models of one process, and model_cpu_s after it within 0.1% for all. Read
# in whole clock ticks, this sampler was 6-47% below rusage on these runs.
bench --set "models=pthreads async forkpool" --set "concurrency=1 16"
check "a bench at 1 and 16 in flight exits 0" [ $? -eq 0 ]
dir=$(newest)
check "short runs: the sampler's CPU seconds agree with getrusage" awk -F, 'NR == 1 {
		for (i = 1; i <= NF; i++) c[$i] = i; next }
	{ s = $c["model_cpu_s"]; l = $c["model_cpu_late_s"]; r = $c["rusage_cpu_s"]; n++
	  printf "%s at %s: ticks %.6f s, settled %.6f s, rusage %.6f s\n", $c["model"],
	      $c["level"], s - l, s, r
	  if (r <= 0 || (s - r) / r > 0.001 || (r - s) / r > 0.001) bad = 1
	  if ($c["model"] != "forkpool" && ((s - l - r) / r > 0.1 || (r - s + l) / r > 0.1)) bad = 1 }
	END { exit bad || n != 6 }' "$dir/summary.csv"

# 2b. An ad-hoc bench: no scenario file, the flags make the scenario "adhoc" (two models, two
# levels, 12 images of the tiny dataset, reused), with the same result folder and report.
"$bin" bench --model sequential,async --levels 1,4 --images 12 --set dataset=tiny \
    --results "$tmp/adhoc" --data "$tmp/data" >"$tmp/out" 2>"$tmp/err"
check "an ad-hoc bench exits 0 ($(tail -n 2 "$tmp/err"))" [ $? -eq 0 ]
dir=$(ls -d "$tmp"/adhoc/*/ | tail -n 1)
check "its folder is named <UTC>-adhoc" grep -qE '/[0-9]{8}T[0-9]{6}Z-adhoc/$' <<<"$dir"
check "its meta.json has the flags' scenario, from no file" jqe '.scenario.name == "adhoc" and
	.scenario.models == ["sequential", "async"] and .scenario.concurrency == [1, 4] and
	.scenario.images == 12 and .scenario_file == null and .status == "complete"' "$dir/meta.json"
check "it ran sequential at 1 and async at 1 and 4, 12 images each, all ok" [ "$(paste -d: \
	<(col "$dir/summary.csv" model) <(col "$dir/summary.csv" level) \
	<(col "$dir/summary.csv" ok) <(col "$dir/summary.csv" errors) | tr '\n' ' ')" = \
	"sequential:1:12:0 async:1:12:0 async:4:12:0 " ]
check "its report.md names both models" grep -q '^| adhoc | sequential | 1 |' "$dir/report.md" &&
	grep -q '^| adhoc | async | ' "$dir/report.md"

# 2c. `run --results DIR`: a one-run result folder (no sampler) that report and compare read.
for r in r1 r2; do
	"$bin" run --model async --concurrency 4 --src s3://exifbench-data/tiny --limit 12 \
	    --dst "s3://exifbench-out/tiny/$r" --results "$tmp/$r" >"$tmp/out" 2>"$tmp/err"
	check "run --results $r exits 0 ($(tail -n 1 "$tmp/err"))" [ $? -eq 0 ]
done
check "its meta.json says a single run: command line, model, concurrency, source, destination" \
	jqe '.command == "run" and .status == "complete" and .runs_done == 1 and
	.run.model == "async" and .run.concurrency == 4 and .run.source == "s3://exifbench-data/tiny"
	and .run.destination == "s3://exifbench-out/tiny/r1" and
	(.run.command_line | startswith("exifbench run --model async --concurrency 4")) and
	.scenario.name == "run" and .scenario.models == ["async"] and (.not_recorded | length) > 0' \
	"$tmp/r1/meta.json"
check "no credential in its meta.json" bash -c "! grep -qF -- '${AWS_SECRET_ACCESS_KEY:-none}' \
	'$tmp/r1/meta.json'"
check "its summary row: async at 4, 12 images, 12 ok, 0 errors, ok, CPU shares blank" \
	[ "$(paste -d: <(col "$tmp/r1/summary.csv" model) <(col "$tmp/r1/summary.csv" level) \
	<(col "$tmp/r1/summary.csv" images) <(col "$tmp/r1/summary.csv" ok) \
	<(col "$tmp/r1/summary.csv" errors) <(col "$tmp/r1/summary.csv" status) \
	<(col "$tmp/r1/summary.csv" model_on_pct))" = "async:4:12:12:0:ok:" ]
check "summary.csv has the header's columns" same_columns "$tmp/r1/summary.csv"
check "its trace.csv has the run's labels and 12 rows" [ "$(grep -c '^async,4,all,1,' \
	"$tmp/r1/trace.csv")" -eq 12 ] && head -n 1 "$tmp/r1/trace.csv" | grep -q '^model,level,'
check "its samples.csv is a header only, and no trace is left in logs/" \
	[ "$(wc -l <"$tmp/r1/samples.csv")" -eq 1 ] && [ -z "$(ls "$tmp/r1/logs")" ]
expect 0 'report: written to' "$bin" report "$tmp/r1"
check "its report names the model and the count" grep -q '^| run | async | 4 | ' "$tmp/r1/report.md" &&
	grep -q '`run`: `s3://exifbench-data/tiny`, 12 images' "$tmp/r1/report.md"
check "its report says what is not recorded" grep -q '^\*\*Not recorded\*\* in `run`' "$tmp/r1/report.md"
check "its meta.json: no latency added, the endpoint's round trip measured ($(jq -c .latency \
	"$tmp/r1/meta.json"))" jqe '.latency.added_ms == 0 and .latency.probe.direct.samples > 0 and
	.latency.probe.direct.median_ms > 0 and .latency.probe.error == null' "$tmp/r1/meta.json"
check "its report states the latency added and the round trip" \
	grep -q 'added latency 0 ms.*endpoint round trip measured' "$tmp/r1/report.md"
"$bin" run --model sequential --src s3://exifbench-data/tiny --limit 2 --dst "$tmp/r4-out" \
    --results "$tmp/r4" >/dev/null 2>"$tmp/err"
check "run --results into a local --dst: exit $? ($(tail -n 1 "$tmp/err")), no probe and why" \
	jqe '.run.destination == $d and .latency.probe.direct == null and
	(.latency.probe.error | test("local folder"))' --arg d "$tmp/r4-out" "$tmp/r4/meta.json"
expect 0 '^async +4 +all +[0-9.]+ +[0-9.]+ .* 0/0 ' "$bin" compare "$tmp/r1" "$tmp/r2"
expect 0 'not recorded in B \(a single `exifbench run`' "$bin" compare "$tmp/r1" "$tmp/r2"
expect 0 '^1$' bash -c "'$bin' compare --json '$tmp/r1' '$tmp/r2' | jq '.matched'"
expect 2 "--results '$tmp/r1' is not empty" "$bin" run --model async --src s3://exifbench-data/tiny \
	--dst s3://exifbench-out/tiny/r3 --results "$tmp/r1"

# 3. Ctrl-C: the run in progress stops, its row is kept, the folder says partial.
bench_bg 40 5
kill -INT "$bgpid"
wait "$bgpid"
rc=$?
bgpid=
dir=$(newest)
check "Ctrl-C exits 130 (got $rc)" [ "$rc" -eq 130 ]
check "the folder says partial" [ "$(jq -r .status "$dir/meta.json")" = partial ]
check "the stopped run has its row" [ "$(col "$dir/summary.csv" status)" = stopped ]
check "the stopped run's images add up" awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	{ exit !($c["images"] > 0 && $c["images"] < 40 && $c["ok"] + $c["errors"] == $c["images"]) }' \
	"$dir/summary.csv"
check "its trace rows match its count" [ "$(($(wc -l <"$dir/trace.csv") - 1))" -eq \
	"$(col "$dir/summary.csv" images)" ]

# A second Ctrl-C stops the harness at once; its run and its shaper go with it (the kernel
# sends them SIGTERM when it dies), and the folder is left saying "running", not complete.
# At 300 ms one-way an image takes 1.2 s, so the first Ctrl-C leaves one in flight; 40 samples
# (2 s) in, the run is past its set-up.
bench_bg 300 40
kill -INT "$bgpid"
sleep 0.2
kill -INT "$bgpid"
wait "$bgpid"
rc=$?
bgpid=
check "a second Ctrl-C ends the bench at once (got $rc)" [ "$rc" -eq 130 ]
check "its folder does not claim to be complete" [ "$(jq -r .status "$(newest)/meta.json")" = running ]
for _ in $(seq 30); do
	[ -z "$(mine "$bin (run|shape)")" ] && break
	sleep 0.2
done
check "the run and the shaper died with the harness" [ -z "$(mine "$bin (run|shape)")" ]

# 4. No AWS_ENDPOINT_URL: bench runs itself under harness/with-s3-local (here it finds the
# server already running and reuses it, so the test does not start a second one).
env -u AWS_ENDPOINT_URL "$bin" bench --scenario "$tiny" --results "$tmp/results" \
    --data "$tmp/data" --set models=async --set concurrency=4 >"$tmp/out" 2>&1
check "bench without AWS_ENDPOINT_URL uses the local server ($(tail -n 1 "$tmp/out"))" [ $? -eq 0 ]

# 5. Errors: a bad scenario names file, line and key; a bad PU list names it.
printf 'name = x\nlatency_ms = -1\n' >"$tmp/bad.conf"
expect 2 "bad.conf:2: key 'latency_ms'" "$bin" bench --scenario "$tmp/bad.conf"
expect 2 "PU list '7'" "$bin" bench --scenario "$tiny" --client-cpus 7 --results "$tmp/results"
expect 2 "--set" "$bin" bench --scenario "$tiny" --set nonsense
check "no exifbench process is left" [ -z "$(mine "$bin (run|shape)")" ]

summary "bench integration"
