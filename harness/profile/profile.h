/*
 * profile.h: the CPU profile of one model run, in its result folder. profile_start puts
 * `perf record` on the run's process (perfrec.h), best while it waits before its exec (so perf
 * follows every thread and process it starts); profile_finish, after the run has ended, stops perf, folds its stacks (fold.h)
 * into profiles/FILE.folded, draws profiles/FILE.svg (flame.h), appends the run's rows to
 * profile.csv (profile_cols.h: its top functions and libraries, top.h; perf's CPU against the
 * run's) and deletes perf's record, which is large. When perf could not record, the run goes
 * on and its one row says why.
 */
#ifndef EXIFBENCH_PROFILE_H
#define EXIFBENCH_PROFILE_H

#include <limits.h>
#include <stdio.h>
#include <sys/types.h>

#include "perfrec.h"

struct profile_run {
	struct perfrec *rec;		/* NULL: not recording */
	char data[PATH_MAX + 64], log[PATH_MAX + 64];
	char why[512];			/* why perf could not record; "" when it could */
	double perf_cpu_s;		/* perf record's CPU (user + system) */
};

/* Writes profile.csv's header (the run's label columns first) to csv. */
void profile_csv_header(FILE *csv, const char *label_header);

/*
 * Starts perf on the run pid; its record goes in DIR/profiles/FILE.perf.data, its messages
 * in DIR/logs/FILE.perf.log: 0, or -1 with p->why set (the run goes on unprofiled).
 */
int profile_start(struct profile_run *p, pid_t pid, const char *dir, const char *file);

/*
 * After the run (model_cpu_s its measured CPU): the profile's files and profile.csv's rows
 * (label: the run's label cells) as above, title atop the flame graph. 0; -1 with p->why set
 * when there is no profile (its run row still written).
 */
int profile_finish(struct profile_run *p, const char *dir, const char *file,
    const char *label, const char *title, double model_cpu_s, FILE *csv);

#endif
