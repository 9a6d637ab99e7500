#!/usr/bin/env bash
# The circuit breaker against a real dead endpoint (in make check, about a minute and a half):
# every model against a private local server of its own (harness/s3-local on free ports,
# stopped at the end), over 300 tiny images with a CPU spin so that most keys are left when:
#   a. the server is stopped mid-run (harness/s3-local down: connections refused and reset):
#      the run ends, every key ok or failed, at least one "endpoint down", the breaker opened
#      and gave up; once with a local --src too (its listing still works: every key of it is
#      listed). How long each run took after the stop is printed, not asserted;
#   b. the endpoint gone and back within the probe window: the client talks through the
#      shaper (exifbench shape), which is killed mid-run and started again on the same port
#      1.5 s later (the server, and its data, stay up): no key lost, every key ok.
# Usage: tests/integration/breaker.sh path/to/exifbench
set -uo pipefail
bin=${1:?usage: tests/integration/breaker.sh path/to/exifbench}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
window=3 shaper= tmp=$(mktemp -d)
bucket=exifbench-breaker-$$ models="sequential pthreads forkpool async hybrid"
src=s3://$bucket/in
private_server 7980

cleanup() {
	stop_shaper
	"${srv[@]}" down >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_shaper [HOST:PORT]: a plain proxy to the server, on that address or an ephemeral one.
start_shaper() {
	: >"$tmp/shape.out"
	"$bin" shape --listen "${1:-127.0.0.1:0}" >"$tmp/shape.out" 2>&1 &
	shaper=$!
	for _ in $(seq 50); do grep -q 'listening on' "$tmp/shape.out" && break; sleep 0.1; done
	listen=$(sed -n 's/^exifbench shape: listening on \([^,]*\),.*/\1/p' "$tmp/shape.out")
	check "the shaper did not start: $(head -c 200 "$tmp/shape.out")" test -n "$listen"
}

stop_shaper() {
	[ -z "$shaper" ] || { kill "$shaper" 2>/dev/null; wait "$shaper" 2>/dev/null; }
	shaper=
}

# stopped NAME SRC ARGS...: a run from SRC with the server stopped 0.7 s in, then restarted.
stopped() {
	local name=$1 from=$2 t0 t1 pid rc
	shift 2
	run_traced "$name" "$bin" run --breaker-window "$window" --cpu-spin-ms 20 \
	    --src "$from" --dst "s3://$bucket/$name" "$@" &
	pid=$!
	sleep 0.7
	t0=$(date +%s%N)
	"${srv[@]}" down >/dev/null 2>&1
	wait "$pid"
	rc=$?
	t1=$(date +%s%N)
	check_counted "$name" 1 "$rc"
	down_rows=$(grep -c 'endpoint down' "$tmp/$name.csv")
	printf 'breaker: %-22s ended %5.2f s after the stop began: %s ok, %s failed, %s "endpoint down"\n' \
	    "$name" "$(echo "($t1 - $t0) / 10^9" | bc -l)" "$(jq .ok "$tmp/$name.json")" \
	    "$(jq .failed "$tmp/$name.json")" "$down_rows"
	check "$name: no key failed \"endpoint down\"" test "$down_rows" -gt 0
	check "$name: the summary counts $(jq .breaker.endpoint_down "$tmp/$name.json") \"endpoint down\", the trace $down_rows" \
	    jqe ".breaker.endpoint_down == $down_rows and .breaker.gave_up and .breaker.opened >= 1" \
	    "$tmp/$name.json"
	"${srv[@]}" up >/dev/null 2>>"$tmp/up.err" || check "the server did not start again" false
	eval "$("${srv[@]}" env)"
	check "the inputs did not load again after the restart" load
}

load() {
	"$bin" dataset load "$tmp/ds" "$src" >/dev/null 2>&1
}

if ! "${srv[@]}" up >"$tmp/up.out" 2>"$tmp/up.err"; then
	echo "breaker: could not start a private server: $(tail -n 1 "$tmp/up.err")"
	exit 1
fi
eval "$("${srv[@]}" env)"
expect 0 'generated 300 files' "$bin" dataset gen --profile tiny --count 300 --out "$tmp/ds"
check "the inputs did not load into $src" load

# a. The server stopped mid-run.
for m in $models; do
	stopped "stop-$m" "$src" -m "$m" $([ "$m" = sequential ] || echo -c 8)
done
stopped stop-local-src "$tmp/ds" -m pthreads -c 8
files=$(find "$tmp/ds" -type f | wc -l)
check "stop-local-src: listed $(jq .listed "$tmp/stop-local-src.json") of the folder's $files" \
    jqe ".listed == $files" "$tmp/stop-local-src.json"

# b. The endpoint back within the window: nothing lost, all ok. The window is a generous 60 s
# here, so that a busy machine's slow restart of the shaper still falls inside it (3 s did not,
# once, with five soaks beside the check).
start_shaper
addr=$listen
for m in $models; do
	name=back-$m
	AWS_ENDPOINT_URL=http://$addr run_traced "$name" "$bin" run -m "$m" \
	    $([ "$m" = sequential ] || echo -c 8) --cpu-spin-ms 10 --breaker-window 60 \
	    --src "$src" --dst "s3://$bucket/$name" &
	pid=$!
	sleep 0.7
	stop_shaper
	sleep 1.5
	start_shaper "$addr"
	wait "$pid"
	check_counted "$name" 0 $?
	printf 'breaker: %-22s %s\n' "$name" "$(jq -c '{listed, ok, failed, breaker}' "$tmp/$name.json")"
	check "$name: not every key ok, or the breaker never opened" \
	    jqe '.ok == .listed and .failed == 0 and .breaker.opened >= 1 and (.breaker.gave_up | not)' \
	    "$tmp/$name.json"
done
stop_shaper

# No breaker: --breaker-window 0 keeps the run's old behaviour (and says so).
run_counted off 0 "$bin" run -m async -c 4 --breaker-window 0 --src "$src" \
    --dst "s3://$bucket/off"
check "off: the summary names a window" jqe '.breaker.window_s == 0' "$tmp/off.json"
expect 2 'breaker-window' "$bin" run -m async --breaker-window -1 --src "$src" \
    --dst "s3://$bucket/x"

summary breaker
