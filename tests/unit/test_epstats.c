/*
 * test_epstats.c: unit tests of harness/results/epstats.c, the per-endpoint figures of a run.
 * Percentiles from the histogram against the exact nearest-rank values of a shuffled 1..1000
 * ms (within 1%), a value under 1 us and one past the last bucket; counts and bytes per
 * endpoint, failed jobs counted but not timed, a stage that did not run left out; records
 * taken from their stages' clocks; the JSON object (null times where no job ended ok) and the
 * URL list of meta.json; test_inval: n of 0 or too many, NULL, an endpoint past the last.
 */
#include "harness/results/epstats.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "include/rng.h"

static void
assert_near(double got, double want)
{
	if (!(fabs(got - want) <= want * 0.01 + 1e-9))
		fail_msg("got %g, want %g within 1%%", got, want);
}

/* Endpoint ep's counts are jobs, ok (failed: the rest) and bytes in. */
static void
assert_counts(const struct epstats *s, unsigned ep, uint64_t jobs, uint64_t ok, uint64_t in,
    struct epstats_row *r)
{
	epstats_get(s, ep, r);
	if (r->jobs != jobs || r->ok != ok || r->failed != jobs - ok || r->bytes_in != in)
		fail_msg("endpoint %u: %llu jobs, %llu ok, %llu failed, %llu bytes in; want %llu, "
		    "%llu, %llu, %llu", ep, (unsigned long long)r->jobs, (unsigned long long)r->ok,
		    (unsigned long long)r->failed, (unsigned long long)r->bytes_in,
		    (unsigned long long)jobs, (unsigned long long)ok,
		    (unsigned long long)(jobs - ok), (unsigned long long)in);
}

static void
test_percentiles(void **state)
{
	struct epstats *s = epstats_new(2);
	struct epstats_row r;
	uint64_t rng = 7;
	double v[1000], t;
	int i, j;

	(void)state;
	assert_non_null(s);
	for (i = 0; i < 1000; i++)
		v[i] = i + 1;
	for (i = 999; i > 0; i--) {	/* shuffled: the order must not matter */
		j = (int)rng_below(&rng, (uint64_t)i + 1);
		t = v[i], v[i] = v[j], v[j] = t;
	}
	for (i = 0; i < 1000; i++)
		epstats_add(s, 1, 1, v[i], v[i] / 10, 100, 10);
	assert_counts(s, 1, 1000, 1000, 100000, &r);
	assert_int_equal(r.bytes_out, 10000);
	assert_near(r.get_p50_ms, 500);
	assert_near(r.get_p99_ms, 990);
	assert_near(r.put_p50_ms, 50);
	assert_near(r.put_p99_ms, 99);
	assert_counts(s, 0, 0, 0, 0, &r);	/* untouched */
	assert_true(r.get_p50_ms == -1 && r.put_p99_ms == -1);
	epstats_free(s);

	s = epstats_new(1);
	epstats_add(s, 0, 1, 0.0001, 1e12, 0, 0);	/* under 1 us; past the last bucket */
	epstats_get(s, 0, &r);
	assert_true(r.get_p50_ms < 0.001);
	assert_true(r.put_p50_ms > 1e6);
	epstats_free(s);
}

static void
test_counts(void **state)
{
	struct epstats *s = epstats_new(3);
	struct epstats_row r;

	(void)state;
	epstats_add(s, 2, 0, 5, 5, 7, 0);	/* failed: counted, not timed */
	epstats_add(s, 2, 1, 4, -1, 3, 0);	/* ok, its PUT never ran */
	epstats_add(s, 2, 1, 8, NAN, 3, 0);
	assert_counts(s, 2, 3, 2, 13, &r);
	assert_near(r.get_p50_ms, 4);
	assert_near(r.get_p99_ms, 8);
	assert_true(r.put_p50_ms == -1);
	epstats_free(s);
}

static void
test_record(void **state)
{
	struct epstats *s = epstats_new(2);
	struct job_record rec;
	struct epstats_row r;

	(void)state;
	memset(&rec, 0, sizeof(rec));
	rec.endpoint = 1;
	rec.outcome = JOB_OK;
	rec.bytes_in = 1000, rec.bytes_out = 200;
	rec.stage[JOB_GET].start_ns = 1000000000, rec.stage[JOB_GET].end_ns = 1030000000;
	rec.stage[JOB_PUT].start_ns = 1040000000, rec.stage[JOB_PUT].end_ns = 1042000000;
	epstats_add_record(s, &rec);
	rec.outcome = JOB_FAILED;
	rec.endpoint = 0;
	epstats_add_record(s, &rec);
	rec.endpoint = -1;		/* counted nowhere */
	epstats_add_record(s, &rec);
	assert_counts(s, 1, 1, 1, 1000, &r);
	assert_near(r.get_p50_ms, 30);
	assert_near(r.put_p50_ms, 2);
	assert_int_equal(r.bytes_out, 200);
	assert_counts(s, 0, 1, 0, 1000, &r);
	epstats_free(s);
}

static void
test_json(void **state)
{
	struct epstats *s = epstats_new(2);
	struct s3_config cfg;
	json_t *o;
	char *text;

	(void)state;
	epstats_add(s, 0, 0, 1, 1, 5, 0);
	o = epstats_json(s, 0, "http://a:1");
	text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(text, "{\"bytes_in\":5,\"bytes_out\":0,\"endpoint\":0,\"failed\":1,"
	    "\"get_p50_ms\":null,\"get_p99_ms\":null,\"jobs\":1,\"ok\":0,\"put_p50_ms\":null,"
	    "\"put_p99_ms\":null,\"url\":\"http://a:1\"}");
	free(text);
	json_decref(o);
	o = epstats_json(s, 1, NULL);
	assert_true(json_is_null(json_object_get(o, "url")));
	json_decref(o);
	epstats_free(s);

	memset(&cfg, 0, sizeof(cfg));
	snprintf(cfg.endpoint, sizeof(cfg.endpoint), "http://only");
	o = epstats_urls_json(&cfg);	/* a config made by hand: its one endpoint */
	text = json_dumps(o, JSON_COMPACT);
	assert_string_equal(text, "[\"http://only\"]");
	free(text);
	json_decref(o);
	cfg.nendpoints = 2;
	snprintf(cfg.endpoints[0], sizeof(cfg.endpoints[0]), "http://only");
	snprintf(cfg.endpoints[1], sizeof(cfg.endpoints[1]), "http://two");
	o = epstats_urls_json(&cfg);
	text = json_dumps(o, JSON_COMPACT);
	assert_string_equal(text, "[\"http://only\",\"http://two\"]");
	free(text);
	json_decref(o);
}

static void
test_inval(void **state)
{
	struct epstats *s;
	struct epstats_row r;

	(void)state;
	assert_null(epstats_new(0));
	assert_null(epstats_new(S3_ENDPOINTS_MAX + 1));
	epstats_free(NULL);
	epstats_add(NULL, 0, 1, 1, 1, 1, 1);
	epstats_add_record(NULL, &(struct job_record){ 0 });
	assert_int_equal(epstats_n(NULL), 0);
	epstats_get(NULL, 0, &r);
	assert_int_equal(r.jobs, 0);
	s = epstats_new(1);
	epstats_add(s, 1, 1, 1, 1, 1, 1);	/* past the last: nowhere */
	assert_counts(s, 1, 0, 0, 0, &r);
	assert_counts(s, 0, 0, 0, 0, &r);
	epstats_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_percentiles),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_inval),
	};

	return cmocka_run_group_tests_name("per-endpoint figures", tests, NULL, NULL);
}
