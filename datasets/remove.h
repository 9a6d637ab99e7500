/*
 * remove.h: `exifbench dataset rm s3://BUCKET[/PREFIX] [--bucket]`. Deletes the object named
 * PREFIX and every object under PREFIX/ (the whole bucket when PREFIX is empty), concurrently,
 * and with `bucket` set the emptied bucket too. Used to clean destinations between runs.
 */
#ifndef EXIFBENCH_REMOVE_H
#define EXIFBENCH_REMOVE_H

#include <stddef.h>

#include "models/core/s3.h"
#include "pool.h"

struct remove_options {
	const struct s3_config *cfg;
	const char *bucket;
	const char *prefix;	/* "" for every object */
	unsigned concurrency;
	int bucket_too;		/* delete the bucket afterwards; needs prefix "" */
	pool_error_fn on_error;	/* may be NULL; every key not deleted */
	void *arg;
};

struct remove_stats {
	size_t matched;		/* objects found */
	size_t removed;
	size_t failed;		/* each reported to on_error */
	int bucket_removed;
};

/* 0: all removed; 1: some failed; -1: nothing could start (err says why). */
int remove_run(const struct remove_options *o, struct remove_stats *st, char *err,
    size_t errlen);

#endif
