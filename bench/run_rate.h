/*
 * run_rate.h: `exifbench run`'s open-loop options (--rate, --arrivals, --max-backlog,
 * --seed): their parsing and checks, their --help lines, and what the summary says of the
 * schedule afterwards (how far behind it fell, whether the rate was sustained). The schedule
 * itself is models/core/arrivals.h; the pacing of the keys is the run's (models/run.h).
 */
#ifndef EXIFBENCH_RUN_RATE_H
#define EXIFBENCH_RUN_RATE_H

#include <jansson.h>
#include <stdint.h>

#include "models/run.h"

struct run_rate {
	enum arrivals_kind kind;	/* ARRIVALS_CLOSED without --rate */
	double rate;		/* --rate: images/s, 0 closed-loop */
	uint64_t seed;		/* --seed (poisson), default 1 */
	uint64_t max_backlog;	/* --max-backlog, or the default once checked */
	int arrivals_set, backlog_set, seed_set;
};

/* The options' long names, for run_opts.c's table; their values start at RUN_RATE_OPT. */
#define RUN_RATE_OPT 512
#define RUN_RATE_LONGOPTS                                         \
	{ "rate", required_argument, NULL, RUN_RATE_OPT },        \
	{ "arrivals", required_argument, NULL, RUN_RATE_OPT + 1 }, \
	{ "max-backlog", required_argument, NULL, RUN_RATE_OPT + 2 }, \
	{ "seed", required_argument, NULL, RUN_RATE_OPT + 3 }

/* The --help lines of the four options. */
#define RUN_RATE_HELP \
    "      --rate R            open loop: release R images/s on a schedule (R up to\n" \
    "                          1000000), whatever the replies do, and time each image\n" \
    "                          from when it was due (no coordinated omission); a key due\n" \
    "                          while every slot is busy waits for one (its wait is traced)\n" \
    "      --arrivals KIND     the schedule: constant (default: every 1/R s) or poisson\n" \
    "                          (exponential gaps of mean 1/R)\n" \
    "      --max-backlog N     give the rate up when more than N keys are due and not\n" \
    "                          started (default: one second of arrivals, R, at least 16):\n" \
    "                          the run stops there, says how far behind it fell, exit 4\n" \
    "      --seed S            the poisson schedule's seed (default 1)\n"

/* Exit code of a run that gave its rate up. */
#define EXIT_UNSUSTAINED 4

/* Option ch (RUN_RATE_OPT..+3) with arg into rr: -1 to go on, else EXIT_USAGE (said why). */
int run_rate_opt(struct run_rate *rr, int ch, const char *arg);

/* The default backlog bound: the arrivals of this many seconds (at least 16 images). */
#define RUN_RATE_BEHIND_S 1.0

/*
 * After every option: --arrivals, --max-backlog or --seed without --rate is an error; the
 * default backlog bound. -1 to go on, else EXIT_USAGE.
 */
int run_rate_check(struct run_rate *rr);

/* Paces r by rr (nothing when closed-loop). */
void run_rate_apply(const struct run_rate *rr, struct run *r);

/* The --json summary's open-loop fields into o (see docs: arrivals, offered_per_s, ...). */
void run_rate_json(const struct run_rate *rr, const struct run_totals *t, json_t *o);

/*
 * The human summary's line of the schedule on stdout ("rate 20/s constant: sustained, at
 * most 3.1 ms behind" or "rate 400/s not sustained: ..."); nothing when closed-loop.
 */
void run_rate_print(const struct run_rate *rr, const struct run_totals *t);

#endif
