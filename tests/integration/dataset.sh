#!/usr/bin/env bash
# The dataset commands end to end against the real S3 server named by AWS_* (run through
# harness/with-s3-local): generate with bad files mixed in, load, verify by SHA-256 and by LIST,
# load the shared corpus, catch a replaced and a deleted object, refuse a wrong secret in one
# line, never print the secret, and remove everything afterwards.
set -uo pipefail
bin=${1:?usage: tests/integration/dataset.sh path/to/exifbench}
tmp=$(mktemp -d)
bucket=exifbench-ds-$$
export EXPECT_LOG=$tmp/all-output.log
trap '"$bin" dataset rm --bucket "s3://$bucket" >/dev/null 2>&1; rm -rf "$tmp"' EXIT
. "$(dirname "$0")/../lib.sh"
find_corpus

expect 0 'generated 50 files' "$bin" dataset gen --profile tiny --out "$tmp/tiny" --bad-fraction 0.2
expect 0 'loaded 50/50 files .* LIST shows 50/50' "$bin" dataset load "$tmp/tiny" "s3://$bucket/tiny"
expect 0 '50 ok, 0 missing, 0 mismatched, 0 failed' "$bin" dataset verify "$tmp/tiny" "s3://$bucket/tiny"
expect 0 '"ok": 50' "$bin" dataset verify --list-only --json "$tmp/tiny/manifest.jsonl" "s3://$bucket/tiny"
if [ -d "$corpus/jpeg" ]; then
	expect 0 'loaded 124/124 files .* LIST shows 124/124' "$bin" dataset load -c 4 "$corpus/jpeg" "s3://$bucket/corpus"
else
	check "shared EXIF corpus not found (set EXIFBENCH_CORPUS)" false
fi

# Replace one object with another image of the same name, delete another: both are caught.
mkdir -p "$tmp/other"
"$bin" dataset gen --profile tiny --count 4 --seed 7 --out "$tmp/other-all" >/dev/null
cp "$tmp/other-all/IMG_00003.jpg" "$tmp/other/"
expect 0 'loaded 1/1' "$bin" dataset load "$tmp/other" "s3://$bucket/tiny"
expect 0 'removed 1 object' "$bin" dataset rm "s3://$bucket/tiny/IMG_00007.jpg"
expect 1 '48 ok, 1 missing, 1 mismatched, 0 failed' "$bin" dataset verify "$tmp/tiny" "s3://$bucket/tiny"
expect 1 'tiny/IMG_00003.jpg: content differs' "$bin" dataset verify "$tmp/tiny" "s3://$bucket/tiny"
expect 1 'tiny/IMG_00007.jpg: .*(not in the bucket|no key)' "$bin" dataset verify -l "$tmp/tiny" "s3://$bucket/tiny"

# Setup errors: one line each, exit 3.
expect 3 "^exifbench: credentials rejected by $AWS_ENDPOINT_URL " \
	env AWS_SECRET_ACCESS_KEY=wrong-secret-value "$bin" dataset verify "$tmp/tiny" "s3://$bucket/tiny"
check "wrong secret: more than one line of output" test "$(AWS_SECRET_ACCESS_KEY=wrong \
	"$bin" dataset verify "$tmp/tiny" "s3://$bucket/tiny" 2>&1 | wc -l)" -eq 1
expect 3 "bucket '$bucket-none' does not exist" "$bin" dataset verify "$tmp/tiny" "s3://$bucket-none/x"
expect 3 'cannot reach S3 endpoint http://127.0.0.1:1' env AWS_ENDPOINT_URL=http://127.0.0.1:1 \
	"$bin" dataset load "$tmp/tiny" "s3://$bucket/x"
expect 0 'removed [0-9]+ objects and the bucket' "$bin" dataset rm --bucket "s3://$bucket"

check "the secret key appears in the output" bash -c '! grep -qF -- "$AWS_SECRET_ACCESS_KEY" "$EXPECT_LOG"'
summary dataset
