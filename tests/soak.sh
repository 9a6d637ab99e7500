#!/usr/bin/env bash
# A soak test (not in make check): each model runs for MINUTES at 64 in flight (sequential: 1)
# through the shaper resetting 1% of connections, over the tiny dataset looped without end
# (run --keys - from a generator), while the client's RSS and open fds are sampled every 5 s.
# It fails when either grows after the first minute (RSS by more than 10% + 1 MiB, fds by
# more than 8 over the first minute's highest) or a key is lost (ok + failed != listed).
# Against the S3 server of AWS_* (run it through harness/with-s3-local); everything lives in
# a bucket of its own, removed at the end. Each model's series goes to DIR/soak-MODEL.csv
# (t_s, rss_kib, fds) and one summary line per model to stdout.
# Usage: tests/soak.sh MINUTES [MODEL...] (default: the five models); SOAK_DIR=DIR keeps the
# series (default: a temporary folder, removed).
set -uo pipefail
usage="usage: tests/soak.sh MINUTES [MODEL...] (through harness/with-s3-local)"
[ "${1:-}" = --help ] || [ "${1:-}" = -h ] && { echo "$usage"; exit 0; }
minutes=${1:?$usage}
shift
[[ $minutes =~ ^[0-9]+([.][0-9]+)?$ ]] || { echo "soak: MINUTES '$minutes' is not a number" >&2; exit 2; }
: "${AWS_ENDPOINT_URL:?soak: run through harness/with-s3-local (AWS_ENDPOINT_URL is not set)}"
models=${*:-sequential pthreads forkpool async hybrid}
here=$(cd "$(dirname "$0")" && pwd)
bin=${EXIFBENCH_BIN:-$here/../build/exifbench}
tmp=$(mktemp -d)
out=${SOAK_DIR:-$tmp}
bucket=exifbench-soak-$$
seconds=$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 }')
# The baseline: the first minute (of a shorter soak, 20% of it, but at least 10 s: two samples
# past start-up).
base_s=$((seconds >= 120 ? 60 : seconds / 5 > 10 ? seconds / 5 : 10))
[ "$seconds" -ge 30 ] || { echo "soak: MINUTES must be 0.5 or more: a shorter soak has no sample past its baseline" >&2; exit 2; }
shaper=

cleanup() {
	if [ -n "$shaper" ]; then	# its last line: connections, resets, ...
		kill "$shaper" 2>/dev/null
		wait "$shaper" 2>/dev/null
		echo "soak: the shaper's counters: $(tail -n 1 "$tmp/shape.out")"
	fi
	"$bin" dataset rm --bucket "s3://$bucket" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$out"

"$bin" dataset gen --profile tiny --bad-fraction 0 --out "$tmp/tiny" >/dev/null &&
	"$bin" dataset load "$tmp/tiny" "s3://$bucket/in" >/dev/null ||
	{ echo "soak: could not load the tiny dataset into s3://$bucket/in" >&2; exit 3; }
jq -r '"in/" + .key' "$tmp/tiny/manifest.jsonl" >"$tmp/keys"

"$bin" shape --listen 127.0.0.1:0 --reset-fraction 0.01 >"$tmp/shape.out" 2>&1 &
shaper=$!
for _ in $(seq 50); do grep -q 'listening on' "$tmp/shape.out" && break; sleep 0.1; done
listen=$(sed -n 's/^exifbench shape: listening on \([^,]*\),.*/\1/p' "$tmp/shape.out")
[ -n "$listen" ] || { echo "soak: the shaper did not start: $(head -c 200 "$tmp/shape.out")" >&2; exit 3; }

# sample PID CSV: every 5 s until PID is gone, t_s,rss_kib,fds of the client: the process
# and its children (forkpool's workers, co-processes), summed.
sample() {
	local pid=$1 csv=$2 t0=$SECONDS rss fds p procs start
	echo "t_s,rss_kib,fds" >"$csv"
	# The run's start time (field 22 of its stat): once bash has reaped the run, its pid may
	# name another process (pids wrap at pid_max, 32768 here), which must not be sampled.
	start=$(awk '{ print $22 }' "/proc/$pid/stat" 2>/dev/null)
	while [ -n "$start" ] && [ "$(awk '{ print $22 }' "/proc/$pid/stat" 2>/dev/null)" = "$start" ] &&
	    [ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" != Z ]; do
		procs="$pid $(pgrep -P "$pid" | tr '\n' ' ')" rss=0 fds=0
		for p in $procs; do
			rss=$((rss + $(awk '/^VmRSS:/ { r = $2 } END { print r + 0 }' \
			    "/proc/$p/status" 2>/dev/null || echo 0)))
			fds=$((fds + $(ls "/proc/$p/fd" 2>/dev/null | wc -l)))
		done
		echo "$((SECONDS - t0)),$rss,$fds" >>"$csv"
		printf '\r  soak %s: %ss, RSS %s KiB, %s fds   ' "$m" "$((SECONDS - t0))" "$rss" "$fds" >&2
		sleep 5
	done
	printf '\r\033[K' >&2
}

fails=0
for m in $models; do
	c=64
	[ "$m" = sequential ] && c=1
	csv=$out/soak-$m.csv
	# The keys, over and over, until the run stops reading (cat then fails on the pipe).
	(while cat "$tmp/keys"; do :; done) 2>/dev/null | AWS_ENDPOINT_URL=http://$listen "$bin" run -m "$m" \
	    -c "$c" --src "s3://$bucket/in" --dst "s3://$bucket/out-$m" --keys - --json --quiet \
	    --duration "$seconds" >"$tmp/$m.json" 2>"$tmp/$m.err" &
	pid=$!	# the run, the pipeline's last command
	sample "$pid" "$csv"
	wait "$pid"
	verdict=$(jq -r --slurpfile s <(awk -F, -v b="$base_s" 'NR > 1 {
		if ($1 <= b) { if ($2 > r0) r0 = $2; if ($3 > f0) f0 = $3 }
		else { if ($2 > r1) r1 = $2; if ($3 > f1) f1 = $3 } }
		END { printf "{\"rss0\":%d,\"rss1\":%d,\"fds0\":%d,\"fds1\":%d}\n", r0, r1, f0, f1 }' \
	    "$csv") '$s[0] as $s | "\(.listed) \(.ok) \(.failed) \($s.rss0) \($s.rss1) \($s.fds0) \($s.fds1)"' \
	    "$tmp/$m.json" 2>/dev/null)
	read -r listed ok failed rss0 rss1 fds0 fds1 <<<"${verdict:-- - - 0 0 0 0}"
	why=
	[ "$listed" != - ] || why+=" no summary ($(head -c 200 "$tmp/$m.err"));"
	[ "$listed" = - ] || [ $((ok + failed)) -eq "$listed" ] || why+=" keys lost: ok $ok + failed $failed != listed $listed;"
	[ "$rss1" -le $((rss0 + rss0 / 10 + 1024)) ] || why+=" RSS grew $rss0 -> $rss1 KiB;"
	[ "$fds1" -le $((fds0 + 8)) ] || why+=" fds grew $fds0 -> $fds1;"
	printf 'soak %-10s %s s at %2s in flight: %s keys, %s ok, %s failed, lost %s; RSS max %s KiB in the first %s s, %s after; fds %s, %s%s\n' \
	    "$m" "$seconds" "$c" "$listed" "$ok" "$failed" \
	    "$([ "$listed" = - ] && echo - || echo $((listed - ok - failed)))" "$rss0" "$base_s" \
	    "$rss1" "$fds0" "$fds1" "${why:+: FAIL:$why}"
	[ -z "$why" ] || fails=$((fails + 1))
done
[ "$fails" -eq 0 ]
