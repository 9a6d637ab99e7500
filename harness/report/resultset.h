/*
 * resultset.h: result folders read back, for `exifbench report` and `exifbench compare`. A
 * folder written by `exifbench bench` (it holds meta.json) is one scenario; any other folder
 * is searched one level down for such folders, so the parent of several benches (what
 * `make bench` writes) reads as all of them, in name order (their names start with the UTC
 * time, so that is the order they ran in).
 *
 * Each summary.csv row becomes a run; its numbers are found by column name, so folders
 * written before a column existed still read (the column is NaN). The trace adds, per run,
 * the mean time and on-CPU time of each stage and the spread of the per-second throughput.
 * Memory: the summary rows and per-run figures; the trace and the samples are streamed.
 */
#ifndef EXIFBENCH_RESULTSET_H
#define EXIFBENCH_RESULTSET_H

#include <jansson.h>
#include <limits.h>
#include <stddef.h>

#include "harness/results/summary_cols.h"
#include "rs_rows.h"		/* rows by column name: rs_cell, rs_num, rs_each */

/* summary.csv's columns, by name: r->v[RS_images_per_s] (NaN when blank, absent or a string). */
#define RS_COL(name, kind, expr) RS_##name,
enum rs_col { SUMMARY_COLUMNS(RS_COL) RS_NCOL };
#undef RS_COL

/* From the run's trace rows (all of them, ok images only for times); -1 when unknown. */
struct rs_trace {
	size_t rows;			/* images in the trace */
	double stage_ms[3];		/* mean wall time of GET, process, PUT */
	double stage_cpu_ms[3];		/* mean on-CPU time of each (blank for async's I/O) */
	double e2e_ms;			/* mean end to end of the steady images: those
					   tracestats_cut keeps, and never the first to finish
					   (the cold one that opened the connection); -1 when
					   the run had too few images to trim (short) */
	int short_run;			/* fewer than 20 images: no warm-up could be cut */
	double bytes_per_image;		/* mean bytes in + out */
	double bytes_in, bytes_out;	/* mean bytes downloaded, uploaded */
	double ips_se;			/* standard error of images/s from the per-second counts
					   of the whole seconds inside the run's steady window
					   (tracestats.h's trim rule, the scenario's trim); -1
					   when fewer than 3 */
};

struct rs_run {
	char model[16];
	unsigned level, workers, client_pus, rep;
	unsigned clients;		/* client hosts (summary.csv's clients; 1 when absent) */
	double rate;			/* offered images/s of an open-loop run (offered_per_s);
					   0 closed loop, and in a folder from before rates */
	char client_cpus[64];		/* as in summary.csv ("all", "0", "0-1") */
	char tag[64];			/* the label in trace.csv and samples.csv ("0,2" -> "0+2") */
	char status[16];
	char wait_top[24];		/* model_wait_top ("epoll_wait"); "" when none */
	char wait_top_class[16];	/* model_wait_top_class ("network"); "" when none */
	double v[RS_NCOL];
	struct rs_trace tr;
};

struct rs_scenario {
	char dir[PATH_MAX];
	char name[64];			/* the scenario's name (meta.json) */
	json_t *meta;			/* meta.json, owned */
	struct rs_run *runs;
	size_t n_runs;
};

struct resultset {
	struct rs_scenario *sc;
	size_t n;
};

/*
 * Reads dir (see the top of this file) into rs (zeroed first). 0, or -1 with err naming the
 * file (and line) at fault: no result folder found, a meta.json that does not parse, a
 * summary.csv or trace.csv that cannot be read. A missing trace.csv is not an error (the
 * trace figures stay -1).
 */
int resultset_load(struct resultset *rs, const char *dir, char *err, size_t errlen);

/* Frees what resultset_load allocated; rs may be zeroed or NULL. */
void resultset_free(struct resultset *rs);

/* The meta.json value at a dotted path ("server.shared_with_client"), borrowed; or NULL. */
json_t *rs_meta(const struct rs_scenario *s, const char *path);
/* The scenario meta's number at a dotted path ("scenario.latency_ms"), or NaN. */
double rs_meta_num(const struct rs_scenario *s, const char *path);
/* The meta's string at a dotted path, or "" (never NULL). */
const char *rs_meta_str(const struct rs_scenario *s, const char *path);

/*
 * A run of s by model, level and tag (NULL tag: any); the first repeat (and, in a sweep of
 * the client count, the fewest clients; in a rate sweep, the lowest rate: the plan runs them
 * first). NULL if none.
 */
const struct rs_run *rs_find(const struct rs_scenario *s, const char *model, unsigned level,
    const char *tag);

/* As rs_find, but repeat rep only (the fewest clients, the lowest rate); NULL if none. */
const struct rs_run *rs_find_rep(const struct rs_scenario *s, const char *model,
    unsigned level, const char *tag, unsigned rep);

/*
 * The repeats of r's setting in s (same model, level, client PU set, clients and offered
 * rate; r among them): up to max of their images/s into x, and their count (all of them,
 * even past max).
 */
size_t rs_reps(const struct rs_scenario *s, const struct rs_run *r, double *x, size_t max);

/* As rs_reps, but column col of each repeat (NaN where the cell was blank). */
size_t rs_reps_col(const struct rs_scenario *s, const struct rs_run *r, enum rs_col col,
    double *x, size_t max);

#endif
