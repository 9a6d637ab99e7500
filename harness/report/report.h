/*
 * report.h: what `exifbench report` computes from result folders before it writes anything:
 * per scenario, each model's runs in level order, its best run, the bounds and efficiency of
 * every run, a USL fit and the recommended concurrency per model, and the scenario's
 * verdict. report_md.c writes it as report.md and report.json, plotdata.c as the figures'
 * data. Everything here is derived from the folders; nothing is assumed.
 *
 * Runs of a scenario with several client PU sets (hardware-scaling) are split by set: the
 * models' level sweeps, fits and verdict use the set with the most PUs (the `main` set);
 * the hardware section compares the sets.
 */
#ifndef EXIFBENCH_REPORT_H
#define EXIFBENCH_REPORT_H

#include <limits.h>
#include <stddef.h>

#include <jansson.h>

#include "analysis.h"
#include "resultset.h"
#include "usl.h"

#define REPORT_MAX_MODELS 8
#define REPORT_MAX_LEVELS 64

struct report_model {
	char name[16];
	int mi;				/* 1 + its index in the model table (the colour) */
	const struct rs_run *runs[REPORT_MAX_LEVELS];	/* main set, level order, first rep */
	size_t n_runs;
	const struct rs_run *best;	/* the highest images/s among runs */
	struct usl usl;
	int usl_ok;			/* the fit succeeded */
	char usl_why[160];		/* when not: why (one level only, gnuplot error) */
	unsigned recommended;		/* usl_recommend(0.95, largest level), or the best level */
};

struct report_scenario {
	const struct rs_scenario *rs;
	char label[80];			/* the scenario's name; NAME-2, NAME-3... for a name seen
					   before in the same report: names the figures and files */
	char main_tag[64];		/* the main client PU set's label */
	unsigned main_pus;
	unsigned main_clients;		/* the fewest clients of its runs: the concurrency
					   analysis takes those (1, but in a merged mpirun run) */
	unsigned n_clients;		/* client counts among its runs (2+: a clients sweep) */
	unsigned n_rates;		/* offered rates among its runs (1+: a rate sweep, open
					   loop: rates.h, report_rates.c) */
	struct report_model models[REPORT_MAX_MODELS];
	size_t n_models;
	const struct rs_run *seq;	/* sequential (or the first level 1 run) in the main set */
	double r0_s;			/* its mean end-to-end time per image; -1 unknown */
	struct bound *bounds;		/* one per rs->runs[i] */
	struct bound_in *bound_in;	/* their inputs, one per run */
	struct verdict verdict;
	enum usl_weight usl_weight;	/* how its models' USL fits were weighed */
	const char *usl_weight_from;	/* why: "the default", "its usl_fit key", "--usl-fit" */
	int n_tags;			/* distinct client PU sets */
	json_t *dataset;		/* its figures (rs_dataset.h), owned; NULL unknown */
};

struct report {
	struct resultset rs;
	struct report_scenario *sc;
	size_t n;
	char dir[PATH_MAX];		/* the folder given */
	char home[PATH_MAX];		/* the source tree (holding plots/) */
};

/*
 * Loads dir (resultset_load) and computes everything above; home is the folder holding
 * plots/ (the fit runs plots/usl-fit.gp). usl_fit is the fits' weighting (an enum usl_weight)
 * for every scenario, or -1 for each scenario's own usl_fit key (relative when its meta.json
 * has none). A model whose fit fails keeps usl_ok 0 and the reason; that is not an error.
 * 0, or -1 with err (a usl_fit key that is neither relative nor ols is one, naming the folder).
 */
int report_build(struct report *rep, const char *dir, const char *home, int usl_fit,
    char *err, size_t errlen);

/* Frees what report_build allocated; rep may be zeroed. */
void report_free(struct report *rep);

/*
 * The estimate of run r's setting in s: its repeats' images/s (analysis_estimate: the mean,
 * the standard error, the 95% interval), the one run's own spread when it has no repeat.
 * report_ips: that mean (r's own rate when no repeat has one; NaN for NULL r): the rate a
 * figure or a plan built on r uses.
 */
void report_estimate(const struct report_scenario *s, const struct rs_run *r,
    struct estimate *e);
double report_ips(const struct report_scenario *s, const struct rs_run *r);

/* 1 when some model of s has a best run with a wait profile (report_waits.c), else 0. */
int report_has_waits(const struct report_scenario *s);

/* The bound_in of run r of scenario s, as report_build derives it (see analysis.h). */
void report_bound_in(const struct report_scenario *s, const struct rs_run *r,
    struct bound_in *in);

/* Index of run r in s->rs->runs (for s->bounds). */
size_t report_run_index(const struct report_scenario *s, const struct rs_run *r);

/*
 * Writes dir/report.md and dir/report.json (figures referenced as plots/NAME.png; plots
 * is 0 when they were not drawn, and the report says so). 0, or -1 with err naming the file.
 */
int report_write(const struct report *rep, const char *dir, int plots, char *err,
    size_t errlen);

/*
 * Writes dir/report.html from dir/report.md (as report_write left it): one self-contained
 * page, the same sections and tables, each figure shown as plots/NAME.png put inline from
 * plots/NAME.svg (report_html.c). 0, or -1 with err naming the file.
 */
int report_html(const char *dir, char *err, size_t errlen);

/*
 * The whole report of dir: report_build (usl_fit as there), then (when draw) the figures'
 * data into dir/plots/data/ and every figure through gnuplot into dir/plots/, then
 * report_write and report_html.
 * progress, when not NULL, gets a line per step. 0; 1 when the report was written but some
 * figures failed (err says which, the report says so); -1 with err when dir could not be read
 * as results (a bad folder: the caller's input); -2 with err when the report could not be
 * written.
 */
int report_make(const char *dir, const char *home, int draw, int usl_fit, FILE *progress,
    char *err, size_t errlen);

#endif
