/*
 * test_location.c: unit tests of models/core/location.c, --src and --dst as an S3 folder or a
 * local one. A table of arguments: s3:// as s3url_parse_uri has it, paths (absolute, relative
 * to the working folder, "./x", trailing slashes) and file:///PATH as local folders, and the
 * refusals (file://host/..., other schemes, ""). location_readable on a folder, a file, a
 * missing path and NULL-free messages; location_inside on real folders under /tmp: the same
 * folder, a subfolder that does not exist yet, a sibling whose name shares the prefix
 * ("in" and "in2"), a path through a symbolic link and through "..", and an in_dir that
 * does not exist.
 */
#include "models/core/location.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "../testutil.h"

struct fixture {
	char dir[256];
	char cwd[LOCATION_DIR_MAX];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char p[512];

	assert_non_null(f);
	assert_int_equal(testutil_tmpdir(f->dir, sizeof(f->dir), "test_location"), 0);
	assert_non_null(getcwd(f->cwd, sizeof(f->cwd)));
	snprintf(p, sizeof(p), "%s/in", f->dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/in2", f->dir);
	assert_int_equal(mkdir(p, 0755), 0);
	testutil_write(f->dir, "file", "x");
	snprintf(p, sizeof(p), "%s/link", f->dir);
	assert_int_equal(symlink("in", p), 0);
	assert_int_equal(chdir(f->dir), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(chdir(f->cwd), 0);
	testutil_rmtree(f->dir);
	free(f);
	return 0;
}

static void
test_parse(void **state)
{
	struct fixture *f = *state;
	struct location loc;
	char err[512], want[1024];

	assert_int_equal(location_parse("s3://my-bucket/a/b/", &loc, err, sizeof(err)), 0);
	assert_int_equal(loc.local, 0);
	assert_string_equal(loc.bucket, "my-bucket");
	assert_string_equal(loc.prefix, "a/b");
	assert_string_equal(loc.dir, "");

	assert_int_equal(location_parse("/data/in//", &loc, err, sizeof(err)), 0);
	assert_int_equal(loc.local, 1);
	assert_string_equal(loc.dir, "/data/in");
	assert_string_equal(loc.bucket, "");

	assert_int_equal(location_parse("file:///data/in", &loc, err, sizeof(err)), 0);
	assert_string_equal(loc.dir, "/data/in");
	assert_int_equal(location_parse("/", &loc, err, sizeof(err)), 0);
	assert_string_equal(loc.dir, "/");

	/* relative: against the working folder (the fixture's, a real path) */
	snprintf(want, sizeof(want), "%s/photos/2024", f->dir);
	assert_int_equal(location_parse("photos/2024/", &loc, err, sizeof(err)), 0);
	assert_string_equal(loc.dir, want);
	assert_int_equal(location_parse("./photos/2024", &loc, err, sizeof(err)), 0);
	assert_string_equal(loc.dir, want);
	assert_int_equal(location_parse(".", &loc, err, sizeof(err)), 0);
	assert_string_equal(loc.dir, f->dir);
}

static void
test_parse_refused(void **state)
{
	struct location loc;
	char err[512];

	(void)state;
	assert_int_equal(location_parse("file://host/x", &loc, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "'file://host/x'"));
	assert_non_null(strstr(err, "absolute"));
	assert_int_equal(location_parse("http://x/y", &loc, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "'http://x/y' is not s3://"));
	assert_int_equal(location_parse("", &loc, err, sizeof(err)), -1);
	assert_int_equal(location_parse("s3://AB", &loc, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bucket names"));
}

static void
test_readable(void **state)
{
	struct fixture *f = *state;
	char err[512], p[512];

	assert_int_equal(location_readable(f->dir, err, sizeof(err)), 0);
	snprintf(p, sizeof(p), "%s/file", f->dir);
	assert_int_equal(location_readable(p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a folder"));
	assert_non_null(strstr(err, p));
	snprintf(p, sizeof(p), "%s/none", f->dir);
	assert_int_equal(location_readable(p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file or directory"));
	assert_non_null(strstr(err, p));
}

static void
test_inside(void **state)
{
	struct fixture *f = *state;
	char in[512], p[512], err[512];

	snprintf(in, sizeof(in), "%s/in", f->dir);
	assert_int_equal(location_inside(in, in, err, sizeof(err)), 1);
	snprintf(p, sizeof(p), "%s/in/", f->dir);
	assert_int_equal(location_inside(p, in, err, sizeof(err)), 1);
	snprintf(p, sizeof(p), "%s/in/not/yet/there", f->dir);
	assert_int_equal(location_inside(p, in, err, sizeof(err)), 1);
	snprintf(p, sizeof(p), "%s/in2/out", f->dir);
	assert_int_equal(location_inside(p, in, err, sizeof(err)), 0);
	snprintf(p, sizeof(p), "%s/link/out", f->dir);	/* link -> in */
	assert_int_equal(location_inside(p, in, err, sizeof(err)), 1);
	snprintf(p, sizeof(p), "%s/in2/../in/x", f->dir);
	assert_int_equal(location_inside(p, in, err, sizeof(err)), 1);
	snprintf(p, sizeof(p), "%s/out", f->dir);
	assert_int_equal(location_inside(p, in, err, sizeof(err)), 0);
	assert_int_equal(location_inside(p, "/", err, sizeof(err)), 1);
	assert_int_equal(location_inside("/nonexistent-h16/x/y", "/tmp", err, sizeof(err)), 0);
	/* the source must exist */
	snprintf(p, sizeof(p), "%s/gone", f->dir);
	assert_int_equal(location_inside(in, p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, p));
}

static void
test_inval(void **state)
{
	struct location loc;
	char err[64];

	(void)state;
	assert_int_equal(location_parse(NULL, &loc, err, sizeof(err)), -1);
	assert_int_equal(location_parse("/x", NULL, err, sizeof(err)), -1);
	assert_int_equal(location_parse("/x", &loc, NULL, 0), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_parse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parse_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inside, setup, teardown),
		cmocka_unit_test(test_inval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
