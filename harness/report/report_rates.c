/*
 * report_rates.c: the report's open-loop section, for the scenarios with a rate sweep (their
 * `rates`): per model and level, a table of its runs by offered rate (achieved, whether it
 * sustained it and how far behind it fell, response time p50/p99/p99.9, slot wait p99, service
 * p99), the knee and, with the scenario's slo_p99_ms, the highest rate within it (the rules:
 * rates.h); a line per scenario saying which rates were sustained; and two figures, achieved
 * against offered and response time against offered. report.json's "open_loop" holds the
 * same. A report with no rate sweep has no section and no "open_loop".
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rates.h"
#include "report_out.h"

#define MAX_RATES 64

static json_t *scenario_rates(struct report_out *o, const struct report_scenario *s);
static void sustained_line(struct report_out *o, const struct report_scenario *s, json_t *js);
static json_t *level_table(struct report_out *o, const struct report_scenario *s,
    const struct report_model *m, unsigned level);
static void table_row(struct report_out *o, const struct rs_run *r);
static json_t *run_json(const struct rs_run *r);

void
report_rates(struct report_out *o, const struct report *rep)
{
	json_t *arr = NULL;
	size_t i;

	for (i = 0; i < rep->n; i++) {
		if (rep->sc[i].n_rates == 0)
			continue;
		if (arr == NULL) {
			arr = json_array();
			report_out_section(o, "Open loop: offered load, achieved load and latency");
			fprintf(o->md, "Each run of a rate sweep offered its rate R: image k was due "
			    "k / R seconds after the start (constant arrivals; poisson: the sum of k "
			    "exponential gaps of mean 1 / R) and, when every slot was busy, waited "
			    "for one, as a user would. *Response* time runs from when the image was "
			    "due to the end of its upload (what the user waits); *wait* is the part "
			    "before its GET started (queueing for a slot); *service* is GET start to "
			    "PUT end, the end-to-end time a closed-loop run reports, which leaves the "
			    "queueing out (coordinated omission: docs/methodology.md). A run that "
			    "fell too far behind gave the rate up and stopped early (`run --rate` "
			    "exits 4): its achieved rate is then about what the model could do.\n\n"
			    "The rules: a run *sustained* its rate when its status is ok or "
			    "failed_keys and it did not give the rate up (a run too short to pass "
			    "its backlog's bound sustains any rate: the table says how far behind "
			    "its last image was); it *kept up* when it also achieved at least %.0f%% "
			    "of the rate offered; the **knee** is the highest offered rate kept up; "
			    "with the scenario's slo_p99_ms, the highest offered rate sustained with "
			    "response p99 within the objective.\n", 100 * RATES_KNEE_SHARE);
		}
		json_array_append_new(arr, scenario_rates(o, &rep->sc[i]));
	}
	if (arr != NULL)
		json_object_set_new(o->js, "open_loop", arr);
}

/* One scenario: its sustained line, a table per model and level, the figures; its JSON. */
static json_t *
scenario_rates(struct report_out *o, const struct report_scenario *s)
{
	double slo = rs_meta_num(s->rs, "scenario.slo_p99_ms");
	const char *arrivals = rs_meta_str(s->rs, "scenario.arrivals");
	unsigned levels[REPORT_MAX_LEVELS];
	json_t *js, *models;
	size_t k, l, nl;

	fprintf(o->md, "\n**%s** (%s arrivals; ", s->label, *arrivals ? arrivals : "constant");
	if (slo > 0)
		fprintf(o->md, "objective: response p99 within %g ms):\n\n", slo);
	else
		fprintf(o->md, "no latency objective: slo_p99_ms not set):\n\n");
	js = json_pack("{s:s, s:s, s:o, s:[]}", "scenario", s->label, "arrivals",
	    *arrivals ? arrivals : "constant", "slo_p99_ms", report_jnum(slo > 0 ? slo : NAN),
	    "models");
	sustained_line(o, s, js);
	models = json_object_get(js, "models");
	for (k = 0; k < s->n_models; k++) {
		nl = rates_levels(s, s->models[k].name, levels, REPORT_MAX_LEVELS);
		for (l = 0; l < nl; l++)
			json_array_append_new(models, level_table(o, s, &s->models[k], levels[l]));
	}
	report_out_plot(o, "rates", s->label, NULL, "achieved against offered load: on the "
	    "y = x line a model kept up; rings: the run gave the rate up");
	report_out_plot(o, "response", s->label, NULL, "response time (from when each image "
	    "was due) against offered load, p50, p99 and p99.9 (under 1,000 images a run's "
	    "p99.9 is its max), log scale");
	return js;
}

/*
 * The line saying which rates were kept up (sustained, achieved within 5%: rates_kept): by
 * every open-loop run at that rate, by some (and which did not), by none. report.json: the
 * three lists of rates.
 */
static void
sustained_line(struct report_out *o, const struct report_scenario *s, json_t *js)
{
	static const char *const what[3] = { "by every run", "by some", "by none" };
	static const char *const key[3] = { "kept_by_all", "kept_by_some", "kept_by_none" };
	double rates[MAX_RATES];
	size_t nr = 0, i, j, shown = 0, shown_not, runs[MAX_RATES] = { 0 };
	size_t sust[MAX_RATES] = { 0 };
	const struct rs_run *r;
	json_t *list;
	int c, first;

	for (i = 0; i < s->rs->n_runs; i++) {
		r = &s->rs->runs[i];
		for (j = 0; j < nr && rates[j] != r->rate; j++)
			;
		if (r->rate <= 0 || j < nr || nr == MAX_RATES)
			continue;
		for (j = nr++; j > 0 && rates[j - 1] > r->rate; j--)
			rates[j] = rates[j - 1];
		rates[j] = r->rate;
	}
	for (i = 0; i < s->rs->n_runs; i++)
		for (j = 0; j < nr; j++)
			if (s->rs->runs[i].rate == rates[j])
				runs[j]++, sust[j] += rates_kept(&s->rs->runs[i]);
	fprintf(o->md, "- Rates kept up (sustained, achieved within %.0f%% of offered)",
	    100 * (1 - RATES_KNEE_SHARE));
	for (c = 0; c < 3; c++) {
		list = json_array();
		for (first = 1, j = 0; j < nr; j++) {
			if (c != (sust[j] == runs[j] ? 0 : sust[j] > 0 ? 1 : 2))
				continue;
			if (first)
				fprintf(o->md, "%s %s: %g", shown++ ? ";" : "", what[c], rates[j]);
			else
				fprintf(o->md, ", %g", rates[j]);
			first = 0;
			json_array_append_new(list, json_real(rates[j]));
			for (shown_not = 0, i = 0; c == 1 && i < s->rs->n_runs; i++) {
				r = &s->rs->runs[i];
				if (r->rate == rates[j] && !rates_kept(r))
					fprintf(o->md, "%s%s c=%u", shown_not++ ? ", " : " (not by ",
					    r->model, r->level);
			}
			if (shown_not > 0)
				fputc(')', o->md);
		}
		json_object_set_new(js, key[c], list);
	}
	fprintf(o->md, "%s (images/s).\n", shown ? "" : ": none");
}

/* Model m's table at one level, its knee and objective lines; their JSON. */
static json_t *
level_table(struct report_out *o, const struct report_scenario *s,
    const struct report_model *m, unsigned level)
{
	const struct rs_run *runs[RATES_MAX_RUNS];
	struct rate_point p[RATES_MAX_RUNS];
	double slo = rs_meta_num(s->rs, "scenario.slo_p99_ms");
	size_t n = rates_runs(s, m->name, level, runs, RATES_MAX_RUNS), i;
	json_t *js, *arr;
	int knee, within;

	fprintf(o->md, "\n*%s*, %u in flight:\n\n| offered /s | achieved /s | sustained | "
	    "most behind ms | backlog max | resp p50 ms | resp p99 ms | resp p99.9 ms | "
	    "wait p99 ms | service p99 ms |\n|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|\n",
	    m->name, level);
	arr = json_array();
	for (i = 0; i < n; i++) {
		rates_point(runs[i], &p[i]);
		table_row(o, runs[i]);
		json_array_append_new(arr, run_json(runs[i]));
	}
	knee = rates_knee(p, n);
	within = rates_slo(p, n, slo);
	if (knee >= 0) {
		fprintf(o->md, "\nKnee: **%g/s** (achieved %s/s).", p[knee].offered,
		    report_num(o, p[knee].achieved, 1));
	} else {
		fprintf(o->md, "\nKnee: none (no rate sustained within %.0f%%).",
		    100 * (1 - RATES_KNEE_SHARE));
	}
	if (slo > 0 && within >= 0)
		fprintf(o->md, " Highest rate with response p99 within %g ms: **%g/s** (p99 %s "
		    "ms).", slo, p[within].offered, report_num(o, p[within].resp_p99_ms, 1));
	else if (slo > 0)
		fprintf(o->md, " Highest rate with response p99 within %g ms: **none**.", slo);
	fputc('\n', o->md);
	js = json_pack("{s:s, s:i, s:o, s:o, s:o}", "model", m->name, "level", (int)level,
	    "knee_per_s", knee >= 0 ? json_real(p[knee].offered) : json_null(), "slo_per_s",
	    slo > 0 && within >= 0 ? json_real(p[within].offered) : json_null(), "runs", arr);
	return js;
}

static void
table_row(struct report_out *o, const struct rs_run *r)
{
	fprintf(o->md, "| %g", r->rate);
	if (r->rep > 1)		/* a repeat: its own row, after the first */
		fprintf(o->md, " (rep %u)", r->rep);
	fprintf(o->md, " | %s | ", report_num(o, r->v[RS_images_per_s], 1));
	if (rates_kept(r))
		fprintf(o->md, "yes | ");
	else if (rates_sustained(r)) {	/* too short a run to pass the backlog's bound */
		fprintf(o->md, "within the bound only: achieved %s%%",
		    report_num(o, 100 * r->v[RS_images_per_s] / r->rate, 0));
		if (r->v[RS_behind_end_ms] >= 0)	/* NaN: a folder from before the column */
			fprintf(o->md, ", the last image %s s late",
			    report_num(o, r->v[RS_behind_end_ms] / 1e3, 2));
		fprintf(o->md, " | ");
	}
	else if (strcmp(r->status, "unsustained") == 0 || r->v[RS_sustained] == 0)
		fprintf(o->md, "**no**: %s s behind | ", report_num(o,
		    r->v[RS_behind_ms] / 1e3, 2));
	else
		fprintf(o->md, "no: %s | ", r->status);
	fprintf(o->md, "%s | %s | ", report_num(o, r->v[RS_behind_ms], 1),
	    report_num(o, r->v[RS_backlog_max], 0));
	fprintf(o->md, "%s | %s | ", report_num(o, r->v[RS_resp_p50_ms], 1),
	    report_num(o, r->v[RS_resp_p99_ms], 1));
	fprintf(o->md, "%s | %s | ", report_num(o, r->v[RS_resp_p999_ms], 1),
	    report_num(o, r->v[RS_wait_p99_ms], 1));
	fprintf(o->md, "%s |\n", report_num(o, r->v[RS_e2e_p99_ms], 1));
}

static json_t *
run_json(const struct rs_run *r)
{
	return json_pack("{s:i, s:f, s:o, s:b, s:b, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
	    "rep", (int)r->rep, "offered_per_s", r->rate, "images_per_s",
	    report_jnum(r->v[RS_images_per_s]), "sustained", rates_sustained(r), "kept",
	    rates_kept(r), "status", r->status, "behind_ms", report_jnum(r->v[RS_behind_ms]),
	    "behind_end_ms", report_jnum(r->v[RS_behind_end_ms]), "backlog_max",
	    report_jnum(r->v[RS_backlog_max]), "resp_p50_ms", report_jnum(r->v[RS_resp_p50_ms]),
	    "resp_p99_ms", report_jnum(r->v[RS_resp_p99_ms]), "resp_p999_ms",
	    report_jnum(r->v[RS_resp_p999_ms]), "wait_p99_ms", report_jnum(r->v[RS_wait_p99_ms]),
	    "service_p99_ms", report_jnum(r->v[RS_e2e_p99_ms]));
}
