#!/usr/bin/env bash
# Multi-client runs under Open MPI's mpirun, on this machine's loopback, against the real S3
# server of AWS_* (run it through harness/with-s3-local): the corpus's 124 JPEGs in a bucket of
# its own. Without MPI, `run --shard I/3` three times takes every key exactly once. Then
# `mpirun -np 3 --oversubscribe exifbench run --results DIR`: one merged folder whose counts
# equal the listing, every key once in its trace, a hosts.csv row per client, the barrier held
# (every client started after every rank entered it; the spread of the starts printed), and
# `report` reads it; 32 ranks over the
# tiny dataset (counts add up past a handful of clients; the barrier's and the gather's cost
# printed); a client killed by kill -9 mid-run leaves a partial folder with its keys failed,
# the reason given, the counts still equal to the listing; Ctrl-C on mpirun stops every rank
# and leaves no process behind; `bench` under mpirun sweeps the clients key (clients = 1 2:
# each run's trace holds every key once, the report has throughput against clients), and
# refuses a client count above the ranks, or without mpirun; the refusals (no --results,
# --shard). Usage: mpi.sh BIN
set -uo pipefail
bin=${1:?usage: tests/integration/mpi.sh path/to/exifbench}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
: "${AWS_ENDPOINT_URL:?run through harness/with-s3-local}"
. "$(dirname "$0")/../lib.sh"
find_corpus
if ! command -v mpirun >/dev/null || [ ! -x "$(dirname "$bin")/exifbench-mpi" ]; then
	echo "mpi: skip: no mpirun or no $(dirname "$bin")/exifbench-mpi (make deps && make)"
	exit 0
fi
[ "$(id -u)" -ne 0 ] || export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
tmp=$(mktemp -d)
bucket=exifbench-itmpi-$$
mpi=(mpirun --oversubscribe --mca btl self,tcp,vader)
# The processes of its runs, by the program they run: under make check the mark is the whole
# check's, so a bare "exifbench" would also match the shell running the test scripts.
procs='^[^ ]*(exifbench(-mpi)?|mpirun|prterun|prted)( |$)'

cleanup() {
	local p
	for p in $(mine "$procs"); do kill -9 "$p" 2>/dev/null; done
	"$bin" dataset rm --bucket "s3://$bucket-in" >/dev/null 2>&1
	"$bin" dataset rm --bucket "s3://$bucket-out" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

expect 0 'loaded' "$bin" dataset load "$corpus/jpeg" "s3://$bucket-in/jpeg"
"$bin" dataset gen --profile tiny --out "$tmp/tiny" >/dev/null 2>&1
expect 0 'loaded' "$bin" dataset load "$tmp/tiny" "s3://$bucket-in/tiny"
"$bin" dataset ls "s3://$bucket-in/jpeg" | cut -f1 | sed 's#^#jpeg/#' | LC_ALL=C sort \
    >"$tmp/listing"
total=$(wc -l <"$tmp/listing")
check "the corpus listing has 124 keys, not $total" test "$total" -eq 124

# --shard without MPI: three shares, every key once.
for i in 0 1 2; do
	run_counted "shard$i" 1 "$bin" run --model async --src "s3://$bucket-in/jpeg" \
	    --dst "s3://$bucket-out/shard" --shard "$i/3"
	awk -F'"' 'NR > 1 { print $2 }' "$tmp/shard$i.csv"
done | LC_ALL=C sort >"$tmp/shards"
check "three --shard runs take every key once" cmp -s "$tmp/listing" "$tmp/shards"
expect 2 "INDEX 3 is not below COUNT 3" "$bin" run --model async --src "s3://$bucket-in/jpeg" \
    --dst "s3://$bucket-out/x" --shard 3/3
expect 2 "JOB_COMPLETION_INDEX is not set" env -u JOB_COMPLETION_INDEX "$bin" run --model \
    async --src "s3://$bucket-in/jpeg" --dst "s3://$bucket-out/x" --shard k8s/4

# mpirun -np 3: one merged folder.
# (7 of the corpus's JPEGs are corrupt: they fail, and the run exits 1.)
expect 1 '3 clients: 124 images: 117 ok, 7 failed' "${mpi[@]}" -np 3 "$bin" run --model pthreads \
    --src "s3://$bucket-in/jpeg" --dst "s3://$bucket-out/np3" --results "$tmp/np3" --quiet
d=$tmp/np3
check "np3: merged meta complete with 3 ranks" jqe '.status == "complete" and
    .clients.ranks == 3' "$d/meta.json"
awk -F'"' 'NR > 1 { print $2 }' "$d/trace.csv" | LC_ALL=C sort >"$tmp/np3.keys"
check "np3: every key exactly once in the merged trace" cmp -s "$tmp/listing" "$tmp/np3.keys"
check "np3: summary counts 124 images, 117 ok, 7 errors, 3 clients" test "$(cols \
    "$d/summary.csv" images ok errors clients)" = "124 117 7 3"
check "np3: hosts.csv has 3 rows that sum to 124" test "$(awk -F, 'NR > 1 { n++; s += $5 }
    END { print n, s }' "$d/hosts.csv")" = "3 124"
check "np3: ranks/ holds 3 client folders" test "$(ls "$d/ranks" | wc -l)" -eq 3
held=yes
spread=$(barrier_held "$d/hosts.csv") || held=no
check "np3: a client started before every rank had entered the barrier: $(cat "$d/hosts.csv")" \
    test "$held" = yes
echo "mpi: 3 ranks: start spread $spread ms, $(jq -r '.clients | "barrier \(.barrier_max_ms) ms, gather \(.gather_s) s, clock \(.clock_s) s"' "$d/meta.json")"
expect 0 '' "$bin" report "$d"
check "np3: the report has a clients table" grep -q '^| rank' "$d/report.md"

# 32 ranks over the tiny dataset.
n_tiny=$("$bin" dataset ls "s3://$bucket-in/tiny" | wc -l)
expect 0 "32 clients: $n_tiny images: $n_tiny ok" "${mpi[@]}" -np 32 "$bin" run --model \
    sequential --src "s3://$bucket-in/tiny" --dst "s3://$bucket-out/np32" --results \
    "$tmp/np32" --quiet
check "np32: hosts.csv has 32 rows" test "$(($(wc -l <"$tmp/np32/hosts.csv") - 1))" -eq 32
echo "mpi: 32 ranks: $(jq -r '.clients | "barrier \(.barrier_max_ms) ms, gather \(.gather_s) s, clock \(.clock_s) s"' "$tmp/np32/meta.json")"

# A client killed mid-run: 40 ms of CPU per image at 1 in flight, rank 2's client killed.
"${mpi[@]}" -np 3 "$bin" run --model sequential --cpu-spin-ms 40 --src "s3://$bucket-in/jpeg" \
    --dst "s3://$bucket-out/kill" --results "$tmp/kill" --quiet >"$tmp/kill.out" 2>&1 &
mp=$!
kill_share_midrun "$tmp/kill" 2/3
wait "$mp"
d=$tmp/kill
check_partial_keys kill "$d" "$tmp/listing"
check "kill: rank 2's missing keys failed with the reason" grep -q \
    'killed by signal 9 before this key was recorded (rank 2' "$d/trace.csv"
check "kill: hosts.csv: rank 2 killed (signal 9), keys recovered" awk -F, \
    'NR > 1 && $1 == 2 { found = $4 == 9 && $8 > 0 } END { exit !found }' "$d/hosts.csv"

# Ctrl-C: mpirun passes SIGTERM to every rank; the clients stop; nothing is left.
env --default-signal=INT "${mpi[@]}" -np 3 "$bin" run --model sequential \
    --cpu-spin-ms 40 --src "s3://$bucket-in/jpeg" --dst "s3://$bucket-out/int" --results \
    "$tmp/int" --quiet >"$tmp/int.out" 2>&1 &
mp=$!
wait_clients 3
kill -INT "$mp"
wait "$mp"
sleep 0.5
check "int: no exifbench process left after Ctrl-C: $(mine "$procs" | tr '\n' ' ')" \
    test -z "$(mine "$procs")"
# Rank 0 merges when it finishes within the second mpirun gives (odls_base_sigkill_timeout):
# usually, but not on a busy machine, where its meta.json then still says running.
st=$(jq -r .status "$tmp/int/meta.json" 2>/dev/null)
check "int: the merged folder says '$st', not partial (or running: rank 0 was killed first)" \
    test "$st" = partial -o "$st" = running
if [ "$st" = partial ]; then
	read -r images ok errors <<<"$(cols "$tmp/int/summary.csv" images ok errors)"
	check "int: its counts add up (ok $ok + errors $errors == images $images < 124)" \
	    test $((ok + errors)) -eq "$images" -a "$images" -lt 124
fi

# bench under mpirun: the clients key as a sweep, beside the concurrency one.
expect 1 'bench: complete results' "${mpi[@]}" -np 2 "$bin" bench --model sequential,async \
    --levels 4 --set 'clients=1 2' --source "s3://$bucket-in/jpeg" --set \
    "out_bucket=$bucket-out" --results "$tmp/bench" --no-report --quiet
b=$(ls -d "$tmp"/bench/*/ 2>/dev/null | head -n 1)
check "bench: 4 runs, clients 1 and 2 for each model: $(cut -d, -f1,2,9 "$b/summary.csv" | tr '\n' ' ')" \
    test "$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) at[$i] = i; next }
    { printf "%s:%s ", $1, $(at["clients"]) }' "$b/summary.csv")" = \
    "sequential:1 sequential:2 async:1 async:2 "
check "bench: each run's trace has the 124 keys once" test "$(awk -F, 'NR > 1 {
    print $1, $5 }' "$b/trace.csv" | sort | uniq -c | awk '{ print $1 }' | sort -u)" = 124
expect 0 'written to' "$bin" report "$b"
check "bench: the report's clients table has both models" test "$(grep -cE \
    '^\| (sequential|async) \| [0-9]+ \| [0-9.]+ \| [0-9.]+ \([0-9.]+x\) \| .* \|$' \
    "$b/report.md")" -eq 2
check "bench: the report drew throughput against clients" test -s "$b/plots/clients-adhoc.png"
expect 2 'clients 2 needs as many MPI ranks' "$bin" bench --model async --levels 4 \
    --set 'clients=1 2' --source "s3://$bucket-in/jpeg" --results "$tmp/nompi"
expect 2 'clients 3 needs as many MPI ranks' "${mpi[@]}" -np 2 "$bin" bench --model async \
    --levels 4 --set 'clients=3' --source "s3://$bucket-in/jpeg" --results "$tmp/np2c3"

# A client that cannot set up: no client starts, the folder says failed with its error.
expect 3 'rank 0 \(.*\) could not start: --dst: cannot create or write folder /proc/nope' \
    "${mpi[@]}" -np 2 "$bin" run --model async --src "s3://$bucket-in/tiny" --dst /proc/nope \
    --results "$tmp/nostart"
check "nostart: the folder says failed, naming the folder" jqe '.status == "failed" and
    (.error | test("/proc/nope"))' "$tmp/nostart/meta.json"

# Refusals.
expect 2 'needs --results DIR' "${mpi[@]}" -np 2 "$bin" run --model async --src \
    "s3://$bucket-in/tiny" --dst "s3://$bucket-out/x"
expect 2 "the MPI layer's to set" "${mpi[@]}" -np 2 "$bin" run --model async --src \
    "s3://$bucket-in/tiny" --dst "s3://$bucket-out/x" --results "$tmp/r" --shard 0/2
summary mpi
