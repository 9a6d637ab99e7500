#!/usr/bin/env bash
# The request rows of `make microbench` (bench/microbench_s3.c) against the real S3 server
# named by AWS_* (run through harness/with-s3-local): head_request and head_sigv4 run, each
# over every corpus image, and head_sigv4 is compared with head_request; with a wrong secret
# they are skipped, naming the refusal and never the secret, and the CPU rows still run;
# without an endpoint they are skipped, saying so. Figures are not checked: a benchmark's
# numbers are not a test's.
set -uo pipefail
mb=${1:?usage: tests/integration/microbench.sh path/to/microbench}
: "${AWS_ENDPOINT_URL:?run through harness/with-s3-local}"
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
. "$here/../lib.sh"
corpus=${EXIFBENCH_CORPUS:-$here/../../../shared/exif-corpus}/jpeg

"$mb" --corpus "$corpus" --json -t 0.3 head_request head_sigv4 >"$tmp/ok.json" 2>"$tmp/ok.err"
check "microbench exits 0 (stderr: $(head -c 300 "$tmp/ok.err"))" [ $? -eq 0 ]
for b in head_request head_sigv4; do
	check "$b ran over the corpus" jqe --arg b "$b" \
	    '.benchmarks | map(select(.name == $b and .images > 0 and .cpu_s > 0)) | length == 1' \
	    "$tmp/ok.json"
done
check "head_sigv4 is compared with head_request" jqe \
    '.benchmarks[] | select(.name == "head_sigv4") | .overhead_pct.head_request | type == "number"' \
    "$tmp/ok.json"
check "nothing skipped with the server's credentials" [ ! -s "$tmp/ok.err" ]

secret=wrong-secret-$$-never-printed
AWS_SECRET_ACCESS_KEY=$secret "$mb" --corpus "$corpus" --json -t 0.1 head_sigv4 sha256 \
    >"$tmp/bad.json" 2>"$tmp/bad.err"
check "a refused signature still exits 0" [ $? -eq 0 ]
check "the refusal is named" grep -q "head_sigv4 skipped: .*credentials rejected" "$tmp/bad.err"
check "the secret is never printed" bash -c "! grep -q '$secret' '$tmp/bad.err' '$tmp/bad.json'"
check "the CPU row runs without the request rows" jqe \
    '(.benchmarks | map(.name)) == ["sha256"]' "$tmp/bad.json"

env -u AWS_ENDPOINT_URL AWS_CONFIG_FILE=/nonexistent AWS_SHARED_CREDENTIALS_FILE=/nonexistent \
    "$mb" --corpus "$corpus" -t 0.1 head_request sha256 >"$tmp/none.out" 2>"$tmp/none.err"
check "no endpoint still exits 0" [ $? -eq 0 ]
check "no endpoint is said" grep -q "head_request skipped: no S3 endpoint" "$tmp/none.err"
check "the CPU row printed" grep -q "^sha256 " "$tmp/none.out"

summary microbench.sh
