#!/usr/bin/env bash
# The user's own data, end to end against the real S3 server named by AWS_* (run through
# harness/with-s3-local): the shared corpus's photos are uploaded to a prefix, and a bench runs
# over that prefix as its source (nothing generated or uploaded, the source unchanged, every
# run's counts adding up to the 124 photos, --set images as the limit, meta.json recording the
# source and the outputs' place); custom bucket and prefix names for a generated profile and
# for the outputs; a destination inside the source (and a source inside the destination) is
# refused with exit 2 and one line naming both, before anything runs. `dataset index` of the
# corpus folder and of the prefix it was loaded to give the same manifest, which `dataset
# verify` accepts against the prefix. A scenario with `dataset = ./photos` (10 of the corpus's
# photos, beside the scenario file): --dry-run counts its files and uploads nothing; a bench
# indexes it into DATA/dir-HASH (HASH recomputed here from the manifest with jq and sha256sum)
# and loads it there, meta.json and the report name the folder, its path and the index; a
# second bench reuses the index and the objects (no upload); a copy of the folder elsewhere
# gives the same dir-HASH; an added photo gives a new one; a missing folder is refused.
set -uo pipefail
bin=${1:?usage: tests/integration/source.sh path/to/exifbench}
: "${AWS_ENDPOINT_URL:?run through harness/with-s3-local}"
here=$(cd "$(dirname "$0")" && pwd)
home=$(cd "$here/../.." && pwd)
corpus=${EXIFBENCH_CORPUS:-$home/../shared/exif-corpus}/jpeg
tmp=$(mktemp -d)
tiny=$here/tiny.conf
src_bucket=exifbench-src-photos
out_bucket=exifbench-src-out
data_bucket=exifbench-src-data
export EXIFBENCH_HOME=$home

cleanup() {
	local b
	for b in $src_bucket $out_bucket $data_bucket; do
		"$bin" dataset rm "s3://$b" --bucket >/dev/null 2>&1
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
. "$here/../lib.sh"

# bench ARGS...: a bench of the tiny scenario with ARGS into $tmp; its exit status in rc.
bench() {
	"$bin" bench --scenario "$tiny" --results "$tmp/results" --data "$tmp/data" --quiet \
	    --set latency_ms=0 "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

newest() {
	ls -d "$tmp"/results/*/ 2>/dev/null | sort | tail -n 1
}

# col CSV NAME: the values of column NAME, one per row.
col() {
	awk -F, -v name="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next }
		{ print $c }' "$1"
}

photos=$(find "$corpus" -maxdepth 1 -type f | wc -l)
check "the corpus has photos ($corpus)" [ "$photos" -gt 100 ]
expect 0 "" "$bin" dataset load "$corpus" "s3://$src_bucket/camera/roll"
"$bin" dataset ls "s3://$src_bucket/camera/roll" >"$tmp/before"

# 1. A bench over the source prefix: no dataset made, the source unchanged, the counts add up.
bench --set source="s3://$src_bucket/camera/roll" --set out_bucket=$out_bucket \
    --set out_prefix=runs/corpus --set models="sequential async" --set concurrency=4 \
    --set images=0
check "a bench over a source ends 0 or 1 (some photos are not JPEGs): $rc, $(tail -n 2 "$tmp/err")" \
	[ "$rc" -le 1 ]
dir=$(newest)
meta=$dir/meta.json
check "meta.json records the source" jqe --arg s "s3://$src_bucket/camera/roll" \
	'.dataset.source == $s and .dataset.uri == $s and .scenario.source == $s' "$meta"
check "meta.json counts the source's $photos objects" \
	jqe --argjson n "$photos" '.dataset.images == $n' "$meta"
check "meta.json records the outputs' place" \
	jqe --arg o "s3://$out_bucket/runs/corpus" '.outputs.uri == $o' "$meta"
check "nothing was generated" [ ! -e "$tmp/data" ]
check "no profile was loaded" ! "$bin" dataset ls s3://exifbench-data/tiny 2>/dev/null | grep -q .
"$bin" dataset ls "s3://$src_bucket/camera/roll" >"$tmp/after"
check "the source is unchanged (names and sizes)" cmp -s "$tmp/before" "$tmp/after"
sum=$dir/summary.csv
check "two runs (sequential at 1, async at 4)" [ "$(($(wc -l <"$sum") - 1))" -eq 2 ]
check "every run took all $photos photos" [ "$(col "$sum" images | sort -u)" = "$photos" ]
check "ok + errors = images in every run" awk -F, 'NR == 1 {
		for (i = 1; i <= NF; i++) c[$i] = i; next }
	$c["ok"] + $c["errors"] != $c["images"] || $c["ok"] < 100 { bad++ } END { exit bad > 0 }' "$sum"
check "the trace has a row per photo per run" \
	[ "$(($(wc -l <"$dir/trace.csv") - 1))" -eq "$((2 * photos))" ]
check "meta.json's dataset figures come from the trace: $photos images, the sizes add up" \
	jqe --argjson n "$photos" --argjson b "$(find "$corpus" -maxdepth 1 -type f -printf '%s\n' |
	awk '{ s += $1 } END { print s }')" '.dataset.stats.from == "trace" and
	.dataset.stats.images == $n and .dataset.stats.bytes == $b and
	.dataset.stats.size_max >= .dataset.stats.size_p99 and
	.dataset.stats.size_p99 >= .dataset.stats.size_p50 and .dataset.stats.exif_known >= 100 and
	.dataset.stats.with_exif <= .dataset.stats.exif_known' "$meta"
line="^- \`tiny\`: \`s3://$src_bucket/camera/roll\`, $photos images, [0-9.]+ MB in all; size p50 "
line+=".*% with EXIF \([0-9]+ of [0-9]+ known\) \(from the trace\)\.$"
check "the report describes the dataset" grep -qE "$line" "$dir/report.md"
check "report.json has the dataset's figures" jqe --argjson n "$photos" \
	'.datasets[0].images == $n and .datasets[0].from == "trace"' "$dir/report.json"
check "the runs wrote to the outputs' bucket, cleaned after" \
	[ -z "$("$bin" dataset ls "s3://$out_bucket/runs/corpus" 2>&1)" ]

# 2. The limit applies to a source as to a profile.
bench --source "s3://$src_bucket/camera/roll/" --set out_bucket=$out_bucket \
    --set models=pthreads --set concurrency=4 --set images=20
check "a limited bench over a source ends 0 or 1: $rc" [ "$rc" -le 1 ]
check "images = 20 takes 20 photos" [ "$(col "$(newest)/summary.csv" images)" = 20 ]
check "--source is the source key" jqe --arg s "s3://$src_bucket/camera/roll" \
	'.scenario.source == $s' "$(newest)/meta.json"
expect 2 "key 'source': 'photos' is not an s3://BUCKET/PREFIX address" "$bin" bench \
	--scenario "$tiny" --source photos

# 3. A generated profile in custom places.
bench --set data_bucket=$data_bucket --set data_prefix=sets/tiny --set out_bucket=$out_bucket \
    --set out_prefix=mine --set models=sequential --set images=10
check "a bench with custom bucket names ends 0: $(tail -n 2 "$tmp/err")" [ "$rc" -eq 0 ]
check "the profile was loaded into s3://$data_bucket/sets/tiny" \
	[ "$("$bin" dataset ls "s3://$data_bucket/sets/tiny" | wc -l)" -eq 50 ]
check "a profile's figures come from its manifest" jqe '.dataset.stats.from == "manifest" and
	.dataset.stats.images == 50 and .dataset.stats.with_exif == 50' "$(newest)/meta.json"
line='^- `tiny`: `tiny`, 50 images, .*100% with EXIF \(50 of 50 known\) \(from the manifest\)\.$'
check "the report describes the profile" grep -qE "$line" "$(newest)/report.md"
check "meta.json records the profile's place" jqe --arg u "s3://$data_bucket/sets/tiny" \
	'.dataset.profile == "tiny" and .dataset.uri == $u and .outputs.uri ==
	"s3://'$out_bucket'/mine"' "$(newest)/meta.json"

# 4. Outputs inside the source, or the source inside the outputs: refused before anything runs.
before=$(newest)
expect 2 "the outputs s3://$src_bucket/camera/roll/out are inside the source s3://$src_bucket/camera/roll" \
	"$bin" bench --scenario "$tiny" --results "$tmp/results" --set source="s3://$src_bucket/camera/roll" \
	--set out_bucket=$src_bucket --set out_prefix=camera/roll/out
expect 2 "the outputs s3://$src_bucket/camera/roll are inside the source" \
	"$bin" bench --scenario "$tiny" --results "$tmp/results" --set source="s3://$src_bucket/camera/roll" \
	--set out_bucket=$src_bucket --set out_prefix=camera/roll
expect 2 "the source s3://$src_bucket/camera/roll is inside the outputs s3://$src_bucket/camera" \
	"$bin" bench --scenario "$tiny" --results "$tmp/results" --set source="s3://$src_bucket/camera/roll" \
	--set out_bucket=$src_bucket --set out_prefix=camera
expect 2 "the outputs s3://$data_bucket/sets/tiny/o are inside the source s3://$data_bucket/sets/tiny" \
	"$bin" bench --scenario "$tiny" --results "$tmp/results" --set data_bucket=$data_bucket \
	--set data_prefix=sets/tiny --set out_bucket=$data_bucket --set out_prefix=sets/tiny/o
check "a refusal is one line" [ "$("$bin" bench --scenario "$tiny" --set source="s3://$src_bucket/a" \
	--set out_bucket=$src_bucket --set out_prefix=a 2>&1 | wc -l)" -eq 1 ]
check "a refused bench makes no result folder" [ "$(newest)" = "$before" ]
expect 2 "lies inside --src" "$bin" run --model sequential --src "s3://$src_bucket/camera/roll" \
	--dst "s3://$src_bucket/camera/roll/x"
"$bin" dataset ls "s3://$src_bucket/camera/roll" >"$tmp/after"
check "the source is still unchanged" cmp -s "$tmp/before" "$tmp/after"
expect 3 "source s3://$src_bucket/nothing/here holds no object" "$bin" bench --scenario "$tiny" \
	--results "$tmp/results" --set source="s3://$src_bucket/nothing/here"

# 5. dataset index: the folder and the prefix give the same entries; verify accepts them.
expect 0 "indexed $photos files" "$bin" dataset index "$corpus" --out "$tmp/dir.jsonl"
expect 0 "\"files\": $photos, \"failed\": 0" "$bin" dataset index \
	"s3://$src_bucket/camera/roll" --out "$tmp/s3.jsonl" --concurrency 4 --json
check "the folder's and the prefix's manifests agree" cmp -s <(sort "$tmp/dir.jsonl") \
	<(sort "$tmp/s3.jsonl")
check "a manifest line per photo" [ "$(wc -l <"$tmp/s3.jsonl")" -eq "$photos" ]
check "kinds add up: ok + noexif + corrupt = $photos" [ "$(jq -r .kind "$tmp/s3.jsonl" |
	grep -cE '^(ok|noexif|corrupt)$')" -eq "$photos" ]
check "most photos have EXIF and a frame size" [ "$(jq -r 'select(.kind == "ok" and
	.width > 0 and .height > 0) | .key' "$tmp/s3.jsonl" | wc -l)" -gt 100 ]
expect 0 "$photos ok, 0 missing, 0 mismatched, 0 failed" "$bin" dataset verify "$tmp/s3.jsonl" \
	"s3://$src_bucket/camera/roll"
expect 3 "bucket 'exifbench-src-none' does not exist" "$bin" dataset index \
	s3://exifbench-src-none/x --out "$tmp/none.jsonl"
expect 2 "needs DIR or s3://BUCKET" "$bin" dataset index "$corpus"

# 6. dataset = DIR: a folder of photos, indexed and loaded once, reused after.
mkdir -p "$tmp/scen/photos"
find "$corpus" -maxdepth 1 -type f -name '*.jpg' | sort | head -n 10 |
    xargs -d '\n' cp -t "$tmp/scen/photos"
chmod u+w "$tmp/scen/photos"/*
printf '%s\n' "name = dirset" "dataset = ./photos" "data_bucket = $data_bucket" \
    "out_bucket = $out_bucket" "models = sequential" "concurrency = 1" >"$tmp/scen/dir.conf"
# dirbench ARGS...: a bench of dir.conf with ARGS into a results folder of its own.
dirbench() {
	runs=$((${runs:-0} + 1))
	"$bin" bench --scenario "$tmp/scen/dir.conf" --results "$tmp/dirres$runs" \
	    --data "$tmp/dirdata" --quiet "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	dir=$(ls -d "$tmp/dirres$runs"/*/ 2>/dev/null | tail -n 1)
}
# hash_of MANIFEST: the dir-NAME its photos give: sorted (key, size, sha256) lines, SHA-256.
hash_of() {
	echo "dir-$(jq -r '[.key, .size, .sha256] | @tsv' "$1" | LC_ALL=C sort | sha256sum |
	    cut -c1-16)"
}
expect 0 "dataset: the folder \./photos \($tmp/scen/photos\): 10 files, .* not indexed yet" \
	"$bin" bench --scenario "$tmp/scen/dir.conf" --data "$tmp/dirdata" --dry-run
check "a dry run indexes nothing" [ ! -e "$tmp/dirdata" ]
check "a dry run uploads nothing" [ -z "$("$bin" dataset ls "s3://$data_bucket" | grep dir-)" ]
dirbench
check "a bench over a folder ends 0: $rc, $(tail -n 2 "$tmp/err")" [ "$rc" -eq 0 ]
name=$(ls "$tmp/dirdata" | grep '^dir-' | head -n 1)
check "the folder was indexed into DATA/dir-HASH ($name)" \
	[ -f "$tmp/dirdata/$name/manifest.jsonl" -a "$(ls "$tmp/dirdata" | grep -c '^dir-')" -eq 1 ]
check "HASH is the sorted (key, size, sha256) lines' SHA-256" \
	[ "$(hash_of "$tmp/dirdata/$name/manifest.jsonl")" = "$name" ]
check "the first bench loaded the folder" grep -q "loading $tmp/scen/photos into s3://$data_bucket/$name" "$tmp/err"
check "its 10 photos are under s3://$data_bucket/$name" \
	[ "$("$bin" dataset ls "s3://$data_bucket/$name" | wc -l)" -eq 10 ]
check "meta.json names the folder as given, its path and its index" jqe --arg p "$tmp/scen/photos" \
	--arg n "$name" --arg u "s3://$data_bucket/$name" '.dataset.folder == "./photos" and
	.dataset.path == $p and .dataset.index == $n and .dataset.uri == $u and
	.dataset.images == 10 and .dataset.stats.from == "manifest" and
	.dataset.stats.images == 10 and .scenario.dataset == "./photos"' "$dir/meta.json"
check "the run took the 10 photos" [ "$(col "$dir/summary.csv" images)" = 10 ]
line="^- \`dirset\`: \`\./photos\` \(the folder \`$tmp/scen/photos\`, loaded as "
line+="\`s3://$data_bucket/$name\`\), 10 images, [0-9.]+ KB in all; size p50 .* with EXIF"
check "the report names the folder and counts its photos" grep -qE "$line" "$dir/report.md"
expect 0 "indexed as $tmp/dirdata/$name" "$bin" bench --scenario "$tmp/scen/dir.conf" \
	--data "$tmp/dirdata" --dry-run
"$bin" dataset ls "s3://$data_bucket/$name" >"$tmp/dirbefore"
dirbench
check "a second bench ends 0: $rc" [ "$rc" -eq 0 ]
check "it reuses the index" grep -q "index reused from $tmp/dirdata/$name" "$tmp/err"
check "it reuses the objects" grep -q "reusing s3://$data_bucket/$name" "$tmp/err"
check "it uploads nothing" [ -z "$(grep -E "loading|loaded [0-9]" "$tmp/err")" ]
"$bin" dataset ls "s3://$data_bucket/$name" >"$tmp/dirafter"
check "the loaded objects are unchanged" cmp -s "$tmp/dirbefore" "$tmp/dirafter"
cp -r "$tmp/scen/photos" "$tmp/copy"
dirbench --set dataset="$tmp/copy"
check "the same photos elsewhere give the same dir-HASH, indexed anew: $rc" \
	grep -q "indexed into $tmp/dirdata/$name" "$tmp/err"
check "... and not uploaded again" grep -q "reusing s3://$data_bucket/$name" "$tmp/err"
check "... and no other index" [ "$(ls "$tmp/dirdata" | grep -c '^dir-')" -eq 1 ]
cp "$(find "$corpus" -maxdepth 1 -type f -name '*.jpg' | sort | sed -n 11p)" "$tmp/scen/photos/"
dirbench
new=$(jq -r .dataset.index "$dir/meta.json")
check "an added photo gives a new dir-HASH ($new): $rc" [ "$rc" -eq 0 -a "$new" != "$name" -a \
	"$(hash_of "$tmp/dirdata/$new/manifest.jsonl")" = "$new" ]
check "... loaded" grep -q "loading $tmp/scen/photos into s3://$data_bucket/$new" "$tmp/err"
check "... of 11 images" jqe '.dataset.images == 11' "$dir/meta.json"
expect 2 "--set dataset=\./gone: key 'dataset': folder '\./gone': No such file" \
	"$bin" bench --scenario "$tmp/scen/dir.conf" --dry-run --set dataset=./gone
sed -i 's|^dataset = .*|dataset = ./gone|' "$tmp/scen/dir.conf"
expect 2 "dir.conf:2: key 'dataset': folder '\./gone' \($tmp/scen/\./gone\): No such file" \
	"$bin" bench --scenario "$tmp/scen/dir.conf" --dry-run

summary "source integration"
