/*
 * test_compare.c: unit tests of harness/report/compare.c, two result sets side by side, on
 * hand-made numbers. Checked: the change in percent (zero, NaN and infinite rates); the noise
 * rule from a table (within and beyond 2 standard errors, the boundary, one side without a
 * standard error taking the other's, the threshold fallback, zero rates, NaN rates and missing
 * runs); the parameter diff of two hand-made meta objects (numbers by value, arrays whole, keys
 * on one side only, nested keys, an object against a scalar); and compare_make on hand-built
 * result sets: scenario pairing by name and rank, runs by model, level and PU set, repeats
 * averaged with their spread as the standard error, errors summed, runs and scenarios on one
 * side only, and the same through compare_json. Plus bad and empty arguments.
 */
#include "harness/report/compare.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#define NEAR(x, y) assert_true(fabs((x) - (y)) < 1e-9)

static void
test_change(void **state)
{
	static const struct { double a, b, want; } t[] = {
		{ 100, 110, 10 }, { 100, 90, -10 }, { 200, 200, 0 }, { 4, 1, -75 },
		{ 0, 0, 0 }, { 0, 5, NAN }, { NAN, 1, NAN }, { 1, NAN, NAN },
		{ 1, INFINITY, NAN }, { -INFINITY, 1, NAN },
	};
	size_t i;
	double got;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		got = compare_change(t[i].a, t[i].b);
		if (isnan(t[i].want))
			assert_true(isnan(got));
		else
			NEAR(got, t[i].want);
	}
}

static void
test_verdict(void **state)
{
	static const struct {
		unsigned ra; double a, sa;
		unsigned rb; double b, sb;
		double thr;
		enum cmp_verdict want;
		double noise;
	} t[] = {
		{ 1, 100, 3, 1, 105, 4, 5, CMP_SE_SAME, 10 },		/* 2 sqrt(9 + 16) */
		{ 1, 100, 3, 1, 110, 4, 5, CMP_SE_SAME, 10 },		/* on the boundary */
		{ 1, 100, 3, 1, 111, 4, 5, CMP_SE_CHANGED, 10 },
		{ 1, 100, 3, 1, 89, 4, 50, CMP_SE_CHANGED, 10 },	/* se rule wins */
		{ 1, 100, 3, 1, 108, -1, 5, CMP_PCT_CHANGED, -1 },	/* B has no se */
		{ 1, 100, NAN, 1, 96, 3, 5, CMP_PCT_SAME, -1 },		/* nor has A here */
		{ 1, 100, 0, 1, 100, 0, 5, CMP_SE_SAME, 0 },		/* steady, same */
		{ 1, 100, 0, 1, 100.5, 0, 5, CMP_SE_CHANGED, 0 },
		{ 1, 100, -1, 1, 104, -1, 5, CMP_PCT_SAME, -1 },
		{ 1, 100, -1, 1, 95, -1, 5, CMP_PCT_SAME, -1 },		/* |change| = threshold */
		{ 1, 100, -1, 1, 106, -1, 5, CMP_PCT_CHANGED, -1 },
		{ 1, 100, -1, 1, 106, -1, 10, CMP_PCT_SAME, -1 },
		{ 1, 100, -1, 1, 100, -1, 0, CMP_PCT_SAME, -1 },
		{ 1, 0, -1, 1, 0, -1, 5, CMP_PCT_SAME, -1 },		/* zero rates */
		{ 1, 0, -1, 1, 5, -1, 5, CMP_PCT_CHANGED, -1 },
		{ 1, 0, 0, 1, 0, 0, 5, CMP_SE_SAME, 0 },
		{ 1, NAN, 3, 1, 100, 3, 5, CMP_NONE, -1 },		/* no rate */
		{ 1, 100, 3, 1, NAN, 3, 5, CMP_NONE, -1 },
		{ 0, NAN, -1, 1, 100, 3, 5, CMP_NONE, -1 },		/* missing runs */
		{ 1, 100, 3, 0, NAN, -1, 5, CMP_NONE, -1 },
	};
	struct cmp_side a, b;
	double noise;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&a, 0, sizeof(a)), memset(&b, 0, sizeof(b));
		a.reps = t[i].ra, a.ips = t[i].a, a.se = t[i].sa;
		b.reps = t[i].rb, b.ips = t[i].b, b.se = t[i].sb;
		noise = 123;
		if (compare_verdict(&a, &b, t[i].thr, &noise) != t[i].want)
			fail_msg("row %zu: verdict %d, want %d", i,
			    compare_verdict(&a, &b, t[i].thr, &noise), t[i].want);
		NEAR(noise, t[i].noise);
	}
}

/* The diff's entry i: its key, and a and b as compact JSON ("null" when absent). */
static void
assert_entry(const json_t *d, size_t i, const char *key, const char *a, const char *b)
{
	const json_t *e = json_array_get(d, i);
	char *sa, *sb;

	assert_non_null(e);
	assert_string_equal(json_string_value(json_object_get(e, "key")), key);
	sa = json_dumps(json_object_get(e, "a"), JSON_ENCODE_ANY | JSON_COMPACT);
	sb = json_dumps(json_object_get(e, "b"), JSON_ENCODE_ANY | JSON_COMPACT);
	assert_string_equal(sa, a);
	assert_string_equal(sb, b);
	free(sa);
	free(sb);
}

static void
test_diff(void **state)
{
	json_t *a = json_loads("{\"latency_ms\": 50.0, \"trim\": 0.10000000000000001, "
	    "\"models\": [\"async\", \"pthreads\"], \"concurrency\": [1, 8], \"pus\": 2, "
	    "\"gone\": 1, \"os\": {\"release\": \"6.1\", \"sysname\": \"Linux\"}, "
	    "\"x\": {\"k\": 1}, \"dataset\": \"tiny\", \"ratio\": [0.5]}", 0, NULL);
	json_t *b = json_loads("{\"latency_ms\": 20, \"trim\": 0.1, \"models\": [\"async\", "
	    "\"pthreads\"], \"concurrency\": [1, 8, 64], \"pus\": 2.0, \"os\": {\"release\": "
	    "\"6.2\", \"sysname\": \"Linux\"}, \"x\": 5, \"dataset\": \"tiny\", "
	    "\"ratio\": [0.50], \"new\": true}", 0, NULL);
	json_t *d = json_array();

	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(compare_diff(d, "scenario", a, b), 0);
	assert_int_equal(json_array_size(d), 6);
	assert_entry(d, 0, "scenario.latency_ms", "50.0", "20");
	assert_entry(d, 1, "scenario.concurrency", "[1,8]", "[1,8,64]");
	assert_entry(d, 2, "scenario.gone", "1", "null");
	assert_entry(d, 3, "scenario.os.release", "\"6.1\"", "\"6.2\"");
	assert_entry(d, 4, "scenario.x", "{\"k\":1}", "5");
	assert_entry(d, 5, "scenario.new", "null", "true");
	/* the same object: nothing; a section on one side only: every key of it */
	json_array_clear(d);
	assert_int_equal(compare_diff(d, "s", a, a), 0);
	assert_int_equal(json_array_size(d), 0);
	assert_int_equal(compare_diff(d, "machine", NULL, json_object_get(b, "os")), 0);
	assert_int_equal(json_array_size(d), 2);
	assert_entry(d, 0, "machine.release", "null", "\"6.2\"");
	json_decref(a);
	json_decref(b);
	json_decref(d);
}

static struct rs_run
mkrun(const char *model, unsigned level, const char *tag, double ips, double se, double p50,
    double errors)
{
	struct rs_run r;
	int c;

	memset(&r, 0, sizeof(r));
	snprintf(r.model, sizeof(r.model), "%s", model);
	snprintf(r.tag, sizeof(r.tag), "%s", tag);
	r.level = level;
	for (c = 0; c < RS_NCOL; c++)
		r.v[c] = NAN;
	r.v[RS_images_per_s] = ips, r.v[RS_e2e_p50_ms] = p50, r.v[RS_e2e_p99_ms] = 2 * p50;
	r.v[RS_errors] = errors;
	r.tr.ips_se = se;
	return r;
}

static void
mkscenario(struct rs_scenario *s, const char *name, const char *meta, struct rs_run *runs,
    size_t n)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	snprintf(s->dir, sizeof(s->dir), "/r/%s", name);
	s->meta = json_loads(meta, 0, NULL);
	s->runs = runs, s->n_runs = n;
}

static void
test_make(void **state)
{
	struct rs_run ra[] = {
		mkrun("async", 8, "all", 100, 2, 50, 0),
		mkrun("pthreads", 8, "all", 90, 2, 60, 0),
		mkrun("sequential", 1, "all", 10, -1, 100, 1),
		mkrun("sequential", 1, "all", 12, -1, 110, 2),
		mkrun("sequential", 1, "all", 14, -1, 120, 0),
		mkrun("async", 8, "0", 50, -1, 70, 0),
	};
	struct rs_run rb[] = {
		mkrun("sequential", 1, "all", 12.5, -1, 105, 4),
		mkrun("async", 8, "all", 120, 3, 40, 0),
		mkrun("hybrid", 1, "all", 5, -1, 200, 0),
		mkrun("async", 8, "0", 50, -1, 70, 0),
	};
	struct rs_scenario sa[3], sb[2];
	struct resultset a = { sa, 3 }, b = { sb, 2 };
	struct compare c;
	const struct cmp_row *r;
	json_t *o, *runs;
	char err[64], note[64];
	size_t i;

	mkscenario(&sa[0], "io", "{\"scenario\": {\"latency_ms\": 50}}", ra, 6);
	mkscenario(&sa[1], "cpu", "{}", NULL, 0);
	mkscenario(&sa[2], "io", "{}", NULL, 0);
	mkscenario(&sb[0], "io", "{\"scenario\": {\"latency_ms\": 20}}", rb, 4);
	mkscenario(&sb[1], "hw", "{}", NULL, 0);
	assert_int_equal(compare_make(&c, &a, &b, 5, err, sizeof(err)), 0);
	assert_int_equal(c.n, 4);
	assert_int_equal(c.matched, 1);
	assert_true(c.sc[0].a == &sa[0] && c.sc[0].b == &sb[0]);
	assert_true(c.sc[1].a == &sa[1] && c.sc[1].b == NULL);
	assert_true(c.sc[2].a == &sa[2] && c.sc[2].b == NULL);	/* the second "io" of A */
	assert_true(c.sc[3].a == NULL && c.sc[3].b == &sb[1]);
	assert_null(c.sc[1].diffs);
	assert_int_equal(json_array_size(c.sc[0].diffs), 1);
	assert_int_equal(c.sc[0].n_rows, 5);
	r = &c.sc[0].rows[0];					/* async 8 all */
	assert_string_equal(r->model, "async");
	NEAR(r->ips_pct, 20);
	NEAR(r->p50_pct, -20);
	NEAR(r->noise, 2 * sqrt(13));
	assert_int_equal(r->verdict, CMP_SE_CHANGED);
	compare_note(r, 5, note, sizeof(note));
	assert_string_equal(note, "changed (2 se = 7.21)");
	r = &c.sc[0].rows[1];					/* pthreads: only in A */
	assert_int_equal(r->b.reps, 0);
	compare_note(r, 5, note, sizeof(note));
	assert_string_equal(note, "only in A");
	assert_int_equal(r->verdict, CMP_NONE);
	assert_true(isnan(r->ips_pct));
	r = &c.sc[0].rows[2];					/* 3 repeats against 1 */
	assert_string_equal(r->model, "sequential");
	assert_int_equal(r->a.reps, 3);
	NEAR(r->a.ips, 12);
	NEAR(r->a.p50_ms, 110);
	NEAR(r->a.errors, 3);
	NEAR(r->a.se, 2 / sqrt(3));
	assert_int_equal(r->verdict, CMP_PCT_SAME);		/* B has no se: 4.2% <= 5% */
	compare_note(r, 5, note, sizeof(note));
	assert_string_equal(note, "within noise (no se; threshold 5%)");
	r = &c.sc[0].rows[3];					/* the same key, other PUs */
	assert_string_equal(r->tag, "0");
	assert_int_equal(r->verdict, CMP_PCT_SAME);
	NEAR(r->ips_pct, 0);
	compare_note(r, 7.5, note, sizeof(note));
	assert_string_equal(note, "within noise (no se; threshold 7.5%)");
	r = &c.sc[0].rows[4];					/* hybrid: only in B */
	assert_string_equal(r->model, "hybrid");
	assert_int_equal(r->a.reps, 0);
	compare_note(r, 5, note, sizeof(note));
	assert_string_equal(note, "only in B");

	assert_non_null(o = compare_json(&c));
	assert_int_equal(json_integer_value(json_object_get(o, "matched")), 1);
	assert_int_equal(json_array_size(json_object_get(o, "scenarios")), 4);
	runs = json_object_get(json_array_get(json_object_get(o, "scenarios"), 0), "runs");
	assert_int_equal(json_array_size(runs), 5);
	assert_false(json_is_true(json_object_get(json_array_get(runs, 0), "within_noise")));
	assert_string_equal(json_string_value(json_object_get(json_array_get(runs, 1), "in")),
	    "a");
	assert_true(json_is_null(json_object_get(json_array_get(runs, 1), "b")));
	assert_true(json_is_true(json_object_get(json_array_get(runs, 2), "within_noise")));
	assert_string_equal(json_string_value(json_object_get(json_array_get(runs, 3), "rule")),
	    "threshold");
	assert_true(json_is_null(json_object_get(json_array_get(json_object_get(o,
	    "scenarios"), 3), "a")));
	json_decref(o);
	compare_free(&c);
	for (i = 0; i < 3; i++)
		json_decref(sa[i].meta);
	for (i = 0; i < 2; i++)
		json_decref(sb[i].meta);
}

static void
test_inval(void **state)
{
	struct resultset none = { NULL, 0 };
	struct compare c;
	struct cmp_side s = { 0, NAN, -1, NAN, NAN, NAN };
	struct cmp_row row;
	json_t *d = json_array(), *o;
	char err[64], note[64];
	double noise;

	assert_int_equal(compare_make(&c, &none, &none, 5, err, sizeof(err)), 0);
	assert_int_equal(c.n, 0);
	assert_int_equal(c.matched, 0);
	assert_non_null(o = compare_json(&c));
	assert_int_equal(json_array_size(json_object_get(o, "scenarios")), 0);
	json_decref(o);
	compare_free(&c);
	compare_free(&c);
	compare_free(NULL);
	assert_int_equal(compare_verdict(&s, &s, 5, &noise), CMP_NONE);
	memset(&row, 0, sizeof(row));
	row.a = row.b = s;
	row.a.reps = row.b.reps = 1;
	compare_note(&row, 5, note, sizeof(note));
	assert_string_equal(note, "no rate");
	assert_int_equal(compare_diff(d, "x", NULL, NULL), 0);
	assert_int_equal(json_array_size(d), 0);
	assert_int_equal(compare_diff(NULL, "x", json_true(), json_false()), -1);
	json_decref(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_change),
		cmocka_unit_test(test_verdict),
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_make),
		cmocka_unit_test(test_inval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
