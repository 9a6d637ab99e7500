/*
 * list.h: `exifbench dataset ls s3://BUCKET[/PREFIX] [--sha256]`. Walks the objects under
 * PREFIX/ in key order and hands each to the caller with its key relative to PREFIX, its
 * size and, when asked, the SHA-256 of its bytes (every object is then fetched), so that two
 * prefixes, or one prefix before and after, can be compared with diff.
 */
#ifndef EXIFBENCH_LIST_H
#define EXIFBENCH_LIST_H

#include <stddef.h>
#include <stdint.h>

#include "models/core/s3.h"
#include "pool.h"

/*
 * One object: key relative to the prefix; sha256 is NULL unless asked for. Called from the
 * caller's thread, in key order.
 */
typedef void (*list_object_fn)(const char *key, uint64_t size, const char *sha256, void *arg);

struct list_options {
	const struct s3_config *cfg;
	const char *bucket;
	const char *prefix;	/* "" for the whole bucket; else the objects under PREFIX/ */
	unsigned concurrency;	/* downloads in flight with sha256, >= 1 */
	int sha256;		/* fetch every object and hash it */
	list_object_fn on_object;
	pool_error_fn on_error;	/* may be NULL; every object not fetched (full key) */
	void *arg;
};

struct list_stats {
	size_t objects;		/* passed to on_object */
	size_t failed;		/* listed but not fetched (each reported to on_error) */
	uint64_t bytes;		/* sizes of the objects passed on */
	unsigned pages;		/* LIST requests made */
	double seconds;
};

/*
 * Memory is one page of the listing (1,000 keys) plus, with sha256, one object per worker,
 * whatever the prefix holds. Returns 0 when every listed object was passed on, 1 when some
 * could not be fetched, -1 when the listing could not start or broke off (endpoint,
 * credentials, bucket: err says which; objects of earlier pages were passed on already).
 */
int list_run(const struct list_options *o, struct list_stats *st, char *err, size_t errlen);

#endif
