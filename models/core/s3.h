/*
 * s3.h: the S3 client. Two layers share one request description:
 *
 *  - the request layer (s3_req_*) sets up one SigV4-signed request on a caller's curl easy
 *    handle and turns its completion into a result; it never performs, sleeps or owns a
 *    handle, so an event loop can drive it through curl multi;
 *  - the blocking client (struct s3) owns one easy handle, so the connection stays alive
 *    between calls, and runs each request to the end with bounded retries.
 *
 * Requests are path-style (endpoint/bucket/key) or, when the config says so, virtual-hosted
 * (BUCKET.host/key), signed by libcurl's CURLOPT_AWS_SIGV4 with the x-amz-content-sha256 and
 * x-amz-security-token headers supplied here (libcurl 7.88 adds neither). Credentials never
 * appear in a result, an error message or a URL.
 *
 * Errors are values: every call fills a struct s3_result whose `error` is one line naming the
 * endpoint, bucket or key concerned. Not thread-safe per object: one struct s3 per thread.
 * curl_global_init must have run before the first s3_new (the CLI's main does it).
 */
#ifndef EXIFBENCH_S3_H
#define EXIFBENCH_S3_H

#include <curl/curl.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "retry.h"
#include "s3url.h"

/* Longest session token kept (AWS documents no limit; STS tokens run to about 2 KiB). */
#define S3_TOKEN_MAX 4096

/* The most gateways one client spreads its jobs over (EXIFBENCH_ENDPOINTS, run --endpoints). */
#define S3_ENDPOINTS_MAX 16

/* The default cap on an object read whole (a GET; `exifbench exif`'s local file): 256 MiB. */
#define S3_MAX_OBJECT_BYTES ((uint64_t)256 << 20)

struct s3_config {
	char endpoint[256];		/* scheme://host[:port], from AWS_ENDPOINT_URL: the first
					   of endpoints, which every request but a job's uses */
	char endpoints[S3_ENDPOINTS_MAX][256];	/* the gateways of one store jobs spread over */
	unsigned nendpoints;		/* >= 1 once configured; 1 unless EXIFBENCH_ENDPOINTS */
	char access_key[128];		/* AWS_ACCESS_KEY_ID */
	char secret_key[128];		/* AWS_SECRET_ACCESS_KEY: never printed */
	char session_token[S3_TOKEN_MAX]; /* AWS_SESSION_TOKEN, "" for none: never printed */
	char region[64];		/* AWS_REGION, default us-east-1 */
	char profile[64];		/* the profile the keys came from; "" for the environment */
	char ca_bundle[512];		/* AWS_CA_BUNDLE (CURLOPT_CAINFO); "" for curl's default */
	int tls_insecure;		/* 1 only with EXIFBENCH_TLS_VERIFY=no: no cert checks */
	int virtual_hosted;		/* AWS_S3_ADDRESSING_STYLE=virtual: BUCKET.host/KEY URLs */
	long connect_timeout_ms;	/* default 5,000 */
	long low_speed_secs;		/* abort a transfer under 1 byte/s for this long; 30 */
	uint64_t max_object_bytes;	/* a GET of a larger object fails; S3_MAX_OBJECT_BYTES */
	struct retry_policy retry;	/* RETRY_POLICY_DEFAULT */
};

/*
 * Fills cfg with the defaults and the settings every AWS tool reads (docs/remote.md): the
 * AWS_* variables, over the shared files' profile (AWS_PROFILE, AWS_CONFIG_FILE,
 * AWS_SHARED_CREDENTIALS_FILE; ~/.aws/config and ~/.aws/credentials by default): endpoint_url,
 * region, the keys and aws_session_token, ca_bundle, and the s3 sub-section's
 * addressing_style. Keys and token come together from the environment or from the profile.
 * Returns 0, or -1 with a one-line message in err naming the variable, file or key that is
 * missing or malformed (never a value of a key or token); cfg->endpoint is then "" when
 * neither the environment nor the profile names an endpoint.
 */
int s3_config_from_env(struct s3_config *cfg, char *err, size_t errlen);

/*
 * Sets the gateways of cfg from list, "URL[,URL...]" (EXIFBENCH_ENDPOINTS, which
 * s3_config_from_env reads with this, over AWS_ENDPOINT_URL): each scheme://host[:port],
 * http or https, no path, no user:password@ (a trailing '/' is dropped), none twice, at most
 * S3_ENDPOINTS_MAX. cfg->endpoint becomes the first. Returns 0, or -1 with one line in err
 * naming what (e.g. "--endpoints") and the bad URL; cfg is then unchanged.
 */
int s3_config_set_endpoints(struct s3_config *cfg, const char *list, const char *what,
    char *err, size_t errlen);

/*
 * The gateway (an index into cfg->endpoints) a job for key uses for its GET and PUTs:
 * splitmix64 of the key's FNV-1a hash, mod nendpoints. So one image's requests go to one
 * gateway, every model and every rerun sends a key to the same one (their per-endpoint
 * figures compare the same images), forked workers need no shared counter, and the choice
 * is independent of run --shard's FNV-1a(key) mod N. 0 with one endpoint (or none).
 */
unsigned s3_endpoint_of(const struct s3_config *cfg, const char *key);

/* A growable byte buffer; len bytes are valid, data is NUL-terminated past len when non-NULL. */
struct s3_buf {
	unsigned char *data;
	size_t len;
	size_t cap;
};

/* Room for need bytes (and the NUL past them), doubling from 4 KiB: 0, or -1 when out of memory. */
int s3_buf_reserve(struct s3_buf *b, size_t need);

/* Appends n bytes of p, growing the buffer: 0, or -1 when out of memory (b unchanged). */
int s3_buf_append(struct s3_buf *b, const void *p, size_t n);

/* Releases the bytes; the buffer is then empty and reusable. NULL is accepted. */
void s3_buf_free(struct s3_buf *b);

/* A request body sent from memory: len bytes at data, off of them read so far (not owned). */
struct s3_body {
	const unsigned char *data;
	size_t len;
	size_t off;
};

/* CURLOPT_READFUNCTION over a struct s3_body (CURLOPT_READDATA): the next bytes of it. */
size_t s3_body_read(char *ptr, size_t size, size_t nmemb, void *body);

/* Per-request measurements from libcurl (CURLINFO_*_TIME_T), for the last attempt. */
struct s3_timing {
	int64_t connect_us;	/* 0 when a kept-alive connection was reused */
	int64_t ttfb_us;	/* request start to first response byte */
	int64_t total_us;	/* request start to end */
};

struct s3_result {
	long status;		/* HTTP status of the last attempt; 0 when none arrived */
	int curl_code;		/* CURLcode of the last attempt */
	int attempts;		/* attempts made, >= 1 once a request ran */
	struct s3_timing t;	/* last attempt */
	int64_t wall_us;	/* whole call, retries and backoff included (blocking client) */
	uint64_t bytes;		/* body bytes received (GET) or sent (PUT) */
	char code[64];		/* S3 error code (NoSuchKey, SignatureDoesNotMatch...), or "" */
	char error[512];	/* one-line message when the call failed, else "" */
};

enum s3_method { S3_GET, S3_PUT, S3_HEAD, S3_DELETE };

enum s3_outcome { S3_OK, S3_RETRY, S3_FAIL };

/*
 * One request. Callers fill it with s3_req_init and treat the fields as private; it points at
 * (does not copy) the config, the body and the sink, which must outlive the request.
 */
/* The URL kept in the request itself; a longer one (up to S3URL_MAX) is allocated. */
#define S3_REQ_URL_INLINE 512

struct s3_req {
	const struct s3_config *cfg;
	const char *endpoint;		/* one of cfg->endpoints (cfg->endpoint by default) */
	enum s3_method method;
	const char *bucket;
	const char *key;		/* NULL for bucket requests */
	struct s3_body body;		/* PUT body */
	struct s3_buf *sink;		/* GET: where the body goes (appended) */
	size_t sink_start;		/* sink->len when the attempt began */
	struct s3_buf errbody;		/* a non-2xx body, capped, for the S3 error code */
	struct curl_slist *headers;
	CURL *easy;			/* the handle of the attempt under way */
	int too_big;			/* the attempt overran cfg->max_object_bytes */
	/*
	 * url_inline, or for a URL that does not fit there (a long key), a heap copy freed by
	 * s3_req_cleanup: an 8 KiB array in every request was 8 KiB of RSS per transfer in
	 * flight (the request is zeroed at each s3_req_init).
	 */
	char *url;
	char url_inline[S3_REQ_URL_INLINE];
	char curl_err[CURL_ERROR_SIZE];
};

/*
 * Describes a request. params (may be NULL) are query parameters, sorted in place; for PUT,
 * body/body_len is sent with Content-Type content_type (default application/octet-stream) and
 * its SHA-256 in x-amz-content-sha256, which the server verifies; for GET, the body is
 * appended to sink (which may be NULL for HEAD/DELETE). Returns 0, or -1 with res->error set.
 * Release with s3_req_cleanup, also after a failure.
 */
int s3_req_init(struct s3_req *r, const struct s3_config *cfg, enum s3_method method,
    const char *bucket, const char *key, struct s3url_param *params, size_t nparams,
    const void *body, size_t body_len, const char *content_type, struct s3_buf *sink,
    struct s3_result *res);

/*
 * s3_req_init of an object request (no query) to gateway ep of cfg (s3_endpoint_of; an ep
 * past cfg->nendpoints fails): what a job's GET and PUTs use. body_sha256, when not NULL, is
 * the body's SHA-256 in lowercase hex (DIGEST_HEX_LEN characters, else the call fails),
 * which the caller computed already: it is signed and sent as given, not hashed again (a
 * wrong one is refused by the server: XAmzContentSHA256Mismatch).
 */
int s3_req_init_at(struct s3_req *r, const struct s3_config *cfg, unsigned ep,
    enum s3_method method, const char *bucket, const char *key, const void *body,
    size_t body_len, const char *body_sha256, const char *content_type, struct s3_buf *sink,
    struct s3_result *res);

/*
 * Sets every option of an attempt on easy (after curl_easy_reset, so connections, not
 * options, carry over) and rewinds the body and the sink. Call before each attempt. The
 * caller may set CURLOPT_PRIVATE and socket options afterwards. Returns 0 or -1 (res->error).
 */
int s3_req_prepare(struct s3_req *r, CURL *easy, struct s3_result *res);

/*
 * Records how an attempt that ended with rc went: status, timings, bytes, S3 error code, and
 * a one-line error. Returns S3_OK (2xx), S3_RETRY (transient and attempts remain under
 * cfg->retry), or S3_FAIL. res->attempts counts this attempt.
 */
enum s3_outcome s3_req_finish(struct s3_req *r, CURL *easy, CURLcode rc, struct s3_result *res);

/* Releases what s3_req_init allocated. NULL is accepted. */
void s3_req_cleanup(struct s3_req *r);

/* The blocking client: one easy handle, kept-alive connections, retries with backoff. */
struct s3;

/* A client for cfg (copied). Returns NULL when out of memory or curl has no handle. */
struct s3 *s3_new(const struct s3_config *cfg);
void s3_free(struct s3 *c);

/* The config the client was made with. */
const struct s3_config *s3_config(const struct s3 *c);

/*
 * Each call returns 0 on success, -1 with res->error set otherwise; res may not be NULL.
 * s3_get appends the object to out (caller frees with s3_buf_free) and fails, without reading
 * it, when it is larger than cfg->max_object_bytes. s3_head gives the size in *size.
 * s3_create_bucket succeeds when the bucket already exists and is the caller's; outside
 * us-east-1 it sends the config's region as the LocationConstraint.
 */
int s3_get(struct s3 *c, const char *bucket, const char *key, struct s3_buf *out,
    struct s3_result *res);
int s3_put(struct s3 *c, const char *bucket, const char *key, const void *data, size_t len,
    const char *content_type, struct s3_result *res);
int s3_head(struct s3 *c, const char *bucket, const char *key, uint64_t *size,
    struct s3_result *res);
int s3_delete(struct s3 *c, const char *bucket, const char *key, struct s3_result *res);
int s3_create_bucket(struct s3 *c, const char *bucket, struct s3_result *res);
int s3_delete_bucket(struct s3 *c, const char *bucket, struct s3_result *res);

/* HEAD on the bucket: 0 when it exists and the credentials are accepted. */
int s3_check_bucket(struct s3 *c, const char *bucket, struct s3_result *res);

/* Called per listed object, in key order; a non-zero return stops the listing. */
typedef int (*s3_list_cb)(const char *key, uint64_t size, void *arg);

/*
 * ListObjectsV2 over every key under prefix ("" for all), page by page (page_size keys at
 * most per request, 0 for the server's default of 1,000), so memory stays one page whatever
 * the bucket holds. Returns 0, -1 on a request or parse error (res->error), or cb's non-zero
 * value. *pages (may be NULL) counts the requests made.
 */
int s3_list(struct s3 *c, const char *bucket, const char *prefix, unsigned page_size,
    s3_list_cb cb, void *arg, unsigned *pages, struct s3_result *res);

/*
 * One page of that listing: token holds "" for the first page and, on return, the token of
 * the next page, or "" after the last (token_len >= 4096). Returns as s3_list does.
 */
int s3_list_page(struct s3 *c, const char *bucket, const char *prefix, unsigned page_size,
    char *token, size_t token_len, s3_list_cb cb, void *arg, struct s3_result *res);

#endif
