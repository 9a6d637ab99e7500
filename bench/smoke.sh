#!/usr/bin/env bash
# `make bench` until the models and harness land (issues 3 and 4): generates the dataset of
# BENCH_PROFILE (default: the `default` profile; `full` means seed003) into data/, loads it and
# the shared EXIF corpus into s3://exifbench-data/, verifies both, and prints the measured
# figures (generation images/s, upload objects/s). Run through harness/with-s3-local.
set -euo pipefail
bin=${1:?usage: bench/smoke.sh path/to/exifbench [PROFILE]}
profile=${2:-default}
[ "$profile" = full ] && profile=seed003
bucket=exifbench-data
out=data/$profile

echo "bench: S3 endpoint $AWS_ENDPOINT_URL" >&2
if [ -f "$out/manifest.jsonl" ]; then
	echo "bench: reusing $out (delete it to regenerate)" >&2
else
	"$bin" dataset gen --profile "$profile" --out "$out"
fi
"$bin" dataset load -c 8 "$out" "s3://$bucket/$profile"
"$bin" dataset verify --list-only "$out" "s3://$bucket/$profile"
for c in "${EXIFBENCH_CORPUS:-../shared/exif-corpus}" /work/shared/exif-corpus; do
	if [ -d "$c/jpeg" ]; then
		"$bin" dataset load -c 8 "$c/jpeg" "s3://$bucket/corpus"
		break
	fi
done
echo "bench: the concurrency models and the report arrive with issues 3-5; this run measured" \
	"the dataset tooling only" >&2
