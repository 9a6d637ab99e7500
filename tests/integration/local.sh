#!/usr/bin/env bash
# Local folders as --src and --dst (docs/local.md) under all five models, against the real S3
# server named by AWS_* (run through harness/with-s3-local) for the mixed cases. A dozen
# corpus JPEGs in a temporary folder (one in a subfolder, under a name with a space and a
# '%') go local -> local under every model: each gives the same output files, byte for byte
# (cmp), as sequential, with no AWS_* settings at all. The same folder loaded into a bucket's
# root gives, S3 -> S3, the same bytes again, and so do local -> S3 and S3 -> local under
# every model. Refused: --dst inside --src (also through a symbolic link, and file:///), a
# missing --src, naming them; a key with '..' or an absolute one from --keys, a file that is
# gone, and one that cannot be read (chmod 000: as root the run is made as nobody through
# setpriv, else skipped) fail their key with a reason while the run goes on and the counts
# add up. Buckets of its own, removed at the end. Usage: tests/integration/local.sh BIN
set -uo pipefail
bin=${1:?usage: tests/integration/local.sh path/to/exifbench}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
: "${AWS_ENDPOINT_URL:?run through harness/with-s3-local}"
models="sequential pthreads forkpool async hybrid"
tmp=$(mktemp -d)
bucket=exifbench-itl-$$
opts=(--upload-image --transform thumbnail)

cleanup() {
	"$bin" dataset rm --bucket "s3://$bucket-in" >/dev/null 2>&1
	"$bin" dataset rm --bucket "s3://$bucket-out" >/dev/null 2>&1
	chmod -R u+rwX "$tmp" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
. "$(dirname "$0")/../lib.sh"
find_corpus

# run NAME WANT_RC CMD...: lib.sh's run_counted.
run() {
	run_counted "$@"
}

# count NAME FIELD WANT: the summary's FIELD of run NAME is WANT.
count() {
	check "$1: $2 is $(jq -r ".$2" "$tmp/$1.json"), want $3" \
	    test "$(jq -r ".$2" "$tmp/$1.json")" = "$3"
}

# reason NAME KEY PATTERN: run NAME's trace has KEY failed with a reason matching PATTERN.
reason() {
	check "$1: key '$2' not failed with /$3/: $(grep -F "\"$2\"" "$tmp/$1.csv" | head -c 300)" \
	    grep -qE "^\"$2\",\"failed\",\"[^\"]*$3" "$tmp/$1.csv"
}

# tree DIR NAME: "PATH<TAB>SIZE<TAB>SHA256" of every file under DIR, in byte order, into
# $tmp/NAME.ls: the format of `dataset ls --sha256`.
tree() {
	(cd "$1" && find . -type f | sed 's|^\./||' | LC_ALL=C sort | while IFS= read -r f; do
		printf '%s\t%s\t%s\n' "$f" "$(stat -c %s "$f")" "$(sha256sum <"$f" | cut -d' ' -f1)"
	done) >"$tmp/$2.ls"
}

# objects PREFIX NAME: the same of s3://$bucket-out/PREFIX into $tmp/NAME.ls.
objects() {
	"$bin" dataset ls --sha256 "s3://$bucket-out/$1" >"$tmp/$2.ls" 2>"$tmp/$2.ls.err"
	check "dataset ls s3://$bucket-out/$1: $(head -c 200 "$tmp/$2.ls.err")" test $? -eq 0
}

# same_files A B: the folders hold the same paths, and each file the same bytes (cmp).
same_files() {
	local f bad=
	check "$2: not the paths of $1: $(diff <(cd "$1" && find . -type f | LC_ALL=C sort) \
	    <(cd "$2" && find . -type f | LC_ALL=C sort) | head -n 4)" \
	    cmp -s <(cd "$1" && find . -type f | LC_ALL=C sort) \
	    <(cd "$2" && find . -type f | LC_ALL=C sort)
	while IFS= read -r f; do
		cmp -s "$1/$f" "$2/$f" || bad="$bad $f"
	done < <(cd "$1" && find . -type f)
	check "$2: files differ from $1's:$bad" test -z "$bad"
}

# same A B: listings A and B (name, size, sha256) are the same.
same() {
	check "outputs of $2 differ from $1's: $(diff "$tmp/$1.ls" "$tmp/$2.ls" | head -n 4)" \
	    cmp -s "$tmp/$1.ls" "$tmp/$2.ls"
}

# The source: 11 corpus JPEGs at the top, one in sub/ under an awkward name.
src=$tmp/src
mkdir -p "$src/sub"
mapfile -t jpegs < <(ls "$corpus/jpeg" | LC_ALL=C sort | grep -i '\.jpe\?g$' | head -n 12)
check "the corpus has 12 JPEGs: ${#jpegs[@]}" test "${#jpegs[@]}" -eq 12
for f in "${jpegs[@]:0:11}"; do cp "$corpus/jpeg/$f" "$src/"; done
cp "$corpus/jpeg/${jpegs[11]}" "$src/sub/with space %41.jpg"

# local -> local, every model, with no S3 settings at all: the same files as sequential.
for m in $models; do
	run "ll-$m" 0 env -u AWS_ENDPOINT_URL -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY \
	    "$bin" run -m "$m" --src "$src" --dst "$tmp/ll-$m" "${opts[@]}"
	count "ll-$m" ok 12
	count "ll-$m" failed 0
	check "ll-$m: 24 output files: $(find "$tmp/ll-$m" -type f | wc -l)" \
	    test "$(find "$tmp/ll-$m" -type f | wc -l)" -eq 24
	check "ll-$m: sub/ kept" test -s "$tmp/ll-$m/sub/with space %41.jpg.json"
	[ "$m" = sequential ] || same_files "$tmp/ll-sequential" "$tmp/ll-$m"
done
check "ll: the record's key is the path under --src" \
    grep -q '^{"key":"sub/with space %41.jpg",' "$tmp/ll-sequential/sub/with space %41.jpg.json"
run ll-file 0 "$bin" run -m async --src "file://$src/" --dst "file://$tmp/ll-file" "${opts[@]}"
same_files "$tmp/ll-sequential" "$tmp/ll-file"

# The same folder in a bucket's root (keys = the same relative paths), S3 -> S3.
expect 0 'loaded 11/11' "$bin" dataset load "$src" "s3://$bucket-in"
expect 0 'loaded 1/1' "$bin" dataset load "$src/sub" "s3://$bucket-in/sub"
run ss 0 "$bin" run -m sequential --src "s3://$bucket-in" --dst "s3://$bucket-out/ss" "${opts[@]}"
objects ss ss
tree "$tmp/ll-sequential" ll
same ss ll

# local -> S3 and S3 -> local under every model: the bytes of S3 -> S3.
for m in $models; do
	run "ls-$m" 0 "$bin" run -m "$m" --src "$src" --dst "s3://$bucket-out/ls-$m" "${opts[@]}"
	objects "ls-$m" "ls-$m"
	same ss "ls-$m"
	run "sl-$m" 0 "$bin" run -m "$m" --src "s3://$bucket-in" --dst "$tmp/sl-$m" "${opts[@]}"
	tree "$tmp/sl-$m" "sl-$m"
	same ss "sl-$m"
done

# Refusals: exit 2, one line naming what is wrong.
ln -s "$src" "$tmp/link"
expect 2 "^exifbench: --dst $src/out lies inside --src $src: the outputs would be listed" \
    "$bin" run -m sequential --src "$src" --dst "$src/out"
expect 2 "^exifbench: --dst $tmp/link/new/out lies inside --src file://$src" \
    "$bin" run -m sequential --src "file://$src" --dst "$tmp/link/new/out"
expect 2 "^exifbench: --dst $src lies inside" "$bin" run -m async --src "$tmp/link" --dst "$src"
expect 2 "^exifbench: --src $tmp/none: No such file or directory$" \
    "$bin" run -m sequential --src "$tmp/none" --dst "$tmp/out"
expect 2 "^exifbench: --src $src/sub/with space %41.jpg: not a folder$" \
    "$bin" run -m sequential --src "$src/sub/with space %41.jpg" --dst "$tmp/out"
check "refused runs wrote nothing" test ! -e "$src/out" -a ! -e "$tmp/out" -a ! -e "$src/new"
expect 0 '^async, hybrid: local files are read and written inline on the loop, blocking it\.$' "$bin" run --help

# Keys that cannot be files under --src, and a file that is gone: failed, the run goes on.
printf '%s\n' "${jpegs[0]}" "sub/../${jpegs[1]}" "/etc/passwd" "gone.jpg" \
    "sub/with space %41.jpg" >"$tmp/keys"
for m in $models; do
	run "keys-$m" 1 "$bin" run -m "$m" --src "$src" --dst "$tmp/keys-$m" --keys "$tmp/keys"
	count "keys-$m" ok 2
	count "keys-$m" failed 3
	reason "keys-$m" "sub/../${jpegs[1]}" "has a '..' segment"
	reason "keys-$m" /etc/passwd "is absolute"
	reason "keys-$m" gone.jpg "cannot read $src/gone.jpg: No such file or directory"
done
check "no output outside the --dst folder" test ! -e "$tmp/${jpegs[1]}.json"

# A file that cannot be read (chmod 000): as root, run as nobody (root reads it anyway).
as=()
if [ "$(id -u)" -eq 0 ]; then
	if setpriv --reuid=nobody --regid=nogroup --clear-groups "$bin" --help >/dev/null 2>&1
	then
		as=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
		chmod 755 "$tmp" && chmod -R a+rX "$src" && mkdir -m 777 "$tmp/perm"
	else
		echo "local.sh: skipping the chmod 000 case: root, and nobody cannot run $bin"
	fi
else
	mkdir "$tmp/perm"
fi
if [ "$(id -u)" -ne 0 ] || [ ${#as[@]} -gt 0 ]; then
	chmod 000 "$src/${jpegs[2]}"
	for m in $models; do
		run "perm/$m" 1 "${as[@]}" "$bin" run -m "$m" --src "$src" --dst "$tmp/perm/out-$m"
		count "perm/$m" listed 12
		count "perm/$m" ok 11
		count "perm/$m" failed 1
		reason "perm/$m" "${jpegs[2]}" "cannot read $src/${jpegs[2]}: Permission denied"
	done
	chmod 644 "$src/${jpegs[2]}"
fi

summary local.sh
