/*
 * test_rates.c: unit tests of harness/report/rates.c, the rules the report applies to a rate
 * sweep, on hand-made rows. Sustained: ok and failed_keys runs that did not give their rate
 * up, not unsustained, stopped or error ones, nor a closed-loop run. The knee: the highest
 * qualifying rate whatever the order, the 5% edge exactly (95% of offered qualifies, just
 * under does not), a rate sustained but achieved too low, an unsustained run that achieved
 * enough, none. The objective: the highest sustained rate with resp p99 within it (the edge
 * included), unknown p99s skipped, none within, no objective. The runs of a scenario by model and level: sorted
 * by rate then repeat, other PU sets, client counts and closed-loop runs left out, the levels
 * ascending and once each. The scenario keys of a sweep (rates, arrivals, max_backlog,
 * slo_p99_ms: bad values name file, line and key; none; full.rates) and its plan (a run per
 * level and rate, sequential once; --rate, --arrivals and --max-backlog passed; -rateR in the
 * run's name; a rate twice or rates with clients > 1 refused). test_inval feeds NULL points,
 * no points and bad objectives.
 */
#include "harness/report/rates.c"

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "harness/engine/plan.h"
#include "harness/engine/scenario.h"

#define P(o, a, k, p99) { o, a, k, p99 }

/* A run as resultset.c reads it: every figure NaN but those given. */
static void
run(struct rs_run *r, const char *model, unsigned level, double rate, unsigned rep,
    const char *status, double sustained, double ips)
{
	int i;

	memset(r, 0, sizeof(*r));
	snprintf(r->model, sizeof(r->model), "%s", model);
	snprintf(r->tag, sizeof(r->tag), "all");
	snprintf(r->status, sizeof(r->status), "%s", status);
	r->level = level, r->rate = rate, r->rep = rep, r->clients = 1;
	for (i = 0; i < RS_NCOL; i++)
		r->v[i] = NAN;
	r->v[RS_sustained] = sustained;
	r->v[RS_images_per_s] = ips;
}

static void
test_sustained(void **state)
{
	static const struct {
		const char *status;
		double rate, cell;	/* cell: summary.csv's sustained */
		int sustained;
	} cases[] = {
		{ "ok", 10, 1, 1 },
		{ "failed_keys", 10, 1, 1 },
		{ "unsustained", 10, 0, 0 },
		{ "ok", 10, 0, 0 },		/* the summary said not sustained */
		{ "stopped", 10, 1, 0 },
		{ "error", 10, 1, 0 },
		{ "ok", 0, 1, 0 },		/* closed loop: no rate to keep */
	};
	struct rate_point p;
	struct rs_run r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run(&r, "async", 4, cases[i].rate, 1, cases[i].status, cases[i].cell, 9.5);
		r.v[RS_resp_p99_ms] = 120;
		assert_int_equal(rates_sustained(&r), cases[i].sustained);
		assert_int_equal(rates_kept(&r), cases[i].sustained);	/* 9.5 of 10: within 5% */
		r.v[RS_images_per_s] = 9.4;
		assert_int_equal(rates_kept(&r), 0);	/* sustained, not kept up */
		r.v[RS_images_per_s] = 9.5;
		rates_point(&r, &p);
		assert_int_equal(p.sustained, cases[i].sustained);
		assert_true(p.offered == cases[i].rate && p.achieved == 9.5 &&
		    p.resp_p99_ms == 120);
	}
	assert_int_equal(rates_sustained(NULL), 0);
	assert_int_equal(rates_kept(NULL), 0);
}

static void
test_knee(void **state)
{
	static const struct {
		const char *name;
		struct rate_point p[4];
		size_t n;
		int knee;
	} cases[] = {
		{ "rising, the last gave up", { P(10, 10, 1, 100), P(20, 19.9, 1, 110),
		    P(1000, 48, 0, 9000) }, 3, 1 },
		{ "any order", { P(40, 39, 1, 1), P(10, 10, 1, 1), P(80, 79, 1, 1),
		    P(20, 20, 1, 1) }, 4, 2 },
		{ "95% exactly qualifies", { P(10, 10, 1, 1), P(100, 95, 1, 1) }, 2, 1 },
		{ "just under 95% does not", { P(10, 10, 1, 1), P(100, 94.99, 1, 1) }, 2, 0 },
		{ "sustained, achieved too low", { P(10, 9, 1, 1), P(20, 18, 1, 1) }, 2, -1 },
		{ "gave up, yet achieved enough", { P(10, 10, 1, 1), P(20, 19.5, 0, 1) }, 2, 0 },
		{ "achieved unknown", { P(10, NAN, 1, 1) }, 1, -1 },
		{ "none sustained", { P(10, 10, 0, 1), P(20, 20, 0, 1) }, 2, -1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (rates_knee(cases[i].p, cases[i].n) != cases[i].knee)
			fail_msg("%s: knee %d, want %d", cases[i].name,
			    rates_knee(cases[i].p, cases[i].n), cases[i].knee);
}

static void
test_slo(void **state)
{
	static const struct {
		const char *name;
		struct rate_point p[4];
		size_t n;
		double slo;
		int within;
	} cases[] = {
		{ "the highest within", { P(10, 10, 1, 100), P(20, 20, 1, 240),
		    P(40, 40, 1, 260) }, 3, 250, 1 },
		{ "the edge is within", { P(10, 10, 1, 100), P(20, 20, 1, 250) }, 2, 250, 1 },
		{ "within but gave up", { P(10, 10, 1, 100), P(20, 12, 0, 200) }, 2, 250, 0 },
		/* sustained, achieved under 95%: the objective's rule does not ask more */
		{ "sustained, achieved low", { P(10, 9, 1, 100) }, 1, 250, 0 },
		{ "p99 unknown", { P(10, 10, 1, NAN), P(20, 20, 1, -1) }, 2, 250, -1 },
		{ "none within", { P(10, 10, 1, 300), P(20, 20, 1, 400) }, 2, 250, -1 },
		{ "any order", { P(40, 40, 1, 90), P(10, 10, 1, 80), P(80, 80, 1, 900) }, 3,
		    100, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (rates_slo(cases[i].p, cases[i].n, cases[i].slo) != cases[i].within)
			fail_msg("%s: %d, want %d", cases[i].name,
			    rates_slo(cases[i].p, cases[i].n, cases[i].slo), cases[i].within);
}

static void
test_runs(void **state)
{
	struct rs_run runs[9];
	struct rs_scenario rs = { .runs = runs, .n_runs = 9 };
	struct report_scenario s = { .rs = &rs, .main_tag = "all", .main_clients = 1 };
	const struct rs_run *got[8];
	unsigned levels[4];

	(void)state;
	run(&runs[0], "async", 16, 50, 1, "ok", 1, 49);
	run(&runs[1], "async", 4, 50, 1, "unsustained", 0, 44);
	run(&runs[2], "async", 4, 5, 2, "ok", 1, 5);
	run(&runs[3], "async", 4, 5, 1, "ok", 1, 5);
	run(&runs[4], "async", 4, 0, 1, "ok", 1, 45);		/* closed loop */
	run(&runs[5], "async", 4, 2, 1, "ok", 1, 2);
	run(&runs[6], "async", 4, 2, 1, "ok", 1, 2);
	snprintf(runs[6].tag, sizeof(runs[6].tag), "0");	/* another PU set */
	run(&runs[7], "async", 4, 2, 1, "ok", 1, 2);
	runs[7].clients = 2;					/* another client count */
	run(&runs[8], "sequential", 1, 2, 1, "ok", 1, 2);
	assert_int_equal(rates_runs(&s, "async", 4, got, 8), 4);
	assert_ptr_equal(got[0], &runs[5]);
	assert_ptr_equal(got[1], &runs[3]);	/* rep 1 before rep 2 */
	assert_ptr_equal(got[2], &runs[2]);
	assert_ptr_equal(got[3], &runs[1]);
	assert_int_equal(rates_runs(&s, "async", 4, got, 2), 2);	/* max */
	assert_int_equal(rates_runs(&s, "async", 8, got, 8), 0);
	assert_int_equal(rates_runs(&s, "hybrid", 4, got, 8), 0);
	assert_int_equal(rates_levels(&s, "async", levels, 4), 2);
	assert_int_equal(levels[0], 4);
	assert_int_equal(levels[1], 16);
	assert_int_equal(rates_levels(&s, "sequential", levels, 4), 1);
	assert_int_equal(levels[0], 1);
	assert_int_equal(rates_levels(&s, "pthreads", levels, 4), 0);
}

/* Parses text as the file t.conf with profile: 0, or -1 with err. */
static int
parse(const char *text, const char *profile, struct scenario *sc, char *err, size_t errlen)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rv;

	assert_non_null(f);
	rv = scenario_parse(f, "t.conf", profile, sc, err, errlen);
	fclose(f);
	return rv;
}

static void
test_keys(void **state)
{
	static const struct {
		const char *text, *err;
	} bad[] = {
		{ "models = async\nrates = 10 0 5\n", "t.conf:2: key 'rates': '0' is not none or "
		    "a rate in images/s in [0.01, 1000000]" },
		{ "rates = 10 fast\n", "t.conf:1: key 'rates': 'fast' is not none or a rate in "
		    "images/s in [0.01, 1000000]" },
		{ "rates =\n", "t.conf:1: key 'rates': no value" },
		{ "rates = 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n", "t.conf:1: key 'rates': "
		    "more than 16 values" },
		{ "arrivals = burst\n", "t.conf:1: key 'arrivals': 'burst' is not one of "
		    "constant, poisson" },
		{ "max_backlog = -1\n", "t.conf:1: key 'max_backlog': '-1' is not an integer in "
		    "[0, 1000000000]" },
		{ "slo_p99_ms = soon\n", "t.conf:1: key 'slo_p99_ms': 'soon' is not a number in "
		    "[0, 3600000]" },
		{ "full.rates = 5 x\n", "t.conf:1: key 'rates': 'x' is not none or a rate in "
		    "images/s in [0.01, 1000000]" },
	};
	struct scenario sc;
	char err[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(bad[i].text, NULL, &sc, err, sizeof(err)), -1);
		assert_string_equal(err, bad[i].err);
	}
	assert_int_equal(parse("models = async\n", NULL, &sc, err, sizeof(err)), 0);
	assert_int_equal(sc.n_rates, 0);	/* closed loop by default */
	assert_string_equal(sc.arrivals, "constant");
	assert_true(sc.max_backlog == 0 && sc.slo_p99_ms == 0);
	assert_int_equal(parse("rates = 2.5 40\narrivals = poisson\nmax_backlog = 64\n"
	    "slo_p99_ms = 250\nfull.rates = none\n", NULL, &sc, err, sizeof(err)), 0);
	assert_int_equal(sc.n_rates, 2);
	assert_true(sc.rates[0] == 2.5 && sc.rates[1] == 40);
	assert_string_equal(sc.arrivals, "poisson");
	assert_true(sc.max_backlog == 64 && sc.slo_p99_ms == 250);
	assert_int_equal(parse("rates = 2.5 40\nfull.rates = none\n", "full", &sc, err,
	    sizeof(err)), 0);
	assert_int_equal(sc.n_rates, 0);
	assert_int_equal(parse("full.rates = 7\n", "full", &sc, err, sizeof(err)), 0);
	assert_true(sc.n_rates == 1 && sc.rates[0] == 7);
}

/* The value after opt in argv, or NULL. */
static const char *
arg_of(char *const *argv, const char *opt)
{
	size_t i;

	for (i = 0; argv[i] != NULL; i++)
		if (strcmp(argv[i], opt) == 0)
			return argv[i + 1];
	return NULL;
}

static void
test_plan(void **state)
{
	struct scenario sc;
	struct plan p;
	char err[512], name[128], *argv[48];

	(void)state;
	assert_int_equal(parse("models = sequential async\nconcurrency = 1 4\nrates = 5 50\n",
	    NULL, &sc, err, sizeof(err)), 0);
	if (plan_make(&sc, &p, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_int_equal(p.n, 6);	/* sequential at 1 only, async at 1 and 4: each at 2 rates */
	assert_true(p.run[0].level == 1 && p.run[0].rate == 5 && p.run[1].rate == 50);
	assert_true(p.run[5].level == 4 && p.run[5].rate == 50 && p.run[5].rep == 1);
	plan_argv(&p, &p.run[1], &sc, "exifbench", "t/x", "x.csv", 10, argv, 48);
	assert_string_equal(arg_of(argv, "--rate"), "50");
	assert_string_equal(arg_of(argv, "--arrivals"), "constant");
	assert_null(arg_of(argv, "--max-backlog"));
	assert_string_equal(plan_run_name(&p.run[1], name, sizeof(name)),
	    "sequential-c1-cpusall-r1-rate50");
	plan_free(&p);

	assert_int_equal(parse("models = async\nrates = 0.5\narrivals = poisson\n"
	    "max_backlog = 32\n", NULL, &sc, err, sizeof(err)), 0);
	assert_int_equal(plan_make(&sc, &p, err, sizeof(err)), 0);
	plan_argv(&p, &p.run[0], &sc, "exifbench", "t/x", "x.csv", 0, argv, 48);
	assert_string_equal(arg_of(argv, "--rate"), "0.5");
	assert_string_equal(arg_of(argv, "--arrivals"), "poisson");
	assert_string_equal(arg_of(argv, "--max-backlog"), "32");
	assert_string_equal(plan_run_name(&p.run[0], name, sizeof(name)),
	    "async-c8-cpusall-r1-rate0.5");
	plan_free(&p);

	assert_int_equal(parse("models = async\n", NULL, &sc, err, sizeof(err)), 0);
	assert_int_equal(plan_make(&sc, &p, err, sizeof(err)), 0);
	plan_argv(&p, &p.run[0], &sc, "exifbench", "t/x", "x.csv", 0, argv, 48);
	assert_null(arg_of(argv, "--rate"));	/* closed loop */
	assert_null(arg_of(argv, "--arrivals"));
	assert_string_equal(plan_run_name(&p.run[0], name, sizeof(name)), "async-c8-cpusall-r1");
	plan_free(&p);

	assert_int_equal(parse("rates = 5 20 5.0001\n", NULL, &sc, err, sizeof(err)), 0);
	assert_int_equal(plan_make(&sc, &p, err, sizeof(err)), -1);
	assert_string_equal(err, "rates: 5.0001 given twice");
	assert_int_equal(parse("rates = 5\nclients = 1 2\n", NULL, &sc, err, sizeof(err)), 0);
	assert_int_equal(plan_make(&sc, &p, err, sizeof(err)), -1);
	assert_string_equal(err, "rates with clients 2: open-loop runs over several clients are "
	    "not supported yet (give clients = 1)");
}

static void
test_inval(void **state)
{
	struct rate_point p[1] = { P(10, 10, 1, 100) };

	(void)state;
	assert_int_equal(rates_knee(NULL, 3), -1);
	assert_int_equal(rates_knee(p, 0), -1);
	assert_int_equal(rates_slo(NULL, 3, 250), -1);
	assert_int_equal(rates_slo(p, 0, 250), -1);
	assert_int_equal(rates_slo(p, 1, 0), -1);
	assert_int_equal(rates_slo(p, 1, -5), -1);
	assert_int_equal(rates_slo(p, 1, NAN), -1);
	assert_int_equal(rates_slo(p, 1, 100), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sustained),
		cmocka_unit_test(test_knee),
		cmocka_unit_test(test_slo),
		cmocka_unit_test(test_runs),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_inval),
	};

	return cmocka_run_group_tests_name("rates", tests, NULL, NULL);
}
