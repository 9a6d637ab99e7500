/*
 * plotdata_int.h: what the three files of the figures' data writer share, internal to it
 * (formats: plotdata.h). plotdata_out.c implements the output helpers below; plotdata.c writes
 * the files drawn from the report's summary figures and plotdata_runs.c the files that stream
 * a run's rows of samples.csv or trace.csv, both through those helpers (plotdata.c also calls
 * plotdata_runs.c's writers). Nothing else includes this.
 */
#ifndef EXIFBENCH_PLOTDATA_INT_H
#define EXIFBENCH_PLOTDATA_INT_H

#include <limits.h>
#include <stddef.h>
#include <stdio.h>

struct report_scenario;
struct report_model;

/* One data file being written; path names it in errors. */
struct plotdata_out {
	FILE *f;
	char path[PATH_MAX];
};

/* Opens dir/NAME for writing, NAME printf-formatted from fmt. 0, or -1 with err. */
int plotdata_open(struct plotdata_out *o, const char *dir, char *err, size_t errlen,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Closes o; -1 with err when any write to it failed. */
int plotdata_close(struct plotdata_out *o, char *err, size_t errlen);

/* Writes sep then one cell to f: %.6g, or NaN for anything not finite. */
void plotdata_num(FILE *f, const char *sep, double v);

/*
 * Model m's rows of cputime-S.dat and latency-S.dat (from its best run's samples.csv and
 * trace.csv) to f: how many (0 with no best run), or -1 with err.
 */
long plotdata_cputime_rows(const struct report_scenario *s, const struct report_model *m,
    FILE *f, char *err, size_t errlen);
long plotdata_latency_rows(const struct report_scenario *s, const struct report_model *m,
    FILE *f, char *err, size_t errlen);

/* Writes gantt-S-M.dat for model m into dir; nothing when m has no run. 0, or -1 with err. */
int plotdata_gantt(const struct report_scenario *s, const struct report_model *m,
    const char *dir, char *err, size_t errlen);

/*
 * Model m's R0 and tightest bound other than latency (CPU, bandwidth; INFINITY when none), both
 * at its largest level: the figures the scaling plot's bound line and crossover use. 0, or -1
 * when m has no run or no R0 (plotdata_crossover.c).
 */
int plotdata_top_bound(const struct report_scenario *s, const struct report_model *m,
    double *r0, double *bound);

/* crossover-S.dat: the scaling figure's N* and crossover marks (plotdata_crossover.c). 0/-1. */
int plotdata_crossover(const struct report_scenario *s, const char *dir, char *err,
    size_t errlen);

/*
 * Writes rates-S.dat and rates-S.txt for a scenario with a rate sweep (plotdata_rates.c).
 * 0, or -1 with err.
 */
int plotdata_rates(const struct report_scenario *s, const char *dir, char *err,
    size_t errlen);

#endif
