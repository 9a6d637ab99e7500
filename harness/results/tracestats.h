/*
 * tracestats.h: the figures of one model run, computed from its trace (the CSV that
 * `exifbench run --trace` writes, one row per image): throughput over a steady window,
 * latency percentiles end to end and per stage, and time to first byte.
 *
 * Trimming: the images are ordered by the time they finished; the first and the last
 * `trim` fraction of them (warm-up: connections opening, pools filling; tail: the last
 * requests draining with fewer in flight) are cut. The window runs from the finish of the
 * last image cut at the start to the finish of the last image kept, and the rate is the kept
 * images (ok or failed) over that window. Latencies are those of the kept images that ended
 * ok. With fewer than 20 images nothing is cut and the window starts at the run's start
 * (tracestats_cut).
 */
#ifndef EXIFBENCH_TRACESTATS_H
#define EXIFBENCH_TRACESTATS_H

#include <stddef.h>
#include <stdio.h>

/* The percentiles reported for each latency, in order: p50 p90 p99 p99.9 max. */
#define TRACESTATS_NP 5
extern const double tracestats_p[TRACESTATS_NP];

/*
 * TS_RESP and TS_WAIT are an open-loop run's (trace_cols.h: the response time from when the
 * image was due, and its wait for a free slot); -1 in a closed-loop run.
 */
enum tracestats_lat { TS_E2E, TS_GET, TS_PROC, TS_PUT, TS_TTFB, TS_RESP, TS_WAIT, TS_NLAT };

struct tracestats {
	size_t rows;		/* images in the trace */
	size_t ok, failed;	/* their outcomes */
	size_t kept;		/* images inside the window */
	double window_s;	/* the steady window */
	double images_per_s;	/* kept / window_s */
	double mib_per_s;	/* bytes in + out of the kept images, MiB per second of window */
	double mean_requests_ms;/* mean GET + PUT time (curl's totals) of kept ok images */
	double lat_ms[TS_NLAT][TRACESTATS_NP];	/* -1 where no image had that stage */
};

/*
 * Reads the trace at path and computes st with the given trim fraction (0..0.45). When out is
 * not NULL, also copies every row to out with `label` (pre-formatted CSV cells, no trailing
 * comma) in front; when *header is 0, the header line first, with label_header in front,
 * and *header becomes 1. 0, or -1 with err naming the file (and line) for a missing file or a
 * malformed trace; st is then zero but for its latencies, -1 (unknown), as for no image.
 */
int tracestats_read(const char *path, double trim, FILE *out, const char *label,
    const char *label_header, int *header, struct tracestats *st, char *err, size_t errlen);

/*
 * The images cut at each end of a run of n images: floor(trim x n), none under 20. The one
 * warm-up rule: the report's per-second spread (rs_trace.c) uses it too.
 */
size_t tracestats_cut(size_t n, double trim);

#endif
