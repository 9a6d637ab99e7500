/*
 * merge.h: the one result folder of a multi-client run, written by rank 0 from every
 * client's raw trace, in the format `exifbench report` and `compare` read (results.h):
 *   trace.csv    every client's rows on one timeline: each client's times (microseconds from
 *                its own start) moved by its start's distance from the earliest client's,
 *                the starts being each host's CLOCK_REALTIME corrected by its offset to rank
 *                0's clock (measured over MPI: the sample of least round trip of eight);
 *   summary.csv  one row: latencies over all clients' images; the rate over the window in
 *                which every client was running (from the last client's start to the first
 *                client's last image: the overlap, trimmed of the ends where fewer ran);
 *                in_flight and cpu_threads summed over the clients; rusage_cpu_s their sum;
 *   hosts.csv    a row per client (rank, host, its counts, rate, latency, CPU, clock, and
 *                when its rank entered the start barrier: every start must come after
 *                every entry, which is what shows the barrier held);
 *   meta.json    rank 0's client's, with "clients" (ranks, hosts, clock, window, the cost of
 *                the barrier and the gather) and a status over all: "complete", or
 *                "partial" when a client was stopped or killed (its keys then failed, with
 *                the reason, recover.h);
 *   ranks/       each client's own result folder, as it wrote it.
 */
#ifndef EXIFBENCH_MERGE_H
#define EXIFBENCH_MERGE_H

#include <jansson.h>
#include <stdint.h>

#include "models/model.h"
#include "models/run.h"
#include "harness/results/results.h"

struct merge_client {
	unsigned rank;
	char host[64];
	char trace[PATH_MAX + 48];	/* its raw trace (run --trace), on rank 0 */
	int64_t start_ns;	/* its start, on rank 0's CLOCK_REALTIME */
	int64_t barrier_ns;	/* when its rank entered the start barrier, on that clock */
	double offset_ms;	/* its clock minus rank 0's */
	double rtt_ms;		/* the round trip of the offset's sample */
	int exit_code, signal;
	double cpu_s;		/* its CPU, its children's included */
	long max_rss_kib;
	uint64_t recovered;	/* keys failed for it after it was killed */
};

struct merge_totals {
	uint64_t listed, ok, failed;
	double window_s;	/* the overlap; 0 when there was none */
	double images_per_s;	/* over the overlap; -1 without one */
	double wall_s;		/* the earliest start to the last image */
	const char *status;	/* "complete", "partial" */
};

/*
 * Writes the merged folder into res (open on the folder, its ranks/ inside it) for the run of
 * model m with opts over clients c[0..n), meta being rank 0's client's meta.json (taken over),
 * the coordination's figures in coord (added to "clients"). 0 with t, or -1 with err.
 */
int merge_write(struct results *res, const struct model *m, const struct model_opts *opts,
    struct merge_client *c,
    unsigned n, json_t *meta, json_t *coord, struct merge_totals *t, char *err,
    size_t errlen);

#endif
