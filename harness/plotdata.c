/*
 * plotdata.c: writes the figures' data files (formats: plotdata.h) from a built report. The
 * summary-level files come from the report's runs; the per-run files stream the run's rows
 * of samples.csv or trace.csv once each. The timeline keeps only the 40 earliest images in a
 * bounded sorted array while the trace streams by; the latency CDF holds one run's e2e times.
 * gnuplot does not count a block with no rows as an index (a later `index i` would then pick
 * the wrong model), so an empty block gets one row of NaN instead.
 */
#include "plotdata.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report.h"

#define GANTT_IMAGES 40
#define GANTT_LEVEL 8
#define CDF_ROWS 200
#define FIT_ROWS 100

struct out {
	FILE *f;
	char path[PATH_MAX];
};

/* One image's stage times, microseconds since the run's start, -1 when it did not happen. */
struct img {
	double t[6];	/* GET start, end, process start, end, PUT start, end */
};

struct gantt {
	struct img im[GANTT_IMAGES];	/* the earliest by GET start, in that order */
	size_t n;
};

struct e2e {
	double *v;
	size_t n, cap;
	int oom;
};

struct sample_ctx {
	FILE *f;
	int mi;
	size_t rows;
};

/* Writes model m's rows of one file to f: how many, or -1 with err. */
typedef long (*rows_fn)(const struct report_scenario *s, const struct report_model *m, FILE *f,
    char *err, size_t errlen);

/* A file with a row per model, or with blocks a gnuplot index per model. */
struct per_model {
	const char *file, *head;	/* FILE-S.dat, its column names */
	int ncol, blocks;		/* ncol counts mi */
	rows_fn rows;
};

static int mkdirs(const char *path, char *err, size_t errlen);
static int out_open(struct out *o, const char *dir, char *err, size_t errlen, const char *fmt,
    ...) __attribute__((format(printf, 5, 6)));
static int out_close(struct out *o, char *err, size_t errlen);
static void num(FILE *f, const char *sep, double v);
static void gantt_keep(struct gantt *g, const struct img *x);
static size_t gantt_lanes(const struct img *im, size_t n, int *lane);
static size_t cdf_pick(size_t n, size_t max, size_t *idx);
static int cmp_double(const void *a, const void *b);
static int sample_row(const struct rs_row *row, void *arg);
static int gantt_row(const struct rs_row *row, void *arg);
static int e2e_row(const struct rs_row *row, void *arg);
static long throughput_rows(const struct report_scenario *s, const struct report_model *m,
    FILE *f, char *err, size_t errlen);
static long cpu_rows(const struct report_scenario *s, const struct report_model *m, FILE *f,
    char *err, size_t errlen);
static long scaling_rows(const struct report_scenario *s, const struct report_model *m,
    FILE *f, char *err, size_t errlen);
static long uslfit_rows(const struct report_scenario *s, const struct report_model *m,
    FILE *f, char *err, size_t errlen);
static long cputime_rows(const struct report_scenario *s, const struct report_model *m,
    FILE *f, char *err, size_t errlen);
static long latency_rows(const struct report_scenario *s, const struct report_model *m,
    FILE *f, char *err, size_t errlen);
static int write_per_model(const struct report_scenario *s, const struct per_model *p,
    const char *dir, char *err, size_t errlen);
static int write_models(const struct report_scenario *s, const char *dir, char *err,
    size_t errlen);
static int write_gantt(const struct report_scenario *s, const struct report_model *m,
    const char *dir, char *err, size_t errlen);
static int write_hardware(const struct report *rep, const char *dir, char *err,
    size_t errlen);

static const struct per_model per_model[] = {
	{ "throughput", "model mi images_per_s level speedup_over_sequential", 5, 0,
	    throughput_rows },
	{ "cpu", "model mi client_on client_runq client_off server_on server_runq server_off",
	    8, 0, cpu_rows },
	{ "scaling", "level images_per_s bound_images_per_s mi", 4, 1, scaling_rows },
	{ "uslfit", "n predicted_images_per_s mi", 3, 1, uslfit_rows },
	{ "cputime", "t_s client_cpu_pct server_cpu_pct shaper_cpu_pct mi", 5, 1,
	    cputime_rows },
	{ "latency", "e2e_ms cumulative_fraction mi", 3, 1, latency_rows },
};

int
plotdata_write(const struct report *rep, const char *dir, char *err, size_t errlen)
{
	const struct report_scenario *s;
	size_t i, j;

	if (rep == NULL || dir == NULL || *dir == '\0') {
		snprintf(err, errlen, "plotdata: no report or no folder");
		return -1;
	}
	if (mkdirs(dir, err, errlen) < 0)
		return -1;
	for (i = 0; i < rep->n; i++) {
		s = &rep->sc[i];
		if (write_models(s, dir, err, errlen) < 0)
			return -1;
		for (j = 0; j < sizeof(per_model) / sizeof(per_model[0]); j++)
			if (write_per_model(s, &per_model[j], dir, err, errlen) < 0)
				return -1;
		for (j = 0; j < s->n_models; j++)
			if ((strcmp(s->models[j].name, "sequential") == 0 ||
			    strcmp(s->models[j].name, "async") == 0 ||
			    strcmp(s->models[j].name, "hybrid") == 0) &&
			    write_gantt(s, &s->models[j], dir, err, errlen) < 0)
				return -1;
	}
	return write_hardware(rep, dir, err, errlen);
}

static int
mkdirs(const char *path, char *err, size_t errlen)
{
	char p[PATH_MAX], *c;
	int end;

	if (snprintf(p, sizeof(p), "%s", path) >= (int)sizeof(p)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	for (c = p + 1;; c++) {
		if (*c != '/' && *c != '\0')
			continue;
		end = *c == '\0';
		*c = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST) {
			snprintf(err, errlen, "%s: %s", p, strerror(errno));
			return -1;
		}
		if (end)
			return 0;
		*c = '/';
	}
}

static int
out_open(struct out *o, const char *dir, char *err, size_t errlen, const char *fmt, ...)
{
	char name[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	snprintf(o->path, sizeof(o->path), "%s/%s", dir, name);
	if ((o->f = fopen(o->path, "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", o->path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Closes o; -1 with err when any write to it failed. */
static int
out_close(struct out *o, char *err, size_t errlen)
{
	int bad = ferror(o->f);

	if (fclose(o->f) != 0 || bad) {
		snprintf(err, errlen, "%s: write error", o->path);
		return -1;
	}
	return 0;
}

/* One cell after sep: %.6g, or NaN for anything not finite. */
static void
num(FILE *f, const char *sep, double v)
{
	if (isfinite(v))
		fprintf(f, "%s%.6g", sep, v);
	else
		fprintf(f, "%sNaN", sep);
}

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
 * had finished when it started. Returns the lane count (the peak in flight).
 */
static size_t
gantt_lanes(const struct img *im, size_t n, int *lane)
{
	double free_at[GANTT_IMAGES], end;
	size_t i, l, lanes = 0;
	int k;

	for (i = 0; i < n && i < GANTT_IMAGES; i++) {
		for (end = im[i].t[0], k = 1; k < 6; k += 2)
			end = fmax(end, im[i].t[k]);
		for (l = 0; l < lanes && free_at[l] > im[i].t[0]; l++)
			;
		if (l == lanes)
			lanes++;
		free_at[l] = end;
		lane[i] = (int)l + 1;
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

static long
throughput_rows(const struct report_scenario *s, const struct report_model *m, FILE *f,
    char *err, size_t errlen)
{
	const struct rs_run *b = m->best;

	fprintf(f, "\"%s\" %d", m->name, m->mi);
	num(f, " ", b ? b->v[RS_images_per_s] : NAN);
	num(f, " ", b ? b->level : NAN);
	num(f, " ", b && s->seq ? b->v[RS_images_per_s] / s->seq->v[RS_images_per_s] : NAN);
	fputc('\n', f);
	return 1;
}

static long
cpu_rows(const struct report_scenario *s, const struct report_model *m, FILE *f, char *err,
    size_t errlen)
{
	static const enum rs_col col[6] = { RS_model_on_pct, RS_model_runq_pct,
		RS_model_off_pct, RS_server_on_pct, RS_server_runq_pct, RS_server_off_pct };
	int k;

	fprintf(f, "\"%s\" %d", m->name, m->mi);
	for (k = 0; k < 6; k++)
		num(f, " ", m->best ? m->best->v[col[k]] : NAN);
	fputc('\n', f);
	return 1;
}

static long
scaling_rows(const struct report_scenario *s, const struct report_model *m, FILE *f,
    char *err, size_t errlen)
{
	size_t k;

	for (k = 0; k < m->n_runs; k++) {
		num(f, "", m->runs[k]->level);
		num(f, " ", m->runs[k]->v[RS_images_per_s]);
		/* report_run_index(s, run), without linking report.o into the unit test */
		num(f, " ", s->bounds ? s->bounds[m->runs[k] - s->rs->runs].best : NAN);
		fprintf(f, " %d\n", m->mi);
	}
	return (long)m->n_runs;
}

/* FIT_ROWS points log-spaced from 1 to the largest level. */
static long
uslfit_rows(const struct report_scenario *s, const struct report_model *m, FILE *f,
    char *err, size_t errlen)
{
	double top = m->n_runs ? m->runs[m->n_runs - 1]->level : 1, n;
	long k;

	for (k = 0; m->usl_ok && k < FIT_ROWS; k++) {
		n = pow(top, (double)k / (FIT_ROWS - 1));
		num(f, "", n);
		num(f, " ", usl_predict(&m->usl, n));
		fprintf(f, " %d\n", m->mi);
	}
	return k;
}

static int
sample_row(const struct rs_row *row, void *arg)
{
	struct sample_ctx *c = arg;

	num(c->f, "", rs_num(row, "t_s"));
	num(c->f, " ", rs_num(row, "model_cpu_pct"));
	num(c->f, " ", rs_num(row, "server_cpu_pct"));
	num(c->f, " ", rs_num(row, "shaper_cpu_pct"));
	fprintf(c->f, " %d\n", c->mi);
	c->rows++;
	return 0;
}

static long
cputime_rows(const struct report_scenario *s, const struct report_model *m, FILE *f,
    char *err, size_t errlen)
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
	double v = (rs_num(row, "put_end_us") - rs_num(row, "get_start_us")) / 1e3;
	double *g;

	if (strcmp(rs_cell(row, "outcome"), "ok") != 0 || !isfinite(v))
		return 0;
	if (e->n == e->cap) {
		if ((g = realloc(e->v, (e->cap ? 2 * e->cap : 1024) * sizeof(*g))) == NULL) {
			e->oom = 1;
			return 1;	/* stops the stream; reported by the caller */
		}
		e->v = g, e->cap = e->cap ? 2 * e->cap : 1024;
	}
	e->v[e->n++] = v;
	return 0;
}

static long
latency_rows(const struct report_scenario *s, const struct report_model *m, FILE *f,
    char *err, size_t errlen)
{
	struct e2e e = { NULL, 0, 0, 0 };
	size_t idx[CDF_ROWS], rows = 0, k;

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
	if (e.n > 0) {
		qsort(e.v, e.n, sizeof(*e.v), cmp_double);
		rows = cdf_pick(e.n, CDF_ROWS, idx);
	}
	for (k = 0; k < rows; k++) {
		num(f, "", e.v[idx[k]]);
		num(f, " ", (double)(idx[k] + 1) / (double)e.n);
		fprintf(f, " %d\n", m->mi);
	}
	free(e.v);
	return (long)rows;
}

/* One file of the table; a block gets its model's name in a comment, a row of NaN if empty. */
static int
write_per_model(const struct report_scenario *s, const struct per_model *p, const char *dir,
    char *err, size_t errlen)
{
	struct out o;
	long rows;
	size_t j;
	int k;

	if (out_open(&o, dir, err, errlen, "%s-%s.dat", p->file, s->rs->name) < 0)
		return -1;
	fprintf(o.f, "# %s\n", p->head);
	for (j = 0; j < s->n_models; j++) {
		if (p->blocks)
			fprintf(o.f, "%s# %s\n", j ? "\n\n" : "", s->models[j].name);
		if ((rows = p->rows(s, &s->models[j], o.f, err, errlen)) < 0) {
			fclose(o.f);
			return -1;
		}
		for (k = 1; rows == 0 && k < p->ncol; k++)
			fputs("NaN ", o.f);
		if (rows == 0)
			fprintf(o.f, "%d\n", s->models[j].mi);
	}
	return out_close(&o, err, errlen);
}

static int
write_models(const struct report_scenario *s, const char *dir, char *err, size_t errlen)
{
	struct out o;
	size_t j;

	if (out_open(&o, dir, err, errlen, "models-%s.txt", s->rs->name) < 0)
		return -1;
	for (j = 0; j < s->n_models; j++)
		fprintf(o.f, "%s%s", j ? " " : "", s->models[j].name);
	fputc('\n', o.f);
	return out_close(&o, err, errlen);
}

static int
gantt_row(const struct rs_row *row, void *arg)
{
	static const char *const col[6] = { "get_start_us", "get_end_us", "proc_start_us",
		"proc_end_us", "put_start_us", "put_end_us" };
	struct img x;
	int k;

	for (k = 0; k < 6; k++)
		if (!((x.t[k] = rs_num(row, col[k])) >= 0))
			x.t[k] = -1;
	if (x.t[0] >= 0)
		gantt_keep(arg, &x);
	return 0;
}

static int
write_gantt(const struct report_scenario *s, const struct report_model *m, const char *dir,
    char *err, size_t errlen)
{
	const struct rs_run *r = NULL;
	struct gantt g = { .n = 0 };
	int lane[GANTT_IMAGES], k;
	struct out o;
	size_t i;

	for (i = 0; i < m->n_runs; i++)
		if (r == NULL || abs((int)m->runs[i]->level - GANTT_LEVEL) <
		    abs((int)r->level - GANTT_LEVEL))
			r = m->runs[i];
	if (r == NULL)
		return 0;
	if (rs_each(s->rs, r, "trace.csv", gantt_row, &g, err, errlen) < 0)
		return -1;
	gantt_lanes(g.im, g.n, lane);
	if (out_open(&o, dir, err, errlen, "gantt-%s-%s.dat", s->rs->name, m->name) < 0)
		return -1;
	fprintf(o.f, "# level %u\n# lane start_s end_s stage image\n", r->level);
	for (i = 0; i < g.n; i++)
		for (k = 0; k < 3; k++) {
			if (g.im[i].t[2 * k] < 0 || g.im[i].t[2 * k + 1] < 0)
				continue;
			fprintf(o.f, "%d", lane[i]);
			num(o.f, " ", (g.im[i].t[2 * k] - g.im[0].t[0]) / 1e6);
			num(o.f, " ", (g.im[i].t[2 * k + 1] - g.im[0].t[0]) / 1e6);
			fprintf(o.f, " %d %zu\n", k + 1, i + 1);
		}
	return out_close(&o, err, errlen);
}

/* From the last scenario with two or more client PU sets; only the header if none. */
static int
write_hardware(const struct report *rep, const char *dir, char *err, size_t errlen)
{
	const struct report_scenario *s = NULL;
	const struct rs_run *few = NULL, *a, *b;
	const struct report_model *m;
	struct out o;
	size_t i;

	for (i = 0; i < rep->n; i++)
		if (rep->sc[i].n_tags >= 2)
			s = &rep->sc[i];
	for (i = 0; s != NULL && i < s->rs->n_runs; i++)
		if (few == NULL || s->rs->runs[i].client_pus < few->client_pus)
			few = &s->rs->runs[i];
	if (out_open(&o, dir, err, errlen, "hardware.dat") < 0)
		return -1;
	if (few == NULL)
		fputs("# pus\n", o.f);
	else
		fprintf(o.f, "# pus %u %u\n", few->client_pus, s->main_pus);
	fputs("# model mi images_per_s_at_fewest_pus images_per_s_at_most_pus level\n", o.f);
	for (i = 0; few != NULL && i < s->n_models; i++) {
		m = &s->models[i];
		if (m->n_runs == 0)
			continue;
		a = rs_find(s->rs, m->name, m->runs[m->n_runs - 1]->level, few->tag);
		b = rs_find(s->rs, m->name, m->runs[m->n_runs - 1]->level, s->main_tag);
		fprintf(o.f, "\"%s\" %d", m->name, m->mi);
		num(o.f, " ", a ? a->v[RS_images_per_s] : NAN);
		num(o.f, " ", b ? b->v[RS_images_per_s] : NAN);
		fprintf(o.f, " %u\n", m->runs[m->n_runs - 1]->level);
	}
	return out_close(&o, err, errlen);
}
