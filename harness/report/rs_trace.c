/*
 * rs_trace.c: each run's figures from its scenario's trace.csv (see rs_trace in resultset.h):
 * the mean wall and on-CPU time of each stage, the mean end to end and bytes, and the
 * standard error of images/s from the per-second completion counts inside the run's steady
 * window (the warm-up rule of tracestats.h, with the scenario's trim). The trace is streamed
 * once; each row is added to its run's sums, and the per-second counts are one counter per
 * second of the run. The mean end to end (R0, when the run is at one in flight) is that of
 * the steady images only, so each image's finish and end to end are kept (16 bytes an image)
 * until the run's images can be ordered by finish and cut: the cold first image, which
 * opened the connection, never counts, and a run too short to trim has no mean at all.
 */
#include "rs_trace.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/results/trace_cols.h"
#include "harness/results/tracestats.h"

/* The fewest whole seconds a per-second standard error is taken over. */
#define IPS_SE_MIN_S 3

/* One image's finish and end to end (-1: failed or unknown), microseconds. */
struct img {
	double end, e2e;
};

/* Per-run sums while the trace streams by. */
struct acc {
	double stage[3], cpu[3], bytes, in, out;
	size_t n_ok, n_cpu[3], n_bytes;
	unsigned *sec;		/* completions in each second since the run's start */
	size_t nsec;
	struct img *img;	/* every image with a finish, in trace order */
	size_t nimg, cap;
};

static int trace_row(const struct rs_row *row, struct acc *a);
static void trace_finish(struct rs_trace *t, const struct acc *a, double trim);
static double ips_se(const unsigned *sec, size_t nsec, double trim);
static size_t second_of(const unsigned *sec, size_t nsec, size_t i);
static int add_img(struct acc *a, double end, double e2e);
static double steady_e2e(struct img *img, size_t n, double trim);
static int by_end(const void *a, const void *b);
static struct rs_run *run_of(struct rs_scenario *s, const struct rs_row *row);

struct trace_ctx {
	struct rs_scenario *s;
	struct acc *acc;
};

static int
trace_cb(const struct rs_row *row, void *arg)
{
	struct trace_ctx *c = arg;
	struct rs_run *r = run_of(c->s, row);

	if (r == NULL)
		return 0;	/* a run that left no summary row (stopped before it): skip */
	r->tr.rows++;
	return trace_row(row, &c->acc[r - c->s->runs]);
}

int
rs_trace_load(struct rs_scenario *s, double trim, char *err, size_t errlen)
{
	struct trace_ctx c = { s, NULL };
	size_t i;
	int rv;

	if (s->n_runs == 0)
		return 0;
	if ((c.acc = calloc(s->n_runs, sizeof(*c.acc))) == NULL) {
		snprintf(err, errlen, "%s: out of memory", s->dir);
		return -1;
	}
	rv = rs_each(s, NULL, "trace.csv", trace_cb, &c, err, errlen);
	for (i = 0; i < s->n_runs; i++) {
		if (rv == 0)
			trace_finish(&s->runs[i].tr, &c.acc[i], trim >= 0 ? trim : 0);
		free(c.acc[i].sec);
		free(c.acc[i].img);
	}
	free(c.acc);
	return rv;
}

/* The run a trace row belongs to, by its label cells. */
static struct rs_run *
run_of(struct rs_scenario *s, const struct rs_row *row)
{
	size_t i;

	for (i = 0; i < s->n_runs; i++)
		if (rs_row_is(row, &s->runs[i]))
			return &s->runs[i];
	return NULL;
}

/* The columns read, by stage: start, end, on-CPU time. */
static const enum trace_col stage_col[3][3] = {
	{ TRACE_get_start_us, TRACE_get_end_us, TRACE_get_cpu_us },
	{ TRACE_proc_start_us, TRACE_proc_end_us, TRACE_proc_cpu_us },
	{ TRACE_put_start_us, TRACE_put_end_us, TRACE_put_cpu_us },
};

static int
trace_row(const struct rs_row *row, struct acc *a)
{
	double v[TRACE_NCOL], end, e2e, cpu;
	int ok;
	unsigned *g;
	size_t k;
	int i, j;

	for (k = 0; k < TRACE_NCOL; k++)
		v[k] = NAN;
	v[TRACE_bytes_in] = rs_num(row, trace_col_name[TRACE_bytes_in]);
	v[TRACE_bytes_out] = rs_num(row, trace_col_name[TRACE_bytes_out]);
	for (i = 0; i < 3; i++)
		for (j = 0; j < 3; j++)
			v[stage_col[i][j]] = rs_num(row, trace_col_name[stage_col[i][j]]);
	if ((end = trace_finish_us(v)) >= 0) {
		if ((k = (size_t)(end / 1e6)) >= a->nsec) {
			if ((g = realloc(a->sec, (k + 1) * sizeof(*g))) == NULL)
				return -1;
			memset(g + a->nsec, 0, (k + 1 - a->nsec) * sizeof(*g));
			a->sec = g, a->nsec = k + 1;
		}
		a->sec[k]++;
	}
	ok = strcmp(rs_cell(row, trace_col_name[TRACE_outcome]), "ok") == 0;
	e2e = ok ? trace_e2e_us(v, 1) : -1;
	if (end >= 0 && add_img(a, end, e2e) < 0)
		return -1;
	a->in += fmax(v[TRACE_bytes_in], 0);
	a->out += fmax(v[TRACE_bytes_out], 0);
	a->bytes += fmax(v[TRACE_bytes_in], 0) + fmax(v[TRACE_bytes_out], 0);
	a->n_bytes++;
	if (!ok)
		return 0;
	a->n_ok++;
	for (i = 0; i < 3; i++) {
		a->stage[i] += (v[stage_col[i][1]] - v[stage_col[i][0]]) / 1e3;
		if ((cpu = v[stage_col[i][2]]) >= 0)
			a->cpu[i] += cpu / 1e3, a->n_cpu[i]++;
	}
	return 0;
}

static void
trace_finish(struct rs_trace *t, const struct acc *a, double trim)
{
	int k;

	if (a->n_bytes > 0) {
		t->bytes_per_image = a->bytes / (double)a->n_bytes;
		t->bytes_in = a->in / (double)a->n_bytes;
		t->bytes_out = a->out / (double)a->n_bytes;
	}
	t->short_run = a->nimg < 20;	/* tracestats_cut cuts nothing under 20 */
	t->e2e_ms = steady_e2e(a->img, a->nimg, trim);
	if (a->n_ok > 0) {
		for (k = 0; k < 3; k++) {
			t->stage_ms[k] = a->stage[k] / (double)a->n_ok;
			/* a stage whose CPU was measured for only some images is not attributable */
			t->stage_cpu_ms[k] = a->n_cpu[k] == a->n_ok ?
			    a->cpu[k] / (double)a->n_ok : -1;
		}
	}
	t->ips_se = ips_se(a->sec, a->nsec, trim);
}

static int
add_img(struct acc *a, double end, double e2e)
{
	struct img *g;

	if (a->nimg == a->cap) {
		if ((g = realloc(a->img, (a->cap ? 2 * a->cap : 64) * sizeof(*g))) == NULL)
			return -1;
		a->img = g, a->cap = a->cap ? 2 * a->cap : 64;
	}
	a->img[a->nimg].end = end, a->img[a->nimg++].e2e = e2e;
	return 0;
}

/*
 * The mean end to end (ms) of the images tracestats_cut keeps, ordered by finish, and never
 * the first to finish even when the trim is 0; -1 under 20 images (nothing can be cut, so
 * the cold first image would weigh in) or when no kept image ended ok.
 */
static double
steady_e2e(struct img *img, size_t n, double trim)
{
	size_t cut = tracestats_cut(n, trim), lo = cut > 0 ? cut : 1, i, k = 0;
	double sum = 0;

	if (n < 20)
		return -1;
	qsort(img, n, sizeof(*img), by_end);
	for (i = lo; i < n - cut; i++)
		if (img[i].e2e >= 0)
			sum += img[i].e2e / 1e3, k++;
	return k > 0 ? sum / (double)k : -1;
}

static int
by_end(const void *a, const void *b)
{
	const struct img *x = a, *y = b;

	return (x->end > y->end) - (x->end < y->end);
}

/*
 * The standard error of images/s over the whole seconds of the run's steady window: the
 * images are cut as tracestats.c cuts them (tracestats_cut, the scenario's trim), the window
 * runs from the finish of the last image cut at the start to that of the last image kept,
 * and the seconds the window starts or ends in, being partial, are left out.
 */
static double
ips_se(const unsigned *sec, size_t nsec, double trim)
{
	size_t n = 0, cut, first, last, i;
	double mean = 0, ss = 0;

	for (i = 0; i < nsec; i++)
		n += sec[i];
	if (n == 0)
		return -1;
	cut = tracestats_cut(n, trim);
	first = cut > 0 ? second_of(sec, nsec, cut - 1) + 1 : 0;
	last = second_of(sec, nsec, n - cut - 1);
	if (last < first + IPS_SE_MIN_S)
		return -1;
	for (i = first; i < last; i++)
		mean += sec[i];
	mean /= (double)(last - first);
	for (i = first; i < last; i++)
		ss += (sec[i] - mean) * (sec[i] - mean);
	return sqrt(ss / (double)(last - first - 1)) / sqrt((double)(last - first));
}

/* The second in which the i-th image (0-based, by finish) finished. */
static size_t
second_of(const unsigned *sec, size_t nsec, size_t i)
{
	size_t k, seen = 0;

	for (k = 0; k < nsec; k++)
		if ((seen += sec[k]) > i)
			return k;
	return nsec - 1;
}
