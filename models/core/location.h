/*
 * location.h: where a run reads and writes: an S3 folder (s3://BUCKET[/PREFIX]) or a folder
 * on this machine (a path such as ./photos or /data/in, or file:///data/in). Pure parsing and
 * path checks, no curl; the CLI turns its --src and --dst into these, the pipeline (job.h)
 * keeps the folder, and local.h does the I/O under it.
 */
#ifndef EXIFBENCH_LOCATION_H
#define EXIFBENCH_LOCATION_H

#include <stddef.h>

#define LOCATION_DIR_MAX 4096	/* PATH_MAX */

struct location {
	int local;			/* 1: dir is set; 0: bucket and prefix are */
	char bucket[64];
	char prefix[1024];
	char dir[LOCATION_DIR_MAX];	/* absolute, no trailing '/' (but "/"), not resolved */
};

/*
 * Parses arg: "s3://..." as s3url_parse_uri does; "file://PATH" (PATH absolute: file:///x)
 * and any other string without "://" as a local folder, made absolute against the working
 * folder. Returns 0, or -1 with a one-line reason in err (naming arg).
 */
int location_parse(const char *arg, struct location *loc, char *err, size_t errlen);

/*
 * A local folder that a run can list: it exists, is a folder, and can be opened and read.
 * Returns 0, or -1 with "PATH: reason" in err.
 */
int location_readable(const char *dir, char *err, size_t errlen);

/*
 * Whether the folder dir is in_dir or lies under it, comparing their real paths (symbolic
 * links and "." / ".." resolved); dir need not exist yet (its longest existing ancestor is
 * resolved, the rest appended as written), in_dir must. Returns 1, 0, or -1 with err set
 * when in_dir cannot be resolved.
 */
int location_inside(const char *dir, const char *in_dir, char *err, size_t errlen);

#endif
