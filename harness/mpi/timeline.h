/*
 * timeline.h: the raw traces of several clients of one run (`exifbench run --trace`, times in
 * microseconds from each client's own start) as one trace on one timeline, and the window in
 * which every client was running. Each client's times move by its start's distance from the
 * earliest client's start (the starts on one clock: the caller's, rank 0's). The window is
 * the overlap: from the last client's start to the first client's last image; its rate is
 * the images (ok or failed) that finished inside it over its length, so the ends where fewer
 * clients ran do not dilute it. The traces are read a row at a time, twice (memory: a row).
 */
#ifndef EXIFBENCH_TIMELINE_H
#define EXIFBENCH_TIMELINE_H

#include <jansson.h>
#include <stdint.h>

#include "harness/results/tracestats.h"

struct timeline_client {
	const char *trace;	/* its raw trace */
	int64_t start_ns;	/* its start, on the common clock */
	/* filled in: */
	double start_us, end_us;	/* its start and its last image, on the timeline */
	uint64_t rows, ok, failed;
};

struct timeline_window {
	double from_us, to_us;	/* the overlap; to <= from: none */
	double window_s;	/* its length; 0 when none */
	uint64_t kept;		/* images finished inside it */
	double images_per_s;	/* kept / window_s; -1 when none */
	double mib_per_s;	/* bytes in and out of those images, per second; -1 */
	uint64_t rows, ok, failed;	/* all clients' */
	double wall_s;		/* the first start to the last image */
};

/* Writes c[0..n)'s rows to out (a raw trace, header first) and fills c and w. 0, or -1. */
int timeline_merge(struct timeline_client *c, unsigned n, const char *out,
    struct timeline_window *w, char *err, size_t errlen);

/* The window's figures into st (read from the merged trace): kept, window, rates. */
void timeline_apply(const struct timeline_window *w, struct tracestats *st);

/* The window as meta.json records it: from_s, to_s, images and the rule. */
json_t *timeline_window_json(const struct timeline_window *w);

#endif
