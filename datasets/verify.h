/*
 * verify.h: `exifbench dataset verify MANIFEST s3://BUCKET/PREFIX`. Checks a bucket against a
 * manifest: by default every object is fetched and its size and SHA-256 compared; with
 * list_only one LIST compares sizes only (fast, but blind to same-size corruption).
 */
#ifndef EXIFBENCH_VERIFY_H
#define EXIFBENCH_VERIFY_H

#include <stddef.h>

#include "models/core/s3.h"
#include "pool.h"

struct verify_options {
	const struct s3_config *cfg;
	const char *manifest;	/* path of a manifest.jsonl */
	const char *bucket;
	const char *prefix;
	unsigned concurrency;
	int list_only;
	pool_error_fn on_error;	/* may be NULL; called once per bad key */
	void *arg;
};

struct verify_stats {
	size_t entries;		/* manifest entries */
	size_t ok;
	size_t missing;		/* not in the bucket */
	size_t mismatched;	/* wrong size or SHA-256 */
	size_t failed;		/* could not be checked (transfer error) */
	double seconds;
};

/*
 * 0: all entries ok; 1: some were not (ok + missing + mismatched + failed == entries);
 * -1: the bucket could not be checked (endpoint, credentials, bucket: err says which);
 * -2: the manifest is unreadable or malformed (err names the file and line).
 */
int verify_run(const struct verify_options *o, struct verify_stats *st, char *err,
    size_t errlen);

#endif
