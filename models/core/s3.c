/*
 * s3.c: the blocking S3 client. One easy handle per client, so connections stay alive between
 * calls; each call describes a request with the request layer (s3req.c), runs it with
 * curl_easy_perform, and sleeps between attempts as the retry policy says. The listing
 * (s3list.c) runs its pages through the same call.
 */
#include "s3.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "s3_int.h"

struct s3 {
	struct s3_config cfg;
	CURL *easy;
	uint64_t rng;		/* backoff jitter */
};

static int run(struct s3 *c, struct s3_req *r, struct s3_result *res);
static int64_t now_us(void);

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
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
	explicit_bzero(c->cfg.session_token, sizeof(c->cfg.session_token));
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
		retry_sleep_ms(retry_delay_ms(&c->cfg.retry, res->attempts, &c->rng));
	}
	res->wall_us = now_us() - t0;
	s3_req_cleanup(r);
	return o == S3_OK ? 0 : -1;
}

int
s3_call(struct s3 *c, enum s3_method m, const char *bucket, const char *key,
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

int
s3_invalid(struct s3_result *res, const char *fn)
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
		return s3_invalid(res, "s3_get");
	return s3_call(c, S3_GET, bucket, key, NULL, 0, NULL, 0, NULL, out, res);
}

int
s3_put(struct s3 *c, const char *bucket, const char *key, const void *data, size_t len,
    const char *content_type, struct s3_result *res)
{
	if (key == NULL)
		return s3_invalid(res, "s3_put");
	return s3_call(c, S3_PUT, bucket, key, NULL, 0, data, len, content_type, NULL, res);
}

int
s3_head(struct s3 *c, const char *bucket, const char *key, uint64_t *size,
    struct s3_result *res)
{
	curl_off_t len = -1;

	if (key == NULL)
		return s3_invalid(res, "s3_head");
	if (s3_call(c, S3_HEAD, bucket, key, NULL, 0, NULL, 0, NULL, NULL, res) < 0)
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
		return s3_invalid(res, "s3_delete");
	return s3_call(c, S3_DELETE, bucket, key, NULL, 0, NULL, 0, NULL, NULL, res);
}

/* Outside us-east-1 (S3's default, which refuses to be named), the region goes in the body. */
int
s3_create_bucket(struct s3 *c, const char *bucket, struct s3_result *res)
{
	char body[256] = "";
	int n = 0;

	if (c != NULL && strcmp(c->cfg.region, "us-east-1") != 0)
		n = snprintf(body, sizeof(body), "<CreateBucketConfiguration xmlns=\"http://s3."
		    "amazonaws.com/doc/2006-03-01/\"><LocationConstraint>%s</LocationConstraint>"
		    "</CreateBucketConfiguration>", c->cfg.region);
	if (s3_call(c, S3_PUT, bucket, NULL, NULL, 0, n > 0 ? body : NULL, (size_t)n,
	    "application/xml", NULL, res) == 0)
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
	return s3_call(c, S3_DELETE, bucket, NULL, NULL, 0, NULL, 0, NULL, NULL, res);
}

int
s3_check_bucket(struct s3 *c, const char *bucket, struct s3_result *res)
{
	return s3_call(c, S3_HEAD, bucket, NULL, NULL, 0, NULL, 0, NULL, NULL, res);
}
