#!/usr/bin/env bash
# The end of `make check`: no process the tests started is left behind. Every process started
# under make check inherits EXIFBENCH_TEST_MARK=MARK in its environment (tests/lib.sh keeps a
# mark it is given), so one that still carries it once the tests are over is a leak: a server,
# a shaper, a co-process, a stopped child. Waits up to 5 s for those on their way out, then
# names each one left and fails. Usage: tests/leftover.sh MARK (not exported to this script).
set -uo pipefail
mark=${1:?usage: tests/leftover.sh MARK}
# This script and its ancestors (a make run with the mark already set carries it too).
mine=" $$ " p=$$
while [ "$p" -gt 1 ] && p=$(awk '/^PPid:/ { print $2 }' "/proc/$p/status" 2>/dev/null) &&
    [ -n "$p" ]; do
	mine+="$p "
done
left() {
	local d pid
	for d in /proc/[0-9]*; do
		pid=${d#/proc/}
		[[ $mine == *" $pid "* || $pid == "$BASHPID" ]] && continue
		tr '\0' '\n' 2>/dev/null <"$d/environ" | grep -qxF "EXIFBENCH_TEST_MARK=$mark" ||
			continue
		printf '%s %s\n' "$pid" "$(tr '\0' ' ' <"$d/cmdline" 2>/dev/null | head -c 120)"
	done
}
for i in $(seq 50); do
	out=$(left)
	[ -z "$out" ] && { echo "leftover: no process of the tests is left"; exit 0; }
	sleep 0.1
done
echo "leftover: processes the tests started are still running:"
printf '  %s\n' "$out"
exit 1
