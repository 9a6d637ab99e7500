/*
 * plotdata_crossover.c: the marks of the scaling figure (format: plotdata.h,
 * crossover-S.dat): per model the USL fit's peak N* with the rate the fit predicts there,
 * and the crossover where the latency bound N / R0 meets the model's tightest other bound
 * (CPU or bandwidth, at its largest level: the line bound_rows draws), N = bound x R0, the
 * in-flight count past which more in flight cannot help (the verdict's crossover, per model;
 * for a model run at two levels or more). A mark outside the figure's level range (0.8 to
 * 1.25 x the largest level run) is not drawn; the file's note line says it in words
 * instead, so no mark is lost.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plotdata_int.h"
#include "report.h"

static double crossover_of(const struct report_scenario *s, const struct report_model *m,
    double *bound);
static void note_add(char *note, size_t size, const char *what, const char *model, double n);

int
plotdata_crossover(const struct report_scenario *s, const char *dir, char *err, size_t errlen)
{
	const struct report_model *m;
	struct plotdata_out o;
	char note[512] = "";
	double hi = 1, nstar, crossover, res;
	size_t i;
	int pass;

	for (i = 0; i < s->n_models; i++)
		if (s->models[i].n_runs > 0)
			hi = fmax(hi, s->models[i].runs[s->models[i].n_runs - 1]->level);
	if (plotdata_open(&o, dir, err, errlen, "crossover-%s.dat", s->label) < 0)
		return -1;
	for (pass = 0; pass < 3; pass++)	/* the note's three kinds, each named once */
		for (i = 0; i < s->n_models; i++) {
			m = &s->models[i];
			nstar = m->usl_ok ? m->usl.nstar : NAN;
			crossover = crossover_of(s, m, &res);
			if (pass == 0 && m->usl_ok && !isfinite(nstar))
				note_add(note, sizeof(note), "no USL peak (kappa 0)", m->name, NAN);
			else if (pass == 1 && isfinite(nstar) && nstar > hi * 1.25)
				note_add(note, sizeof(note), "N* beyond the levels run", m->name,
				    nstar);
			else if (pass == 2 && crossover > hi * 1.25)
				note_add(note, sizeof(note), "crossover beyond the levels run", m->name,
				    crossover);
		}
	fprintf(o.f, "# note %s\n", note);
	fputs("# model mi nstar nstar_images_per_s crossover_n crossover_images_per_s\n", o.f);
	for (i = 0; i < s->n_models; i++) {
		m = &s->models[i];
		nstar = m->usl_ok && isfinite(m->usl.nstar) ? m->usl.nstar : NAN;
		crossover = crossover_of(s, m, &res);
		fprintf(o.f, "\"%s\" %d", m->name, m->mi);
		plotdata_num(o.f, " ", nstar);
		plotdata_num(o.f, " ", isfinite(nstar) ? usl_predict(&m->usl, nstar) : NAN);
		plotdata_num(o.f, " ", crossover);
		plotdata_num(o.f, " ", isfinite(crossover) ? res : NAN);
		fputc('\n', o.f);
	}
	return plotdata_close(&o, err, errlen);
}

int
plotdata_top_bound(const struct report_scenario *s, const struct report_model *m, double *r0,
    double *bound)
{
	const struct rs_run *top = m->n_runs ? m->runs[m->n_runs - 1] : NULL;
	size_t i;
	int k;

	*r0 = NAN, *bound = INFINITY;
	if (top == NULL || s->bounds == NULL || s->bound_in == NULL)
		return -1;
	i = (size_t)(top - s->rs->runs);	/* report_run_index, without report.o */
	if (!((*r0 = s->bound_in[i].r0_s) > 0))
		return -1;
	for (k = 0; k < B_N; k++)
		if (k != B_LATENCY && s->bounds[i].x[k] < *bound)
			*bound = s->bounds[i].x[k];
	return 0;
}

/*
 * m's crossover: R0 x its tightest bound other than latency at its largest level
 * (plotdata_top_bound), the bound into *bound; NaN when either is unknown, or m ran one level
 * only (sequential: no sweep to place a crossover on).
 */
static double
crossover_of(const struct report_scenario *s, const struct report_model *m, double *bound)
{
	double r0, res;

	*bound = NAN;
	if (m->n_runs < 2 || plotdata_top_bound(s, m, &r0, &res) < 0 || !isfinite(res))
		return NAN;
	*bound = res;
	return res * r0;
}

/* Appends "; what: model N" (or "what: model, model" when the same what came last). */
static void
note_add(char *note, size_t size, const char *what, const char *model, double n)
{
	size_t len = strlen(note);
	const char *last = strrchr(note, ';');
	char num[32] = "";

	if (isfinite(n))
		snprintf(num, sizeof(num), " %.0f", n);
	last = last ? last + 2 : note;
	if (len > 0 && strncmp(last, what, strlen(what)) == 0 && last[strlen(what)] == ':')
		snprintf(note + len, size - len, ", %s%s", model, num);
	else
		snprintf(note + len, size - len, "%s%s: %s%s", len ? "; " : "", what, model, num);
}
