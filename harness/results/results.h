/*
 * results.h: the result folder of one `exifbench bench`: results/<UTC time>-<scenario>/ with
 *   meta.json     the scenario, machine, versions, endpoint, shaper, the latency asked and
 *                 added with the endpoint's measured round trip ("latency": netmeta.h), and
 *                 a "status" that is "running" from the folder's first moment (with
 *                 "runs_done" saved after each run), then "complete", "partial" (Ctrl-C, or a run that could not start) or
 *                 "failed": a folder is never half-written without saying so;
 *   summary.csv   a row per model, level and repeat (columns: summary_cols.h);
 *   samples.csv   the sampler's time series (columns: samples_cols.h);
 *   trace.csv     one row per image of every run, its labels, then trace_cols.h's columns;
 *   waits.csv     the wait profile's raw counts: per run, a row per (thread kind, system call,
 *                 wait channel) its blocked threads were seen in (waitscsv.c);
 *   logs/         each run's stderr.
 * `exifbench run --results DIR` writes the same files for its one run into DIR (no samples:
 * a plain run has no sampler; its meta.json says what is not recorded).
 */
#ifndef EXIFBENCH_RESULTS_H
#define EXIFBENCH_RESULTS_H

#include <jansson.h>
#include <limits.h>
#include <stdio.h>

#include "harness/engine/runner.h"
#include "tracestats.h"

struct results {
	char dir[PATH_MAX];
	FILE *summary, *samples, *trace, *waits;
	int trace_header;	/* trace.csv has its header (tracestats_read sets it) */
};

/* One measured run: what summary.csv's row is made of. */
struct result_row {
	const char *model;
	unsigned level, workers, rep;
	unsigned clients;		/* client hosts the run spread over (0 is taken as 1) */
	const char *client_cpus;	/* "" when unbound */
	unsigned client_pus;		/* PUs in client_cpus (the machine's when unbound) */
	unsigned in_flight;		/* requests in flight (model_in_flight) */
	unsigned cpu_threads;		/* threads that can run the CPU stage (model_cpu_threads) */
	const char *status;		/* ok, failed_keys, unsustained, stopped, error */
	int exit_code;
	/* open loop (run --rate, its --json summary); a zeroed row is a closed-loop run */
	const char *arrivals;		/* "constant", "poisson"; NULL: "closed" */
	double offered_per_s;		/* the rate offered; <= 0: closed loop */
	int unsustained;		/* the run gave up the rate (exit 4) */
	double behind_ms;		/* the most a key started after it was due */
	double behind_end_ms;		/* how late the last key started */
	double backlog_max;		/* the most keys due and not started */
	double wall_s;			/* the run's own, from its summary */
	double littles_ips;		/* level / mean GET + PUT time: the latency bound */
	const struct tracestats *ts;
	const struct runner_result *rr;
};

/*
 * Creates root and its parents (if missing) and root/<YYYYMMDDTHHMMSSZ>-<name>/ (when a bench of that name
 * began in the same second, it waits for the next one) with its CSV headers and a meta.json
 * of status "running". 0, or -1 with err naming the path.
 */
int results_open(struct results *r, const char *root, const char *name, char *err,
    size_t errlen);

/*
 * The same folder's files in dir itself, which must not exist or be empty (a one-run folder of
 * `exifbench run --results DIR`): created if missing. 0, or -1 with err naming dir.
 */
int results_open_dir(struct results *r, const char *dir, char *err, size_t errlen);

/* 0 when dir does not exist or is an empty folder, else -1 with err naming it and why. */
int results_empty_dir(const char *dir, char *err, size_t errlen);

/* Writes meta (not consumed) as DIR/meta.json, atomically (a temporary file, then rename). */
int results_meta(struct results *r, json_t *meta, char *err, size_t errlen);

/* Appends the summary row of one run. */
void results_row(struct results *r, const struct result_row *row);

/*
 * The label cells of a run into buf, for samples.csv and trace.csv (cpus_tag: plan.h;
 * clients: its client hosts, 1 but under mpirun; rate: the offered images/s of an open-loop
 * run, %.10g, 0 closed loop). A folder written before the clients or rate cell existed
 * lacks it: its readers take 1 client, rate 0.
 */
const char *results_label(char *buf, size_t len, const char *model, unsigned level,
    const char *cpus_tag, unsigned rep, unsigned clients, double rate);
#define RESULTS_LABEL_HEADER "model,level,client_cpus,rep,clients,rate"

/*
 * waits.csv (waitscsv.c): its header, and a run's rows under its label cells (results_label):
 * thread (model, helper, or any for the unlisted count), class, syscall (a name, or
 * syscall_<nr>; "none" for -1), syscall_nr, wchan ("" when none), samples. Nothing for a run
 * without samples.
 */
void results_waits_header(FILE *f);
void results_waits(struct results *r, const char *label, const struct waits_totals *t);

/* Flushes and closes the CSV files: 0, or -1 if a write failed. */
int results_close(struct results *r);

#endif
