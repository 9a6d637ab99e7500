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
expect 2 'usage' "$bin"
expect 2 "unknown command 'frob'" "$bin" frob
for c in gen load verify rm ls; do
	expect 0 "^usage: exifbench dataset $c" "$bin" dataset "$c" --help
done
expect 0 'seed003' "$bin" dataset profiles

# exif: local files, no server
corpus=${EXIFBENCH_CORPUS:-../shared/exif-corpus}
expect 0 '^usage: exifbench exif' "$bin" exif --help
expect 2 'needs at least one FILE' "$bin" exif
expect 0 '"Make":"Canon","Model":"Canon EOS 40D"' "$bin" exif "$corpus/jpeg/exif-samples__Canon_40D.jpg"
expect 1 "/nonexist: No such file" "$bin" exif /nonexist "$corpus/jpeg/exif-samples__Canon_40D.jpg"
expect 1 '"Canon EOS 40D"' "$bin" exif /nonexist "$corpus/jpeg/exif-samples__Canon_40D.jpg"

# run: the command line is checked before any S3 setting is read
expect 0 '^usage: exifbench run' "$bin" run --help
expect 2 "unknown --model 'x'" "$bin" run --model x --src s3://abc/a --dst s3://abc/b
expect 2 "unknown --transform 'blur'" "$bin" run -m async -t blur --src s3://abc/a --dst s3://abc/b
expect 2 "--quality '0' must be" "$bin" run -m async -q 0 --src s3://abc/a --dst s3://abc/b
expect 2 "--cpu-spin-ms '-1' must be" "$bin" run -m async --cpu-spin-ms -1 --src s3://abc/a --dst s3://abc/b
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
expect 3 'must start with http' env AWS_ENDPOINT_URL=ftp://h AWS_ACCESS_KEY_ID=a \
	AWS_SECRET_ACCESS_KEY=b "$bin" dataset load "$tmp" s3://abc/x

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
expect 2 "key 'latency_ms': 'x'" "$bin" bench --scenario bench/io-bound.conf -n --set latency_ms=x
expect 2 "jitter_ms 0 needs|needs jitter_ms" "$bin" bench --scenario bench/io-bound.conf -n --set jitter_ms=0
expect 2 "PU list '9'" "$bin" bench --scenario bench/io-bound.conf -n --client-cpus 9
expect 2 "client_cpus" "$bin" bench --scenario bench/io-bound.conf -n --client-cpus 0-x
expect 2 "level 8 given twice" "$bin" bench --scenario bench/io-bound.conf -n --set "concurrency=8 8"
expect 2 "client_cpus: '0' given twice" "$bin" bench --scenario bench/io-bound.conf -n \
	--client-cpus 0 --client-cpus 0

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
