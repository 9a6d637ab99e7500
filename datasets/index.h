/*
 * index.h: `exifbench dataset index DIR|s3://BUCKET[/PREFIX]`: a manifest (manifest.h) for
 * photos that were not generated, such as a user's own. Each file gets its key (its name in
 * DIR, or its key relative to PREFIX, so a folder and the prefix it was loaded to give the
 * same entries), size, SHA-256, kind (ok: a JPEG whose headers read and that holds EXIF;
 * noexif: such a JPEG without EXIF; corrupt: headers that do not read as a JPEG), frame size,
 * and the EXIF values a manifest holds, read by the pipeline's own readers.
 *
 * Files go by in batches of INDEX_BATCH (a folder's regular files as readdir finds them, not
 * manifest.jsonl, the files `dataset load` uploads; a prefix's listing, page by page in key
 * order), each batch read and indexed by a pool of threads and written in its order, so
 * memory is one batch of entries plus one file per thread, whatever the dataset's size.
 */
#ifndef EXIFBENCH_INDEX_H
#define EXIFBENCH_INDEX_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "manifest.h"
#include "pool.h"
#include "models/core/s3.h"

#define INDEX_BATCH 1000

/*
 * The entry of one file, key, held in buf[0..len): never fails (a file that is not a JPEG is
 * an entry of kind corrupt, with "exif" unspecified). EXIF strings that are not UTF-8 are left
 * out; longer ones than the manifest keeps are cut at a character boundary. 0, or -1 when an
 * argument is NULL or the key is longer than MANIFEST_KEY_MAX.
 */
int index_entry(const unsigned char *buf, size_t len, const char *key,
    struct manifest_entry *e);

struct index_options {
	const char *dir;		/* a folder, or NULL for S3 */
	const struct s3_config *cfg;	/* S3: the endpoint, bucket and prefix ("" the bucket) */
	const char *bucket, *prefix;
	unsigned concurrency;		/* files read at once, >= 1 */
	FILE *out;			/* the manifest */
	pool_error_fn on_error;		/* may be NULL: a file that could not be read */
	void *arg;
};

struct index_stats {
	size_t files;			/* entries written */
	size_t failed;			/* files not read (each told to on_error) */
	uint64_t bytes;
	size_t kinds[MANIFEST_NKINDS];
	double seconds;
};

/*
 * Indexes the folder or the prefix into o->out: 0 when every file was indexed, 1 when some
 * could not be read, -1 with err when the walk could not start or broke off (a folder that
 * cannot be opened; the endpoint, credentials, bucket or listing; a write error). Entries of
 * earlier batches are written already then.
 */
int index_run(const struct index_options *o, struct index_stats *st, char *err, size_t errlen);

#endif
