#!/bin/sh
# tests/fuzz/run.sh DIR SECONDS TARGET...: `make fuzz`'s runner. Runs DIR/fuzz_TARGET for
# SECONDS from its seeds (tests/fuzz/seeds/TARGET, the regression inputs of
# tests/fuzz/regress/TARGET, and $EXIFBENCH_CORPUS for exif), growing
# DIR/corpus/TARGET, with crashing, hanging or leaking inputs written to DIR/crashes/TARGET/;
# then prints one line per target: executions, exec/s, corpus size, crashes. Exit 1 when any
# target crashed (copy the input to tests/fuzz/regress/TARGET/ once the parser is fixed).
dir=$1 secs=$2
shift 2 || { echo "usage: run.sh DIR SECONDS TARGET..." >&2; exit 2; }
bad=0
for t in "$@"; do
	corpus=$dir/corpus/$t crashes=$dir/crashes/$t log=$dir/log/$t.log
	mkdir -p "$corpus" "$crashes" "$dir/log" && : >"$dir/log/$t.start" || exit 2
	seeds="tests/fuzz/seeds/$t"
	[ ! -d "tests/fuzz/regress/$t" ] || seeds="$seeds tests/fuzz/regress/$t"
	maxlen=65536
	if [ "$t" = exif ] && [ -n "$EXIFBENCH_CORPUS" ]; then seeds="$seeds $EXIFBENCH_CORPUS"; fi
	# shellcheck disable=SC2086
	"$dir/fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=$maxlen \
		-print_final_stats=1 -artifact_prefix="$crashes/" "$corpus" $seeds >"$log" 2>&1
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	# The corpus libFuzzer kept in the end (DIR/corpus/TARGET also holds inputs it replaced).
	units=$(sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p' "$log" | tail -n 1)
	n=$(find "$crashes" -type f -newer "$dir/log/$t.start" | wc -l)	# this run's only
	printf 'fuzz %-11s %10s executions %7s exec/s corpus %5s crashes %s\n' "$t" \
		"${execs:-?}" "${rate:-?}" "${units:-?}" "$n"
	[ "$n" -eq 0 ] && [ -n "$execs" ] || { bad=1; echo "  see $log" >&2; }
done
exit $bad
