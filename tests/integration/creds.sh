#!/usr/bin/env bash
# Endpoint and credentials as every AWS tool reads them, against a real local Ceph gateway of
# its own (harness/s3-local with EXIFBENCH_S3_STS=yes, on free ports of its own (free_port),
# stopped at the end) reached as a remote one, every request really
# signed and checked: credentials from a profile file only (no AWS_* key variable); ~/.aws under
# HOME; the environment winning over the files; temporary credentials with a session token
# from the gateway's STS API (GetSessionToken), from the environment and from a profile, under
# all five models and in a bench; a wrong or missing token refused with 403; virtual-hosted
# requests through the gateway's rgw_dns_name (BUCKET.localhost); CreateBucket's
# LocationConstraint; the CA bundle and the TLS switch; no secret or token in any output or
# result file.
set -uo pipefail
bin=${1:?usage: tests/integration/creds.sh path/to/exifbench}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
. "$here/../lib.sh"	# free_port

# mangle TOKEN I: the token with its character I replaced by A, or by B where it was an A: a
# fixed letter left it unchanged about one run in 64.
mangle() {
	local c=${1:$2:1} r=A
	[ "$c" = A ] && r=B
	printf '%s%s%s' "${1:0:$2}" "$r" "${1:$(($2 + 1))}"
}
srv=(env EXIFBENCH_S3_DIR="$tmp/s3" EXIFBENCH_S3_PORT="$(free_port 7780)"
    EXIFBENCH_MON_PORT="$(free_port 17780)" EXIFBENCH_S3_STS=yes
    EXIFBENCH_S3_MEM_MB=1024 "$here/../../harness/s3-local")
if ! "${srv[@]}" up >/dev/null 2>"$tmp/up.err"; then
	echo "creds: could not start a local S3 server with STS: $(tail -n 1 "$tmp/up.err")"
	rm -rf "$tmp"
	exit 1
fi
eval "$("${srv[@]}" env)"
ep=$AWS_ENDPOINT_URL ak=$AWS_ACCESS_KEY_ID sk=$AWS_SECRET_ACCESS_KEY
port=${ep##*:}
bucket=exifbench-creds-$$
export EXPECT_LOG=$tmp/all-output.log EXIFBENCH_HOME=$here/../..
models="sequential pthreads forkpool async hybrid"
cleanup() {
	for b in "$bucket" "$bucket-v" "$bucket-r"; do
		"$bin" dataset rm --bucket "s3://$b" >/dev/null 2>&1
	done
	"$bin" dataset rm "s3://exifbench-out/tiny" >/dev/null 2>&1	# the bench's, as bench.sh
	"$bin" dataset rm "s3://exifbench-data/tiny" >/dev/null 2>&1
	"${srv[@]}" down >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# files ARGS...: ARGS with no AWS_* setting in the environment but the two files of $tmp.
files() {
	env -u AWS_ENDPOINT_URL -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_REGION \
	    -u AWS_SESSION_TOKEN -u AWS_PROFILE -u AWS_DEFAULT_REGION -u AWS_CA_BUNDLE \
	    -u AWS_S3_ADDRESSING_STYLE -u EXIFBENCH_TLS_VERIFY HOME="$tmp/home" \
	    AWS_CONFIG_FILE="$tmp/config" AWS_SHARED_CREDENTIALS_FILE="$tmp/credentials" "$@"
}

# temp ARGS...: ARGS with only the temporary credentials in the environment (the token: $TOK
# when set, "" for none), so that no secret is ever on a command line a failure prints.
temp() {
	files env AWS_ENDPOINT_URL="$ep" AWS_ACCESS_KEY_ID="$tak" AWS_SECRET_ACCESS_KEY="$tsk" \
	    AWS_SESSION_TOKEN="${TOK-$tok}" "$@"
}

# keys SECRET ARGS...: ARGS with the profile files and the access key and SECRET ("" for the
# permanent secret) in the environment.
keys() {
	local s=${1:-$sk}
	shift
	files env AWS_ACCESS_KEY_ID="$ak" AWS_SECRET_ACCESS_KEY="$s" "$@"
}

# profile NAME ENDPOINT KEY SECRET [TOKEN]: writes the profile NAME to both files.
profile() {
	printf '[profile %s]\nregion = us-east-1\nendpoint_url = %s\noutput = json\n' "$1" "$2" \
	    >>"$tmp/config"
	printf '[%s]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$1" "$3" "$4" \
	    >>"$tmp/credentials"
	[ -z "${5:-}" ] || printf 'aws_session_token = %s\n' "$5" >>"$tmp/credentials"
}

# sts_post ACTION: a SigV4-signed STS call with the permanent keys; the XML reply on stdout.
sts_post() {
	local body="Action=$1&Version=2011-06-15"
	printf 'user = "%s:%s"\n' "$ak" "$sk" | curl -fsS -K - --aws-sigv4 "aws:amz:us-east-1:sts" \
	    -H "x-amz-content-sha256: $(printf %s "$body" | sha256sum | cut -d' ' -f1)" \
	    -d "$body" --max-time 10 "$ep/"
}

# xml TAG FILE: the text of the first <TAG> element.
xml() {
	sed -n "s:.*<$1>\([^<]*\)</$1>.*:\1:p" "$2" | head -n 1
}

# run_all LABEL CMD...: the tiny dataset through all five models with CMD's settings; each run
# must end with every key accounted for and write the same output bytes as sequential.
run_all() {
	local label=$1 m c
	shift
	for m in $models; do
		c=4 && [ "$m" != sequential ] || c=1
		expect 0 '"ok": ?40' "$@" "$bin" run -m "$m" -c "$c" --limit 40 --json \
		    --src "s3://$bucket/in" --dst "s3://$bucket/$label-$m"
		"$@" "$bin" dataset ls --sha256 "s3://$bucket/$label-$m" >"$tmp/$label-$m.ls" 2>&1
		check "$label: $m wrote 40 outputs" test "$(wc -l <"$tmp/$label-$m.ls")" -eq 40
		[ "$m" = sequential ] || check "$label: $m's outputs differ from sequential's" \
		    cmp -s "$tmp/$label-sequential.ls" "$tmp/$label-$m.ls"
	done
}

mkdir -p "$tmp/home/.aws"
expect 0 'generated 50 files' "$bin" dataset gen --profile tiny --out "$tmp/tiny"

# --- permanent keys from a profile only ---
profile exb "$ep" "$ak" "$sk"
profile wrong "$ep" "$ak" "not-the-secret-$$"
expect 0 'loaded 50/50 files .* LIST shows 50/50' files env AWS_PROFILE=exb "$bin" dataset load \
    "$tmp/tiny" "s3://$bucket/in"
expect 0 '50 ok, 0 missing, 0 mismatched, 0 failed' files env AWS_PROFILE=exb "$bin" \
    dataset verify "$tmp/tiny" "s3://$bucket/in"
expect 3 "credentials rejected by $ep \(403.*\(profile 'wrong'\)" files env AWS_PROFILE=wrong \
    "$bin" dataset ls "s3://$bucket/in"
expect 3 "AWS_PROFILE: profile 'nope' is in neither $tmp/config nor $tmp/credentials" files \
    env AWS_PROFILE=nope "$bin" dataset ls "s3://$bucket/in"
expect 3 'AWS_ENDPOINT_URL is not set, nor endpoint_url in profile .default.' files "$bin" \
    dataset ls "s3://$bucket/in"
# The default profile of ~/.aws, with no AWS_CONFIG_FILE or AWS_SHARED_CREDENTIALS_FILE.
printf '[default]\nendpoint_url = %s\n' "$ep" >"$tmp/home/.aws/config"
printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$ak" "$sk" \
    >"$tmp/home/.aws/credentials"
expect 0 '^IMG_00049.jpg' files env -u AWS_CONFIG_FILE -u AWS_SHARED_CREDENTIALS_FILE "$bin" \
    dataset ls "s3://$bucket/in"
# The environment wins over the files, for the keys as for the endpoint.
expect 0 '^IMG_00049.jpg' keys "" env AWS_PROFILE=wrong "$bin" dataset ls "s3://$bucket/in"
expect 3 "credentials rejected by $ep " keys "not-the-secret-$$" env AWS_PROFILE=exb "$bin" \
    dataset ls "s3://$bucket/in"
expect 3 'cannot reach S3 endpoint http://127.0.0.1:1' files env AWS_PROFILE=exb \
    AWS_ENDPOINT_URL=http://127.0.0.1:1 "$bin" dataset ls "s3://$bucket/in"
run_all profile files env AWS_PROFILE=exb

# --- temporary credentials: GetSessionToken, then the token on every request ---
backend=$("${srv[@]}" status 2>/dev/null)
if [[ $backend == *minio* ]]; then
	echo "creds: MinIO has no GetSessionToken: temporary credentials not tested"
else
	sts_post GetSessionToken >"$tmp/sts.xml" 2>&1
	tak=$(xml AccessKeyId "$tmp/sts.xml") tsk=$(xml SecretAccessKey "$tmp/sts.xml")
	tok=$(xml SessionToken "$tmp/sts.xml")
	check "GetSessionToken gave no credentials (its reply: $(grep -o '<Code>[^<]*' \
	    "$tmp/sts.xml"))" test -n "$tak" -a -n "$tsk" -a -n "$tok"
	check "the token (${#tok} bytes) is not longer than a libinih line" test "${#tok}" -gt 200
	expect 0 '^IMG_00049.jpg' temp "$bin" dataset ls "s3://$bucket/in"
	# Another session's token with these keys: 403. A mangled one: 403 or, when it no longer
	# decrypts, 400.
	sts_post GetSessionToken >"$tmp/sts2.xml" 2>&1
	TOK=$(xml SessionToken "$tmp/sts2.xml") expect 3 \
	    "credentials rejected by $ep \(403.*and the session token" temp "$bin" dataset ls \
	    "s3://$bucket/in"
	bad=$(mangle "$tok" $((${#tok} - 1)))
	TOK=$bad expect 3 "credentials rejected by $ep \(403.*and the session token" temp \
	    "$bin" dataset ls "s3://$bucket/in"
	TOK=$(mangle "$tok" 0) expect 3 "(credentials rejected by $ep \(403|HTTP 400)" temp "$bin" \
	    dataset ls "s3://$bucket/in"
	# Temporary keys without their token: the gateway says 400 (to a HEAD, with no code).
	TOK= expect 3 "(credentials rejected by $ep \(403|HTTP 400)" temp "$bin" dataset ls \
	    "s3://$bucket/in"
	profile temp "$ep" "$tak" "$tsk" "$tok"
	profile badtoken "$ep" "$tak" "$tsk" "$bad"
	expect 3 "credentials rejected by $ep \(403.*profile 'badtoken'" files env \
	    AWS_PROFILE=badtoken "$bin" dataset ls "s3://$bucket/in"
	expect 0 '50 ok, 0 missing' files env AWS_PROFILE=temp "$bin" dataset verify "$tmp/tiny" \
	    "s3://$bucket/in"
	run_all token files env AWS_PROFILE=temp
	check "the profile's token gave other outputs than the permanent keys" \
	    cmp -s "$tmp/profile-sequential.ls" "$tmp/token-sequential.ls"
	# A bench whose endpoint and temporary credentials come from the profile alone: it must
	# not run itself under the local server's wrapper, and records how it was configured.
	expect 0 'runs? of up to 20 images, endpoint '"$ep"' through the shaper' files env \
	    AWS_PROFILE=temp "$bin" bench --scenario "$here/tiny.conf" --set models=async \
	    --set concurrency=2 --set images=20 --results "$tmp/results" --data "$tmp/data" \
	    --no-report
	meta=$(ls -d "$tmp"/results/*/ | head -n 1)meta.json
	check "bench meta.json: $(jq -c '[.endpoint, .endpoint_settings, .status]' "$meta")" \
	    jqe --arg ep "$ep" '.endpoint == $ep and .status == "complete" and
	    .endpoint_settings == {addressing: "path", tls_verify: true, ca_bundle: null,
	    profile: "temp", session_token: true}' "$meta"
fi

# --- virtual-hosted style: BUCKET.localhost, which curl resolves to loopback ---
vep=http://localhost:$port
expect 0 "loaded 50/50 files .* to s3://$bucket-v/x" env AWS_S3_ADDRESSING_STYLE=virtual \
    AWS_ENDPOINT_URL="$vep" "$bin" dataset load "$tmp/tiny" "s3://$bucket-v/x"
expect 0 '^IMG_00049.jpg' "$bin" dataset ls "s3://$bucket-v/x"
printf '[profile virt]\nendpoint_url = %s\ns3 =\n  addressing_style = virtual\n' "$vep" \
    >>"$tmp/config"
printf '[virt]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$ak" "$sk" \
    >>"$tmp/credentials"
expect 0 '50 ok, 0 missing' files env AWS_PROFILE=virt "$bin" dataset verify "$tmp/tiny" \
    "s3://$bucket-v/x"
expect 0 '"ok": ?40' files env AWS_PROFILE=virt "$bin" run -m async -c 4 --limit 40 --json \
    --src "s3://$bucket-v/x" --dst "s3://$bucket-v/out"
# Proof the bucket travels in the host name: 127.0.0.1 has no BUCKET.127.0.0.1.
expect 3 "cannot reach S3 endpoint $ep" env AWS_S3_ADDRESSING_STYLE=virtual "$bin" dataset ls \
    "s3://$bucket-v/x"
expect 3 "AWS_S3_ADDRESSING_STYLE .* must be path or virtual, not 'vhost'" env \
    AWS_S3_ADDRESSING_STYLE=vhost "$bin" dataset ls "s3://$bucket-v/x"

# --- CreateBucket outside us-east-1 names its region (the gateway's zone group: default) ---
expect 3 'PUT '"$bucket"'-r/ at .*: HTTP 400 InvalidLocationConstraint' env AWS_REGION=eu-west-3 \
    "$bin" dataset load "$tmp/tiny" "s3://$bucket-r/x"
expect 0 'loaded 50/50' env AWS_REGION=default "$bin" dataset load "$tmp/tiny" "s3://$bucket-r/x"

# --- TLS settings ---
expect 3 "AWS_CA_BUNDLE .* '$tmp/none.pem' is not a readable file" env \
    AWS_CA_BUNDLE="$tmp/none.pem" "$bin" dataset ls "s3://$bucket/in"
expect 0 'warning: EXIFBENCH_TLS_VERIFY=no: the S3 endpoint.s TLS certificate is not verified' \
    env EXIFBENCH_TLS_VERIFY=no "$bin" dataset ls "s3://$bucket/in"
expect 3 'EXIFBENCH_TLS_VERIFY must be yes or no' env EXIFBENCH_TLS_VERIFY=0 "$bin" dataset ls \
    "s3://$bucket/in"
# --insecure, the flag, is the same switch; a bench under it records that it was off.
expect 0 'warning: EXIFBENCH_TLS_VERIFY=no: the S3 endpoint.s TLS certificate is not verified' \
    "$bin" --insecure dataset ls "s3://$bucket/in"
expect 0 'runs? of up to 8 images' "$bin" --insecure bench --scenario "$here/tiny.conf" \
    --set models=sequential --set concurrency=1 --set images=8 --results "$tmp/insecure" \
    --data "$tmp/data" --no-report
meta=$(ls -d "$tmp"/insecure/*/ | head -n 1)meta.json
check "bench --insecure meta.json: $(jq -c .endpoint_settings "$meta")" \
    jqe '.endpoint_settings.tls_verify == false' "$meta"

# --- no secret, temporary secret or token anywhere ---
for f in "$tmp"/results/*/meta.json "$tmp"/results/*/logs/*; do
	[ -f "$f" ] && cat "$f" >>"$EXPECT_LOG"
done
for s in "$sk" ${tsk:+"$tsk"} ${tok:+"$tok"} ${tok:+"${tok:0:40}"}; do
	check "a secret appears in the output (${#s} bytes)" \
	    bash -c '! grep -qF -- "$0" "$1"' "$s" "$EXPECT_LOG"
done
summary creds
