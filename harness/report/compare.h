/*
 * compare.h: two sets of result folders side by side, for `exifbench compare A B`.
 * Scenarios are matched by name (the k-th of a name in A with the k-th in B, so a parent
 * folder holding a scenario twice still pairs in run order); runs by model, level, client
 * PU set (rs_run.tag) and offered rate (rs_run.rate: a rate sweep's runs pair rate by rate). Each side of a run is the mean of its repeats, with as its standard
 * error the spread of the repeats (sample sd / sqrt(reps)) when there are several, else the
 * run's own trace.ips_se (from its per-second completions; unknown under 5 s).
 *
 * The noise rule, for images/s: B - A is within noise when |B - A| <= 2 sqrt(seA^2 + seB^2).
 * When a side has no usable standard error (a run under 5 s), the change is within noise
 * when |change| is at most the threshold (percent; a change from 0 to more is beyond any).
 * A run without a rate (NaN) gets no verdict. `exifbench report`'s hardware section applies
 * the same rule with a 5% threshold.
 *
 * Parameters: the meta.json sections "scenario", "dataset", "machine" and "versions" are
 * compared key by key (objects recursively, arrays whole); each difference is one entry
 * {"key": "machine.os.release", "a": value or null, "b": value or null}.
 */
#ifndef EXIFBENCH_COMPARE_H
#define EXIFBENCH_COMPARE_H

#include <jansson.h>
#include <stddef.h>

#include "resultset.h"

/* Which rule decided, and its outcome. */
enum cmp_verdict {
	CMP_NONE,		/* a rate is missing: no verdict */
	CMP_SE_SAME,		/* within 2 standard errors */
	CMP_SE_CHANGED,
	CMP_PCT_SAME,		/* no standard error: at most the threshold */
	CMP_PCT_CHANGED,
};

/* One side of a run: means over its repeats (errors: their sum). reps 0: absent. */
struct cmp_side {
	unsigned reps;
	double ips, se;		/* images/s; se -1 when unknown */
	double p50_ms, p99_ms;	/* e2e */
	double errors;
};

struct cmp_row {
	char model[16];
	unsigned level;
	char tag[64];
	double rate;		/* an open-loop run's offered images/s (rs_run.rate), 0 closed */
	struct cmp_side a, b;
	double ips_pct, p50_pct, p99_pct;	/* compare_change of each; NaN unknown */
	double noise;		/* 2 sqrt(seA^2 + seB^2); -1 when the threshold rule applied */
	enum cmp_verdict verdict;
};

struct cmp_scenario {
	char name[64];
	const struct rs_scenario *a, *b;	/* NULL: only in the other */
	struct cmp_row *rows;
	size_t n_rows;
	json_t *diffs;		/* array of differences (above), owned; NULL unless both */
};

struct compare {
	double threshold_pct;
	struct cmp_scenario *sc;	/* A's scenarios in order, then those only in B */
	size_t n;
	size_t matched;			/* scenarios in both */
};

/*
 * a and b side by side into c (zeroed first); c points into a and b, which must outlive it.
 * 0, or -1 with err when out of memory.
 */
int compare_make(struct compare *c, const struct resultset *a, const struct resultset *b,
    double threshold_pct, char *err, size_t errlen);

/* Frees what compare_make allocated; c may be zeroed or NULL. */
void compare_free(struct compare *c);

/*
 * The change from a to b in percent: 100 (b - a) / a. 0 when both are 0; NaN when either is
 * NaN or infinite, or a is 0 and b is not.
 */
double compare_change(double a, double b);

/*
 * The noise rule (top of this file) on images/s of a and b; *noise gets 2 sqrt(seA^2 + seB^2),
 * or -1 when the threshold rule applied or there was no verdict.
 */
enum cmp_verdict compare_verdict(const struct cmp_side *a, const struct cmp_side *b,
    double threshold_pct, double *noise);

/*
 * The row's note into buf: "only in A", "only in B", "no rate", or "within noise" or
 * "changed" with the rule that decided ("(2 se = 3.21)", "(no se; threshold 5%)").
 */
void compare_note(const struct cmp_row *r, double threshold_pct, char *buf, size_t len);

/*
 * Appends to the array out one entry per key under prefix whose value differs between a and
 * b (either may be NULL: all of the other's keys differ). 0, or -1 out of memory.
 */
int compare_diff(json_t *out, const char *prefix, const json_t *a, const json_t *b);

/* c as one JSON object (its layout: `exifbench compare --help`); NULL out of memory. */
json_t *compare_json(const struct compare *c);

#endif
