/*
 * test_arrivals.c: unit tests of the open-loop schedules (models/core/arrivals.c). Constant:
 * key k due at exactly k / R (no drift after a million keys), so a window of T seconds holds
 * R x T + 1 of them. Poisson: over 200,000 draws of a fixed seed the mean gap is 1 / R and
 * the gaps' coefficient of variation is 1 (an exponential's) to within 1%, a window of 100 s
 * at 50/s holds 5,000 arrivals to within 3 standard deviations, the gaps are never negative,
 * and a seed gives the same schedule twice; arrivals_due_by agrees with a count by hand for
 * both, without moving the schedule; the names parse back.
 */
#include "models/core/arrivals.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

static void
test_constant(void **state)
{
	struct arrivals a;
	int64_t t, prev = -1;
	uint64_t k, in_window = 0;

	(void)state;
	arrivals_init(&a, ARRIVALS_CONSTANT, 40, 1);
	for (k = 0; k < 1000000; k++) {
		t = arrivals_next(&a);
		if (k < 1000)
			assert_int_equal(t, (int64_t)k * 25000000);	/* 25 ms apart, exactly */
		if (prev >= 0 && k < 1000)
			assert_int_equal(t - prev, 25000000);
		if (t <= 10 * 1000000000LL)
			in_window++;
		prev = t;
	}
	assert_int_equal(prev, 999999LL * 25000000);	/* no drift */
	assert_int_equal(in_window, 401);	/* 0, 25 ms, ..., 10 s */
}

static void
test_poisson(void **state)
{
	struct arrivals a, b;
	double rate = 50, sum = 0, sum2 = 0, gap, mean, cv, expect, sd;
	int64_t t, prev = 0;
	uint64_t k, n = 200000, in_window = 0;

	(void)state;
	arrivals_init(&a, ARRIVALS_POISSON, rate, 7);
	arrivals_init(&b, ARRIVALS_POISSON, rate, 7);
	assert_int_equal(arrivals_next(&a), 0);	/* the first key is due at the start */
	assert_int_equal(arrivals_next(&b), 0);
	for (k = 1; k <= n; k++) {
		t = arrivals_next(&a);
		assert_int_equal(t, arrivals_next(&b));	/* the same seed, the same schedule */
		assert_true(t >= prev);
		gap = (double)(t - prev) / 1e9;
		sum += gap, sum2 += gap * gap;
		if (t <= 100 * 1000000000LL)
			in_window++;
		prev = t;
	}
	mean = sum / (double)n;
	cv = sqrt(sum2 / (double)n - mean * mean) / mean;
	assert_true(fabs(mean * rate - 1) < 0.01);
	assert_true(fabs(cv - 1) < 0.01);
	/* arrivals in (0, 100 s]: Poisson of mean 5,000, sd 70.7 */
	expect = rate * 100, sd = sqrt(expect);
	assert_true(fabs((double)in_window - expect) < 3 * sd);
	/* another seed, another schedule */
	arrivals_init(&b, ARRIVALS_POISSON, rate, 8);
	(void)arrivals_next(&b);
	arrivals_init(&a, ARRIVALS_POISSON, rate, 7);
	(void)arrivals_next(&a);
	assert_int_not_equal(arrivals_next(&a), arrivals_next(&b));
}

/* arrivals_due_by against a count of the schedule's own next keys. */
static void
check_due_by(enum arrivals_kind kind, double rate)
{
	struct arrivals a, copy;
	int64_t due[64], t_ns;
	uint64_t i, want, k;

	arrivals_init(&a, kind, rate, 3);
	for (i = 0; i < 10; i++)	/* move on a little */
		(void)arrivals_next(&a);
	copy = a;
	for (i = 0; i < 64; i++)
		due[i] = arrivals_next(&copy);
	for (k = 0; k < 64; k++) {
		for (t_ns = due[k] - 1; t_ns <= due[k]; t_ns++) {
			for (want = 0, i = 0; i < 64; i++)
				want += due[i] <= t_ns;
			assert_int_equal(arrivals_due_by(&a, t_ns, 64), want);
			assert_int_equal(arrivals_due_by(&a, t_ns, 5), want < 5 ? want : 5);
		}
	}
	assert_int_equal(arrivals_due_by(&a, -1, 64), 0);
	assert_int_equal(a.k, 10);	/* not moved */
}

static void
test_due_by(void **state)
{
	(void)state;
	check_due_by(ARRIVALS_CONSTANT, 1000);
	check_due_by(ARRIVALS_CONSTANT, 3);
	check_due_by(ARRIVALS_POISSON, 1000);
	check_due_by(ARRIVALS_POISSON, 0.5);
}

static void
test_names(void **state)
{
	enum arrivals_kind k;

	(void)state;
	assert_int_equal(arrivals_parse("constant", &k), 0);
	assert_int_equal(k, ARRIVALS_CONSTANT);
	assert_string_equal(arrivals_name(k), "constant");
	assert_int_equal(arrivals_parse("poisson", &k), 0);
	assert_string_equal(arrivals_name(k), "poisson");
	assert_int_equal(arrivals_parse("Poisson", &k), -1);
	assert_int_equal(arrivals_parse("", &k), -1);
	assert_string_equal(arrivals_name(ARRIVALS_CLOSED), "closed");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_constant),
		cmocka_unit_test(test_poisson),
		cmocka_unit_test(test_due_by),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
