#!/usr/bin/env bash
# `make bench` until the harness lands (issue 4): generates the dataset of BENCH_PROFILE
# (default: the `default` profile; `full` means seed003) into data/, loads it and the shared
# EXIF corpus into s3://exifbench-data/, verifies both, then runs each of the five models over
# the dataset, EXIF only and with a 10 ms CPU stage, and prints what each measured. Run through
# harness/with-s3-local. No network emulation yet: S3 is on loopback, so the I/O waits are
# about a millisecond and the server shares the client's cores.
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

# The five models, same keys, same outputs; a table of what each measured.
printf '%-22s %-10s %5s %7s %9s %10s %8s\n' case model c ok wall_s images/s cpu_%
for spec in "exif-only:" "spin-10ms:--cpu-spin-ms 10 --limit 500"; do
	name=${spec%%:*}
	for model in sequential pthreads forkpool async hybrid; do
		c=8
		[ "$model" = sequential ] && c=1
		# shellcheck disable=SC2086 # the options are words
		json=$("$bin" run -m "$model" -c "$c" --src "s3://$bucket/$profile" \
		    --dst "s3://exifbench-out/bench-$name-$model" ${spec#*:} --quiet --json) || true
		field() { sed -n "s/.*\"$1\": \([^,}]*\).*/\1/p" <<<"$json"; }
		awk -v n="$name" -v m="$model" -v c="$c" -v ok="$(field ok)" -v w="$(field wall_s)" \
		    -v r="$(field images_per_s)" -v cpu="$(field cpu_s)" 'BEGIN {
			printf "%-22s %-10s %5d %7d %9.2f %10.1f %8.0f\n", n, m, c, ok, w, r,
			    (w > 0 ? 100 * cpu / w : 0) }'
	done
	"$bin" dataset rm --bucket "s3://exifbench-out" >/dev/null 2>&1 || true
done
echo "bench: S3 on loopback, no emulated latency yet (issue 4); the report comes with issue 5" >&2
