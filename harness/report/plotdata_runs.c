/*
 * plotdata_runs.c: the figures' data files that stream a run's rows (formats: plotdata.h),
 * each file read once: cputime-S.dat from samples.csv, latency-S.dat and the gantt-S-M.dat
 * timelines from trace.csv. The timeline keeps only the 40 earliest images in a bounded
 * sorted array while the trace streams by; the latency CDF holds one run's finish and e2e
 * times, and draws the images the run's percentiles are of (tracestats.h: ordered by finish,
 * the scenario's trim cut at each end, the ok ones), so its p99 is the summary's and the cold
 * first image is not its tail.
 */
#include "plotdata_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/results/samples_cols.h"
#include "harness/results/trace_cols.h"
#include "harness/results/tracestats.h"
#include "harness/sampler/sampler.h"
#include "report.h"

#define GANTT_IMAGES 40
#define GANTT_LEVEL 8
#define CDF_ROWS 200

/* One image's stage times, microseconds since the run's start, -1 when it did not happen. */
struct img {
	double t[6];	/* GET start, end, process start, end, PUT start, end */
};

struct gantt {
	struct img im[GANTT_IMAGES];	/* the earliest by GET start, in that order */
	size_t n;
};

struct e2e {
	double *v;	/* pairs: finish (us), e2e (ms; -1 when the image failed) */
	size_t n, cap;	/* in pairs */
	int oom;
};

struct sample_ctx {
	FILE *f;
	int mi;
	size_t rows;
};

static void gantt_keep(struct gantt *g, const struct img *x);
static size_t gantt_lanes(const struct img *im, size_t n, int *lane, int *nth);
static size_t cdf_pick(size_t n, size_t max, size_t *idx);
static int cmp_double(const void *a, const void *b);
static int sample_row(const struct rs_row *row, void *arg);
static int gantt_row(const struct rs_row *row, void *arg);
static int e2e_row(const struct rs_row *row, void *arg);

/* Inserts x into the sorted bounded array if it starts before the latest kept (ties: later). */
static void
gantt_keep(struct gantt *g, const struct img *x)
{
	size_t i;

	if (g->n == GANTT_IMAGES && x->t[0] >= g->im[GANTT_IMAGES - 1].t[0])
		return;
	i = g->n < GANTT_IMAGES ? g->n++ : GANTT_IMAGES - 1;
	for (; i > 0 && g->im[i - 1].t[0] > x->t[0]; i--)
		g->im[i] = g->im[i - 1];
	g->im[i] = *x;
}

/*
 * Lanes (1-based) for images sorted by start: each takes the lowest lane whose last image
 * had finished when it started; nth[i] is image i's place in its lane (0, 1, ...: the figure
 * pales the odd ones, so neighbours in a lane differ). Returns the lane count (the peak in
 * flight).
 */
static size_t
gantt_lanes(const struct img *im, size_t n, int *lane, int *nth)
{
	double free_at[GANTT_IMAGES], end;
	int count[GANTT_IMAGES];
	size_t i, l, lanes = 0;
	int k;

	for (i = 0; i < n && i < GANTT_IMAGES; i++) {
		for (end = im[i].t[0], k = 1; k < 6; k += 2)
			end = fmax(end, im[i].t[k]);
		for (l = 0; l < lanes && free_at[l] > im[i].t[0]; l++)
			;
		if (l == lanes)
			count[lanes++] = 0;
		free_at[l] = end;
		lane[i] = (int)l + 1;
		nth[i] = count[l]++;
	}
	return lanes;
}

/*
 * The CDF rows to keep of n sorted values: all when n <= max, else max indexes evenly spaced
 * in probability, the last being the maximum. Fills idx, returns the count.
 */
static size_t
cdf_pick(size_t n, size_t max, size_t *idx)
{
	size_t rows = n < max ? n : max, k;

	for (k = 0; k < rows; k++)
		idx[k] = (k + 1) * n / rows - 1;
	return rows;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int
sample_row(const struct rs_row *row, void *arg)
{
	struct sample_ctx *c = arg;

	char col[64];
	int g;

	plotdata_num(c->f, "", rs_num(row, SAMPLES_TIME_COL));
	for (g = 0; g < SAMPLER_NGROUPS; g++)
		plotdata_num(c->f, " ", rs_num(row, samples_group_col(sampler_group_name(g),
		    SAMPLES_cpu_pct, col, sizeof(col))));
	fprintf(c->f, " %d\n", c->mi);
	c->rows++;
	return 0;
}

long
plotdata_cputime_rows(const struct report_scenario *s, const struct report_model *m,
    FILE *f, char *err, size_t errlen)
{
	struct sample_ctx c = { f, m->mi, 0 };

	if (m->best != NULL && rs_each(s->rs, m->best, "samples.csv", sample_row, &c, err,
	    errlen) < 0)
		return -1;
	return c.rows;
}

static int
e2e_row(const struct rs_row *row, void *arg)
{
	struct e2e *e = arg;
	static const enum trace_col col[4] = { TRACE_get_start_us, TRACE_get_end_us,
		TRACE_proc_end_us, TRACE_put_end_us };
	double t[TRACE_NCOL], v, end, *g;
	int k;

	for (k = 0; k < 4; k++)
		t[col[k]] = rs_num(row, trace_col_name[col[k]]);
	if ((end = trace_finish_us(t)) < 0)
		return 0;	/* never started: no place in the order */
	v = trace_e2e_us(t, strcmp(rs_cell(row, trace_col_name[TRACE_outcome]), "ok") == 0);
	if (e->n == e->cap) {
		if ((g = realloc(e->v, (e->cap ? 2 * e->cap : 1024) * 2 * sizeof(*g))) == NULL) {
			e->oom = 1;
			return 1;	/* stops the stream; reported by the caller */
		}
		e->v = g, e->cap = e->cap ? 2 * e->cap : 1024;
	}
	e->v[2 * e->n] = end;
	e->v[2 * e->n + 1] = v >= 0 ? v / 1e3 : -1;
	e->n++;
	return 0;
}

long
plotdata_latency_rows(const struct report_scenario *s, const struct report_model *m,
    FILE *f, char *err, size_t errlen)
{
	struct e2e e = { NULL, 0, 0, 0 };
	size_t idx[CDF_ROWS], rows = 0, k, cut, i, n = 0;
	double trim = rs_meta_num(s->rs, "scenario.trim");

	if (m->best != NULL && rs_each(s->rs, m->best, "trace.csv", e2e_row, &e, err,
	    errlen) < 0) {
		free(e.v);
		return -1;
	}
	if (e.oom) {
		free(e.v);
		snprintf(err, errlen, "%s/trace.csv: out of memory", s->rs->dir);
		return -1;
	}
	/* by finish, the trim cut at each end; then the kept ok images' e2e, sorted, in place */
	if (e.n > 0)	/* no trace rows: e.v is NULL, which qsort must not be given */
		qsort(e.v, e.n, 2 * sizeof(*e.v), cmp_double);
	cut = tracestats_cut(e.n, trim >= 0 ? trim : 0);
	for (i = cut; i + cut < e.n; i++)
		if (e.v[2 * i + 1] >= 0)
			e.v[n++] = e.v[2 * i + 1];
	if (n > 0) {
		qsort(e.v, n, sizeof(*e.v), cmp_double);
		rows = cdf_pick(n, CDF_ROWS, idx);
	}
	for (k = 0; k < rows; k++) {
		plotdata_num(f, "", e.v[idx[k]]);
		plotdata_num(f, " ", (double)(idx[k] + 1) / (double)n);
		fprintf(f, " %d\n", m->mi);
	}
	free(e.v);
	return (long)rows;
}

static int
gantt_row(const struct rs_row *row, void *arg)
{
	static const enum trace_col col[6] = { TRACE_get_start_us, TRACE_get_end_us,
		TRACE_proc_start_us, TRACE_proc_end_us, TRACE_put_start_us, TRACE_put_end_us };
	struct img x;
	int k;

	for (k = 0; k < 6; k++)
		if (!((x.t[k] = rs_num(row, trace_col_name[col[k]])) >= 0))
			x.t[k] = -1;
	if (x.t[0] >= 0)
		gantt_keep(arg, &x);
	return 0;
}

int
plotdata_gantt(const struct report_scenario *s, const struct report_model *m, const char *dir,
    char *err, size_t errlen)
{
	const struct rs_run *r = NULL;
	struct gantt g = { .n = 0 };
	int lane[GANTT_IMAGES], nth[GANTT_IMAGES], k;
	struct plotdata_out o;
	size_t i;

	for (i = 0; i < m->n_runs; i++)
		if (r == NULL || abs((int)m->runs[i]->level - GANTT_LEVEL) <
		    abs((int)r->level - GANTT_LEVEL))
			r = m->runs[i];
	if (r == NULL)
		return 0;
	if (rs_each(s->rs, r, "trace.csv", gantt_row, &g, err, errlen) < 0)
		return -1;
	gantt_lanes(g.im, g.n, lane, nth);
	if (plotdata_open(&o, dir, err, errlen, "gantt-%s-%s.dat", s->label, m->name) < 0)
		return -1;
	fprintf(o.f, "# level %u\n# lane start_s end_s stage image paler\n", r->level);
	for (i = 0; i < g.n; i++)
		for (k = 0; k < 3; k++) {
			if (g.im[i].t[2 * k] < 0 || g.im[i].t[2 * k + 1] < 0)
				continue;
			fprintf(o.f, "%d", lane[i]);
			plotdata_num(o.f, " ", (g.im[i].t[2 * k] - g.im[0].t[0]) / 1e6);
			plotdata_num(o.f, " ", (g.im[i].t[2 * k + 1] - g.im[0].t[0]) / 1e6);
			fprintf(o.f, " %d %zu %d\n", k + 1, i + 1, nth[i] % 2);
		}
	return plotdata_close(&o, err, errlen);
}
