# tests/lib.sh: what the shell test scripts share; sourced, not run. `expect` runs a command and
# checks its exit status and output; `jqe` tests a JSON file; `check` records a condition tested by hand; `summary`
# prints the count and sets the exit status. Every output is also appended to $EXPECT_LOG
# (when set), so a script can search it afterwards, for a leaked secret say. `mine` finds the
# processes this script started (they carry its mark in their environment), so a check for a
# process left behind never sees another run of the tests on the same machine.
fails=0 n=0
export EXIFBENCH_TEST_MARK=${EXIFBENCH_TEST_MARK:-$$}

# mine PATTERN: the pids whose command line matches PATTERN (pgrep -f) and that carry the mark.
mine() {
	local p
	for p in $(pgrep -f "$1" || true); do
		tr '\0' '\n' 2>/dev/null <"/proc/$p/environ" |
		    grep -qx "EXIFBENCH_TEST_MARK=$EXIFBENCH_TEST_MARK" && echo "$p"
	done
	return 0
}

# free_port BASE: a port in [BASE, BASE + 100) where nothing listens, nor on the next one,
# tried from an offset of this script's pid, so that two runs of the tests on one machine (two
# users, two checkouts) start their private servers on different ports.
free_port() {
	local i p
	for i in $(seq 0 99); do
		p=$(($1 + ($$ + i) % 100))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue
		(exec 3<>"/dev/tcp/127.0.0.1/$((p + 1))") 2>/dev/null && continue
		echo "$p"
		return
	done
	echo "$1"
}

# cols FILE NAME...: the second line's cells of the named columns of a CSV file with a header
# (a summary.csv of one run; no quoted commas), space-separated.
cols() {
	local f=$1
	shift
	awk -F, -v names="$*" 'NR == 1 { for (i = 1; i <= NF; i++) at[$i] = i }
	    NR == 2 { n = split(names, w, " "); for (k = 1; k <= n; k++)
	    printf "%s%s", $(at[w[k]]), k < n ? " " : "\n" }' "$f"
}

# need_tools NAME TOOL...: exits 1, saying which is missing, unless every TOOL is on PATH.
need_tools() {
	local name=$1 tool
	shift
	for tool in "$@"; do
		command -v "$tool" >/dev/null || { echo "$name: $tool is missing (make deps)"; exit 1; }
	done
}

# find_corpus: sets corpus to the shared EXIF corpus (EXIFBENCH_CORPUS, or ../shared or
# /work/shared's exif-corpus: the first with a jpeg/ folder), or leaves it as it was.
find_corpus() {
	local c
	corpus=${EXIFBENCH_CORPUS:-}
	for c in "$corpus" ../shared/exif-corpus /work/shared/exif-corpus; do
		[ -n "$c" ] && [ -d "$c/jpeg" ] && corpus=$c && break
	done
}

# private_server PORT: sets srv to the harness/s3-local command of a private server of the
# script's own: its folder $tmp/s3, its port and its monitor's free ones from PORT and
# PORT + 10000 (free_port), its data in 1 GiB of RAM. "${srv[@]}" up, env, down; its port
# in srv_port.
private_server() {
	srv_port=$(free_port "$1")
	srv=(env EXIFBENCH_S3_DIR="$tmp/s3" EXIFBENCH_S3_PORT="$srv_port"
	    EXIFBENCH_MON_PORT="$(free_port $(($1 + 10000)))" EXIFBENCH_S3_MEM_MB=1024
	    "$(dirname "${BASH_SOURCE[0]}")/../harness/s3-local")
}

# run_counted NAME WANT_RC CMD...: CMD (an `exifbench run`) with --json --quiet --trace into
# $tmp/NAME.{json,csv,err}, then checks its exit status and that every key has one row:
# rows == listed == ok + failed, and listed > 0.
run_counted() {
	local name=$1 want=$2
	shift 2
	run_traced "$name" "$@"
	check_counted "$name" "$want" $?
}

# run_traced NAME CMD...: CMD with --json --quiet --trace into $tmp/NAME.{json,csv,err}; its
# exit status. For a run in the background: `run_traced ... &`, then check_counted.
run_traced() {
	local name=$1
	shift
	"$@" --json --quiet --trace "$tmp/$name.csv" >"$tmp/$name.json" 2>"$tmp/$name.err"
}

# check_counted NAME WANT_RC RC: run_counted's checks of a run_traced run that exited RC.
check_counted() {
	local name=$1 want=$2 rc=$3 listed ok failed rows
	check "$name: exit $rc, want $want: $(head -c 300 "$tmp/$name.err")" test "$rc" -eq "$want"
	listed=$(jq -r .listed "$tmp/$name.json") ok=$(jq -r .ok "$tmp/$name.json")
	failed=$(jq -r .failed "$tmp/$name.json") rows=$(($(wc -l <"$tmp/$name.csv") - 1))
	check "$name: ok $ok + failed $failed != listed $listed ($rows rows)" \
	    test $((ok + failed)) -eq "$listed" -a "$rows" -eq "$listed" -a "$listed" -gt 0
}

# start_shaper ARGS...: runs `$bin shape --json ARGS` in the background (its output in
# $tmp/shape.out and shape.err); sets pid and url (http://ADDR). Exits 1 if it does not start.
start_shaper() {
	local i addr
	# Emptied here, not by the background job's redirection, which may come after the first
	# read below and leave it the previous shaper's address.
	: >"$tmp/shape.out"
	"$bin" shape --json "$@" >>"$tmp/shape.out" 2>"$tmp/shape.err" &
	pid=$!
	for i in $(seq 100); do
		addr=$(sed -n '1s/^{"listen":"\([^"]*\)".*/\1/p' "$tmp/shape.out")
		[ -n "$addr" ] && break
		sleep 0.05
	done
	url=http://$addr
	[ -n "$addr" ] || { echo "FAIL: shape $* did not start: $(cat "$tmp/shape.err")"; exit 1; }
}

# jqe FILTER FILE: jq's truth of FILTER on FILE (jq -e), quietly.
jqe() {
	jq -e "$@" >/dev/null
}

# expect CODE PATTERN CMD...: exit status CODE, and PATTERN (grep -E) in stdout+stderr.
expect() {
	local code=$1 pat=$2 out rc
	shift 2
	n=$((n + 1))
	out=$("$@" 2>&1)
	rc=$?
	[ -z "${EXPECT_LOG:-}" ] || printf '%s\n' "$out" >>"$EXPECT_LOG"
	if [ "$rc" -ne "$code" ] || ! grep -qE -- "$pat" <<<"$out"; then
		echo "FAIL: $* -> exit $rc (want $code), output: $(head -c 400 <<<"$out")"
		fails=$((fails + 1))
	fi
}

# check MESSAGE CMD...: fails with MESSAGE unless CMD succeeds.
check() {
	local msg=$1
	shift
	n=$((n + 1))
	if ! "$@"; then
		echo "FAIL: $msg"
		fails=$((fails + 1))
	fi
}

# summary NAME: "NAME: passed/total checks passed"; returns non-zero on any failure.
summary() {
	echo "$1: $((n - fails))/$n checks passed"
	[ "$fails" -eq 0 ]
}

# barrier_held HOSTS_CSV: 0 when every client of a multi-client folder (its hosts.csv) started
# after every rank had entered the start barrier (within the clocks' measured round trip);
# prints the clients' start spread in ms either way.
barrier_held() {
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) at[$i] = i; next }
	    { s = $(at["start_ms"]); b = $(at["barrier_in_ms"]); r = $(at["clock_rtt_ms"])
	      if (n++ == 0 || s < smin) smin = s; if (n == 1 || s > smax) smax = s
	      if (n == 1 || b > bmax) bmax = b; if (r > rmax) rmax = r }
	    END { printf "%.3f\n", smax - smin; exit !(n > 0 && bmax <= smin + rmax) }' "$1"
}

# kill_share_midrun DIR SHARE: waits (10 s at most) for the client of `--shard SHARE` of a
# multi-client run into DIR and for rank 0's own folder there, lets it run 1.5 s more, then
# kills that client with SIGKILL (its rank then accounts for its keys).
kill_share_midrun() {
	local victim= i
	for i in $(seq 100); do
		victim=$(mine "exifbench run .*--shard $2" | head -n 1)
		[ -n "$victim" ] && [ -s "$1/ranks/rank-000/meta.json" ] && break
		sleep 0.1
	done
	sleep 1.5
	[ -n "$victim" ] && kill -9 "$victim"
}

# wait_clients N: waits (10 s at most) until N clients of a multi-client run (`exifbench run
# ... --shard`) of this script are running, then 1 s more, so that a signal finds them at work.
wait_clients() {
	local i
	for i in $(seq 100); do
		[ "$(mine "exifbench run .*--shard" | wc -l)" -ge "$1" ] && break
		sleep 0.1
	done
	sleep 1
}

# check_partial_keys NAME DIR LISTING: a multi-client folder DIR says partial, and its
# trace.csv holds every key of the sorted file LISTING exactly once.
check_partial_keys() {
	check "$1: the merged folder is partial" jqe '.status == "partial"' "$2/meta.json"
	awk -F'"' 'NR > 1 { print $2 }' "$2/trace.csv" | LC_ALL=C sort >"$2.keys"
	check "$1: every key once in the merged trace, killed or not" cmp -s "$3" "$2.keys"
}
