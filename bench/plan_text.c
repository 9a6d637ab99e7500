/*
 * plan_text.c: the plan document of cmd_plan.c as text: the assumptions first (the batch,
 * the headroom, the prices, where each rate was measured and on what, what is left out),
 * then per scenario a row per model at its best measured setting, then, when asked, the
 * what-if rows, each labelled a prediction. It reads only the document, so the text and
 * --json never disagree.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plan_cmd.h"

static void assumptions(const json_t *doc);
static void scenario(const json_t *doc, const json_t *sc);
static void measured_row(const json_t *md);
static void predicted_row(const json_t *md);
static const char *fmt(char *buf, size_t len, const json_t *v, int prec);
static double num(const json_t *o, const char *path);

#define NUMBUF 32

void
plan_text(const json_t *doc)
{
	const json_t *arr = json_object_get(doc, "scenarios");
	size_t i;

	assumptions(doc);
	for (i = 0; i < json_array_size(arr); i++)
		scenario(doc, json_array_get(arr, i));
}

static void
assumptions(const json_t *doc)
{
	const json_t *in = json_object_get(doc, "inputs"), *nb = json_object_get(doc,
	    "not_included"), *rp = json_object_get(in, "request_prices_per_1000");
	double f = num(in, "headroom"), slo = num(in, "slo_p99_ms"), p = num(in, "price_per_hour");
	size_t i;

	printf("plan: %.0f images within %g s (%.4g h); headroom %g%%: each machine planned at "
	    "%g%% of its measured rate\n", num(in, "images"), num(in, "deadline_s"),
	    num(in, "deadline_s") / 3600, 100 * f, 100 * (1 - f));
	printf("  latency objective: %s", isnan(slo) ? "none\n" : "");
	if (!isnan(slo))
		printf("p99 at most %g ms (resp_p99_ms of an open-loop run, else e2e_p99_ms, "
		    "which hides queueing)\n", slo);
	if (isnan(p))
		printf("  price per machine-hour: not given (no compute cost)\n");
	else
		printf("  price per machine-hour: %g\n", p);
	if (json_is_object(rp))
		printf("  request prices: %g per 1000 GETs, %g per 1000 PUTs\n", num(rp, "get"),
		    num(rp, "put"));
	else
		printf("  request prices: not given (no request cost)\n");
	printf("  not included:");
	for (i = 0; i < json_array_size(nb); i++)
		printf("%s %s", i ? ";" : "", json_string_value(json_array_get(nb, i)));
	printf("\n");
}

static void
scenario(const json_t *doc, const json_t *sc)
{
	const json_t *models = json_object_get(sc, "models"), *in = json_object_get(doc,
	    "inputs"), *on = json_object_get(sc, "measured_on");
	size_t k;
	int pred = 0;

	printf("\n%s: rates from %s (%d runs, client PU set %s), measured on %s, %g PUs "
	    "(meta.json); %g ms one-way latency added, CPU spin %g ms per image\n",
	    json_string_value(json_object_get(sc, "name")),
	    json_string_value(json_object_get(sc, "folder")),
	    (int)json_integer_value(json_object_get(sc, "runs")),
	    json_string_value(json_object_get(sc, "client_pus_set")),
	    json_string_value(json_object_get(on, "cpu_model")), num(on, "pus"),
	    num(sc, "latency_ms"), num(sc, "cpu_spin_ms"));
	printf("  each model at its best measured setting (mean images/s over the repeats that "
	    "ended ok, the worst repeat's p99);\n  machines, hours and costs are that rate's "
	    "arithmetic, assuming every machine makes it\n");
	printf("  %-10s %6s %5s %10s %9s %9s %7s %9s %11s %11s %9s  %s\n", "model", "level",
	    "reps", "images/s", "p99 ms", "machines", "up", "hours", "compute/M",
	    "requests/M", "total/M", "requests per image");
	for (k = 0; k < json_array_size(models); k++) {
		measured_row(json_array_get(models, k));
		pred |= json_object_get(json_array_get(models, k), "prediction") != NULL;
	}
	if (!pred)
		return;
	printf("\n  what if: PREDICTIONS, not measurements (one-way latency %s, CPU stage %s): the USL "
	    "fit\n  (lambda rescaled to the new R0 for a CPU change) capped by the bounds "
	    "recomputed there, at the level chosen for the new conditions\n",
	    json_is_string(json_object_get(in, "latency_ms")) ? json_string_value(
	    json_object_get(in, "latency_ms")) : "as measured", json_is_string(
	    json_object_get(in, "cpu_ms")) ? json_string_value(json_object_get(in, "cpu_ms")) :
	    "as measured");
	printf("  (a bare number is milliseconds, Kx K times the measured figure; mean ms is "
	    "the predicted N/X, Little's law: no p99 is predicted)\n");
	printf("  %-10s %9s %6s %9s %11s %11s %-18s %9s %7s %9s %9s\n", "model", "lat ms",
	    "spin", "level", "images/s", "mean ms", "limit", "machines", "up", "hours",
	    "total/M");
	for (k = 0; k < json_array_size(models); k++)
		predicted_row(json_array_get(models, k));
}

static void
measured_row(const json_t *md)
{
	const json_t *me = json_object_get(md, "measured"), *pl = json_object_get(me, "plan");
	const json_t *rq = json_object_get(me, "requests_per_image");
	char a[NUMBUF], b[NUMBUF], c[NUMBUF], d[NUMBUF], e[NUMBUF], f[NUMBUF], g[NUMBUF];
	char h[NUMBUF], lv[NUMBUF];

	if (me == NULL) {
		printf("  %-10s %s\n", json_string_value(json_object_get(md, "model")),
		    json_object_get(md, "note") ? json_string_value(json_object_get(md, "note")) :
		    "no setting meets the latency objective");
		if (json_object_get(md, "note") == NULL)
			printf("  %-10s (its best p99: %s ms)\n", "", fmt(a, sizeof(a),
			    json_object_get(md, "best_p99_ms"), 1));
		return;
	}
	if (json_is_number(json_object_get(me, "offered_per_s")))
		snprintf(lv, sizeof(lv), "%d@%g/s", (int)num(me, "level"), num(me, "offered_per_s"));
	else
		snprintf(lv, sizeof(lv), "%d", (int)num(me, "level"));
	printf("  %-10s %6s %5d %10s %9s %9s %7s %9s %11s %11s %9s  %g GET, %g PUT (%s)\n",
	    json_string_value(json_object_get(md, "model")), lv, (int)num(me, "repeats"),
	    fmt(a, sizeof(a), json_object_get(me, "images_per_s"), 1),
	    fmt(b, sizeof(b), json_object_get(me, "p99_ms"), 1),
	    fmt(c, sizeof(c), json_object_get(pl, "machines"), 2),
	    fmt(d, sizeof(d), json_object_get(pl, "machines_rounded_up"), 0),
	    fmt(e, sizeof(e), json_object_get(pl, "hours"), 2),
	    fmt(f, sizeof(f), json_object_get(pl, "compute_per_million"), 4),
	    fmt(g, sizeof(g), json_object_get(pl, "requests_per_million"), 4),
	    fmt(h, sizeof(h), json_object_get(pl, "total_per_million"), 4), num(rq, "gets"),
	    num(rq, "puts"), strncmp(json_string_value(json_object_get(rq, "source")), "trace",
	    5) == 0 ? "measured, trace" : "pipeline");
	if (strcmp(json_string_value(json_object_get(me, "p99_column")), "e2e_p99_ms") != 0)
		printf("  %-10s p99 is the response time from schedule (resp_p99_ms)\n", "");
}

static void
predicted_row(const json_t *md)
{
	const json_t *pr = json_object_get(md, "prediction"), *pl = json_object_get(pr, "plan");
	char a[NUMBUF], b[NUMBUF], c[NUMBUF], d[NUMBUF], e[NUMBUF], f[NUMBUF];

	if (pr == NULL)
		return;
	printf("  %-10s %9g %6g %9d %11s %11s %-18s %9s %7s %9s %9s%s\n",
	    json_string_value(json_object_get(md, "model")), num(pr, "latency_ms"),
	    num(pr, "cpu_spin_ms"), (int)num(pr, "level"),
	    fmt(a, sizeof(a), json_object_get(pr, "images_per_s"), 1),
	    fmt(b, sizeof(b), json_object_get(pr, "mean_latency_ms"), 1),
	    json_string_value(json_object_get(pr, "limit")),
	    fmt(c, sizeof(c), json_object_get(pl, "machines"), 2),
	    fmt(d, sizeof(d), json_object_get(pl, "machines_rounded_up"), 0),
	    fmt(e, sizeof(e), json_object_get(pl, "hours"), 2),
	    fmt(f, sizeof(f), json_object_get(pl, "total_per_million"), 4),
	    json_is_true(json_object_get(pr, "meets_slo")) ? "" : "  (no level meets the "
	    "objective: the lowest predicted latency)");
	if (!json_is_number(json_object_get(json_object_get(pr, "inputs"), "r0_s_measured")))
		printf("  %-10s R0 unknown (no run at one in flight): no latency bound, so the "
		    "level rests on the other bounds alone\n", "");
}

/* A JSON number with prec decimals, or "-" when null. */
static const char *
fmt(char *buf, size_t len, const json_t *v, int prec)
{
	if (!json_is_number(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.*f", prec, json_number_value(v));
	return buf;
}

/* o's number at key, NaN when absent or null. */
static double
num(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}
