/*
 * load.h: `exifbench dataset load DIR s3://BUCKET/PREFIX`. Uploads every regular file of a
 * folder (not its manifest.jsonl, not sub-folders) concurrently, one S3 client per worker,
 * creating the bucket if needed, then LISTs the prefix to prove each file arrived whole.
 */
#ifndef EXIFBENCH_LOAD_H
#define EXIFBENCH_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "models/core/s3.h"
#include "pool.h"

struct load_options {
	const struct s3_config *cfg;
	const char *dir;
	const char *bucket;
	const char *prefix;	/* "" for the bucket's root */
	unsigned concurrency;	/* uploads in flight, >= 1 */
	pool_error_fn on_error;	/* may be NULL; told of every file that failed */
	void *arg;
};

struct load_stats {
	size_t files;		/* regular files found */
	size_t uploaded;	/* PUTs that succeeded */
	size_t failed;		/* PUTs that failed (each reported to on_error) */
	size_t listed;		/* of the files, those the LIST showed with the right size */
	uint64_t bytes;		/* bytes uploaded */
	double seconds;		/* upload phase, wall */
	double list_seconds;	/* proof phase, wall */
};

/*
 * Returns 0 when every file was uploaded and listed, 1 when some were not (counted in st,
 * each reported to on_error), -1 when nothing could start (unreadable folder, bucket not
 * creatable: err says which).
 */
int load_run(const struct load_options *o, struct load_stats *st, char *err, size_t errlen);

#endif
