#!/usr/bin/env bash
# The CPU profile (bench --cpu-profile: perf on each run) on a CPU-heavy workload, with real
# `exifbench bench` runs against the S3 server named by AWS_* (run through
# harness/with-s3-local): pthreads, forkpool (whose workers are processes forked after perf
# attached: --inherit must follow them) and async at 2 in flight with a 10 ms spin per image.
# Each run's profile must be recorded, with exifbench`transform_spin its top self entry and
# exifbench its top library; its flame graph SVG must parse as XML and name the spin; perf's
# record is deleted and no perf is left running. Then the same bench with EXIFBENCH_PERF
# naming no program: the runs go on, exit 0, and the profile says in one line why there is
# none. The report over each folder: its CPU profile section, the flame graphs inline in
# report.html; one line when there is no profile. Skipped, with a message, where perf cannot
# record (one `perf record` is tried first).
set -uo pipefail
bin=${1:?usage: tests/integration/profile.sh path/to/exifbench}
: "${AWS_ENDPOINT_URL:?run through harness/with-s3-local}"
here=$(cd "$(dirname "$0")" && pwd)
export EXIFBENCH_HOME=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
. "$here/../lib.sh"

if ! perf record -q -e cpu-clock -g -o "$tmp/probe.data" -- true >"$tmp/probe.log" 2>&1; then
	echo "profile integration: skipped: perf cannot record here: $(grep -m1 . "$tmp/probe.log")"
	exit 0
fi

cat >"$tmp/prof.conf" <<'CONF'
name = prof
dataset = tiny
images = 40
cpu_spin_ms = 10
models = pthreads forkpool async
concurrency = 2
latency_ms = 0
cpu_profile = on
CONF
"$bin" bench --scenario "$tmp/prof.conf" --results "$tmp/results" --data "$tmp/data" \
    --no-report >"$tmp/prof.out" 2>&1
check "bench with cpu_profile = on exits 0 (see $tmp/prof.out)" [ $? -eq 0 ]
dir=$(ls -d "$tmp"/results/*-prof 2>/dev/null | head -n 1)
csv="$dir/profile.csv"
check "profile.csv written" [ -s "$csv" ]

# top FILE: "note samples topself toplib" of one run's rows of profile.csv.
top() {
	python3 - "$csv" "$1" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["file"] == sys.argv[2]]
run = [r for r in rows if r["kind"] == "run"]
fn = [r for r in rows if r["kind"] == "function"]
lib = [r for r in rows if r["kind"] == "library"]
best = lambda rs: max(rs, key=lambda r: int(r["self_samples"]))["name"] if rs else "-"
print(run[0]["note"] if run else "-", run[0]["total_samples"] if run else 0, best(fn),
      best(lib))
PY
}
for m in pthreads forkpool async; do
	f=$m-c2-cpusall-r1
	t=$(top "$f")
	echo "profile: $m: $t"
	set -- $t
	check "$m: recorded" [ "$1" = recorded ]
	check "$m: samples taken" [ "${2:-0}" -gt 0 ]
	check "$m: the spin is the top self entry" [ "${3:-}" = 'exifbench`transform_spin' ]
	check "$m: exifbench is the top library by self samples" [ "${4:-}" = exifbench ]
	check "$m: folded stacks written" [ -s "$dir/profiles/$f.folded" ]
	check "$m: the flame graph parses as XML and names the spin" python3 -c '
import sys, xml.etree.ElementTree as ET
t = ET.parse(sys.argv[1]).getroot()
ns = "{http://www.w3.org/2000/svg}"
sys.exit(0 if any("transform_spin" in (e.text or "") for e in t.iter(ns + "title")) else 1)
' "$dir/profiles/$f.svg"
	check "$m: perf's record deleted" [ ! -e "$dir/profiles/$f.perf.data" ]
done
check "no perf left running" [ -z "$(mine 'perf record')" ]

# The report's section: each model's part with its flame graph, inline in report.html.
"$bin" report --no-plots "$dir" >"$tmp/report.out" 2>&1
check "report exits 0 (see $tmp/report.out)" [ $? -eq 0 ]
md="$dir/report.md"
check "report: a CPU profile section" grep -q '^## CPU profile' "$md"
for m in pthreads forkpool async; do
	check "report: $m's part and its flame graph" grep -q \
	    "^!\[flame graph: $m c=2\](profiles/$m-c2-cpusall-r1.svg)" "$md"
done
check "report: the spin named as exifbench's top function" \
    grep -q '^| exifbench | .* | `` exifbench`transform_spin `` ' "$md"
check "report.html: the flame graphs inline" \
    [ "$(grep -c 'aria-label="flame graph: ' "$dir/report.html")" -eq 3 ]

# perf missing: the run goes on, one line says why.
EXIFBENCH_PERF=/nonexistent/perf "$bin" bench --scenario "$tmp/prof.conf" --set models=async \
    --set name=noperf --results "$tmp/results" --data "$tmp/data" --no-report \
    >"$tmp/noperf.out" 2>&1
check "bench without perf exits 0 (see $tmp/noperf.out)" [ $? -eq 0 ]
dir=$(ls -d "$tmp"/results/*-noperf 2>/dev/null | head -n 1)
csv="$dir/profile.csv"
note=$(top async-c2-cpusall-r1 | sed 's/ [0-9]* - -$//')
echo "profile: without perf: $note"
check "without perf: the note says perf was not found" [ "${note#perf not found}" != "$note" ]
check "without perf: one line on stderr says so" \
    [ "$(grep -c 'CPU profile: perf not found' "$tmp/noperf.out")" -eq 1 ]
check "without perf: the run's row is there, ok" [ "$(cols "$dir/summary.csv" status)" = ok ]
"$bin" report --no-plots "$dir" >"$tmp/report2.out" 2>&1
check "without perf: the report's section is one line saying why" \
    [ "$(grep -c '^No profile: perf not found' "$dir/report.md")" -eq 1 ]
"$bin" dataset rm "s3://exifbench-out/prof" >/dev/null 2>&1
"$bin" dataset rm "s3://exifbench-out/noperf" >/dev/null 2>&1
summary "profile integration"
