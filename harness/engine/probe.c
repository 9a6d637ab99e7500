/*
 * probe.c: the endpoint's round trip before a bench's runs (see probe.h). The object is put
 * and deleted through the blocking client; the timed GETs run on an easy handle of the
 * probe's own through the request layer, so that the two curl timings the sample is made of
 * can be read off the handle after each transfer.
 */
#include "probe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int measure(const struct s3_config *cfg, const char *bucket, const char *key,
    unsigned n, const volatile sig_atomic_t *stop, struct probe_stats *st, char *err,
    size_t errlen);
static int get_once(struct s3_req *r, CURL *easy, double *ms, char *err, size_t errlen);
static void summarize(double *ms, unsigned n, struct probe_stats *st);
static int cmp_double(const void *a, const void *b);

int
probe_rtt(const struct s3_config *cfg, const char *via, const char *bucket,
    const char *key, unsigned n, const volatile sig_atomic_t *stop, struct probe_stats *direct,
    struct probe_stats *shaped, char *err, size_t errlen)
{
	unsigned char body[PROBE_BYTES];
	struct s3_config vcfg;
	struct s3_result res;
	struct s3 *c = NULL;
	int rc = -1;

	if (direct != NULL)
		memset(direct, 0, sizeof(*direct));
	if (shaped != NULL)
		memset(shaped, 0, sizeof(*shaped));
	if (cfg == NULL || bucket == NULL || key == NULL || direct == NULL ||
	    (via != NULL && shaped == NULL) || n < 1 || n > 1000) {
		snprintf(err, errlen, "probe_rtt: bad argument");
		return -1;
	}
	if ((c = s3_new(cfg)) == NULL) {
		snprintf(err, errlen, "round-trip probe: out of memory");
		return -1;
	}
	memset(body, 'p', sizeof(body));
	memset(&res, 0, sizeof(res));
	(void)s3_create_bucket(c, bucket, &res);	/* the PUT says why, if it matters */
	memset(&res, 0, sizeof(res));
	if (s3_put(c, bucket, key, body, sizeof(body), "text/plain", &res) < 0) {
		snprintf(err, errlen, "round-trip probe: %s", res.error);
		goto out;
	}
	if (measure(cfg, bucket, key, n, stop, direct, err, errlen) < 0)
		goto del;
	if (via != NULL) {
		vcfg = *cfg;
		snprintf(vcfg.endpoint, sizeof(vcfg.endpoint), "%s", via);
		rc = measure(&vcfg, bucket, key, n, stop, shaped, err, errlen);
		explicit_bzero(&vcfg, sizeof(vcfg));
		if (rc < 0)
			goto del;
	}
	rc = 0;
del:
	memset(&res, 0, sizeof(res));
	if (s3_delete(c, bucket, key, &res) < 0 && rc == 0) {
		snprintf(err, errlen, "round-trip probe: %s", res.error);
		rc = -1;
	}
out:
	s3_free(c);
	return rc;
}

/* One warm-up GET, then n timed ones, on one handle (one kept-alive connection). */
static int
measure(const struct s3_config *cfg, const char *bucket, const char *key, unsigned n,
    const volatile sig_atomic_t *stop, struct probe_stats *st, char *err, size_t errlen)
{
	struct s3_result res;
	struct s3_buf sink = { 0 };
	struct s3_req r;
	double *ms = NULL, warm;
	CURL *easy = NULL;
	unsigned i;
	int rc = -1;

	memset(&res, 0, sizeof(res));
	if (s3_req_init(&r, cfg, S3_GET, bucket, key, NULL, 0, NULL, 0, NULL, &sink, &res) < 0) {
		snprintf(err, errlen, "round-trip probe: %s", res.error);
		s3_req_cleanup(&r);
		return -1;
	}
	if ((easy = curl_easy_init()) == NULL || (ms = calloc(n, sizeof(*ms))) == NULL) {
		snprintf(err, errlen, "round-trip probe: out of memory");
		goto out;
	}
	if (get_once(&r, easy, &warm, err, errlen) < 0)
		goto out;
	for (i = 0; i < n; i++) {
		if (stop != NULL && *stop) {
			snprintf(err, errlen, "round-trip probe: stopped");
			goto out;
		}
		if (get_once(&r, easy, &ms[i], err, errlen) < 0)
			goto out;
	}
	summarize(ms, n, st);
	rc = 0;
out:
	free(ms);
	curl_easy_cleanup(easy);
	s3_req_cleanup(&r);
	s3_buf_free(&sink);
	return rc;
}

/* One GET of r on easy: its first-byte time after the request went out, in ms. */
static int
get_once(struct s3_req *r, CURL *easy, double *ms, char *err, size_t errlen)
{
	struct s3_result res;
	curl_off_t start = 0, pre = 0;

	memset(&res, 0, sizeof(res));
	if (s3_req_prepare(r, easy, &res) < 0 ||
	    s3_req_finish(r, easy, curl_easy_perform(easy), &res) != S3_OK) {
		snprintf(err, errlen, "round-trip probe: %s", res.error);
		return -1;
	}
	if (curl_easy_getinfo(easy, CURLINFO_STARTTRANSFER_TIME_T, &start) != CURLE_OK ||
	    curl_easy_getinfo(easy, CURLINFO_PRETRANSFER_TIME_T, &pre) != CURLE_OK) {
		snprintf(err, errlen, "round-trip probe: libcurl gave no transfer times");
		return -1;
	}
	*ms = (double)(start - pre) / 1000.0;
	return 0;
}

/* Sorts ms and takes its nearest-rank median and p90, its smallest and largest. */
static void
summarize(double *ms, unsigned n, struct probe_stats *st)
{
	qsort(ms, n, sizeof(*ms), cmp_double);
	st->samples = n;
	st->median_ms = ms[(n * 50 + 99) / 100 - 1];
	st->p90_ms = ms[(n * 90 + 99) / 100 - 1];
	st->min_ms = ms[0];
	st->max_ms = ms[n - 1];
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}
