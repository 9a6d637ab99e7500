/*
 * setup.h: what `exifbench bench` needs around its runs: the local S3 server's processes (asked
 * of harness/s3-local in the folder home_find names, home.h), the dataset (a generated
 * profile or a folder of photos, loaded once and reused while it verifies, or the existing
 * objects of a source), and
 * the shaper, run as a child process of its own.
 * Commands run by these helpers print their progress on stderr; stdout stays the caller's.
 */
#ifndef EXIFBENCH_SETUP_H
#define EXIFBENCH_SETUP_H

#include <jansson.h>
#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#include "dirdata.h"
#include "datasets/dsstats.h"
#include "models/core/s3.h"

/*
 * When harness/s3-local runs the server that endpoint names, its process ids into pids
 * (at most max): their number. 0 when the endpoint is another server (not sampled), or when
 * home holds a single quote (it is quoted into a shell command).
 */
size_t setup_server_pids(const char *home, const char *endpoint, pid_t *pids, size_t max);

/*
 * Makes sure s3://bucket/prefix holds the dataset of profile: reused when `dataset verify
 * --list-only` passes against data_dir/profile's manifest, else generated (when the manifest
 * is missing) and loaded. Its figures, from the manifest, into st (images: st->count). 0, or
 * -1 with err.
 */
int setup_dataset(const char *exe, const char *data_dir, const char *profile,
    const char *bucket, const char *prefix, struct dsstats *st, char *err, size_t errlen);

/*
 * The dataset of a folder of photos, dir (absolute): indexed into data_dir/dir-HASH unless
 * that index still describes it (dirdata.h), its name into name; prefix (of prefixlen bytes)
 * "" becomes that name. Then reused when `dataset verify --list-only` passes against the
 * index at s3://bucket/prefix, else the folder is loaded there. Its figures, from the
 * manifest, into st. 0, or -1 with err.
 */
int setup_folder(const char *exe, const char *data_dir, const char *dir, const char *bucket,
    char *prefix, size_t prefixlen, char name[DIRDATA_NAME_LEN + 1], struct dsstats *st,
    char *err, size_t errlen);

/*
 * The dataset of a source: the objects under s3://bucket/prefix, as one streamed listing
 * finds them (nothing generated or uploaded); their sizes into st (EXIF not known). 0, or -1
 * with err: the listing failed (endpoint, credentials, bucket), or found no object.
 */
int setup_source(const struct s3_config *cfg, const char *bucket, const char *prefix,
    struct dsstats *st, char *err, size_t errlen);

/* Runs argv (argv[0] a path) with stdout sent to stderr; its exit status, or -1. */
int setup_command(char *const *argv);

struct shaper {
	pid_t pid;			/* 0: not running */
	int out;			/* its stdout */
	char endpoint[128];		/* http://HOST:PORT, for the models */
};

/*
 * Starts `exe shape --json` in front of upstream with args (NULL-terminated, the shaping
 * options), in its own process group, bound to cpus ("" unbound), and waits for its listening
 * line. 0, or -1 with err.
 */
int setup_shaper_start(struct shaper *sh, const char *exe, const char *upstream,
    char *const *args, const char *cpus, char *err, size_t errlen);

/* Stops it (SIGTERM) and returns its final statistics line as JSON (NULL if none). */
json_t *setup_shaper_stop(struct shaper *sh);

#endif
