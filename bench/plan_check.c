/*
 * plan_check.c: `exifbench plan --check PREDICTION.json RESULTS_DIR`: each model's predicted
 * rate (and machines) against the run of a later bench at the predicted model and level, or
 * the nearest level it measured (said so). The measured machines come from the same
 * capacity_plan and the prediction's own inputs (batch, deadline, headroom), so the two
 * machine counts differ only by the rates. The error is (predicted - measured) / measured:
 * a measurement of the model, whatever its size, so it never fails the command.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "plan_cmd.h"

/* One prediction and what was measured for it. */
struct check_row {
	const char *scenario, *model, *found_in;
	unsigned level, level_measured;
	unsigned reps;
	double predicted, measured, machines_p, machines_m;
	double others_base, others_m;	/* CPU cores busy outside the runs (capacity.h) */
};

static int find_measured(const struct resultset *rs, const char *scenario, const char *model,
    unsigned level, struct check_row *row, const struct cap_in *in);
static void cap_in_of(const json_t *doc, struct cap_in *in);
static double pct(double predicted, double measured);
static const char *cores(char *buf, double v);
static json_t *jnum(double v);
static json_t *jpct(double v);

int
plan_check(const struct plan_opts *o, const char *dir)
{
	json_t *doc, *out, *rows, *sc, *md, *pr;
	struct resultset rs;
	struct check_row r;
	struct cap_in in;
	char ob[16], om[16];
	json_error_t je;
	char err[1024];
	size_t i, k, matched = 0, asked = 0;

	if ((doc = json_load_file(o->check, 0, &je)) == NULL) {
		fprintf(stderr, "exifbench: plan --check %s:%d: %s\n", o->check, je.line, je.text);
		return EXIT_SETUP;
	}
	if (strcmp(json_string_value(json_object_get(doc, "kind")) ?
	    json_string_value(json_object_get(doc, "kind")) : "", "prediction") != 0) {
		fprintf(stderr, "exifbench: plan --check %s: not a prediction (its \"kind\" is "
		    "not \"prediction\": make it with plan --json --latency-ms or --cpu-ms)\n",
		    o->check);
		json_decref(doc);
		return EXIT_SETUP;
	}
	if (resultset_load(&rs, dir, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: plan --check: %s\n", err);
		json_decref(doc);
		return EXIT_SETUP;
	}
	cap_in_of(doc, &in);
	rows = json_array();
	if (!o->json)
		printf("check: predictions of %s (made %s) against the runs in %s\n  %-12s %-10s "
		    "%6s %8s %10s %10s %8s %9s %9s %8s %13s\n", o->check, json_string_value(
		    json_object_get(doc, "made_utc")), dir, "scenario", "model", "level",
		    "measured", "predicted", "measured", "error", "machines", "measured", "error",
		    "other cores");
	sc = json_object_get(doc, "scenarios");
	for (i = 0; i < json_array_size(sc); i++)
		for (k = 0; k < json_array_size(json_object_get(json_array_get(sc, i), "models"));
		    k++) {
			md = json_array_get(json_object_get(json_array_get(sc, i), "models"), k);
			if ((pr = json_object_get(md, "prediction")) == NULL)
				continue;
			asked++;
			memset(&r, 0, sizeof(r));
			r.scenario = json_string_value(json_object_get(json_array_get(sc, i),
			    "name"));
			r.model = json_string_value(json_object_get(md, "model"));
			r.level = (unsigned)json_integer_value(json_object_get(pr, "level"));
			r.predicted = json_number_value(json_object_get(pr, "images_per_s"));
			r.machines_p = json_number_value(json_object_get(json_object_get(pr, "plan"),
			    "machines"));
			r.others_base = json_is_number(json_object_get(json_object_get(pr, "inputs"),
			    "base_other_cpu_cores")) ? json_number_value(json_object_get(
			    json_object_get(pr, "inputs"), "base_other_cpu_cores")) : NAN;
			if (r.scenario == NULL || r.model == NULL || find_measured(&rs, r.scenario,
			    r.model, r.level, &r, &in) < 0) {
				if (!o->json)
					printf("  %-12s %-10s %6u %8s   no run of this model measured\n",
					    r.scenario ? r.scenario : "?", r.model ? r.model : "?",
					    r.level, "-");
				continue;
			}
			matched++;
			if (!o->json)
				printf("  %-12s %-10s %6u %8u %10.1f %10.1f %+7.1f%% %9.3f %9.3f "
				    "%+7.1f%% %5s -> %-4s%s\n", r.scenario, r.model, r.level,
				    r.level_measured, r.predicted, r.measured,
				    pct(r.predicted, r.measured), r.machines_p, r.machines_m,
				    pct(r.machines_p, r.machines_m), cores(ob, r.others_base),
				    cores(om, r.others_m), r.level_measured != r.level ?
				    "  (nearest level measured)" : "");
			json_array_append_new(rows, json_pack("{s:s,s:s,s:s,s:i,s:i,s:b,s:i,s:o,"
			    "s:o,s:o,s:o,s:o,s:o}", "scenario", r.scenario, "model", r.model,
			    "measured_in", r.found_in, "level", (int)r.level, "level_measured",
			    (int)r.level_measured, "nearest", r.level_measured != r.level,
			    "repeats", (int)r.reps, "predicted_images_per_s", jnum(r.predicted),
			    "measured_images_per_s", jnum(r.measured), "error_pct",
			    jpct(pct(r.predicted, r.measured)), "predicted_machines",
			    jnum(r.machines_p), "measured_machines", jnum(r.machines_m),
			    "machines_error_pct", jpct(pct(r.machines_p, r.machines_m))));
			json_object_set_new(json_array_get(rows, json_array_size(rows) - 1),
			    "other_cpu_cores", json_pack("{s:o,s:o}", "base", jnum(r.others_base),
			    "measured", jnum(r.others_m)));
		}
	out = json_pack("{s:s,s:s,s:s,s:i,s:i,s:o}", "kind", "check", "prediction", o->check,
	    "results", dir, "predictions", (int)asked, "matched", (int)matched, "rows", rows);
	if (o->json) {
		/* full precision, as the prediction's own document: the errors are recomputable */
		json_dumpf(out, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(out);
	} else {
		printf("error = (predicted - measured) / measured; machines for %.0f images within "
		    "%g s at headroom %g, from each rate; other cores: the CPU the machine spent "
		    "outside the run (other tenants, steal), in the prediction's base run -> in the "
		    "measured one\n", in.images, in.deadline_s, in.headroom);
		json_decref(out);
	}
	resultset_free(&rs);
	json_decref(doc);
	if (matched == 0) {
		fprintf(stderr, "exifbench: plan --check: no run in %s is of a model %s "
		    "predicts\n", dir, o->check);
		return EXIT_SETUP;
	}
	return 0;
}

/*
 * The measured setting for a prediction: in the scenarios named as the prediction's (else in
 * any), the model's run at the level, else the nearest level. 0 with row filled, or -1.
 */
static int
find_measured(const struct resultset *rs, const char *scenario, const char *model,
    unsigned level, struct check_row *row, const struct cap_in *in)
{
	struct cap_setting set[CAPACITY_MAX_SETTINGS];
	const struct cap_setting *c;
	const struct rs_scenario *from = NULL;
	double d, bd = INFINITY;
	struct cap_plan p;
	double gets, puts;
	char err[256];
	size_t i;
	int pass, n;

	for (pass = 0; pass < 2 && from == NULL; pass++)
		for (i = 0; i < rs->n; i++) {
			if (pass == 0 && strcmp(rs->sc[i].name, scenario) != 0)
				continue;
			n = capacity_settings(&rs->sc[i], model, NULL, 0, set,
			    CAPACITY_MAX_SETTINGS, err, sizeof(err));
			if (n <= 0 || (c = capacity_nearest(set, (size_t)n, level)) == NULL)
				continue;
			if ((d = fabs(log((double)c->level / level))) < bd) {
				row->level_measured = c->level, row->reps = c->reps;
				row->measured = c->ips, from = &rs->sc[i];
				row->others_m = capacity_other_cores(from, c->run);
				bd = d;
				if (capacity_requests(from, c->run, &gets, &puts) < 0)
					gets = puts = 1;
			}
		}
	if (from == NULL)
		return -1;
	row->found_in = from->dir;
	capacity_plan(row->measured, gets, puts, in, &p);
	row->machines_m = p.machines;
	return 0;
}

static void
cap_in_of(const json_t *doc, struct cap_in *in)
{
	const json_t *i = json_object_get(doc, "inputs");

	memset(in, 0, sizeof(*in));
	in->images = json_number_value(json_object_get(i, "images"));
	in->deadline_s = json_number_value(json_object_get(i, "deadline_s"));
	in->headroom = json_number_value(json_object_get(i, "headroom"));
	in->price_hour = in->get_1k = in->put_1k = -1;
}

/* Cores with two decimals, "-" unknown (a prediction made before the figure was kept). */
static const char *
cores(char *buf, double v)
{
	if (v >= 0)
		snprintf(buf, 16, "%.2f", v);
	else
		snprintf(buf, 16, "-");
	return buf;
}

static double
pct(double predicted, double measured)
{
	return measured > 0 ? 100 * (predicted - measured) / measured : NAN;
}

static json_t *
jnum(double v)
{
	return v >= 0 && isfinite(v) ? json_real(v) : json_null();
}

/* A signed percentage, or null when NaN. */
static json_t *
jpct(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}
