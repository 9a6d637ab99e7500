/*
 * s3.c: the S3 client over libcurl. The request layer maps one S3 operation onto easy-handle
 * options and a completed transfer onto a result with a one-line error; the blocking client
 * wraps it in curl_easy_perform and the retry policy. Response bodies go straight into the
 * caller's buffer, pre-sized from Content-Length; error bodies go to a small side buffer that
 * only feeds the S3 error code.
 */
#include "s3.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "include/rng.h"
#include "s3xml.h"

#define ERRBODY_MAX 4096
#define CONTENT_TYPE_DEFAULT "application/octet-stream"

struct s3 {
	struct s3_config cfg;
	CURL *easy;
	uint64_t rng;		/* backoff jitter */
};

struct list_ctx {
	s3_list_cb cb;
	void *arg;
};

static int buf_reserve(struct s3_buf *b, size_t need);
static size_t on_write(char *ptr, size_t size, size_t nmemb, void *arg);
static size_t on_read(char *ptr, size_t size, size_t nmemb, void *arg);
static int on_seek(void *arg, curl_off_t offset, int origin);
static void set_error(struct s3_req *r, CURLcode rc, struct s3_result *res);
static int run(struct s3 *c, struct s3_req *r, struct s3_result *res);
static int call(struct s3 *c, enum s3_method m, const char *bucket, const char *key,
    struct s3url_param *params, size_t nparams, const void *body, size_t len,
    const char *content_type, struct s3_buf *sink, struct s3_result *res);
static int invalid(struct s3_result *res, const char *fn);
static int list_object(const char *key, uint64_t size, void *arg);
static int64_t now_us(void);
static void sleep_ms(long ms);
static int env_copy(char *dst, size_t dstlen, const char *name, const char *dflt, char *err,
    size_t errlen);

static const char *const method_names[] = { "GET", "PUT", "HEAD", "DELETE" };

static int
env_copy(char *dst, size_t dstlen, const char *name, const char *dflt, char *err, size_t errlen)
{
	const char *v = getenv(name);

	if (v == NULL || *v == '\0')
		v = dflt;
	if (v == NULL) {
		snprintf(err, errlen, "%s is not set (see harness/s3-local env)", name);
		return -1;
	}
	if (strlen(v) >= dstlen) {
		snprintf(err, errlen, "%s is longer than %zu bytes", name, dstlen - 1);
		return -1;
	}
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

int
s3_config_from_env(struct s3_config *cfg, char *err, size_t errlen)
{
	static const struct retry_policy dflt = RETRY_POLICY_DEFAULT;
	size_t n;

	if (cfg == NULL || err == NULL)
		return -1;
	memset(cfg, 0, sizeof(*cfg));
	cfg->connect_timeout_ms = 5000;
	cfg->low_speed_secs = 30;
	cfg->max_object_bytes = (uint64_t)256 << 20;
	cfg->retry = dflt;
	if (env_copy(cfg->endpoint, sizeof(cfg->endpoint), "AWS_ENDPOINT_URL", NULL, err,
	    errlen) < 0 ||
	    env_copy(cfg->access_key, sizeof(cfg->access_key), "AWS_ACCESS_KEY_ID", NULL, err,
	    errlen) < 0 ||
	    env_copy(cfg->secret_key, sizeof(cfg->secret_key), "AWS_SECRET_ACCESS_KEY", NULL,
	    err, errlen) < 0 ||
	    env_copy(cfg->region, sizeof(cfg->region), "AWS_REGION", "us-east-1", err,
	    errlen) < 0)
		return -1;
	if (strncmp(cfg->endpoint, "http://", 7) != 0 && strncmp(cfg->endpoint, "https://", 8) != 0) {
		snprintf(err, errlen, "AWS_ENDPOINT_URL '%s' must start with http:// or https://",
		    cfg->endpoint);
		return -1;
	}
	n = strlen(cfg->endpoint);
	while (n > 0 && cfg->endpoint[n - 1] == '/')
		cfg->endpoint[--n] = '\0';
	return 0;
}

static int
buf_reserve(struct s3_buf *b, size_t need)
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

void
s3_buf_free(struct s3_buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
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
		    buf_reserve(b, b->len + (size_t)clen) < 0)
			return 0;
	}
	if (buf_reserve(b, b->len + n) < 0)
		return 0;
	memcpy(b->data + b->len, ptr, n);
	b->len += n;
	b->data[b->len] = '\0';
	return size * nmemb;
}

static size_t
on_read(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct s3_req *r = arg;
	size_t n = size * nmemb;

	if (n > r->body_len - r->body_off)
		n = r->body_len - r->body_off;
	if (n > 0)
		memcpy(ptr, r->body + r->body_off, n);
	r->body_off += n;
	return n;
}

static int
on_seek(void *arg, curl_off_t offset, int origin)
{
	struct s3_req *r = arg;

	if (origin != SEEK_SET || offset < 0 || (size_t)offset > r->body_len)
		return CURL_SEEKFUNC_CANTSEEK;
	r->body_off = (size_t)offset;
	return CURL_SEEKFUNC_OK;
}

int
s3_req_init(struct s3_req *r, const struct s3_config *cfg, enum s3_method method,
    const char *bucket, const char *key, struct s3url_param *params, size_t nparams,
    const void *body, size_t body_len, const char *content_type, struct s3_buf *sink,
    struct s3_result *res)
{
	char line[160], sha[DIGEST_HEX_LEN + 1];
	struct curl_slist *h;

	if (res == NULL)
		return -1;
	memset(res, 0, sizeof(*res));
	if (r == NULL || cfg == NULL || bucket == NULL || (unsigned)method > S3_DELETE ||
	    (body == NULL && body_len > 0)) {
		snprintf(res->error, sizeof(res->error), "s3: invalid request arguments");
		if (r != NULL)
			memset(r, 0, sizeof(*r));
		return -1;
	}
	memset(r, 0, sizeof(*r));
	r->cfg = cfg;
	r->method = method;
	r->bucket = bucket;
	r->key = key;
	r->body = body;
	r->body_len = body_len;
	r->sink = sink;
	r->sink_start = sink ? sink->len : 0;
	if (s3url_build(r->url, sizeof(r->url), cfg->endpoint, bucket, key, params, nparams) < 0) {
		snprintf(res->error, sizeof(res->error), "s3: URL for bucket '%s' too long",
		    bucket);
		return -1;
	}
	/* The signer signs the value given: the real body hash, which the server checks. */
	if (method == S3_PUT && body_len > 0) {
		if (digest_sha256_hex(body, body_len, sha) < 0) {
			snprintf(res->error, sizeof(res->error), "s3: SHA-256 failed");
			return -1;
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
	if (h == NULL) {
		snprintf(res->error, sizeof(res->error), "s3: out of memory");
		return -1;
	}
	r->headers = h;
	return 0;
}

int
s3_req_prepare(struct s3_req *r, CURL *easy, struct s3_result *res)
{
	char sigv4[96];
	CURLcode rc = CURLE_OK;

	if (r == NULL || easy == NULL || res == NULL)
		return -1;
	curl_easy_reset(easy);
	r->easy = easy;
	r->body_off = 0;
	r->too_big = 0;
	r->errbody.len = 0;
	r->curl_err[0] = '\0';
	if (r->sink != NULL)
		r->sink->len = r->sink_start;
	snprintf(sigv4, sizeof(sigv4), "aws:amz:%s:s3", r->cfg->region);

#define SET(opt, val) \
	do { \
		if (rc == CURLE_OK) \
			rc = curl_easy_setopt(easy, opt, val); \
	} while (0)
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
	SET(CURLOPT_WRITEFUNCTION, on_write);
	SET(CURLOPT_WRITEDATA, r);
	switch (r->method) {
	case S3_GET:
		SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)r->cfg->max_object_bytes);
		break;
	case S3_PUT:
		SET(CURLOPT_UPLOAD, 1L);
		SET(CURLOPT_READFUNCTION, on_read);
		SET(CURLOPT_READDATA, r);
		SET(CURLOPT_SEEKFUNCTION, on_seek);
		SET(CURLOPT_SEEKDATA, r);
		SET(CURLOPT_INFILESIZE_LARGE, (curl_off_t)r->body_len);
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
#undef SET
	if (rc != CURLE_OK) {
		snprintf(res->error, sizeof(res->error), "s3: libcurl option: %s",
		    curl_easy_strerror(rc));
		return -1;
	}
	return 0;
}

/* The one-line message of a failed attempt; never the credentials, never a curl dump. */
static void
set_error(struct s3_req *r, CURLcode rc, struct s3_result *res)
{
	const char *ep = r->cfg->endpoint, *m = method_names[r->method];
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
		    "AWS_SECRET_ACCESS_KEY", ep, res->code[0] ? " " : "", res->code);
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
	if (r->method == S3_PUT)
		res->bytes = r->body_off;
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
	s3_buf_free(&r->errbody);
}

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

struct s3 *
s3_new(const struct s3_config *cfg)
{
	struct s3 *c;

	if (cfg == NULL || (c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->cfg = *cfg;
	c->easy = curl_easy_init();
	if (c->easy == NULL) {
		free(c);
		return NULL;
	}
	c->rng = (uint64_t)now_us() ^ ((uint64_t)(uintptr_t)c << 16) ^ (uint64_t)getpid();
	return c;
}

void
s3_free(struct s3 *c)
{
	if (c == NULL)
		return;
	curl_easy_cleanup(c->easy);
	explicit_bzero(c->cfg.secret_key, sizeof(c->cfg.secret_key));
	free(c);
}

const struct s3_config *
s3_config(const struct s3 *c)
{
	return c ? &c->cfg : NULL;
}

/* Runs a request to the end: attempts, backoff between them. */
static int
run(struct s3 *c, struct s3_req *r, struct s3_result *res)
{
	int64_t t0 = now_us();
	enum s3_outcome o = S3_FAIL;

	for (;;) {
		if (s3_req_prepare(r, c->easy, res) < 0)
			break;
		o = s3_req_finish(r, c->easy, curl_easy_perform(c->easy), res);
		if (o != S3_RETRY)
			break;
		sleep_ms(retry_delay_ms(&c->cfg.retry, res->attempts, &c->rng));
	}
	res->wall_us = now_us() - t0;
	s3_req_cleanup(r);
	return o == S3_OK ? 0 : -1;
}

/* Describes and runs one request on the client's handle. Returns 0, or -1 (res->error). */
static int
call(struct s3 *c, enum s3_method m, const char *bucket, const char *key,
    struct s3url_param *params, size_t nparams, const void *body, size_t len,
    const char *content_type, struct s3_buf *sink, struct s3_result *res)
{
	struct s3_req r;

	if (c == NULL) {
		if (res != NULL)
			snprintf(res->error, sizeof(res->error), "s3: no client");
		return -1;
	}
	if (s3_req_init(&r, &c->cfg, m, bucket, key, params, nparams, body, len, content_type,
	    sink, res) < 0) {
		s3_req_cleanup(&r);
		return -1;
	}
	return run(c, &r, res);
}

static int
invalid(struct s3_result *res, const char *fn)
{
	if (res != NULL)
		snprintf(res->error, sizeof(res->error), "%s: invalid arguments", fn);
	return -1;
}

int
s3_get(struct s3 *c, const char *bucket, const char *key, struct s3_buf *out,
    struct s3_result *res)
{
	if (key == NULL || out == NULL)
		return invalid(res, "s3_get");
	return call(c, S3_GET, bucket, key, NULL, 0, NULL, 0, NULL, out, res);
}

int
s3_put(struct s3 *c, const char *bucket, const char *key, const void *data, size_t len,
    const char *content_type, struct s3_result *res)
{
	if (key == NULL)
		return invalid(res, "s3_put");
	return call(c, S3_PUT, bucket, key, NULL, 0, data, len, content_type, NULL, res);
}

int
s3_head(struct s3 *c, const char *bucket, const char *key, uint64_t *size,
    struct s3_result *res)
{
	curl_off_t len = -1;

	if (key == NULL)
		return invalid(res, "s3_head");
	if (call(c, S3_HEAD, bucket, key, NULL, 0, NULL, 0, NULL, NULL, res) < 0)
		return -1;
	if (size != NULL) {
		curl_easy_getinfo(c->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &len);
		*size = len > 0 ? (uint64_t)len : 0;
	}
	return 0;
}

int
s3_delete(struct s3 *c, const char *bucket, const char *key, struct s3_result *res)
{
	if (key == NULL)
		return invalid(res, "s3_delete");
	return call(c, S3_DELETE, bucket, key, NULL, 0, NULL, 0, NULL, NULL, res);
}

int
s3_create_bucket(struct s3 *c, const char *bucket, struct s3_result *res)
{
	if (call(c, S3_PUT, bucket, NULL, NULL, 0, NULL, 0, NULL, NULL, res) == 0)
		return 0;
	if (res != NULL && res->status == 409 && strcmp(res->code, "BucketAlreadyOwnedByYou") == 0) {
		res->error[0] = '\0';
		return 0;
	}
	return -1;
}

int
s3_delete_bucket(struct s3 *c, const char *bucket, struct s3_result *res)
{
	return call(c, S3_DELETE, bucket, NULL, NULL, 0, NULL, 0, NULL, NULL, res);
}

int
s3_check_bucket(struct s3 *c, const char *bucket, struct s3_result *res)
{
	return call(c, S3_HEAD, bucket, NULL, NULL, 0, NULL, 0, NULL, NULL, res);
}

static int
list_object(const char *key, uint64_t size, void *arg)
{
	struct list_ctx *lc = arg;

	return lc->cb(key, size, lc->arg);
}

int
s3_list_page(struct s3 *c, const char *bucket, const char *prefix, unsigned page_size,
    char *token, size_t token_len, s3_list_cb cb, void *arg, struct s3_result *res)
{
	struct s3xml_page page;
	struct s3_buf body = { 0 };
	struct list_ctx lc = { cb, arg };
	struct s3url_param p[4];
	char maxkeys[16];
	size_t np = 0;
	int rv;

	if (c == NULL || cb == NULL || res == NULL || token == NULL ||
	    token_len < sizeof(page.next_token))
		return invalid(res, "s3_list_page");
	snprintf(maxkeys, sizeof(maxkeys), "%u", page_size);
	p[np++] = (struct s3url_param){ "list-type", "2" };
	if (prefix != NULL && *prefix)
		p[np++] = (struct s3url_param){ "prefix", prefix };
	if (page_size > 0)
		p[np++] = (struct s3url_param){ "max-keys", maxkeys };
	if (token[0])
		p[np++] = (struct s3url_param){ "continuation-token", token };
	rv = call(c, S3_GET, bucket, NULL, p, np, NULL, 0, NULL, &body, res);
	if (rv == 0) {
		rv = s3xml_list_page((const char *)body.data, body.len, list_object, &lc, &page);
		if (rv < 0)
			snprintf(res->error, sizeof(res->error),
			    "malformed ListObjectsV2 answer for bucket '%s' from %s", bucket,
			    c->cfg.endpoint);
	}
	if (rv == 0 && page.truncated && page.next_token[0] == '\0') {
		snprintf(res->error, sizeof(res->error),
		    "bucket '%s': truncated listing without a continuation token", bucket);
		rv = -1;
	}
	if (rv == 0)
		snprintf(token, token_len, "%s", page.truncated ? page.next_token : "");
	s3_buf_free(&body);
	return rv;
}

int
s3_list(struct s3 *c, const char *bucket, const char *prefix, unsigned page_size,
    s3_list_cb cb, void *arg, unsigned *pages, struct s3_result *res)
{
	char token[sizeof(((struct s3xml_page *)0)->next_token)] = "";
	int rv;

	if (pages != NULL)
		*pages = 0;
	do {
		rv = s3_list_page(c, bucket, prefix, page_size, token, sizeof(token), cb, arg,
		    res);
		if (rv == 0 && pages != NULL)
			(*pages)++;
	} while (rv == 0 && token[0] != '\0');
	return rv;
}
