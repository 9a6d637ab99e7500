/*
 * run_results.h: `exifbench run --results DIR`: the run written as a one-run result folder in
 * the format `exifbench bench` writes (harness/results/results.h), so that `exifbench report
 * DIR` and `exifbench compare DIR1 DIR2` read it: meta.json, summary.csv (one row), trace.csv
 * (the run's rows behind its labels), samples.csv (its header only: a plain run has no
 * sampler) and logs/. The scenario of its meta.json is the run's options as scenario keys,
 * named "run", so two such folders pair in `compare`; "command": "run" and "run" (the command
 * line, model, concurrency, source, destination) say what made it; "latency" the latency it
 * added (none) and the endpoint's round trip measured before the run (harness/engine/probe.h,
 * into an S3 destination only); "not_recorded" lists what the folder lacks for want of a
 * sampler.
 */
#ifndef EXIFBENCH_RUN_RESULTS_H
#define EXIFBENCH_RUN_RESULTS_H

#include <jansson.h>
#include <limits.h>

#include "run_opts.h"
#include "harness/results/results.h"

struct run_folder {
	struct results res;
	json_t *meta;
	char trace[PATH_MAX + 32];	/* the run's own trace: DIR/logs/run.trace.csv */
	int own_trace;			/* 1: trace is ours (no --trace), removed once copied */
};

/*
 * Creates the folder a->results_dir (a new or empty one) with its CSV headers and a meta.json
 * of status "running" recording argv (no credential is ever on it; a NAME=VALUE argument whose
 * NAME says secret, token, password or an access or API key has its value masked); points a->trace_path at
 * f->trace unless --trace gave one. Measures the endpoint's round trip first (a probe that
 * fails is recorded, not fatal). 0, or -1 with err naming the folder.
 */
int run_folder_open(struct run_folder *f, struct run_args *a, int argc, char **argv,
    char *err, size_t errlen);

/*
 * After the run (its trace closed): its summary row from the trace, and the final meta.json:
 * "complete" for exit 0 or 1, "partial" for 130 (stopped), else "failed" with error. wall_s
 * is the run's own; t its counts (NULL when the model never ran), whose circuit breaker's
 * figures go in as "breaker" (run_breaker_json). 0, or -1 with err; f is released either way.
 */
int run_folder_close(struct run_folder *f, const struct run_args *a, int exit_code,
    double wall_s, const struct run_totals *t, const char *error, char *err, size_t errlen);

/*
 * What the run's circuit breaker did, for the summary and meta.json: {"window_s" (0: there
 * was none), "opened" (times), "open_s" (in all), "gave_up" (a window ended with no answer),
 * "retried" (keys run again after it closed), "endpoint_down" (keys failed when it gave
 * up)}. A new reference, NULL when out of memory.
 */
json_t *run_breaker_json(const struct run_totals *t);

#endif
