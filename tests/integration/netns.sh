#!/usr/bin/env bash
# Several hosts on one machine (in make check, about 11 s; as non-root it prints "skip: ..."
# and passes): network namespaces made by tests/netns.sh, a store and two clients on a
# private subnet. The store namespace runs a private local server of its own (harness/s3-local
# up --gateways 3 on the store's address; never the one make check started); the tiny dataset
# is loaded from one client, then `exifbench run` runs in both client namespaces at once, each
# over one half of the keys (two --keys files). Checks: every key ok in its half and the two
# halves add up to the listing; HAProxy's stats show all 3 gateways served requests; the
# traffic stayed between the namespaces (each client's veth carried at least its half's bytes;
# the store is not on the root namespace's 127.0.0.1 and its gateways are not reachable from a
# client); a second up or with-s3-local asking for another gateway count is refused, saying
# what to do; a stopped gateway is taken out by HAProxy's health checks, every key still ends
# ok, and the status says it is down; Open MPI's launcher agent (tests/netns-agent) starts
# one rank in each client namespace, each seeing its own address and name; and at the end no
# namespace, veth, bridge or process of the test is left.
# Usage: tests/integration/netns.sh path/to/exifbench
set -uo pipefail
bin=${1:?usage: tests/integration/netns.sh path/to/exifbench}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$here/../netns.sh"
netns_skip_unless_able netns
need_tools netns mpirun haproxy
tmp=$(mktemp -d)
prefix=exbn$(($$ % 100000))
private_server 7980
port=$srv_port
bucket=exifbench-netns-$$

cleanup() {
	"${srv[@]}" down >/dev/null 2>&1
	[ -n "${KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
netns_up "$prefix" 2 || exit 1
c1=${NETNS_CLIENTS%% *} c2=${NETNS_CLIENTS##* }
on() { ip netns exec "$@"; }

# The store, inside its namespace, on its own address.
if ! on "$NETNS_STORE" env EXIFBENCH_S3_ADDR="$NETNS_ADDR_STORE" "${srv[@]}" up --gateways 3 \
    >"$tmp/up.out" 2>"$tmp/up.err"; then
	echo "netns: could not start the store: $(tail -n 1 "$tmp/up.err")"
	exit 1
fi
eval "$("${srv[@]}" env)"
check "endpoint $AWS_ENDPOINT_URL is not the store's address $NETNS_ADDR_STORE:$port" \
    test "$AWS_ENDPOINT_URL" = "http://$NETNS_ADDR_STORE:$port"
status=$("${srv[@]}" status)
stats=$(sed -n 's/.*stats \(http:[^ ]*\)$/\1/p' <<<"$status")
check "status shows no HAProxy stats URL: $status" test -n "$stats"
check "status does not show 3 gateways up: $status" \
    test "$(grep -c '^  gateway gw[0-9]: up' <<<"$status")" -eq 3

# The dataset, loaded from a client, and its keys in two halves.
expect 0 'generated 50 files' "$bin" dataset gen --profile tiny --out "$tmp/tiny"
expect 0 '' on "$c1" "$bin" dataset load "$tmp/tiny" "s3://$bucket/in"
on "$c1" "$bin" dataset ls "s3://$bucket/in" >"$tmp/ls" 2>"$tmp/ls.err"
cut -f1 "$tmp/ls" | awk 'NR % 2 { print "in/" $0 }' >"$tmp/keys1"
cut -f1 "$tmp/ls" | awk '!(NR % 2) { print "in/" $0 }' >"$tmp/keys2"
total=$(wc -l <"$tmp/ls")
check "the listing has $total keys, want 50: $(head -c 200 "$tmp/ls.err")" test "$total" -eq 50

# rx_bytes CLIENT: bytes received on the client's veth.
rx_bytes() { on "$1" cat /sys/class/net/eth0/statistics/rx_bytes; }
rx=(0 "$(rx_bytes "$c1")" "$(rx_bytes "$c2")")

# Both clients at once, each over its half; run_counted checks each one's counts, in a
# subshell that returns its failures as its exit status.
pids=()
for i in 1 2; do
	c=$prefix-c$i
	( fails=0
	  run_counted "run$i" 0 on "$c" "$bin" run -m async -c 8 --src "s3://$bucket/in" \
	      --dst "s3://$bucket/out" --keys "$tmp/keys$i"
	  exit "$fails" ) &
	pids[i]=$!
done
for i in 1 2; do
	wait "${pids[i]}"
	check "the run in $prefix-c$i failed its checks (above)" test $? -eq 0
done
ok1=$(jq -r .ok "$tmp/run1.json") ok2=$(jq -r .ok "$tmp/run2.json")
check "ok $ok1 + $ok2 != $total listed" test $((ok1 + ok2)) -eq "$total"
check "the halves are not $(wc -l <"$tmp/keys1") and $(wc -l <"$tmp/keys2") keys ok" \
    test "$ok1" -eq "$(wc -l <"$tmp/keys1")" -a "$ok2" -eq "$(wc -l <"$tmp/keys2")"
check "some key was processed twice or never" \
    test "$(tail -n +2 -q "$tmp/run1.csv" "$tmp/run2.csv" | cut -d, -f1 | sort -u | wc -l)" \
    -eq "$total"
out=$(on "$c2" "$bin" dataset ls "s3://$bucket/out" 2>&1 | wc -l)
check "$out outputs under s3://$bucket/out, want $total" test "$out" -eq "$total"

# Every gateway served requests: per server, the times HAProxy chose it (lbtot, field 31).
on "$NETNS_STORE" curl -fsS --max-time 5 "$stats" >"$tmp/stats.csv" 2>&1
served=$(awk -F, '$1 == "gateways" && $2 ~ /^gw/ { printf "%s=%s ", $2, $31 }' "$tmp/stats.csv")
check "not all 3 gateways served requests: $served" \
    test "$(awk -F, '$1 == "gateways" && $2 ~ /^gw/ && $31 > 0' "$tmp/stats.csv" | wc -l)" -eq 3

# The traffic went over the clients' veths: each received at least its half's bytes.
for i in 1 2; do
	c=$prefix-c$i
	want=$(awk -F'\t' 'NR == FNR { k[$1]; next } ("in/" $1) in k { s += $2 } END { print s + 0 }' \
	    "$tmp/keys$i" "$tmp/ls")
	got=$(($(rx_bytes "$c") - rx[i]))
	check "$c's veth received $got bytes, under its half's $want" test "$got" -ge "$want"
done
# ... and nowhere else: the store is not on the root namespace's loopback, and its gateways
# (on the store's own loopback) are not reachable from a client through the store's address.
check "the store answers on the root namespace's 127.0.0.1:$port" \
    test "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/")" = 000
gw=$(sed -n 's/.*gateway gw1: up, .*http:\/\/127.0.0.1:\([0-9]*\)$/\1/p' <<<"$status")
check "no port for gateway gw1 in the status: $status" test -n "$gw"
check "gateway gw1 answers a client on $NETNS_ADDR_STORE:$gw" test "$(on "$c1" curl -s \
    -o /dev/null -w '%{http_code}' --max-time 2 "http://$NETNS_ADDR_STORE:$gw/")" = 000

# The count is kept: a second up, or with-s3-local, asking for another one says what to do.
expect 1 "with 3 gateways, not 1; run 's3-local down', then 's3-local up --gateways 1'" \
    "${srv[@]}" up
expect 3 'runs 3 gateway\(s\), not 2' env -u AWS_ENDPOINT_URL EXIFBENCH_S3_DIR="$tmp/s3" \
    "$here/../../harness/with-s3-local" --gateways 2 true
expect 2 "'0': want a count from 1 to 16" "${srv[@]}" up --gateways 0

# Health checks: gateway gw3 stopped, HAProxy takes it out and every key still ends ok; the
# status says gw3 is down (exit 1: partly running).
gw3=$(sed -n 's/^  gateway gw3: up, pid \([0-9]*\),.*/\1/p' <<<"$status")
check "no pid for gateway gw3 in the status: $status" test -n "$gw3"
kill "$gw3" 2>/dev/null
for _ in $(seq 100); do
	on "$NETNS_STORE" curl -fsS --max-time 2 "$stats" 2>/dev/null |
	    grep -q '^gateways,gw3,.*,DOWN,' && break
	sleep 0.1
done
on "$NETNS_STORE" curl -fsS --max-time 5 "$stats" >"$tmp/stats-down.csv" 2>&1
check "HAProxy does not show gw3 DOWN once stopped: $(grep gw3 "$tmp/stats-down.csv")" \
    grep -q '^gateways,gw3,.*,DOWN,' "$tmp/stats-down.csv"
run_counted down3 0 on "$c1" "$bin" run -m async -c 8 --src "s3://$bucket/in" \
    --dst "s3://$bucket/down3" --keys "$tmp/keys1"
# radosgw's shutdown on SIGTERM can outlast the run above (seen here: its pid still there, so
# the status said "running"); wait for the process to go, 30 s at most, then make it go
for _ in $(seq 300); do kill -0 "$gw3" 2>/dev/null || break; sleep 0.1; done
kill -9 "$gw3" 2>/dev/null
expect 1 '  gateway gw3: down,' "${srv[@]}" status

# Open MPI's launcher agent: one rank per client namespace, each with its own address and
# its namespace's name as its host name.
# shellcheck disable=SC2016 # for the ranks' shells
netns_mpirun "$c1:1,$c2:1" -np 2 sh -c 'echo "$(hostname) $(ip -o -4 addr show eth0)"' \
    >"$tmp/mpi.out" 2>&1
ranks=$(sed -n 's/^\([^ ]*\) .* inet \([0-9.]*\)\/.*/\1=\2/p' "$tmp/mpi.out" | sort | tr '\n' ' ')
check "mpirun's ranks saw '$ranks', want $c1=$NETNS_ADDR_C1 $c2=$NETNS_ADDR_C2: \
$(head -c 300 "$tmp/mpi.out")" test "$ranks" = "$c1=$NETNS_ADDR_C1 $c2=$NETNS_ADDR_C2 "

# Nothing left: the store stopped, the namespaces, veths and bridge gone (the trap would do
# it too; here it is checked).
expect 0 'stopped' "${srv[@]}" down
netns_down
check "namespaces left: $(ip netns list | grep "^$prefix-")" \
    test -z "$(ip netns list | grep "^$prefix-")"
check "links left: $(ip -o link | grep -o "$prefix-[a-z0-9]*")" \
    test -z "$(ip -o link | grep "$prefix-")"
check "processes left: $(mine "$tmp/")" test -z "$(mine "$tmp/")"
echo "netns: 2 clients on $NETNS_SUBNET, $ok1 + $ok2 keys ok, gateways served $served"
summary netns
