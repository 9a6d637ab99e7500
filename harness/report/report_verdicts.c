/*
 * report_verdicts.c: the report's analysis sections, after the summary (report_md.c writes
 * the rest): the verdict per scenario (I/O-bound, CPU-bound or mixed, with its evidence and,
 * under it, where each model's threads waited), the bounds and efficiency of every run
 * against the tightest of them (with R0 from the steady state, and a run over its bound
 * flagged as a measurement problem), and the scaling section with each model's USL fit.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report.h"
#include "report_out.h"

/* A rate this far over its bound is a measurement problem, not rounding (0.5%). */
#define OVER_SLACK 0.005

static void verdict_waits(struct report_out *o, const struct report_scenario *s);
static void r0_line(struct report_out *o, const struct report_scenario *s);
static int over_bound(const struct rs_run *r, const struct bound *b);
static json_t *scaling_row(struct report_out *o, const struct report_scenario *s,
    const struct report_model *m);
static int rising(const struct report_model *m);

void
report_verdicts(struct report_out *o, const struct report *rep)
{
	const struct report_scenario *s;
	json_t *arr = json_array();
	size_t i;

	report_out_section(o, "Verdict per scenario: I/O-bound or CPU-bound");
	fprintf(o->md, "The rule: a scenario is CPU-bound when the sequential client is on a CPU "
	    "at least half of its wall time, I/O-bound otherwise. Beside it, the evidence: "
	    "whether throughput followed concurrency (a speedup beyond 1.5 x the client's PUs, "
	    "which cores alone cannot give) or cores, and the concurrency past which the CPU "
	    "bound overtakes the latency bound. When the two disagree (under 50%% on a CPU yet "
	    "throughput followed cores, or the reverse) the verdict is *mixed*, with both "
	    "numbers. The speedup is over the baseline it names: sequential, or when "
	    "sequential did not run, a model at one in flight.\n");
	for (i = 0; i < rep->n; i++) {
		s = &rep->sc[i];
		fprintf(o->md, "\n- **%s: %s.** %s.\n", s->label,
		    analysis_verdict_name(s->verdict.kind), s->verdict.why);
		verdict_waits(o, s);
		json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:s,s:o,s:s,s:o,s:s}",
		    "scenario", s->label, "verdict", analysis_verdict_name(s->verdict.kind),
		    "share_says", analysis_verdict_name(s->verdict.share_kind), "baseline",
		    s->seq == NULL ? "none" : s->seq->model, "speedup",
		    report_jnum(s->verdict.speedup), "followed",
		    s->verdict.followed == FOLLOWED_CONCURRENCY ? "concurrency" :
		    s->verdict.followed == FOLLOWED_CORES ? "cores" : "neither", "crossover",
		    report_jnum(s->verdict.crossover), "why", s->verdict.why));
	}
	json_object_set_new(o->js, "verdicts", arr);
}

/* Under a scenario's verdict, what each model's threads waited on most (its best run). */
static void
verdict_waits(struct report_out *o, const struct report_scenario *s)
{
	char line[320];
	size_t k, n = 0;

	if (!report_has_waits(s))
		return;
	fprintf(o->md, "  Where the threads waited (best run of each model): ");
	for (k = 0; k < s->n_models; k++)
		if (*report_wait_sentence(s->models[k].best, line, sizeof(line)))
			fprintf(o->md, "%s%s", n++ ? "; " : "", line);
	fprintf(o->md, ".\n");
}

void
report_bounds(struct report_out *o, const struct report *rep)
{
	const struct report_scenario *s;
	const struct report_model *m;
	const struct bound *b;
	const struct rs_run *r;
	json_t *arr = json_array(), *j;
	size_t i, k, l;
	int c, over;

	report_out_section(o, "Bounds and efficiency");
	fprintf(o->md, "For every run, the most images/s its measured costs allow: N / R0 "
	    "(Little's law; R0 is one image alone: the model's own mean at one in flight), "
	    "client CPU (threads that can run at once / client CPU seconds per image), "
	    "server CPU, the whole machine's CPU when client, "
	    "server and shaper share it, and the bandwidth cap. Efficiency is the run against the "
	    "smallest. A dash: the bound does not apply. R0 is taken from the steady state: the "
	    "warm-up images cut as the rates are (the scenario's trim), and never the first "
	    "image, which opened the connection; a run of fewer than 20 images cannot be "
	    "trimmed and sets no latency bound. A run measured above its own bound is never "
	    "given an efficiency over 100%%: within noise of the bound (2 standard errors, or "
	    "5%% for a run too short for one) it reads 100%% with the excess beside it; beyond "
	    "that it is marked a measurement problem (a cost or R0 measured wrong, or a rate "
	    "over too short a window).\n");
	for (i = 0; i < rep->n; i++) {
		s = &rep->sc[i];
		r0_line(o, s);
		fprintf(o->md, "| model | PUs | in flight | images/s | Little | client CPU | "
		    "server CPU | machine CPU | bandwidth | limit | efficiency |\n");
		fprintf(o->md, "|---|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|\n");
		for (k = 0; k < s->n_models; k++)
			for (m = &s->models[k], l = 0; l < s->rs->n_runs; l++) {
				r = &s->rs->runs[l];
				if (strcmp(r->model, m->name) != 0)
					continue;
				b = &s->bounds[l];
				fprintf(o->md, "| %s", r->model);
				if (r->rate > 0)	/* a rate sweep's run: its offered rate */
					fprintf(o->md, " at %g/s", r->rate);
				fprintf(o->md, " | %u | %u | %s | ", r->client_pus, r->level,
				    report_num(o, r->v[RS_images_per_s], 1));
				for (c = 0; c < B_N; c++)
					fprintf(o->md, "%s | ", report_num(o, b->x[c], -1));
				over = over_bound(r, b);
				fprintf(o->md, "%s | ", b->limit < B_N ?
				    analysis_bound_name(b->limit) : "-");
				if (over == 2)
					fprintf(o->md, "**over its bound: a measurement "
					    "problem** |\n");
				else if (over == 1)
					fprintf(o->md, "100%% (over by %s%%, within noise) |\n",
					    report_num(o, 100 * r->v[RS_images_per_s] / b->best -
					    100, 1));
				else
					fprintf(o->md, "%s%% |\n", report_num(o,
					    isfinite(b->best) ? 100 * r->v[RS_images_per_s] /
					    b->best : NAN, 0));
				j = json_pack("{s:s,s:s,s:i,s:s,s:o,s:o,s:o,s:b}", "scenario",
				    s->label, "model", r->model, "level", (int)r->level,
				    "client_cpus", r->client_cpus, "images_per_s",
				    report_jnum(r->v[RS_images_per_s]), "bound",
				    report_jnum(b->best), "efficiency",
				    report_jnum(over == 1 ? 1 : isfinite(b->best) && !over ?
				    r->v[RS_images_per_s] / b->best : NAN),
				    "measurement_problem", over == 2);
				json_object_set_new(j, "limit", json_string(b->limit < B_N ?
				    analysis_bound_name(b->limit) : "none"));
				if (r->rate > 0)
					json_object_set_new(j, "offered_per_s", json_real(r->rate));
				json_array_append_new(arr, j);
			}
	}
	json_object_set_new(o->js, "bounds", arr);
}

/*
 * Whether run r is over its bound b: 0 not (or by rounding only), 1 over but within noise
 * of it (analysis_tied: its own standard error, else 5%), 2 beyond noise: a measurement
 * problem.
 */
static int
over_bound(const struct rs_run *r, const struct bound *b)
{
	struct estimate er = { 1, 0, -1, -1 }, eb = er;

	if (!isfinite(b->best) || !(r->v[RS_images_per_s] > (1 + OVER_SLACK) * b->best))
		return 0;
	er.mean = r->v[RS_images_per_s], er.se = r->tr.ips_se;
	eb.mean = b->best;
	return analysis_tied(&er, &eb, NULL) ? 1 : 2;
}

/* The scenario's heading in the bounds section: its R0, or why it has none. */
static void
r0_line(struct report_out *o, const struct report_scenario *s)
{
	const struct rs_run *q = s->seq;

	if (s->r0_s > 0)
		fprintf(o->md, "\n**%s** (R0 of %s %s ms, steady state):\n\n", s->label,
		    q != NULL ? q->model : "sequential", report_num(o, s->r0_s * 1e3, 1));
	else if (q != NULL && q->tr.short_run)
		fprintf(o->md, "\n**%s** (no R0: the %s run at one in flight has %zu images, "
		    "too few to cut its warm-up (20 needed), so its mean would carry the cold "
		    "first image; no latency bound is set):\n\n", s->label, q->model,
		    q->tr.rows);
	else
		fprintf(o->md, "\n**%s** (no R0: no run at one in flight with a trace; no "
		    "latency bound):\n\n", s->label);
}

void
report_scaling(struct report_out *o, const struct report *rep)
{
	const struct report_scenario *s;
	json_t *arr = json_array();
	size_t i, k;

	report_out_section(o, "Scaling: throughput against concurrency");
	fprintf(o->md, "Each model's levels fitted with the Universal Scalability Law, X(N) = "
	    "lambda N / (1 + sigma (N - 1) + kappa N (N - 1)), by gnuplot's `fit`, weighed as "
	    "said below: "
	    "sigma is contention (the part that serialises), kappa "
	    "coherency (the cost that grows with every pair in flight), N* = sqrt((1 - sigma) / "
	    "kappa) the peak. The recommended concurrency is the smallest N the fit puts within "
	    "95%% of its peak, not beyond the largest level measured. Few levels make a loose "
	    "fit: read sigma and kappa with their errors.\n");
	report_usl_weight(o, rep);
	for (i = 0; i < rep->n; i++) {
		s = &rep->sc[i];
		fprintf(o->md, "\n**%s** (client on %s, %u PUs):\n\n", s->label, s->main_tag,
		    s->main_pus);
		fprintf(o->md, "| model | levels: images/s | sigma | kappa | N* | R^2 | "
		    "recommended |\n|---|---|--:|--:|--:|--:|--:|\n");
		for (k = 0; k < s->n_models; k++)
			json_array_append_new(arr, scaling_row(o, s, &s->models[k]));
		report_out_plot(o, "scaling", s->label, NULL,
		    "images/s against in flight: measured (points), USL fit (line), bound (dashed)");
		for (k = 0; k < s->n_models; k++)
			if (strcmp(s->models[k].name, "async") == 0 ||
			    strcmp(s->models[k].name, "hybrid") == 0)
				report_out_plot(o, "gantt", s->label, s->models[k].name,
				    "timeline of the first images, one row per slot in flight, "
				    "at the level nearest 8 in flight (so the lanes stay readable), "
				    "not the best level of the summary");
	}
	json_object_set_new(o->js, "scaling", arr);
}

/* The fit predicts 5% more at twice the largest level measured: the sweep stopped too soon. */
/* Model m's row of the scaling table, and its entry in report.json. */
static json_t *
scaling_row(struct report_out *o, const struct report_scenario *s, const struct report_model *m)
{
	json_t *j;
	size_t l;

	fprintf(o->md, "| %s | ", m->name);
	for (l = 0; l < m->n_runs; l++)
		fprintf(o->md, "%s%u: %s", l ? ", " : "", m->runs[l]->level,
		    report_num(o, m->runs[l]->v[RS_images_per_s], 1));
	j = json_pack("{s:s,s:s,s:b,s:i}", "scenario", s->label, "model", m->name, "fit",
	    m->usl_ok, "recommended", (int)m->recommended);
	if (!m->usl_ok) {
		fprintf(o->md, " | no fit: %s | | | | %u |\n", m->usl_why, m->recommended);
		json_object_set_new(j, "why", json_string(m->usl_why));
		return j;
	}
	fprintf(o->md, " | %s", report_num(o, m->usl.sigma, 4));
	fprintf(o->md, " ± %s | ", report_num(o, m->usl.sigma_err, 4));
	fprintf(o->md, "%s", report_num(o, m->usl.kappa, 6));
	fprintf(o->md, " ± %s | ", report_num(o, m->usl.kappa_err, 6));
	fprintf(o->md, "%s | ", isfinite(m->usl.nstar) ? report_num(o, m->usl.nstar, 0) :
	    "none (kappa 0)");
	fprintf(o->md, "%s | %u%s |\n", report_num(o, m->usl.r2, 3), m->recommended,
	    rising(m) ? " (still rising at the largest level: measure higher)" : "");
	json_object_set_new(j, "lambda", report_jnum(m->usl.lambda));
	json_object_set_new(j, "sigma", report_jnum(m->usl.sigma));
	json_object_set_new(j, "kappa", report_jnum(m->usl.kappa));
	json_object_set_new(j, "nstar", report_jnum(m->usl.nstar));
	json_object_set_new(j, "r2", report_jnum(m->usl.r2));
	return j;
}

static int
rising(const struct report_model *m)
{
	double top = m->runs[m->n_runs - 1]->level;

	return usl_predict(&m->usl, 2 * top) > 1.05 * usl_predict(&m->usl, top);
}
