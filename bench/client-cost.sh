#!/usr/bin/env bash
# bench/client-cost.sh: the client's own cost per image, measured on a real run against the
# S3 endpoint of AWS_* (`make microbench` runs it through harness/with-s3-local): for each
# model and level, the CPU of the whole client process from getrusage (the run's --json
# cpu_s: user + system, its threads and children) per image that ended ok, the images/s and
# the peak RSS, and RSS per transfer in flight. The runs are interleaved (model by model,
# level by level, repeat by repeat) so a busy machine slows all alike, and the median of the
# repeats is printed. A benchmark, not a test: nothing is asserted.
#
# usage: bench/client-cost.sh EXIFBENCH [--images N] [--levels "64 1024"]
#            [--models "async pthreads hybrid"] [--reps R] [--upload-image] [--json]
set -uo pipefail
usage='usage: bench/client-cost.sh EXIFBENCH [--images N] [--levels "L..."] [--models "M..."] [--reps R] [--upload-image] [--json]'
bin=${1:-}
[ -n "$bin" ] && [ "$bin" != --help ] || { echo "$usage"; [ "$bin" = --help ]; exit $?; }
shift
images=2000 levels="64 1024" models="async pthreads hybrid" reps=3 upload= json=
while [ $# -gt 0 ]; do
	case $1 in
	--images) images=$2; shift ;;
	--levels) levels=$2; shift ;;
	--models) models=$2; shift ;;
	--reps) reps=$2; shift ;;
	--upload-image) upload=--upload-image ;;
	--json) json=1 ;;
	-h | --help) echo "$usage"; exit 0 ;;
	*) echo "client-cost: unknown option '$1'" >&2; echo "$usage" >&2; exit 2 ;;
	esac
	shift
done
: "${AWS_ENDPOINT_URL:?client-cost: no AWS_ENDPOINT_URL: run through harness/with-s3-local}"
command -v jq >/dev/null || { echo "client-cost: jq is missing (make deps)" >&2; exit 3; }
tmp=$(mktemp -d)
bucket=exifbench-cost-$$
trap '"$bin" dataset rm --bucket "s3://$bucket" >/dev/null 2>&1; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

echo "client-cost: $images images (profile default), models $models, levels $levels," \
    "$reps repeats${upload:+, --upload-image}" >&2
"$bin" dataset gen --profile default --count "$images" --out "$tmp/data" >/dev/null || exit 3
"$bin" dataset load "$tmp/data" "s3://$bucket/in" >/dev/null || exit 3
for rep in $(seq "$reps"); do
	for level in $levels; do
		for m in $models; do
			printf '\r  repeat %s/%s: %s at %s   ' "$rep" "$reps" "$m" "$level" >&2
			"$bin" run -m "$m" -c "$level" $upload --src "s3://$bucket/in" \
			    --dst "s3://$bucket/out-$m-$level-$rep" --json --quiet |
			    jq -c --arg m "$m" --argjson l "$level" '{model: $m, level: $l, ok,
			    images_per_s, cpu_ms: (if .ok > 0 then 1000 * .cpu_s / .ok else null end),
			    rss_kib: .max_rss_kib}' >>"$tmp/rows.jsonl"
		done
	done
done
printf '\r\033[K' >&2
# the median of the repeats of each model and level
jq -s 'group_by([.model, .level]) | map({model: .[0].model, level: .[0].level,
    runs: length, ok: (map(.ok) | min),
    images_per_s: (map(.images_per_s) | sort | .[length / 2 | floor]),
    cpu_ms_per_image: (map(.cpu_ms) | sort | .[length / 2 | floor]),
    rss_mib: ((map(.rss_kib) | sort | .[length / 2 | floor]) / 1024),
    kib_per_transfer: ((map(.rss_kib) | sort | .[length / 2 | floor]) / .[0].level)})' \
    "$tmp/rows.jsonl" >"$tmp/med.json"
if [ -n "$json" ]; then
	jq -c '.[]' "$tmp/med.json"
	exit 0
fi
printf '%-9s %6s %10s %14s %9s %12s\n' model level images/s "CPU ms/image" "RSS MiB" \
    "KiB/transfer"
jq -r '.[] | [.model, .level, (.images_per_s | round), (.cpu_ms_per_image * 1000 | round
    / 1000), (.rss_mib * 10 | round / 10), (.kib_per_transfer | round)] | @tsv' \
    "$tmp/med.json" | while IFS=$'\t' read -r m l ips cpu rss kib; do
	printf '%-9s %6s %10s %14s %9s %12s\n' "$m" "$l" "$ips" "$cpu" "$rss" "$kib"
done
# memory per transfer, marginal: the RSS the highest level adds over the lowest, per transfer
jq -r 'group_by(.model)[] | sort_by(.level) | select(length > 1) | "\(.[0].model): " +
    "\(((.[-1].rss_mib - .[0].rss_mib) * 1024 / (.[-1].level - .[0].level)) | round) KiB " +
    "per transfer in flight (RSS from \(.[0].level) to \(.[-1].level))"' "$tmp/med.json"
echo "(client CPU from getrusage of the run, per image that ended ok; median of $reps;" \
    "KiB/transfer is peak RSS over the level, an upper bound)"
