#!/usr/bin/env bash
# The wait profile on workloads whose waits are known, with real `exifbench bench` runs against
# the S3 server named by AWS_* (run through harness/with-s3-local): pthreads at 4 in flight
# with a 5 ms CPU stage under global_lock must show the lock class (futex) dominant; pthreads
# and async at 8 in flight through the shaper at 20 ms with no CPU stage, the network class
# (async in epoll_wait: its records and lister threads, parked in futex, are the toolkit's
# helpers, kept apart); pthreads at 4 with a stage that sleeps 100 ms per image
# (tests/stages/teststage.so:sleep), the sleep class. Checked on the summary row's
# model_wait_* columns (classes, never timings): the shares sum to 100 and the samples are
# there; and waits.csv holds the raw rows that add up to the summary's samples. Then the
# report on the four folders: its "Where the threads waited" section names each dominant wait,
# the verdicts carry the sentences, each scenario has its figure, report.json the shares.
set -uo pipefail
bin=${1:?usage: tests/integration/waits.sh path/to/exifbench}
ts=$(cd "$(dirname "$bin")" && pwd)/tests/stages/teststage.so
[ -f "$ts" ] || { echo "waits.sh: $ts is missing (make builds it)" >&2; exit 2; }
: "${AWS_ENDPOINT_URL:?run through harness/with-s3-local}"
here=$(cd "$(dirname "$0")" && pwd)
export EXIFBENCH_HOME=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
. "$here/../lib.sh"

# scenario NAME KEY=VALUE...: a one-model scenario file $tmp/NAME.conf over the tiny dataset.
scenario() {
	local name=$1
	shift
	{ echo "name = $name"; echo "dataset = tiny"; echo "images = 60"; echo "sample_hz = 10"
	  for kv in "$@"; do echo "${kv%%=*} = ${kv#*=}"; done; } >"$tmp/$name.conf"
}

# waits NAME: "class share top" of the scenario's one summary row: its dominant class, that
# class's share, the top system call; or nothing.
waits() {
	local sum
	sum=$(ls "$tmp"/results/*-"$1"/summary.csv 2>/dev/null | head -n 1)
	[ -n "$sum" ] && python3 - "$sum" <<'PY'
import csv, sys
row = next(csv.DictReader(open(sys.argv[1])))
cls = ["network", "lock", "pipe", "sleep", "disk", "other"]
share = {c: float(row["model_wait_%s_pct" % c] or 0) for c in cls}
top = max(cls, key=lambda c: share[c])
total = sum(share.values())
ok = int(row["model_wait_samples"] or 0) > 0 and abs(total - 100) < 0.1
print(top, share[top], row["model_wait_top"], "sum-ok" if ok else "sum-bad")
PY
}

# rows NAME: "model-samples helper-samples" summed from the scenario's waits.csv.
rows() {
	local f
	f=$(ls "$tmp"/results/*-"$1"/waits.csv 2>/dev/null | head -n 1)
	[ -n "$f" ] && awk -F, 'NR > 1 && $7 == "model" { m += $12 } NR > 1 && $7 == "helper" \
	    { h += $12 } END { print m + 0, h + 0 }' "$f"
}

# samples NAME COLUMN: a number of the scenario's one summary row.
samples() {
	python3 -c 'import csv, sys; print(next(csv.DictReader(open(sys.argv[1])))[sys.argv[2]])' \
	    "$(ls "$tmp"/results/*-"$1"/summary.csv | head -n 1)" "$2"
}

scenario waits-lock models=pthreads concurrency=4 cpu_spin_ms=5 global_lock=yes latency_ms=0
scenario waits-net models=pthreads concurrency=8 latency_ms=20
scenario waits-async models=async concurrency=8 latency_ms=20
scenario waits-sleep models=pthreads concurrency=4 latency_ms=0 "stage=$ts:sleep"
for s in waits-lock waits-net waits-async waits-sleep; do
	"$bin" bench --scenario "$tmp/$s.conf" --results "$tmp/results" --data "$tmp/data" \
	    --no-report >"$tmp/$s.out" 2>&1
	check "bench $s exits 0 (see $tmp/$s.out)" [ $? -eq 0 ]
done
lock=$(waits waits-lock) net=$(waits waits-net) as=$(waits waits-async) sl=$(waits waits-sleep)
echo "waits: global lock: $lock; network: $net; async: $as; sleeping stage: $sl"
check "global lock: the lock class dominates, in futex" [ "${lock%% *}" = lock -a \
    "$(echo "$lock" | cut -d' ' -f3)" = futex ]
check "network: the network class dominates" [ "${net%% *}" = network ]
# Under TSan its runtime's own thread sleeps in nanosleep in every process: beside async's one
# loop thread it is half the samples, so the call seen most is not checked there.
tsan=
ldd "$bin" 2>/dev/null | grep -q libtsan && tsan=1
if [ -n "$tsan" ]; then
	echo "waits: TSan build: async's call seen most not checked (TSan's thread sleeps)"
	check "async: the network class dominates" [ "${as%% *}" = network ]
else
	check "async: the network class dominates, in epoll_wait" [ "${as%% *}" = network -a \
	    "$(echo "$as" | cut -d' ' -f3)" = epoll_wait ]
fi
check "sleeping stage: the sleep class dominates" [ "${sl%% *}" = sleep ]
for s in waits-lock waits-net waits-async waits-sleep; do
	r=$(waits $s)
	check "$s: the shares sum to 100 over samples taken" [ "${r##* }" = sum-ok ]
	got=$(rows $s) want="$(samples $s model_wait_samples) $(samples $s model_wait_helper_samples)"
	check "$s: waits.csv's rows add up to the summary's samples ($got; summary $want)" \
	    [ "$got" = "$want" ]
done
h=$(samples waits-async model_wait_helper_samples)
check "async: its helper threads' samples are kept apart ($h)" [ "${h:-0}" -gt 0 ]
# The report on the four: its section, the sentence naming each dominant wait, the figure.
"$bin" report "$tmp/results" >"$tmp/report.out" 2>&1
check "report exits 0 (see $tmp/report.out)" [ $? -eq 0 ]
md=$tmp/results/report.md
check "the report has the wait section" grep -q '^## Where the threads waited' "$md"
if [ -n "$tsan" ]; then
	check "the report names async's wait: the network" \
	    grep -q '^- async at 8 in flight: .*waiting on the network' "$md"
else
	check "the report names async's wait: epoll_wait, the network" \
	    grep -q '^- async at 8 in flight: [0-9.]*% of its threads.* blocked time in epoll_wait: waiting on the network' "$md"
fi
check "the report names the global lock's wait: futex" \
    grep -q '^- pthreads at 4 in flight: [0-9.]*% of its threads.* blocked time in futex: waiting on a lock' "$md"
check "the report names the sleeping stage's wait" grep -q '^- pthreads at 4 in flight: .*sleeping' "$md"
check "the verdicts name the waits" grep -q '^  Where the threads waited (best run of each model): ' "$md"
for s in waits-lock waits-net waits-async waits-sleep; do
	check "the report drew plots/waits-$s.png" [ -s "$tmp/results/plots/waits-$s.png" ]
done
check "report.json has the waits" python3 -c 'import json, sys
w = json.load(open(sys.argv[1]))["waits"]
assert len(w) == 4 and all(sum(x["classes_pct"].values()) > 99.9 for x in w), w' \
    "$tmp/results/report.json"
for s in waits-lock waits-net waits-async waits-sleep; do
	"$bin" dataset rm "s3://exifbench-out/$s" >/dev/null 2>&1
done
summary "waits integration"
