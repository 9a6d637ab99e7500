/*
 * test_plan.c: unit tests of harness/engine/plan.c's places: plan_inside compares whole
 * prefix parts ("ab" is not under "a"; "" is the whole bucket); plan_overlap refuses outputs
 * inside the source (equal included) with one line naming both, and, both ways, a source
 * inside the outputs; plan_make resolves the source (source, else data_bucket with
 * data_prefix or the dataset's name) and the outputs (out_bucket with out_prefix or the
 * scenario's name), refuses an overlap, and plan_argv passes them to `exifbench run`;
 * plan_print ends with the latency added, or with auto and the rule it resolves by.
 */
#include "harness/engine/plan.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static void
test_inside(void **state)
{
	assert_true(plan_inside("b", "a", "b", "a"));
	assert_true(plan_inside("b", "a/x", "b", "a"));
	assert_true(plan_inside("b", "a/x/y", "b", "a/x"));
	assert_true(plan_inside("b", "anything", "b", ""));
	assert_true(plan_inside("b", "", "b", ""));
	assert_false(plan_inside("b", "ab", "b", "a"));
	assert_false(plan_inside("b", "a", "b", "a/x"));
	assert_false(plan_inside("c", "a/x", "b", "a"));
	assert_false(plan_inside("b", "", "b", "a"));
}

static void
test_overlap(void **state)
{
	char err[512];

	assert_int_equal(plan_overlap("src", "in", "src", "out", 1, err, sizeof(err)), 0);
	assert_int_equal(plan_overlap("src", "in", "dst", "in", 1, err, sizeof(err)), 0);
	assert_int_equal(plan_overlap("src", "in", "src", "in/out", 0, err, sizeof(err)), -1);
	assert_string_equal(err, "the outputs s3://src/in/out are inside the source "
	    "s3://src/in: they would overwrite it or be read as input; choose another bucket or "
	    "prefix");
	assert_int_equal(plan_overlap("src", "in", "src", "in", 0, err, sizeof(err)), -1);
	assert_int_equal(plan_overlap("src", "", "src", "x", 0, err, sizeof(err)), -1);
	assert_string_equal(err, "the outputs s3://src/x are inside the source s3://src: they "
	    "would overwrite it or be read as input; choose another bucket or prefix");
	/* A source inside the outputs: refused by the bench (it deletes them), not by run. */
	assert_int_equal(plan_overlap("b", "runs/photos", "b", "runs", 0, err, sizeof(err)), 0);
	assert_int_equal(plan_overlap("b", "runs/photos", "b", "runs", 1, err, sizeof(err)), -1);
	assert_string_equal(err, "the source s3://b/runs/photos is inside the outputs s3://b/runs, "
	    "which the bench deletes run by run; choose another bucket or prefix");
}

/* A one-model, one-level scenario with the given keys set. */
static void
scenario_with(struct scenario *sc, const char *const *kv)
{
	scenario_defaults(sc);
	assert_int_equal(scenario_set(sc, "name", "sc1", NULL, 0), 0);
	assert_int_equal(scenario_set(sc, "models", "sequential", NULL, 0), 0);
	for (; kv[0] != NULL; kv += 2)
		assert_int_equal(scenario_set(sc, kv[0], kv[1], NULL, 0), 0);
}

static void
test_places(void **state)
{
	static const char *const none[] = { NULL };
	static const char *const custom[] = { "dataset", "tiny", "data_bucket", "my-data",
		"data_prefix", "sets/t", "out_bucket", "my-out", "out_prefix", "r/1", NULL };
	static const char *const source[] = { "source", "s3://photos/2024", "out_bucket",
		"photos", "out_prefix", "results", NULL };
	static const char *const inside[] = { "source", "s3://photos/2024", "out_bucket",
		"photos", "out_prefix", "2024/out", NULL };
	struct scenario sc;
	size_t i;
	struct plan p;
	char err[512], *argv[48];

	scenario_with(&sc, none);
	assert_int_equal(plan_make(&sc, &p, err, sizeof(err)), 0);
	assert_string_equal(p.src_bucket, "exifbench-data");
	assert_string_equal(p.src_prefix, "default");
	assert_string_equal(p.dst_bucket, "exifbench-out");
	assert_string_equal(p.dst_prefix, "sc1");
	plan_free(&p);
	scenario_with(&sc, custom);
	assert_int_equal(plan_make(&sc, &p, err, sizeof(err)), 0);
	assert_string_equal(p.src_bucket, "my-data");
	assert_string_equal(p.src_prefix, "sets/t");
	assert_string_equal(p.dst_bucket, "my-out");
	assert_string_equal(p.dst_prefix, "r/1");
	plan_argv(&p, &p.run[0], &sc, "exifbench", "r/1/sequential-c1-cpusall-r1", "t.csv", 0,
	    argv, 48);
	assert_string_equal(argv[4], "--src");
	assert_string_equal(argv[5], "s3://my-data/sets/t");
	assert_string_equal(argv[6], "--dst");
	assert_string_equal(argv[7], "s3://my-out/r/1/sequential-c1-cpusall-r1");
	for (i = 0; argv[i] != NULL && strcmp(argv[i], "--stage-cmd") != 0; i++)
		;
	assert_null(argv[i]);	/* no stage_cmd: no --stage-cmd */
	snprintf(sc.stage_cmd, sizeof(sc.stage_cmd), "./stage --fast");
	plan_argv(&p, &p.run[0], &sc, "exifbench", "r/1/sequential-c1-cpusall-r1", "t.csv", 0,
	    argv, 48);
	for (i = 0; argv[i] != NULL && strcmp(argv[i], "--stage-cmd") != 0; i++)
		;
	assert_non_null(argv[i]);
	assert_string_equal(argv[i + 1], "./stage --fast");
	plan_free(&p);
	scenario_with(&sc, source);
	assert_int_equal(plan_make(&sc, &p, err, sizeof(err)), 0);
	assert_string_equal(p.src_bucket, "photos");
	assert_string_equal(p.src_prefix, "2024");
	assert_string_equal(p.dst_prefix, "results");
	plan_free(&p);
	scenario_with(&sc, inside);
	assert_int_equal(plan_make(&sc, &p, err, sizeof(err)), -1);
	assert_string_equal(err, "the outputs s3://photos/2024/out are inside the source "
	    "s3://photos/2024: they would overwrite it or be read as input; choose another "
	    "bucket or prefix");
	assert_null(p.run);
}

/* plan_print's last line: the latency added, or auto and how it resolves. */
static void
test_print_latency(void **state)
{
	static const char *const fixed[] = { "latency_ms", "5", NULL };
	static const char *const autolat[] = { "latency_ms", "auto", NULL };
	struct scenario sc;
	struct plan p;
	char err[512], *buf = NULL;
	size_t len = 0;
	FILE *f;

	scenario_with(&sc, fixed);
	assert_int_equal(plan_make(&sc, &p, err, sizeof(err)), 0);
	assert_non_null(f = open_memstream(&buf, &len));
	plan_print(&p, &sc, f);
	fclose(f);
	assert_non_null(strstr(buf, "\nlatency: 5 ms one-way added\n"));
	free(buf), buf = NULL;
	plan_free(&p);
	scenario_with(&sc, autolat);
	assert_int_equal(plan_make(&sc, &p, err, sizeof(err)), 0);
	assert_non_null(f = open_memstream(&buf, &len));
	plan_print(&p, &sc, f);
	fclose(f);
	assert_non_null(strstr(buf, "\nlatency: auto: 50 ms one-way on the local server, 0 "
	    "elsewhere (resolved when the bench knows its endpoint)\n"));
	free(buf), buf = NULL;
	scenario_resolve_latency(&sc, 0);
	assert_non_null(f = open_memstream(&buf, &len));
	plan_print(&p, &sc, f);
	fclose(f);
	assert_non_null(strstr(buf, "\nlatency: 0 ms one-way added\n"));
	free(buf);
	plan_free(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inside),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_places),
		cmocka_unit_test(test_print_latency),
	};

	return cmocka_run_group_tests_name("plan", tests, NULL, NULL);
}
