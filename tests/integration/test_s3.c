/*
 * test_s3.c: the S3 client against a real S3 server over HTTP (run through
 * harness/with-s3-local, so the AWS_* variables name it). Every file of the shared EXIF corpus
 * makes a byte-exact PUT/GET round trip under its awkward name; LIST pages over more than 1,000
 * keys; the server really checks signatures and body hashes; and the wrong-secret,
 * missing-bucket, missing-key, unreachable-endpoint and size-cap errors read as one clear line.
 * Each run works in a bucket of its own, emptied and deleted at the end.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../testutil.h"

#include "models/core/s3.h"

#define PAGE_KEYS 1050

struct fixture {
	struct s3_config cfg;
	struct s3 *c;
	char bucket[64];
};

struct collect {
	char **keys;
	uint64_t *sizes;
	size_t n, cap;
};

static const char *corpus_dir(void);
static int collect_key(const char *key, uint64_t size, void *arg);
static void collect_free(struct collect *k);

/* The corpus's jpeg/ folder, or NULL. */
static const char *
corpus_dir(void)
{
	static char dir[4096];
	const char *top = testutil_corpus_dir();

	if (top == NULL)
		return NULL;
	snprintf(dir, sizeof(dir), "%s/jpeg", top);
	return dir;
}

static int
collect_key(const char *key, uint64_t size, void *arg)
{
	struct collect *k = arg;

	if (k->n == k->cap) {
		k->cap = k->cap ? 2 * k->cap : 256;
		k->keys = realloc(k->keys, k->cap * sizeof(*k->keys));
		k->sizes = realloc(k->sizes, k->cap * sizeof(*k->sizes));
		assert_non_null(k->keys);
		assert_non_null(k->sizes);
	}
	k->keys[k->n] = strdup(key);
	k->sizes[k->n++] = size;
	return 0;
}

static void
collect_free(struct collect *k)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		free(k->keys[i]);
	free(k->keys);
	free(k->sizes);
	memset(k, 0, sizeof(*k));
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct s3_result res;
	char err[256];

	if (f == NULL)
		return -1;
	if (s3_config_from_env(&f->cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "test_s3: %s\n", err);
		free(f);
		return -1;
	}
	snprintf(f->bucket, sizeof(f->bucket), "exifbench-it-%ld", (long)getpid());
	if ((f->c = s3_new(&f->cfg)) == NULL || s3_create_bucket(f->c, f->bucket, &res) < 0) {
		fprintf(stderr, "test_s3: cannot create bucket: %s\n", res.error);
		s3_free(f->c);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	struct collect k = { 0 };
	struct s3_result res;
	size_t i;
	int rc = 0;

	if (s3_list(f->c, f->bucket, "", 0, collect_key, &k, NULL, &res) < 0)
		rc = -1;
	for (i = 0; i < k.n; i++)
		if (s3_delete(f->c, f->bucket, k.keys[i], &res) < 0)
			rc = -1;
	collect_free(&k);
	if (s3_delete_bucket(f->c, f->bucket, &res) < 0) {
		fprintf(stderr, "test_s3: delete bucket: %s\n", res.error);
		rc = -1;
	}
	s3_free(f->c);
	free(f);
	return rc;
}

/* Every corpus file: PUT, HEAD, GET byte-exact, and listed under its own name and size. */
static void
test_corpus_round_trip(void **state)
{
	struct fixture *f = *state;
	const char *dir = corpus_dir();
	struct collect listed = { 0 };
	struct s3_result res;
	struct s3_buf got = { 0 };
	struct dirent *de;
	char path[4096], key[1100];
	size_t n = 0, len = 0, i;
	uint64_t size;
	unsigned char *want;
	DIR *d;

	if (dir == NULL)
		fail_msg("shared EXIF corpus not found: set EXIFBENCH_CORPUS");
	assert_non_null(d = opendir(dir));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		snprintf(key, sizeof(key), "corpus/%s", de->d_name);
		assert_non_null(want = testutil_slurp(path, &len));
		if (s3_put(f->c, f->bucket, key, want, len, "image/jpeg", &res) < 0)
			fail_msg("PUT %s: %s", key, res.error);
		assert_int_equal(res.bytes, len);
		assert_int_equal(s3_head(f->c, f->bucket, key, &size, &res), 0);
		assert_int_equal(size, len);
		got.len = 0;
		if (s3_get(f->c, f->bucket, key, &got, &res) < 0)
			fail_msg("GET %s: %s", key, res.error);
		assert_int_equal(got.len, len);
		assert_memory_equal(got.data, want, len);
		assert_true(res.t.total_us > 0);
		assert_true(res.t.ttfb_us <= res.t.total_us);
		assert_int_equal(res.t.connect_us, 0);	/* the HEAD's connection was kept */
		free(want);
		n++;
	}
	closedir(d);
	s3_buf_free(&got);
	assert_true(n >= 100);
	assert_int_equal(s3_list(f->c, f->bucket, "corpus/", 0, collect_key, &listed, NULL, &res),
	    0);
	assert_int_equal(listed.n, n);
	for (i = 0; i < listed.n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, listed.keys[i] + strlen("corpus/"));
		assert_int_equal(stat(path, &(struct stat){ 0 }), 0);
	}
	collect_free(&listed);
}

/* Keys with characters SigV4 must encode, and ones it must not. */
static void
test_awkward_keys(void **state)
{
	static const char *const keys[] = { "a b/c(1).jpg", "plus+star*bang!.jpg",
		"tilde~dash-under_dot.jpg", "caf\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac.jpg",
		"percent%20literal.jpg", "amp&eq=q?.jpg", "quote'\"<>.jpg", "dots/../x.jpg" };
	struct fixture *f = *state;
	struct collect k = { 0 };
	struct s3_result res;
	struct s3_buf got = { 0 };
	char want[2048];
	size_t i, j;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(want, sizeof(want), "odd/%s", keys[i]);
		if (s3_put(f->c, f->bucket, want, keys[i], strlen(keys[i]), NULL, &res) < 0)
			fail_msg("PUT '%s': %s", want, res.error);
		got.len = 0;
		assert_int_equal(s3_get(f->c, f->bucket, want, &got, &res), 0);
		assert_int_equal(got.len, strlen(keys[i]));
		assert_memory_equal(got.data, keys[i], got.len);
	}
	s3_buf_free(&got);
	assert_int_equal(s3_list(f->c, f->bucket, "odd/", 0, collect_key, &k, NULL, &res), 0);
	assert_int_equal(k.n, sizeof(keys) / sizeof(keys[0]));
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(want, sizeof(want), "odd/%s", keys[i]);
		for (j = 0; j < k.n && strcmp(k.keys[j], want) != 0; j++)
			;
		if (j == k.n)
			fail_msg("'%s' missing from the LIST", want);
	}
	collect_free(&k);
}

/* More than 1,000 keys: two pages at the server's default, eleven at 100, in order. */
static void
test_list_pagination(void **state)
{
	struct fixture *f = *state;
	struct collect k = { 0 };
	struct s3_result res;
	char key[64];
	unsigned pages, i;

	for (i = 0; i < PAGE_KEYS; i++) {
		snprintf(key, sizeof(key), "page/%05u", i);
		if (s3_put(f->c, f->bucket, key, key, i % 7, NULL, &res) < 0)
			fail_msg("PUT %s: %s", key, res.error);
	}
	assert_int_equal(s3_list(f->c, f->bucket, "page/", 0, collect_key, &k, &pages, &res), 0);
	assert_int_equal(k.n, PAGE_KEYS);
	assert_int_equal(pages, 2);
	for (i = 0; i < PAGE_KEYS; i++) {
		snprintf(key, sizeof(key), "page/%05u", i);
		assert_string_equal(k.keys[i], key);
		assert_int_equal(k.sizes[i], i % 7);
	}
	collect_free(&k);
	assert_int_equal(s3_list(f->c, f->bucket, "page/", 100, collect_key, &k, &pages, &res), 0);
	assert_int_equal(k.n, PAGE_KEYS);
	assert_int_equal(pages, (PAGE_KEYS + 99) / 100);
	collect_free(&k);
}

static void
test_wrong_secret(void **state)
{
	struct fixture *f = *state;
	struct s3_config bad = f->cfg;
	struct s3_buf got = { 0 };
	struct s3_result res;
	struct s3 *c;

	snprintf(bad.secret_key, sizeof(bad.secret_key), "not-the-secret-XYZZY");
	assert_non_null(c = s3_new(&bad));
	assert_int_equal(s3_get(c, f->bucket, "any", &got, &res), -1);
	assert_int_equal(res.status, 403);
	assert_int_equal(res.attempts, 1);	/* a 4xx is never retried */
	assert_non_null(strstr(res.error, "credentials rejected"));
	assert_non_null(strstr(res.error, f->cfg.endpoint));
	assert_null(strstr(res.error, "XYZZY"));
	assert_null(strstr(res.error, f->cfg.secret_key));
	assert_null(strchr(res.error, '\n'));
	s3_free(c);
	s3_buf_free(&got);
}

static void
test_missing_bucket_and_key(void **state)
{
	struct fixture *f = *state;
	struct s3_buf got = { 0 };
	struct s3_result res;
	char bucket[64], want[128];

	snprintf(bucket, sizeof(bucket), "%s-missing", f->bucket);
	assert_int_equal(s3_get(f->c, bucket, "k", &got, &res), -1);
	assert_int_equal(res.status, 404);
	snprintf(want, sizeof(want), "bucket '%s' does not exist", bucket);
	assert_non_null(strstr(res.error, want));
	assert_int_equal(s3_check_bucket(f->c, bucket, &res), -1);
	assert_non_null(strstr(res.error, want));
	assert_int_equal(s3_check_bucket(f->c, f->bucket, &res), 0);
	assert_int_equal(s3_get(f->c, f->bucket, "no/such key", &got, &res), -1);
	assert_int_equal(res.status, 404);
	assert_string_equal(res.code, "NoSuchKey");
	assert_non_null(strstr(res.error, "no key 'no/such key'"));
	assert_int_equal(got.len, 0);	/* the error body is not the object */
	s3_buf_free(&got);
}

static void
test_unreachable(void **state)
{
	struct fixture *f = *state;
	struct s3_config off = f->cfg;
	struct s3_buf got = { 0 };
	struct s3_result res;
	struct s3 *c;

	snprintf(off.endpoint, sizeof(off.endpoint), "http://127.0.0.1:1");
	off.retry.base_ms = 10;
	assert_non_null(c = s3_new(&off));
	assert_int_equal(s3_get(c, f->bucket, "k", &got, &res), -1);
	assert_int_equal(res.status, 0);
	assert_int_equal(res.attempts, off.retry.max_attempts);	/* retried, bounded */
	assert_non_null(strstr(res.error, "cannot reach S3 endpoint http://127.0.0.1:1"));
	assert_non_null(strstr(res.error, "127.0.0.1 port 1"));
	s3_free(c);
	s3_buf_free(&got);
}

/* A GET of an object over the cap fails without reading it into memory. */
static void
test_size_cap(void **state)
{
	struct fixture *f = *state;
	struct s3_config small = f->cfg;
	struct s3_buf got = { 0 };
	struct s3_result res;
	unsigned char body[5000];
	struct s3 *c;

	memset(body, 'x', sizeof(body));
	assert_int_equal(s3_put(f->c, f->bucket, "big", body, sizeof(body), NULL, &res), 0);
	small.max_object_bytes = 1000;
	assert_non_null(c = s3_new(&small));
	assert_int_equal(s3_get(c, f->bucket, "big", &got, &res), -1);
	assert_non_null(strstr(res.error, "larger than the 1000-byte cap"));
	assert_true(got.len <= 1000);
	assert_int_equal(res.attempts, 1);
	s3_free(c);
	s3_buf_free(&got);
}

/* The server checks the body against x-amz-content-sha256: a body changed after signing fails. */
static void
test_body_hash_checked(void **state)
{
	struct fixture *f = *state;
	struct s3_req r;
	struct s3_result res;
	char body[] = "the body that was hashed";
	CURL *easy = curl_easy_init();

	assert_non_null(easy);
	assert_int_equal(s3_req_init(&r, &f->cfg, S3_PUT, f->bucket, "tampered", NULL, 0, body,
	    strlen(body), "text/plain", NULL, &res), 0);
	body[0] = 'T';
	assert_int_equal(s3_req_prepare(&r, easy, &res), 0);
	assert_int_equal(s3_req_finish(&r, easy, curl_easy_perform(easy), &res), S3_FAIL);
	assert_int_equal(res.status, 400);
	assert_string_equal(res.code, "XAmzContentSHA256Mismatch");
	s3_req_cleanup(&r);
	curl_easy_cleanup(easy);
}

static void
test_delete(void **state)
{
	struct fixture *f = *state;
	struct s3_result res;
	uint64_t size;

	assert_int_equal(s3_put(f->c, f->bucket, "del me", "x", 1, NULL, &res), 0);
	assert_int_equal(s3_head(f->c, f->bucket, "del me", &size, &res), 0);
	assert_int_equal(s3_delete(f->c, f->bucket, "del me", &res), 0);
	assert_int_equal(s3_head(f->c, f->bucket, "del me", &size, &res), -1);
	assert_int_equal(res.status, 404);
	/* a bucket that is not empty cannot be deleted: 409 BucketNotEmpty, one line */
	assert_int_equal(s3_put(f->c, f->bucket, "keep", "x", 1, NULL, &res), 0);
	assert_int_equal(s3_delete_bucket(f->c, f->bucket, &res), -1);
	assert_int_equal(res.status, 409);
	assert_string_equal(res.code, "BucketNotEmpty");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus_round_trip),
		cmocka_unit_test(test_awkward_keys),
		cmocka_unit_test(test_list_pagination),
		cmocka_unit_test(test_wrong_secret),
		cmocka_unit_test(test_missing_bucket_and_key),
		cmocka_unit_test(test_unreachable),
		cmocka_unit_test(test_size_cap),
		cmocka_unit_test(test_body_hash_checked),
		cmocka_unit_test(test_delete),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests_name("s3 integration", tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
