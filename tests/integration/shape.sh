#!/usr/bin/env bash
# `exifbench shape` end to end in front of the real S3 server named by AWS_* (run through
# harness/with-s3-local): with --latency-ms 50, curl's time to first byte on a fresh connection
# is at least 4 x 50 ms (handshake round trip, request, response) and on a kept-alive one at
# least 2 x 50, each at most 150 ms more; a reset fraction of 1 makes curl fail; a stall of
# 300 ms adds at least that; an 8 Mbit/s cap makes a 2 MB upload and download last about 2 s;
# signed `dataset ls` and `run` work through it; SIGTERM ends it with a stats line that counts
# the connections, and no process stays; usage errors exit 2 naming the option, setup errors 3.
# Printed, not asserted: the shaper's lateness and CPU, and what it adds at --latency-ms 0.
set -uo pipefail
bin=${1:?usage: tests/integration/shape.sh path/to/exifbench}
tmp=$(mktemp -d)
bucket=exifbench-shape-$$
pid=
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null; "$bin" dataset rm --bucket "s3://$bucket" \
	>/dev/null 2>&1; rm -rf "$tmp"' EXIT
. "$(dirname "$0")/../lib.sh"
sign=(--aws-sigv4 "aws:amz:$AWS_REGION:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"
	-H 'x-amz-content-sha256: UNSIGNED-PAYLOAD')

# stop_shaper: SIGTERM; the last stdout line (JSON stats) goes to $tmp/stats.json.
stop_shaper() {
	kill -TERM "$pid"
	wait "$pid"
	check "shape exited with $? on SIGTERM" test $? -eq 0
	check "shape process $pid still there" bash -c "! kill -0 $pid 2>/dev/null"
	pid=
	tail -n 1 "$tmp/shape.out" >"$tmp/stats.json"
}

# stat NAME: a field of the stats line (one flat JSON object; no jq needed).
stat() { sed -n "s/.*\"$1\": *\([^,}]*\).*/\1/p" "$tmp/stats.json"; }

# ttfb URL...: one curl, one kept-alive connection; each transfer's TTFB in seconds.
ttfb() {
	local u args=()
	for u; do args+=(-o /dev/null "$u"); done
	curl -s -w '%{time_starttransfer}\n' "${args[@]}"
}

between() { awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x >= lo && x <= hi) }'; }

# mean_total N URL: mean time_total (us) of N requests on one connection.
mean_total() {
	local i args=()
	for i in $(seq "$1"); do args+=(-o /dev/null "$2/"); done
	curl -s -w '%{time_total}\n' "${args[@]}" | awk '{ s += $1 } END { printf "%.0f", s / NR * 1e6 }'
}

# Latency: a fresh connection, then a kept-alive one, through the shaper and direct.
start_shaper --latency-ms 50
fresh=$(ttfb "$url/")
mapfile -t two < <(ttfb "$url/" "$url/")
check "fresh TTFB $fresh s not in [0.200, 0.350]" between "$fresh" 0.200 0.350
check "first TTFB ${two[0]} s not in [0.200, 0.350]" between "${two[0]}" 0.200 0.350
check "kept-alive TTFB ${two[1]} s not in [0.100, 0.250]" between "${two[1]:-0}" 0.100 0.250
mapfile -t direct < <(ttfb "$AWS_ENDPOINT_URL/" "$AWS_ENDPOINT_URL/")
echo "latency 50 ms: TTFB fresh ${two[0]} s, kept-alive ${two[1]} s; direct ${direct[0]} s, ${direct[1]} s"
stop_shaper
check "connections $(stat connections), want 2" test "$(stat connections)" = 2
check "active $(stat active) at the end" test "$(stat active)" = 0
check "lateness fields missing" test -n "$(stat lateness_p99_us)"

# Faults.
start_shaper --reset-fraction 1
check "curl succeeded through a reset" bash -c "! curl -s -o /dev/null $url/"
stop_shaper
check "resets $(stat resets), want 1" test "$(stat resets)" = 1
start_shaper --stall-fraction 1 --stall-ms 300
stall=$(ttfb "$url/")
check "stalled TTFB $stall s not in [0.300, 0.450]" between "$stall" 0.300 0.450
stop_shaper
check "stalls $(stat stalls), want 1" test "$(stat stalls)" = 1
start_shaper --upstream 127.0.0.1:1
check "curl succeeded with no upstream" bash -c "! curl -s -o /dev/null $url/"
stop_shaper
check "upstream_errors $(stat upstream_errors), want 1" test "$(stat upstream_errors)" = 1

# Bandwidth: 8 Mbit/s is 1 MB/s, so 2 MB take 2 s each way (less a 20 ms burst).
"$bin" dataset gen --profile tiny --out "$tmp/tiny" >/dev/null
"$bin" dataset load "$tmp/tiny" "s3://$bucket/tiny" >/dev/null
head -c 2000000 /dev/urandom >"$tmp/big.bin"
start_shaper --bandwidth-mbit 8
up=$(curl -s -o /dev/null -w '%{time_total}' "${sign[@]}" -T "$tmp/big.bin" "$url/$bucket/big.bin")
down=$(curl -s -o "$tmp/big.back" -w '%{time_total}' "${sign[@]}" "$url/$bucket/big.bin")
check "2 MB upload at 8 Mbit/s took $up s, not in [1.9, 3.5]" between "$up" 1.9 3.5
check "2 MB download at 8 Mbit/s took $down s, not in [1.9, 3.5]" between "$down" 1.9 3.5
check "the download differs from the upload" cmp -s "$tmp/big.bin" "$tmp/big.back"
echo "8 Mbit/s cap: 2 MB up in $up s, down in $down s"
stop_shaper

# Signed requests of the project's own client, with latency and jitter.
start_shaper --latency-ms 20 --jitter-ms 5 --jitter pareto
expect 0 'IMG_00049.jpg' env AWS_ENDPOINT_URL="$url" "$bin" dataset ls "s3://$bucket/tiny"
expect 0 '' env AWS_ENDPOINT_URL="$url" "$bin" run --model async -c 16 --quiet \
	--src "s3://$bucket/tiny" --dst "s3://$bucket/out"
stop_shaper
echo "run -c 16 at 20 ms + pareto 5 ms: $(stat connections) connections, $(stat chunks) chunks," \
	"lateness mean $(stat lateness_mean_us) us p99 $(stat lateness_p99_us) us max $(stat lateness_max_us) us"

# Its own cost at --latency-ms 0: 500 requests on one connection, through it and direct.
start_shaper
via=$(mean_total 500 "$url")
stop_shaper
dir=$(mean_total 500 "$AWS_ENDPOINT_URL")
echo "latency 0: mean request $via us through the shaper, $dir us direct (+$((via - dir)) us);" \
	"shaper CPU $(awk -v c="$(stat cpu_s)" 'BEGIN { printf "%.3f", c * 2 }') s per 1000 requests"

# Usage and setup errors.
expect 2 '--latency-ms' "$bin" shape --latency-ms -1
expect 2 '--reset-fraction' "$bin" shape --reset-fraction 2
expect 2 '--stall-ms' "$bin" shape --stall-fraction 0.5
expect 2 '--jitter' "$bin" shape --jitter gauss
expect 2 '--bandwidth-mbit' "$bin" shape --bandwidth-mbit x
expect 2 '--seed' "$bin" shape --seed -3
expect 2 '--listen' "$bin" shape --listen nowhere
expect 2 '--upstream' "$bin" shape --upstream ftp://x
expect 2 'usage' "$bin" shape --bogus
expect 0 'usage: exifbench shape' "$bin" shape --help
expect 3 'no upstream' env -u AWS_ENDPOINT_URL "$bin" shape
expect 3 'cannot listen' "$bin" shape --listen "${AWS_ENDPOINT_URL#http://}"
summary shape
