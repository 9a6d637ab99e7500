/*
 * s3req.c: the S3 client's request layer. Maps one S3 operation onto the options of a caller's
 * easy handle, with the headers libcurl's SigV4 signer needs (the body's SHA-256, the content
 * type, the session token), and a completed transfer onto a struct s3_result with a one-line
 * error. URLs are path-style, or virtual-hosted when the config asks. It never
 * performs a transfer, sleeps or owns a handle: the blocking client (s3.c) and the event loop
 * models drive it alike. Response bodies go straight into the caller's buffer, pre-sized from
 * Content-Length; error bodies go to a small side buffer that only feeds the S3 error code.
 */
#include "s3.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "s3xml.h"
#include "include/rng.h"

#define ERRBODY_MAX 4096
/*
 * curl's receive buffer, per easy handle (its default is 16 KiB): memory per transfer in
 * flight, traded against recv calls per body.
 */
#ifndef S3_RECV_BUFFER
#define S3_RECV_BUFFER (8L * 1024)
#endif
#define CONTENT_TYPE_DEFAULT "application/octet-stream"
/*
 * A PUT body up to this size goes out in the send of its headers (set_method): curl 7.88 puts
 * "post fields" under 64 KiB there.
 */
#define PUT_INLINE_MAX (60 * 1024)

/* Sets one option unless an earlier one failed; rc and easy are the caller's. */
#define SET(opt, val) \
	do { \
		if (rc == CURLE_OK) \
			rc = curl_easy_setopt(easy, opt, val); \
	} while (0)

static int reserve_exact(struct s3_buf *b, size_t need);
static size_t on_write(char *ptr, size_t size, size_t nmemb, void *arg);
static int on_seek(void *arg, curl_off_t offset, int origin);
static int req_init(struct s3_req *r, const struct s3_config *cfg, const char *endpoint,
    enum s3_method method, const char *bucket, const char *key, struct s3url_param *params,
    size_t nparams, const void *body, size_t body_len, const char *body_sha256,
    const char *content_type, struct s3_buf *sink, struct s3_result *res);
static int build_url(struct s3_req *r, struct s3url_param *params, size_t nparams);
static int keep_url(struct s3_req *r, const char *url);
static void free_url(struct s3_req *r);
static struct curl_slist *sign_headers(const struct s3_config *cfg, enum s3_method method,
    const void *body, size_t body_len, const char *body_sha256, const char *content_type,
    struct s3_result *res);
static CURLcode set_common(struct s3_req *r, CURL *easy);
static CURLcode set_method(struct s3_req *r, CURL *easy);
static void set_error(struct s3_req *r, CURLcode rc, struct s3_result *res);

static const char *const method_names[] = { "GET", "PUT", "HEAD", "DELETE" };

int
s3_buf_reserve(struct s3_buf *b, size_t need)
{
	size_t cap;
	unsigned char *p;

	if (need + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 4096;
	while (cap < need + 1)
		cap *= 2;
	p = realloc(b->data, cap);
	if (p == NULL)
		return -1;
	b->data = p;
	b->cap = cap;
	return 0;
}

int
s3_buf_append(struct s3_buf *b, const void *p, size_t n)
{
	if (s3_buf_reserve(b, b->len + n) < 0)
		return -1;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

size_t
s3_body_read(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct s3_body *b = arg;
	size_t n = size * nmemb;

	if (n > b->len - b->off)
		n = b->len - b->off;
	if (n > 0)
		memcpy(ptr, b->data + b->off, n);
	b->off += n;
	return n;
}

void
s3_buf_free(struct s3_buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/*
 * Room for need bytes and a NUL, allocated to the byte when it grows: a body of known length
 * (Content-Length). s3_buf_reserve's doubling would hold a 19 KB image in 32 KiB, per
 * transfer in flight.
 */
static int
reserve_exact(struct s3_buf *b, size_t need)
{
	unsigned char *p;

	if (need + 1 <= b->cap)
		return 0;
	if ((p = realloc(b->data, need + 1)) == NULL)
		return -1;
	b->data = p;
	b->cap = need + 1;
	return 0;
}

/* Body bytes: a 2xx body to the sink (capped), anything else to errbody (truncated). */
static size_t
on_write(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct s3_req *r = arg;
	size_t n = size * nmemb;
	long status = 0;
	curl_off_t clen = -1;
	struct s3_buf *b;

	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
	if (status < 200 || status > 299 || r->sink == NULL) {
		b = &r->errbody;
		if (b->len + n > ERRBODY_MAX)
			n = ERRBODY_MAX - b->len;
	} else {
		b = r->sink;
		if ((uint64_t)(b->len - r->sink_start) + n > r->cfg->max_object_bytes) {
			r->too_big = 1;
			return 0;
		}
		if (b->len == r->sink_start &&
		    curl_easy_getinfo(r->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &clen) ==
		    CURLE_OK && clen > 0 && (uint64_t)clen <= r->cfg->max_object_bytes &&
		    reserve_exact(b, b->len + (size_t)clen) < 0)
			return 0;
	}
	if (s3_buf_append(b, ptr, n) < 0)
		return 0;
	return size * nmemb;
}

static int
on_seek(void *arg, curl_off_t offset, int origin)
{
	struct s3_req *r = arg;

	if (origin != SEEK_SET || offset < 0 || (size_t)offset > r->body.len)
		return CURL_SEEKFUNC_CANTSEEK;
	r->body.off = (size_t)offset;
	return CURL_SEEKFUNC_OK;
}

int
s3_req_init(struct s3_req *r, const struct s3_config *cfg, enum s3_method method,
    const char *bucket, const char *key, struct s3url_param *params, size_t nparams,
    const void *body, size_t body_len, const char *content_type, struct s3_buf *sink,
    struct s3_result *res)
{
	return req_init(r, cfg, cfg != NULL ? cfg->endpoint : NULL, method, bucket, key, params,
	    nparams, body, body_len, NULL, content_type, sink, res);
}

int
s3_req_init_at(struct s3_req *r, const struct s3_config *cfg, unsigned ep,
    enum s3_method method, const char *bucket, const char *key, const void *body,
    size_t body_len, const char *body_sha256, const char *content_type, struct s3_buf *sink,
    struct s3_result *res)
{
	const char *url = NULL;

	if (cfg != NULL)
		url = ep == 0 ? cfg->endpoint : ep < cfg->nendpoints ? cfg->endpoints[ep] : NULL;
	return req_init(r, cfg, url, method, bucket, key, NULL, 0, body, body_len, body_sha256,
	    content_type, sink, res);
}

unsigned
s3_endpoint_of(const struct s3_config *cfg, const char *key)
{
	uint64_t h;

	if (cfg == NULL || key == NULL || cfg->nendpoints < 2)
		return 0;
	h = rng_fnv1a(key);
	return (unsigned)(rng_next(&h) % cfg->nendpoints);
}

static int
req_init(struct s3_req *r, const struct s3_config *cfg, const char *endpoint,
    enum s3_method method, const char *bucket, const char *key, struct s3url_param *params,
    size_t nparams, const void *body, size_t body_len, const char *body_sha256,
    const char *content_type, struct s3_buf *sink, struct s3_result *res)
{
	if (res == NULL)
		return -1;
	memset(res, 0, sizeof(*res));
	if (r == NULL || cfg == NULL || endpoint == NULL || bucket == NULL ||
	    (unsigned)method > S3_DELETE || (body == NULL && body_len > 0) ||
	    (body_sha256 != NULL && strlen(body_sha256) != DIGEST_HEX_LEN)) {
		snprintf(res->error, sizeof(res->error), "s3: invalid request arguments");
		if (r != NULL)
			memset(r, 0, sizeof(*r));
		return -1;
	}
	memset(r, 0, sizeof(*r));
	r->cfg = cfg;
	r->endpoint = endpoint;
	r->method = method;
	r->bucket = bucket;
	r->key = key;
	r->body.data = body;
	r->body.len = body_len;
	r->sink = sink;
	r->sink_start = sink ? sink->len : 0;
	if (build_url(r, params, nparams) < 0) {
		snprintf(res->error, sizeof(res->error), "s3: URL for bucket '%s' too long",
		    bucket);
		return -1;
	}
	if ((r->headers = sign_headers(cfg, method, body, body_len, body_sha256, content_type,
	    res)) != NULL)
		return 0;
	free_url(r);	/* a failed init holds nothing */
	return -1;
}

/* Keeps url (NUL-terminated) in r: inline when it fits, else a heap copy. 0, or -1. */
static int
keep_url(struct s3_req *r, const char *url)
{
	size_t n = strlen(url);

	if (n < sizeof(r->url_inline)) {
		memcpy(r->url_inline, url, n + 1);
		r->url = r->url_inline;
	} else if ((r->url = strdup(url)) == NULL)
		return -1;
	return 0;
}

static void
free_url(struct s3_req *r)
{
	if (r->url != r->url_inline)
		free(r->url);
	r->url = NULL;
}

/*
 * Path-style: endpoint/BUCKET/KEY?QUERY. Virtual-hosted: scheme://BUCKET.host/KEY?QUERY, the
 * same path and query without the bucket's segment (bucket names need no encoding).
 */
static int
build_url(struct s3_req *r, struct s3url_param *params, size_t nparams)
{
	const char *ep = r->endpoint ? r->endpoint : r->cfg->endpoint, *host, *rest;
	char path[S3URL_MAX], url[S3URL_MAX];
	int n;

	if (!r->cfg->virtual_hosted)
		return s3url_build(url, sizeof(url), ep, r->bucket, r->key, params, nparams) < 0 ?
		    -1 : keep_url(r, url);
	if ((host = strstr(ep, "://")) == NULL ||
	    s3url_build(path, sizeof(path), "x:", r->bucket, r->key, params, nparams) < 0)
		return -1;
	host += 3;
	rest = path + 3 + strlen(r->bucket);	/* past "x:/BUCKET" */
	n = snprintf(url, sizeof(url), "%.*s%s.%s%s%s", (int)(host - ep), ep, r->bucket,
	    host, *rest == '/' ? "" : "/", rest);
	return n < 0 || (size_t)n >= sizeof(url) ? -1 : keep_url(r, url);
}

/*
 * The headers a request is signed with: x-amz-content-sha256 (the signer signs the value
 * given: the real body hash, which the server checks; body_sha256 when the caller has it
 * already, else hashed here), x-amz-security-token with temporary
 * credentials (curl 7.88 signs every header it is given, so the token is signed too), and
 * Content-Type for a PUT. NULL with res->error set on failure.
 */
static struct curl_slist *
sign_headers(const struct s3_config *cfg, enum s3_method method, const void *body,
    size_t body_len, const char *body_sha256, const char *content_type, struct s3_result *res)
{
	char line[sizeof("x-amz-security-token: ") + S3_TOKEN_MAX], sha[DIGEST_HEX_LEN + 1];
	struct curl_slist *h;

	if (method == S3_PUT && body_len > 0 && body_sha256 != NULL) {
		memcpy(sha, body_sha256, sizeof(sha));
	} else if (method == S3_PUT && body_len > 0) {
		if (digest_sha256_hex(body, body_len, sha) < 0) {
			snprintf(res->error, sizeof(res->error), "s3: SHA-256 failed");
			return NULL;
		}
	} else {
		memcpy(sha, DIGEST_EMPTY_SHA256, sizeof(sha));
	}
	snprintf(line, sizeof(line), "x-amz-content-sha256: %s", sha);
	h = curl_slist_append(NULL, line);
	if (h != NULL && method == S3_PUT) {
		snprintf(line, sizeof(line), "Content-Type: %s",
		    content_type ? content_type : CONTENT_TYPE_DEFAULT);
		h = curl_slist_append(h, line);
	}
	if (h != NULL && cfg->session_token[0] != '\0') {
		snprintf(line, sizeof(line), "x-amz-security-token: %s", cfg->session_token);
		h = curl_slist_append(h, line);
		explicit_bzero(line, sizeof(line));
	}
	if (h == NULL)
		snprintf(res->error, sizeof(res->error), "s3: out of memory");
	return h;
}

int
s3_req_prepare(struct s3_req *r, CURL *easy, struct s3_result *res)
{
	CURLcode rc;

	if (r == NULL || easy == NULL || res == NULL)
		return -1;
	curl_easy_reset(easy);
	r->easy = easy;
	r->body.off = 0;
	r->too_big = 0;
	r->errbody.len = 0;
	r->curl_err[0] = '\0';
	if (r->sink != NULL)
		r->sink->len = r->sink_start;
	if ((rc = set_common(r, easy)) == CURLE_OK)
		rc = set_method(r, easy);
	if (rc != CURLE_OK) {
		snprintf(res->error, sizeof(res->error), "s3: libcurl option: %s",
		    curl_easy_strerror(rc));
		return -1;
	}
	return 0;
}

/* The options of every request: URL, signing, timeouts, the body sink. */
static CURLcode
set_common(struct s3_req *r, CURL *easy)
{
	char sigv4[96];
	CURLcode rc = CURLE_OK;

	/* libcurl copies string options: sigv4 need not outlive the call. */
	snprintf(sigv4, sizeof(sigv4), "aws:amz:%s:s3", r->cfg->region);
	SET(CURLOPT_URL, r->url);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_PATH_AS_IS, 1L);
	SET(CURLOPT_AWS_SIGV4, sigv4);
	SET(CURLOPT_USERNAME, r->cfg->access_key);
	SET(CURLOPT_PASSWORD, r->cfg->secret_key);
	SET(CURLOPT_HTTPHEADER, r->headers);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_TCP_NODELAY, 1L);
	SET(CURLOPT_CONNECTTIMEOUT_MS, r->cfg->connect_timeout_ms);
	SET(CURLOPT_LOW_SPEED_LIMIT, 1L);
	SET(CURLOPT_LOW_SPEED_TIME, r->cfg->low_speed_secs);
	SET(CURLOPT_ERRORBUFFER, r->curl_err);
	SET(CURLOPT_BUFFERSIZE, S3_RECV_BUFFER);
	SET(CURLOPT_WRITEFUNCTION, on_write);
	SET(CURLOPT_WRITEDATA, r);
	/* An easy handle keeps 5 connections: room for one to each gateway beyond that. */
	if (r->cfg->nendpoints > 5)
		SET(CURLOPT_MAXCONNECTS, (long)r->cfg->nendpoints);
	if (r->cfg->ca_bundle[0] != '\0')
		SET(CURLOPT_CAINFO, r->cfg->ca_bundle);
	if (r->cfg->tls_insecure) {
		SET(CURLOPT_SSL_VERIFYPEER, 0L);
		SET(CURLOPT_SSL_VERIFYHOST, 0L);
	}
	return rc;
}

/* The options of r's method. */
static CURLcode
set_method(struct s3_req *r, CURL *easy)
{
	CURLcode rc = CURLE_OK;

	switch (r->method) {
	case S3_GET:
		SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)r->cfg->max_object_bytes);
		break;
	case S3_PUT:
		if (r->body.len <= PUT_INLINE_MAX) {
			/*
			 * A small body (a JSON record) as the "post fields" of a PUT: curl sends
			 * it in the headers' own send, one segment where a read callback's body
			 * takes a second send (and the server a second receive). Not copied: the
			 * body is the request's until it ends.
			 */
			SET(CURLOPT_CUSTOMREQUEST, "PUT");
			SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body.len);
			SET(CURLOPT_POSTFIELDS, r->body.len > 0 ? (const char *)r->body.data : "");
			break;
		}
		SET(CURLOPT_UPLOAD, 1L);
		SET(CURLOPT_READFUNCTION, s3_body_read);
		SET(CURLOPT_READDATA, &r->body);
		SET(CURLOPT_SEEKFUNCTION, on_seek);
		SET(CURLOPT_SEEKDATA, r);
		SET(CURLOPT_INFILESIZE_LARGE, (curl_off_t)r->body.len);
		/*
		 * Send the body right behind the headers, without waiting for the server's
		 * `100 Continue`: that wait costs one more round trip per PUT. (Removing the
		 * Expect header instead breaks curl 7.88's SigV4, which signs the removal.)
		 */
		SET(CURLOPT_EXPECT_100_TIMEOUT_MS, 0L);
		break;
	case S3_HEAD:
		SET(CURLOPT_NOBODY, 1L);
		break;
	case S3_DELETE:
		SET(CURLOPT_CUSTOMREQUEST, "DELETE");
		break;
	}
	return rc;
}

/* The one-line message of a failed attempt; never the credentials, never a curl dump. */
static void
set_error(struct s3_req *r, CURLcode rc, struct s3_result *res)
{
	const char *ep = r->endpoint ? r->endpoint : r->cfg->endpoint;
	const char *m = method_names[r->method];
	const char *k = r->key ? r->key : "";
	const char *why = r->curl_err[0] ? r->curl_err : curl_easy_strerror(rc);

	if (r->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
		snprintf(res->error, sizeof(res->error),
		    "object '%s' in bucket '%s' is larger than the %llu-byte cap", k, r->bucket,
		    (unsigned long long)r->cfg->max_object_bytes);
	} else if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
	    rc == CURLE_OPERATION_TIMEDOUT) {
		snprintf(res->error, sizeof(res->error), "cannot reach S3 endpoint %s: %s", ep,
		    why);
	} else if (rc != CURLE_OK) {
		snprintf(res->error, sizeof(res->error), "%s %s/%s at %s: %s", m, r->bucket, k, ep,
		    why);
	} else if (res->status == 403 && strcmp(res->code, "AccessDenied") != 0) {
		snprintf(res->error, sizeof(res->error),
		    "credentials rejected by %s (403%s%s): check AWS_ACCESS_KEY_ID and "
		    "AWS_SECRET_ACCESS_KEY%s%s%s%s", ep, res->code[0] ? " " : "", res->code,
		    r->cfg->session_token[0] ? " and the session token" : "",
		    r->cfg->profile[0] ? " (profile '" : "", r->cfg->profile,
		    r->cfg->profile[0] ? "')" : "");
	} else if (res->status == 403) {
		snprintf(res->error, sizeof(res->error), "access denied to bucket '%s' at %s (403)",
		    r->bucket, ep);
	} else if (res->status == 404 && (strcmp(res->code, "NoSuchBucket") == 0 ||
	    r->key == NULL)) {
		snprintf(res->error, sizeof(res->error), "bucket '%s' does not exist at %s",
		    r->bucket, ep);
	} else if (res->status == 404) {
		snprintf(res->error, sizeof(res->error), "no key '%s' in bucket '%s' at %s (404)", k,
		    r->bucket, ep);
	} else {
		snprintf(res->error, sizeof(res->error), "%s %s/%s at %s: HTTP %ld%s%s", m,
		    r->bucket, k, ep, res->status, res->code[0] ? " " : "", res->code);
	}
}

enum s3_outcome
s3_req_finish(struct s3_req *r, CURL *easy, CURLcode rc, struct s3_result *res)
{
	curl_off_t v = 0;

	if (r == NULL || easy == NULL || res == NULL)
		return S3_FAIL;
	res->attempts++;
	res->curl_code = (int)rc;
	res->status = 0;
	res->code[0] = res->error[0] = '\0';
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &res->status);
	res->t.connect_us = curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &v) == CURLE_OK ? v : 0;
	res->t.ttfb_us = curl_easy_getinfo(easy, CURLINFO_STARTTRANSFER_TIME_T, &v) == CURLE_OK ?
	    v : 0;
	res->t.total_us = curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &v) == CURLE_OK ? v : 0;
	if (r->method == S3_PUT && r->body.len <= PUT_INLINE_MAX)	/* no read callback */
		res->bytes = curl_easy_getinfo(easy, CURLINFO_SIZE_UPLOAD_T, &v) == CURLE_OK ?
		    (uint64_t)v : 0;
	else if (r->method == S3_PUT)
		res->bytes = r->body.off;
	else if (r->sink != NULL)
		res->bytes = r->sink->len - r->sink_start;
	if (r->errbody.len > 0)
		(void)s3xml_text((const char *)r->errbody.data, r->errbody.len, "Code", res->code,
		    sizeof(res->code));
	if (rc == CURLE_OK && res->status >= 200 && res->status <= 299)
		return S3_OK;
	set_error(r, rc, res);
	if (retry_should(&r->cfg->retry, res->attempts, (int)rc, res->status, res->code))
		return S3_RETRY;	/* s3_req_prepare rewinds body and sink */
	if (res->attempts > 1) {
		size_t n = strlen(res->error);

		snprintf(res->error + n, sizeof(res->error) - n, " (after %d attempts)",
		    res->attempts);
	}
	return S3_FAIL;
}

void
s3_req_cleanup(struct s3_req *r)
{
	if (r == NULL)
		return;
	curl_slist_free_all(r->headers);
	r->headers = NULL;
	free_url(r);
	s3_buf_free(&r->errbody);
}
