/*
 * test_rs_dataset.c: unit tests of harness/report/rs_dataset.c. The trace of a folder of
 * tests/data/results-small gives its dataset (50 images of `tiny`, 939,876 bytes, all with
 * EXIF). A crafted trace.csv of two runs takes the run that read the most images, counts a
 * failed image's size but not its EXIF, and skips a row that downloaded nothing; a folder
 * without a trace has no figures; meta.json's dataset.stats win over the trace.
 */
#include "harness/report/rs_dataset.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../testutil.h"

static void
test_results_small(void **state)
{
	struct dsstats *st = malloc(sizeof(*st));
	char dir[4096], err[256];

	assert_non_null(st);
	testutil_data_path(dir, sizeof(dir), "results-small/20261121T212247Z-io-bound");
	assert_int_equal(rs_dataset_trace(dir, st, err, sizeof(err)), 0);
	assert_int_equal(st->count, 50);
	assert_int_equal(st->bytes, 939876);
	assert_int_equal(st->max, 49523);
	assert_int_equal(st->exif_known, 50);
	assert_int_equal(st->with_exif, 50);
	free(st);
}

static void
test_crafted(void **state)
{
	struct dsstats *st = malloc(sizeof(*st));
	struct rs_scenario s;
	char dir[128], err[256];
	json_t *j;

	assert_non_null(st);
	assert_int_equal(testutil_tmpdir(dir, sizeof(dir), "test_rs_dataset"), 0);
	assert_int_equal(rs_dataset_trace(dir, st, err, sizeof(err)), 0);
	assert_int_equal(st->count, 0);
	testutil_write(dir, "trace.csv",
	    "model,level,client_cpus,rep,key,outcome,error,status,exif_tags,bytes_in\n"
	    "sequential,1,all,1,\"a\",\"ok\",\"\",200,3,100\n"
	    "async,4,all,1,\"a\",\"ok\",\"\",200,3,100\n"
	    "async,4,all,1,\"b\",\"ok\",\"\",200,0,200\n"
	    "async,4,all,1,\"c\",\"failed\",\"corrupt JPEG\",200,0,300\n"
	    "async,4,all,1,\"d\",\"failed\",\"missing\",404,0,0\n"
	    "hybrid,4,all,1,\"a\",\"ok\",\"\",200,3,100\n");
	assert_int_equal(rs_dataset_trace(dir, st, err, sizeof(err)), 0);
	assert_int_equal(st->count, 3);
	assert_int_equal(st->bytes, 600);
	assert_int_equal(st->max, 300);
	assert_int_equal(st->exif_known, 2);
	assert_int_equal(st->with_exif, 1);
	memset(&s, 0, sizeof(s));
	snprintf(s.dir, sizeof(s.dir), "%s", dir);
	j = rs_dataset(&s);
	assert_string_equal(json_string_value(json_object_get(j, "from")), "trace");
	json_decref(j);
	s.meta = json_pack("{s:{s:{s:s, s:i}}}", "dataset", "stats", "from", "manifest",
	    "images", 7);
	j = rs_dataset(&s);
	assert_string_equal(json_string_value(json_object_get(j, "from")), "manifest");
	json_decref(j);
	json_decref(s.meta);
	testutil_rmtree(dir);
	free(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_results_small),
		cmocka_unit_test(test_crafted),
	};

	return cmocka_run_group_tests_name("rs_dataset", tests, NULL, NULL);
}
