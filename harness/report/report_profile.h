/*
 * report_profile.h: what the report's CPU profile section (report_profile.c) reads, from
 * report_profile_rows.c. Internal to the report.
 */
#ifndef EXIFBENCH_REPORT_PROFILE_H
#define EXIFBENCH_REPORT_PROFILE_H

#include "report_out.h"
#include "harness/profile/frame.h"

/* One row of profile.csv (harness/profile/profile_cols.h); numbers NaN when blank. */
struct prow {
	char model[16], cpus[64], file[128], kind[16], name[FRAME_NAME_MAX], lib[32];
	char note[512];
	unsigned level, rep;
	double self_pct, incl_pct, samples, perf_cpu_s, model_cpu_s;
};

/* The folder's profile.csv into *rows (malloc'd, the caller frees): how many; 0 when none. */
size_t profile_rows_load(const struct rs_scenario *s, struct prow **rows);

/* The summary row of the profiled run p (its model, level, rep and PU set), or NULL. */
const struct rs_run *profile_rows_run(const struct rs_scenario *s, const struct prow *p);

/*
 * The mean throughput of the report's unprofiled runs (folders with no profile.csv) of p's
 * scenario (by name), model, level and PU set, their client CPU per image in *cpu_ms (NaN
 * unknown); -1 when there are none.
 */
double profile_rows_without(const struct report *rep, const struct report_scenario *s,
    const struct prow *p, double *cpu_ms);

#endif
