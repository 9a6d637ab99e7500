#!/usr/bin/env bash
# The fault campaign (in make check, about a minute): every model against a private local
# server of its own (harness/s3-local on free ports, stopped at the end), over the tiny
# dataset with bad files plus the shared corpus's malformed files:
#   1. through the shaper resetting 5% of connections and stalling 5% of responses by 200 ms;
#   2. the server stopped mid-run and started again (its data lives in RAM, so the keys after
#      the restart fail with a missing bucket: they still end, counted);
#   3. forkpool with one child killed (kill -9) mid-run.
# Every run must end with ok + failed == listed (nothing lost) and without a crash (a signal,
# or no summary). It ends with one line: runs, keys, ok, failed, lost, crashes.
# Usage: tests/integration/faults.sh path/to/exifbench
set -uo pipefail
bin=${1:?usage: tests/integration/faults.sh path/to/exifbench}
here=$(cd "$(dirname "$0")" && pwd)
corpus=${EXIFBENCH_CORPUS:-}
models="sequential pthreads forkpool async hybrid"
tmp=$(mktemp -d)
. "$here/../lib.sh"
private_server 7880
bucket=exifbench-faults-$$
src=s3://$bucket/in
shaper= runs=0 keys=0 oks=0 faileds=0 lost=0 crashes=0

cleanup() {
	[ -z "$shaper" ] || { kill "$shaper" 2>/dev/null; wait "$shaper" 2>/dev/null; }
	"${srv[@]}" down >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# load: the inputs into $src (again after a restart: the server keeps its data in RAM).
load() {
	"$bin" dataset load "$tmp/tiny" "$src/tiny" >/dev/null 2>&1 &&
	    { [ -z "$corpus" ] || "$bin" dataset load "$corpus/malformed" "$src/malformed" \
	    >/dev/null 2>&1; }
}

# tally NAME RC: one run's outcome from its JSON summary into the campaign's counts.
tally() {
	local name=$1 rc=$2 l o f
	read -r l o f < <(jq -r '"\(.listed) \(.ok) \(.failed)"' "$tmp/$name.json" 2>/dev/null)
	runs=$((runs + 1))
	if [ "$rc" -ge 128 ] || [ -z "${l:-}" ]; then
		crashes=$((crashes + 1))
		check "$name: crashed or no summary (exit $rc): $(tail -c 300 "$tmp/$name.err")" false
		return
	fi
	keys=$((keys + l)) oks=$((oks + o)) faileds=$((faileds + f)) lost=$((lost + l - o - f))
	check "$name: ok $o + failed $f != listed $l (exit $rc)" test $((o + f)) -eq "$l"
	check "$name: exit $rc, want 0, 1 or 3: $(tail -c 200 "$tmp/$name.err")" \
	    test "$rc" -le 1 -o "$rc" -eq 3
}

if ! "${srv[@]}" up >"$tmp/up.out" 2>"$tmp/up.err"; then
	echo "faults: could not start a private server: $(tail -n 1 "$tmp/up.err")"
	exit 1
fi
eval "$("${srv[@]}" env)"
expect 0 'generated 50 files' "$bin" dataset gen --profile tiny --bad-fraction 0.2 \
    --out "$tmp/tiny"
check "the inputs did not load into $src" load

# 1. Resets and stalls through the shaper.
"$bin" shape --listen 127.0.0.1:0 --reset-fraction 0.05 --stall-fraction 0.05 --stall-ms 200 \
    >"$tmp/shape.out" 2>&1 &
shaper=$!
for _ in $(seq 50); do grep -q 'listening on' "$tmp/shape.out" && break; sleep 0.1; done
listen=$(sed -n 's/^exifbench shape: listening on \([^,]*\),.*/\1/p' "$tmp/shape.out")
check "the shaper did not start: $(head -c 200 "$tmp/shape.out")" test -n "$listen"
for m in $models; do
	AWS_ENDPOINT_URL=http://$listen "$bin" run --json --quiet -m "$m" \
	    $([ "$m" = sequential ] || echo -c 8) --src "$src" --dst "s3://$bucket/shaped-$m" \
	    >"$tmp/shaped-$m.json" 2>"$tmp/shaped-$m.err"
	tally "shaped-$m" $?
done
kill "$shaper" 2>/dev/null
wait "$shaper" 2>/dev/null
shaper=
# Faults were injected: resets and stalls together (at 5% of some 40 kept-alive connections
# alone, no reset at all has an 11% chance; a stall is drawn per response, hundreds of them).
faults=$(sed -n 's/.* \([0-9]*\) resets, \([0-9]*\) stalls.*/\1 \2/p' "$tmp/shape.out" | tail -n 1)
check "the shaper injected no fault (resets, stalls: ${faults:-none}): $(tail -n 1 \
    "$tmp/shape.out")" test "$(awk '{ print $1 + $2 }' <<<"${faults:-0 0}")" -gt 0

# 2. The server stopped mid-run, then started again.
for m in $models; do
	"$bin" run --json --quiet -m "$m" $([ "$m" = sequential ] || echo -c 4) --cpu-spin-ms 20 \
	    --src "$src/tiny" --dst "s3://$bucket/restart-$m" >"$tmp/restart-$m.json" \
	    2>"$tmp/restart-$m.err" &
	pid=$!
	sleep 0.5
	"${srv[@]}" down >/dev/null 2>&1
	"${srv[@]}" up >/dev/null 2>>"$tmp/up.err" || check "the server did not start again" false
	eval "$("${srv[@]}" env)"
	wait "$pid"
	tally "restart-$m" $?
	check "the inputs did not load again after the restart" load
done

# 3. A forkpool child killed mid-run.
"$bin" run --json --quiet -m forkpool -c 4 --cpu-spin-ms 50 --src "$src/tiny" \
    --dst "s3://$bucket/kill9" >"$tmp/kill9.json" 2>"$tmp/kill9.err" &
pid=$!
for _ in $(seq 50); do [ -n "$(pgrep -P "$pid")" ] && break; sleep 0.1; done
sleep 0.3
victim=$(pgrep -P "$pid" | head -n 1)
check "no forkpool child to kill" test -n "$victim"
[ -z "$victim" ] || kill -9 "$victim"
wait "$pid"
tally kill9 $?

echo "faults: runs $runs, keys $keys, ok $oks, failed $faileds, lost $lost, crashes $crashes"
check "keys were lost ($lost) or a run crashed ($crashes)" test "$lost" -eq 0 -a "$crashes" -eq 0
summary faults
