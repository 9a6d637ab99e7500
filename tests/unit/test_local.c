/*
 * test_local.c: unit tests of models/core/local.c, run through a real easy handle and
 * curl_easy_perform on files under /tmp (the FILE protocol needs no server): a GET brings a
 * file's exact bytes, also for a name with a space, '%', '#' and UTF-8 (the URL encoding);
 * a PUT creates the missing parent folders and replaces an existing file; the keys a folder
 * refuses ("..", absolute, empty) fail at init with the key in the reason; a missing file and
 * one over the size cap fail with the path and the reason; a PUT where a folder is in the
 * way fails; and NULL arguments.
 */
#include "models/core/local.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "../testutil.h"

static char root[256];

static int
setup(void **state)
{
	(void)state;
	return testutil_tmpdir(root, sizeof(root), "test_local");
}

static int
teardown(void **state)
{
	(void)state;
	return testutil_rmtree(root);
}

/* One whole request on a fresh handle: its outcome, res filled. */
static enum s3_outcome
perform(enum s3_method m, const char *key, const char *body, struct s3_buf *sink,
    uint64_t cap, struct s3_result *res)
{
	struct local_req r;
	enum s3_outcome o;
	CURL *easy;

	if (local_req_init(&r, m, root, key, body, body ? strlen(body) : 0, sink, cap, res) < 0)
		return S3_FAIL;
	assert_non_null(easy = curl_easy_init());
	assert_int_equal(local_req_prepare(&r, easy, res), 0);
	o = local_req_finish(&r, easy, curl_easy_perform(easy), res);
	curl_easy_cleanup(easy);
	return o;
}

static void
test_get_put(void **state)
{
	static const char *const keys[] = { "a.jpg", "sub dir/x%41#y.jpg", "d/caf\xc3\xa9.jpg" };
	struct s3_buf b = { 0 };
	struct s3_result res;
	char *text, p[512];
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		assert_int_equal(perform(S3_PUT, keys[i], "old contents", NULL, 0, &res), S3_OK);
		assert_int_equal(perform(S3_PUT, keys[i], keys[i], NULL, 0, &res), S3_OK);
		assert_int_equal(res.bytes, strlen(keys[i]));
		snprintf(p, sizeof(p), "%s/%s", root, keys[i]);
		assert_non_null(text = testutil_slurp(p, &len));
		assert_string_equal(text, keys[i]);	/* replaced, not appended */
		free(text);
		b.len = 0;
		assert_int_equal(perform(S3_GET, keys[i], NULL, &b, 1 << 20, &res), S3_OK);
		assert_int_equal(b.len, strlen(keys[i]));
		assert_memory_equal(b.data, keys[i], b.len);
		assert_int_equal(res.attempts, 1);
	}
	s3_buf_free(&b);
}

static void
test_refused_keys(void **state)
{
	static const char *const bad[] = { "../x", "a/../../x", "a/..", "..", "/etc/passwd", "" };
	struct s3_result res;
	struct local_req r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(local_req_init(&r, S3_PUT, root, bad[i], "x", 1, NULL, 0, &res),
		    -1);
		if (*bad[i])
			assert_non_null(strstr(res.error, bad[i]));
	}
	assert_int_equal(local_key_check("a/..b/c..", res.error, sizeof(res.error)), 0);
	assert_int_equal(local_key_check("./a", res.error, sizeof(res.error)), 0);
}

static void
test_failures(void **state)
{
	struct s3_buf b = { 0 };
	struct s3_result res;
	char p[512];

	(void)state;
	assert_int_equal(perform(S3_GET, "none.jpg", NULL, &b, 1 << 20, &res), S3_FAIL);
	assert_non_null(strstr(res.error, "/none.jpg: No such file or directory"));
	assert_int_equal(perform(S3_PUT, "big", "0123456789", NULL, 0, &res), S3_OK);
	assert_int_equal(perform(S3_GET, "big", NULL, &b, 4, &res), S3_FAIL);
	assert_non_null(strstr(res.error, "larger than the 4-byte cap"));
	snprintf(p, sizeof(p), "%s/dir", root);
	assert_int_equal(mkdir(p, 0755), 0);
	assert_int_equal(perform(S3_PUT, "dir", "x", NULL, 0, &res), S3_FAIL);
	assert_non_null(strstr(res.error, "cannot write"));
	assert_non_null(strstr(res.error, "/dir"));
	s3_buf_free(&b);
}

static void
test_inval(void **state)
{
	struct s3_result res;
	struct local_req r;

	(void)state;
	assert_int_equal(local_req_init(&r, S3_GET, root, "k", NULL, 0, NULL, 0, NULL), -1);
	assert_int_equal(local_req_init(NULL, S3_GET, root, "k", NULL, 0, NULL, 0, &res), -1);
	assert_int_equal(local_req_init(&r, S3_HEAD, root, "k", NULL, 0, NULL, 0, &res), -1);
	assert_int_equal(local_req_prepare(NULL, NULL, &res), -1);
	assert_int_equal(local_req_finish(NULL, NULL, CURLE_OK, &res), S3_FAIL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_get_put, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failures, setup, teardown),
		cmocka_unit_test(test_inval),
	};

	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
