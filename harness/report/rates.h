/*
 * rates.h: the rules the report applies to a rate sweep (a scenario's `rates`: each model run
 * open-loop at each offered rate), on one model's runs at one level: whether a run sustained
 * its rate,
 * the knee and the highest rate within a latency objective; and the open-loop runs of a
 * scenario, grouped by model and level, that report_rates.c and the figures' data read.
 *
 * The rules, stated once (report.md quotes them):
 * - a run sustained its rate when its status is ok or failed_keys and it did not give it up (not
 *   "unsustained": run --rate gave up the schedule, exit 4);
 * - the knee is the highest offered rate whose run sustained it and achieved (images/s over the
 *   steady window) at least RATES_KNEE_SHARE of it;
 * - with an objective X ms, the highest offered rate whose run sustained it with its response
 *   time p99 (from when each image was due) at most X.
 */
#ifndef EXIFBENCH_RATES_H
#define EXIFBENCH_RATES_H

#include <stddef.h>

#include "report.h"

#define RATES_KNEE_SHARE 0.95	/* achieved within 5% of offered */
#define RATES_MAX_RUNS 64	/* open-loop runs of one model and level shown */

/* One open-loop run as the rules see it. */
struct rate_point {
	double offered;		/* images/s asked */
	double achieved;	/* images/s measured; NaN unknown */
	int sustained;		/* the run sustained its rate (rates_sustained) */
	double resp_p99_ms;	/* response time p99; NaN or negative unknown */
};

/* Whether run r sustained its rate (the first rule above). */
int rates_sustained(const struct rs_run *r);

/*
 * Whether run r kept up its rate: sustained it and achieved at least RATES_KNEE_SHARE of it
 * (a run too short to pass its backlog bound can sustain a rate it did not keep up).
 */
int rates_kept(const struct rs_run *r);

/* The rules' view of run r. */
void rates_point(const struct rs_run *r, struct rate_point *p);

/* The knee of the n points: the index of the highest offered rate that qualifies, or -1. */
int rates_knee(const struct rate_point *p, size_t n);

/*
 * The highest offered rate within a response time p99 of slo_ms: its index, or -1 (none sustained
 * up within it, or slo_ms not above 0).
 */
int rates_slo(const struct rate_point *p, size_t n, double slo_ms);

/*
 * The open-loop runs of model m at level in scenario s (its main PU set and client count),
 * by offered rate, then repeat, into out (at most max): how many.
 */
size_t rates_runs(const struct report_scenario *s, const char *model, unsigned level,
    const struct rs_run **out, size_t max);

/*
 * The levels at which model m ran open-loop in s, ascending, into out (at most max): how
 * many (0: the model has no open-loop run).
 */
size_t rates_levels(const struct report_scenario *s, const char *model, unsigned *out,
    size_t max);

#endif
