/*
 * test_stats.c: unit tests of harness/results/stats.c. A table of samples and percentiles
 * checks the nearest-rank method (the ceil(p/100 * n)-th smallest): n = 1, ties, p = 0, 50,
 * 99.9, 100, ranks that land exactly on an integer (where a rounding error would skip a value),
 * negative values and infinities; the sample must come back sorted. A shuffled 1..1000 checks
 * every integer percentile against the formula. test_inval feeds n = 0, NULL pointers, p
 * outside [0, 100], NaN p and NaN values, and checks out is left untouched.
 */
#include "harness/results/stats.c"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "include/rng.h"

#define MAXV 16
#define BIG 1000

struct fixture {
	double *v;
};

static int
setup(void **state)
{
	struct fixture *fx;

	if ((fx = calloc(1, sizeof(*fx))) == NULL ||
	    (fx->v = calloc(BIG, sizeof(double))) == NULL) {
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	free(fx->v);
	free(fx);
	return 0;
}

static void
test_table(void **state)
{
	static const double ps[] = { 0, 25, 50, 75, 90, 99, 99.9, 100 };
	static const struct {
		size_t n;
		double v[MAXV];
		double want[8];		/* one per ps[] */
	} cases[] = {
		{ 1, { 7 }, { 7, 7, 7, 7, 7, 7, 7, 7 } },
		{ 2, { 9, 1 }, { 1, 1, 1, 9, 9, 9, 9, 9 } },
		{ 4, { 4, 3, 2, 1 }, { 1, 1, 2, 3, 4, 4, 4, 4 } },
		{ 5, { 5, 5, 5, 5, 5 }, { 5, 5, 5, 5, 5, 5, 5, 5 } },
		{ 6, { 2, 1, 2, 1, 3, 2 }, { 1, 1, 2, 2, 3, 3, 3, 3 } },
		{ 10, { 10, 9, 8, 7, 6, 5, 4, 3, 2, 1 }, { 1, 3, 5, 8, 9, 10, 10, 10 } },
		{ 3, { -1, -INFINITY, 2 }, { -INFINITY, -INFINITY, -1, 2, 2, 2, 2, 2 } },
		{ 3, { INFINITY, 0, 0 }, { 0, 0, 0, INFINITY, INFINITY, INFINITY, INFINITY,
		    INFINITY } },
		{ 7, { 0.5, 0.25, 1e300, -1e300, 0, 3, 2 }, { -1e300, 0, 0.5, 3, 1e300, 1e300,
		    1e300, 1e300 } },
	};
	struct fixture *fx = *state;
	double out[8];
	size_t i, j;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memcpy(fx->v, cases[i].v, cases[i].n * sizeof(double));
		assert_int_equal(stats_percentiles(fx->v, cases[i].n, ps, 8, out), 0);
		for (j = 0; j < 8; j++)
			if (out[j] != cases[i].want[j])
				fail_msg("case %zu p%g: got %g, want %g", i, ps[j], out[j],
				    cases[i].want[j]);
		for (j = 1; j < cases[i].n; j++)
			assert_true(fx->v[j - 1] <= fx->v[j]);
	}
}

/* 1..1000 shuffled: percentile p is exactly ceil(10 p), clamped to at least 1. */
static void
test_exact_ranks(void **state)
{
	struct fixture *fx = *state;
	uint64_t rng = 42;
	double p[201], out[201], t;
	size_t i, j;

	for (i = 0; i < BIG; i++)
		fx->v[i] = (double)(i + 1);
	for (i = BIG - 1; i > 0; i--) {
		j = (size_t)rng_below(&rng, i + 1);
		t = fx->v[i], fx->v[i] = fx->v[j], fx->v[j] = t;
	}
	for (i = 0; i <= 200; i++)
		p[i] = (double)i / 2;
	assert_int_equal(stats_percentiles(fx->v, BIG, p, 201, out), 0);
	for (i = 0; i <= 200; i++) {
		double want = i == 0 ? 1 : (double)(i * 5);

		if (out[i] != want)
			fail_msg("p%g: got %g, want %g", p[i], out[i], want);
	}
	p[0] = 99.9;
	p[1] = 99.95;
	p[2] = 0.1;
	p[3] = 0.05;
	assert_int_equal(stats_percentiles(fx->v, BIG, p, 4, out), 0);
	assert_true(out[0] == 999 && out[1] == 1000 && out[2] == 1 && out[3] == 1);
	/* np = 0 only sorts. */
	assert_int_equal(stats_percentiles(fx->v, BIG, NULL, 0, NULL), 0);
}

static void
test_mean(void **state)
{
	static const double a[] = { 1, 2, 3, 4 };
	static const double b[] = { -5, 5 };
	static const double c[] = { 1e308, 1e308 };

	(void)state;
	assert_true(stats_mean(a, 4) == 2.5);
	assert_true(stats_mean(a, 1) == 1);
	assert_true(stats_mean(b, 2) == 0);
	assert_true(isinf(stats_mean(c, 2)));	/* documented: plain sum, may overflow */
}

static void
test_inval(void **state)
{
	struct fixture *fx = *state;
	static const double good[] = { 50 };
	static const double bad[][1] = { { -0.001 }, { 100.001 }, { NAN }, { INFINITY },
		{ -INFINITY } };
	double out[1] = { 12345 };
	size_t i;

	fx->v[0] = 1;
	fx->v[1] = 2;
	assert_int_equal(stats_percentiles(fx->v, 0, good, 1, out), -1);
	assert_int_equal(stats_percentiles(NULL, 2, good, 1, out), -1);
	assert_int_equal(stats_percentiles(fx->v, 2, NULL, 1, out), -1);
	assert_int_equal(stats_percentiles(fx->v, 2, good, 1, NULL), -1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(stats_percentiles(fx->v, 2, bad[i], 1, out), -1);
	fx->v[1] = NAN;
	assert_int_equal(stats_percentiles(fx->v, 2, good, 1, out), -1);
	assert_true(out[0] == 12345);
	assert_true(stats_mean(NULL, 3) == 0);
	assert_true(stats_mean(fx->v, 0) == 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_table),
		T(test_exact_ranks),
		T(test_mean),
		T(test_inval),
	};

	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
