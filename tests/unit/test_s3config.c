/*
 * test_s3config.c: the parts of the S3 client that need no server, in models/core/s3config.c
 * and s3req.c: reading the AWS_* variables (defaults, trailing slashes, each missing variable
 * named, the secret never echoed), the headers and URL a request is signed with (the body's
 * real SHA-256 for a PUT, the empty-body hash otherwise, Content-Type), and the one-line error
 * of each failure class.
 */
#include "models/core/s3config.c"
#include "models/core/s3req.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#define SECRET "s3cr3t-never-printed"

static int
set_env(void **state)
{
	setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:7480//", 1);
	setenv("AWS_ACCESS_KEY_ID", "AKID", 1);
	setenv("AWS_SECRET_ACCESS_KEY", SECRET, 1);
	unsetenv("AWS_REGION");
	return 0;
}

static void
test_config_defaults(void **state)
{
	struct s3_config cfg;
	char err[256] = "";

	assert_int_equal(s3_config_from_env(&cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.endpoint, "http://127.0.0.1:7480");
	assert_string_equal(cfg.access_key, "AKID");
	assert_string_equal(cfg.secret_key, SECRET);
	assert_string_equal(cfg.region, "us-east-1");
	assert_int_equal(cfg.connect_timeout_ms, 5000);
	assert_int_equal(cfg.max_object_bytes, 256u << 20);
	assert_int_equal(cfg.retry.max_attempts, 4);
	setenv("AWS_REGION", "eu-west-3", 1);
	assert_int_equal(s3_config_from_env(&cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.region, "eu-west-3");
}

static void
test_config_missing(void **state)
{
	static const char *const vars[] = { "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID",
		"AWS_SECRET_ACCESS_KEY" };
	struct s3_config cfg;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		set_env(NULL);
		unsetenv(vars[i]);
		assert_int_equal(s3_config_from_env(&cfg, err, sizeof(err)), -1);
		assert_non_null(strstr(err, vars[i]));
		assert_null(strstr(err, SECRET));
		setenv(vars[i], "", 1);	/* empty counts as unset */
		assert_int_equal(s3_config_from_env(&cfg, err, sizeof(err)), -1);
	}
	set_env(NULL);
	setenv("AWS_ENDPOINT_URL", "127.0.0.1:7480", 1);
	assert_int_equal(s3_config_from_env(&cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "must start with http://"));
	set_env(NULL);
	setenv("AWS_SECRET_ACCESS_KEY", "x", 1);
	{
		char longval[300];

		memset(longval, 'k', sizeof(longval) - 1);
		longval[sizeof(longval) - 1] = '\0';
		setenv("AWS_SECRET_ACCESS_KEY", longval, 1);
		assert_int_equal(s3_config_from_env(&cfg, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "AWS_SECRET_ACCESS_KEY is longer than"));
		assert_null(strstr(err, "kkkk"));
	}
	set_env(NULL);
}

/* The header named name in r's list, or NULL. */
static const char *
header(const struct s3_req *r, const char *name)
{
	const struct curl_slist *h;
	size_t n = strlen(name);

	for (h = r->headers; h != NULL; h = h->next)
		if (strncasecmp(h->data, name, n) == 0 && h->data[n] == ':')
			return h->data + n + 2;
	return NULL;
}

static void
test_request_signing_inputs(void **state)
{
	struct s3_config cfg;
	struct s3_result res;
	struct s3_req r;
	struct s3_buf sink = { 0 };
	struct s3url_param p[] = { { "prefix", "a b/" }, { "list-type", "2" } };
	char err[256];

	assert_int_equal(s3_config_from_env(&cfg, err, sizeof(err)), 0);
	/* PUT: the SHA-256 of "abc", which the server verifies against the body. */
	assert_int_equal(s3_req_init(&r, &cfg, S3_PUT, "bkt", "dir/a b(1)é.jpg", NULL, 0, "abc",
	    3, NULL, NULL, &res), 0);
	assert_string_equal(r.url, "http://127.0.0.1:7480/bkt/dir/a%20b%281%29%C3%A9.jpg");
	assert_string_equal(header(&r, "x-amz-content-sha256"),
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_string_equal(header(&r, "Content-Type"), "application/octet-stream");
	s3_req_cleanup(&r);
	assert_int_equal(s3_req_init(&r, &cfg, S3_PUT, "bkt", "k", NULL, 0, "abc", 3,
	    "image/jpeg", NULL, &res), 0);
	assert_string_equal(header(&r, "Content-Type"), "image/jpeg");
	s3_req_cleanup(&r);
	/* GET of a listing: sorted, encoded query; the empty-body hash; no Content-Type. */
	assert_int_equal(s3_req_init(&r, &cfg, S3_GET, "bkt", NULL, p, 2, NULL, 0, NULL, &sink,
	    &res), 0);
	assert_string_equal(r.url, "http://127.0.0.1:7480/bkt?list-type=2&prefix=a%20b%2F");
	assert_string_equal(header(&r, "x-amz-content-sha256"), DIGEST_EMPTY_SHA256);
	assert_null(header(&r, "Content-Type"));
	assert_null(strstr(r.url, SECRET));
	s3_req_cleanup(&r);
}

static void
test_error_lines(void **state)
{
	static const struct {
		enum s3_method m;
		const char *key;
		CURLcode rc;
		long status;
		const char *code;
		int too_big;
		const char *want;
	} cases[] = {
		{ S3_GET, "k", CURLE_OK, 403, "SignatureDoesNotMatch", 0,
		    "credentials rejected by http://127.0.0.1:7480 (403 SignatureDoesNotMatch): "
		    "check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY" },
		{ S3_HEAD, "k", CURLE_OK, 403, "", 0, "credentials rejected by http://127.0.0.1:7480 "
		    "(403): check" },
		{ S3_GET, "k", CURLE_OK, 403, "AccessDenied", 0,
		    "access denied to bucket 'bkt' at http://127.0.0.1:7480 (403)" },
		{ S3_GET, "k", CURLE_OK, 404, "NoSuchBucket", 0,
		    "bucket 'bkt' does not exist at http://127.0.0.1:7480" },
		{ S3_HEAD, NULL, CURLE_OK, 404, "", 0, "bucket 'bkt' does not exist" },
		{ S3_GET, "a/b", CURLE_OK, 404, "NoSuchKey", 0,
		    "no key 'a/b' in bucket 'bkt' at http://127.0.0.1:7480 (404)" },
		{ S3_PUT, "a", CURLE_OK, 503, "SlowDown", 0,
		    "PUT bkt/a at http://127.0.0.1:7480: HTTP 503 SlowDown" },
		{ S3_GET, "a", CURLE_COULDNT_CONNECT, 0, "", 0,
		    "cannot reach S3 endpoint http://127.0.0.1:7480: " },
		{ S3_GET, "a", CURLE_WRITE_ERROR, 200, "", 1,
		    "object 'a' in bucket 'bkt' is larger than the 268435456-byte cap" },
		{ S3_DELETE, "a", CURLE_RECV_ERROR, 0, "", 0,
		    "DELETE bkt/a at http://127.0.0.1:7480: " },
	};
	struct s3_config cfg;
	struct s3_result res;
	struct s3_req r;
	char err[256];
	size_t i;

	assert_int_equal(s3_config_from_env(&cfg, err, sizeof(err)), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&r, 0, sizeof(r));
		memset(&res, 0, sizeof(res));
		r.cfg = &cfg;
		r.method = cases[i].m;
		r.bucket = "bkt";
		r.key = cases[i].key;
		r.too_big = cases[i].too_big;
		res.status = cases[i].status;
		snprintf(res.code, sizeof(res.code), "%s", cases[i].code);
		set_error(&r, cases[i].rc, &res);
		if (strncmp(res.error, cases[i].want, strlen(cases[i].want)) != 0)
			fail_msg("case %zu: got \"%s\"", i, res.error);
		assert_null(strchr(res.error, '\n'));
		assert_null(strstr(res.error, SECRET));
	}
}

static void
test_inval(void **state)
{
	struct s3_config cfg;
	struct s3_result res;
	struct s3_req r;
	char err[64];

	assert_int_equal(s3_config_from_env(NULL, err, sizeof(err)), -1);
	assert_int_equal(s3_config_from_env(&cfg, NULL, 0), -1);
	assert_int_equal(s3_config_from_env(&cfg, err, sizeof(err)), 0);
	assert_int_equal(s3_req_init(&r, &cfg, S3_GET, "b", "k", NULL, 0, NULL, 0, NULL, NULL,
	    NULL), -1);
	assert_int_equal(s3_req_init(NULL, &cfg, S3_GET, "b", "k", NULL, 0, NULL, 0, NULL, NULL,
	    &res), -1);
	assert_int_equal(s3_req_init(&r, NULL, S3_GET, "b", "k", NULL, 0, NULL, 0, NULL, NULL,
	    &res), -1);
	s3_req_cleanup(&r);
	assert_int_equal(s3_req_init(&r, &cfg, S3_PUT, "b", "k", NULL, 0, NULL, 5, NULL, NULL,
	    &res), -1);
	s3_req_cleanup(&r);
	assert_int_equal(s3_req_prepare(NULL, NULL, &res), -1);
	assert_int_equal(s3_req_finish(NULL, NULL, CURLE_OK, &res), S3_FAIL);
	s3_req_cleanup(NULL);
	assert_null(s3_new(NULL));
	s3_free(NULL);
	s3_buf_free(NULL);
	assert_int_equal(s3_get(NULL, "b", "k", NULL, &res), -1);
	assert_int_equal(s3_put(NULL, "b", "k", "x", 1, NULL, &res), -1);
	assert_int_equal(s3_head(NULL, "b", "k", NULL, &res), -1);
	assert_int_equal(s3_delete(NULL, "b", "k", &res), -1);
	assert_int_equal(s3_list(NULL, "b", "", 0, NULL, NULL, NULL, &res), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_config_defaults, set_env),
		cmocka_unit_test_setup(test_config_missing, set_env),
		cmocka_unit_test_setup(test_request_signing_inputs, set_env),
		cmocka_unit_test_setup(test_error_lines, set_env),
		cmocka_unit_test_setup(test_inval, set_env),
	};

	return cmocka_run_group_tests_name("s3 config and requests", tests, NULL, NULL);
}
