/*
 * cmd_plan.c: `exifbench plan RESULTS_DIR --images N --deadline T ...`, the capacity planner.
 * Reads the folder as the report does (report_build: the result set, each model's runs and
 * USL fit), takes each model's best setting (capacity_settings, capacity_best), plans the
 * batch at its rate (capacity_plan) and, with --latency-ms or --cpu-ms, predicts the model
 * under the new conditions at the level chosen for them (capacity_whatif). Everything goes
 * into one JSON document, printed as it is (--json) or as text (plan_text.c); --check hands
 * over to plan_check.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "harness/engine/home.h"
#include "plan_cmd.h"

enum { O_IMAGES = 256, O_DEADLINE, O_SLO, O_PRICE, O_REQ, O_HEADROOM, O_LAT, O_CPU, O_CHECK };

static int on_option(int ch, const char *arg, void *ctx);
static json_t *plan_doc(const struct plan_opts *o, const struct report *rep, char *err,
    size_t errlen);
static json_t *scenario_doc(const struct plan_opts *o, const struct report_scenario *s,
    char *err, size_t errlen);
static json_t *model_doc(const struct plan_opts *o, const struct report_scenario *s,
    const struct report_model *m, char *err, size_t errlen);
static json_t *whatif_doc(const struct plan_opts *o, const struct report_scenario *s,
    const struct report_model *m, const struct rs_run *base, double gets, double puts);
static json_t *plan_json(const struct cap_plan *p);
static json_t *jnum(double v);

static const char usage[] =
    "usage: exifbench plan RESULTS_DIR --images N --deadline T [--slo-p99-ms X]\n"
    "           [--price-per-hour P] [--request-prices GET,PUT] [--headroom F]\n"
    "           [--latency-ms L] [--cpu-ms C] [--json]\n"
    "       exifbench plan --check PREDICTION.json RESULTS_DIR [--json]\n"
    "How many machines like the measured one a batch of N images needs to finish within T,\n"
    "from each model's best setting in RESULTS_DIR (a folder of `exifbench bench`, or a\n"
    "folder of several): the level (and offered rate, open loop) with the highest mean\n"
    "images/s over its repeats that ended ok; then machines N / (X (1 - F) T), fractional\n"
    "and rounded up, the hours on that many, and the cost per million images: machine time\n"
    "(machines x hours x P) and requests (GETs and PUTs per image, from the trace's attempt\n"
    "counts, x the prices per 1000). docs/planning.md has the formulas.\n"
    "  --images N            the batch: 10000000, 10M (k, M, G)\n"
    "  --deadline T          24h, 90m, 3600s or 3600 (seconds), 2d\n"
    "  --slo-p99-ms X        only settings whose p99 is at most X ms (resp_p99_ms of an\n"
    "                        open-loop run, else e2e_p99_ms: which one is said)\n"
    "  --price-per-hour P    price of one machine-hour (no currency assumed)\n"
    "  --request-prices G,P  prices per 1000 GET and per 1000 PUT requests\n"
    "  --headroom F          plan each machine at (1 - F) of its rate, 0 <= F < 1 (default 0)\n"
    "  --latency-ms L        what if the one-way latency were L ms (or Kx: K times the\n"
    "                        measured): a PREDICTION, at the level chosen for it\n"
    "  --cpu-ms C            what if the CPU stage (cpu_spin_ms) were C ms (or Kx)\n"
    "  --check PRED          compare PRED (plan --json with a what-if) with the runs of a\n"
    "                        later bench in RESULTS_DIR: predicted, measured, error %\n"
    "  -j, --json            the same as one JSON document on stdout (a prediction's\n"
    "                        \"kind\" is \"prediction\": keep it for --check)\n"
    "  -h, --help            this text\n"
    "Exit: 0 planned (or checked, whatever the errors); 2 usage (a bad N, T, price list,\n"
    "headroom, a missing folder); 3 a folder or file that does not read as results or a\n"
    "prediction (no meta.json, no summary.csv), or --check found no run to compare.\n";

int
cmd_plan(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "images", required_argument, NULL, O_IMAGES },
		{ "deadline", required_argument, NULL, O_DEADLINE },
		{ "slo-p99-ms", required_argument, NULL, O_SLO },
		{ "price-per-hour", required_argument, NULL, O_PRICE },
		{ "request-prices", required_argument, NULL, O_REQ },
		{ "headroom", required_argument, NULL, O_HEADROOM },
		{ "latency-ms", required_argument, NULL, O_LAT },
		{ "cpu-ms", required_argument, NULL, O_CPU },
		{ "check", required_argument, NULL, O_CHECK },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct plan_opts o;
	struct report rep;
	char home[4096], err[1024];
	double x;
	json_t *doc;
	int rv;

	memset(&o, 0, sizeof(o));
	o.in.price_hour = o.in.get_1k = o.in.put_1k = -1;
	if ((rv = cli_options(argc, argv, "jh", longopts, usage, on_option, &o)) >= 0)
		return rv;
	if (argc - optind != 1) {
		fprintf(stderr, "exifbench: plan: %s\n%s", argc == optind ? "RESULTS_DIR missing" :
		    "one RESULTS_DIR only", usage);
		return EXIT_USAGE;
	}
	if (cli_check_dir("plan RESULTS_DIR", argv[optind]) < 0)
		return EXIT_USAGE;
	if (o.check != NULL)
		return plan_check(&o, argv[optind]);
	if (!(o.in.images > 0) || !(o.in.deadline_s > 0)) {
		fprintf(stderr, "exifbench: plan: --images and --deadline are needed (see "
		    "--help)\n");
		return EXIT_USAGE;
	}
	/* the what-if values are checked now; "Kx" is resolved per scenario */
	if ((o.latency != NULL && capacity_parse_scaled(o.latency, 1, &x, err, sizeof(err)) < 0) ||
	    (o.cpu != NULL && capacity_parse_scaled(o.cpu, 1, &x, err, sizeof(err)) < 0)) {
		fprintf(stderr, "exifbench: plan: --%s %s\n", o.latency != NULL &&
		    capacity_parse_scaled(o.latency, 1, &x, err, sizeof(err)) < 0 ? "latency-ms" :
		    "cpu-ms", err);
		return EXIT_USAGE;
	}
	if (home_find(home, sizeof(home), err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: plan: %s\n", err);
		return EXIT_SETUP;
	}
	if (report_build(&rep, argv[optind], home, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: plan: %s\n", err);
		return EXIT_SETUP;
	}
	doc = plan_doc(&o, &rep, err, sizeof(err));
	report_free(&rep);
	if (doc == NULL) {
		fprintf(stderr, "exifbench: plan: %s\n", err);
		return EXIT_SETUP;
	}
	json_object_set_new(json_object_get(doc, "inputs"), "results", json_string(argv[optind]));
	if (o.json) {
		json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	} else
		plan_text(doc);
	json_decref(doc);
	return 0;
}

static int
on_option(int ch, const char *arg, void *ctx)
{
	struct plan_opts *o = ctx;
	char err[256];
	const char *name = "";
	int bad = 0;

	switch (ch) {
	case O_IMAGES:
		name = "--images", bad = capacity_parse_count(arg, &o->in.images, err,
		    sizeof(err));
		break;
	case O_DEADLINE:
		name = "--deadline", bad = capacity_parse_duration(arg, &o->in.deadline_s, err,
		    sizeof(err));
		break;
	case O_REQ:
		name = "--request-prices", bad = capacity_parse_prices(arg, &o->in.get_1k,
		    &o->in.put_1k, err, sizeof(err));
		break;
	case O_SLO:
		return cli_parse_double("plan --slo-p99-ms", arg, 1e-6, 1e9, &o->slo_ms) < 0 ?
		    EXIT_USAGE : -1;
	case O_PRICE:
		return cli_parse_double("plan --price-per-hour", arg, 0, 1e12,
		    &o->in.price_hour) < 0 ? EXIT_USAGE : -1;
	case O_HEADROOM:
		if (cli_parse_double("plan --headroom", arg, 0, 1, &o->in.headroom) < 0)
			return EXIT_USAGE;
		if (o->in.headroom >= 1) {
			fprintf(stderr, "exifbench: plan --headroom '%s' must be under 1 (the "
			    "fraction of each machine's rate held back)\n", arg);
			return EXIT_USAGE;
		}
		return -1;
	case O_LAT: o->latency = arg; return -1;
	case O_CPU: o->cpu = arg; return -1;
	case O_CHECK: o->check = arg; return -1;
	case 'j': o->json = 1; return -1;
	}
	if (bad) {
		fprintf(stderr, "exifbench: plan %s %s\n", name, err);
		return EXIT_USAGE;
	}
	return -1;
}

/* The whole plan: its inputs and assumptions, then a part per scenario. */
static json_t *
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
	return json_pack("{s:s,s:f,s:f,s:i,s:f,s:o,s:o,s:s,s:b,s:s,s:{s:i,s:o,s:o,s:o,s:o,s:b,"
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
