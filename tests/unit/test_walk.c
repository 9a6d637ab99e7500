/*
 * test_walk.c: unit tests of models/core/walk.c on real trees under /tmp: the order is the
 * byte order of whole paths (S3's: "a.jpg" before "a/b.jpg", "a-b" before "a/"), subfolders
 * at any depth, empty folders, files only (a fifo and a link to a folder skipped, a link to
 * a file listed); an empty root; a root that does not exist (-1 with its path, and -1 again
 * after); a path longer than the caller's buffer; and a walk of 3,000 files in one folder
 * that hands each out once, in order.
 */
#include "models/core/walk.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <unistd.h>

#include <cmocka.h>

#include "../testutil.h"

static char root[256];

static int
setup(void **state)
{
	(void)state;
	return testutil_tmpdir(root, sizeof(root), "test_walk");
}

static int
teardown(void **state)
{
	(void)state;
	return testutil_rmtree(root);
}

static void
mk(const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	if (rel[strlen(rel) - 1] == '/')
		assert_int_equal(mkdir(p, 0755), 0);
	else
		testutil_write(root, rel, "x");
}

/* All paths of the walk, joined by ' '. */
static void
walk_all(const char *dir, char *out, size_t outlen)
{
	struct walk *w = walk_new(dir);
	char rel[1025], err[512];
	int got;

	assert_non_null(w);
	out[0] = '\0';
	while ((got = walk_next(w, rel, sizeof(rel), err, sizeof(err))) == 1) {
		if (out[0] != '\0')
			strcat(out, " ");
		strcat(out, rel);
	}
	assert_int_equal(got, 0);
	walk_free(w);
}

static void
test_order(void **state)
{
	char out[4096], p[512];

	(void)state;
	mk("a/"), mk("a/b.jpg"), mk("a.jpg"), mk("a-b"), mk("z"), mk("B"), mk("a/c/");
	mk("a/c/d/"), mk("a/c/d/e.jpg"), mk("a/c.txt"), mk("empty/"), mk("m/"), mk("m/n");
	snprintf(p, sizeof(p), "%s/fifo", root);
	assert_int_equal(mkfifo(p, 0644), 0);
	snprintf(p, sizeof(p), "%s/dirlink", root);
	assert_int_equal(symlink("a", p), 0);
	snprintf(p, sizeof(p), "%s/filelink", root);
	assert_int_equal(symlink("z", p), 0);
	walk_all(root, out, sizeof(out));
	assert_string_equal(out, "B a-b a.jpg a/b.jpg a/c.txt a/c/d/e.jpg filelink m/n z");
}

static void
test_empty_and_missing(void **state)
{
	struct walk *w;
	char out[64], rel[64], err[512], p[512];

	(void)state;
	walk_all(root, out, sizeof(out));
	assert_string_equal(out, "");
	snprintf(p, sizeof(p), "%s/none", root);
	assert_non_null(w = walk_new(p));
	assert_int_equal(walk_next(w, rel, sizeof(rel), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot read folder"));
	assert_non_null(strstr(err, p));
	assert_int_equal(walk_next(w, rel, sizeof(rel), err, sizeof(err)), -1);
	walk_free(w);
	walk_free(NULL);
	assert_null(walk_new(NULL));
}

static void
test_too_long(void **state)
{
	struct walk *w;
	char rel[8], err[512];

	(void)state;
	mk("abc"), mk("abcdefghij");
	assert_non_null(w = walk_new(root));
	assert_int_equal(walk_next(w, rel, sizeof(rel), err, sizeof(err)), 1);
	assert_string_equal(rel, "abc");
	assert_int_equal(walk_next(w, rel, sizeof(rel), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "path longer than 7 bytes under "));
	assert_non_null(strstr(err, ": abcdefghij..."));
	walk_free(w);
}

static void
test_many(void **state)
{
	struct walk *w;
	char rel[64], prev[64] = "", err[512], name[32];
	int i, got, n = 0;

	(void)state;
	mk("d/");
	for (i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "d/%d.jpg", (i * 7919) % 3000);
		mk(name);
	}
	assert_non_null(w = walk_new(root));
	while ((got = walk_next(w, rel, sizeof(rel), err, sizeof(err))) == 1) {
		assert_true(strcmp(prev, rel) < 0);
		snprintf(prev, sizeof(prev), "%s", rel);
		n++;
	}
	assert_int_equal(got, 0);
	assert_int_equal(n, 3000);
	walk_free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_and_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_long, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
