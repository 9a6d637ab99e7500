/*
 * epstats.h: a run's figures per endpoint (the gateways a client spread its jobs over,
 * s3_endpoint_of in models/core/s3.h): jobs, ok, failed, bytes, and the GET and PUT stage
 * times of the jobs that ended ok (the stage's wall time, retries included; PUT is the image
 * and the record together), as `exifbench run` prints them and the report tables them.
 *
 * Times go into a log histogram (2% wide buckets from 1 us to about 3 hours), so memory is
 * fixed per endpoint whatever the run's length; a percentile is the nearest-rank bucket's
 * geometric middle, within 1% of the value observed (stats.h's rule, on buckets).
 */
#ifndef EXIFBENCH_EPSTATS_H
#define EXIFBENCH_EPSTATS_H

#include <jansson.h>
#include <stdint.h>

#include "models/core/job.h"

struct epstats;

/* One endpoint's figures; the times are -1 when no job ended ok there. */
struct epstats_row {
	uint64_t jobs, ok, failed;
	uint64_t bytes_in, bytes_out;
	double get_p50_ms, get_p99_ms, put_p50_ms, put_p99_ms;
};

/* Figures for n endpoints (1..S3_ENDPOINTS_MAX), all zero. NULL when out of memory or n bad. */
struct epstats *epstats_new(unsigned n);
void epstats_free(struct epstats *s);

/* The endpoints s counts. */
unsigned epstats_n(const struct epstats *s);

/*
 * One job at endpoint ep: get_ms and put_ms are its stages' wall times (read only when ok;
 * negative or NaN: that stage did not run). An ep past the last is counted in none.
 */
void epstats_add(struct epstats *s, unsigned ep, int ok, double get_ms, double put_ms,
    uint64_t bytes_in, uint64_t bytes_out);

/* epstats_add of a finished job's record (rec->endpoint, its stages' times). */
void epstats_add_record(struct epstats *s, const struct job_record *rec);

/* Endpoint ep's figures into row (zeros and -1 for an ep past the last). */
void epstats_get(const struct epstats *s, unsigned ep, struct epstats_row *row);

/*
 * Endpoint ep as a JSON object: {"endpoint":ep, "url":url, "jobs", "ok", "failed",
 * "get_p50_ms", "get_p99_ms", "put_p50_ms", "put_p99_ms" (null when unknown), "bytes_in",
 * "bytes_out"}; url may be NULL (null). NULL when out of memory.
 */
json_t *epstats_json(const struct epstats *s, unsigned ep, const char *url);

/*
 * cfg's endpoints as a JSON array of their URLs, in index order (meta.json's "endpoints",
 * which the trace's endpoint column indexes); one URL with one endpoint. NULL when OOM.
 */
json_t *epstats_urls_json(const struct s3_config *cfg);

#endif
