/*
 * bench_profile.h: the CPU profile of bench's runs (the scenario key cpu_profile = on,
 * `bench --cpu-profile`), the glue between bench_run.c and harness/profile/. Before a run,
 * bench_profile_arm gives the runner a before_exec hook (harness/engine/runner.h): while the
 * run's process waits before its exec, the hook starts perf on it (profile.h), so perf sees
 * every thread and process the run starts and all its keys. After the run,
 * bench_profile_done stops perf, writes the run's profile files and its profile.csv rows, and
 * prints a line saying where they are, or in one line why perf did not record. Runs of
 * several clients are not profiled (their row says so). One run at a time: the state between
 * the two calls is this file's.
 */
#ifndef EXIFBENCH_BENCH_PROFILE_H
#define EXIFBENCH_BENCH_PROFILE_H

#include "bench.h"
#include "harness/engine/runner.h"

/* Arms the profile of run pr (a no-op unless the scenario asks for one): spec's hook. */
void bench_profile_arm(struct bench *b, const struct plan_run *pr, struct runner_spec *spec);

/* After run pr (label its label cells): its profile into the result folder. */
void bench_profile_done(struct bench *b, const struct plan_run *pr, const char *label,
    const struct runner_result *rr);

#endif
