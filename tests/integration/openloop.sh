#!/usr/bin/env bash
# Open-loop runs (`exifbench run --rate`) of the five models against the real S3 server named
# by AWS_* (through harness/with-s3-local), through the shaper's 10 ms. Proves, without timing
# assertions: every model releases the keys on the schedule (constant: due times exactly 1/R
# apart; poisson: not, and the same seed gives the same schedule), starts none before it is
# due, counts every key; a rate far beyond the client gives up with exit 4 and says how far
# behind it fell, the keys it ran all counted and the rest not started; Ctrl-C during a
# paced wait ends the run at once (exit 130), counted. (No image starting before it is due
# means no response time from the schedule is below its service time.) The bucket and the shaper are removed at the end.
set -uo pipefail
bin=${1:?usage: tests/integration/openloop.sh path/to/exifbench}
: "${AWS_ENDPOINT_URL:?run through harness/with-s3-local}"
models="sequential pthreads forkpool async hybrid"
t0=$(date +%s.%N)
tmp=$(mktemp -d)
bucket=exifbench-itol-$$
src=s3://$bucket/in
shaper=

. "$(dirname "$0")/../lib.sh"	# expect, check, run_counted, check_counted
need_tools openloop.sh jq awk

cleanup() {
	[ -z "$shaper" ] || { kill -TERM "$shaper" 2>/dev/null; wait "$shaper" 2>/dev/null; }
	"$bin" dataset rm --bucket "s3://$bucket" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# gaps TRACE: the due_us of each row after the first minus the one before, in due order.
gaps() {
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) at[$i] = i; next }
	    { print $(at["due_us"]) }' "$1" | sort -n |
	    awk 'NR > 1 { print $1 - prev } { prev = $1 }'
}

# early TRACE: the rows whose GET started before they were due (none may: the run hands a
# key out once it is due, and the GET starts after).
early() {
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) at[$i] = i; next }
	    $(at["get_start_us"]) >= 0 && $(at["get_start_us"]) < $(at["due_us"])' "$1" | wc -l
}

expect 0 'generated 50 files' "$bin" dataset gen --profile tiny --out "$tmp/tiny"
expect 0 'loaded 50/50' "$bin" dataset load "$tmp/tiny" "$src"
"$bin" shape --json --latency-ms 10 --upstream "$AWS_ENDPOINT_URL" >"$tmp/shape.out" \
    2>"$tmp/shape.err" &
shaper=$!
for _ in $(seq 100); do
	addr=$(sed -n '1s/^{"listen":"\([^"]*\)".*/\1/p' "$tmp/shape.out")
	[ -n "$addr" ] && break
	sleep 0.05
done
[ -n "$addr" ] || { echo "FAIL: the shaper did not start: $(cat "$tmp/shape.err")"; exit 1; }
export AWS_ENDPOINT_URL=http://$addr

# --- every model on a constant schedule it can keep: 20 images at 40/s ---
for m in $models; do
	run_counted "c-$m" 0 "$bin" run -m "$m" $([ "$m" = sequential ] || echo -c 4) \
	    --rate 40 --limit 20 --src "$src" --dst "s3://$bucket/c-$m"
	check "c-$m: not sustained, or not open loop: $(head -c 300 "$tmp/c-$m.json")" \
	    jqe '.sustained == true and .arrivals == "constant" and .offered_per_s == 40 and
	    (.behind_ms | type) == "number" and .backlog_max >= 1' "$tmp/c-$m.json"
	check "c-$m: due times not 25 ms apart: $(gaps "$tmp/c-$m.csv" | sort -u | head -5 | xargs)" \
	    test "$(gaps "$tmp/c-$m.csv" | awk '$1 < 24999 || $1 > 25001' | wc -l)" -eq 0 -a \
	    "$(gaps "$tmp/c-$m.csv" | wc -l)" -eq 19
	check "c-$m: $(early "$tmp/c-$m.csv") images started before they were due" \
	    test "$(early "$tmp/c-$m.csv")" -eq 0
done

# --- poisson: uneven gaps, and the same seed gives the same schedule ---
for k in 1 2; do
	run_counted "p$k" 0 "$bin" run -m async -c 8 --rate 100 --arrivals poisson --seed 5 \
	    --limit 30 --src "$src" --dst "s3://$bucket/p$k"
done
run_counted p3 0 "$bin" run -m pthreads -c 8 --rate 100 --arrivals poisson --seed 6 \
    --limit 30 --src "$src" --dst "s3://$bucket/p3"
check "poisson: gaps all alike" test "$(gaps "$tmp/p1.csv" | sort -u | wc -l)" -gt 5
# (the trace's microseconds round each due time apart: a gap may read 1 us off)
same() {
	paste "$1" "$2" | awk '$1 - $2 > 1 || $2 - $1 > 1 || $2 == "" { d++ } END { exit d > 0 }'
}
gaps "$tmp/p1.csv" >"$tmp/g1"; gaps "$tmp/p2.csv" >"$tmp/g2"; gaps "$tmp/p3.csv" >"$tmp/g3"
check "poisson: one seed, two schedules" same "$tmp/g1" "$tmp/g2"
check "poisson: two seeds, one schedule" test "$(same "$tmp/g1" "$tmp/g3"; echo $?)" -eq 1
check "poisson: summary" jqe '.arrivals == "poisson" and .sustained == true' "$tmp/p1.json"
check "p1: $(early "$tmp/p1.csv") images started before they were due" \
    test "$(early "$tmp/p1.csv")" -eq 0

# --- beyond the client: one in flight, 10 ms each way, 1,000/s offered ---
for m in sequential async; do
	run_counted "u-$m" 4 "$bin" run -m "$m" -c 1 --rate 1000 --max-backlog 50 --src "$src" \
	    --dst "s3://$bucket/u-$m"
	check "u-$m: sustained: $(head -c 300 "$tmp/u-$m.json")" \
	    jqe '.sustained == false and .behind_ms >= 50 and .backlog_max > 50 and
	    .gave_up_s > 0 and .listed < 50' "$tmp/u-$m.json"
done
expect 4 'rate 1000/s not sustained: fell [0-9.]+ s behind \(backlog [0-9]+ images, bound 50\)' \
    "$bin" run -m pthreads -c 1 --rate 1000 --max-backlog 50 --src "$src" \
    --dst "s3://$bucket/u-text" --quiet

# --- Ctrl-C while the next key is not due (one every 5 s): a prompt, counted end ---
for m in pthreads async forkpool; do
	# a shell's background job ignores SIGINT: give it back its default
	env --default-signal=INT "$bin" run -m "$m" -c 2 --rate 0.2 --src "$src" \
	    --dst "s3://$bucket/int-$m" --json --quiet --trace "$tmp/int-$m.csv" \
	    >"$tmp/int-$m.json" 2>"$tmp/int-$m.err" &
	bg=$!
	for _ in $(seq 100); do	# the first key, due at once, done
		[ "$(tail -n +2 "$tmp/int-$m.csv" 2>/dev/null | wc -l)" -ge 1 ] && break
		sleep 0.1
	done
	kill -INT "$bg"
	wait "$bg"
	check_counted "int-$m" 130 $?
	check "int-$m: not stopped: $(head -c 200 "$tmp/int-$m.json")" \
	    jqe '.stopped == true and .listed < 5' "$tmp/int-$m.json"
done

echo "openloop.sh: $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
summary openloop
