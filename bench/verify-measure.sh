#!/usr/bin/env bash
# bench/verify-measure.sh: what the toolkit measures, against what other tools measure of the
# same runs (`make verify-measure` runs it through harness/with-s3-local). For each model and
# level, one `exifbench bench` of the default dataset through the shaper, then one plain
# `exifbench run` of the same images under `perf stat`; printed side by side, each with its
# difference and the target:
#   - client CPU: the sampler's model_cpu_s (and what its ticks saw before the end's
#     settling, model_cpu_s - model_cpu_late_s), against getrusage of the same run
#     (rusage_cpu_s), against pidstat -T CHILD attached to the run's pid (the sum of its
#     rows' usr-ms and system-ms: pidstat sees only the whole seconds after it attached and
#     before the run's last), and `perf stat -e task-clock` of
#     the plain run against that run's getrusage (the user and sys perf prints, from its
#     wait4 of the run); target 2%;
#   - requests: GETs and PUTs the server counted (radosgw's perf counters, over its admin
#     socket) during the bench, less the round-trip probe's GETs (21 direct, 21 through the
#     shaper) and its PUT, against the attempts in the run's trace; target 1% (a count, so
#     a rate over the same window);
#   - stage latency: each image's GET stage (get_end_us - get_start_us, the toolkit's clock)
#     against curl's own CURLINFO_TOTAL_TIME (get_total_us), mean and largest difference;
#     target 1 ms;
#   - the shaper: the probe's median round trip through it less direct, against twice the
#     one-way latency it was told, and its own lateness (exifbench shape's stats).
# A benchmark, not a test: nothing is asserted. The table goes to stdout, and the same
# figures as JSON to --json FILE (default: results/verify-measure.json).
#
# usage: bench/verify-measure.sh EXIFBENCH [--models "pthreads async"] [--levels "1 4 64"]
#            [--images N] [--latency-ms MS] [--json FILE]
set -uo pipefail
usage='usage: bench/verify-measure.sh EXIFBENCH [--models "M..."] [--levels "L..."] [--images N] [--latency-ms MS] [--json FILE]'
bin=${1:-}
[ -n "$bin" ] && [ "$bin" != --help ] || { echo "$usage"; [ "$bin" = --help ]; exit $?; }
shift
here=$(cd "$(dirname "$0")" && pwd)
home=$(cd "$here/.." && pwd)
models="pthreads async" levels="1 4 64" images=600 latency=10 json=$home/results/verify-measure.json
while [ $# -gt 0 ]; do
	case $1 in
	--models) models=$2; shift ;;
	--levels) levels=$2; shift ;;
	--images) images=$2; shift ;;
	--latency-ms) latency=$2; shift ;;
	--json) json=$2; shift ;;
	-h | --help) echo "$usage"; exit 0 ;;
	*) echo "verify-measure: unknown option '$1'" >&2; echo "$usage" >&2; exit 2 ;;
	esac
	shift
done
: "${AWS_ENDPOINT_URL:?verify-measure: no AWS_ENDPOINT_URL: run through harness/with-s3-local}"
for t in jq awk; do
	command -v $t >/dev/null || { echo "verify-measure: $t is missing (make deps)" >&2; exit 3; }
done
tmp=$(mktemp -d)
data=$home/results/verify-measure-data
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
export EXIFBENCH_HOME=$home

# The server's request counters: radosgw's admin socket, when the local server is this one.
asok=$(ls "${EXIFBENCH_S3_DIR:-/tmp/exifbench-s3-$(id -u)}"/run/client.rgw.*.asok 2>/dev/null |
    head -n 1)
counters() {	# "GETS PUTS", or nothing
	[ -n "$asok" ] && command -v ceph >/dev/null || return 0
	ceph --admin-daemon "$asok" perf dump 2>/dev/null | jq -r '"\(.rgw.get) \(.rgw.put)"'
}
[ -n "$(counters)" ] || echo "verify-measure: no radosgw admin socket here: server counts skipped"
have_pidstat=$(command -v pidstat)
[ -n "$have_pidstat" ] || echo "verify-measure: no pidstat (sysstat; make deps): skipped"
have_perf=
if command -v perf >/dev/null && perf stat -e task-clock -x, -o /dev/null true 2>/dev/null; then
	have_perf=1
else
	echo "verify-measure: perf stat -e task-clock is missing or not permitted: skipped"
fi

# pidstat_run BENCH_PID OUT: attaches pidstat to the bench's run child as soon as it appears.
pidstat_run() {
	local child=
	while kill -0 "$1" 2>/dev/null; do
		child=$(pgrep -P "$1" -f -- ' run ' | head -n 1)
		[ -n "$child" ] && break
		sleep 0.01
	done
	[ -n "$child" ] || return 0
	LC_ALL=C pidstat -h -u -T CHILD -p "$child" 1 >"$2" 2>/dev/null
}

# The round-trip probe's requests: one PUT, a warm-up and 20 timed GETs direct, and as many
# through the shaper when there is one.
probe_gets=21
awk -v l="$latency" 'BEGIN { exit !(l > 0) }' && probe_gets=42
echo "verify-measure: models $models, levels $levels, $images images of the default dataset," \
    "$latency ms one way through the shaper" >&2
: >"$tmp/rows.jsonl"
for m in $models; do
	for l in $levels; do
		printf '  %s at %s: bench\n' "$m" "$l" >&2
		before=$(counters)
		"$bin" bench --model "$m" --levels "$l" --images "$images" --set sample_hz=10 \
		    --set latency_ms="$latency" --results "$tmp/r-$m-$l" --data "$data" \
		    >"$tmp/out" 2>"$tmp/err" &
		bpid=$!
		[ -z "$have_pidstat" ] || pidstat_run "$bpid" "$tmp/pidstat" &
		ppid=$!
		wait "$bpid" || { echo "verify-measure: bench $m $l failed:" >&2; tail -3 "$tmp/err" >&2; exit 1; }
		wait "$ppid"
		after=$(counters)
		dir=$(ls -d "$tmp/r-$m-$l"/*/ | tail -n 1)
		# The summary row, the trace's GET stage against curl, the probe and the shaper.
		row=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } {
			printf "{\"sampler_s\":%s,\"late_s\":%s,\"rusage_s\":%s,\"ok\":%s," \
			    "\"images_per_s\":%s,\"sampler_cpu_pct\":%s}", $c["model_cpu_s"],
			    $c["model_cpu_late_s"], $c["rusage_cpu_s"], $c["ok"],
			    $c["images_per_s"], $c["sampler_cpu_pct"] }' "$dir/summary.csv")
		stage=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
			$c["outcome"] == "\"ok\"" || $c["outcome"] == "ok" {
			  d = ($c["get_end_us"] - $c["get_start_us"]) - $c["get_total_us"]
			  n++; s += d; a = d < 0 ? -d : d; if (a > mx) mx = a
			  ga += $c["get_attempts"]; pa += $c["put_attempts"] }
			END { printf "{\"n\":%d,\"mean_ms\":%.4f,\"max_abs_ms\":%.4f,\"get_attempts\":%d," \
			    "\"put_attempts\":%d}", n, n ? s / n / 1000 : 0, mx / 1000, ga, pa }' \
		    "$dir/trace.csv")
		shaper=$(jq -c --argjson lat "$latency" '{told_rtt_ms: (2 * $lat),
		    added_rtt_ms: (.latency.probe.through_shaper.median_ms -
		    .latency.probe.direct.median_ms), lateness_mean_us: .shaper.lateness_mean_us,
		    lateness_p99_us: .shaper.lateness_p99_us}' "$dir/meta.json")
		pid_s=null
		if [ -s "$tmp/pidstat" ]; then
			pid_s=$(awk '$1 != "#" && NF >= 7 && $4 ~ /^[0-9]+$/ { s += ($4 + $5) / 1000 }
			    END { if (s == "") print "null"; else print s }' "$tmp/pidstat")
		fi
		server=null
		if [ -n "$before" ] && [ -n "$after" ]; then
			read -r g0 p0 <<<"$before"
			read -r g1 p1 <<<"$after"
			server="{\"gets\":$((g1 - g0 - probe_gets)),\"puts\":$((p1 - p0 - 1))}"
		fi
		perf=null
		if [ -n "$have_perf" ]; then
			printf '  %s at %s: perf stat\n' "$m" "$l" >&2
			# perf's own wait4 of the run gives its rusage (user, sys) beside task-clock.
			LC_ALL=C perf stat -e task-clock -o "$tmp/perf" -- "$bin" run -m "$m" -c "$l" \
			    --src s3://exifbench-data/default --limit "$images" \
			    --dst "s3://exifbench-out/verify-$m-$l" --json --quiet >"$tmp/run.json" \
			    2>"$tmp/err" &&
			    perf=$(awk '$3 == "task-clock" { tc = $1 / 1000 } $3 == "user" { u = $1 }
			    $3 == "sys" { s = $1 } END { printf "{\"task_clock_s\":%.6f," \
			    "\"rusage_s\":%.6f}", tc, u + s }' "$tmp/perf")
			"$bin" dataset rm "s3://exifbench-out/verify-$m-$l" >/dev/null 2>&1
		fi
		jq -nc --arg m "$m" --argjson l "$l" --argjson b "$row" --argjson st "$stage" \
		    --argjson sh "$shaper" --argjson pid "$pid_s" --argjson srv "$server" \
		    --argjson perf "$perf" '{model: $m, level: $l, bench: $b, stage: $st,
		    shaper: $sh, pidstat_s: $pid, server: $srv, perf: $perf}' >>"$tmp/rows.jsonl"
	done
done

mkdir -p "$(dirname "$json")"
jq -s '{targets: {cpu_pct: 2, requests_pct: 1, latency_ms: 1}, runs: .}' "$tmp/rows.jsonl" >"$json"
# The table: each figure beside its reference, with the difference.
jq -r 'def pct(a; b): if a == null or b == null or b == 0 then "-" else
	    (100 * (a - b) / b * 100 | round / 100 | tostring) + "%" end;
	def n(x): if x == null then "-" else (x * 1000 | round / 1000 | tostring) end;
	"client CPU, s (target 2%)",
	"  model    level  rusage  sampler  diff  ticks-only  diff  pidstat  diff   | perf run: rusage  task-clock  diff",
	(.runs[] | "  \(.model)\t\(.level)\t\(n(.bench.rusage_s))\t\(n(.bench.sampler_s))\t" +
	    "\(pct(.bench.sampler_s; .bench.rusage_s))\t\(n(.bench.sampler_s - .bench.late_s))\t" +
	    "\(pct(.bench.sampler_s - .bench.late_s; .bench.rusage_s))\t\(n(.pidstat_s))\t" +
	    "\(pct(.pidstat_s; .bench.rusage_s))\t| \(n(.perf.rusage_s))\t\(n(.perf.task_clock_s))\t" +
	    "\(pct(.perf.task_clock_s; .perf.rusage_s))"),
	"requests the server counted against the run'"'"'s trace (target 1%); images ok, images/s",
	(.runs[] | "  \(.model)\t\(.level)\tGET server \(.server.gets // "-") trace " +
	    "\(.stage.get_attempts) \(pct(.server.gets; .stage.get_attempts))\tPUT server " +
	    "\(.server.puts // "-") trace \(.stage.put_attempts) " +
	    "\(pct(.server.puts; .stage.put_attempts))\tok \(.bench.ok)\t\(.bench.images_per_s)/s"),
	"GET stage (toolkit clock) less curl total time, ms (target 1 ms)",
	(.runs[] | "  \(.model)\t\(.level)\tmean \(.stage.mean_ms)\tlargest \(.stage.max_abs_ms)" +
	    "\tover \(.stage.n) images"),
	"shaper: probe round trip through it less direct, against 2 x latency told, ms",
	(.runs[] | "  \(.model)\t\(.level)\tadded \(n(.shaper.added_rtt_ms))\ttold " +
	    "\(.shaper.told_rtt_ms)\tdiff \(n(.shaper.added_rtt_ms - .shaper.told_rtt_ms))" +
	    "\tlateness mean \(n(.shaper.lateness_mean_us)) us p99 \(n(.shaper.lateness_p99_us)) us"),
	"sampler cost, % of a core at 10 Hz",
	(.runs[] | "  \(.model)\t\(.level)\t\(.bench.sampler_cpu_pct)")' "$json"
echo "verify-measure: JSON in $json" >&2
