/*
 * report_make.c: the report from start to end, as `exifbench report` and the end of
 * `exifbench bench` run it: compute, write the figures' data, draw each figure with its
 * script in plots/, then write report.md and report.json, and report.html from report.md.
 * A figure that fails does not stop the report: the report leaves it out and says where
 * gnuplot's errors are.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plot.h"
#include "plotdata.h"
#include "report.h"

/* The figures per scenario; the timeline's models. */
static const char *const per_scenario[] = { "throughput", "scaling", "cpu", "cputime",
	"latency", NULL };
static const char *const gantt_models[] = { "sequential", "async", "hybrid", NULL };

static void draw_one(const struct report *rep, const char *plots, const char *fig,
    const char *sc, const char *model, size_t *drawn, size_t *bad, char *err, size_t errlen);
static int draw_all(const struct report *rep, const char *plots, FILE *progress, char *err,
    size_t errlen);
static int has_model(const struct report_scenario *s, const char *model);

int
report_make(const char *dir, const char *home, int draw, int usl_fit, FILE *progress,
    char *err, size_t errlen)
{
	char plots[PATH_MAX], data[PATH_MAX], log[PATH_MAX], ferr[512] = "";
	struct report rep;
	int failed = 0, rv;

	if (report_build(&rep, dir, home, usl_fit, err, errlen) < 0)
		return -1;
	if (progress != NULL)
		fprintf(progress, "report: %zu scenario%s read from %s\n", rep.n,
		    rep.n == 1 ? "" : "s", dir);
	snprintf(plots, sizeof(plots), "%s/plots", dir);
	snprintf(data, sizeof(data), "%s/plots/data", dir);
	if (draw && ((mkdir(plots, 0777) < 0 && errno != EEXIST) ||
	    plotdata_write(&rep, data, ferr, sizeof(ferr)) < 0)) {
		if (ferr[0] == '\0')
			snprintf(ferr, sizeof(ferr), "%s: %s", plots, strerror(errno));
		draw = 0, failed = 1;
	}
	snprintf(log, sizeof(log), "%s/plots/gnuplot.log", dir);
	if (draw)
		unlink(log);	/* this report's messages only */
	if (draw && (failed = draw_all(&rep, plots, progress, ferr, sizeof(ferr))) < 0)
		draw = 0, failed = 1;
	rv = report_write(&rep, dir, draw, err, errlen);
	report_free(&rep);
	if (rv == 0)
		rv = report_html(dir, err, errlen);
	if (rv < 0)
		return -2;
	if (failed) {
		snprintf(err, errlen, "%s", ferr);
		return 1;
	}
	return 0;
}

/* Draws one figure, counting it in drawn or bad (err: the first failure). */
static void
draw_one(const struct report *rep, const char *plots, const char *fig, const char *sc,
    const char *model, size_t *drawn, size_t *bad, char *err, size_t errlen)
{
	char script[PATH_MAX], name[256], e[512];

	snprintf(script, sizeof(script), "%s/plots/%s.gp", rep->home, fig);
	snprintf(name, sizeof(name), "%s-%s%s%s", fig, sc, model ? "-" : "", model ? model : "");
	if (plot_render(script, plots, name, sc, model, e, sizeof(e)) == 0)
		(*drawn)++;
	else if ((*bad)++ == 0)
		snprintf(err, errlen, "%s", e);
}

/* 0 all drawn; 1 some failed (err: the first); -1 none drawn. */
static int
draw_all(const struct report *rep, const char *plots, FILE *progress, char *err,
    size_t errlen)
{
	size_t i, drawn = 0, bad = 0;
	const char *sc;
	int k;

	for (i = 0; i < rep->n; i++) {
		sc = rep->sc[i].label;
		for (k = 0; per_scenario[k] != NULL; k++)
			draw_one(rep, plots, per_scenario[k], sc, NULL, &drawn, &bad, err, errlen);
		for (k = 0; gantt_models[k] != NULL; k++)
			if (has_model(&rep->sc[i], gantt_models[k]))
				draw_one(rep, plots, "gantt", sc, gantt_models[k], &drawn, &bad,
				    err, errlen);
		if (report_has_waits(&rep->sc[i]))
			draw_one(rep, plots, "waits", sc, NULL, &drawn, &bad, err, errlen);
		if (rep->sc[i].n_tags >= 2)
			draw_one(rep, plots, "hardware", sc, NULL, &drawn, &bad, err, errlen);
		if (rep->sc[i].n_clients >= 2)
			draw_one(rep, plots, "clients", sc, NULL, &drawn, &bad, err, errlen);
		if (rep->sc[i].n_rates > 0) {
			draw_one(rep, plots, "rates", sc, NULL, &drawn, &bad, err, errlen);
			draw_one(rep, plots, "response", sc, NULL, &drawn, &bad, err, errlen);
		}
		if (progress != NULL)
			fprintf(progress, "report: %s: %zu figures drawn so far\n", sc, drawn);
	}
	return drawn == 0 && bad > 0 ? -1 : bad > 0;
}

static int
has_model(const struct report_scenario *s, const char *model)
{
	size_t k;

	for (k = 0; k < s->n_models; k++)
		if (strcmp(s->models[k].name, model) == 0)
			return 1;
	return 0;
}
