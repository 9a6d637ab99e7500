# tests/netns.sh: network namespaces as the hosts of a test on one machine; sourced, not run
# (bash). `netns_up PREFIX N` makes, as root, a store namespace PREFIX-store and client
# namespaces PREFIX-c1..cN, each joined by a veth pair to a Linux bridge PREFIX-br in the root
# namespace, on a private /24 of 10.0.0.0/8 that no address or route of the machine touches:
# the bridge (where mpirun runs) is .1, the store .2, the clients .11, .12, ...; it exports
# their names and addresses (NETNS_STORE, NETNS_CLIENTS, NETNS_SUBNET, NETNS_ADDR_BRIDGE,
# NETNS_ADDR_STORE, NETNS_ADDR_C1, ...) and chains `netns_down` onto the caller's EXIT trap
# (set yours before calling it), so a failure or Ctrl-C still removes every namespace, veth
# and bridge it made, killing what still runs inside; nothing touches `lo` of the root
# namespace or any interface it did not make. `netns_can` says whether this machine lets us
# (root, `ip netns`), with the reason in NETNS_WHY; `netns_skip_unless_able NAME` prints
# "NAME: skip: REASON" and exits 0 when it does not. `netns_mpirun HOSTS ARGS...` is mpirun
# starting ranks inside the named namespaces through tests/netns-agent, with no sshd, its
# traffic kept on the subnet (measured facts: /work/shared/notes/multi-host.md).
NETNS_AGENT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/netns-agent
NETNS_NS=() NETNS_LINKS=()

# netns_can: 0 when namespaces can be made here; else 1, with the reason in NETNS_WHY.
netns_can() {
	local probe=exbprobe$$
	NETNS_WHY=
	if [ "$(id -u)" -ne 0 ]; then
		NETNS_WHY="network namespaces need root (uid $(id -u))"
	elif ! command -v ip >/dev/null || ! ip netns list >/dev/null 2>&1; then
		NETNS_WHY="no 'ip netns' (iproute2) here"
	elif ! ip netns add "$probe" 2>/dev/null; then
		NETNS_WHY="'ip netns add' is refused here"
	else
		ip netns del "$probe"
		return 0
	fi
	return 1
}

# netns_skip_unless_able NAME: exits 0 with "NAME: skip: REASON" when netns_can fails.
netns_skip_unless_able() {
	netns_can && return 0
	echo "$1: skip: $NETNS_WHY"
	exit 0
}

# _netns_ip4 A.B.C.D: the address as one integer.
_netns_ip4() {
	local IFS=. a b c d
	read -r a b c d <<<"$1"
	echo $(((a << 24) | (b << 16) | (c << 8) | d))
}

# _netns_subnet_free A B: 0 when 10.A.B.0/24 overlaps no address or route of the machine
# (every IPv4 address or prefix that `ip -o addr` and `ip route` of all tables name counts,
# gateways included; a bare address is a /32).
_netns_subnet_free() {
	local net len bits want mask cand
	cand=$(_netns_ip4 "10.$1.$2.0")
	for net in $( { ip -o -4 addr show; ip -4 route show table all; } 2>/dev/null |
	    grep -oE '([0-9]{1,3}\.){3}[0-9]{1,3}(/[0-9]{1,2})?'); do
		len=32
		[[ $net == */* ]] && len=${net#*/}
		bits=$((len < 24 ? len : 24))
		mask=$(((0xffffffff << (32 - bits)) & 0xffffffff))
		want=$(_netns_ip4 "${net%/*}")
		(((want & mask) == (cand & mask))) && return 1
	done
	return 0
}

# _netns_pick_subnet: NETNS_SUBNET_BASE=10.A.B (the first free /24, tried from an offset of
# this shell's pid so two runs side by side start apart), or fails.
_netns_pick_subnet() {
	local i k a b
	for ((i = 0; i < 2000; i++)); do
		k=$(($$ + i * 7))
		a=$((100 + k % 150)) b=$(((k / 150) % 256))
		_netns_subnet_free "$a" "$b" && { NETNS_SUBNET_BASE=10.$a.$b; return 0; }
	done
	return 1
}

# _netns_host NS ADDR PEER: namespace NS on the bridge as eth0 with ADDR/24, lo up; PEER is
# the veth's end in the root namespace.
_netns_host() {
	local ns=$1 addr=$2 peer=$3 tmp=${3}n
	ip netns add "$ns" && NETNS_NS+=("$ns") &&
	ip link add "$peer" type veth peer name "$tmp" && NETNS_LINKS+=("$peer") &&
	ip link set "$tmp" netns "$ns" &&
	ip -n "$ns" link set "$tmp" name eth0 &&
	ip -n "$ns" addr add "$addr/24" dev eth0 &&
	ip -n "$ns" link set eth0 up &&
	ip -n "$ns" link set lo up &&
	ip link set "$peer" master "$NETNS_BRIDGE" up
}

# netns_up PREFIX NCLIENTS: the namespaces, bridge and veths above, or 1 with a line on
# stderr (what was made so far is removed). PREFIX: a lower-case letter, then up to 9
# lower-case letters or digits (interface names stay under 16 characters); NCLIENTS 1-89.
netns_up() {
	local prefix=$1 n=$2 i cur
	if ! [[ $prefix =~ ^[a-z][a-z0-9]{0,9}$ && $n =~ ^[1-9][0-9]?$ ]] || ((n > 89)); then
		echo "netns_up: bad prefix '$prefix' or client count '$n'" >&2
		return 1
	fi
	# Chain onto the caller's EXIT trap once: its clean-up first (servers inside the
	# namespaces), then ours.
	if [ -z "${NETNS_TRAPPED:-}" ]; then
		cur=$(trap -p EXIT)
		eval "set -- $cur"
		trap -- "${3:+$3; }netns_down" EXIT
		[ -n "$(trap -p INT)" ] || trap 'exit 130' INT
		[ -n "$(trap -p TERM)" ] || trap 'exit 143' TERM
		NETNS_TRAPPED=1
	fi
	_netns_pick_subnet || { echo "netns_up: no free /24 in 10.100-249.x.0" >&2; return 1; }
	export NETNS_SUBNET=$NETNS_SUBNET_BASE.0/24 NETNS_ADDR_BRIDGE=$NETNS_SUBNET_BASE.1
	export NETNS_ADDR_STORE=$NETNS_SUBNET_BASE.2 NETNS_STORE=$prefix-store NETNS_CLIENTS=
	NETNS_BRIDGE=$prefix-br
	if ! { ip link add "$NETNS_BRIDGE" type bridge && NETNS_LINKS+=("$NETNS_BRIDGE") &&
	    ip addr add "$NETNS_ADDR_BRIDGE/24" dev "$NETNS_BRIDGE" &&
	    ip link set "$NETNS_BRIDGE" up &&
	    _netns_host "$NETNS_STORE" "$NETNS_ADDR_STORE" "$prefix-vs"; }; then
		echo "netns_up: could not make the bridge and the store on $NETNS_SUBNET" >&2
		netns_down
		return 1
	fi
	for ((i = 1; i <= n; i++)); do
		export "NETNS_ADDR_C$i=$NETNS_SUBNET_BASE.$((10 + i))"
		NETNS_CLIENTS+="${NETNS_CLIENTS:+ }$prefix-c$i"
		if ! _netns_host "$prefix-c$i" "$NETNS_SUBNET_BASE.$((10 + i))" "$prefix-v$i"; then
			echo "netns_up: could not make client namespace $prefix-c$i" >&2
			netns_down
			return 1
		fi
	done
}

# netns_down: every namespace (after killing what runs in it: TERM, then KILL after 5 s),
# veth and bridge netns_up made; idempotent, quiet.
netns_down() {
	local ns l i pids
	for ns in ${NETNS_NS[@]+"${NETNS_NS[@]}"}; do
		for ((i = 0; i < 50; i++)); do
			pids=$(ip netns pids "$ns" 2>/dev/null)
			[ -n "$pids" ] || break
			# shellcheck disable=SC2086 # one pid a word
			if ((i == 0)); then kill -TERM $pids; elif ((i == 49)); then kill -KILL $pids; fi \
			    2>/dev/null
			sleep 0.1
		done
		ip netns del "$ns" 2>/dev/null
	done
	for l in ${NETNS_LINKS[@]+"${NETNS_LINKS[@]}"}; do
		ip link del "$l" 2>/dev/null
	done
	NETNS_NS=() NETNS_LINKS=()
	return 0
}

# netns_mpirun HOSTS ARGS...: mpirun ARGS with ranks on HOSTS (mpirun's --host list of
# namespaces, e.g. p-c1:1,p-c2:1) started through tests/netns-agent, Open MPI's daemons and
# TCP transport on NETNS_SUBNET only, allowed to run as root.
netns_mpirun() {
	local hosts=$1
	shift
	OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun \
	    --mca plm_rsh_agent "$NETNS_AGENT" --host "$hosts" \
	    --mca oob_tcp_if_include "$NETNS_SUBNET" --mca btl self,tcp \
	    --mca btl_tcp_if_include "$NETNS_SUBNET" "$@"
}
