#!/usr/bin/env bash
# Several endpoints for one client (`exifbench run --endpoints`, issue 14) against the real S3
# server named by AWS_* (run through harness/with-s3-local): two gateways of one store, the
# server itself and the same server through `exifbench shape` adding 20 ms each way. Every
# model spreads its jobs over both: the trace's endpoint column names 0 or 1 on every row, the
# counts per endpoint sum to the total and each endpoint gets at least a quarter of them (a
# hash of the key picks it: 120 keys give about 60 each); both get the same keys under every
# model; the --json summary's "endpoints" block adds up and shows the shaped endpoint's GET
# slower than the direct one's (a ratio in one run, not a time); the text summary has a line
# per endpoint; meta.json lists both and `exifbench report` tables them; a bench whose scenario
# lists them (key endpoints) spreads every run too, and one with a shaped network is refused.
# EXIFBENCH_ENDPOINTS does what --endpoints does; a bad URL in the list is a one-line error
# naming it (exit 2); with one endpoint the summary has no block.
set -uo pipefail
bin=${1:?usage: tests/integration/endpoints.sh path/to/exifbench}
: "${AWS_ENDPOINT_URL:?run through harness/with-s3-local}"
models="sequential pthreads forkpool async hybrid"
tmp=$(mktemp -d)
bucket=exifbench-ep-$$
src=s3://$bucket/in
shaper=
cleanup() {
	[ -z "$shaper" ] || { kill "$shaper" 2>/dev/null; wait "$shaper" 2>/dev/null; }
	"$bin" dataset rm --bucket "s3://$bucket" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
. "$(dirname "$0")/../lib.sh"	# expect, check, run_counted
export EXPECT_LOG=$tmp/log

# per_ep CSV: "N0 N1 OTHER": the rows whose endpoint column is 0, 1, anything else.
per_ep() {
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "endpoint") c = i; next }
	    { n[$c == 0 ? 0 : $c == 1 ? 1 : 2]++ }
	    END { printf "%d %d %d", n[0], n[1], n[2] }' "$1"
}

# keys_at EP CSV: the keys of the rows at endpoint EP, sorted (keys here hold no comma).
keys_at() {
	awk -F, -v e="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "endpoint") c = i; next }
	    $c == e { print $1 }' "$2" | LC_ALL=C sort
}

expect 0 'generated 120 files' "$bin" dataset gen --profile tiny --count 120 --out "$tmp/in"
expect 0 'loaded 120/120' "$bin" dataset load "$tmp/in" "$src"

"$bin" shape --listen 127.0.0.1:0 --latency-ms 20 >"$tmp/shape.out" 2>&1 &
shaper=$!
for _ in $(seq 50); do grep -q 'listening on' "$tmp/shape.out" && break; sleep 0.1; done
listen=$(sed -n 's/^exifbench shape: listening on \([^,]*\),.*/\1/p' "$tmp/shape.out")
check "the shaper did not start: $(head -c 200 "$tmp/shape.out")" test -n "$listen"
eps=$AWS_ENDPOINT_URL,http://$listen

for m in $models; do
	run_counted "$m" 0 "$bin" run -m "$m" $([ "$m" = sequential ] || echo -c 8) \
	    --src "$src" --dst "s3://$bucket/out-$m" --endpoints "$eps"
	read -r n0 n1 other <<<"$(per_ep "$tmp/$m.csv")"
	check "$m: per endpoint $n0 + $n1 (+ $other other) != 120" \
	    test $((n0 + n1)) -eq 120 -a "$other" -eq 0
	check "$m: endpoint shares $n0 and $n1, each should be about 60" \
	    test "$n0" -ge 30 -a "$n1" -ge 30
	keys_at 1 "$tmp/$m.csv" >"$tmp/$m.keys1"
	check "$m: endpoint 1 got other keys than under sequential" \
	    cmp -s "$tmp/$m.keys1" "$tmp/sequential.keys1"
	check "$m: --json endpoints block does not add up to the trace ($n0, $n1)" jqe \
	    --argjson a "$n0" --argjson b "$n1" --arg u0 "$AWS_ENDPOINT_URL" \
	    --arg u1 "http://$listen" '(.endpoints | length) == 2 and
	    .endpoints[0].jobs == $a and .endpoints[1].jobs == $b and
	    .endpoints[0].url == $u0 and .endpoints[1].url == $u1 and
	    ([.endpoints[].ok] | add) == .ok and ([.endpoints[].failed] | add) == .failed and
	    ([.endpoints[].bytes_in] | add) > 0' "$tmp/$m.json"
	check "$m: the shaped endpoint's GET p50 is not above the direct one's" jqe \
	    '.endpoints[1].get_p50_ms > .endpoints[0].get_p50_ms' "$tmp/$m.json"
	echo "endpoints: $m: $n0 + $n1 jobs; GET p50 $(jq -r '[.endpoints[].get_p50_ms |
	    . * 10 | round / 10] | join(" ms, ")' "$tmp/$m.json") ms"
done

# The text summary, the environment variable, and a result folder read back by the report.
expect 0 "endpoint 1 http://$listen: [0-9]+ jobs" env EXIFBENCH_ENDPOINTS="$eps" "$bin" run \
    -m async --src "$src" --dst "s3://$bucket/env" --quiet
expect 0 'result folder' "$bin" run -m pthreads --src "$src" --dst "s3://$bucket/res" \
    --endpoints "$eps" --results "$tmp/res"
check "meta.json does not list both endpoints" jqe --arg u1 "http://$listen" \
    '.endpoints | length == 2 and .[1] == $u1' "$tmp/res/meta.json"
expect 0 '' "$bin" report --no-plots --quiet "$tmp/res"
check "report.md has no per-endpoint table" grep -q "^| pthreads | 8 | [0-9]* | 1 | http://$listen |" \
    "$tmp/res/report.md"
check "report.json has no per-endpoint rows" jqe '(.endpoints | length) == 1 and
    (.endpoints[0].runs[0].endpoints | length) == 2 and
    ([.endpoints[0].runs[0].endpoints[].jobs] | add) == 120' "$tmp/res/report.json"

# A bench whose scenario lists the endpoints: every run spreads over both, and its report
# tables them; with a shaped network it is refused.
"$bin" bench --model async --levels 4 --images 20 --set dataset=tiny --set "endpoints=$eps" \
    --no-report --results "$tmp/bench" --data "$tmp/data" >"$tmp/bench.out" 2>"$tmp/bench.err"
check "a bench with endpoints exits $? ($(tail -n 2 "$tmp/bench.err"))" [ $? -eq 0 ]
dir=$(ls -d "$tmp"/bench/*/ | tail -n 1)
check "the bench's meta.json does not list both endpoints" jqe --arg u1 "http://$listen" \
    '.endpoints == [env.AWS_ENDPOINT_URL, $u1] and .scenario.endpoints != ""' "$dir/meta.json"
read -r n0 n1 other <<<"$(per_ep "$dir/trace.csv")"
check "the bench's trace: $n0 + $n1 (+ $other) rows by endpoint, want 20 over both" \
    test $((n0 + n1)) -eq 20 -a "$n0" -gt 0 -a "$n1" -gt 0 -a "$other" -eq 0
expect 0 '' "$bin" report --no-plots --quiet "$dir"
check "the bench's report.md has no per-endpoint table" grep -q "^| async | 4 | [0-9]* | 1 | http://$listen |" \
    "$dir/report.md"
expect 2 "endpoints: the shaper fronts one endpoint" "$bin" bench --model async --levels 4 \
    --images 20 --set dataset=tiny --set "endpoints=$eps" --set latency_ms=5 \
    --results "$tmp/bench" --data "$tmp/data"

# One endpoint: as before, no block. Bad lists: one line naming the URL, exit 2 (3 from the
# environment, like any S3 setting).
run_counted one 0 "$bin" run -m async --src "$src" --dst "s3://$bucket/one"
check "one endpoint: a per-endpoint block" jqe 'has("endpoints") | not' "$tmp/one.json"
for bad in "ftp://x" "http://h:0" "http://h/path" "http://u:p@h" "," "$AWS_ENDPOINT_URL,"; do
	expect 2 "^exifbench: --endpoints " "$bin" run -m async --src "$src" \
	    --dst "s3://$bucket/bad" --endpoints "$AWS_ENDPOINT_URL,$bad"
done
expect 2 "--endpoints 'ftp://nope' must start with http" "$bin" run -m async --src "$src" \
    --dst "s3://$bucket/bad" --endpoints "$AWS_ENDPOINT_URL,ftp://nope"
expect 2 "is listed twice" "$bin" run -m async --src "$src" --dst "s3://$bucket/bad" \
    --endpoints "$AWS_ENDPOINT_URL,$AWS_ENDPOINT_URL"
expect 3 "EXIFBENCH_ENDPOINTS 'gopher://x' must start" env EXIFBENCH_ENDPOINTS=gopher://x \
    "$bin" run -m async --src "$src" --dst "s3://$bucket/bad"
expect 2 "'http://\\*\\*\\*@h' must not hold a user" "$bin" run -m async --src "$src" \
    --dst "s3://$bucket/bad" --endpoints http://me:s3cr3t@h
check "a password in an endpoint was printed" bash -c "! grep -q s3cr3t '$tmp/log'"
out=$("$bin" run -m async --src "$src" --dst "s3://$bucket/bad" --endpoints ftp://x 2>&1)
check "a bad URL gave $(wc -l <<<"$out") lines, not one" test "$(wc -l <<<"$out")" -eq 1
summary endpoints
