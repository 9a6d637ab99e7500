/*
 * plotdata.c: writes the figures' data files (formats: plotdata.h) from a built report. This
 * half holds the entry point, the files drawn from the report's summary figures (throughput,
 * cpu, scaling, uslfit, models, hardware, clients); the files that stream a run's samples or trace are
 * plotdata_runs.c's, a rate sweep's plotdata_rates.c's, and the output helpers both use are plotdata_out.c's, below them. gnuplot
 * does not count a block with no rows as an index (a later `index i` would then pick the wrong
 * model), so an empty block gets one row of NaN instead.
 */
#include "plotdata.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "plotdata_int.h"
#include "report.h"
#include "report_out.h"

#define FIT_ROWS 100

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
static long throughput_rows(const struct report_scenario *s, const struct report_model *m,
    FILE *f, char *err, size_t errlen);
static long cpu_rows(const struct report_scenario *s, const struct report_model *m, FILE *f,
    char *err, size_t errlen);
static long waits_rows(const struct report_scenario *s, const struct report_model *m,
    FILE *f, char *err, size_t errlen);
static long scaling_rows(const struct report_scenario *s, const struct report_model *m,
    FILE *f, char *err, size_t errlen);
static long uslfit_rows(const struct report_scenario *s, const struct report_model *m,
    FILE *f, char *err, size_t errlen);
static long bound_rows(const struct report_scenario *s, const struct report_model *m,
    FILE *f, char *err, size_t errlen);
static int write_per_model(const struct report_scenario *s, const struct per_model *p,
    const char *dir, char *err, size_t errlen);
static int write_models(const struct report_scenario *s, const char *dir, char *err,
    size_t errlen);
static int write_hardware(const struct report_scenario *s, const char *dir, char *err,
    size_t errlen);
static int write_caption(const struct report_scenario *s, const char *dir, char *err,
    size_t errlen);
static long clients_rows(const struct report_scenario *s, const struct report_model *m,
    FILE *f, char *err, size_t errlen);

static const struct per_model clients_file = { "clients",
	"clients images_per_s mi level linear_images_per_s", 5, 1, clients_rows };

static const struct per_model per_model[] = {
	{ "throughput", "model mi images_per_s level speedup_over_baseline "
	    "half_95_images_per_s reps", 7, 0, throughput_rows },
	{ "cpu", "model mi client_on client_runq client_off server_on server_runq server_off "
	    "client_cpu_pct server_cpu_pct", 10, 0, cpu_rows },
	{ "waits", "model mi network lock pipe sleep disk other samples level top_call "
	    "top_call_pct", 12, 0, waits_rows },
	{ "scaling", "level images_per_s bound_images_per_s mi half_95_images_per_s reps", 6, 1,
	    scaling_rows },
	{ "uslfit", "n predicted_images_per_s mi", 3, 1, uslfit_rows },
	{ "bound", "n latency_bound_images_per_s resource_bound_images_per_s mi", 4, 1,
	    bound_rows },
	{ "cputime", "t_s client_cpu_pct server_cpu_pct shaper_cpu_pct mi", 5, 1,
	    plotdata_cputime_rows },
	{ "latency", "e2e_ms cumulative_fraction mi", 3, 1, plotdata_latency_rows },
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
		if (write_models(s, dir, err, errlen) < 0 ||
		    write_caption(s, dir, err, errlen) < 0 || plotdata_crossover(s, dir, err, errlen) < 0)
			return -1;
		for (j = 0; j < sizeof(per_model) / sizeof(per_model[0]); j++)
			if (write_per_model(s, &per_model[j], dir, err, errlen) < 0)
				return -1;
		for (j = 0; j < s->n_models; j++)
			if ((strcmp(s->models[j].name, "sequential") == 0 ||
			    strcmp(s->models[j].name, "async") == 0 ||
			    strcmp(s->models[j].name, "hybrid") == 0) &&
			    plotdata_gantt(s, &s->models[j], dir, err, errlen) < 0)
				return -1;
		if (s->n_tags >= 2 && write_hardware(s, dir, err, errlen) < 0)
			return -1;
		if (s->n_clients >= 2 && write_per_model(s, &clients_file, dir, err, errlen) < 0)
			return -1;
		if (s->n_rates > 0 && plotdata_rates(s, dir, err, errlen) < 0)
			return -1;
	}
	return 0;
}

/*
 * A clients sweep: the model's rate against clients, at its best level of one client, and
 * the rate linear in clients from its fewest (what a store with room to spare would give).
 */
static long
clients_rows(const struct report_scenario *s, const struct report_model *m, FILE *f,
    char *err, size_t errlen)
{
	const struct rs_run *r, *few = NULL;
	long n = 0;
	size_t i, pass;

	for (pass = 0; pass < 2; pass++)
		for (i = 0; m->best != NULL && i < s->rs->n_runs; i++) {
			r = &s->rs->runs[i];
			if (strcmp(r->model, m->name) != 0 || r->level != m->best->level ||
			    r->rep > 1 || strcmp(r->tag, s->main_tag) != 0)
				continue;
			if (pass == 0) {
				if (few == NULL || r->clients < few->clients)
					few = r;
				continue;
			}
			plotdata_num(f, "", r->clients);
			plotdata_num(f, " ", r->v[RS_images_per_s]);
			fprintf(f, " %d %u", m->mi, r->level);
			plotdata_num(f, " ", few->v[RS_images_per_s] * r->clients / few->clients);
			fputc('\n', f);
			n++;
		}
	return n;
}

/* caption-S.txt: the scenario's settings in one line (report_caption), for every figure. */
static int
write_caption(const struct report_scenario *s, const char *dir, char *err, size_t errlen)
{
	struct plotdata_out o;
	char line[320];

	if (plotdata_open(&o, dir, err, errlen, "caption-%s.txt", s->label) < 0)
		return -1;
	fprintf(o.f, "%s\n", report_caption(s, line, sizeof(line)));
	return plotdata_close(&o, err, errlen);
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

static long
throughput_rows(const struct report_scenario *s, const struct report_model *m, FILE *f,
    char *err, size_t errlen)
{
	const struct rs_run *b = m->best;
	struct estimate e = { 0, NAN, -1, -1 }, base = e;

	(void)err, (void)errlen;
	if (b != NULL)
		report_estimate(s, b, &e);
	if (s->seq != NULL)
		report_estimate(s, s->seq, &base);
	fprintf(f, "\"%s\" %d", m->name, m->mi);
	plotdata_num(f, " ", e.reps > 0 ? e.mean : NAN);
	plotdata_num(f, " ", b ? b->level : NAN);
	plotdata_num(f, " ", e.reps > 0 && base.reps > 0 ? e.mean / base.mean : NAN);
	plotdata_num(f, " ", e.reps >= 2 && e.half >= 0 ? e.half : NAN);
	fprintf(f, " %u\n", e.reps);
	return 1;
}

static long
cpu_rows(const struct report_scenario *s, const struct report_model *m, FILE *f, char *err,
    size_t errlen)
{
	static const enum rs_col col[8] = { RS_model_on_pct, RS_model_runq_pct,
		RS_model_off_pct, RS_server_on_pct, RS_server_runq_pct, RS_server_off_pct,
		RS_model_cpu_pct, RS_server_cpu_pct };
	int k;

	fprintf(f, "\"%s\" %d", m->name, m->mi);
	for (k = 0; k < 8; k++)
		plotdata_num(f, " ", m->best ? m->best->v[col[k]] : NAN);
	fputc('\n', f);
	return 1;
}

/* The wait profile of the model's best run: its classes' shares, then the call seen most. */
static long
waits_rows(const struct report_scenario *s, const struct report_model *m, FILE *f, char *err,
    size_t errlen)
{
	static const enum rs_col col[6] = { RS_model_wait_network_pct, RS_model_wait_lock_pct,
		RS_model_wait_pipe_pct, RS_model_wait_sleep_pct, RS_model_wait_disk_pct,
		RS_model_wait_other_pct };
	const struct rs_run *b = m->best;
	int k;

	(void)s, (void)err, (void)errlen;
	fprintf(f, "\"%s\" %d", m->name, m->mi);
	for (k = 0; k < 6; k++)
		plotdata_num(f, " ", b ? b->v[col[k]] : NAN);
	plotdata_num(f, " ", b ? b->v[RS_model_wait_samples] : NAN);
	plotdata_num(f, " ", b ? b->level : NAN);
	/* a system call's name: letters, digits and underscores, no quote to escape */
	fprintf(f, " \"%s\"", b && *b->wait_top ? b->wait_top : "-");
	plotdata_num(f, " ", b ? b->v[RS_model_wait_top_pct] : NAN);
	fputc('\n', f);
	return 1;
}

/* A level's mean over its repeats (the run's own rate with one) and the 95% interval. */
static long
scaling_rows(const struct report_scenario *s, const struct report_model *m, FILE *f,
    char *err, size_t errlen)
{
	struct estimate e;
	size_t k;

	for (k = 0; k < m->n_runs; k++) {
		report_estimate(s, m->runs[k], &e);
		plotdata_num(f, "", m->runs[k]->level);
		plotdata_num(f, " ", e.reps > 0 ? e.mean : m->runs[k]->v[RS_images_per_s]);
		/* report_run_index(s, run), without linking report.o into the unit test */
		plotdata_num(f, " ", s->bounds ? s->bounds[m->runs[k] - s->rs->runs].best : NAN);
		fprintf(f, " %d", m->mi);
		plotdata_num(f, " ", e.reps >= 2 && e.half >= 0 ? e.half : NAN);
		fprintf(f, " %u\n", e.reps);
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
		plotdata_num(f, "", n);
		plotdata_num(f, " ", usl_predict(&m->usl, n));
		fprintf(f, " %d\n", m->mi);
	}
	return k;
}

/*
 * The bounds as lines, not joined points: FIT_ROWS points log-spaced from 1 to the
 * scenario's largest level, the latency bound N / R0 at each (Little's law: a straight
 * line, which joined measured levels on a log axis misdraw), and up to the model's own
 * largest level the tightest of its other bounds there (client, server and machine CPU,
 * bandwidth), a constant; NaN where none applies. No rows without R0.
 */
static long
bound_rows(const struct report_scenario *s, const struct report_model *m, FILE *f,
    char *err, size_t errlen)
{
	double r0, res, n, hi = 1;
	size_t i;
	long k;

	(void)err, (void)errlen;
	if (plotdata_top_bound(s, m, &r0, &res) < 0)
		return 0;
	for (i = 0; i < s->n_models; i++)
		if (s->models[i].n_runs > 0)
			hi = fmax(hi, s->models[i].runs[s->models[i].n_runs - 1]->level);
	for (k = 0; k < FIT_ROWS; k++) {
		n = pow(hi, (double)k / (FIT_ROWS - 1));
		plotdata_num(f, "", n);
		plotdata_num(f, " ", n / r0);
		plotdata_num(f, " ", isfinite(res) &&
		    n <= m->runs[m->n_runs - 1]->level * 1.0001 ? res : NAN);
		fprintf(f, " %d\n", m->mi);
	}
	return k;
}

/* One file of the table; a block gets its model's name in a comment, a row of NaN if empty. */
static int
write_per_model(const struct report_scenario *s, const struct per_model *p, const char *dir,
    char *err, size_t errlen)
{
	struct plotdata_out o;
	long rows;
	size_t j;
	int k;

	if (plotdata_open(&o, dir, err, errlen, "%s-%s.dat", p->file, s->label) < 0)
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
	return plotdata_close(&o, err, errlen);
}

static int
write_models(const struct report_scenario *s, const char *dir, char *err, size_t errlen)
{
	struct plotdata_out o;
	size_t j;

	if (plotdata_open(&o, dir, err, errlen, "models-%s.txt", s->label) < 0)
		return -1;
	for (j = 0; j < s->n_models; j++)
		fprintf(o.f, "%s%s", j ? " " : "", s->models[j].name);
	fputc('\n', o.f);
	return plotdata_close(&o, err, errlen);
}

/* hardware-S.dat, for a scenario with two or more client PU sets. */
static int
write_hardware(const struct report_scenario *s, const char *dir, char *err, size_t errlen)
{
	const struct rs_run *few = NULL, *a, *b;
	const struct report_model *m;
	struct plotdata_out o;
	size_t i;

	for (i = 0; i < s->rs->n_runs; i++)
		if (few == NULL || s->rs->runs[i].client_pus < few->client_pus)
			few = &s->rs->runs[i];
	if (plotdata_open(&o, dir, err, errlen, "hardware-%s.dat", s->label) < 0)
		return -1;
	fprintf(o.f, "# pus %u %u\n", few->client_pus, s->main_pus);
	fputs("# model mi images_per_s_at_fewest_pus images_per_s_at_most_pus level\n", o.f);
	for (i = 0; i < s->n_models; i++) {
		m = &s->models[i];
		if (m->n_runs == 0)
			continue;
		a = rs_find(s->rs, m->name, m->runs[m->n_runs - 1]->level, few->tag);
		b = rs_find(s->rs, m->name, m->runs[m->n_runs - 1]->level, s->main_tag);
		fprintf(o.f, "\"%s\" %d", m->name, m->mi);
		plotdata_num(o.f, " ", a ? a->v[RS_images_per_s] : NAN);
		plotdata_num(o.f, " ", b ? b->v[RS_images_per_s] : NAN);
		fprintf(o.f, " %u\n", m->runs[m->n_runs - 1]->level);
	}
	return plotdata_close(&o, err, errlen);
}
