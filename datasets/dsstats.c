/*
 * dsstats.c: a dataset's figures over a log histogram of its sizes. See dsstats.h. Bucket 0
 * holds empty files; bucket i >= 1 holds the sizes s with floor(log2(s) * DSSTATS_SUB) = i - 1,
 * so its sizes lie within 2^(1/128) (0.54%) of each other.
 */
#include "dsstats.h"

#include <math.h>
#include <string.h>

static size_t bucket_of(uint64_t size);
static uint64_t bucket_low(size_t i);

void
dsstats_init(struct dsstats *st)
{
	memset(st, 0, sizeof(*st));
}

static size_t
bucket_of(uint64_t size)
{
	size_t i;

	if (size == 0)
		return 0;
	i = 1 + (size_t)floor(log2((double)size) * DSSTATS_SUB);
	return i < DSSTATS_BUCKETS ? i : DSSTATS_BUCKETS - 1;
}

/* The smallest size bucket i can hold. */
static uint64_t
bucket_low(size_t i)
{
	return i == 0 ? 0 : (uint64_t)ceil(exp2((double)(i - 1) / DSSTATS_SUB));
}

void
dsstats_add(struct dsstats *st, uint64_t size, int exif)
{
	st->count++;
	st->bytes += size;
	if (size > st->max)
		st->max = size;
	if (exif >= 0) {
		st->exif_known++;
		st->with_exif += exif > 0;
	}
	st->hist[bucket_of(size)]++;
}

uint64_t
dsstats_size_at(const struct dsstats *st, double p)
{
	uint64_t rank, seen = 0, low;
	size_t i;

	if (st->count == 0 || !(p > 0))
		return 0;
	if (p >= 1)
		return st->max;
	rank = (uint64_t)ceil(p * (double)st->count);
	for (i = 0; i < DSSTATS_BUCKETS; i++)
		if ((seen += st->hist[i]) >= rank)
			break;
	low = bucket_low(i);
	return low < st->max ? low : st->max;
}

json_t *
dsstats_json(const struct dsstats *st, const char *from)
{
	return json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "from", from,
	    "images", (json_int_t)st->count, "bytes", (json_int_t)st->bytes, "size_p50",
	    (json_int_t)dsstats_size_at(st, 0.5), "size_p99",
	    (json_int_t)dsstats_size_at(st, 0.99), "size_max", (json_int_t)st->max,
	    "exif_known", (json_int_t)st->exif_known, "with_exif", (json_int_t)st->with_exif,
	    "exif_share", st->exif_known > 0 ? json_real((double)st->with_exif /
	    (double)st->exif_known) : json_null());
}
