/*
 * plan_doc.c: the plan of `exifbench plan` as one JSON document (docs/planning.md lists its
 * fields): the inputs and what the plan leaves out; per scenario, where its rates were
 * measured and on what; per model, its best setting (capacity_settings, capacity_best), the
 * plan at its rate (capacity_plan) and, with --latency-ms or --cpu-ms, the prediction under
 * the new conditions at the level chosen for them (capacity_whatif), with its inputs.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "plan_cmd.h"

static json_t *scenario_doc(const struct plan_opts *o, const struct report_scenario *s,
    char *err, size_t errlen);
static json_t *model_doc(const struct plan_opts *o, const struct report_scenario *s,
    const struct report_model *m, char *err, size_t errlen);
static json_t *whatif_doc(const struct plan_opts *o, const struct report_scenario *s,
    const struct report_model *m, const struct rs_run *base, double gets, double puts);
static json_t *plan_json(const struct cap_plan *p);
static json_t *jnum(double v);

/* The whole plan: its inputs and assumptions, then a part per scenario. */
json_t *
plan_doc(const struct plan_opts *o, const struct report *rep, char *err, size_t errlen)
{
	json_t *doc, *in, *arr = json_array(), *sc;
	char now[32];
	time_t t = time(NULL);
	size_t i;

	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	for (i = 0; i < rep->n; i++) {
		if ((sc = scenario_doc(o, &rep->sc[i], err, errlen)) == NULL) {
			json_decref(arr);
			return NULL;
		}
		json_array_append_new(arr, sc);
	}
	in = json_pack("{s:o,s:o,s:o,s:f,s:o,s:o,s:o,s:o}", "images", jnum(o->in.images),
	    "deadline_s", jnum(o->in.deadline_s), "slo_p99_ms", jnum(o->slo_ms > 0 ? o->slo_ms :
	    -1), "headroom", o->in.headroom, "price_per_hour", jnum(o->in.price_hour),
	    "request_prices_per_1000", o->in.get_1k >= 0 ? json_pack("{s:f,s:f}", "get",
	    o->in.get_1k, "put", o->in.put_1k) : json_null(), "latency_ms", o->latency ?
	    json_string(o->latency) : json_null(), "cpu_ms", o->cpu ? json_string(o->cpu) :
	    json_null());
	doc = json_pack("{s:s,s:s,s:s,s:o,s:[s,s,s,s],s:o}", "kind", o->latency || o->cpu ?
	    "prediction" : "plan", "made_by", "exifbench plan", "made_utc", now, "inputs", in,
	    "not_included", "data transfer (bytes out of the cloud or between regions)",
	    "storage of the inputs and outputs", "the S3 service's own capacity (the planned "
	    "machines all at once: the measured server was one, local)",
	    "machine start-up and idle time (hours are billed as used)", "scenarios", arr);
	return doc;
}

/* One scenario: where its rates come from and a part per model. */
static json_t *
scenario_doc(const struct plan_opts *o, const struct report_scenario *s, char *err,
    size_t errlen)
{
	json_t *models = json_array(), *md;
	size_t k;

	for (k = 0; k < s->n_models; k++) {
		if ((md = model_doc(o, s, &s->models[k], err, errlen)) == NULL) {
			json_decref(models);
			return NULL;
		}
		json_array_append_new(models, md);
	}
	return json_pack("{s:s,s:s,s:s,s:i,s:{s:s,s:o,s:o},s:f,s:o,s:o}", "name", s->label,
	    "folder", s->rs->dir, "client_pus_set", s->main_tag, "runs", (int)s->rs->n_runs,
	    "measured_on", "cpu_model", rs_meta_str(s->rs, "machine.cpu_model"), "pus",
	    jnum(rs_meta_num(s->rs, "machine.pus")), "cores",
	    jnum(rs_meta_num(s->rs, "machine.cores")), "latency_ms",
	    capacity_latency_ms(s->rs), "cpu_spin_ms",
	    jnum(rs_meta_num(s->rs, "scenario.cpu_spin_ms")), "models", models);
}

/* One model: its best setting, the plan at its rate, and the what-if when asked. */
static json_t *
model_doc(const struct plan_opts *o, const struct report_scenario *s,
    const struct report_model *m, char *err, size_t errlen)
{
	struct cap_setting set[CAPACITY_MAX_SETTINGS];
	const struct cap_setting *b, *any;
	struct cap_plan p;
	double best_p99, gets, puts;
	const char *src = "trace (get_attempts, put_attempts)";
	json_t *md;
	int n;

	n = capacity_settings(s->rs, m->name, s->main_tag, s->main_clients, set,
	    CAPACITY_MAX_SETTINGS, err, errlen);
	if (n < 0)
		return NULL;
	b = capacity_best(set, (size_t)n, o->slo_ms, &best_p99);
	any = capacity_best(set, (size_t)n, 0, NULL);
	md = json_pack("{s:s,s:i,s:b,s:o}", "model", m->name, "settings", n, "meets_slo",
	    b != NULL, "best_p99_ms", jnum(best_p99));
	if (any == NULL) {
		json_object_set_new(md, "note", json_string("no run ended ok with a rate"));
		return md;
	}
	if (capacity_requests(s->rs, (b ? b : any)->run, &gets, &puts) < 0)
		gets = 1, puts = 1, src = "pipeline (1 GET, 1 PUT: a bench does not upload the "
		    "image; the trace has no attempt counts)";
	if (b != NULL) {
		capacity_plan(b->ips, gets, puts, &o->in, &p);
		json_object_set_new(md, "measured", json_pack("{s:i,s:o,s:i,s:o,s:o,s:s,s:{s:f,"
		    "s:f,s:s},s:o}", "level", (int)b->level, "offered_per_s", jnum(b->offered),
		    "repeats", (int)b->reps, "images_per_s", jnum(b->ips), "p99_ms",
		    jnum(b->p99_ms), "p99_column", b->p99_resp ? "resp_p99_ms" : "e2e_p99_ms",
		    "requests_per_image", "gets", gets, "puts", puts, "source", src, "plan",
		    plan_json(&p)));
		json_object_set_new(json_object_get(md, "measured"), "other_cpu_cores",
		    jnum(capacity_other_cores(s->rs, b->run)));
	}
	if (o->latency != NULL || o->cpu != NULL)
		json_object_set_new(md, "prediction", whatif_doc(o, s, m, (b ? b : any)->run,
		    gets, puts));
	return md;
}

/* The what-if of model m measured at run base: the new conditions, the level chosen. */
static json_t *
whatif_doc(const struct plan_opts *o, const struct report_scenario *s,
    const struct report_model *m, const struct rs_run *base, double gets, double puts)
{
	double lat = capacity_latency_ms(s->rs), spin = rs_meta_num(s->rs, "scenario.cpu_spin_ms");
	double nlat = lat, nspin;
	struct cap_whatif_in in;
	struct cap_whatif w;
	struct cap_plan p;
	char err[256];
	json_t *doc;

	spin = spin >= 0 ? spin : 0, nspin = spin;
	if (o->latency != NULL)
		capacity_parse_scaled(o->latency, lat, &nlat, err, sizeof(err));
	if (o->cpu != NULL)
		capacity_parse_scaled(o->cpu, spin, &nspin, err, sizeof(err));
	memset(&in, 0, sizeof(in));
	/* each image is a GET and a PUT: a round trip each, so 4 x the one-way change */
	in.add_r0_s = (4 * (nlat - lat) + (nspin - spin)) / 1e3;
	in.add_cpu_s = (nspin - spin) / 1e3;
	in.rescale = nspin != spin;
	in.slo_ms = o->slo_ms;
	capacity_whatif(s, m, base, &in, &w);
	capacity_plan(w.ips, gets, puts, &o->in, &p);
	doc = json_pack("{s:s,s:f,s:f,s:i,s:f,s:o,s:o,s:s,s:b,s:s,s:{s:i,s:o,s:o,s:o,s:o,s:b,"
	    "s:i,s:o},s:o}", "kind", "prediction", "latency_ms", nlat, "cpu_spin_ms", nspin,
	    "level", (int)w.level, "in_flight", w.in_flight, "images_per_s", jnum(w.ips),
	    "mean_latency_ms", jnum(w.mean_ms), "limit", w.from_fit ? "USL fit" :
	    analysis_bound_name(w.b.limit), "meets_slo", w.meets, "rule", "the level of 1, 2, "
	    "4, ... the model's cap (at most 4096) with the highest predicted images/s (the "
	    "lowest within 1% of it), among those whose predicted mean latency N/X meets the "
	    "objective", "inputs", "base_level", (int)base->level, "r0_s_measured",
	    jnum(w.old_r0_s), "r0_s", jnum(w.r0_s), "usl", m->usl_ok ? json_pack("{s:f,s:f,s:f}",
	    "lambda", m->usl.lambda, "sigma", m->usl.sigma, "kappa", m->usl.kappa) : json_null(),
	    "bound_images_per_s", jnum(isfinite(w.b.best) ? w.b.best : -1), "lambda_rescaled",
	    in.rescale, "searched_to", (int)w.cap, "measured_images_per_s",
	    jnum(base->v[RS_images_per_s]), "plan", plan_json(&p));
	json_object_set_new(json_object_get(doc, "inputs"), "base_other_cpu_cores",
	    jnum(capacity_other_cores(s->rs, base)));
	return doc;
}

static json_t *
plan_json(const struct cap_plan *p)
{
	return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "planned_images_per_s",
	    jnum(p->planned_ips), "machines", jnum(p->machines), "machines_rounded_up",
	    jnum(p->machines_up), "hours", jnum(p->hours), "machine_hours",
	    jnum(p->machine_hours), "compute_per_million", jnum(p->compute_per_m),
	    "requests_per_million", jnum(p->requests_per_m), "total_per_million",
	    jnum(p->compute_per_m >= 0 && p->requests_per_m >= 0 ? p->compute_per_m +
	    p->requests_per_m : -1));
}

/* A JSON real, or null when v is NaN, infinite or negative. */
static json_t *
jnum(double v)
{
	return v >= 0 && isfinite(v) ? json_real(v) : json_null();
}
