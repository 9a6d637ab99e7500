/*
 * test_dsstats.c: unit tests of datasets/dsstats.c, a dataset's figures. Counts, total and
 * largest size are exact; p50 and p99 by nearest rank lie within 0.6% below the exact
 * nearest-rank size (checked against a sorted copy over sizes spread from 0 to 50 MB);
 * the empty set gives zeros; EXIF shares count only images whose EXIF is known; the JSON
 * carries every figure, with a null share when no EXIF is known.
 */
#include "datasets/dsstats.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The exact nearest-rank size at p of the sorted v[0..n). */
static uint64_t
exact(const uint64_t *v, size_t n, double p)
{
	size_t rank = (size_t)ceil(p * (double)n);

	return v[rank > 0 ? rank - 1 : 0];
}

static void
test_sizes(void **state)
{
	static const double ps[] = { 0.01, 0.1, 0.5, 0.9, 0.99, 0.999 };
	struct dsstats *st = malloc(sizeof(*st));
	uint64_t v[5000], x = 88172645463325252ULL, got, want, total = 0;
	size_t i, k;

	assert_non_null(st);
	dsstats_init(st);
	for (i = 0; i < 5000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		v[i] = i == 0 ? 0 : (x % 50000000) >> (x % 20);
		total += v[i];
		dsstats_add(st, v[i], -1);
	}
	qsort(v, 5000, sizeof(v[0]), cmp_u64);
	assert_int_equal(st->count, 5000);
	assert_int_equal(st->bytes, total);
	assert_int_equal(st->max, v[4999]);
	assert_int_equal(dsstats_size_at(st, 1), v[4999]);
	for (k = 0; k < sizeof(ps) / sizeof(ps[0]); k++) {
		got = dsstats_size_at(st, ps[k]), want = exact(v, 5000, ps[k]);
		if (got > want || (double)got < (double)want / 1.006)
			fail_msg("p%g: %llu, exact %llu", ps[k] * 100, (unsigned long long)got,
			    (unsigned long long)want);
	}
	free(st);
}

static void
test_small(void **state)
{
	struct dsstats *st = malloc(sizeof(*st));
	json_t *j;

	assert_non_null(st);
	dsstats_init(st);
	assert_int_equal(dsstats_size_at(st, 0.5), 0);
	j = dsstats_json(st, "manifest");
	assert_true(json_is_null(json_object_get(j, "exif_share")));
	assert_int_equal(json_integer_value(json_object_get(j, "images")), 0);
	json_decref(j);
	dsstats_add(st, 1000, 1);
	dsstats_add(st, 2000, 0);
	dsstats_add(st, 3000, 1);
	dsstats_add(st, 4000, -1);
	/* the lower edge of the rank's bucket: within 0.6% below the size */
	assert_true(dsstats_size_at(st, 0.25) <= 1000 && dsstats_size_at(st, 0.25) >= 994);
	assert_true(dsstats_size_at(st, 0.5) <= 2000 && dsstats_size_at(st, 0.5) >= 1989);
	assert_true(dsstats_size_at(st, 0.99) <= 4000 && dsstats_size_at(st, 0.99) >= 3977);
	assert_int_equal(dsstats_size_at(st, 0), 0);
	j = dsstats_json(st, "trace");
	assert_string_equal(json_string_value(json_object_get(j, "from")), "trace");
	assert_int_equal(json_integer_value(json_object_get(j, "images")), 4);
	assert_int_equal(json_integer_value(json_object_get(j, "bytes")), 10000);
	assert_int_equal(json_integer_value(json_object_get(j, "size_max")), 4000);
	assert_int_equal(json_integer_value(json_object_get(j, "exif_known")), 3);
	assert_int_equal(json_integer_value(json_object_get(j, "with_exif")), 2);
	assert_true(fabs(json_real_value(json_object_get(j, "exif_share")) - 2.0 / 3) < 1e-12);
	json_decref(j);
	free(st);
}

static void
test_buckets(void **state)
{
	uint64_t s;

	assert_int_equal(bucket_of(0), 0);
	assert_int_equal(bucket_of(1), 1);
	assert_int_equal(bucket_low(1), 1);
	assert_int_equal(bucket_of(UINT64_MAX), DSSTATS_BUCKETS - 1);
	for (s = 1; s < 5000000; s = s * 3 / 2 + 1)
		assert_true(bucket_low(bucket_of(s)) <= s &&
		    (double)bucket_low(bucket_of(s)) * 1.006 >= (double)s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_small),
		cmocka_unit_test(test_buckets),
	};

	return cmocka_run_group_tests_name("dsstats", tests, NULL, NULL);
}
