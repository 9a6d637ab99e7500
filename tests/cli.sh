#!/usr/bin/env bash
# CLI contract checks that need no S3 server: --help on every command exits 0, bad command
# lines exit 2 with one line naming the bad thing, missing AWS settings exit 3, and the
# generator's output does not depend on the thread count.
set -uo pipefail
bin=${1:?usage: tests/cli.sh path/to/exifbench}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 n=0

# expect CODE PATTERN CMD...: exit status CODE, and PATTERN (grep -E) in stdout+stderr.
expect() {
	local code=$1 pat=$2 out rc
	shift 2
	n=$((n + 1))
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -ne "$code" ] || ! grep -qE -- "$pat" <<<"$out"; then
		echo "FAIL: $* -> exit $rc (want $code), output: $(head -c 300 <<<"$out")"
		fails=$((fails + 1))
	fi
}

expect 0 '^usage: exifbench' "$bin" --help
expect 0 '^exifbench [0-9]' "$bin" --version
expect 2 'usage' "$bin"
expect 2 "unknown command 'frob'" "$bin" frob
for c in gen load verify rm; do
	expect 0 "^usage: exifbench dataset $c" "$bin" dataset "$c" --help
done
expect 0 'seed003' "$bin" dataset profiles
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

# Same seed, same bytes, whatever the thread count; another seed, other bytes.
expect 0 'generated 50 files' "$bin" dataset gen --profile tiny --out "$tmp/a" --threads 1 --bad-fraction 0.2
expect 0 '"files": 50' "$bin" dataset gen --profile tiny --out "$tmp/b" --threads 3 --bad-fraction 0.2 --json
expect 0 'generated 50 files' "$bin" dataset gen --profile tiny --out "$tmp/c" --seed 99
n=$((n + 1))
if ! diff -r "$tmp/a" "$tmp/b" >/dev/null || diff -q "$tmp/a/manifest.jsonl" "$tmp/c/manifest.jsonl" >/dev/null; then
	echo "FAIL: generator output depends on threads, or ignores the seed"
	fails=$((fails + 1))
fi
n=$((n + 1))
if ! grep -q '"kind":"truncated"' "$tmp/a/manifest.jsonl" || ! grep -q '"kind":"corrupt"' "$tmp/a/manifest.jsonl"; then
	echo "FAIL: --bad-fraction 0.2 made no truncated or corrupt file"
	fails=$((fails + 1))
fi

echo "cli: $((n - fails))/$n checks passed"
[ "$fails" -eq 0 ]
