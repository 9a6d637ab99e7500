/*
 * test_s3url.c: unit tests of models/core/s3url.c, the SigV4 percent-encoding and the path-style
 * URL builder. The encoding is checked three ways: a table of named cases in
 * tests/data/s3url_encode.txt (unreserved characters, reserved ASCII, '/' in keys and in query
 * values, UTF-8 names from the corpus), every single byte 1..255 against the rule, and buffers
 * sized exactly or one byte short (heap-allocated, so ASan and valgrind see any overrun; a
 * failed call must leave the buffer untouched). s3url_build is checked for endpoint trailing
 * slashes, bucket-only URLs, query parameters sorted by name whatever the input order (all 24
 * orders of a ListObjectsV2 query), "name=" for NULL or empty values, every too-small buffer
 * size, and NULL arguments.
 */
#include "models/core/s3url.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../testutil.h"

#define SENTINEL 0x5a

struct enc_case {
	int line;
	int keep_slash;
	const char *in;
	const char *want;
};

/* The encode table, loaded once by the group setup. */
struct enc_table {
	char *buf;
	struct enc_case *cases;
	size_t n;
};

static const struct s3url_param list_params[] = {
	{ "list-type", "2" },
	{ "prefix", "a/b" },
	{ "continuation-token", "jpeg/caf\xc3\xa9 <x>.jpg" },
	{ "max-keys", "10" },
};

static const char list_query[] = "?continuation-token=jpeg%2Fcaf%C3%A9%20%3Cx%3E.jpg"
				 "&list-type=2&max-keys=10&prefix=a%2Fb";

/* Splits the table into lines of exactly three tab-separated fields; -1 on a malformed line. */
static int
parse_table(struct enc_table *t)
{
	char *p = t->buf, *nl, *f[3];
	size_t cap = 0;
	int line = 0, i;

	for (; *p != '\0'; p = nl + 1) {
		line++;
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p) - 1;
		else
			*nl = '\0';
		if (*p == '#' || *p == '\0')
			continue;
		for (i = 0; i < 3; i++) {
			f[i] = p;
			if (i < 2 && (p = strchr(p, '\t')) == NULL)
				break;
			if (i < 2)
				*p++ = '\0';
		}
		if (i < 3 || strchr(f[2], '\t') != NULL || (f[0][0] != '0' && f[0][0] != '1') ||
		    f[0][1] != '\0') {
			print_error("s3url_encode.txt:%d: malformed line\n", line);
			return -1;
		}
		if (t->n == cap) {
			struct enc_case *c;

			cap = cap ? 2 * cap : 32;
			if ((c = realloc(t->cases, cap * sizeof(*c))) == NULL)
				return -1;
			t->cases = c;
		}
		t->cases[t->n++] = (struct enc_case){ line, f[0][0] == '1', f[1], f[2] };
	}
	return 0;
}

static int
table_setup(void **state)
{
	struct enc_table *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return -1;
	*state = t;
	if ((t->buf = testutil_slurp_data("s3url_encode.txt", NULL)) == NULL || parse_table(t) < 0 ||
	    t->n < 10)
		return -1;
	return 0;
}

static int
table_teardown(void **state)
{
	struct enc_table *t = *state;

	if (t != NULL) {
		free(t->cases);
		free(t->buf);
		free(t);
	}
	return 0;
}

/* A heap buffer of exactly n bytes holding prefix, the rest filled with SENTINEL. */
static char *
exact_buf(size_t n, const char *prefix)
{
	char *b = malloc(n);

	assert_non_null(b);
	memset(b, SENTINEL, n);
	assert_true(strlen(prefix) < n);
	memcpy(b, prefix, strlen(prefix) + 1);
	return b;
}

static void
test_encode_table(void **state)
{
	struct enc_table *t = *state;
	char out[S3URL_MAX];
	size_t i;
	int bad = 0;

	for (i = 0; i < t->n; i++) {
		out[0] = '\0';
		if (s3url_encode(out, sizeof(out), t->cases[i].in, t->cases[i].keep_slash) != 0 ||
		    strcmp(out, t->cases[i].want) != 0) {
			print_error("s3url_encode.txt:%d: \"%s\" slash=%d: got \"%s\", "
				    "want \"%s\"\n",
			    t->cases[i].line, t->cases[i].in, t->cases[i].keep_slash, out,
			    t->cases[i].want);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* Each table case again in a buffer of exactly the size it needs, then one byte less. */
static void
test_encode_table_exact_size(void **state)
{
	struct enc_table *t = *state;
	size_t i, need;
	char *b, *copy;

	for (i = 0; i < t->n; i++) {
		need = strlen("pre/") + strlen(t->cases[i].want) + 1;
		b = exact_buf(need, "pre/");
		assert_int_equal(s3url_encode(b, need, t->cases[i].in, t->cases[i].keep_slash), 0);
		assert_string_equal(b + 4, t->cases[i].want);
		free(b);
		if (t->cases[i].want[0] == '\0')
			continue;	/* nothing to be short of */

		b = exact_buf(need - 1, "pre/");
		copy = malloc(need - 1);
		assert_non_null(copy);
		memcpy(copy, b, need - 1);
		assert_int_equal(s3url_encode(b, need - 1, t->cases[i].in,
		    t->cases[i].keep_slash), -1);
		assert_memory_equal(b, copy, need - 1);
		free(copy);
		free(b);
	}
}

/* Every byte on its own: kept iff unreserved (or '/' with keep_slash), else uppercase %XX. */
static void
test_encode_every_byte(void **state)
{
	char in[2], out[8], want[8];
	int c, slash;

	(void)state;
	for (slash = 0; slash <= 1; slash++) {
		for (c = 1; c < 256; c++) {
			in[0] = (char)c;
			in[1] = '\0';
			if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			    (c >= '0' && c <= '9') || strchr("-_.~", c) != NULL ||
			    (slash && c == '/'))
				snprintf(want, sizeof(want), "%c", c);
			else
				snprintf(want, sizeof(want), "%%%02X", c);
			out[0] = '\0';
			assert_int_equal(s3url_encode(out, sizeof(out), in, slash), 0);
			assert_string_equal(out, want);
		}
	}
}

static void
test_encode_control_chars(void **state)
{
	char out[64] = "";

	(void)state;
	assert_int_equal(s3url_encode(out, sizeof(out), "a\tb\nc\r\x7f\x01\xff", 1), 0);
	assert_string_equal(out, "a%09b%0Ac%0D%7F%01%FF");
}

static void
test_encode_append(void **state)
{
	char out[128] = "http://127.0.0.1:7480/exifbench-test/";

	(void)state;
	assert_int_equal(s3url_encode(out, sizeof(out), "jpeg/Canon PowerShot G2 (1).jpg", 1), 0);
	assert_string_equal(out,
	    "http://127.0.0.1:7480/exifbench-test/jpeg/Canon%20PowerShot%20G2%20%281%29.jpg");
	assert_int_equal(s3url_encode(out, sizeof(out), "?a+b", 0), 0);
	assert_string_equal(out, "http://127.0.0.1:7480/exifbench-test/"
				 "jpeg/Canon%20PowerShot%20G2%20%281%29.jpg%3Fa%2Bb");
	/* Appending the empty string changes nothing and succeeds. */
	assert_int_equal(s3url_encode(out, sizeof(out), "", 0), 0);
	assert_string_equal(out, "http://127.0.0.1:7480/exifbench-test/"
				 "jpeg/Canon%20PowerShot%20G2%20%281%29.jpg%3Fa%2Bb");
}

static void
test_encode_exact_size(void **state)
{
	char *b;

	(void)state;
	/* "ab" + "a%20b" + NUL = 8 bytes. */
	b = exact_buf(8, "ab");
	assert_int_equal(s3url_encode(b, 8, "a b", 0), 0);
	assert_string_equal(b, "aba%20b");
	free(b);

	b = exact_buf(7, "ab");
	assert_int_equal(s3url_encode(b, 7, "a b", 0), -1);
	assert_memory_equal(b, "ab\0\x5a\x5a\x5a\x5a", 7);
	free(b);

	/* A full buffer (only room for its NUL) takes the empty string but nothing more. */
	b = exact_buf(3, "ab");
	assert_int_equal(s3url_encode(b, 3, "", 0), 0);
	assert_string_equal(b, "ab");
	assert_int_equal(s3url_encode(b, 3, "x", 0), -1);
	assert_string_equal(b, "ab");
	free(b);

	/* A multi-byte escape never goes in half: "é" needs 6 bytes + NUL. */
	b = exact_buf(7, "");
	assert_int_equal(s3url_encode(b, 7, "\xc3\xa9", 0), 0);
	assert_string_equal(b, "%C3%A9");
	free(b);
	b = exact_buf(6, "");
	assert_int_equal(s3url_encode(b, 6, "\xc3\xa9", 0), -1);
	assert_memory_equal(b, "\0\x5a\x5a\x5a\x5a\x5a", 6);
	free(b);
}

/* An out with no NUL within outlen is refused and left alone. */
static void
test_encode_unterminated(void **state)
{
	char out[4] = { 'a', 'b', 'c', 'd' };

	(void)state;
	assert_int_equal(s3url_encode(out, sizeof(out), "", 0), -1);
	assert_memory_equal(out, "abcd", 4);
}

struct build_case {
	const char *endpoint, *bucket, *key;
	const char *want;
};

static void
test_build_paths(void **state)
{
	static const struct build_case cases[] = {
		{ "http://127.0.0.1:7480", "exifbench-test", NULL,
		    "http://127.0.0.1:7480/exifbench-test" },
		{ "http://127.0.0.1:7480/", "exifbench-test", NULL,
		    "http://127.0.0.1:7480/exifbench-test" },
		{ "http://127.0.0.1:7480//", "exifbench-test", NULL,
		    "http://127.0.0.1:7480/exifbench-test" },
		{ "https://s3.us-east-1.amazonaws.com", "b", "k",
		    "https://s3.us-east-1.amazonaws.com/b/k" },
		{ "http://127.0.0.1:7480/", "exifbench-test",
		    "metadata-extractor-images__Canon PowerShot G2 (1).jpg",
		    "http://127.0.0.1:7480/exifbench-test/"
		    "metadata-extractor-images__Canon%20PowerShot%20G2%20%281%29.jpg" },
		{ "http://127.0.0.1:7480", "exifbench-test", "jpeg/sub dir/caf\xc3\xa9+1*.jpg",
		    "http://127.0.0.1:7480/exifbench-test/jpeg/sub%20dir/caf%C3%A9%2B1%2A.jpg" },
		{ "http://127.0.0.1:7480", "exifbench-test", "",
		    "http://127.0.0.1:7480/exifbench-test/" },
		{ "http://h", "bkt", "~a/~b", "http://h/bkt/~a/~b" },
	};
	char out[S3URL_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(out, SENTINEL, sizeof(out));
		assert_int_equal(s3url_build(out, sizeof(out), cases[i].endpoint, cases[i].bucket,
		    cases[i].key, NULL, 0), 0);
		assert_string_equal(out, cases[i].want);
	}
}

static void
test_build_sorted_params(void **state)
{
	static const int perms[24][4] = {
		{ 0, 1, 2, 3 }, { 0, 1, 3, 2 }, { 0, 2, 1, 3 }, { 0, 2, 3, 1 }, { 0, 3, 1, 2 },
		{ 0, 3, 2, 1 }, { 1, 0, 2, 3 }, { 1, 0, 3, 2 }, { 1, 2, 0, 3 }, { 1, 2, 3, 0 },
		{ 1, 3, 0, 2 }, { 1, 3, 2, 0 }, { 2, 0, 1, 3 }, { 2, 0, 3, 1 }, { 2, 1, 0, 3 },
		{ 2, 1, 3, 0 }, { 2, 3, 0, 1 }, { 2, 3, 1, 0 }, { 3, 0, 1, 2 }, { 3, 0, 2, 1 },
		{ 3, 1, 0, 2 }, { 3, 1, 2, 0 }, { 3, 2, 0, 1 }, { 3, 2, 1, 0 },
	};
	struct s3url_param p[4];
	char out[S3URL_MAX], want[S3URL_MAX];
	size_t i, j;

	(void)state;
	snprintf(want, sizeof(want), "http://127.0.0.1:7480/exifbench-test%s", list_query);
	for (i = 0; i < 24; i++) {
		for (j = 0; j < 4; j++)
			p[j] = list_params[perms[i][j]];
		assert_int_equal(s3url_build(out, sizeof(out), "http://127.0.0.1:7480/",
		    "exifbench-test", NULL, p, 4), 0);
		assert_string_equal(out, want);
		/* The contract: params is sorted in place. */
		assert_string_equal(p[0].name, "continuation-token");
		assert_string_equal(p[1].name, "list-type");
		assert_string_equal(p[2].name, "max-keys");
		assert_string_equal(p[3].name, "prefix");
	}
}

static void
test_build_param_values(void **state)
{
	struct s3url_param p[3];
	char out[256];

	(void)state;
	/* NULL and "" values both give "name=". */
	p[0] = (struct s3url_param){ "uploads", NULL };
	assert_int_equal(s3url_build(out, sizeof(out), "http://h:1", "b", "k", p, 1), 0);
	assert_string_equal(out, "http://h:1/b/k?uploads=");

	p[0] = (struct s3url_param){ "prefix", "" };
	p[1] = (struct s3url_param){ "list-type", "2" };
	p[2] = (struct s3url_param){ "delimiter", "/" };
	assert_int_equal(s3url_build(out, sizeof(out), "http://h:1", "b", NULL, p, 3), 0);
	assert_string_equal(out, "http://h:1/b?delimiter=%2F&list-type=2&prefix=");

	/* Values are encoded with '/' escaped, whatever it is in keys. */
	p[0] = (struct s3url_param){ "prefix", "jpeg/sub dir/(1)+*~" };
	assert_int_equal(s3url_build(out, sizeof(out), "http://h:1", "b", "jpeg/x y", p, 1), 0);
	assert_string_equal(out,
	    "http://h:1/b/jpeg/x%20y?prefix=jpeg%2Fsub%20dir%2F%281%29%2B%2A~");

	/* nparams 0 with a NULL params array is a plain URL. */
	assert_int_equal(s3url_build(out, sizeof(out), "http://h:1", "b", NULL, NULL, 0), 0);
	assert_string_equal(out, "http://h:1/b");
}

/* The full ListObjectsV2 URL fits exactly in strlen + 1 and fails for every smaller size. */
static void
test_build_sizes(void **state)
{
	struct s3url_param p[4];
	char want[S3URL_MAX], *b;
	size_t n, len;

	(void)state;
	snprintf(want, sizeof(want), "http://127.0.0.1:7480/exifbench-test/jpeg/a%%20b%s",
	    list_query);
	len = strlen(want);
	for (n = 1; n <= len + 1; n++) {
		memcpy(p, list_params, sizeof(p));
		b = exact_buf(n, "");
		if (n == len + 1) {
			assert_int_equal(s3url_build(b, n, "http://127.0.0.1:7480/",
			    "exifbench-test", "jpeg/a b", p, 4), 0);
			assert_string_equal(b, want);
		} else {
			assert_int_equal(s3url_build(b, n, "http://127.0.0.1:7480/",
			    "exifbench-test", "jpeg/a b", p, 4), -1);
		}
		free(b);
	}
}

static void
test_inval(void **state)
{
	struct s3url_param p[2] = { { "list-type", "2" }, { "prefix", "a" } };
	struct s3url_param nullname = { NULL, "x" };
	char out[64] = "keep";

	(void)state;
	assert_int_equal(s3url_encode(NULL, 64, "a", 0), -1);
	assert_int_equal(s3url_encode(out, sizeof(out), NULL, 0), -1);
	assert_string_equal(out, "keep");
	assert_int_equal(s3url_encode(out, 0, "a", 0), -1);
	assert_string_equal(out, "keep");

	assert_int_equal(s3url_build(NULL, 64, "http://h", "b", "k", p, 2), -1);
	assert_int_equal(s3url_build(out, 0, "http://h", "b", "k", p, 2), -1);
	assert_int_equal(s3url_build(out, sizeof(out), NULL, "b", "k", p, 2), -1);
	assert_int_equal(s3url_build(out, sizeof(out), "http://h", NULL, "k", p, 2), -1);
	assert_int_equal(s3url_build(out, sizeof(out), "http://h", "b", "k", NULL, 2), -1);
	assert_int_equal(s3url_build(out, sizeof(out), "http://h", "b", "k", &nullname, 1), -1);
	/* Too small for even the endpoint. */
	assert_int_equal(s3url_build(out, 8, "http://127.0.0.1:7480", "b", NULL, NULL, 0), -1);
}

int
main(void)
{
	const struct CMUnitTest table_tests[] = {
		cmocka_unit_test(test_encode_table),
		cmocka_unit_test(test_encode_table_exact_size),
	};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_every_byte),
		cmocka_unit_test(test_encode_control_chars),
		cmocka_unit_test(test_encode_append),
		cmocka_unit_test(test_encode_exact_size),
		cmocka_unit_test(test_encode_unterminated),
		cmocka_unit_test(test_build_paths),
		cmocka_unit_test(test_build_sorted_params),
		cmocka_unit_test(test_build_param_values),
		cmocka_unit_test(test_build_sizes),
		cmocka_unit_test(test_inval),
	};
	int failed;

	failed = cmocka_run_group_tests_name("s3url_encode table", table_tests, table_setup,
	    table_teardown);
	failed += cmocka_run_group_tests_name("s3url", tests, NULL, NULL);
	return failed != 0;
}
