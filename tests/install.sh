#!/usr/bin/env bash
# `make install` and `make uninstall`, no server needed. Twice: staged under DESTDIR with the
# default PREFIX (run with EXIFBENCH_HOME pointing into the stage, as a packager would test it),
# then built a second time (in its own O= folder) with PREFIX in a temporary folder and no
# DESTDIR, the honest check of the compiled-in path. From a working folder outside the
# checkout, each installed binary names its files in --help, finds a shipped scenario by its
# bare name, reports a copy of tests/data/results-small with the installed plots/, and says
# what it looked for when the files are not there; the man page renders with no groff warning
# and `man exifbench` finds it; uninstall leaves no file behind.
# Usage: tests/install.sh BIN [MAKE_VARIABLE=VALUE...] (the build's O= and SANITIZER=).
set -uo pipefail
bin=${1:?usage: tests/install.sh path/to/exifbench [VAR=VALUE...]}
shift
bin=$(cd "$(dirname "$bin")" && pwd)/${bin##*/}
root=$(cd "$(dirname "$0")/.." && pwd)
data=$root/tests/data/results-small
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$root/tests/lib.sh"
unset EXIFBENCH_HOME
mkdir "$tmp/cwd" "$tmp/empty"
cd "$tmp/cwd" || exit 1

# mk ARGS...: the checkout's make, outside the calling make (no jobserver, no inherited flags).
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory -C "$root" "$@" \
		>"$tmp/make.log" 2>&1 || { cat "$tmp/make.log"; return 1; }
}

# installed PREFIX ROOT: every file install should have put under ROOT (DESTDIR + PREFIX).
installed() {
	local f share=$2/share/exifbench
	[ -x "$2/bin/exifbench" ] && [ -f "$2/share/man/man1/exifbench.1" ] || return 1
	for f in "$root"/plots/*.gp "$root"/bench/*.conf; do
		cmp -s "$f" "$share/${f#"$root"/}" || return 1
	done
	[ -x "$share/harness/s3-local" ] && [ -x "$share/harness/with-s3-local" ] || return 1
	cmp -s "$root/models/stages/stage.py" "$share/models/stages/stage.py" &&
	[ -f "$2/lib/exifbench/stages/jpeg.so" ] && [ -f "$2/lib/exifbench/stages/spin.so" ]
}

# uses EXE SHARE: the installed binary against its installed files.
uses() {
	local exe=$1 share=$2
	expect 0 "^files: $share \\(plots" "$exe" --help
	expect 0 '^usage: exifbench bench' "$exe" bench --help
	expect 0 '^[0-9]+ runs of io-bound' "$exe" bench --scenario io-bound --dry-run
	expect 0 '^[0-9]+ runs of cpu-bound' "$exe" bench --scenario cpu-bound.conf -n
	expect 2 "scenario 'nope' not found: no such file here, nor $share/bench/nope.conf" \
		"$exe" bench --scenario nope -n
	# The installed example stages: the scenario check dlopens a plugin; the script runs.
	local lib=${share%/share/exifbench}/lib/exifbench/stages
	expect 0 '^[0-9]+ runs of cpu-bound' "$exe" bench --scenario cpu-bound -n \
		--set cpu_spin_ms=0 --set stage="$lib/jpeg.so"
	expect 0 '^[0-9]+ runs of cpu-bound' "$exe" bench --scenario cpu-bound -n \
		--set cpu_spin_ms=0 --set stage="$lib/spin.so:5"
	expect 0 'usage: stage.py' python3 "$share/models/stages/stage.py" --help
	sed 's/^name = io-bound/name = mine/' "$root/bench/io-bound.conf" >mine
	expect 0 '^[0-9]+ runs of mine' "$exe" bench --scenario mine -n
	rm -rf rs && cp -r "$data" rs
	expect 0 'report: written to rs/report.md' "$exe" report rs
	check "report of the installed plots drew no figure" \
		test -s rs/plots/throughput-io-bound.png -a -s rs/plots/scaling-cpu-bound.svg
	check "gnuplot did not run the installed $share/plots/throughput.gp" \
		grep -q "$share/plots/throughput.gp" rs/plots/gnuplot.log
	check "gnuplot ran a script of the checkout" not grep -q "$root/plots" rs/plots/gnuplot.log
	expect 3 "EXIFBENCH_HOME is '$tmp/empty', which holds no harness/s3-local" \
		env EXIFBENCH_HOME="$tmp/empty" "$exe" report rs
}
not() { ! "$@"; }

# 1. Staged: DESTDIR with the default PREFIX; the files are found through EXIFBENCH_HOME.
dest=$tmp/dest share=$tmp/dest/usr/local/share/exifbench
check "make install DESTDIR=... PREFIX=/usr/local failed" \
	mk "$@" install DESTDIR="$dest" PREFIX=/usr/local
check "make install left files out under $dest/usr/local" installed /usr/local "$dest/usr/local"
EXIFBENCH_HOME=$share uses "$dest/usr/local/bin/exifbench" "$share"
# Without it the staged binary looks for /usr/local/share/exifbench, which is not the stage.
if [ ! -e /usr/local/share/exifbench ]; then
	looked='not found: EXIFBENCH_HOME is unset, .*/dest/usr/local/bin/exifbench is not in a '
	looked+='checkout, and /usr/local/share/exifbench does not hold them'
	expect 3 "$looked" "$dest/usr/local/bin/exifbench" report rs
	expect 2 "scenario 'io-bound' is not a file here, and exifbench's files .* not found" \
		"$dest/usr/local/bin/exifbench" bench --scenario io-bound -n
fi

# The man page: no groff warning, and man finds it on the installed MANPATH.
man1=$dest/usr/local/share/man/man1/exifbench.1
check "groff warns about the man page: $(groff -man -Tutf8 -ww "$man1" 2>&1 >/dev/null)" \
	test -z "$(groff -man -Tutf8 -ww "$man1" 2>&1 >/dev/null)"
expect 0 'exifbench - benchmark concurrency models' env MANWIDTH=80 man -l "$man1"
expect 0 "^$man1" env MANPATH="$dest/usr/local/share/man" man -w exifbench
expect 0 'EXIFBENCH_HOME' env MANPATH="$dest/usr/local/share/man" MANWIDTH=80 man exifbench
check "make uninstall DESTDIR=... failed" mk "$@" uninstall DESTDIR="$dest" PREFIX=/usr/local
check "make uninstall left $(find "$dest" -type f | head -3)" test -z "$(find "$dest" -type f)"
check "make uninstall left $share" test ! -e "$share"

# 2. The compiled-in path: built again with PREFIX in $tmp, installed without DESTDIR.
prefix=$tmp/prefix
check "make install PREFIX=$prefix failed" mk "$@" O="$tmp/build" PREFIX="$prefix" install
check "make install left files out under $prefix" installed "$prefix" "$prefix"
uses "$prefix/bin/exifbench" "$prefix/share/exifbench"
check "the man page does not name the installed folder" \
	grep -q "$prefix/share/exifbench" "$prefix/share/man/man1/exifbench.1"
check "make uninstall PREFIX=$prefix failed" mk "$@" O="$tmp/build" PREFIX="$prefix" uninstall
check "make uninstall left $(find "$prefix" -type f | head -3)" test -z "$(find "$prefix" -type f)"
check "make uninstall left $prefix/share/exifbench" test ! -e "$prefix/share/exifbench"

# The binary the tests run (in the checkout) still finds the checkout.
expect 0 "^files: $root \\(plots" "$bin" --help
summary install
