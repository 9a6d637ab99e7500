/*
 * test_job.c: unit tests of the job state machine (models/core/job.c), with no server: the
 * GET -> PROCESS -> PUT [image] -> PUT json order and the names of the outputs; a transfer
 * that keeps failing is retried with backoff up to the policy's attempts, then fails with the
 * count in its reason; the CPU step on corpus files (the record's fields, its digest, an
 * empty "exif" for a JPEG without EXIF, "corrupt JPEG" for a file that is not one); a key
 * over 1,024 bytes; job_fail before and after the end; and job_start reusing a job.
 * Transfers are prepared on a real easy handle and ended with a curl error code, never
 * performed; the successful transfers are covered against a real server by
 * tests/integration/models.sh.
 */
#include "models/core/job.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "../testutil.h"


struct fixture {
	struct pipeline p;
	CURL *easy;
	struct job *j;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct transform_opts t = TRANSFORM_OPTS_DEFAULT;

	assert_non_null(f);
	snprintf(f->p.s3.endpoint, sizeof(f->p.s3.endpoint), "http://127.0.0.1:9");
	snprintf(f->p.s3.access_key, sizeof(f->p.s3.access_key), "AKIDTEST");
	snprintf(f->p.s3.secret_key, sizeof(f->p.s3.secret_key), "secret");
	snprintf(f->p.s3.region, sizeof(f->p.s3.region), "us-east-1");
	f->p.s3.retry = (struct retry_policy){ 4, 10, 40 };
	f->p.s3.max_object_bytes = 1 << 20;
	snprintf(f->p.src_bucket, sizeof(f->p.src_bucket), "src");
	snprintf(f->p.src_prefix, sizeof(f->p.src_prefix), "in/day1");
	snprintf(f->p.dst_bucket, sizeof(f->p.dst_bucket), "dst");
	snprintf(f->p.dst_prefix, sizeof(f->p.dst_prefix), "out");
	f->p.transform = t;
	assert_non_null(f->easy = curl_easy_init());
	assert_non_null(f->j = job_new(&f->p));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	job_free(f->j);
	curl_easy_cleanup(f->easy);
	free(f);
	return 0;
}

/* The corpus file jpeg/name (or, with jpeg/ left out, the corpus's own name). */
static const char *
corpus(const char *name)
{
	static char path[4][1024];
	static int next;
	char *p = path[next++ % 4];

	assert_non_null(testutil_corpus_dir());
	snprintf(p, sizeof(path[0]), "%s/%s", testutil_corpus_dir(), name);
	return p;
}

/* Pretends the GET brought file's bytes: the job is then at its CPU step. */
static void
fake_get(struct fixture *f, const char *key, const char *file)
{
	size_t len = 0;
	unsigned char *data = testutil_slurp(file, &len);

	assert_non_null(data);
	job_start(f->j, key);
	f->j->in.len = 0;
	free(f->j->in.data);
	f->j->in = (struct s3_buf){ data, len, len };
	f->j->st = ST_PROC;
}

static void
test_retries_then_fails(void **state)
{
	struct fixture *f = *state;
	const struct job_record *rec = job_record(f->j);
	int tries = 0;

	job_start(f->j, "in/day1/IMG_1.jpg");
	job_set_worker(f->j, 3);
	assert_int_equal(job_next(f->j), JOB_TRANSFER);
	assert_int_equal(job_retry_delay_ms(f->j), 0);
	while (job_next(f->j) == JOB_TRANSFER) {
		if (tries > 0) {
			assert_true(job_retry_delay_ms(f->j) >= 5);
			assert_true(job_retry_delay_ms(f->j) <= 40);
		}
		assert_int_equal(job_prepare(f->j, f->easy), 0);
		job_transfer_done(f->j, CURLE_COULDNT_CONNECT);
		tries++;
		assert_true(tries <= 4);
	}
	assert_int_equal(tries, 4);
	assert_int_equal(job_next(f->j), JOB_DONE);
	assert_int_equal(rec->outcome, JOB_FAILED);
	assert_non_null(strstr(rec->error, "after 4 attempts"));
	assert_string_equal(rec->key, "in/day1/IMG_1.jpg");
	assert_int_equal(rec->stage[JOB_GET].attempts, 4);
	assert_int_equal(rec->stage[JOB_GET].worker, 3);
	assert_true(rec->stage[JOB_GET].start_ns > 0);
	assert_true(rec->stage[JOB_GET].end_ns >= rec->stage[JOB_GET].start_ns);
	assert_true(rec->stage[JOB_GET].cpu_ns >= 0);
	assert_int_equal(rec->stage[JOB_PROC].start_ns, 0);
	assert_int_equal(rec->stage[JOB_PUT].start_ns, 0);
}

static void
test_shared_io_thread_has_no_transfer_cpu(void **state)
{
	struct fixture *f = *state;

	f->p.shared_io_thread = 1;
	f->p.s3.retry.max_attempts = 1;
	job_start(f->j, "in/day1/IMG_2.jpg");
	assert_int_equal(job_prepare(f->j, f->easy), 0);
	job_transfer_done(f->j, CURLE_COULDNT_CONNECT);
	assert_int_equal(job_next(f->j), JOB_DONE);
	assert_int_equal(job_record(f->j)->stage[JOB_GET].cpu_ns, -1);
}

static void
test_process_record(void **state)
{
	struct fixture *f = *state;
	const struct job_record *rec;
	char sha[DIGEST_HEX_LEN + 1];
	json_t *o, *exif;
	size_t len = 0;
	unsigned char *raw = testutil_slurp(corpus("jpeg/exif-samples__Canon_40D.jpg"), &len);

	assert_non_null(raw);
	assert_int_equal(digest_sha256_hex(raw, len, sha), 0);
	fake_get(f, "in/day1/cam/Canon 40D.jpg", corpus("jpeg/exif-samples__Canon_40D.jpg"));
	job_set_worker(f->j, 7);
	assert_int_equal(job_next(f->j), JOB_PROCESS);
	job_process(f->j);
	rec = job_record(f->j);
	assert_int_equal(rec->outcome, JOB_OK);
	assert_int_equal(job_next(f->j), JOB_TRANSFER);
	assert_int_equal(f->j->st, ST_PUT_JSON);
	assert_string_equal(f->j->dst_key, "out/cam/Canon 40D.jpg.json");
	assert_int_equal(rec->stage[JOB_PROC].worker, 7);
	assert_true(rec->stage[JOB_PROC].cpu_ns > 0);
	assert_true(rec->exif_tags > 5);

	assert_non_null(o = json_loads(f->j->json, 0, NULL));
	assert_string_equal(json_string_value(json_object_get(o, "key")),
	    "in/day1/cam/Canon 40D.jpg");
	assert_int_equal(json_integer_value(json_object_get(o, "size")), len);
	assert_string_equal(json_string_value(json_object_get(o, "sha256")), sha);
	assert_int_equal(json_integer_value(json_object_get(o, "width")), 100);
	assert_int_equal(json_integer_value(json_object_get(o, "height")), 68);
	assert_non_null(exif = json_object_get(o, "exif"));
	assert_string_equal(json_string_value(json_object_get(exif, "Make")), "Canon");
	assert_int_equal(json_object_size(exif), rec->exif_tags);
	assert_null(json_object_get(o, "transform"));
	assert_int_equal(json_integer_value(json_object_get(o, "jpeg_warnings")), 0);
	/* the key order is part of the format: every model writes the same bytes */
	assert_memory_equal(f->j->json, "{\"key\":", 7);
	json_decref(o);
	free(raw);
}

static void
test_upload_image_order(void **state)
{
	struct fixture *f = *state;

	f->p.upload_image = 1;
	f->p.transform.kind = TRANSFORM_THUMBNAIL;
	fake_get(f, "in/day1/a.jpg", corpus("jpeg/exif-samples__Canon_40D.jpg"));
	job_process(f->j);
	assert_int_equal(job_record(f->j)->outcome, JOB_OK);
	assert_int_equal(f->j->st, ST_PUT_IMAGE);
	assert_string_equal(f->j->dst_key, "out/a.jpg");
	assert_non_null(f->j->out);
	assert_non_null(strstr(f->j->json, "\"transform\":\"thumbnail\""));
	assert_non_null(strstr(f->j->json, "\"output_sha256\":\""));
	/* a failing image upload ends the job before the record is sent */
	f->p.s3.retry.max_attempts = 1;
	assert_int_equal(job_prepare(f->j, f->easy), 0);
	job_transfer_done(f->j, CURLE_COULDNT_CONNECT);
	assert_int_equal(job_next(f->j), JOB_DONE);
	assert_int_equal(job_record(f->j)->outcome, JOB_FAILED);
	assert_int_equal(job_record(f->j)->stage[JOB_PUT].attempts, 1);
}

static void
test_no_exif_is_ok(void **state)
{
	struct fixture *f = *state;
	json_t *o;

	/* a real JPEG with no EXIF block at all */
	fake_get(f, "in/day1/ps.jpg", corpus("jpeg/metadata-extractor-images__Photoshop (4).jpg"));
	job_process(f->j);
	assert_int_equal(job_record(f->j)->outcome, JOB_OK);
	assert_int_equal(job_record(f->j)->exif_tags, 0);
	assert_non_null(o = json_loads(f->j->json, 0, NULL));
	assert_int_equal(json_object_size(json_object_get(o, "exif")), 0);
	assert_true(json_integer_value(json_object_get(o, "width")) > 0);
	json_decref(o);
}

static void
test_corrupt_fails(void **state)
{
	struct fixture *f = *state;

	fake_get(f, "in/day1/README.jpg", corpus("README.md"));
	job_process(f->j);
	assert_int_equal(job_next(f->j), JOB_DONE);
	assert_int_equal(job_record(f->j)->outcome, JOB_FAILED);
	assert_non_null(strstr(job_record(f->j)->error, "corrupt JPEG"));
	assert_true(job_record(f->j)->stage[JOB_PROC].end_ns > 0);
}

static void
test_names_outside_prefix(void **state)
{
	struct fixture *f = *state;

	/* --keys may name a key outside --src's prefix: its output keeps the whole key */
	job_start(f->j, "elsewhere/x.jpg");
	assert_int_equal(dst_key(f->j, ".json"), 0);
	assert_string_equal(f->j->dst_key, "out/elsewhere/x.jpg.json");
	job_start(f->j, "in/day1x/y.jpg");
	assert_int_equal(dst_key(f->j, ".json"), 0);
	assert_string_equal(f->j->dst_key, "out/in/day1x/y.jpg.json");
	f->p.dst_prefix[0] = '\0';
	job_start(f->j, "in/day1/z.jpg");
	assert_int_equal(dst_key(f->j, ""), 0);
	assert_string_equal(f->j->dst_key, "z.jpg");
}

static void
test_long_key_and_fail(void **state)
{
	struct fixture *f = *state;
	char key[JOB_KEY_MAX + 2];

	memset(key, 'k', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	job_start(f->j, key);
	assert_int_equal(job_next(f->j), JOB_DONE);
	assert_int_equal(job_record(f->j)->outcome, JOB_FAILED);
	assert_non_null(strstr(job_record(f->j)->error, "longer than 1024"));
	assert_int_equal(strlen(job_record(f->j)->key), JOB_KEY_MAX);

	/* a job can be reused, and job_fail does not overwrite an outcome */
	job_start(f->j, "in/day1/b.jpg");
	assert_int_equal(job_record(f->j)->outcome, JOB_OK);
	assert_string_equal(job_record(f->j)->error, "");
	assert_int_equal(job_prepare(f->j, f->easy), 0);
	job_fail(f->j, "worker died");
	assert_int_equal(job_next(f->j), JOB_DONE);
	assert_string_equal(job_record(f->j)->error, "worker died");
	job_fail(f->j, "second reason");
	assert_string_equal(job_record(f->j)->error, "worker died");
}

static void
test_inval(void **state)
{
	(void)state;
	assert_null(job_new(NULL));
	job_free(NULL);
	assert_true(job_now_ns() > 0);
	assert_true(job_thread_cpu_ns() > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_retries_then_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_io_thread_has_no_transfer_cpu, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_process_record, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upload_image_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_exif_is_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names_outside_prefix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_key_and_fail, setup, teardown),
		cmocka_unit_test(test_inval),
	};

	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
