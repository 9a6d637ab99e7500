/*
 * epstats.c: per-endpoint counts and stage-time histograms of a run (see epstats.h). A
 * bucket is 2% wide: bucket b > 0 holds [1.02^(b-1), 1.02^b) microseconds, bucket 0 what is
 * under 1 us; the last one also holds everything past it.
 */
#include "epstats.h"

#include <math.h>
#include <stdlib.h>

#include "models/core/s3.h"

#define BUCKETS 1200		/* 1.02^1199 us is about 3.3 hours */
#define RATIO 1.02

struct hist {
	uint32_t count[BUCKETS];
	uint64_t n;
};

struct ep {
	uint64_t jobs, ok, failed, bytes_in, bytes_out;
	struct hist get, put;
};

struct epstats {
	unsigned n;
	struct ep *ep;		/* n of them */
};

static void hist_add(struct hist *h, double ms);
static double hist_pct(const struct hist *h, double p);
static double stage_ms(const struct job_stage_time *t);

struct epstats *
epstats_new(unsigned n)
{
	struct epstats *s;

	if (n == 0 || n > S3_ENDPOINTS_MAX || (s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	if ((s->ep = calloc(n, sizeof(s->ep[0]))) == NULL) {
		free(s);
		return NULL;
	}
	s->n = n;
	return s;
}

void
epstats_free(struct epstats *s)
{
	if (s != NULL)
		free(s->ep);
	free(s);
}

unsigned
epstats_n(const struct epstats *s)
{
	return s != NULL ? s->n : 0;
}

void
epstats_add(struct epstats *s, unsigned ep, int ok, double get_ms, double put_ms,
    uint64_t bytes_in, uint64_t bytes_out)
{
	struct ep *e;

	if (s == NULL || ep >= s->n)
		return;
	e = &s->ep[ep];
	e->jobs++;
	e->bytes_in += bytes_in;
	e->bytes_out += bytes_out;
	if (!ok) {
		e->failed++;
		return;
	}
	e->ok++;
	hist_add(&e->get, get_ms);
	hist_add(&e->put, put_ms);
}

void
epstats_add_record(struct epstats *s, const struct job_record *rec)
{
	epstats_add(s, rec->endpoint < 0 ? UINT32_MAX : (unsigned)rec->endpoint,
	    rec->outcome == JOB_OK, stage_ms(&rec->stage[JOB_GET]),
	    stage_ms(&rec->stage[JOB_PUT]), rec->bytes_in > 0 ? (uint64_t)rec->bytes_in : 0,
	    rec->bytes_out > 0 ? (uint64_t)rec->bytes_out : 0);
}

void
epstats_get(const struct epstats *s, unsigned ep, struct epstats_row *row)
{
	const struct ep *e;

	*row = (struct epstats_row){ 0, 0, 0, 0, 0, -1, -1, -1, -1 };
	if (s == NULL || ep >= s->n)
		return;
	e = &s->ep[ep];
	row->jobs = e->jobs, row->ok = e->ok, row->failed = e->failed;
	row->bytes_in = e->bytes_in, row->bytes_out = e->bytes_out;
	row->get_p50_ms = hist_pct(&e->get, 50);
	row->get_p99_ms = hist_pct(&e->get, 99);
	row->put_p50_ms = hist_pct(&e->put, 50);
	row->put_p99_ms = hist_pct(&e->put, 99);
}

json_t *
epstats_json(const struct epstats *s, unsigned ep, const char *url)
{
	static const char *const names[4] = { "get_p50_ms", "get_p99_ms", "put_p50_ms",
		"put_p99_ms" };
	struct epstats_row r;
	double v[4];
	json_t *o;
	int i;

	epstats_get(s, ep, &r);
	v[0] = r.get_p50_ms, v[1] = r.get_p99_ms, v[2] = r.put_p50_ms, v[3] = r.put_p99_ms;
	o = json_pack("{s:i, s:s?, s:I, s:I, s:I, s:I, s:I}", "endpoint", (int)ep, "url", url,
	    "jobs", (json_int_t)r.jobs, "ok", (json_int_t)r.ok, "failed", (json_int_t)r.failed,
	    "bytes_in", (json_int_t)r.bytes_in, "bytes_out", (json_int_t)r.bytes_out);
	for (i = 0; o != NULL && i < 4; i++)
		json_object_set_new(o, names[i], v[i] >= 0 ? json_real(v[i]) : json_null());
	return o;
}

json_t *
epstats_urls_json(const struct s3_config *cfg)
{
	json_t *arr = json_array();
	unsigned i;

	for (i = 0; arr != NULL && i < cfg->nendpoints; i++)
		json_array_append_new(arr, json_string(cfg->endpoints[i]));
	if (arr != NULL && cfg->nendpoints == 0 && cfg->endpoint[0] != '\0')
		json_array_append_new(arr, json_string(cfg->endpoint));
	return arr;
}

static void
hist_add(struct hist *h, double ms)
{
	double us = ms * 1e3;
	long b;

	if (!(ms >= 0))
		return;		/* the stage did not run (or NaN) */
	b = us < 1 ? 0 : 1 + (long)floor(log(us) / log(RATIO));
	h->count[b < BUCKETS ? b : BUCKETS - 1]++;
	h->n++;
}

/* The nearest-rank p-th percentile in ms, as its bucket's geometric middle; -1 when empty. */
static double
hist_pct(const struct hist *h, double p)
{
	uint64_t rank, seen = 0;
	size_t b;

	if (h->n == 0)
		return -1;
	rank = (uint64_t)ceil(p / 100 * (double)h->n);
	if (rank == 0)
		rank = 1;
	for (b = 0; b < BUCKETS; b++)
		if ((seen += h->count[b]) >= rank)
			break;
	if (b == 0)
		return 0.0005;	/* under 1 us: its middle */
	return pow(RATIO, (double)b - 0.5) / 1e3;
}

/* A stage's wall time in ms; -1 when it did not run or did not end. */
static double
stage_ms(const struct job_stage_time *t)
{
	if (t->start_ns == 0 || t->end_ns < t->start_ns)
		return -1;
	return (double)(t->end_ns - t->start_ns) / 1e6;
}
