/*
 * runner.h: one model run as a measured child process. The runner forks and execs the run
 * command (an `exifbench run ... --json --trace FILE`) bound to the client's PUs, in a process
 * group of its own, with its stdout (the summary) on a pipe and its stderr in a log file; it
 * samples the model, the S3 server and the shaper at a fixed rate while the run goes, takes a
 * last sample once the child has exited but before it is reaped (so the child's final CPU
 * time is in it), then reaps it with wait4 for its rusage, which settles the model group's
 * CPU to the nanosecond counters' total (sampler_settle: what the forked descendants used after
 * their last tick).
 *
 * On an interrupt (the caller's signal handler sets *interrupt), the runner sends the child one
 * SIGINT: the run stops taking keys, finishes those in flight and prints its summary. Should
 * the harness die (a second Ctrl-C), the kernel sends the child SIGTERM (PR_SET_PDEATHSIG),
 * which ends it the same way: no run outlives its harness.
 */
#ifndef EXIFBENCH_RUNNER_H
#define EXIFBENCH_RUNNER_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "harness/sampler/sampler.h"

/*
 * The run's progress: the runner passes the child the write end of a pipe, non-blocking, its
 * number in this environment variable; the child writes "DONE FAILED\n" lines (the images
 * finished and failed so far) now and then, and once more at its end. The runner reads the
 * last line at each sample.
 */
#define RUNNER_STATUS_ENV "EXIFBENCH_STATUS_FD"

/* Called once per sample with the images the run has finished so far. */
typedef void (*runner_progress_fn)(size_t done, double elapsed_s, void *arg);

struct runner_spec {
	char *const *argv;		/* argv[0]: the exifbench binary */
	const char *endpoint;		/* AWS_ENDPOINT_URL for the child; NULL: inherited */
	const char *cpus;		/* the client's PU list; "" or NULL: unbound */
	const char *log_path;		/* the child's stderr goes here */
	double hz;			/* samples per second */
	const pid_t *server;		/* the S3 server's processes (may be none) */
	size_t nserver;
	pid_t shaper;			/* 0: none */
	FILE *samples;			/* samples.csv, or NULL */
	const char *label;		/* samples.csv's label cells for this run */
	runner_progress_fn progress;	/* NULL: none */
	void *arg;
	volatile sig_atomic_t *interrupt;
	/*
	 * A start gate (gate.h), or none: *gate is the child's end of it, kept across the exec
	 * and named in RUN_GATE_ENV; started(arg) is called once the child runs, before the
	 * first sample (the caller holds the barrier and says go there).
	 */
	const int *gate;
	void (*started)(void *arg);
	/*
	 * NULL, or called with the child's pid while the child waits before its exec, which it
	 * makes once this returns (a profiler attached here sees the run's whole process).
	 */
	void (*before_exec)(pid_t pid, void *arg);
};

struct runner_result {
	int exit_code;			/* the child's exit status; 128 + N if killed by N */
	struct rusage ru;		/* the child's, its reaped children's included */
	char summary[4096];		/* the last line the child printed on stdout */
	struct sampler_totals group[SAMPLER_NGROUPS];
	struct sampler_system sys;
	double sampler_cost_s;		/* CPU the samples took */
	struct waits_totals waits;	/* the model group's wait profile (sampler_waits) */
	unsigned ticks;
	double wall_s;			/* from exec to exit */
	int interrupted;		/* the runner passed an interrupt on */
};

/*
 * Runs spec to its end. 0; 1 when *spec->interrupt was already set (nothing started); -1 when
 * the child could not be started (err says why).
 */
int runner_run(const struct runner_spec *spec, struct runner_result *res, char *err,
    size_t errlen);

#endif
