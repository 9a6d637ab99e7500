/*
 * bench_profile.h: the CPU profile of bench's runs (the scenario key cpu_profile = on,
 * `bench --cpu-profile`), the glue between bench_run.c and harness/profile/. Before a run,
 * bench_profile_arm gives the run a start gate (harness/engine/gate.h) and the runner a
 * started hook: once the run has set up and says ready, the hook starts perf on it
 * (profile.h) and only then lets it go, so perf sees every thread and process it starts and
 * all its keys. After the run, bench_profile_done stops perf and writes the run's profile
 * files and its profile.csv rows, and prints a line saying where they are, or in one line
 * why perf did not record. Runs of several clients are not profiled (their row says so).
 * One run at a time: the state between the two calls is this file's.
 */
#ifndef EXIFBENCH_BENCH_PROFILE_H
#define EXIFBENCH_BENCH_PROFILE_H

#include "bench.h"
#include "harness/engine/runner.h"

/*
 * Arms the profile of run pr (a no-op unless the scenario asks for one): spec's gate (in
 * *gate, the run's end, which the caller closes after the run), started hook and child.
 */
void bench_profile_arm(struct bench *b, const struct plan_run *pr, struct runner_spec *spec,
    int *gate);

/* After run pr (label its label cells): its profile into the result folder. */
void bench_profile_done(struct bench *b, const struct plan_run *pr, const char *label,
    const struct runner_result *rr);

#endif
