/*
 * bench.h: what the files of `exifbench bench` share. cmd_bench.c reads the command line and
 * the scenario into a plan; bench_setup.c starts what the runs need (the local server through
 * harness/with-s3-local, the dataset, the binding, the result folder, the shaper) and stops
 * it (bench_finish); bench_run.c, above it, runs the plan, one measured process per run, and
 * records each run. Where the runs read and write is the plan's (plan.h: the scenario's
 * source or data_bucket, its out_bucket and out_prefix). bench_keys.c holds the flags that
 * set one scenario key each (--model, --levels, ...), with or without a scenario file.
 */
#ifndef EXIFBENCH_BENCH_H
#define EXIFBENCH_BENCH_H

#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <sys/types.h>

#include "harness/engine/plan.h"
#include "harness/results/results.h"
#include "models/core/s3.h"
#include "harness/engine/scenario.h"
#include "harness/engine/setup.h"
#include "harness/mpi/timeline.h"

#define BENCH_EXIT_STOPPED 130			/* 128 + SIGINT */

struct bench {
	struct scenario sc;
	const char *scenario_path, *results_root, *data_dir;
	int json, quiet, dry_run, progress;
	int no_report;			/* --no-report: skip the report at the end */
	int adhoc;			/* no scenario file: the command line's (--model) */
	const char *profile;		/* --profile: quick (default) or full */
	char exe[PATH_MAX], home[PATH_MAX];
	struct s3_config s3;
	pid_t server[16];
	size_t nserver, images;
	struct dsstats ds;		/* the dataset's figures (meta.json's dataset.stats) */
	char dir_name[DIRDATA_NAME_LEN + 1];	/* a folder dataset's index: dir-HASH */
	struct shaper shaper;
	struct results res;
	struct plan plan;
	size_t run_index;	/* the run in progress, from 1 */
	const struct plan_run *cur;
	json_t *meta, *rows;
	int any_failed, any_error;
};

/*
 * The key flags (bench_keys.c): --model (models), --levels (concurrency), --source, --stage,
 * --stage-cmd, --transform, --cpu-spin-ms, --images, --repeat, --workers, --latency-ms and
 * --name, each the scenario key of its name. Flag i's getopt code is BENCH_KEY_OPT + i.
 */
#define BENCH_NKEYS 12
#define BENCH_KEY_OPT 512
enum { BENCH_KEY_MODEL, BENCH_KEY_LEVELS };	/* the first two: only without a scenario */

/* Their getopt entries into opts[0..BENCH_NKEYS - 1], then the terminating zero entry. */
void bench_key_options(struct option *opts);

/* Flag i's name ("levels") and the name of the key it sets ("concurrency"). */
const char *bench_key_flag(size_t i);
const char *bench_key_name(size_t i);

/*
 * Sets flag i's key in sc from the flag's value (a list's commas as the key's spaces): 0, or
 * -1 after a one-line error on stderr naming the flag and saying what the key refused.
 */
int bench_key_set(struct scenario *sc, size_t i, const char *value);

/*
 * A bench under mpirun (bench/mpi_bench.c sets bench_clients before it calls cmd_bench on
 * rank 0; NULL otherwise): a run of C > 1 clients spreads over ranks 0..C-1, each on its
 * share (--shard R/C), rank 0's client measured by the runner as any run, the others started
 * beside it, all let go after one barrier; their traces then join rank 0's on one timeline
 * (timeline.h) and the run's row has the overlap's rate and every client's CPU.
 */
struct bench_clients {
	unsigned ranks;
	/*
	 * Before the run (argv: rank 0's client's command, --shard 0/C in it): the other
	 * clients start. *gate then is rank 0's client's end of its start gate. 0, or -1.
	 */
	int (*begin)(unsigned clients, char *const *argv, int *gate);
	/* The runner's started hook (arg unused): the barrier, then go. */
	void (*started)(void *arg);
	/*
	 * After the run (started or not): the other clients' traces joined to trace (rank 0's
	 * client's), in place; their CPU into *cpu_s; the window into w. 0, or -1 with err.
	 */
	int (*end)(const char *trace, double *cpu_s, struct timeline_window *w, char *err,
	    size_t errlen);
};
extern const struct bench_clients *bench_clients;

/* Set by the SIGINT and SIGTERM handler that bench_setup installs. */
extern volatile sig_atomic_t bench_interrupted;

/*
 * Everything before the first run. -1 to go on; else the exit code to return (a set-up
 * error, or, with AWS_ENDPOINT_URL unset, only when running under harness/with-s3-local
 * failed: that path replaces the process).
 */
int bench_setup(struct bench *b, int argc, char **argv);

/* Runs the plan, writes the result folder's last state, and returns the exit code. */
int bench_run(struct bench *b);

/* Stops the shaper, unbinds the server, writes the final meta.json with status and error. */
void bench_finish(struct bench *b, const char *status, const char *error);

#endif
