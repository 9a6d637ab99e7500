#!/usr/bin/env bash
# The CPU-stage plugins (--stage, include/exifbench_stage.h) end to end against the real S3
# server named by AWS_* (run through harness/with-s3-local): the two shipped examples
# (build/stages/jpeg.so, spin.so) under all five models upload the same bytes whatever the
# model, and jpeg.so's images are the built-in thumbnail's; the tests' plugin
# (tests/stages/teststage.c) fails exactly the odd-sized images with its reason under every
# model while the others are ok, and under forkpool a crashing and a hanging stage
# (--stage-timeout-ms) fail those keys with "stage crashed" / "timed out" and the run goes on;
# a bad --stage is a usage error naming the file. A co-process stage (--stage-cmd, the Python
# example) under all five models: the same outputs, its errors, its death and restart, a hang.
# Both stages through a real bench (the stage and stage_cmd keys). Everything lives in a
# bucket of its own, removed at the end. Usage: tests/integration/stage.sh path/to/exifbench [BUILD]
set -uo pipefail
bin=${1:?usage: tests/integration/stage.sh path/to/exifbench [BUILD]}
build=${2:-$(dirname "$bin")}
: "${AWS_ENDPOINT_URL:?run through harness/with-s3-local}"
models="sequential pthreads forkpool async hybrid"
tmp=$(mktemp -d)
bucket=exifbench-its-$$
src=s3://$bucket/in
ts=$build/tests/stages/teststage.so

cleanup() {
	"$bin" dataset rm --bucket "s3://$bucket" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
. "$(dirname "$0")/../lib.sh"

# run NAME WANT_RC ARGS...: exifbench run over the source with ARGS, counted (lib.sh's
# run_counted).
run() {
	local name=$1 want=$2
	shift 2
	run_counted "$name" "$want" "$bin" run --src "$src" "$@"
}

# outcomes NAME: "KEY<TAB>OUTCOME<TAB>REASON" for each row of run NAME's trace, sorted.
outcomes() {
	sed -n '2,$ s/^"\([^"]*\)","\(ok\|failed\)","\([^"]*\)",.*/\1\t\2\t\3/p' \
	    "$tmp/$1.csv" | LC_ALL=C sort
}

# odd_fail NAME REASON: run NAME failed exactly the odd-sized inputs, each with a REASON
# (grep -E), and passed every other.
odd_fail() {
	local bad
	bad=$(outcomes "$1" | while IFS="$(printf '\t')" read -r key out why; do
		size=${sizes[${key#in/}]}
		if [ $((size % 2)) -eq 1 ]; then
			[ "$out" = failed ] && grep -qE -- "$2" <<<"$why" || echo "$key $out $why"
		else
			[ "$out" = ok ] || echo "$key $out $why"
		fi
	done | head -n 3)
	check "$1: odd-sized keys failed with '$2', the others ok: $bad" test -z "$bad"
}

# outputs NAME PREFIX: the uploaded objects of run NAME (name, size, sha256), sorted.
outputs() {
	"$bin" dataset ls --sha256 "s3://$bucket/$2" >"$tmp/$1.ls" 2>&1
	check "dataset ls s3://$bucket/$2: $(head -c 200 "$tmp/$1.ls")" test $? -eq 0 -a -s "$tmp/$1.ls"
}

same() {
	check "outputs of $2 differ from $1's: $(diff "$tmp/$1.ls" "$tmp/$2.ls" | head -n 4)" \
	    cmp -s "$tmp/$1.ls" "$tmp/$2.ls"
}

expect 0 'generated 50 files' "$bin" dataset gen --profile tiny --out "$tmp/tiny"
expect 0 'loaded 50/50' "$bin" dataset load "$tmp/tiny" "$src"
declare -A sizes
while read -r key size; do
	sizes[$key]=$size
done < <(jq -r '"\(.key) \(.size)"' "$tmp/tiny/manifest.jsonl")
nodd=$(for s in "${sizes[@]}"; do echo $((s % 2)); done | grep -c 1)
check "the tiny dataset has odd- and even-sized images ($nodd odd)" test "$nodd" -gt 0 -a "$nodd" -lt 50

# --- bad --stage: one line naming the file, exit 2, before any request ---
expect 2 'stage .*/missing.so: cannot load' "$bin" run -m async --src "$src" --dst "s3://$bucket/x" \
    --stage "$build/tests/stages/missing.so"
expect 2 'not an exifbench stage plugin' "$bin" run -m async --src "$src" --dst "s3://$bucket/x" \
    --stage "$build/tests/stages/nosym.so"
expect 2 'ABI version 99' "$bin" run -m async --src "$src" --dst "s3://$bucket/x" \
    --stage "$build/tests/stages/badabi.so"
expect 2 "init\\('fail-init'\\) failed: asked to fail" "$bin" run -m pthreads --src "$src" \
    --dst "s3://$bucket/x" --stage "$ts:fail-init"
expect 2 'drop --transform' "$bin" run -m async --src "$src" --dst "s3://$bucket/x" \
    --stage "$ts:ok" --transform thumbnail
expect 2 'needs --stage' "$bin" run -m forkpool --src "$src" --dst "s3://$bucket/x" \
    --stage-timeout-ms 100

# --- the examples: the same bytes under every model; jpeg.so's are the built-in thumbnail's ---
run builtin 0 -m pthreads -c 4 --dst "s3://$bucket/builtin" --transform thumbnail --upload-image
outputs builtin builtin
for m in $models; do
	run "jpeg-$m" 0 -m "$m" --dst "s3://$bucket/jpeg-$m" --stage "$build/stages/jpeg.so" \
	    --upload-image
	outputs "jpeg-$m" "jpeg-$m"
	[ "$m" = sequential ] || same jpeg-sequential "jpeg-$m"
	run "spin-$m" 0 -m "$m" --dst "s3://$bucket/spin-$m" --stage "$build/stages/spin.so:2" \
	    --upload-image
	outputs "spin-$m" "spin-$m"
	[ "$m" = sequential ] || same spin-sequential "spin-$m"
done
check "jpeg.so's images are not the built-in thumbnail's: $(diff <(grep -v '\.json' \
    "$tmp/builtin.ls") <(grep -v '\.json' "$tmp/jpeg-sequential.ls") | head -n 2)" \
    cmp -s <(grep -v '\.json' "$tmp/builtin.ls") <(grep -v '\.json' "$tmp/jpeg-sequential.ls")
check "spin.so uploads the input images unchanged" cmp -s \
    <(grep -v '\.json' "$tmp/spin-sequential.ls" | cut -f1,3) \
    <(jq -r '"\(.key)\t\(.sha256)"' "$tmp/tiny/manifest.jsonl" | LC_ALL=C sort)
# get KEY: the object's body, signed by curl (the credentials in a private file, not argv).
get() {
	local empty=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
	(umask 077 && printf 'user = "%s:%s"\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" \
	    >"$tmp/curlrc")
	curl -sf -K "$tmp/curlrc" --aws-sigv4 "aws:amz:${AWS_REGION:-us-east-1}:s3" \
	    -H "x-amz-content-sha256: $empty" "$AWS_ENDPOINT_URL/$bucket/$1"
}
check "jpeg.so's records name the stage" grep -q '"transform":"jpeg","output_size"' \
    <(get jpeg-async/IMG_00000.jpg.json)

# --- a stage that errs: those keys fail with its reason, the others are ok, every model ---
for m in $models; do
	run "error-$m" 1 -m "$m" --dst "s3://$bucket/error-$m" --stage "$ts:error"
	odd_fail "error-$m" '^stage teststage: odd size [0-9]+$'
	check "error-$m: failed $(jq .failed "$tmp/error-$m.json"), want $nodd" \
	    test "$(jq .failed "$tmp/error-$m.json")" -eq "$nodd"
done

# --- forkpool: a crash and a hang cost a worker process, not the run ---
run crash 1 -m forkpool -c 3 --dst "s3://$bucket/crash" --stage "$ts:crash"
odd_fail crash '^worker [0-9]+ \(pid [0-9]+\) died: the stage crashed \(signal 11, '
# Under ThreadSanitizer the timer's SIGALRM is caught by TSan and its handler never runs in a
# child forked from a threaded parent (the child sleeps on): that build skips the hang.
if ldd "$bin" | grep -q libtsan; then
	echo "stage.sh: the hanging stage is skipped under ThreadSanitizer"
else
	run hang 1 -m forkpool -c 4 --dst "s3://$bucket/hang" --stage "$ts:hang" \
	    --stage-timeout-ms 300
	odd_fail hang '^worker [0-9]+ \(pid [0-9]+\) was killed: the stage timed out after 300 ms$'
fi
check "no worker left behind" test -z "$(mine "$ts")"

# --- a co-process stage (--stage-cmd, models/stages/stage.py): the same outputs under every
# model, its errors fail those keys, a dead one is restarted, a hung one killed at the timeout ---
py="python3 $(cd "$(dirname "$0")/../../models/stages" && pwd)/stage.py"
for m in $models; do
	c=3; [ "$m" = sequential ] && c=1
	run "cmd-$m" 1 -m "$m" -c "$c" --dst "s3://$bucket/cmd-$m" --stage-cmd "$py --fail-odd" \
	    --upload-image
	odd_fail "cmd-$m" '^stage co-process: odd size [0-9]+$'
	outputs "cmd-$m" "cmd-$m"
	[ "$m" = sequential ] || same cmd-sequential "cmd-$m"
done
run cmd-crash 1 -m pthreads -c 2 --dst "s3://$bucket/cmd-crash" --stage-cmd "$py --crash-odd"
odd_fail cmd-crash '^stage co-process \(pid [0-9]+\) died: exit status 3$'
run cmd-hang 1 -m async -c 2 --limit 4 --dst "s3://$bucket/cmd-hang" --stage-cmd "exec sleep 60" \
    --stage-timeout-ms 200
check "cmd-hang: every key failed, killed at the timeout" test "$(outcomes cmd-hang |
    grep -c 'timed out and was killed')" -eq 4
expect 2 'one --stage or --stage-cmd at most' "$bin" run -m async --src "$src" \
    --dst "s3://$bucket/x" --stage "$ts:ok" --stage-cmd "$py"
check "no co-process left behind" test -z "$(mine "stage.py --(fail|crash)-odd")"

# --- both stages through a real bench: the stage_cmd key (an ad-hoc bench's --stage-cmd) and
# the stage key (a scenario file), over the source prefix; the co-process's CPU (20 ms of CPU
# time per image, time.process_time) is counted in the client's group ---
bench() {
	local name=$1 rc
	shift
	"$bin" bench --no-report --json --results "$tmp/$name" --data "$tmp/data" --source "$src" \
	    --images 10 "$@" >"$tmp/$name.json" 2>"$tmp/$name.err"
	rc=$?
	check "bench $name: exit $rc: $(tail -c 300 "$tmp/$name.err")" test "$rc" -eq 0
	dir=$(ls -d "$tmp/$name"/*/ | head -n 1)
}
bench adhoc-cmd --model hybrid,pthreads --levels 2 --stage-cmd "$py --spin-ms 20"
check "adhoc-cmd meta.json: $(jq -c '.scenario | [.stage_cmd, .models]' "$dir/meta.json")" \
    jqe --arg c "$py --spin-ms 20" '.scenario.stage_cmd == $c and .scenario.stage == ""' \
    "$dir/meta.json"
check "adhoc-cmd: 2 runs of 10 ok, the co-process's CPU in the client group (>= 0.15 s each)" \
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	{ n++; if ($c["ok"] != 10 || $c["model_cpu_s"] < 0.15) bad++ }
	END { exit n != 2 || bad > 0 }' "$dir/summary.csv"
check "adhoc-cmd: trace.csv has 20 ok rows" test "$(grep -c ',"ok",' "$dir/trace.csv")" -eq 20
printf 'name = plugin\nstage = %s\nmodels = forkpool async\nconcurrency = 2\n' \
    "$build/stages/spin.so:2" >"$tmp/plugin.conf"
bench plugin --scenario "$tmp/plugin.conf"
check "plugin meta.json: $(jq -c .scenario.stage "$dir/meta.json")" \
    jqe --arg s "$build/stages/spin.so:2" '.scenario.stage == $s' "$dir/meta.json"
check "plugin: 2 runs of 10 ok" awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	{ n++; if ($c["ok"] != 10) bad++ } END { exit n != 2 || bad > 0 }' "$dir/summary.csv"
check "no co-process left behind by the bench" test -z "$(mine "stage.py --spin-ms 20")"

summary stage.sh
