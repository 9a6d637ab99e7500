/*
 * local.c: a file under a local folder as a curl FILE-protocol transfer. See local.h.
 *
 * The URL is file:// and the path percent-encoded as SigV4 encodes a key (s3url_encode,
 * '/' kept), which curl decodes back to the exact bytes: a name with a space, '%' or '#'
 * reaches the right file. Only the file protocol is allowed on the handle, so a key can never
 * turn the request into anything else. Errors say why with the errno of the failed open, as
 * curl's own message ("Couldn't open file") does not.
 */
#include "local.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SET(opt, val) \
	do { \
		if (rc == CURLE_OK) \
			rc = curl_easy_setopt(easy, opt, val); \
	} while (0)

static size_t on_write(char *ptr, size_t size, size_t nmemb, void *arg);
static void set_error(struct local_req *r, CURLcode rc, struct s3_result *res);

int
local_key_check(const char *key, char *err, size_t errlen)
{
	const char *s = key;
	size_t n;

	if (key == NULL || *key == '\0') {
		snprintf(err, errlen, "empty key: no file to name under a local folder");
		return -1;
	}
	if (*key == '/') {
		snprintf(err, errlen, "key '%s' is absolute: keys are paths under the folder", key);
		return -1;
	}
	for (;;) {
		n = strcspn(s, "/");
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			snprintf(err, errlen, "key '%s' has a '..' segment: refused, it would leave "
			    "the local folder", key);
			return -1;
		}
		if (s[n] == '\0')
			return 0;
		s += n + 1;
	}
}

int
local_mkdirs(const char *path)
{
	char p[LOCATION_DIR_MAX + 1032];
	char *s;

	if (snprintf(p, sizeof(p), "%s", path) >= (int)sizeof(p)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((s = strrchr(p, '/')) == NULL)
		return 0;
	*s = '\0';
	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST)
			return -1;
		*s = '/';
	}
	if (p[0] != '\0' && mkdir(p, 0777) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

int
local_req_init(struct local_req *r, enum s3_method method, const char *dir, const char *key,
    const void *body, size_t body_len, struct s3_buf *sink, uint64_t max_bytes,
    struct s3_result *res)
{
	int n;

	if (res == NULL)
		return -1;
	memset(res, 0, sizeof(*res));
	if (r == NULL || dir == NULL || (method != S3_GET && method != S3_PUT) ||
	    (body == NULL && body_len > 0)) {
		snprintf(res->error, sizeof(res->error), "local: invalid request arguments");
		return -1;
	}
	memset(r, 0, sizeof(*r));
	r->method = method;
	r->key = key;
	r->body.data = body;
	r->body.len = body_len;
	r->sink = sink;
	r->sink_start = sink ? sink->len : 0;
	r->max_bytes = max_bytes;
	if (local_key_check(key, res->error, sizeof(res->error)) < 0)
		return -1;
	n = snprintf(r->path, sizeof(r->path), "%s%s%s", dir, strcmp(dir, "/") ? "/" : "", key);
	if (n < 0 || (size_t)n >= sizeof(r->path) || snprintf(r->url, sizeof(r->url),
	    "file://") < 0 || s3url_encode(r->url, sizeof(r->url), r->path, 1) < 0) {
		snprintf(res->error, sizeof(res->error), "path of key '%s' under %s too long", key,
		    dir);
		return -1;
	}
	if (method == S3_PUT && local_mkdirs(r->path) < 0) {
		snprintf(res->error, sizeof(res->error), "cannot create the folder of %s: %s",
		    r->path, strerror(errno));
		return -1;
	}
	return 0;
}

int
local_req_prepare(struct local_req *r, CURL *easy, struct s3_result *res)
{
	CURLcode rc = CURLE_OK;

	if (r == NULL || easy == NULL || res == NULL)
		return -1;
	curl_easy_reset(easy);
	r->body.off = 0;
	r->too_big = 0;
	r->curl_err[0] = '\0';
	if (r->sink != NULL)
		r->sink->len = r->sink_start;
	SET(CURLOPT_URL, r->url);
	SET(CURLOPT_PROTOCOLS_STR, "file");
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_ERRORBUFFER, r->curl_err);
	if (r->method == S3_GET) {
		SET(CURLOPT_WRITEFUNCTION, on_write);
		SET(CURLOPT_WRITEDATA, r);
	} else {
		SET(CURLOPT_UPLOAD, 1L);
		SET(CURLOPT_READFUNCTION, s3_body_read);
		SET(CURLOPT_READDATA, &r->body);
		SET(CURLOPT_INFILESIZE_LARGE, (curl_off_t)r->body.len);
	}
	if (rc != CURLE_OK) {
		snprintf(res->error, sizeof(res->error), "local: libcurl option: %s",
		    curl_easy_strerror(rc));
		return -1;
	}
	return 0;
}

static size_t
on_write(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct local_req *r = arg;
	struct s3_buf *b = r->sink;
	size_t n = size * nmemb;

	if (b == NULL)
		return n;
	if ((uint64_t)(b->len - r->sink_start) + n > r->max_bytes) {
		r->too_big = 1;
		return 0;
	}
	return s3_buf_append(b, ptr, n) < 0 ? 0 : n;
}

enum s3_outcome
local_req_finish(struct local_req *r, CURL *easy, CURLcode rc, struct s3_result *res)
{
	curl_off_t v = 0;

	if (r == NULL || easy == NULL || res == NULL)
		return S3_FAIL;
	res->attempts++;
	res->curl_code = (int)rc;
	res->status = 0;
	res->code[0] = res->error[0] = '\0';
	res->t.connect_us = 0;
	res->t.ttfb_us = curl_easy_getinfo(easy, CURLINFO_STARTTRANSFER_TIME_T, &v) == CURLE_OK ?
	    v : 0;
	res->t.total_us = curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &v) == CURLE_OK ? v : 0;
	res->bytes = r->method == S3_PUT ? r->body.off : r->sink ? r->sink->len - r->sink_start :
	    0;
	if (rc == CURLE_OK && !r->too_big &&
	    (r->method == S3_GET || r->body.off == r->body.len))
		return S3_OK;
	set_error(r, rc, res);
	return S3_FAIL;
}

/* One line naming the file and why, from errno when the file cannot be opened now. */
static void
set_error(struct local_req *r, CURLcode rc, struct s3_result *res)
{
	const char *why = r->curl_err[0] ? r->curl_err : curl_easy_strerror(rc);
	struct stat sb;
	int fd;

	if (r->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
		snprintf(res->error, sizeof(res->error), "file %s is larger than the %llu-byte "
		    "cap", r->path, (unsigned long long)r->max_bytes);
		return;
	}
	if (r->method == S3_GET) {
		if ((fd = open(r->path, O_RDONLY | O_CLOEXEC)) < 0) {
			snprintf(res->error, sizeof(res->error), "cannot read %s: %s", r->path,
			    strerror(errno));
			return;
		}
		if (fstat(fd, &sb) == 0 && !S_ISREG(sb.st_mode))
			why = "not a regular file";
		close(fd);
		snprintf(res->error, sizeof(res->error), "cannot read %s: %s", r->path, why);
		return;
	}
	if (stat(r->path, &sb) == 0 && S_ISDIR(sb.st_mode))
		why = "a folder is in the way";
	else if (access(r->path, F_OK) == 0 && access(r->path, W_OK) < 0)
		why = strerror(errno);
	snprintf(res->error, sizeof(res->error), "cannot write %s: %s", r->path, why);
}
