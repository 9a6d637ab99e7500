/*
 * plotdata_rates.c: the figures' data of a rate sweep (formats: plotdata.h), rates-S.dat and
 * rates-S.txt, from the open-loop runs of each model and level (rates.h), for plots/rates.gp
 * (achieved against offered) and plots/response.gp (response time against offered).
 */
#include <math.h>
#include <stdio.h>

#include "plotdata_int.h"
#include "rates.h"

static void rates_list(const struct report_scenario *s, FILE *f);

/* The distinct offered rates of s's open-loop runs, ascending, each after a space. */
static void
rates_list(const struct report_scenario *s, FILE *f)
{
	double last = 0, next;
	size_t i;

	for (;;) {
		for (next = -1, i = 0; i < s->rs->n_runs; i++)
			if (s->rs->runs[i].rate > last && (next < 0 || s->rs->runs[i].rate < next))
				next = s->rs->runs[i].rate;
		if (next < 0)
			return;
		fprintf(f, " %g", next);
		last = next;
	}
}

int
plotdata_rates(const struct report_scenario *s, const char *dir, char *err, size_t errlen)
{
	const struct rs_run *runs[RATES_MAX_RUNS];
	unsigned levels[REPORT_MAX_LEVELS];
	struct plotdata_out o, t;
	size_t k, l, nl, n, i, g = 0;

	if (plotdata_open(&o, dir, err, errlen, "rates-%s.dat", s->label) < 0)
		return -1;
	if (plotdata_open(&t, dir, err, errlen, "rates-%s.txt", s->label) < 0) {
		fclose(o.f);
		return -1;
	}
	fprintf(o.f, "# slo_p99_ms %g\n", rs_meta_num(s->rs, "scenario.slo_p99_ms") > 0 ?
	    rs_meta_num(s->rs, "scenario.slo_p99_ms") : 0);
	fputs("# rates", o.f);
	rates_list(s, o.f);
	fputs("\n# offered_per_s images_per_s resp_p50_ms resp_p99_ms resp_p999_ms mi sustained "
	    "level\n", o.f);
	for (k = 0; k < s->n_models; k++) {
		nl = rates_levels(s, s->models[k].name, levels, REPORT_MAX_LEVELS);
		for (l = 0; l < nl; l++) {
			n = rates_runs(s, s->models[k].name, levels[l], runs, RATES_MAX_RUNS);
			fprintf(o.f, "%s# %s c=%u\n", g ? "\n\n" : "", s->models[k].name,
			    levels[l]);
			fprintf(t.f, "%s%d %s %u", g++ ? " " : "", s->models[k].mi,
			    s->models[k].name, levels[l]);
			for (i = 0; i < n; i++) {
				plotdata_num(o.f, "", runs[i]->rate);
				plotdata_num(o.f, " ", runs[i]->v[RS_images_per_s]);
				plotdata_num(o.f, " ", runs[i]->v[RS_resp_p50_ms]);
				plotdata_num(o.f, " ", runs[i]->v[RS_resp_p99_ms]);
				plotdata_num(o.f, " ", runs[i]->v[RS_resp_p999_ms]);
				fprintf(o.f, " %d %d %u\n", s->models[k].mi, rates_sustained(runs[i]),
				    levels[l]);
			}
		}
	}
	fputc('\n', t.f);
	if (plotdata_close(&t, err, errlen) < 0) {
		fclose(o.f);
		return -1;
	}
	return plotdata_close(&o, err, errlen);
}
