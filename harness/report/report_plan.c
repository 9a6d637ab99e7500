/*
 * report_plan.c: the report's last sections: hardware scaling (the same models on fewer and
 * more client PUs), capacity planning at the measured rates with two labelled what-if
 * predictions, and the list of what could skew the numbers, each item found in the data
 * (steal time, a saturated machine, a server on the client's cores, short or noisy runs).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "capacity.h"
#include "compare.h"
#include "report_out.h"

/* compare's noise rule (compare.h), with its default threshold. */
#define NOISE_PCT 5.0

/* What report_plan_skews finds in one scenario's runs. */
struct skews {
	double steal, idle, shaper, sampler, noisy;	/* the worst of each over the runs */
	double other, other_busy, other_ours;	/* the most CPU others took: busy - ours */
	size_t shorts, errs, bad, nb;	/* runs short, with failures, not ok, noisy (nb) */
	size_t others;			/* runs where others took over OTHER_PCT */
};

/* The share of the machine's CPUs other processes may take in a run before it is named. */
#define OTHER_PCT 5

static void hardware_scenario(struct report_out *o, const struct report_scenario *s,
    json_t *arr);
static void hardware_row(struct report_out *o, const struct report_scenario *s,
    const struct report_model *m, unsigned lo, unsigned hi, json_t *arr);
static void skews_scenario(struct report_out *o, const struct report_scenario *s, json_t *arr);
static void skews_scan(const struct report_scenario *s, struct skews *w);
static const struct rs_run *at(const struct report_scenario *s, const char *model,
    unsigned level, unsigned pus);
static json_t *cost_cell(struct report_out *o, const struct report_scenario *s,
    const struct rs_run *b, double ips);
static void whatif_table(struct report_out *o, const struct report_scenario *s, json_t *arr);
static const char *limit_name(const struct report_model *m, const struct bound *b, char *buf,
    size_t len);
static void skew(struct report_out *o, json_t *arr, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

void
report_plan_hardware(struct report_out *o, const struct report *rep)
{
	json_t *arr = json_array();
	size_t i;

	report_out_section(o, "Hardware scaling: 1 PU versus more");
	for (i = 0; i < rep->n; i++)
		if (rep->sc[i].n_tags >= 2)
			hardware_scenario(o, &rep->sc[i], arr);
	if (json_array_size(arr) == 0)
		fprintf(o->md, "No scenario here ran the client on more than one PU set "
		    "(`client_cpus` in the scenario, e.g. bench/hardware-scaling.conf).\n");
	json_object_set_new(o->js, "hardware", arr);
}

/* One scenario's table: each model's largest level on the fewest PUs against the most. */
static void
hardware_scenario(struct report_out *o, const struct report_scenario *s, json_t *arr)
{
	unsigned lo, hi;
	size_t k, l;

	for (lo = hi = s->main_pus, l = 0; l < s->rs->n_runs; l++)
		if (s->rs->runs[l].client_pus < lo)
			lo = s->rs->runs[l].client_pus;
	if (lo == hi) {
		fprintf(o->md, "**%s**: its client PU sets all have %u PU%s: nothing to "
		    "compare here (`exifbench compare` puts two folders side by side).\n\n",
		    s->label, hi, hi == 1 ? "" : "s");
		return;
	}
	fprintf(o->md, "**%s**: the client bound to %u PU%s, then %u; the server (PUs %s) "
	    "and the shaper stay where they are.\n\n| model | in flight | images/s on %u "
	    "| on %u | change | |\n|---|--:|--:|--:|--:|---|\n", s->label, lo,
	    lo == 1 ? "" : "s", hi, rs_meta_str(s->rs, "server.cpus"), lo, hi);
	for (k = 0; k < s->n_models; k++)
		hardware_row(o, s, &s->models[k], lo, hi, arr);
	fprintf(o->md, "\nA model that waits on the network gains nothing from a second "
	    "PU; one whose client CPU is the limit gains up to 2x. Here the server %s the "
	    "client's PUs in the %u-PU runs: read the gain with the server's CPU in the "
	    "bounds table.\n", json_array_size(rs_meta(s->rs, "server.shared_with_client")) >
	    0 ? "shared" : "did not share", hi);
	report_out_plot(o, "hardware", s->label, NULL,
	    "images/s with the client on fewer and more PUs");
}

/* Model m's row, when it has a rate at its largest level on both lo and hi PUs. */
static void
hardware_row(struct report_out *o, const struct report_scenario *s,
    const struct report_model *m, unsigned lo, unsigned hi, json_t *arr)
{
	struct cmp_side ca = { 1, 0, -1, 0, 0, 0 }, cb = ca;
	unsigned level = m->runs[m->n_runs - 1]->level;
	const struct rs_run *a, *b;
	struct estimate ea, eb;
	enum cmp_verdict v;
	double noise;
	int same;

	if ((a = at(s, m->name, level, lo)) == NULL || (b = at(s, m->name, level, hi)) == NULL)
		return;
	if (!(a->v[RS_images_per_s] > 0 && b->v[RS_images_per_s] > 0))
		return;		/* a run without a rate: nothing to compare */
	report_estimate(s, a, &ea);	/* the mean of repeats, their standard error */
	report_estimate(s, b, &eb);
	ca.ips = ea.reps ? ea.mean : a->v[RS_images_per_s], ca.se = ea.se;
	cb.ips = eb.reps ? eb.mean : b->v[RS_images_per_s], cb.se = eb.se;
	v = compare_verdict(&ca, &cb, NOISE_PCT, &noise);
	same = v == CMP_SE_SAME || v == CMP_PCT_SAME;
	fprintf(o->md, "| %s | %u | %s | ", a->model, level, report_num(o, ca.ips, 1));
	fprintf(o->md, "%s | %+.1f%% | %s |\n", report_num(o, cb.ips, 1),
	    compare_change(ca.ips, cb.ips), same ? (v == CMP_SE_SAME ? "within noise "
	    "(2 standard errors)" : "within 5% (a run too short for a standard "
	    "error)") : cb.ips > ca.ips ? "gain" : "loss");
	json_array_append_new(arr, json_pack("{s:s,s:s,s:i,s:i,s:i,s:o,s:o,s:b}",
	    "scenario", s->label, "model", a->model, "level", (int)level,
	    "pus_low", (int)lo, "pus_high", (int)hi, "images_per_s_low",
	    report_jnum(ca.ips), "images_per_s_high", report_jnum(cb.ips),
	    "within_noise", same));
}

void
report_plan_capacity(struct report_out *o, const struct report *rep)
{
	static const struct cap_in in1 = { 1e6, 3600, 0, -1, -1, -1 };
	static const struct cap_in in10 = { 1e7, 3600, 0, -1, -1, -1 };
	const struct report_scenario *s;
	const struct rs_run *b;
	struct cap_plan c1, c10;
	json_t *arr = json_array(), *wi = json_array(), *cost;
	double ips;
	size_t i, k;

	report_out_section(o, "Capacity planning");
	fprintf(o->md, "At each model's best measured rate, on one machine like this one (and, "
	    "for the fleet, assuming the S3 service keeps up, which the local server does not "
	    "prove): images per day, how long 1 M and 10 M images take on one machine, and how "
	    "many machines finish them within an hour (N / (rate x 3600), then rounded up); with "
	    "the scenario's prices (price_per_hour, request_prices), the cost of a million "
	    "images (requests per image from the trace's attempt counts). "
	    "`exifbench plan` plans any batch and deadline, with costs, headroom and a latency "
	    "objective (docs/planning.md).\n\n");
	fprintf(o->md, "| scenario | model | in flight | images/s | images/day | 1 M: hours | "
	    "machines for 1 h | 10 M: hours | machines for 1 h | cost per 1 M: machine time + "
	    "requests |\n|---|---|--:|--:|--:|--:|--:|--:|--:|--:|\n");
	for (i = 0; i < rep->n; i++)
		for (s = &rep->sc[i], k = 0; k < s->n_models; k++) {
			b = s->models[k].best;
			ips = report_ips(s, b);	/* the mean of its repeats */
			capacity_plan(ips, -1, -1, &in1, &c1);
			capacity_plan(ips, -1, -1, &in10, &c10);
			fprintf(o->md, "| %s | %s | %u | %s | ", s->label, b->model, b->level,
			    report_num(o, ips, 1));
			fprintf(o->md, "%s | %s | ", report_count(o, ips > 0 ? ips * 86400 : -1),
			    report_num(o, c1.hours * c1.machines_up, 1));
			fprintf(o->md, "%s (%s) | %s | ", report_num(o, c1.machines, 2),
			    report_num(o, c1.machines_up, 0),
			    report_num(o, c10.hours * c10.machines_up, 1));
			fprintf(o->md, "%s (%s) | ", report_num(o, c10.machines, 2),
			    report_num(o, c10.machines_up, 0));
			cost = cost_cell(o, s, b, ips);
			json_array_append_new(arr, json_pack("{s:s,s:s,s:i,s:o,s:o,s:o,s:o,s:o,s:o,"
			    "s:o,s:o}", "scenario", s->label, "model", b->model, "level",
			    (int)b->level, "images_per_s", report_jnum(ips), "images_per_day",
			    report_jnum(ips > 0 ? ips * 86400 : -1), "hours_1m",
			    report_jnum(c1.machine_hours), "machines_1m_1h",
			    report_jnum(c1.machines_up), "machines_1m_1h_exact",
			    report_jnum(c1.machines), "hours_10m", report_jnum(c10.machine_hours),
			    "machines_10m_1h", report_jnum(c10.machines_up),
			    "machines_10m_1h_exact", report_jnum(c10.machines)));
			json_object_set_new(json_array_get(arr, json_array_size(arr) - 1),
			    "cost_per_million", cost);
		}
	json_object_set_new(o->js, "capacity", arr);
	fprintf(o->md, "\n### What if (*predictions, not measurements*)\n\n"
	    "Each model measured at its recommended concurrency, then at the concurrency chosen "
	    "for the new conditions: of 1, 2, 4, ... up to its cap (at most 4096), the level "
	    "with the highest predicted rate (the lowest within 1%% of it). Twice the latency "
	    "(or 50 ms where there was none): each image is two requests, so a millisecond more "
	    "one way adds 4 ms to R0; the prediction is the USL fit as measured (its contention "
	    "is the CPU's, which a longer wait does not add to), capped by the bounds recomputed "
	    "with the new R0 (Little's law). A CPU stage twice as heavy: R0 and the client's CPU "
	    "per image grow by the stage's measured CPU; the fit's lambda is rescaled to the new "
	    "R0 and the result capped by the recomputed bounds. A model without a fit "
	    "(sequential, or too few levels): the bounds alone, an upper limit rather than a "
	    "prediction. Run the scenario with the changed setting (`exifbench bench --set "
	    "latency_ms=...` or `--set cpu_spin_ms=...`, at the level given) to measure it; "
	    "`exifbench plan --check` compares the two.\n");
	for (i = 0; i < rep->n; i++)
		whatif_table(o, &rep->sc[i], wi);
	json_object_set_new(o->js, "whatif", wi);
}

/*
 * The cost of a million images at run b's rate under the scenario's prices, as a table cell
 * ("-" without prices) and as JSON {compute, requests} (null without prices).
 */
static json_t *
cost_cell(struct report_out *o, const struct report_scenario *s, const struct rs_run *b,
    double ips)
{
	struct cap_in in = { 1e6, 3600, 0, -1, -1, -1 };
	double price = rs_meta_num(s->rs, "scenario.price_per_hour"), gets, puts;
	const char *req = rs_meta_str(s->rs, "scenario.request_prices");
	struct cap_plan p;
	char err[160];

	if (price > 0)
		in.price_hour = price;
	if (*req != '\0' && capacity_parse_prices(req, &in.get_1k, &in.put_1k, err,
	    sizeof(err)) < 0)
		in.get_1k = in.put_1k = -1;
	if (in.price_hour < 0 && in.get_1k < 0) {
		fprintf(o->md, "- |\n");
		return json_null();
	}
	if (capacity_requests(s->rs, b, &gets, &puts) < 0)
		gets = puts = 1;	/* the pipeline: a GET and a PUT */
	capacity_plan(ips, gets, puts, &in, &p);
	fprintf(o->md, "%s + %s |\n", report_num(o, p.compute_per_m, 4),
	    report_num(o, p.requests_per_m, 4));
	return json_pack("{s:o,s:o}", "compute", report_jnum(p.compute_per_m), "requests",
	    report_jnum(p.requests_per_m));
}

static void
whatif_table(struct report_out *o, const struct report_scenario *s, json_t *arr)
{
	double lat = capacity_latency_ms(s->rs), lat2, extra;
	char why1[96], why2[96];
	const struct report_model *m;
	const struct rs_run *r;
	struct cap_whatif_in in1, in2;
	struct cap_whatif w1, w2;
	size_t k, l;

	if (s->r0_s <= 0 || s->seq == NULL)
		return;
	lat2 = lat > 0 ? 2 * lat : 50;
	extra = s->seq->tr.stage_cpu_ms[1] >= 0 ? s->seq->tr.stage_cpu_ms[1] :
	    s->seq->tr.stage_ms[1];
	extra = extra > 0 ? extra : 0;
	memset(&in1, 0, sizeof(in1));
	memset(&in2, 0, sizeof(in2));
	in1.add_r0_s = 4 * (lat2 - lat) / 1e3;
	in2.add_r0_s = in2.add_cpu_s = extra / 1e3;
	in2.rescale = 1;
	fprintf(o->md, "\n**%s** (measured at %.0f ms one-way; the process stage costs %s ms "
	    "of CPU per image):\n\n| model | in flight | measured images/s | at %.0f ms: "
	    "in flight | images/s | limit | CPU stage x2: in flight | images/s | limit |\n"
	    "|---|--:|--:|--:|--:|---|--:|--:|---|\n", s->label, lat, report_num(o, extra, 2),
	    lat2);
	for (k = 0; k < s->n_models; k++) {
		m = &s->models[k];
		r = m->best;	/* the run at the recommended level, else the best */
		for (l = 0; l < m->n_runs; l++)
			if (m->runs[l]->level == m->recommended)
				r = m->runs[l];
		capacity_whatif(s, m, r, &in1, &w1);
		capacity_whatif(s, m, r, &in2, &w2);
		fprintf(o->md, "| %s | %s | %s | ", m->name, report_num(o, r->v[RS_in_flight], 0),
		    report_num(o, report_ips(s, r), 1));
		fprintf(o->md, "%.0f | %s | %s | ", w1.in_flight, report_num(o, w1.ips, 1),
		    w1.from_fit ? "USL fit" : limit_name(m, &w1.b, why1, sizeof(why1)));
		fprintf(o->md, "%.0f | %s | %s |\n", w2.in_flight, report_num(o, w2.ips, 1),
		    w2.from_fit ? "USL fit" : limit_name(m, &w2.b, why2, sizeof(why2)));
		json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:o,s:o,s:f,s:o,s:i,s:f,s:o,"
		    "s:i,s:f}", "kind", "prediction", "scenario", s->label, "model", m->name,
		    "in_flight", report_jnum(r->v[RS_in_flight]), "measured",
		    report_jnum(report_ips(s, r)), "latency_ms", lat2, "predicted_latency",
		    report_jnum(w1.ips), "level_latency", (int)w1.level, "in_flight_latency",
		    w1.in_flight, "predicted_cpu_x2", report_jnum(w2.ips), "level_cpu_x2",
		    (int)w2.level, "in_flight_cpu_x2", w2.in_flight));
	}
}

void
report_plan_skews(struct report_out *o, const struct report *rep)
{
	json_t *arr = json_array();
	unsigned reps;
	size_t i, l;

	report_out_section(o, "What could skew these numbers");
	for (i = 0; i < rep->n; i++)
		skews_scenario(o, &rep->sc[i], arr);
	for (i = 0, reps = 1; i < rep->n; i++)
		for (l = 0; l < rep->sc[i].rs->n_runs; l++)
			reps = rep->sc[i].rs->runs[l].rep > reps ? rep->sc[i].rs->runs[l].rep : reps;
	if (reps < 2)
		skew(o, arr, "each run is one sample: repeat scenarios (`repeat = 3`) and "
		    "compare folders (`exifbench compare A B`) before trusting a difference under "
		    "a few percent");
	else
		skew(o, arr, "runs were repeated (up to %u times): the summary, the figures and "
		    "the plans use the mean of a level's repeats, with a 95%% interval; a "
		    "difference inside the intervals is noise, and %u repeats are still few "
		    "for a difference under a few percent", reps, reps);
	json_object_set_new(o->js, "skews", arr);
}

/* The worst of each figure over the runs of s, and the runs that were short, failed or noisy. */
static void
skews_scan(const struct report_scenario *s, struct skews *w)
{
	const struct rs_run *r;
	double pus = rs_meta_num(s->rs, "machine.pus"), busy, ours, other;
	size_t l;

	memset(w, 0, sizeof(*w));
	w->idle = 100;
	for (l = 0; l < s->rs->n_runs; l++) {
		r = &s->rs->runs[l];
		/*
		 * What the machine's CPUs did beyond the bench's own groups (client, server,
		 * shaper, sampler; % of a core each) in % of all of them: other work on a
		 * shared machine, which the run's figures carry as noise.
		 */
		busy = 100 - r->v[RS_sys_idle_pct] - fmax(r->v[RS_sys_iowait_pct], 0);
		ours = fmax(r->v[RS_model_cpu_pct], 0) + fmax(r->v[RS_server_cpu_pct], 0) +
		    fmax(r->v[RS_shaper_cpu_pct], 0) + fmax(r->v[RS_sampler_cpu_pct], 0);
		other = pus > 0 && busy >= 0 ? busy - ours / pus : 0;
		if (other > w->other)
			w->other = other, w->other_busy = busy, w->other_ours = ours / pus;
		w->others += other > OTHER_PCT;
		w->steal = fmax(w->steal, r->v[RS_sys_steal_pct]);
		w->idle = fmin(w->idle, r->v[RS_sys_idle_pct]);
		w->shaper = fmax(w->shaper, r->v[RS_shaper_cpu_pct]);
		w->sampler = fmax(w->sampler, r->v[RS_sampler_cpu_pct]);
		w->shorts += r->v[RS_window_s] < 3 || r->v[RS_kept] < 50;
		w->errs += r->v[RS_errors] > 0;
		w->bad += strcmp(r->status, "ok") != 0;
		if (r->tr.ips_se > 0 && r->tr.ips_se > 0.05 * r->v[RS_images_per_s])
			w->noisy = fmax(w->noisy, 100 * r->tr.ips_se / r->v[RS_images_per_s]),
			    w->nb++;
	}
}

static void
skews_scenario(struct report_out *o, const struct report_scenario *s, json_t *arr)
{
	json_t *shared = rs_meta(s->rs, "server.shared_with_client");
	struct skews w;

	skews_scan(s, &w);
	if (rs_meta_num(s->rs, "server.local") == 1)
		skew(o, arr, "%s: the S3 server is local (%s), so requests cross loopback "
		    "and the emulated latency stands for the network; %s", s->label,
		    rs_meta_str(s->rs, "endpoint"), json_array_size(shared) > 0 ?
		    "it ran on the client's PUs, so its CPU was taken from the client's "
		    "(server CPU is in every table)" : "it ran on PUs apart from the client");
	if (w.steal > 0.5)
		skew(o, arr, "%s: the hypervisor stole up to %.1f%% of the CPU time in a run "
		    "(a noisy neighbour)", s->label, w.steal);
	if (w.idle < 5)
		skew(o, arr, "%s: the machine was saturated in at least one run (%.1f%% "
		    "idle): %s", s->label, w.idle, w.other > OTHER_PCT ? "other processes "
		    "took most of it (below)" : "client, server and shaper competed for the CPUs");
	if (w.other > OTHER_PCT)
		skew(o, arr, "%s: other processes on this machine used its CPUs in %zu of %zu "
		    "runs, up to %.0f%% of them (the machine %.0f%% busy, the bench's client, "
		    "server, shaper and sampler %.1f%%): the figures carry their noise; rerun "
		    "on a quiet machine, or with `--client-cpus`/`--server-cpus` on PUs of "
		    "their own", s->label, w.others, s->rs->n_runs, w.other, w.other_busy,
		    w.other_ours);
	if (w.shaper > 5)
		skew(o, arr, "%s: the latency-emulating shaper used up to %.1f%% of a core, "
		    "CPU a real network would not take from this machine", s->label, w.shaper);
	if (w.sampler > 1)
		skew(o, arr, "%s: the sampler used up to %.2f%% of a core", s->label, w.sampler);
	if (w.shorts > 0)
		skew(o, arr, "%s: %zu of %zu runs kept under 50 images or a window under "
		    "3 s after trimming the first and last %.0f%% (warm-up, drain): their "
		    "rates are rough", s->label, w.shorts, s->rs->n_runs,
		    100 * rs_meta_num(s->rs, "scenario.trim"));
	if (w.nb > 0)
		skew(o, arr, "%s: in %zu run%s the standard error of the rate, from its "
		    "per-second completions, was over 5%% of it (up to %.1f%%)", s->label,
		    w.nb, w.nb == 1 ? "" : "s", w.noisy);
	if (w.errs > 0 || w.bad > 0)
		skew(o, arr, "%s: %zu run%s had failed images and %zu did not end ok "
		    "(summary.csv status): their rates count only what finished",
		    s->label, w.errs, w.errs == 1 ? "" : "s", w.bad);
	if (strcmp(rs_meta_str(s->rs, "status"), "complete") != 0)
		skew(o, arr, "%s: the bench did not complete (status %s): runs are missing",
		    s->label, rs_meta_str(s->rs, "status"));
}

static void
skew(struct report_out *o, json_t *arr, const char *fmt, ...)
{
	char line[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(o->md, "- %s.\n", line);
	json_array_append_new(arr, json_string(line));
}

/*
 * A what-if's limit into buf: the bound's name; for a model with several levels but no fit,
 * saying that the figure is only a bound (an upper limit, not a prediction of contention).
 */
static const char *
limit_name(const struct report_model *m, const struct bound *b, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", analysis_bound_name(b->limit), !m->usl_ok && m->n_runs > 1 ?
	    " (no fit: an upper bound only)" : "");
	return buf;
}

/* The first-rep run of model at level with the given client PU count. */
static const struct rs_run *
at(const struct report_scenario *s, const char *model, unsigned level, unsigned pus)
{
	size_t l;

	for (l = 0; l < s->rs->n_runs; l++)
		if (strcmp(s->rs->runs[l].model, model) == 0 && s->rs->runs[l].level == level &&
		    s->rs->runs[l].client_pus == pus && s->rs->runs[l].rep <= 1)
			return &s->rs->runs[l];
	return NULL;
}
