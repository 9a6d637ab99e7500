/*
 * test_retry.c: unit tests of models/core/retry.c, the S3 client's retry policy. A table checks
 * which outcomes are transient (connection errors, timeouts, HTTP 500/502/503/504, S3's
 * SlowDown) and which are not (4xx, success, DNS failures, malformed URLs, a curl error that
 * hides a 503); retry_should is checked to stop at max_attempts. retry_delay_ms is checked
 * against its contract over many draws of a fixed-seed generator: for attempts 1..10 every delay
 * lies in [c/2, c] with c = min(cap, base * 2^(n-1)), both ends are reached, the ceiling grows
 * until the cap and never passes it, the values spread (jitter) with a mean near 3c/4, the same
 * seed gives the same delays, and each call equals c/2 + rng_below(c - c/2 + 1) on the state.
 * retry_sleep_ms waits at least its delay, and not at all for none. test_inval feeds NULL
 * policies, NULL generators and attempt counts below 1.
 */
#include "models/core/retry.c"

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define DRAWS 20000
#define SEED UINT64_C(0x0123456789abcdef)

struct fixture {
	struct retry_policy policy;
	uint64_t rng;
};

static int
setup(void **state)
{
	static const struct retry_policy dflt = RETRY_POLICY_DEFAULT;
	struct fixture *fx;

	if ((fx = calloc(1, sizeof(*fx))) == NULL)
		return -1;
	fx->policy = dflt;
	fx->rng = SEED;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	free(*state);
	return 0;
}

/* The ceiling the contract names: min(cap, base * 2^(n-1)), computed without overflow. */
static long
ceiling(const struct retry_policy *p, int n)
{
	long c = p->base_ms;

	while (--n > 0 && c < p->cap_ms)
		c = c > p->cap_ms / 2 ? p->cap_ms : 2 * c;
	return c < p->cap_ms ? c : p->cap_ms;
}

static void
test_transient(void **state)
{
	static const struct {
		int curl_code;
		long status;
		const char *s3_code;
		int want;
	} cases[] = {
		{ CURLE_COULDNT_CONNECT, 0, NULL, 1 },
		{ CURLE_OPERATION_TIMEDOUT, 0, NULL, 1 },
		{ CURLE_OPERATION_TIMEDOUT, 200, "", 1 },
		{ CURLE_SEND_ERROR, 0, NULL, 1 },
		{ CURLE_RECV_ERROR, 0, NULL, 1 },
		{ CURLE_GOT_NOTHING, 0, NULL, 1 },
		{ CURLE_PARTIAL_FILE, 200, NULL, 1 },
		{ CURLE_OK, 500, NULL, 1 },
		{ CURLE_OK, 500, "InternalError", 1 },
		{ CURLE_OK, 502, NULL, 1 },
		{ CURLE_OK, 503, NULL, 1 },
		{ CURLE_OK, 503, "SlowDown", 1 },
		{ CURLE_OK, 503, "ServiceUnavailable", 1 },
		{ CURLE_OK, 504, "", 1 },
		{ CURLE_OK, 400, "SlowDown", 1 },
		{ CURLE_OK, 0, "SlowDown", 1 },
		{ CURLE_OK, 200, NULL, 0 },
		{ CURLE_OK, 204, "", 0 },
		{ CURLE_OK, 0, NULL, 0 },
		{ CURLE_OK, 400, "InvalidArgument", 0 },
		{ CURLE_OK, 403, "SignatureDoesNotMatch", 0 },
		{ CURLE_OK, 403, "AccessDenied", 0 },
		{ CURLE_OK, 404, "NoSuchKey", 0 },
		{ CURLE_OK, 404, "NoSuchBucket", 0 },
		{ CURLE_OK, 409, "BucketAlreadyOwnedByYou", 0 },
		{ CURLE_OK, 412, "PreconditionFailed", 0 },
		{ CURLE_OK, 501, "NotImplemented", 0 },
		{ CURLE_OK, 505, NULL, 0 },
		{ CURLE_OK, 400, "slowdown", 0 },
		{ CURLE_OK, 400, "SlowDownX", 0 },
		{ CURLE_COULDNT_RESOLVE_HOST, 0, NULL, 0 },
		{ CURLE_COULDNT_RESOLVE_HOST, 503, "SlowDown", 0 },
		{ CURLE_URL_MALFORMAT, 0, NULL, 0 },
		{ CURLE_UNSUPPORTED_PROTOCOL, 0, NULL, 0 },
		{ CURLE_WRITE_ERROR, 200, NULL, 0 },
		{ CURLE_ABORTED_BY_CALLBACK, 0, NULL, 0 },
	};
	size_t i;
	int bad = 0, got;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = retry_is_transient(cases[i].curl_code, cases[i].status, cases[i].s3_code);
		if (got != cases[i].want) {
			print_error("curl %d (%s), HTTP %ld, code %s: got %d, want %d\n",
			    cases[i].curl_code, curl_easy_strerror(cases[i].curl_code),
			    cases[i].status, cases[i].s3_code ? cases[i].s3_code : "NULL", got,
			    cases[i].want);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void
test_should(void **state)
{
	struct fixture *fx = *state;
	struct retry_policy once = { 1, 100, 2000 };
	int n;

	assert_int_equal(fx->policy.max_attempts, 4);
	for (n = 1; n < 4; n++) {
		assert_int_equal(retry_should(&fx->policy, n, CURLE_OK, 503, "SlowDown"), 1);
		assert_int_equal(retry_should(&fx->policy, n, CURLE_COULDNT_CONNECT, 0, NULL), 1);
		assert_int_equal(retry_should(&fx->policy, n, CURLE_OK, 404, "NoSuchKey"), 0);
		assert_int_equal(retry_should(&fx->policy, n, CURLE_OK, 200, NULL), 0);
	}
	for (n = 4; n < 8; n++)
		assert_int_equal(retry_should(&fx->policy, n, CURLE_OK, 503, "SlowDown"), 0);
	assert_int_equal(retry_should(&fx->policy, INT_MAX, CURLE_RECV_ERROR, 0, NULL), 0);
	/* One attempt in all: never another. */
	assert_int_equal(retry_should(&once, 1, CURLE_OPERATION_TIMEDOUT, 0, NULL), 0);
}

/* Attempts 1..10 under the default policy: [c/2, c], both ends reached, mean near 3c/4. */
static void
test_delay_range(void **state)
{
	static const long want_c[] = { 100, 200, 400, 800, 1600, 2000, 2000, 2000, 2000, 2000 };
	struct fixture *fx = *state;
	long c, d, lo, hi;
	double sum;
	int n, i;

	assert_int_equal(fx->policy.base_ms, 100);
	assert_int_equal(fx->policy.cap_ms, 2000);
	for (n = 1; n <= 10; n++) {
		c = ceiling(&fx->policy, n);
		assert_int_equal(c, want_c[n - 1]);
		lo = LONG_MAX;
		hi = LONG_MIN;
		sum = 0;
		for (i = 0; i < DRAWS; i++) {
			d = retry_delay_ms(&fx->policy, n, &fx->rng);
			if (d < c / 2 || d > c)
				fail_msg("attempt %d: delay %ld outside [%ld, %ld]", n, d,
				    c / 2, c);
			lo = d < lo ? d : lo;
			hi = d > hi ? d : hi;
			sum += (double)d;
		}
		assert_int_equal(lo, c / 2);
		assert_int_equal(hi, c);
		sum /= DRAWS;
		if (sum < 0.74 * (double)c || sum > 0.76 * (double)c)
			fail_msg("attempt %d: mean delay %.1f, want about %.1f", n, sum,
			    0.75 * (double)c);
	}
}

/* Other policies: odd bases, a base above the cap, a cap that is no power-of-two multiple. */
static void
test_delay_policies(void **state)
{
	static const struct retry_policy policies[] = {
		{ 4, 1, 1000 },
		{ 4, 3, 1000 },
		{ 4, 25, 30000 },
		{ 4, 5000, 2000 },
		{ 4, 100, 100 },
		{ 4, 1, 1 },
	};
	struct fixture *fx = *state;
	long c, d;
	size_t k;
	int n, i;

	for (k = 0; k < sizeof(policies) / sizeof(policies[0]); k++) {
		for (n = 1; n <= 16; n++) {
			c = ceiling(&policies[k], n);
			for (i = 0; i < 2000; i++) {
				d = retry_delay_ms(&policies[k], n, &fx->rng);
				if (d < c / 2 || d > c)
					fail_msg("base %ld cap %ld attempt %d: %ld outside "
						 "[%ld, %ld]", policies[k].base_ms,
					    policies[k].cap_ms, n, d, c / 2, c);
			}
		}
	}
}

/* The ceiling doubles until the cap and stays there, even for absurd attempt counts. */
static void
test_delay_growth_and_cap(void **state)
{
	static const int big[] = { 11, 31, 32, 63, 64, 65, 1000, INT_MAX };
	struct fixture *fx = *state;
	long prev = 0, c, d, hi;
	size_t k;
	int n, i;

	for (n = 1; n <= 12; n++) {
		hi = 0;
		for (i = 0; i < 4000; i++) {
			d = retry_delay_ms(&fx->policy, n, &fx->rng);
			hi = d > hi ? d : hi;
			assert_true(d <= fx->policy.cap_ms);
		}
		c = ceiling(&fx->policy, n);
		if (c < fx->policy.cap_ms)
			assert_true(hi > prev);
		else
			assert_int_equal(hi, fx->policy.cap_ms);
		prev = hi;
	}
	for (k = 0; k < sizeof(big) / sizeof(big[0]); k++) {
		for (i = 0; i < 1000; i++) {
			d = retry_delay_ms(&fx->policy, big[k], &fx->rng);
			if (d < fx->policy.cap_ms / 2 || d > fx->policy.cap_ms)
				fail_msg("attempt %d: %ld outside [%ld, %ld]", big[k], d,
				    fx->policy.cap_ms / 2, fx->policy.cap_ms);
		}
	}
}

/* Jitter: a burst of clients with different states spreads out. */
static void
test_delay_jitter(void **state)
{
	struct fixture *fx = *state;
	unsigned char hit[2001] = { 0 };
	uint64_t s;
	int i, distinct = 0;
	long d;

	for (i = 0; i < 1000; i++) {
		s = rng_seed2(SEED, (uint64_t)i);
		d = retry_delay_ms(&fx->policy, 3, &s);
		assert_true(d >= 200 && d <= 400);
		if (!hit[d]++)
			distinct++;
	}
	/* 201 possible values, 1,000 draws: nearly all should show. */
	assert_true(distinct > 180);
}

static void
test_delay_deterministic(void **state)
{
	struct fixture *fx = *state;
	uint64_t a = SEED, b = SEED, c = SEED + 1, before, copy;
	long da, want;
	int i, n, same = 0;

	for (i = 0; i < 1000; i++) {
		n = 1 + i % 10;
		da = retry_delay_ms(&fx->policy, n, &a);
		assert_int_equal(da, retry_delay_ms(&fx->policy, n, &b));
		if (da == retry_delay_ms(&fx->policy, n, &c))
			same++;
	}
	assert_true(a == b);
	assert_true(same < 100);

	/* Exactly one draw per call: c/2 + rng_below(state, c - c/2 + 1). */
	for (n = 1; n <= 10; n++) {
		long ce = ceiling(&fx->policy, n);

		before = fx->rng;
		copy = fx->rng;
		want = ce / 2 + (long)rng_below(&copy, (uint64_t)(ce - ce / 2) + 1);
		assert_int_equal(retry_delay_ms(&fx->policy, n, &fx->rng), want);
		assert_true(fx->rng == copy);
		assert_true(fx->rng != before);
	}
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* retry_sleep_ms waits at least the delay asked for, and not at all for 0 or less. */
static void
test_sleep(void **state)
{
	int64_t t0;

	(void)state;
	t0 = mono_ms();
	retry_sleep_ms(0);
	retry_sleep_ms(-50);
	retry_sleep_ms(LONG_MIN);
	assert_true(mono_ms() - t0 < 20);
	t0 = mono_ms();
	retry_sleep_ms(30);
	assert_true(mono_ms() - t0 >= 29);
}

static void
test_inval(void **state)
{
	struct fixture *fx = *state;
	struct retry_policy zero_base = { 4, 0, 2000 };
	struct retry_policy neg_base = { 4, -100, 2000 };
	struct retry_policy zero_cap = { 4, 100, 0 };

	assert_int_equal(retry_should(NULL, 1, CURLE_COULDNT_CONNECT, 0, NULL), 0);
	assert_int_equal(retry_is_transient(CURLE_OK, 503, NULL), 1);

	assert_int_equal(retry_delay_ms(NULL, 1, &fx->rng), 0);
	assert_int_equal(retry_delay_ms(&fx->policy, 1, NULL), 0);
	assert_int_equal(retry_delay_ms(&fx->policy, 0, &fx->rng), 0);
	assert_int_equal(retry_delay_ms(&fx->policy, -1, &fx->rng), 0);
	assert_int_equal(retry_delay_ms(&fx->policy, INT_MIN, &fx->rng), 0);
	assert_int_equal(retry_delay_ms(&zero_base, 2, &fx->rng), 0);
	assert_int_equal(retry_delay_ms(&neg_base, 2, &fx->rng), 0);
	assert_int_equal(retry_delay_ms(&zero_cap, 2, &fx->rng), 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_transient),
		T(test_should),
		T(test_delay_range),
		T(test_delay_policies),
		T(test_delay_growth_and_cap),
		T(test_delay_jitter),
		T(test_delay_deterministic),
		T(test_sleep),
		T(test_inval),
	};

	return cmocka_run_group_tests_name("retry", tests, NULL, NULL);
}
