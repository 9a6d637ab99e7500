/*
 * plan.h: the runs a scenario makes, in order: for each client CPU set, each model, each
 * client count (clients: hosts under mpirun), each concurrency level, each offered rate
 * (rates: open loop; one closed-loop run when the scenario has none) and each repeat. A
 * model that keeps at most N requests in flight
 * (sequential: 1) runs at each level up to N, and at N once when every level exceeds it.
 * Also what the runs share: where they read and write in S3, the `exifbench run` command line
 * of a run, and the methodology text stored in every meta.json.
 */
#ifndef EXIFBENCH_PLAN_H
#define EXIFBENCH_PLAN_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "models/model.h"
#include "scenario.h"

struct plan_run {
	const struct model *model;
	unsigned level;			/* --concurrency */
	unsigned workers;		/* hybrid's --workers, else 0 */
	double rate;			/* --rate: offered images/s, 0 = closed loop */
	unsigned rep;			/* 1.. */
	unsigned clients;		/* client hosts (MPI ranks) the run spreads over: 1.. */
	const char *client_cpus;	/* into the scenario; "" = unbound */
	unsigned client_pus;		/* PUs of client_cpus */
};

#define PLAN_BUCKET_MAX 64
#define PLAN_PREFIX_MAX (SCENARIO_PREFIX_MAX + 1)

struct plan {
	struct plan_run *run;
	size_t n;
	/* the source: sc's source, or s3://data_bucket/(data_prefix or the dataset's name; a
	 * folder's is "dir-" until bench_setup has indexed it: dir-HASH, dirdata.h) */
	char src_bucket[PLAN_BUCKET_MAX], src_prefix[PLAN_PREFIX_MAX];
	/* the outputs' root, s3://out_bucket/(out_prefix or the scenario's name); run r writes
	 * under DST_PREFIX/MODEL-cLEVEL-cpusTAG-rREP[-nCLIENTS][-rateRATE] (plan_run_name) */
	char dst_bucket[PLAN_BUCKET_MAX], dst_prefix[PLAN_PREFIX_MAX];
};

/*
 * The runs of sc into p (freed by plan_free), and where they read and write. 0, or -1 with
 * err: a bad PU list, a level, rate or PU list given twice (two runs would carry the same
 * label; rates are told apart to 3 decimals, as summary.csv writes them), rates with
 * clients > 1 (not supported yet),
 * outputs inside the source or the source inside the outputs (plan_overlap), no memory.
 */
int plan_make(const struct scenario *sc, struct plan *p, char *err, size_t errlen);
void plan_free(struct plan *p);

/*
 * The plan as a table, one run per line, then the total and the longest it can take, and the
 * latency the runs add ("latency: auto: ..." and its rule while latency_ms = auto is not
 * resolved).
 */
void plan_print(const struct plan *p, const struct scenario *sc, FILE *f);

/*
 * 1 when s3://bucket/prefix is s3://in_bucket/in_prefix or lies under it (in_prefix "": the
 * whole bucket), else 0. Prefixes are compared by whole parts: "ab" is not under "a".
 */
int plan_inside(const char *bucket, const char *prefix, const char *in_bucket,
    const char *in_prefix);

/*
 * Refuses a destination that would overwrite or feed the source: 0 when dst and src are
 * apart, or -1 with one line in err naming both ("the outputs s3://B/P are inside the
 * source s3://B/Q ..."). With both_ways, a source inside the destination is refused too (the
 * bench deletes its destination prefixes).
 */
int plan_overlap(const char *src_bucket, const char *src_prefix, const char *dst_bucket,
    const char *dst_prefix, int both_ways, char *err, size_t errlen);

/*
 * The `exifbench run` command of r into argv (at most max entries, NULL-terminated); the
 * strings live in static buffers until the next call. It reads p's source and writes under
 * p's destination, at run_prefix (there, relative to the bucket). images: keys per run (0:
 * all). An open-loop run (rate > 0) gets --rate, --arrivals and, when the scenario sets it,
 * --max-backlog.
 */
void plan_argv(const struct plan *p, const struct plan_run *r, const struct scenario *sc,
    const char *exe, const char *run_prefix, const char *trace, size_t images, char **argv,
    size_t max);

/*
 * r's client PU list as a CSV- and file-name-safe word: "all", or the list with its commas
 * as '+' ("0+2-3"). It tells apart runs whose lists have the same number of PUs.
 */
const char *plan_cpus_tag(const struct plan_run *r, char *buf, size_t len);

/*
 * r's name in S3 and on disk, into buf: MODEL-cLEVEL-cpusTAG-rREP, then -nCLIENTS with more
 * than one client and -rateRATE (%g) for an open-loop run.
 */
const char *plan_run_name(const struct plan_run *r, char *buf, size_t len);

/* The time now in UTC, ISO 8601 ("2026-11-21T10:00:00Z"), into buf. */
const char *plan_utc_now(char *buf, size_t len);

/* How the figures are computed (trim, CPU shares, the latency bound): meta.json's text. */
json_t *plan_methodology(void);

#endif
