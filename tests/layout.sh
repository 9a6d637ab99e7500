#!/bin/sh
# layout.sh: checks the tree's layering (docs: README "Layout", ../shared/STYLE.md). Two graphs:
# the include graph of the sources (every #include "..." resolved from the root or beside the
# includer) and the link graph of the objects in BUILD (an edge from A.o to B.o when A uses a
# symbol B defines, read with nm). Neither may have a cycle, and no edge may run up a layer:
# models/core and include/ at the bottom (0), models/ and datasets/ on them (1), harness/ (2),
# bench/ (3). Prints each offending edge or cycle and exits 1; prints one summary line and exits
# 0 when the tree is clean. Usage: tests/layout.sh [BUILD] (default build; objects must exist).
set -u
cd "$(dirname "$0")/.."
build=${1:-build}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

srcs=$(git ls-files 'include/*.h' 'models/*.[ch]' 'datasets/*.[ch]' 'harness/*.[ch]' \
	'bench/*.[ch]' 2>/dev/null || find include models datasets harness bench -name '*.[ch]')

# Include edges: "from to", one a line.
for f in $srcs; do
	d=$(dirname "$f")
	sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" |
	while read -r inc; do
		if [ -f "$d/$inc" ]; then
			echo "$f $d/$inc"
		elif [ -f "$inc" ]; then
			echo "$f $inc"
		else
			echo "layout: $f: includes \"$inc\", which is neither beside it nor under the root" >&2
			echo "$f MISSING"
		fi
	done
done >"$tmp/inc"

# Link edges, between the objects of the sources above.
objs=
for f in $srcs; do
	case $f in *.c) [ -f "$build/${f%.c}.o" ] && objs="$objs $build/${f%.c}.o" ;; esac
done
if [ -z "$objs" ]; then
	echo "layout: no objects under $build/: build first (make)" >&2
	exit 2
fi
for o in $objs; do
	nm "$o" | awk -v o="${o#"$build"/}" \
		'NF == 3 && $2 ~ /^[TDRBCG]$/ { print "D", $3, o } NF == 2 && $1 == "U" { print "U", $2, o }'
done >"$tmp/sym"
awk '$1 == "D" { def[$2] = $3 } $1 == "U" { use[NR] = $2; user[NR] = $3 }
	END { for (i in use) if (use[i] in def && def[use[i]] != user[i]) {
		a = user[i]; b = def[use[i]]; sub(/\.o$/, ".c", a); sub(/\.o$/, ".c", b); print a, b } }' \
	"$tmp/sym" | sort -u >"$tmp/link"

# One check for both graphs: layer order, then cycles (peel nodes with no outgoing or no
# incoming edge until none is left to peel; what remains lies on cycles, and its edges are shown).
check() {
	awk -v what="$1" '
	function layer(p) {
		if (p ~ /^(include|models\/core)\//) return 0
		if (p ~ /^(models|datasets)\//) return 1
		if (p ~ /^harness\//) return 2
		if (p ~ /^bench\//) return 3
		return -1
	}
	$2 == "MISSING" { bad++; next }
	{
		if (layer($2) > layer($1)) {
			printf "layout: %s: %s -> %s runs up a layer\n", what, $1, $2
			bad++
		}
		from[NR] = $1; to[NR] = $2; out[$1]++; node[$1]; node[$2]; n = NR
	}
	END {
		for (i = 1; i <= n; i++) indeg[to[i]]++
		do {
			peeled = 0
			for (v in node) if (!out[v] || !indeg[v]) {
				delete node[v]; peeled++
				for (i = 1; i <= n; i++) {
					if (to[i] == v && (from[i] in node)) out[from[i]]--
					if (from[i] == v && (to[i] in node)) indeg[to[i]]--
				}
			}
		} while (peeled)
		for (i = 1; i <= n; i++) if ((from[i] in node) && (to[i] in node)) {
			printf "layout: %s: %s -> %s is on a cycle\n", what, from[i], to[i]
			bad++
		}
		printf "%d %d\n", n, bad > "/dev/stderr"
		exit bad ? 1 : 0
	}' "$2"
}
rc=0
check includes "$tmp/inc" 2>"$tmp/ni" || rc=1
check links "$tmp/link" 2>"$tmp/nl" || rc=1
if [ $rc -eq 0 ]; then
	echo "layout: $(cut -d' ' -f1 "$tmp/ni") include edges and $(cut -d' ' -f1 "$tmp/nl") link edges, no cycle, none up a layer"
fi
exit $rc
