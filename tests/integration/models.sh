#!/usr/bin/env bash
# The five concurrency models end to end against the real S3 server named by AWS_* (run through
# harness/with-s3-local). They run over generated images with bad files mixed in plus the shared
# corpus (real photos, malformed files); the test then proves that their outputs are the same
# bytes, that every key ends with exactly one outcome whatever happens (a missing key, a corrupt
# file, a killed worker process, a server stopped mid-run, Ctrl-C), that exit codes and flags
# do what `exifbench run --help` says, and that no process is left behind. Everything lives in
# a bucket of its own and, for the stopped server, a private server; both are removed at the end.
set -uo pipefail
bin=${1:?usage: tests/integration/models.sh path/to/exifbench}
: "${AWS_ENDPOINT_URL:?run through harness/with-s3-local}"
s3local=$(cd "$(dirname "$0")/../../harness" && pwd)/s3-local
models="sequential pthreads forkpool async hybrid"
t0=$(date +%s.%N)
tmp=$(mktemp -d)
bucket=exifbench-itm-$$
src=s3://$bucket/in

. "$(dirname "$0")/../lib.sh"	# free_port, expect, check
find_corpus

# The private server of the stopped-server case, and the settings of the main one.
srv_dir=/tmp/exifbench-itm-srv-$$
srv=(env EXIFBENCH_S3_DIR="$srv_dir" EXIFBENCH_S3_PORT="$(free_port 7680)"
	EXIFBENCH_MON_PORT="$(free_port 17680)" "$s3local")
main_env=(AWS_ENDPOINT_URL="$AWS_ENDPOINT_URL" AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-}"
	AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-}" AWS_REGION="${AWS_REGION:-us-east-1}")
bgpid=
tab=$(printf '\t')

cleanup() {
	[ -z "$bgpid" ] || kill -9 -- "-$bgpid" 2>/dev/null
	[ ! -d "$srv_dir" ] || { "${srv[@]}" down >/dev/null 2>&1 && rm -rf "$srv_dir"; }
	env "${main_env[@]}" "$bin" dataset rm --bucket "s3://$bucket" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# field NAME FILE: the value of NAME in the one-line JSON summary in FILE.
field() {
	sed -n "s/.*\"$1\": \([^,}]*\).*/\1/p" "$2" | tail -n 1
}

# outcomes TRACE: "OUTCOME<TAB>KEY<TAB>REASON" for each row of a --trace CSV.
outcomes() {
	sed -n '2,$ s/^"\(\([^"]\|""\)*\)","\(ok\|failed\)","\(\([^"]\|""\)*\)",.*/\3\t\1\t\4/p' \
	    "$1" | sed 's/""/"/g'
}

# keys_of OUTCOME TRACE: the keys with that outcome ("" for all), sorted.
keys_of() {
	outcomes "$2" | awk -F'\t' -v o="$1" 'o == "" || $1 == o { print $2 }' | LC_ALL=C sort
}

# accounted NAME WANT_RC RC [LISTED]: checks run NAME's files: exit status WANT_RC; each key
# handed out has one trace row and one count: rows == listed == ok + failed (== LISTED when
# given), and one line on stderr per failed key.
accounted() {
	local name=$1 want=$2 rc=$3 out=$tmp/$1.json trace=$tmp/$1.csv listed ok failed rows dups
	listed=$(field listed "$out") ok=$(field ok "$out") failed=$(field failed "$out")
	rows=$(($(wc -l <"$trace") - 1))
	dups=$(keys_of "" "$trace" | uniq -d | head -n 3)
	check "$name: exit $rc, want $want: $(head -c 300 "$tmp/$name.err")" test "$rc" -eq "$want"
	if [ -z "$listed" ] || [ -z "$ok" ] || [ -z "$failed" ]; then
		check "$name: no JSON summary: $(head -c 300 "$out")" false
		return
	fi
	check "$name: $rows trace rows for $listed listed keys" test "$rows" -eq "$listed"
	check "$name: ok $ok + failed $failed != listed $listed" test $((ok + failed)) -eq "$listed"
	check "$name: unparsed trace rows" test "$(outcomes "$trace" | wc -l)" -eq "$rows"
	check "$name: keys recorded twice: $dups" test -z "$dups"
	check "$name: ok $ok, but other ok rows" test "$(keys_of ok "$trace" | wc -l)" -eq "$ok"
	check "$name: not one stderr line per failed key" \
	    test "$(grep -v '^exifbench: run: ' "$tmp/$name.err" | grep -c .)" -eq "$failed"
	[ $# -lt 4 ] || check "$name: listed $listed, want $4" test "$listed" -eq "$4"
}

# run NAME WANT_RC LISTED ARGS...: exifbench run --json --trace, then accounted (LISTED "-"
# when unknown). The summary goes to $tmp/NAME.json, stderr to .err, the trace to .csv.
run() {
	local name=$1 want=$2 listed=$3 rc
	shift 3
	"$bin" run --json --trace "$tmp/$name.csv" "$@" >"$tmp/$name.json" 2>"$tmp/$name.err"
	rc=$?
	if [ "$listed" = - ]; then
		accounted "$name" "$want" "$rc"
	else
		accounted "$name" "$want" "$rc" "$listed"
	fi
}

# outputs DST NAME: `dataset ls --sha256` of s3://$bucket/DST into $tmp/NAME.ls.
outputs() {
	"$bin" dataset ls --sha256 "s3://$bucket/$1" >"$tmp/$2.ls" 2>"$tmp/$2.ls.err"
	check "dataset ls --sha256 s3://$bucket/$1: $(head -c 300 "$tmp/$2.ls.err")" test $? -eq 0
}

# one_json_per_ok NAME: the outputs of run NAME are KEY.json for each of its ok keys.
one_json_per_ok() {
	check "$1: the outputs are not one KEY.json per ok key" cmp -s <(cut -f1 "$tmp/$1.ls") \
	    <(keys_of ok "$tmp/$1.csv" | sed 's|^in/||; s|$|.json|')
}

# same_outputs A B: the output listings of runs A and B are equal, byte for byte.
same_outputs() {
	check "outputs of $2 differ from $1's: $(diff "$tmp/$1.ls" "$tmp/$2.ls" | head -n 4)" \
	    cmp -s "$tmp/$1.ls" "$tmp/$2.ls"
}

# start_bg NAME ARGS...: exifbench run in the background in a process group of its own, as a
# shell job is (a terminal's Ctrl-C reaches the whole group); $bgpid is its pid and group.
start_bg() {
	local name=$1
	shift
	setsid "$bin" run --json --trace "$tmp/$name.csv" "$@" >"$tmp/$name.json" \
	    2>"$tmp/$name.err" &
	bgpid=$!
	: >"$tmp/$name.children"
}

# running: the background run has not exited.
running() {
	kill -0 "$bgpid" 2>/dev/null && [ "$(cut -d' ' -f3 "/proc/$bgpid/stat" 2>/dev/null)" != Z ]
}

# children NAME: notes the background run's child processes; prints how many it has.
children() {
	pgrep -P "$bgpid" | tee -a "$tmp/$1.children" | wc -l
}

# wait_bg NAME SECONDS: waits for the background run, killing it after SECONDS, noting its
# children meanwhile; sets bgrc. No process of its group, and none of its children seen, may
# outlive it.
wait_bg() {
	local name=$1 i=0 p left
	while running && [ $i -lt $(($2 * 10)) ]; do
		children "$name" >/dev/null
		sleep 0.1
		i=$((i + 1))
	done
	check "$name: still running after $2 s" test $i -lt $(($2 * 10))
	running && kill -9 "$bgpid"
	wait "$bgpid" 2>/dev/null
	bgrc=$?
	left=$(pgrep -g "$bgpid" | tr '\n' ' ')
	for p in $(sort -u "$tmp/$name.children"); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" != exifbench ] || left="$left $p"
	done
	check "$name: processes left behind: $left" test -z "$left"
	kill -9 -- "-$bgpid" 2>/dev/null
	bgpid=
}

# sleep_until_done N NAME: waits until the background run has finished N keys (its trace is
# buffered, so this counts the output objects instead) or 10 s passed.
sleep_until_done() {
	local i=0
	while [ "$("$bin" dataset ls "s3://$bucket/$2" 2>/dev/null | wc -l)" -lt "$1" ] &&
	    running && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# images NAME PREFIX: the images (not the .json) that run NAME uploaded, as input keys
# (PREFIX/KEY), joined with their input: "KEY SIZE SHA256 INPUT_SIZE INPUT_SHA256".
images() {
	grep -v "\.json$tab" "$tmp/$1.ls" | sed "s|^|$2/|" | LC_ALL=C sort |
	    LC_ALL=C join -t "$tab" - "$tmp/inputs.ls"
}

# usage_error PATTERN ARGS...: exit 2 with one line matching PATTERN.
usage_error() {
	local pat=$1
	shift
	expect 2 "$pat" "$bin" run "$@"
	check "run $*: more than one line" test "$("$bin" run "$@" 2>&1 | wc -l)" -eq 1
}

# kind KIND: the tiny keys of that kind in its manifest, sorted.
kind() {
	sed -n "s/^{\"key\":\"\([^\"]*\)\".*\"kind\":\"$1\".*/in\/tiny\/\1/p" \
	    "$tmp/tiny/manifest.jsonl" | LC_ALL=C sort
}

# --- the dataset: tiny with 20% bad files, the corpus's photos and its malformed files ---
expect 0 'generated 50 files' "$bin" dataset gen --profile tiny --bad-fraction 0.2 \
    --out "$tmp/tiny"
expect 0 'loaded 50/50' "$bin" dataset load "$tmp/tiny" "$src/tiny"
if [ -d "$corpus/jpeg" ] && [ -d "$corpus/malformed" ]; then
	expect 0 'loaded 124/124' "$bin" dataset load "$corpus/jpeg" "$src/corpus"
	expect 0 'loaded 84/84' "$bin" dataset load "$corpus/malformed" "$src/malformed"
else
	check "shared EXIF corpus not found (set EXIFBENCH_CORPUS)" false
fi
"$bin" dataset ls --sha256 "$src" | sed 's|^|in/|' | LC_ALL=C sort >"$tmp/inputs.ls"
cut -f1 "$tmp/inputs.ls" >"$tmp/inputs"
inputs=$(wc -l <"$tmp/inputs")
check "dataset ls $src: $inputs keys, want 258" test "$inputs" -eq 258 -o ! -d "$corpus/jpeg"
check "tiny has no EXIF-less or corrupt file" test -n "$(kind noexif)" -a -n "$(kind corrupt)"

# --- all five over everything: one outcome per key, corrupt fails, no EXIF is ok, and the
# --- same output bytes
for m in $models; do
	run "$m" 1 "$inputs" -m "$m" --src "$src" --dst "s3://$bucket/out-$m"
	check "$m: the trace's keys are not the listed ones" \
	    cmp -s "$tmp/inputs" <(keys_of "" "$tmp/$m.csv")
	check "$m: a failure other than a corrupt JPEG: $(outcomes "$tmp/$m.csv" |
	    awk -F'\t' '$1 == "failed" && $3 !~ /corrupt JPEG/' | head -n 2)" test -z \
	    "$(outcomes "$tmp/$m.csv" | awk -F'\t' '$1 == "failed" && $3 !~ /corrupt JPEG/')"
	check "$m: EXIF-less files failed" \
	    test -z "$(comm -12 <(kind noexif) <(keys_of failed "$tmp/$m.csv"))"
	check "$m: no corrupt tiny file failed" \
	    test -n "$(comm -12 <(kind corrupt) <(keys_of failed "$tmp/$m.csv"))"
	outputs "out-$m" "$m"
	one_json_per_ok "$m"
	[ "$m" = sequential ] || same_outputs sequential "$m"
done
keys_of ok "$tmp/sequential.csv" | awk 'NR % 8 == 1 || /μ|\(/' >"$tmp/good"
keys_of ok "$tmp/sequential.csv" | grep '^in/tiny/' | head -n 40 >"$tmp/good40"
ngood=$(wc -l <"$tmp/good")

# --- exit 0 over good keys only; a missing key fails alone, with the 404 ---
{ head -n 3 "$tmp/good"; echo "in/tiny/NO_SUCH_KEY-$$.jpg"; tail -n +4 "$tmp/good"; } \
    >"$tmp/missing"
for m in $models; do
	run "$m-good" 0 "$ngood" -m "$m" --src "$src" --dst "s3://$bucket/k-$m" --keys "$tmp/good"
	run "$m-missing" 1 $((ngood + 1)) -m "$m" --src "$src" --dst "s3://$bucket/k-$m" \
	    --keys "$tmp/missing"
	outcomes "$tmp/$m-missing.csv" | grep -v '^ok' >"$tmp/$m-missing.failed"
	check "$m-missing: not the missing key alone failed, with a 404: $(head -c 300 \
	    "$tmp/$m-missing.failed")" test "$(wc -l <"$tmp/$m-missing.failed")" = 1 -a -n \
	    "$(grep "^failed${tab}in/tiny/NO_SUCH_KEY-$$.jpg${tab}no key .*(404)$" \
	    "$tmp/$m-missing.failed")"
	check "$m-missing: no one-line error naming the key on stderr" \
	    grep -q "^exifbench: in/tiny/NO_SUCH_KEY-$$.jpg: .*(404)$" "$tmp/$m-missing.err"
done

# --- a --keys line of 1,025 bytes, one over the limit, ends the stream there:
# the keys before it run, none after it, exit 3 naming the file and line ---
long=in/tiny/$(printf '%01017d' 0)	# 1,025 bytes
{ head -n 2 "$tmp/good"; printf '%s\n' "$long"; head -n 6 "$tmp/good"; } >"$tmp/longkey"
for m in sequential pthreads hybrid; do
	run "$m-long" 3 2 -m "$m" $([ "$m" = sequential ] || echo -c 4) --src "$src" \
	    --dst "s3://$bucket/long-$m" --keys "$tmp/longkey"
	check "$m-long: no error naming the file and line" \
	    grep -q "longkey:3: key longer than 1024 bytes" "$tmp/$m-long.err"
done

# --- keys with a tab, a newline and a backslash: `dataset ls` writes them escaped (jq's
# @tsv), one per line, and `run --keys` reads that back: every key ok under every model ---
one=$(grep -m 1 '^in/tiny/' "$tmp/good")
mkdir "$tmp/odd"
for name in "tab${tab}in.jpg" "new
line.jpg" 'back\slash.jpg' plain.jpg; do
	cp "$tmp/tiny/${one#in/tiny/}" "$tmp/odd/$name"
done
expect 0 'loaded 4/4' "$bin" dataset load "$tmp/odd" "s3://$bucket/odd"
"$bin" dataset ls "s3://$bucket/odd" >"$tmp/odd.ls"
check "dataset ls: 4 lines, the keys escaped: $(tr '\n' '|' <"$tmp/odd.ls")" test \
    "$(wc -l <"$tmp/odd.ls")" -eq 4 -a "$(cut -f1 "$tmp/odd.ls" | tr '\n' '|')" = \
    'back\\slash.jpg|new\nline.jpg|plain.jpg|tab\tin.jpg|'
cut -f1 "$tmp/odd.ls" | sed 's|^|odd/|' >"$tmp/oddkeys"
for m in $models; do	# no --trace: a CSV row with a newline in its key spans two lines
	"$bin" run --json -m "$m" --src "s3://$bucket/odd" --dst "s3://$bucket/odd-$m" \
	    --keys "$tmp/oddkeys" >"$tmp/$m-oddkeys.json" 2>"$tmp/$m-oddkeys.err"
	check "$m-oddkeys: exit $?, 4 listed and ok: $(head -c 300 "$tmp/$m-oddkeys.err")" test \
	    "$(jq -r '"\(.listed) \(.ok)"' "$tmp/$m-oddkeys.json")" = "4 4"
done
printf 'odd/bad\\q.jpg\n' >"$tmp/badesc"
run badesc 3 0 -m async --src "s3://$bucket/odd" --dst "s3://$bucket/odd-x" --keys "$tmp/badesc"
check "a bad escape in --keys names the file and line" \
    grep -q "badesc:1: a backslash that is not" "$tmp/badesc.err"

# --- flags: --limit, --upload-image, --transform, --global-lock ---
for m in $models; do	# IMG_00000 to 4 are good files
	run "$m-limit" 0 5 -m "$m" --src "$src/tiny" --dst "s3://$bucket/lim-$m" --limit 5
done
run upload 0 "$ngood" -m hybrid -c 4 --src "$src" --dst "s3://$bucket/up" --keys "$tmp/good" \
    --upload-image
outputs up upload
check "--upload-image: $(wc -l <"$tmp/upload.ls") outputs for $ngood ok keys" \
    test "$(wc -l <"$tmp/upload.ls")" -eq $((2 * ngood))
check "--upload-image: not one image per ok key" test "$(images upload in | wc -l)" -eq "$ngood"
check "--upload-image: images differ from their input: $(images upload in |
    awk -F'\t' '$2 != $4 || $3 != $5' | head -n 2)" test -z "$(images upload in |
    awk -F'\t' '$2 != $4 || $3 != $5')"
for m in sequential hybrid forkpool; do
	run "thumb-$m" 1 50 -m "$m" --src "$src/tiny" --dst "s3://$bucket/th-$m" \
	    --transform thumbnail --upload-image
	outputs "th-$m" "thumb-$m"
	[ "$m" = sequential ] || same_outputs thumb-sequential "thumb-$m"
done
check "--transform thumbnail: not one image per ok key" test \
    "$(images thumb-sequential in/tiny | wc -l)" -eq "$(field ok "$tmp/thumb-sequential.json")"
check "--transform thumbnail: images not smaller than their input: $(images thumb-sequential \
    in/tiny | awk -F'\t' '$2 >= $4' | head -n 2)" \
    test -z "$(images thumb-sequential in/tiny | awk -F'\t' '$2 >= $4')"
run gil 1 "$inputs" -m pthreads -c 4 --global-lock --src "$src" --dst "s3://$bucket/out-gil"
outputs out-gil gil
same_outputs sequential gil
# hybrid's CPU workers under the lock: the same bytes as without it, and no two PROC stages
# overlap (sorted by start, each starts at or after every earlier one ended: an order, not a time)
head -n 12 "$tmp/good40" >"$tmp/good12"
for g in "" --global-lock; do
	run "hgil$g" 0 12 -m hybrid -c 4 -w 2 --cpu-spin-ms 5 $g --src "$src" \
	    --dst "s3://$bucket/hgil$g" --keys "$tmp/good12"
	outputs "hgil$g" "hgil$g"
done
same_outputs hgil hgil--global-lock
overlaps=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	{ print $col["proc_start_us"], $col["proc_end_us"] }' "$tmp/hgil--global-lock.csv" |
    sort -n | awk '$1 < 0 || $2 < $1 { print "bad " $0; next }
	NR > 1 && $1 < end { print $1 " < " end } $2 > end { end = $2 }')
check "hybrid --global-lock: PROC stages overlap: $(echo "$overlaps" | head -n 2)" \
    test -z "$overlaps"
check "hybrid --global-lock: not 12 PROC stages in the trace" \
    test "$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	$c["proc_start_us"] >= 0' "$tmp/hgil--global-lock.csv" | wc -l)" -eq 12

# --- usage errors, --help ---
usage_error "unknown --model 'threads'" -m threads --src "$src" --dst "s3://$bucket/x"
usage_error 'concurrency must be 1' -m sequential -c 2 --src "$src" --dst "s3://$bucket/x"
usage_error 'workers applies to the hybrid model only' -m pthreads -w 2 --src "$src" \
    --dst "s3://$bucket/x"
usage_error 'lies inside --src' -m async --src "$src" --dst "$src/out"
usage_error 'lies inside --src' -m async --src "s3://$bucket" --dst "s3://$bucket/out"
usage_error 'needs --model, --src and --dst' -m async --dst "s3://$bucket/x"
usage_error 'global-lock applies to the pthreads, hybrid models only' -m async --global-lock \
    --src "$src" --dst "s3://$bucket/x"
expect 0 '^usage: exifbench run' "$bin" run --help

# --- a killed forkpool child: its key is retried once in a new child, so all end ok ---
start_bg kill9 -m forkpool -c 2 --cpu-spin-ms 100 --src "$src" --dst "s3://$bucket/kill9" \
    --keys "$tmp/good40"
i=0
while [ "$(children kill9)" -lt 2 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.5
victim=$(pgrep -P "$bgpid" | head -n 1)
check "kill -9: no forkpool child to kill" test -n "$victim"
[ -z "$victim" ] || kill -9 "$victim"
wait_bg kill9 30
accounted kill9 0 "$bgrc" 40
check "kill -9: no new child replaced pid $victim" \
    test "$(sort -u "$tmp/kill9.children" | wc -l)" -gt 2

# --- Ctrl-C: the keys in flight end and are counted, the rest are not started ---
for m in $models; do
	start_bg "int-$m" -m "$m" --cpu-spin-ms 50 --src "$src" --dst "s3://$bucket/int-$m" \
	    $([ "$m" = sequential ] || echo -c 2)
	sleep_until_done 5 "int-$m"
	kill -INT -- "-$bgpid"
	wait_bg "int-$m" 20
	accounted "int-$m" 130 "$bgrc"
	check "int-$m: the summary does not say stopped" \
	    test "$(field stopped "$tmp/int-$m.json")" = true
	check "int-$m: every key ran: Ctrl-C came too late" \
	    test "$(field listed "$tmp/int-$m.json")" -lt "$inputs"
done

# --- the server stops mid-run: every key still ends, and the run ends ---
if "${srv[@]}" up >"$tmp/srv.log" 2>&1; then
	eval "$("${srv[@]}" env)"
	expect 0 'loaded 50/50' "$bin" dataset load "$tmp/tiny" "$src/tiny"
	start_bg down -m async -c 4 --cpu-spin-ms 50 --src "$src/tiny" --dst "s3://$bucket/down"
	sleep_until_done 5 down
	expect 0 '' "${srv[@]}" down
	wait_bg down 25
	export "${main_env[@]}"
	accounted down "$([ "$bgrc" = 3 ] && echo 3 || echo 1)" "$bgrc"
	check "server down: no key failed" test "$(field failed "$tmp/down.json")" -gt 0 2>/dev/null
else
	check "private server did not start: $(tail -n 3 "$tmp/srv.log")" false
fi

echo "models.sh: $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
summary models
