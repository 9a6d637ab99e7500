/*
 * test_s3config.c: the parts of the S3 client that need no server, in models/core/s3config.c
 * and s3req.c: reading the AWS_* variables (defaults, trailing slashes, each missing variable
 * named, the secret never echoed), the profile of the shared files (written to a temporary
 * folder: both files, the environment winning, long tokens, nested s3 settings, each bad input
 * named), the headers and URL a request is signed with (the body's real SHA-256 for a PUT, the
 * empty-body hash otherwise, Content-Type, the session token, virtual-hosted URLs), and the
 * one-line error of each failure class; several endpoints (EXIFBENCH_ENDPOINTS, run
 * --endpoints): each bad URL named, how keys spread over them, the URL a job's request gets.
 */
#include "models/core/s3config.c"
#include "models/core/s3req.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#define SECRET "s3cr3t-never-printed"
#define KNOWN_SHA "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

static const char *const unset_vars[] = { "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE",
	"AWS_SESSION_TOKEN", "AWS_CA_BUNDLE", "AWS_S3_ADDRESSING_STYLE", "EXIFBENCH_TLS_VERIFY",
	"EXIFBENCH_ENDPOINTS" };
static char tmpdir[64];

/* The variables of a local server; no profile files (they name files that do not exist). */
static int
set_env(void **state)
{
	size_t i;

	setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:7480//", 1);
	setenv("AWS_ACCESS_KEY_ID", "AKID", 1);
	setenv("AWS_SECRET_ACCESS_KEY", SECRET, 1);
	for (i = 0; i < sizeof(unset_vars) / sizeof(unset_vars[0]); i++)
		unsetenv(unset_vars[i]);
	setenv("AWS_CONFIG_FILE", "/nonexistent/exifbench/config", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/exifbench/credentials", 1);
	return 0;
}

/* No AWS_* key, endpoint or region variable; the two files in a fresh temporary folder. */
static int
profile_setup(void **state)
{
	char path[128];

	set_env(state);
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_s3config.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/config", tmpdir);
	setenv("AWS_CONFIG_FILE", path, 1);
	snprintf(path, sizeof(path), "%s/credentials", tmpdir);
	setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
	return 0;
}

static int
profile_teardown(void **state)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/config", tmpdir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/credentials", tmpdir);
	unlink(path);
	rmdir(tmpdir);
	return 0;
}

/* Writes text to the temporary folder's file name. */
static void
write_file(const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

/* A token of n characters, longer than libinih's 200-byte lines. */
static char *
long_token(size_t n)
{
	char *t = malloc(n + 1);
	size_t i;

	assert_non_null(t);
	for (i = 0; i < n; i++)
		t[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
		    [i * 7 % 64];
	t[n] = '\0';
	return t;
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
test_profile_files(void **state)
{
	struct s3_config cfg;
	char err[256] = "", *tok = long_token(1500), *text;

	assert_int_equal(asprintf(&text, "[default]\nregion = us-west-1\n\n"
	    "; a comment\n[profile dev]\nregion = eu-west-3\n"
	    "endpoint_url = http://localhost:7480/\noutput = json\n"
	    "s3 =\n  addressing_style = virtual\n  max_concurrent_requests = 20\n"
	    "sso_start_url = https://%s\n"
	    "aws_access_key_id = FROM-CONFIG\n[dev]\nregion = ignored-bare-section\n",
	    tok) > 0, 1);	/* a long value of a key this client ignores */
	write_file("config", text);
	free(text);
	assert_int_equal(asprintf(&text, "[default]\naws_access_key_id = DEFAULTKEY\n"
	    "aws_secret_access_key = defaultsecret\n\n[dev]\naws_access_key_id = DEVKEY\n"
	    "aws_secret_access_key = " SECRET "\naws_session_token = %s\n", tok) > 0, 1);
	write_file("credentials", text);
	free(text);
	setenv("AWS_PROFILE", "dev", 1);
	assert_int_equal(s3_config_from_env(&cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.endpoint, "http://localhost:7480");
	assert_string_equal(cfg.access_key, "DEVKEY");	/* the credentials file wins */
	assert_string_equal(cfg.secret_key, SECRET);
	assert_string_equal(cfg.session_token, tok);	/* whole, through the split lines */
	assert_string_equal(cfg.region, "eu-west-3");
	assert_string_equal(cfg.profile, "dev");
	assert_int_equal(cfg.virtual_hosted, 1);
	assert_int_equal(cfg.tls_insecure, 0);
	/* No AWS_PROFILE: [default] of both files; there is no endpoint in it. */
	unsetenv("AWS_PROFILE");
	assert_int_equal(s3_config_from_env(&cfg, err, sizeof(err)), -1);
	assert_string_equal(cfg.endpoint, "");
	assert_non_null(strstr(err, "AWS_ENDPOINT_URL is not set, nor endpoint_url in profile "
	    "'default'"));
	setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9000", 1);
	assert_int_equal(s3_config_from_env(&cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.access_key, "DEFAULTKEY");
	assert_string_equal(cfg.region, "us-west-1");
	assert_string_equal(cfg.session_token, "");
	assert_int_equal(cfg.virtual_hosted, 0);
	free(tok);
}

static void
test_profile_env_wins(void **state)
{
	struct s3_config cfg;
	char err[256] = "";

	write_file("config", "[profile dev]\nregion = eu-west-3\n"
	    "endpoint_url = https://s3.example\nca_bundle = /nonexistent/ca.pem\n"
	    "s3 =\n  addressing_style = virtual\n");
	write_file("credentials", "[dev]\naws_access_key_id = DEVKEY\n"
	    "aws_secret_access_key = devsecret\naws_session_token = DEVTOKEN\n");
	setenv("AWS_PROFILE", "dev", 1);
	setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:7480", 1);
	setenv("AWS_ACCESS_KEY_ID", "ENVKEY", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
	setenv("AWS_DEFAULT_REGION", "ap-south-1", 1);
	setenv("AWS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt", 1);
	setenv("AWS_S3_ADDRESSING_STYLE", "path", 1);
	assert_int_equal(s3_config_from_env(&cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.endpoint, "http://127.0.0.1:7480");
	assert_string_equal(cfg.access_key, "ENVKEY");
	assert_string_equal(cfg.secret_key, "envsecret");
	assert_string_equal(cfg.session_token, "");	/* never the profile's with env keys */
	assert_string_equal(cfg.profile, "");
	assert_string_equal(cfg.region, "ap-south-1");
	assert_string_equal(cfg.ca_bundle, "/etc/ssl/certs/ca-certificates.crt");
	assert_int_equal(cfg.virtual_hosted, 0);
	setenv("AWS_SESSION_TOKEN", "ENVTOKEN", 1);
	setenv("AWS_REGION", "sa-east-1", 1);
	assert_int_equal(s3_config_from_env(&cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.session_token, "ENVTOKEN");
	assert_string_equal(cfg.region, "sa-east-1");
	/* Half a key pair in the environment is an error, not a mix with the profile. */
	unsetenv("AWS_SECRET_ACCESS_KEY");
	assert_int_equal(s3_config_from_env(&cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "AWS_SECRET_ACCESS_KEY is not set"));
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_CA_BUNDLE");
	assert_int_equal(s3_config_from_env(&cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "AWS_CA_BUNDLE (or the profile's ca_bundle) '/nonexistent/ca.pem' "
	    "is not a readable file");
}

static void
test_profile_errors(void **state)
{
	static const struct {
		const char *config, *creds, *profile, *want;
	} cases[] = {
		{ "[profile a]\nregion = x\n", "", "b", "AWS_PROFILE: profile 'b' is in neither " },
		{ "[default]\nendpoint_url = http://h\n", "[default]\naws_access_key_id = K\n",
		    NULL, "profile 'default' has aws_access_key_id but no aws_secret_access_key" },
		{ "[default]\nendpoint_url = http://h\nregion\n", "", NULL,
		    "/config: line 3 is not a 'key = value' line or a [section]" },
		{ "[default]\nendpoint_url = http://h\n", "[default]\naws_access_key_id = K\n"
		    "aws_secret_access_key = " SECRET "\n[broken\n", NULL,
		    "/credentials: line 4 is not" },
		{ "[default]\nendpoint_url = ftp://h\n", "[default]\naws_access_key_id = K\n"
		    "aws_secret_access_key = S\n", NULL, "AWS_ENDPOINT_URL 'ftp://h' must start "
		    "with http:// or https://" },
		{ "[default]\nendpoint_url = http://h/bucket\n",
		    "[default]\naws_access_key_id = K\naws_secret_access_key = S\n", NULL,
		    "must be scheme://host[:port], without a path" },
		{ "[default]\nendpoint_url = http://h\ns3 =\n addressing_style = auto\n",
		    "[default]\naws_access_key_id = K\naws_secret_access_key = S\n", NULL,
		    "AWS_S3_ADDRESSING_STYLE (or the profile's s3 addressing_style) must be path "
		    "or virtual, not 'auto'" },
	};
	struct s3_config cfg;
	char err[256], *tok = long_token(S3_TOKEN_MAX + 10), *text;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_file("config", cases[i].config);
		write_file("credentials", cases[i].creds);
		if (cases[i].profile != NULL)
			setenv("AWS_PROFILE", cases[i].profile, 1);
		else
			unsetenv("AWS_PROFILE");
		err[0] = '\0';
		assert_int_equal(s3_config_from_env(&cfg, err, sizeof(err)), -1);
		if (strstr(err, cases[i].want) == NULL)
			fail_msg("case %zu: got \"%s\"", i, err);
		assert_null(strstr(err, SECRET));
		assert_string_equal(cfg.secret_key, "");
	}
	/* A token over the cap: named, never shown; the line count survives split lines. */
	unsetenv("AWS_PROFILE");
	assert_int_equal(asprintf(&text, "[default]\naws_access_key_id = K\n"
	    "aws_secret_access_key = S\naws_session_token = %s\n", tok) > 0, 1);
	write_file("credentials", text);
	write_file("config", "[default]\nendpoint_url = http://h\n");
	assert_int_equal(s3_config_from_env(&cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "aws_session_token of profile 'default' is longer than 4095"));
	assert_null(strstr(err, "ABCDEFGH"));
	free(text);
	tok[1000] = '\0';
	assert_int_equal(asprintf(&text, "[default]\naws_session_token = %s\n; %s\nbad line\n",
	    tok, tok) > 0, 1);
	write_file("credentials", text);
	assert_int_equal(s3_config_from_env(&cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/credentials: line 4 is not"));
	free(text);
	free(tok);
}

static void
test_tls_and_addressing(void **state)
{
	struct s3_config cfg;
	struct s3_result res;
	struct s3_req r;
	struct s3url_param p[] = { { "list-type", "2" } };
	char err[256];

	setenv("EXIFBENCH_TLS_VERIFY", "no", 1);
	setenv("AWS_S3_ADDRESSING_STYLE", "virtual", 1);
	setenv("AWS_SESSION_TOKEN", "TOKEN-never-printed", 1);
	setenv("AWS_ENDPOINT_URL", "https://localhost:7480", 1);
	assert_int_equal(s3_config_from_env(&cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.tls_insecure, 1);
	assert_int_equal(cfg.virtual_hosted, 1);
	assert_int_equal(s3_req_init(&r, &cfg, S3_GET, "bkt", "dir/a b.jpg", NULL, 0, NULL, 0,
	    NULL, NULL, &res), 0);
	assert_string_equal(r.url, "https://bkt.localhost:7480/dir/a%20b.jpg");
	assert_string_equal(header(&r, "x-amz-security-token"), "TOKEN-never-printed");
	s3_req_cleanup(&r);
	assert_int_equal(s3_req_init(&r, &cfg, S3_GET, "bkt", NULL, p, 1, NULL, 0, NULL, NULL,
	    &res), 0);
	assert_string_equal(r.url, "https://bkt.localhost:7480/?list-type=2");
	s3_req_cleanup(&r);
	assert_int_equal(s3_req_init(&r, &cfg, S3_PUT, "bkt", NULL, NULL, 0, NULL, 0, NULL, NULL,
	    &res), 0);
	assert_string_equal(r.url, "https://bkt.localhost:7480/");
	s3_req_cleanup(&r);
	setenv("EXIFBENCH_TLS_VERIFY", "yes", 1);
	assert_int_equal(s3_config_from_env(&cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.tls_insecure, 0);
	setenv("EXIFBENCH_TLS_VERIFY", "off", 1);
	assert_int_equal(s3_config_from_env(&cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "EXIFBENCH_TLS_VERIFY must be yes or no");
	set_env(state);
	/* Path-style and no token by default: no token header. */
	assert_int_equal(s3_config_from_env(&cfg, err, sizeof(err)), 0);
	assert_int_equal(s3_req_init(&r, &cfg, S3_GET, "bkt", "k", NULL, 0, NULL, 0, NULL, NULL,
	    &res), 0);
	assert_string_equal(r.url, "http://127.0.0.1:7480/bkt/k");
	assert_null(header(&r, "x-amz-security-token"));
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

static void
test_endpoints_parse(void **state)
{
	static const struct {
		const char *list, *want;	/* want: the error's text, or NULL for good */
	} cases[] = {
		{ "http://a:1,https://b/", NULL },
		{ "http://[::1]:7480", NULL },
		{ "", "has an empty URL" },
		{ "http://a,", "has an empty URL" },
		{ "http://a,,http://b", "has an empty URL" },
		{ "http://a,ftp://b", "--endpoints 'ftp://b' must start with http:// or https://" },
		{ "http://a/p", "'http://a/p' must be scheme://host[:port], without a path" },
		{ "http://a?x=1", "without a path" },
		{ "http://", "'http://' must be scheme://host[:port] with a host" },
		{ "http://a:0", "'http://a:0' must be scheme://host[:port] with a host and a port" },
		{ "http://a:99999", "a port of 1..65535" },
		{ "http://a:x", "a port of 1..65535" },
		{ "http://a:", "a port of 1..65535" },
		{ "http://a,http://a/", "'http://a' is listed twice" },
		{ "http://me:" SECRET "@a", "'http://***@a' must not hold a user or password" },
	};
	struct s3_config cfg;
	char err[512], many[4096] = "";
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&cfg, 0, sizeof(cfg));
		snprintf(cfg.endpoint, sizeof(cfg.endpoint), "http://before");
		err[0] = '\0';
		assert_int_equal(s3_config_set_endpoints(&cfg, cases[i].list, "--endpoints", err,
		    sizeof(err)), cases[i].want ? -1 : 0);
		if (cases[i].want == NULL)
			continue;
		if (strstr(err, cases[i].want) == NULL)
			fail_msg("%s: '%s', want '%s'", cases[i].list, err, cases[i].want);
		assert_null(strchr(err, '\n'));
		assert_null(strstr(err, SECRET));
		assert_string_equal(cfg.endpoint, "http://before");	/* unchanged */
		assert_int_equal(cfg.nendpoints, 0);
	}
	assert_int_equal(s3_config_set_endpoints(&cfg, "http://a:1,https://b/", "x", err,
	    sizeof(err)), 0);
	assert_int_equal(cfg.nendpoints, 2);
	assert_string_equal(cfg.endpoint, "http://a:1");
	assert_string_equal(cfg.endpoints[1], "https://b");
	for (i = 0; i <= S3_ENDPOINTS_MAX; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "%shttp://h%zu",
		    i ? "," : "", i);
	assert_int_equal(s3_config_set_endpoints(&cfg, many, "--endpoints", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "more than 16 endpoints"));

	/* From the environment: it replaces AWS_ENDPOINT_URL, which need not be set. */
	assert_int_equal(s3_config_from_env(&cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.nendpoints, 1);
	assert_string_equal(cfg.endpoints[0], cfg.endpoint);
	unsetenv("AWS_ENDPOINT_URL");
	setenv("EXIFBENCH_ENDPOINTS", "http://g1:80,http://g2:81", 1);
	assert_int_equal(s3_config_from_env(&cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.nendpoints, 2);
	assert_string_equal(cfg.endpoint, "http://g1:80");
	setenv("EXIFBENCH_ENDPOINTS", "http://g1:80,gopher://g2", 1);
	assert_int_equal(s3_config_from_env(&cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "EXIFBENCH_ENDPOINTS 'gopher://g2' must start with http:// or "
	    "https://");
	unsetenv("EXIFBENCH_ENDPOINTS");
	assert_int_equal(s3_config_from_env(&cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "AWS_ENDPOINT_URL is not set"));
}

static void
test_endpoints_spread(void **state)
{
	struct s3_config cfg;
	struct s3_result res;
	struct s3_req r;
	unsigned n[3] = { 0 }, shard[2] = { 0 }, e;
	char err[256], key[32];
	int i;

	assert_int_equal(s3_config_from_env(&cfg, err, sizeof(err)), 0);
	assert_int_equal(s3_endpoint_of(&cfg, "any"), 0);	/* one endpoint */
	assert_int_equal(s3_endpoint_of(NULL, "any"), 0);
	assert_int_equal(s3_config_set_endpoints(&cfg, "http://a:1,http://b:2,http://c:3", "x",
	    err, sizeof(err)), 0);
	for (i = 0; i < 3000; i++) {
		snprintf(key, sizeof(key), "in/img-%05d.jpg", i);
		e = s3_endpoint_of(&cfg, key);
		assert_true(e < 3);
		assert_int_equal(e, s3_endpoint_of(&cfg, key));	/* the same every time */
		n[e]++;
	}
	for (i = 0; i < 3; i++)		/* 1,000 each, give or take 10% */
		if (n[i] < 900 || n[i] > 1100)
			fail_msg("endpoint %d got %u of 3000 keys", i, n[i]);

	/* One shard of run --shard I/2 still spreads over both of two endpoints. */
	cfg.nendpoints = 2;
	for (i = 0; i < 4000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		if (rng_fnv1a(key) % 2 == 0)	/* run --shard's FNV-1a(key) mod N */
			shard[s3_endpoint_of(&cfg, key)]++;
	}
	assert_true(shard[0] > 800 && shard[1] > 800);

	/* A job's request goes to its endpoint; one past the last fails. */
	assert_int_equal(s3_req_init_at(&r, &cfg, 1, S3_GET, "bk", "a/b", NULL, 0, NULL, NULL,
	    NULL, &res), 0);
	assert_string_equal(r.url, "http://b:2/bk/a/b");
	s3_req_cleanup(&r);
	assert_int_equal(s3_req_init_at(&r, &cfg, 0, S3_PUT, "bk", "k", "x", 1, NULL, NULL, NULL,
	    &res), 0);
	assert_string_equal(r.url, "http://a:1/bk/k");
	assert_string_equal(header(&r, "x-amz-content-sha256"),
	    "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881");	/* "x" */
	s3_req_cleanup(&r);
	/* A hash the caller has is sent as given; one of the wrong length is refused. */
	assert_int_equal(s3_req_init_at(&r, &cfg, 0, S3_PUT, "bk", "k", "x", 1, KNOWN_SHA, NULL,
	    NULL, &res), 0);
	assert_string_equal(header(&r, "x-amz-content-sha256"), KNOWN_SHA);
	s3_req_cleanup(&r);
	assert_int_equal(s3_req_init_at(&r, &cfg, 0, S3_PUT, "bk", "k", "x", 1, "abc", NULL,
	    NULL, &res), -1);
	s3_req_cleanup(&r);
	assert_int_equal(s3_req_init_at(&r, &cfg, 2, S3_GET, "bk", "k", NULL, 0, NULL, NULL,
	    NULL, &res), -1);
	s3_req_cleanup(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_config_defaults, set_env),
		cmocka_unit_test_setup(test_config_missing, set_env),
		cmocka_unit_test_setup(test_request_signing_inputs, set_env),
		cmocka_unit_test_setup_teardown(test_profile_files, profile_setup,
		    profile_teardown),
		cmocka_unit_test_setup_teardown(test_profile_env_wins, profile_setup,
		    profile_teardown),
		cmocka_unit_test_setup_teardown(test_profile_errors, profile_setup,
		    profile_teardown),
		cmocka_unit_test_setup(test_tls_and_addressing, set_env),
		cmocka_unit_test_setup(test_error_lines, set_env),
		cmocka_unit_test_setup(test_inval, set_env),
		cmocka_unit_test_setup(test_endpoints_parse, set_env),
		cmocka_unit_test_setup(test_endpoints_spread, set_env),
	};

	return cmocka_run_group_tests_name("s3 config and requests", tests, NULL, NULL);
}
