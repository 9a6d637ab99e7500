#!/usr/bin/env bash
# Multi-client runs across hosts (in make check, about a minute; as non-root it prints
# "skip: ..." and passes): network namespaces made by tests/netns.sh are the hosts, a store
# (a private local server of its own, `s3-local up --gateways 3` behind HAProxy on the store's
# address) and three clients on a private subnet; mpirun, in the root namespace, starts one
# rank in each client namespace through tests/netns-agent (no sshd). Over the corpus's 124
# JPEGs: `mpirun -np 3 exifbench run --results DIR` gives one merged folder whose trace holds
# every key exactly once, counts equal to the listing, a hosts.csv row per client host (the
# namespaces' names), every client started after every rank entered the barrier, HAProxy's stats
# show every gateway served; a client killed by kill -9 mid-run leaves a partial folder with
# its keys failed and the reason; Ctrl-C on mpirun stops every rank and leaves no process.
# Nothing is left at the end: namespaces, veths, bridge, processes.
# With MEASURE=N (not in make check): `mpirun -np 3 exifbench bench` with clients = 1 2 3,
# async and hybrid at 64 in flight, N repeats, over the `default` dataset (2,000 images),
# against 1 and 3 gateways: two result folders in MEASURE_DIR (default: the temporary one)
# for `exifbench report`.
# Usage: tests/integration/mpi_netns.sh path/to/exifbench
set -uo pipefail
bin=${1:?usage: tests/integration/mpi_netns.sh path/to/exifbench}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
find_corpus
. "$here/../netns.sh"
netns_skip_unless_able mpi_netns
need_tools mpi_netns mpirun haproxy
[ -x "$(dirname "$bin")/exifbench-mpi" ] || { echo "mpi_netns: no exifbench-mpi (make)"; exit 1; }
tmp=$(mktemp -d)
prefix=exbm$(($$ % 100000))
private_server 7990
port=$srv_port
bucket=exifbench-mpins-$$

cleanup() {
	local p
	for p in $(mine "exifbench (run|bench)|exifbench-mpi"); do kill -9 "$p" 2>/dev/null; done
	"${srv[@]}" down >/dev/null 2>&1
	[ -n "${KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
netns_up "$prefix" 3 || exit 1
read -r c1 c2 c3 <<<"$NETNS_CLIENTS"
on() { ip netns exec "$@"; }

# store_up G: the store with G gateways, on the store's address.
store_up() {
	"${srv[@]}" down >/dev/null 2>&1
	if ! on "$NETNS_STORE" env EXIFBENCH_S3_ADDR="$NETNS_ADDR_STORE" "${srv[@]}" up \
	    --gateways "$1" >"$tmp/up.out" 2>"$tmp/up.err"; then
		echo "mpi_netns: could not start the store: $(tail -n 1 "$tmp/up.err")"
		exit 1
	fi
	eval "$("${srv[@]}" env)"
}

# mpi N OUT ARGS...: `exifbench run ARGS --results OUT` on the first N client hosts.
mpi() {
	local n=$1 out=$2 hosts
	shift 2
	hosts=$(echo "$c1:1,$c2:1,$c3:1" | cut -d, -f1-"$n")
	netns_mpirun "$hosts" -np "$n" "$bin" run "$@" --results "$out" --quiet
}

store_up 3
if [ -n "${MEASURE:-}" ]; then
	"$bin" dataset gen --profile default --out "$tmp/default" >/dev/null 2>&1
	for g in 1 3; do
		store_up "$g"
		on "$c1" "$bin" dataset load "$tmp/default" "s3://$bucket/default" >/dev/null
		netns_mpirun "$c1:1,$c2:1,$c3:1" -np 3 env EXIFBENCH_S3_DIR="$tmp/s3" \
		    "$bin" bench --model async,hybrid --levels 64 --set 'clients=1 2 3' \
		    --repeat "$MEASURE" --source "s3://$bucket/default" --set out_bucket="$bucket-out" \
		    --name "gateways$g" --results "${MEASURE_DIR:-$tmp/measure}" --quiet \
		    >"$tmp/m.out" 2>&1
		echo "gateways $g: $(tail -n 2 "$tmp/m.out" | head -c 300)"
	done
	exit 0
fi

"$bin" dataset load "$corpus/jpeg" "s3://$bucket/jpeg" >/dev/null 2>&1
"$bin" dataset ls "s3://$bucket/jpeg" | cut -f1 | sed 's#^#jpeg/#' | LC_ALL=C sort >"$tmp/listing"
check "the corpus listing has 124 keys, not $(wc -l <"$tmp/listing")" \
    test "$(wc -l <"$tmp/listing")" -eq 124

# Three client hosts, one merged folder. (7 of the corpus's JPEGs are corrupt: exit 1.)
expect 1 '3 clients: 124 images: 117 ok, 7 failed' mpi 3 "$tmp/np3" --model async \
    --concurrency 16 --src "s3://$bucket/jpeg" --dst "s3://$bucket/np3"
d=$tmp/np3
awk -F'"' 'NR > 1 { print $2 }' "$d/trace.csv" | LC_ALL=C sort >"$tmp/np3.keys"
check "np3: every key exactly once across the hosts" cmp -s "$tmp/listing" "$tmp/np3.keys"
check "np3: summary counts 124 images, 117 ok, 3 clients" \
    test "$(cols "$d/summary.csv" images ok clients)" = "124 117 3"
hosts=$(awk -F, 'NR > 1 { gsub(/"/, "", $2); print $2 }' "$d/hosts.csv" | sort | tr '\n' ' ')
check "np3: hosts.csv names the three client hosts: $hosts" test "$hosts" = "$c1 $c2 $c3 "
held=yes
spread=$(barrier_held "$d/hosts.csv") || held=no
check "np3: a client started before every rank had entered the barrier: $(cat "$d/hosts.csv")" \
    test "$held" = yes
stats=$(sed -n 's/.*stats \(http:[^ ]*\)$/\1/p' <<<"$("${srv[@]}" status)")
served=$(on "$NETNS_STORE" curl -fsS --max-time 5 "$stats" | awk -F, '$1 == "gateways" &&
    $2 ~ /^gw/ && $31 > 0 { n++ } END { print n + 0 }')
check "np3: all 3 gateways served requests ($served did)" test "$served" -eq 3
echo "mpi_netns: 3 hosts: start spread $spread ms, $(jq -r '.clients |
    "barrier \(.barrier_max_ms) ms, gather \(.gather_s) s, clock \(.clock_s) s"' "$d/meta.json")"

# A client host's client killed mid-run.
mpi 3 "$tmp/kill" --model sequential --cpu-spin-ms 40 --src "s3://$bucket/jpeg" \
    --dst "s3://$bucket/kill" >"$tmp/kill.out" 2>&1 &
mp=$!
kill_share_midrun "$tmp/kill" 2/3
wait "$mp"
check_partial_keys kill "$tmp/kill" "$tmp/listing"
check "kill: the killed client's keys failed with the reason" grep -q \
    "killed by signal 9 before this key was recorded (rank 2, $c3)" "$tmp/kill/trace.csv"

# Ctrl-C on mpirun: every rank stops, nothing is left.
env --default-signal=INT bash -c '. "$1"; shift; netns_mpirun "$@"' _ "$here/../netns.sh" \
    "$c1:1,$c2:1,$c3:1" -np 3 "$bin" run --model sequential --cpu-spin-ms 40 \
    --src "s3://$bucket/jpeg" --dst "s3://$bucket/int" --results "$tmp/int" --quiet \
    >"$tmp/int.out" 2>&1 &
mp=$!
wait_clients 3
pkill -INT -P "$mp" mpirun 2>/dev/null || kill -INT "$mp"
wait "$mp"
sleep 0.5
left=$(mine "exifbench run|exifbench-mpi")
check "int: no exifbench process left: $(for p in $left; do ps -o pid=,args= -p "$p"; done | cut -c1-100)" test -z "$left"
st=$(jq -r .status "$tmp/int/meta.json" 2>/dev/null)	# running: rank 0 ran out of time
check "int: the merged folder says '$st', not partial (or running: rank 0 was killed first)" \
    test "$st" = partial -o "$st" = running

expect 0 'stopped' "${srv[@]}" down
netns_down
check "namespaces left: $(ip netns list | grep "^$prefix-")" \
    test -z "$(ip netns list | grep "^$prefix-")"
check "links left: $(ip -o link | grep -o "$prefix-[a-z0-9]*")" \
    test -z "$(ip -o link | grep "$prefix-")"
check "processes left: $(mine "$tmp/")" test -z "$(mine "$tmp/")"
summary mpi_netns
