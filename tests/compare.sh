#!/usr/bin/env bash
# `exifbench compare` on the checked-in results (tests/data/results-small): against itself every
# run is within noise with no change and no parameter differs; against a copy with two rates
# doubled, one run dropped and one scenario key changed (jq, which also rewrites every number:
# 0.0 becomes 0, and that must not count as a difference), the changes and the difference show
# in the text and in --json (checked with jq); a scenario or run on one side only is listed;
# no common scenario exits 1; a folder that is not a results folder exits 2 naming it.
set -uo pipefail
bin=${1:?usage: tests/compare.sh path/to/exifbench}
data=$(cd "$(dirname "$0")" && pwd)/data/results-small
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"

io=$(echo "$data"/*-io-bound)
cpu=$(echo "$data"/*-cpu-bound)

expect 0 '^usage: exifbench compare' "$bin" compare --help
expect 0 'noise rule|Noise rule' "$bin" compare --help

# Against itself: 30 runs, every one within noise and unchanged; no parameter differs.
"$bin" compare "$data" "$data" >"$tmp/self.txt" 2>&1
check "compare of a folder with itself failed" test $? -eq 0
check "itself: not 30 runs within noise" test "$(grep -c 'within noise (' "$tmp/self.txt")" -eq 30
check "itself: a change shows" \
	bash -c "! grep -Eq 'changed|[+-][1-9][0-9.]*%|only in' '$tmp/self.txt'"
check "itself: 3 scenarios" grep -q '3 of 3 scenarios in both' "$tmp/self.txt"
check "itself: a parameter differs" test "$(grep -c 'parameters: the same' "$tmp/self.txt")" -eq 3
"$bin" compare --json "$data" "$data" >"$tmp/self.json"
check "itself --json" jq -e >/dev/null '.matched == 3 and (.scenarios | length) == 3 and
	([.scenarios[].runs[]] | length) == 30 and
	all(.scenarios[].runs[]; .within_noise == true and .images_per_s_change_pct == 0 and
	    .e2e_p99_change_pct == 0 and .in == "both") and
	all(.scenarios[]; .differences == [])' "$tmp/self.json"

# The copy: the rates of async 16 and sequential 1 doubled, hybrid 16 dropped, latency_ms
# -> 35. Which noise rule decides depends on the runs' lengths (tests/unit/test_compare.c
# checks the rules on exact numbers); here the rule must match the standard errors present.
mkdir "$tmp/b"
cp -r "$io" "$cpu" "$data"/*-hardware-scaling "$tmp/b/"
iob=$tmp/b/$(basename "$io")
awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "images_per_s") c = i }
	NR > 1 && ($1 == "async" && $2 == 16 || $1 == "sequential" && $2 == 1) {
		$c = sprintf("%.3f", 2 * $c) }
	!($1 == "hybrid" && $2 == 16)' "$io/summary.csv" >"$iob/summary.csv"
jq '.scenario.latency_ms = 35' "$io/meta.json" >"$iob/meta.json"
lat=$(jq '.scenario.latency_ms' "$io/meta.json")

rule='changed \((2 se = [0-9.]+|no se; threshold 5%)\)'
for run in 'async +16' 'sequential +1'; do
	expect 0 "$run all +[0-9.]+ +[0-9.]+ +\+100\.0% .*$rule" "$bin" compare "$data" "$tmp/b"
done
expect 0 'hybrid +16 all +[0-9.]+ .*only in A' "$bin" compare "$data" "$tmp/b"
expect 0 'hybrid +16 all .*only in B' "$bin" compare "$tmp/b" "$data"
expect 0 "scenario\.latency_ms +${lat}(\.0)? -> 35" "$bin" compare "$data" "$tmp/b"
expect 0 'within noise \((2 se = [0-9.]+|no se; threshold 200%)\)' \
	"$bin" compare -t 200 "$data" "$tmp/b"
"$bin" compare --json "$data" "$tmp/b" >"$tmp/b.json"
check "copy --json" jq -e >/dev/null --argjson lat "$lat" '
	(.scenarios[] | select(.name == "io-bound")) as $s |
	all($s.runs[] | select(.model == "async" and .level == 16 or
	    .model == "sequential" and .level == 1);
	    .within_noise == false and .b.images_per_s > 1.99 * .a.images_per_s and
	    (.images_per_s_change_pct | . > 99.9 and . < 100.1) and
	    (.rule == "se") == (.a.se != null and .b.se != null) and
	    (.rule == "se") == (.noise != null)) and
	($s.runs[] | select(.model == "hybrid" and .level == 16) | .in == "a" and .b == null and
	    .note == "only in A") and
	$s.differences == [{"key": "scenario.latency_ms", "a": $lat, "b": 35}] and
	all(.scenarios[] | select(.name != "io-bound"); .differences == [] and
	    all(.runs[]; .within_noise))' "$tmp/b.json"

# One side only: scenarios, and the exit status when none pairs.
expect 0 'cpu-bound \(.*\): only in A|cpu-bound: only in A' "$bin" compare "$data" "$iob"
expect 0 '"matched": *1,' "$bin" compare --json "$data" "$iob"
expect 1 'no scenario of .*cpu-bound is in .*io-bound' "$bin" compare "$cpu" "$io"
expect 1 'io-bound: only in B' "$bin" compare "$cpu" "$io"

# Bad command lines and folders.
expect 2 'needs two folders' "$bin" compare "$data"
expect 2 'needs two folders' "$bin" compare "$data" "$data" "$data"
expect 2 "--threshold '-1' must be" "$bin" compare -t -1 "$data" "$data"
expect 2 'usage' "$bin" compare --frob "$data" "$data"
expect 2 "$tmp/nope: not a results folder" "$bin" compare "$data" "$tmp/nope"
mkdir "$tmp/empty"
expect 2 "$tmp/empty: no meta.json" "$bin" compare "$tmp/empty" "$data"
expect 2 "summary.csv: not a results folder" "$bin" compare "$io/summary.csv" "$data"
echo '{ broken' >"$iob/meta.json"
expect 2 "$iob/meta.json" "$bin" compare "$data" "$tmp/b"

summary compare.sh
