/*
 * test_analysis.c: unit tests of harness/report/analysis.c, the report's rules, on hand-made cases.
 * Bounds: each kind winning in turn, a tie going to the earlier kind, unknown inputs (zero,
 * negative, NaN) giving INFINITY, the machine bound present only when the parties share PUs
 * and summing only the known CPU costs. Verdict: an I/O-bound scenario that followed
 * concurrency, a CPU-bound one that followed cores, the 50% line and the 1.2x and 1.5 x PUs
 * edges exactly, an unknown share, speed or PU count, the crossover (also under one in
 * flight), and that `why` holds the deciding numbers, has no newline and stays inside its
 * buffer with absurd figures. Capacity: exact arithmetic, machines rounded up (but not past
 * an exact fit by a rounding error), at least one machine, all zero on a bad rate. What-if:
 * doubling R0 halves a lambda-limited prediction, a heavier CPU stage caps it at the new CPU
 * bound, and without a fit the bound alone. Mixed verdicts (under 50% yet cores, the issue's
 * 5 ms stage at 40%; 50% or more yet concurrency) with both numbers, and a named baseline.
 * Intervals: the t table, hand-made repeats; ties by overlapping intervals, 2 standard
 * errors or 5%; the best level as the lowest tied with the highest, stable when noise swaps
 * the tied ones. test_inval feeds NULL and out-of-range kinds.
 */
#include "harness/report/analysis.c"

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#define NWHY 6

static int
close_to(double got, double want)
{
	if (isinf(want))
		return got == want;
	return fabs(got - want) <= 1e-9 * fmax(1, fabs(want));
}

static void
test_bound(void **state)
{
	static const double I = INFINITY;
	static const struct {
		const char *name;
		struct bound_in in;	/* N, par, R0, client, server, shaper, srv PUs, machine
					   PUs, bytes, link */
		double x[B_N];
		enum bound_kind limit;
	} cases[] = {
		{ "latency", { 4, 2, 0.2, 0.001, 0.002, 0, 4, 0, 1e5, 1e8 },
		    { 20, 2000, 2000, I, 1000 }, B_LATENCY },
		{ "client CPU", { 64, 2, 0.2, 0.05, 0.001, 0, 2, 0, 1e5, 0 },
		    { 320, 40, 2000, I, I }, B_CLIENT_CPU },
		{ "server CPU", { 64, 2, 0.1, 0.001, 0.01, 0, 1, 0, 0, 0 },
		    { 640, 2000, 100, I, I }, B_SERVER_CPU },
		{ "machine CPU, shared", { 64, 2, 0.1, 0.004, 0.004, 0.002, 2, 2, 0, 0 },
		    { 640, 500, 500, 200, I }, B_MACHINE_CPU },
		/* The same machine not shared: client and server tie; the earlier kind wins. */
		{ "not shared", { 64, 2, 0.1, 0.004, 0.004, 0.002, 2, 0, 0, 0 },
		    { 640, 500, 500, I, I }, B_CLIENT_CPU },
		{ "bandwidth", { 64, 2, 0.1, 0.001, 0.001, 0, 2, 2, 2.5e6, 12.5e6 },
		    { 640, 2000, 2000, 1000, 5 }, B_BANDWIDTH },
		{ "nothing known", { 8, 0, 0, 0, -1, -1, 0, 0, 0, 0 },
		    { I, I, I, I, I }, B_N },
		/* No PU counts: only the machine bound, from the known costs (shaper -5 left out). */
		{ "partly known", { 8, 0, -1, 0.01, 0.01, -5, 0, 2, 1e6, 0 },
		    { I, I, I, 100, I }, B_MACHINE_CPU },
		{ "NaN", { 8, NAN, NAN, 0.01, NAN, NAN, NAN, NAN, NAN, NAN },
		    { I, I, I, I, I }, B_N },
	};
	struct bound b;
	size_t i;
	int k;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		analysis_bound(&cases[i].in, &b);
		for (k = 0; k < B_N; k++)
			if (!close_to(b.x[k], cases[i].x[k]))
				fail_msg("%s: %s bound %g, want %g", cases[i].name,
				    analysis_bound_name((enum bound_kind)k), b.x[k], cases[i].x[k]);
		if (b.limit != cases[i].limit)
			fail_msg("%s: limit %s, want %s", cases[i].name,
			    analysis_bound_name(b.limit), analysis_bound_name(cases[i].limit));
		assert_true(b.best == (cases[i].limit == B_N ? INFINITY : cases[i].x[b.limit]));
	}
}

static void
test_verdict(void **state)
{
	static const struct {
		const char *name;
		struct verdict_in in;	/* share, seq, best, level, PUs, R0, CPU bound */
		enum verdict_kind kind;
		enum followed followed;
		double speedup, crossover;
		const char *has[NWHY];	/* in `why` */
		const char *hasnt;	/* not in `why` */
	} cases[] = {
		{ "I/O, concurrency", { 0.003, 4.63, 275.2, 64, 2, 0.216, 407, NULL }, VERDICT_IO,
		    FOLLOWED_CONCURRENCY, 275.2 / 4.63, 0.216 * 407,
		    { "0.3% of its wall time (under the 50% line)", "waiting",
		    "(64 in flight) made 275.2 images/s", "59.4x sequential on 2 PUs",
		    "followed concurrency, not cores",
		    "past about 88 in flight (R0 216 ms x CPU bound 407 images/s)" }, "computing" },
		{ "CPU, cores", { 0.92, 50, 95, 4, 2, 0.025, 100, NULL }, VERDICT_CPU, FOLLOWED_CORES,
		    1.9, 2.5, { "92.0% of its wall time (at or over the 50% line)", "computing",
		    "1.90x sequential on 2 PUs (at most 1.5 x 2)", "followed cores, not concurrency",
		    "about 2.5 in flight (R0 25 ms x CPU bound 100 images/s)" }, "waiting" },
		/* The edges: 50% exactly is CPU-bound, 1.2x is a speedup, 1.5 x PUs is cores. */
		{ "50% line", { 0.5, 100, 300, 8, 2, 0, 0, NULL }, VERDICT_CPU, FOLLOWED_CORES, 3, 0,
		    { "50.0%", "at or over", "3.00x sequential", "(at most 1.5 x 2)" }, "limit" },
		{ "just under", { 0.4999, 100, 300.001, 8, 2, 0, 0, NULL }, VERDICT_IO,
		    FOLLOWED_CONCURRENCY, 3.00001, 0, { "50.0%", "under the 50% line",
		    "(more than 1.5 x 2)" }, "at or over" },
		/* Under 50% yet followed cores: the share and the evidence disagree. */
		{ "1.2x", { 0.1, 100, 120, 2, 1, 0.1, 50, NULL }, VERDICT_MIXED, FOLLOWED_CORES, 1.2, 5,
		    { "1.20x sequential on 1 PU (at most 1.5 x 1)", "about 5 in flight",
		    "mixed: the share says I/O-bound (10.0% on a CPU) but throughput followed "
		    "cores (1.20x on 1 PU)" }, "neither" },
		/* The case: a 5 ms stage at 40% on a CPU, throughput following cores. */
		{ "40%, cores", { 0.4, 77.2, 127.8, 2, 2, 0.0129, 200, NULL }, VERDICT_MIXED,
		    FOLLOWED_CORES, 127.8 / 77.2, 0.0129 * 200, { "40.0% of its wall time",
		    "(under the 50% line), which alone would read I/O-bound;",
		    "mixed: the share says I/O-bound (40.0% on a CPU) but throughput followed "
		    "cores (1.66x on 2 PUs)" }, "went to" },
		/* 50% or more yet followed concurrency: mixed the other way. */
		{ "CPU, concurrency", { 0.6, 10, 100, 32, 2, 0.1, 100, NULL }, VERDICT_MIXED,
		    FOLLOWED_CONCURRENCY, 10, 10, { "60.0%", "at or over",
		    "mixed: the share says CPU-bound (60.0% on a CPU) but throughput followed "
		    "concurrency (10.00x on 2 PUs)" }, "neither" },
		/* Sequential did not run: the baseline is named in the paragraph. */
		{ "baseline", { 0.05, 10, 160, 16, 2, 0.1, 0, "async at 1 in flight "
		    "(sequential did not run)" }, VERDICT_IO, FOLLOWED_CONCURRENCY, 16, 0,
		    { "the baseline, async at 1 in flight (sequential did not run), was on a CPU",
		    "16.0x the baseline on 2 PUs" }, "x sequential" },
		{ "under 1.2x", { 0.1, 100, 115, 2, 2, 0.1, 50, NULL }, VERDICT_IO, FOLLOWED_NEITHER,
		    1.15, 5, { "1.15x sequential (under 1.2x)",
		    "followed neither concurrency nor cores" }, "PUs" },
		{ "share unknown", { -1, 10, 40, 16, 2, 0.5, 400, NULL }, VERDICT_UNKNOWN,
		    FOLLOWED_CONCURRENCY, 4, 200, { "not measured", "4.00x sequential",
		    "past about 200 in flight (R0 500 ms x CPU bound 400 images/s)" }, "wall" },
		{ "share NaN", { NAN, 10, 30, 16, 2, 0, 0, NULL }, VERDICT_UNKNOWN,
		    FOLLOWED_CORES, 3, 0, { "not measured" }, "nan" },
		{ "speed unknown", { 0.2, 0, 30, 16, 2, 0, 400, NULL }, VERDICT_IO, FOLLOWED_NEITHER, 0,
		    0, { "20.0%", "made 30.0 images/s" }, "sequential on" },
		{ "no best run", { 0.2, 10, 0, 0, 2, 0.1, 0, NULL }, VERDICT_IO, FOLLOWED_NEITHER, 0, 0,
		    { "waiting" }, "best" },
		{ "PUs unknown", { 0.2, 10, 50, 0, 0, 0, 0, NULL }, VERDICT_IO, FOLLOWED_NEITHER, 5, 0,
		    { "the best run made 50.0 images/s, 5.00x sequential" }, "followed" },
		{ "crossover under 1", { 0.9, 10, 11, 2, 2, 0.002, 300, NULL }, VERDICT_CPU,
		    FOLLOWED_NEITHER, 1.1, 0.6, { "from one in flight on",
		    "R0 2 ms x CPU bound 300 images/s = 0.6" }, "past" },
	};
	struct verdict v;
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		analysis_verdict(&cases[i].in, &v);
		if (v.kind != cases[i].kind || v.followed != cases[i].followed)
			fail_msg("%s: %s, followed %d; want %s, %d", cases[i].name,
			    analysis_verdict_name(v.kind), v.followed,
			    analysis_verdict_name(cases[i].kind), cases[i].followed);
		if (!close_to(v.speedup, cases[i].speedup) ||
		    !close_to(v.crossover, cases[i].crossover))
			fail_msg("%s: speedup %g crossover %g, want %g %g", cases[i].name,
			    v.speedup, v.crossover, cases[i].speedup, cases[i].crossover);
		for (j = 0; j < NWHY && cases[i].has[j] != NULL; j++)
			if (strstr(v.why, cases[i].has[j]) == NULL)
				fail_msg("%s: no '%s' in: %s", cases[i].name, cases[i].has[j],
				    v.why);
		if (strstr(v.why, cases[i].hasnt) != NULL)
			fail_msg("%s: '%s' in: %s", cases[i].name, cases[i].hasnt, v.why);
		assert_null(strchr(v.why, '\n'));
	}
}

/* Figures of 300 digits: the paragraph is cut inside the buffer, never past it. */
static void
test_why_bounded(void **state)
{
	struct verdict_in in = { 0.2, 1, 1e300, 1e300, 1e300, 1e300, 1e300, NULL };
	struct verdict v;

	(void)state;
	memset(&v, 'x', sizeof(v));
	analysis_verdict(&in, &v);
	assert_true(strlen(v.why) == sizeof(v.why) - 1);
	assert_true(v.speedup == 1e300 && v.followed == FOLLOWED_CORES);
	assert_true(v.crossover == 0);	/* 1e300 x 1e300 overflows: unknown */
	/* A speedup that overflows is unknown too; a huge crossover is cut inside its piece. */
	in.seq_ips = 1e-300;
	in.r0_s = 1e150;
	in.cpu_bound_ips = 1e150;
	memset(&v, 'x', sizeof(v));
	analysis_verdict(&in, &v);
	assert_true(v.speedup == 0 && v.followed == FOLLOWED_NEITHER);
	assert_true(close_to(v.crossover, 1e300));
	assert_true(strlen(v.why) < sizeof(v.why));
	if (strstr(v.why, "past about 99999999") == NULL)
		fail_msg("no crossover in: %s", v.why);
}

static void
test_capacity(void **state)
{
	static const struct {
		double ips, images, deadline;
		double per_day, hours, machines;
	} cases[] = {
		{ 100, 1e6, 86400, 8.64e6, 1e6 / 100 / 3600.0, 1 },
		{ 100, 1e7, 3600, 8.64e6, 1e7 / 100 / 3600.0, 28 },	/* 27.8 up */
		{ 100, 2e6, 10000, 8.64e6, 2e6 / 100 / 3600.0, 2 },	/* exact fit */
		{ 100, 2e6 + 1, 10000, 8.64e6, (2e6 + 1) / 100 / 3600.0, 3 },
		/* 129 / (4.3 x 3) is 10.000000000000002 in doubles: still 10 machines. */
		{ 4.3, 129, 3, 4.3 * 86400, 129 / 4.3 / 3600, 10 },
		{ 4.3, 130, 3, 4.3 * 86400, 130 / 4.3 / 3600, 11 },
		{ 0.5, 0, 60, 43200, 0, 1 },	/* nothing to do still needs a machine */
		{ 0, 1e6, 3600, 0, 0, 0 },
		{ -3, 1e6, 3600, 0, 0, 0 },
		{ NAN, 1e6, 3600, 0, 0, 0 },
		{ 100, -1, 3600, 0, 0, 0 },
		{ 100, 1e6, 0, 0, 0, 0 },
		{ 100, 1e6, NAN, 0, 0, 0 },
	};
	struct capacity c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		analysis_capacity(cases[i].ips, cases[i].images, cases[i].deadline, &c);
		if (!close_to(c.per_day, cases[i].per_day) || !close_to(c.hours, cases[i].hours) ||
		    c.machines != cases[i].machines)
			fail_msg("case %zu: %g/day %g h %g machines, want %g %g %g", i, c.per_day,
			    c.hours, c.machines, cases[i].per_day, cases[i].hours,
			    cases[i].machines);
	}
}

static void
test_whatif(void **state)
{
	struct usl u = { .lambda = 5, .sigma = 0.1, .kappa = 0.001, .points = 6 };
	struct bound_in in = { .in_flight = 8, .parallel = 2, .r0_s = 0.2 };
	struct bound b;
	double now, slow, want;

	(void)state;
	/* As measured: no CPU figures, the latency bound (40) sits above the fit. */
	now = analysis_whatif(&u, 0.2, &in, &b);
	want = 5 * 8 / (1 + 0.1 * 7 + 0.001 * 56);
	assert_true(close_to(now, want));
	assert_true(b.limit == B_LATENCY && close_to(b.best, 40));
	/* Twice the latency: lambda halves, so does the prediction; the bound halves too. */
	in.r0_s = 0.4;
	slow = analysis_whatif(&u, 0.2, &in, &b);
	assert_true(close_to(slow, now / 2));
	assert_true(close_to(b.x[B_LATENCY], 20));
	/* R0 unknown on either side: lambda is kept (and the new R0's bound still caps). */
	in.r0_s = 0;
	assert_true(close_to(analysis_whatif(&u, 0.2, &in, &b), now));
	in.r0_s = 0.8;
	assert_true(close_to(analysis_whatif(&u, 0, &in, &b), 10));
	/* A CPU stage of 10 ms per image: bound 200, above the fit. */
	in.r0_s = 0.2;
	in.in_flight = 64;
	in.client_cpu_s = 0.01;
	u.kappa = 0;
	want = 5 * 64 / (1 + 0.1 * 63);
	assert_true(close_to(analysis_whatif(&u, 0.2, &in, &b), want));
	assert_true(b.limit == B_CLIENT_CPU && close_to(b.best, 200));
	/* Five times heavier: the bound (40) falls under the fit (43.8) and caps it. */
	in.client_cpu_s = 0.05;
	assert_true(want > 40);
	assert_true(close_to(analysis_whatif(&u, 0.2, &in, &b), 40));
	assert_true(b.limit == B_CLIENT_CPU);
	/* A fit that cannot say (no in-flight count): the bound. */
	in.in_flight = -1;
	assert_true(close_to(analysis_whatif(&u, 0.2, &in, &b), 40));
	in.in_flight = 64;
	/* No fit: the bound alone, INFINITY when there is none. */
	assert_true(close_to(analysis_whatif(NULL, 0.2, &in, &b), 40));
	u.points = 0;
	assert_true(close_to(analysis_whatif(&u, 0.2, &in, &b), 40));
	memset(&in, 0, sizeof(in));
	in.in_flight = 4;
	assert_true(isinf(analysis_whatif(&u, 0.2, &in, &b)));
	assert_true(b.limit == B_N);
}

static void
test_inval(void **state)
{
	static const char *const names[] = { "latency (Little)", "client CPU", "server CPU",
		"machine CPU", "bandwidth" };
	struct usl u = { .lambda = 5, .points = 4 };
	struct bound_in in = { .in_flight = 4, .r0_s = 0.1 };
	struct verdict_in vin = { 0.9, 10, 20, 4, 2, 0.1, 100, NULL };
	struct verdict v;
	struct capacity c = { 1, 2, 3 };
	struct estimate e;
	struct bound b;
	int k;

	(void)state;
	memset(&b, 0, sizeof(b));
	analysis_bound(NULL, &b);
	for (k = 0; k < B_N; k++)
		assert_true(isinf(b.x[k]));
	assert_true(isinf(b.best) && b.limit == B_N);
	analysis_bound(&in, NULL);
	analysis_verdict(&vin, NULL);
	memset(&v, 'x', sizeof(v));
	analysis_verdict(NULL, &v);
	assert_true(v.kind == VERDICT_UNKNOWN && v.followed == FOLLOWED_NEITHER);
	assert_true(v.speedup == 0 && v.crossover == 0 && v.why[0] == '\0');
	analysis_capacity(100, 1e6, 3600, NULL);
	analysis_capacity(-1, 1e6, 3600, &c);
	assert_true(c.per_day == 0 && c.hours == 0 && c.machines == 0);
	assert_true(analysis_whatif(&u, 0.1, NULL, &b) == 0);
	assert_true(b.limit == B_N);
	assert_true(close_to(analysis_whatif(&u, 0.1, &in, NULL), 20));
	for (k = 0; k < B_N; k++)
		assert_string_equal(analysis_bound_name((enum bound_kind)k), names[k]);
	assert_string_equal(analysis_bound_name(B_N), "none");
	assert_string_equal(analysis_bound_name((enum bound_kind)-1), "none");
	assert_string_equal(analysis_verdict_name(VERDICT_IO), "I/O-bound");
	assert_string_equal(analysis_verdict_name(VERDICT_CPU), "CPU-bound");
	assert_string_equal(analysis_verdict_name(VERDICT_MIXED), "mixed");
	assert_string_equal(analysis_verdict_name(VERDICT_UNKNOWN), "undecided");
	analysis_estimate(NULL, 3, 1, &e);
	assert_true(e.reps == 0 && isnan(e.mean) && e.half < 0);
	assert_false(analysis_tied(NULL, &e, NULL));
	assert_true(analysis_pick(NULL, 0, NULL) == 0);
	assert_true(isnan(analysis_t95(0)));
	assert_string_equal(analysis_verdict_name((enum verdict_kind)9), "undecided");
}

/* The t quantiles against the published table, and the formula past it. */
static void
test_t95(void **state)
{
	(void)state;
	assert_true(close_to(analysis_t95(1), 12.706));
	assert_true(close_to(analysis_t95(2), 4.303));
	assert_true(close_to(analysis_t95(9), 2.262));
	assert_true(close_to(analysis_t95(30), 2.042));
	assert_true(fabs(analysis_t95(40) - 2.021) < 0.002);
	assert_true(fabs(analysis_t95(120) - 1.980) < 0.002);
	assert_true(analysis_t95(100000) > 1.96 && analysis_t95(100000) < 1.961);
}

/*
 * The interval on hand-made repeats: 10, 12, 14 have mean 12, sd 2, se 2 / sqrt 3, half
 * 4.303 x that; a value missing or negative is skipped; one value keeps the run's own se
 * and has no interval.
 */
static void
test_estimate(void **state)
{
	static const double three[] = { 10, 12, 14 }, holes[] = { 10, NAN, 12, -1, 14 };
	static const double one[] = { 50 }, two[] = { 100, 100 };
	struct estimate e;

	(void)state;
	analysis_estimate(three, 3, 0.5, &e);
	assert_true(e.reps == 3 && close_to(e.mean, 12));
	assert_true(close_to(e.se, 2 / sqrt(3)));
	assert_true(close_to(e.half, 4.303 * 2 / sqrt(3)));
	analysis_estimate(holes, 5, -1, &e);
	assert_true(e.reps == 3 && close_to(e.mean, 12) && close_to(e.se, 2 / sqrt(3)));
	analysis_estimate(one, 1, 0.7, &e);
	assert_true(e.reps == 1 && close_to(e.mean, 50) && close_to(e.se, 0.7) && e.half < 0);
	analysis_estimate(one, 1, NAN, &e);
	assert_true(e.se < 0 && e.half < 0);
	analysis_estimate(two, 2, -1, &e);	/* identical repeats: a zero-width interval */
	assert_true(e.reps == 2 && e.se == 0 && e.half == 0);
}

/*
 * The tie rule on hand-made cases: overlapping intervals tie, disjoint ones do not; a side
 * without an interval falls back to compare's rule (2 standard errors, else 5%).
 */
static void
test_tied(void **state)
{
	static const struct {
		const char *name;
		struct estimate a, b;
		int tied;
		const char *rule;
	} cases[] = {
		{ "overlap", { 3, 100, 2, 8 }, { 3, 110, 2, 4 }, 1, "intervals overlap" },
		{ "just touching", { 3, 100, 2, 5 }, { 3, 110, 2, 5 }, 1, "intervals overlap" },
		{ "apart", { 3, 100, 1, 4 }, { 3, 110, 1, 4 }, 0, "intervals overlap" },
		{ "2 se: within", { 1, 100, 3, -1 }, { 1, 108, 3, -1 }, 1, "2 standard errors" },
		{ "2 se: beyond", { 1, 100, 3, -1 }, { 1, 109, 3, -1 }, 0, "2 standard errors" },
		{ "one interval, se", { 3, 100, 3, 13 }, { 1, 109, 3, -1 }, 0,
		    "2 standard errors" },
		{ "no se: 5%", { 1, 100, -1, -1 }, { 1, 105, -1, -1 }, 1, "within 5%" },
		{ "no se: 6%", { 1, 100, -1, -1 }, { 1, 106, -1, -1 }, 0, "within 5%" },
		/* 5% of the higher: 95.2 is within 5% of 100, 94.9 is not, either way round */
		{ "no se: 4.8% down", { 1, 100, -1, -1 }, { 1, 95.2, -1, -1 }, 1, "within 5%" },
		{ "no se: 5.1% down", { 1, 100, -1, -1 }, { 1, 94.9, -1, -1 }, 0, "within 5%" },
		{ "one se unknown", { 1, 100, 0.1, -1 }, { 1, 104, -1, -1 }, 1, "within 5%" },
		{ "no rate", { 0, NAN, -1, -1 }, { 1, 100, 1, -1 }, 0, "no rate" },
	};
	const char *rule;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (analysis_tied(&cases[i].a, &cases[i].b, &rule) != cases[i].tied ||
		    strcmp(rule, cases[i].rule) != 0)
			fail_msg("%s: tied %d by '%s', want %d by '%s'", cases[i].name,
			    analysis_tied(&cases[i].a, &cases[i].b, NULL), rule, cases[i].tied,
			    cases[i].rule);
		/* the rule is symmetric */
		assert_int_equal(analysis_tied(&cases[i].b, &cases[i].a, NULL), cases[i].tied);
	}
}

/*
 * The best level: the lowest tied with the highest mean, whatever order the noise puts the
 * tied ones in; a level without a rate is skipped; the highest when nothing ties.
 */
static void
test_pick(void **state)
{
	struct estimate e[4] = { { 3, 40, 1, 4 }, { 3, 148, 2, 8 }, { 3, 150, 2, 8 },
		{ 3, 146, 2, 8 } };
	size_t top;

	(void)state;
	assert_true(analysis_pick(e, 4, &top) == 1 && top == 2);
	/* the noise swaps the two highest: the same level is taken */
	e[1].mean = 151, e[2].mean = 148;
	assert_true(analysis_pick(e, 4, &top) == 1 && top == 1);
	/* nothing ties: the highest */
	e[1].half = e[2].half = e[3].half = 0.1;
	assert_true(analysis_pick(e, 4, &top) == 1 && top == 1);
	e[1].mean = 140;
	assert_true(analysis_pick(e, 4, &top) == 2 && top == 2);
	/* a level without a rate */
	e[2].reps = 0, e[2].mean = NAN;
	assert_true(analysis_pick(e, 4, &top) == 3 && top == 3);
	e[0].reps = e[1].reps = e[3].reps = 0;
	assert_true(analysis_pick(e, 4, &top) == 4 && top == 4);
}

/*
 * Two repeats: 46.6 and 46.1 images/s at 4 in flight, 163.3 and 184.6 at 16 (a bench on a
 * busy machine). The 95% intervals (t 12.7) overlap, so the two levels are within noise, but
 * a level 73% below the best is no plateau: 16 is taken. Within 5%, the lower one still is.
 */
static void
test_pick_wide(void **state)
{
	const double at4[] = { 46.631, 46.110 }, at16[] = { 163.313, 184.558 };
	struct estimate e[2];
	const char *rule;
	size_t top;

	(void)state;
	analysis_estimate(at4, 2, -1, &e[0]);
	analysis_estimate(at16, 2, -1, &e[1]);
	assert_true(e[1].half > 130 && e[1].half < 140);
	assert_true(analysis_tied(&e[0], &e[1], &rule));
	assert_string_equal(rule, "intervals overlap");
	assert_true(analysis_pick(e, 2, &top) == 1 && top == 1);
	e[0].mean = 0.951 * e[1].mean;
	assert_true(analysis_pick(e, 2, &top) == 0 && top == 1);
	e[0].mean = 0.949 * e[1].mean;
	assert_true(analysis_pick(e, 2, &top) == 1 && top == 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bound),
		cmocka_unit_test(test_verdict),
		cmocka_unit_test(test_why_bounded),
		cmocka_unit_test(test_capacity),
		cmocka_unit_test(test_whatif),
		cmocka_unit_test(test_t95),
		cmocka_unit_test(test_estimate),
		cmocka_unit_test(test_tied),
		cmocka_unit_test(test_pick),
		cmocka_unit_test(test_pick_wide),
		cmocka_unit_test(test_inval),
	};

	return cmocka_run_group_tests_name("analysis", tests, NULL, NULL);
}
