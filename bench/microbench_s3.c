/*
 * microbench_s3.c: the rows of `make microbench` that cost a request (issue 17): the client's
 * CPU for one HEAD through the toolkit's request path (s3_req_init, s3_req_prepare, curl,
 * s3_req_finish) on one kept-alive easy handle, against the real endpoint of AWS_* (the local
 * server under harness/with-s3-local), signed by libcurl's SigV4 (head_sigv4) and with the
 * signing options taken off again (head_request). The CPU is the calling thread's, so the
 * round trip's wait is not in it; the kernel's send and receive are. head_sigv4 less
 * head_request is what curl's signer costs a request. The bucket is one that does not exist:
 * a HEAD of it answers 404 signed, 403 or 404 unsigned, with no body either way, and nothing
 * is created. Without an endpoint, or when a first signed HEAD is not answered 404 (the
 * credentials refused), both rows say why and are skipped.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "microbench.h"
#include "models/core/s3.h"

#define MB_BUCKET "exifbench-microbench-none"

static struct s3_config cfg;
static CURL *easy;
static char why[256];
static int tried;

static void close_handle(void);
static int head_accepted(void);

static void
close_handle(void)
{
	curl_easy_cleanup(easy);
	easy = NULL;
}

const char *
microbench_s3_ready(void)
{
	if (tried)
		return easy != NULL ? NULL : why;
	tried = 1;
	if (s3_config_from_env(&cfg, why, sizeof(why)) < 0 || cfg.endpoint[0] == '\0') {
		if (cfg.endpoint[0] == '\0')
			snprintf(why, sizeof(why), "no S3 endpoint: AWS_ENDPOINT_URL is unset "
			    "(make microbench runs these through harness/with-s3-local)");
		return why;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    (easy = curl_easy_init()) == NULL) {
		snprintf(why, sizeof(why), "libcurl could not start");
		return why;
	}
	atexit(close_handle);
	if (!head_accepted()) {
		close_handle();
		return why;
	}
	return NULL;
}

/*
 * One signed HEAD, which must be answered as a signed request of a bucket that does not exist
 * (404), so that head_sigv4 times a signature the server takes; else why holds the error.
 */
static int
head_accepted(void)
{
	struct s3_result res;
	struct s3_req r;
	int ok = 0;

	if (s3_req_init(&r, &cfg, S3_HEAD, MB_BUCKET, NULL, NULL, 0, NULL, 0, NULL, NULL,
	    &res) == 0 && s3_req_prepare(&r, easy, &res) == 0) {
		(void)s3_req_finish(&r, easy, curl_easy_perform(easy), &res);
		ok = res.status == 404;
	}
	if (!ok)
		snprintf(why, sizeof(why), "a signed HEAD of bucket '%s' was not answered 404: %s",
		    MB_BUCKET, res.error[0] ? res.error : "no answer");
	s3_req_cleanup(&r);
	return ok;
}

/* One HEAD per corpus image; signed or not. Returns the statuses summed (never optimised away). */
static size_t
heads(const struct mb_corpus *c, int sign)
{
	struct s3_result res;
	struct s3_req r;
	size_t i, sink = 0;
	CURLcode rc;

	for (i = 0; i < c->n; i++) {
		if (s3_req_init(&r, &cfg, S3_HEAD, MB_BUCKET, NULL, NULL, 0, NULL, 0, NULL, NULL,
		    &res) < 0 || s3_req_prepare(&r, easy, &res) < 0) {
			s3_req_cleanup(&r);
			continue;
		}
		if (!sign) {
			curl_easy_setopt(easy, CURLOPT_AWS_SIGV4, NULL);
			curl_easy_setopt(easy, CURLOPT_USERNAME, NULL);
			curl_easy_setopt(easy, CURLOPT_PASSWORD, NULL);
		}
		rc = curl_easy_perform(easy);
		(void)s3_req_finish(&r, easy, rc, &res);
		sink += (size_t)res.status;
		s3_req_cleanup(&r);
	}
	return sink;
}

size_t
microbench_head_sigv4(const struct mb_corpus *c)
{
	return heads(c, 1);
}

size_t
microbench_head_request(const struct mb_corpus *c)
{
	return heads(c, 0);
}
