/*
 * test_results.c: unit tests of harness/results/results.c's one-run folder: results_empty_dir
 * (a folder that is missing or empty is fine; one with a file, or a file, is refused, naming
 * it) and results_open_dir (creates the folder, its meta.json saying "running", the three
 * CSV files with their headers and logs/; refuses a folder that is not empty and leaves it
 * as it was); results_open twice with one name in the same second makes two folders, the
 * second's name sorting after the first's; and NULL arguments.
 */
#include "harness/results/results.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include <cmocka.h>

struct fixture {
	char root[64], dir[96];
};

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	snprintf(fx->root, sizeof(fx->root), "/tmp/test_results.XXXXXX");
	if (mkdtemp(fx->root) == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "%s/one", fx->root);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->root);
	if (system(cmd) != 0)
		return -1;
	free(fx);
	return 0;
}

/* The first line of dir/name into buf ("" if none). */
static const char *
first_line(const char *dir, const char *name, char *buf, size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	buf[0] = '\0';
	if ((f = fopen(path, "r")) != NULL) {
		if (fgets(buf, (int)len, f) == NULL)
			buf[0] = '\0';
		fclose(f);
	}
	return buf;
}

static void
test_empty_dir(void **state)
{
	struct fixture *fx = *state;
	char err[256], path[128];
	FILE *f;

	assert_int_equal(results_empty_dir(fx->dir, err, sizeof(err)), 0);	/* missing */
	assert_int_equal(mkdir(fx->dir, 0777), 0);
	assert_int_equal(results_empty_dir(fx->dir, err, sizeof(err)), 0);	/* empty */
	snprintf(path, sizeof(path), "%s/x", fx->dir);
	assert_non_null(f = fopen(path, "w"));
	fclose(f);
	assert_int_equal(results_empty_dir(fx->dir, err, sizeof(err)), -1);
	assert_non_null(strstr(err, fx->dir));
	assert_non_null(strstr(err, "is not empty"));
	assert_int_equal(results_empty_dir(path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is not a folder"));
}

static void
test_open_dir(void **state)
{
	struct fixture *fx = *state;
	struct results r;
	char err[256], line[128], path[160];
	json_t *meta;

	assert_int_equal(results_open_dir(&r, fx->dir, err, sizeof(err)), 0);
	assert_string_equal(r.dir, fx->dir);
	assert_int_equal(results_close(&r), 0);
	snprintf(path, sizeof(path), "%s/meta.json", fx->dir);
	assert_non_null(meta = json_load_file(path, 0, NULL));
	assert_string_equal(json_string_value(json_object_get(meta, "status")), "running");
	json_decref(meta);
	assert_int_equal(strncmp(first_line(fx->dir, "summary.csv", line, sizeof(line)),
	    "model,level,workers,", 20), 0);
	assert_int_equal(strncmp(first_line(fx->dir, "samples.csv", line, sizeof(line)),
	    RESULTS_LABEL_HEADER ",t_s,", strlen(RESULTS_LABEL_HEADER) + 5), 0);
	assert_non_null(first_line(fx->dir, "trace.csv", line, sizeof(line)));
	snprintf(path, sizeof(path), "%s/logs", fx->dir);
	assert_int_equal(access(path, F_OK), 0);
	/* now it is not empty: refused, untouched */
	assert_int_equal(results_open_dir(&r, fx->dir, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is not empty"));
	snprintf(path, sizeof(path), "%s/meta.json", fx->dir);
	assert_int_equal(access(path, F_OK), 0);
}

static void
test_same_second(void **state)
{
	struct fixture *fx = *state;
	struct results a, b;
	char err[256];

	assert_int_equal(results_open(&a, fx->root, "x", err, sizeof(err)), 0);
	assert_int_equal(results_open(&b, fx->root, "x", err, sizeof(err)), 0);
	assert_true(strcmp(a.dir, b.dir) < 0);
	assert_int_equal(results_close(&a), 0);
	assert_int_equal(results_close(&b), 0);
}

/* A root whose parents are missing is made with them (mkdir -p); one under a file is refused. */
static void
test_deep_root(void **state)
{
	struct fixture *fx = *state;
	struct results r;
	char root[PATH_MAX + 32], err[PATH_MAX + 128];
	FILE *f;

	snprintf(root, sizeof(root), "%s/a/b/c", fx->root);
	assert_int_equal(results_open(&r, root, "x", err, sizeof(err)), 0);
	assert_int_equal(strncmp(r.dir, root, strlen(root)), 0);
	assert_int_equal(results_close(&r), 0);
	snprintf(root, sizeof(root), "%s/file", fx->root);
	assert_non_null(f = fopen(root, "w"));
	fclose(f);
	snprintf(root, sizeof(root), "%s/file/under", fx->root);
	assert_int_equal(results_open(&r, root, "x", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot create results folder"));
}

static void
test_inval(void **state)
{
	struct results r;
	char err[64];

	(void)state;
	assert_int_equal(results_empty_dir(NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "NULL"));
	assert_int_equal(results_open_dir(NULL, "/tmp/x", err, sizeof(err)), -1);
	assert_int_equal(results_open_dir(&r, NULL, err, sizeof(err)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deep_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_second, setup, teardown),
		cmocka_unit_test(test_inval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
