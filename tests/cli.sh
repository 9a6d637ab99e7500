#!/usr/bin/env bash
# CLI contract checks that need no S3 server: --help on every command exits 0, bad command
# lines exit 2 with one line naming the bad thing, missing AWS settings exit 3, and the
# generator's output does not depend on the thread count.
set -uo pipefail
bin=${1:?usage: tests/cli.sh path/to/exifbench}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"

expect 0 '^usage: exifbench' "$bin" --help
expect 0 '^exifbench [0-9]' "$bin" --version
expect 0 '^ *-k, --insecure' "$bin" --help
expect 2 '^usage: exifbench' "$bin" --insecure
expect 2 "unknown command 'nope'" "$bin" --insecure nope
expect 2 'usage' "$bin"
expect 2 "unknown command 'frob'" "$bin" frob
for c in gen load verify rm ls; do
	expect 0 "^usage: exifbench dataset $c" "$bin" dataset "$c" --help
done
expect 0 'seed003' "$bin" dataset profiles

# exif: local files, no server
corpus=${EXIFBENCH_CORPUS:-../shared/exif-corpus}
expect 0 '^usage: exifbench exif' "$bin" exif --help
truncate -s 257M "$tmp/huge.jpg"	# sparse: no disk, no memory when refused before reading
expect 1 "huge.jpg: larger than 256 MiB, the cap of an image" "$bin" exif "$tmp/huge.jpg"
rm -f "$tmp/huge.jpg"
expect 2 'needs at least one FILE' "$bin" exif
expect 0 '"Make":"Canon","Model":"Canon EOS 40D"' "$bin" exif "$corpus/jpeg/exif-samples__Canon_40D.jpg"
expect 1 "/nonexist: No such file" "$bin" exif /nonexist "$corpus/jpeg/exif-samples__Canon_40D.jpg"
expect 1 '"Canon EOS 40D"' "$bin" exif /nonexist "$corpus/jpeg/exif-samples__Canon_40D.jpg"

# trace: a run's stage times, from a local run's trace (no server)
expect 0 '^usage: exifbench trace' "$bin" trace --help
expect 2 'trace needs one FILE' "$bin" trace
expect 2 "trace: $tmp/nope.csv: No such file" "$bin" trace "$tmp/nope.csv"
printf 'a,b\n1,2\n' >"$tmp/notrace.csv"
expect 2 "notrace.csv: no column 'outcome': not a trace" "$bin" trace "$tmp/notrace.csv"
expect 0 'ok' "$bin" run -m sequential --src "$corpus/jpeg" --dst "$tmp/trace-out" --limit 6 \
	--trace "$tmp/t.csv" --quiet
expect 0 't.csv: 6 images, [0-9]+ ok' "$bin" trace "$tmp/t.csv"
expect 0 '^get +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+$' "$bin" trace "$tmp/t.csv"
expect 0 '^process ' "$bin" trace "$tmp/t.csv"
"$bin" trace --json "$tmp/t.csv" >"$tmp/t.json" 2>&1
check "trace --json: $(head -c 200 "$tmp/t.json")" jqe '.images == 6 and .ok + .failed == 6 and
    .stages.get.p50_ms <= .stages.get.max_ms and (.stages.get.cpu_ms | type) == "number" and
    (.stages.response == null)' "$tmp/t.json"
rm -rf "$tmp/trace-out"

# run: the command line is checked before any S3 setting is read
expect 0 '^usage: exifbench run' "$bin" run --help
expect 2 "unknown --model 'x'" "$bin" run --model x --src s3://abc/a --dst s3://abc/b
expect 2 "unknown --transform 'blur'" "$bin" run -m async -t blur --src s3://abc/a --dst s3://abc/b
expect 2 "--quality '0' must be" "$bin" run -m async -q 0 --src s3://abc/a --dst s3://abc/b
expect 2 "--cpu-spin-ms '-1' must be" "$bin" run -m async --cpu-spin-ms -1 --src s3://abc/a --dst s3://abc/b
# open loop: the schedule's options
expect 0 '^ *--rate R  *open loop' "$bin" run --help
expect 2 "--rate '0' must be" "$bin" run -m async --rate 0 --src s3://abc/a --dst s3://abc/b
expect 2 "--rate '2e6' must be" "$bin" run -m async --rate 2e6 --src s3://abc/a --dst s3://abc/b
expect 2 "unknown --arrivals 'bursty' \\(constant, poisson\\)" "$bin" run -m async --rate 5 \
	--arrivals bursty --src s3://abc/a --dst s3://abc/b
expect 2 "--arrivals needs --rate \\(open loop\\)" "$bin" run -m async --arrivals poisson \
	--src s3://abc/a --dst s3://abc/b
expect 2 "--max-backlog needs --rate" "$bin" run -m async --max-backlog 9 --src s3://abc/a --dst s3://abc/b
expect 2 "--max-backlog '0' must be" "$bin" run -m async --rate 5 --max-backlog 0 \
	--src s3://abc/a --dst s3://abc/b
expect 2 "--src: 'http://abc/x' is not s3://BUCKET\\[/PREFIX\\], a folder or file:///PATH" \
    "$bin" run -m async --src http://abc/x --dst s3://abc/b
expect 2 "^exifbench: --src /.*/no-such-folder-h16: No such file or directory$" \
    "$bin" run -m async --src no-such-folder-h16 --dst s3://abc/b
expect 3 'AWS_ENDPOINT_URL is not set' env -u AWS_ENDPOINT_URL "$bin" run -m async --src s3://abc/a --dst s3://abc/b
expect 2 "unknown dataset command 'nope'" "$bin" dataset nope
expect 2 "unknown profile 'huge'" "$bin" dataset gen --profile huge --out "$tmp/x"
expect 2 'needs --profile and --out' "$bin" dataset gen --profile tiny
expect 2 "--bad-fraction '2' must be" "$bin" dataset gen --profile tiny --out "$tmp/x" --bad-fraction 2
expect 2 "--count 'abc' must be" "$bin" dataset gen --profile tiny --out "$tmp/x" --count abc
expect 2 "not an s3://BUCKET/PREFIX" "$bin" dataset load "$tmp" http://bucket/x
expect 2 "bucket names are 3 to 63" "$bin" dataset load "$tmp" s3://AB/x
expect 2 "--concurrency '0'" "$bin" dataset load --concurrency 0 "$tmp" s3://abc/x
expect 3 'AWS_ENDPOINT_URL is not set' env -u AWS_ENDPOINT_URL "$bin" dataset load "$tmp" s3://abc/x
# A bad local folder or output path is a bad input (2), found before any request.
dead=(env AWS_ENDPOINT_URL=http://127.0.0.1:9 AWS_ACCESS_KEY_ID=a AWS_SECRET_ACCESS_KEY=b)
expect 2 "dataset load DIR '$tmp/none': No such file" "${dead[@]}" "$bin" dataset load \
	"$tmp/none" s3://abc/x
: >"$tmp/afile"
expect 2 "dataset load DIR '$tmp/afile': not a folder" "${dead[@]}" "$bin" dataset load \
	"$tmp/afile" s3://abc/x
expect 2 "dataset index DIR '$tmp/none': No such file" "$bin" dataset index "$tmp/none" --out -
expect 2 "dataset index --out '$tmp/afile/m.jsonl': cannot write in" "$bin" dataset index \
	"$tmp" --out "$tmp/afile/m.jsonl"
expect 2 "dataset gen --out: cannot create '$tmp/afile/x'" "$bin" dataset gen --profile tiny \
	--out "$tmp/afile/x"
expect 3 'must start with http' env AWS_ENDPOINT_URL=ftp://h AWS_ACCESS_KEY_ID=a \
	AWS_SECRET_ACCESS_KEY=b "$bin" dataset load "$tmp" s3://abc/x

# A run that cannot start still prints its outcome with --json; a run of nothing says so.
expect 3 '^\{"model": "async", "listed": 0, "ok": 0, "failed": 0, "exit_code": 3, "error": "--dst: cannot reach S3 endpoint http://127.0.0.1:9' \
	"${dead[@]}" "$bin" run -m async --src s3://abc/x --dst s3://abd/y --json
expect 3 '"exit_code": 3, "error": "AWS_ENDPOINT_URL is not set' env -u AWS_ENDPOINT_URL \
	"$bin" run -m async --src s3://abc/x --dst s3://abd/y --json
mkdir "$tmp/nothing" && : >"$tmp/nokeys"
expect 0 'warning: --src holds no file or object: nothing was run' "$bin" run -m sequential \
	--src "$tmp/nothing" --dst "$tmp/nothing-out"
expect 0 "warning: --keys file '$tmp/nokeys' names no key: nothing was run" "$bin" run \
	-m async --src "$tmp/nothing" --dst "$tmp/nothing-out" --keys "$tmp/nokeys"

# run --results: a new or empty folder only, checked before any S3 setting is read
mkdir "$tmp/full" && touch "$tmp/full/x"
expect 2 "--results '$tmp/full' is not empty" "$bin" run -m async --src s3://abc/a --dst s3://abc/b \
	--results "$tmp/full"
expect 2 "--results '$tmp/full/x' is not a folder" "$bin" run -m async --src s3://abc/a \
	--dst s3://abc/b --results "$tmp/full/x"
expect 0 '--results DIR' "$bin" run --help

# the option loop (cli_options): help on stdout, a bad option's usage on stderr, exit 2
expect 0 '^  hybrid  ' "$bin" run -h
expect 0 '^usage: exifbench dataset gen' "$bin" dataset gen --he
expect 0 '^0$' bash -c "'$bin' run --bogus 2>/dev/null | wc -c"
expect 2 "unrecognized option '--bogus'" "$bin" run --bogus
expect 2 "'--t' is ambiguous" "$bin" run --t x
expect 2 "'--model' requires an argument" "$bin" run --model
expect 2 "invalid option -- 'x'" "$bin" dataset gen -x
expect 2 "unknown --model 'x' \\(sequential, pthreads, forkpool, async, hybrid\\)" \
	"$bin" run --model x -h
expect 2 'keeps at most 1 request' "$bin" run -m sequential -c 2 --src s3://abc/a --dst s3://abc/b
expect 2 "--limit '0' must be an integer" "$bin" run -m async -n 0 --src s3://abc/a --dst s3://abc/b
expect 2 "--duration 'nan' must be a number" "$bin" run -m async --duration nan --src s3://abc/a \
	--dst s3://abc/b
expect 2 "unknown profile 'huge' \\(tiny, default, seed003\\)" "$bin" dataset gen -p huge -o "$tmp/x"
expect 2 "--bad-fraction 'nan' must be a number from 0 to 1" "$bin" dataset gen -p tiny \
	-o "$tmp/x" -b nan
expect 2 "option '--sha256' does not apply here" "$bin" dataset load --sha256 "$tmp" s3://abc/x
expect 2 "option '--list' does not apply here" "$bin" dataset rm --list s3://abc/x
expect 2 "invalid option -- 'B'" "$bin" dataset ls -B s3://abc/x
expect 2 '^usage: exifbench dataset verify' "$bin" dataset verify "$tmp"
expect 2 'drop the prefix' env AWS_ENDPOINT_URL=http://127.0.0.1:1 AWS_ACCESS_KEY_ID=a \
	AWS_SECRET_ACCESS_KEY=b "$bin" dataset rm --bucket s3://abc/x

# bench: the shipped scenarios parse, and a plan is printed without any server
for sc in bench/io-bound.conf bench/cpu-bound.conf bench/mixed.conf bench/hardware-scaling.conf; do
	expect 0 'runs of ' "$bin" bench --scenario "$sc" --dry-run
done
expect 0 '^usage: exifbench bench' "$bin" bench --help
expect 0 '14 runs of hardware-scaling' "$bin" bench --scenario bench/hardware-scaling.conf -n
printf '# nothing but a comment\n\n' >"$tmp/empty.conf"
expect 2 "empty.conf: no key in it \\(an empty scenario\\)" "$bin" bench --scenario "$tmp/empty.conf" -n
expect 0 '^1 +sequential +1 ' "$bin" bench --scenario bench/io-bound.conf -n --set models=sequential
expect 0 '4 runs of io-bound' "$bin" bench --scenario bench/io-bound.conf -n --set models=async \
	--set repeat=1 --client-cpus 0
expect 0 '37 runs of io-bound; each at most 30 s' "$bin" bench --scenario bench/io-bound.conf -n \
	--profile full
expect 2 "io-bound.conf: unknown profile 'huge'" "$bin" bench --scenario bench/io-bound.conf -n \
	--profile huge
expect 0 'report DIR .*compare A B' bash -c "'$bin' --help | tr '\\n' ' '"
expect 2 'needs --scenario' "$bin" bench
expect 2 "nope.conf: No such file" "$bin" bench --scenario "$tmp/nope.conf"
printf 'name = t\n\nlatency_ms = 5\nmodles = async\n' >"$tmp/t.conf"
expect 2 "t.conf:4: unknown key 'modles'" "$bin" bench --scenario "$tmp/t.conf" -n
printf 'models = async threads\n' >"$tmp/t.conf"
expect 2 "t.conf:1: key 'models': unknown model 'threads'" "$bin" bench --scenario "$tmp/t.conf" -n
expect 2 "key 'latency_ms': 'x' is not auto or a number" "$bin" bench --scenario \
	bench/io-bound.conf -n --set latency_ms=x
# latency_ms = auto (the shipped scenarios) resolves only once the endpoint is known.
expect 0 '^latency: auto: 50 ms one-way on the local server, 0 elsewhere and no jitter there' \
	"$bin" bench --scenario bench/io-bound.conf -n
expect 0 '^latency: auto: 50 ms one-way on the local server, 0 elsewhere \(resolved' "$bin" \
	bench --scenario bench/cpu-bound.conf -n --set latency_ms=auto
expect 0 '^latency: 7 ms one-way added' "$bin" bench --scenario bench/mixed.conf -n \
	--set latency_ms=7
expect 2 "jitter_ms 0 needs|needs jitter_ms" "$bin" bench --scenario bench/io-bound.conf -n --set jitter_ms=0
expect 2 "PU list '9'" "$bin" bench --scenario bench/io-bound.conf -n --client-cpus 9
expect 2 "client_cpus" "$bin" bench --scenario bench/io-bound.conf -n --client-cpus 0-x
expect 2 "level 8 given twice" "$bin" bench --scenario bench/io-bound.conf -n --set "concurrency=8 8"
expect 2 "client_cpus: '0' given twice" "$bin" bench --scenario bench/io-bound.conf -n \
	--client-cpus 0 --client-cpus 0

# bench without a scenario file: --model and --levels make an ad-hoc scenario (its keys' own checks)
expect 0 '^ +exifbench bench --model LIST \[--levels LIST\]' "$bin" bench --help
expect 0 '--levels LIST' "$bin" bench --help
"$bin" bench --model async,hybrid --levels 1,16,64 --dry-run >"$tmp/plan" 2>&1
check "an ad-hoc dry run prints 6 runs of adhoc" grep -q '^6 runs of adhoc; each runs the whole dataset' "$tmp/plan"
check "its plan has async and hybrid at 1, 16 and 64, in order" [ "$(awk 'NR > 1 && NF == 7 {
	printf "%s:%s ", $2, $3 }' "$tmp/plan")" = "async:1 async:16 async:64 hybrid:1 hybrid:16 hybrid:64 " ]
expect 0 '^3 runs of mine; each runs its images' "$bin" bench --model sequential,async --levels 1,4 \
	--images 12 --name mine --source s3://mybucket/photos -n
expect 0 '^2 +async +8 .* 2 +1$' "$bin" bench --model async --repeat 2 -n
expect 0 '^4 +async +8 .* 1 +3$' "$bin" bench --model async --levels 1,8 --set 'clients=1 3' -n
expect 2 "clients: 3 given twice" "$bin" bench --model async --set 'clients=3 3' -n
expect 0 '^1 +async +2 ' "$bin" bench --model async --levels 1,16 --set concurrency=2 -n
expect 2 'needs --scenario FILE, or --model LIST' "$bin" bench --levels 1,4 -n
expect 2 '--model is for an ad-hoc bench, not with --scenario' "$bin" bench --scenario \
	bench/io-bound.conf --model async -n
expect 2 '--levels is for an ad-hoc bench' "$bin" bench -s bench/io-bound.conf --levels 1 -n
expect 2 "--model async,threads: key 'models': unknown model 'threads'" "$bin" bench \
	--model async,threads -n
expect 2 "--levels '1,,4': expected a comma-separated list" "$bin" bench --model async --levels 1,,4 -n
expect 2 "--levels 0: key 'concurrency': '0' is not an integer" "$bin" bench --model async --levels 0 -n
expect 2 "--cpu-spin-ms x: key 'cpu_spin_ms'" "$bin" bench --model async --cpu-spin-ms x -n
expect 2 "--images -1: key 'images'" "$bin" bench --model async --images -1 -n
expect 2 "--source http://x: key 'source'" "$bin" bench --model async --source http://x -n
expect 2 "stage_cmd cat replaces the built-in stage" "$bin" bench --model async --stage-cmd cat \
	--transform thumbnail -n
expect 2 '--profile needs --scenario' "$bin" bench --model async --profile full -n
expect 2 "unexpected argument 'x'" "$bin" bench --model async x -n
expect 0 '^1 +async +8 ' "$bin" bench --scenario bench/io-bound.conf -n --set models=async \
	--set concurrency=8 --images 3 --set repeat=1

# shape: the command line
expect 0 '^usage: exifbench shape' "$bin" shape --help
expect 2 "--latency-ms" "$bin" shape --latency-ms -5
expect 2 "--reset-fraction" "$bin" shape --reset-fraction 1.5

# Same seed, same bytes, whatever the thread count; another seed, other bytes.
expect 0 'generated 50 files' "$bin" dataset gen --profile tiny --out "$tmp/a" --threads 1 --bad-fraction 0.2
expect 0 '"files": 50' "$bin" dataset gen --profile tiny --out "$tmp/b" --threads 3 --bad-fraction 0.2 --json
expect 0 'generated 50 files' "$bin" dataset gen --profile tiny --out "$tmp/c" --seed 99
check "generator output depends on the thread count" diff -r "$tmp/a" "$tmp/b"
check "generator ignores the seed" \
	bash -c "! cmp -s '$tmp/a/manifest.jsonl' '$tmp/c/manifest.jsonl'"
check "--bad-fraction 0.2 made no truncated file" grep -q '"kind":"truncated"' "$tmp/a/manifest.jsonl"
check "--bad-fraction 0.2 made no corrupt file" grep -q '"kind":"corrupt"' "$tmp/a/manifest.jsonl"
summary cli
