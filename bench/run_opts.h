/*
 * run_opts.h: the command line of `exifbench run`: its options parsed into a model, its
 * options and a pipeline (with the S3 settings of the environment), checked against what the
 * model takes; and its --help text. The command itself is cmd_run.c.
 */
#ifndef EXIFBENCH_RUN_OPTS_H
#define EXIFBENCH_RUN_OPTS_H

#include "models/model.h"
#include "models/core/shard.h"
#include "run_rate.h"

struct run_args {
	const struct model *model;
	struct pipeline p;
	struct model_opts opts;
	unsigned long limit;	/* --limit: 0, or the keys to run at most */
	double duration_s;	/* --duration: 0, or the wall time after which no key starts */
	double breaker_window_s;/* --breaker-window: the probe window; 0: no circuit breaker */
	struct run_rate rate;	/* --rate and its options: the open-loop schedule */
	int json, quiet;
	const char *trace_path;	/* --trace, or NULL */
	const char *keys_path;	/* --keys, or NULL */
	long stage_timeout_ms;	/* --stage-timeout-ms, also in p.stage once --stage is read */
	const char *stage_text;	/* --stage or --stage-cmd as given, or NULL */
	const char *results_dir;/* --results: the one-run result folder to write, or NULL */
	struct shard shard;	/* --shard: this run's share of the keys (count 1: all) */
	const char *shard_text;	/* --shard as given, or NULL */
};

/*
 * Parses argv (argv[0] is "run") into a, which starts zeroed. Returns -1 to go on, else the
 * exit code to return now: 0 after --help, EXIT_USAGE or EXIT_SETUP after a one-line error
 * on stderr.
 */
int run_args_parse(struct run_args *a, int argc, char **argv);

/* The usage text, printed after a bad option. */
extern const char run_usage[];

#endif
