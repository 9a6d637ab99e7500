/*
 * test_run.c: unit tests of the run (models/run.c) and its two threads, with no server:
 * s3_list_page is wrapped (-Wl,--wrap) to serve pages of made-up keys. The listing hands out
 * every key once, in order, across pages, and stops fetching at the limit; run_try_key never
 * blocks, answers RUN_KEY_WAIT while the first page is on its way and wakes its eventfd once
 * it is there; a failed page ends the stream with the run's error after the keys already
 * listed; records put from several threads all reach on_record, each thread's in its order,
 * and the totals count them. Without threads (forkpool's run), the same keys and records
 * come through with no thread started: the process keeps one task (/proc/self/task), the
 * pages are fetched inside run_next_key and each record reaches on_record inside run_record.
 * A local --src (p.src_dir): a walk of 2,500 files in two folders comes out whole, in byte
 * order, in three pages of paths relative to the folder, with and without threads, and no
 * LIST is made; a path under it longer than a key ends the stream with the run's error
 * naming the folder. With a circuit breaker (its probe the test's): while it is open
 * run_try_key answers RUN_KEY_WAIT with a wait, a record that failed by a connection
 * failure is held (not counted); when the probe answers, the held key comes out of the next
 * run_next_key (not counted as listed again); when the window ends with no answer, that call
 * fails the held key and every key left "endpoint down", so ok + failed == listed.
 * Open loop (run_set_rate): key k is handed out no earlier than its due time, t0 + k / R
 * exactly, and run_key_due_ns says it; run_try_key answers RUN_KEY_WAIT with a wait of at
 * most the time left (capped so stop is seen) until then; a caller stalled past the backlog's
 * bound gets 0, the key in hand not counted, the totals unsustained and how far behind.
 */
#include "models/run.c"
#include "models/core/breaker.c"
#include "models/lister.c"
#include "models/records.c"

#include <dirent.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <time.h>

#include <cmocka.h>

#include "../testutil.h"

int __wrap_s3_list_page(struct s3 *c, const char *bucket, const char *prefix,
    unsigned page_size, char *token, size_t token_len, s3_list_cb cb, void *arg,
    struct s3_result *res);

/* The listing the wrap serves: nkeys keys, page_size at a time; fail_page fails (from 1). */
static struct {
	unsigned nkeys, fail_page, calls;
	long delay_ms;		/* before each page */
	char prefix[64];
} served;

int
__wrap_s3_list_page(struct s3 *c, const char *bucket, const char *prefix,
    unsigned page_size, char *token, size_t token_len, s3_list_cb cb, void *arg,
    struct s3_result *res)
{
	struct timespec nap = { 0, served.delay_ms * 1000000L };
	unsigned from = token[0] != '\0' ? (unsigned)atoi(token) : 0, i;
	char key[64];

	(void)c, (void)bucket;
	snprintf(served.prefix, sizeof(served.prefix), "%s", prefix);
	nanosleep(&nap, NULL);
	memset(res, 0, sizeof(*res));
	if (++served.calls == served.fail_page) {
		snprintf(res->error, sizeof(res->error), "boom");
		return -1;
	}
	for (i = from; i < served.nkeys && i < from + page_size; i++) {
		snprintf(key, sizeof(key), "in/%05u.jpg", i);
		if (cb(key, 1, arg) != 0)
			return 1;
	}
	if (i < served.nkeys)
		snprintf(token, token_len, "%u", i);
	else
		token[0] = '\0';
	return 0;
}

struct fixture {
	struct pipeline p;
	struct model_opts o;
	uint64_t got;		/* records seen by on_record */
	int last[8];		/* per producer thread: the last sequence number seen */
	int out_of_order;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->p.s3.endpoint, sizeof(f->p.s3.endpoint), "http://127.0.0.1:9");
	snprintf(f->p.src_bucket, sizeof(f->p.src_bucket), "src");
	snprintf(f->p.src_prefix, sizeof(f->p.src_prefix), "in");
	f->o.concurrency = 4;
	memset(f->last, -1, sizeof(f->last));
	memset(&served, 0, sizeof(served));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	free(*state);
	return 0;
}

static void
test_pages(void **state)
{
	struct fixture *f = *state;
	struct run *r = run_new(&f->p, &f->o, 0, NULL, NULL, NULL);
	char key[JOB_KEY_MAX + 1], want[64];
	struct run_totals t;
	unsigned i;

	served.nkeys = 2500;
	assert_non_null(r);
	for (i = 0; i < 2500; i++) {
		assert_int_equal(run_next_key(r, key), 1);
		snprintf(want, sizeof(want), "in/%05u.jpg", i);
		assert_string_equal(key, want);
	}
	assert_int_equal(run_next_key(r, key), 0);
	assert_int_equal(run_next_key(r, key), 0);
	run_totals(r, &t);
	assert_int_equal(t.listed, 2500);
	assert_int_equal(t.list_pages, 3);
	assert_string_equal(served.prefix, "in/");
	assert_string_equal(run_error(r), "");
	run_free(r);
}

static void
test_limit(void **state)
{
	struct fixture *f = *state;
	struct run *r = run_new(&f->p, &f->o, 10, NULL, NULL, NULL);
	char key[JOB_KEY_MAX + 1];
	unsigned i;

	served.nkeys = 5000;
	assert_non_null(r);
	for (i = 0; i < 10; i++)
		assert_int_equal(run_next_key(r, key), 1);
	assert_int_equal(run_next_key(r, key), 0);
	run_free(r);	/* joins the thread: no page after the limit is fetched */
	assert_int_equal(served.calls, 1);
}

static void
test_try_key(void **state)
{
	struct fixture *f = *state;
	struct run *r = run_new(&f->p, &f->o, 0, NULL, NULL, NULL);
	char key[JOB_KEY_MAX + 1];
	struct run_totals t;
	struct pollfd pfd;
	uint64_t n;
	int got, waits = 0, keys = 0;

	served.nkeys = 1500;
	served.delay_ms = 50;
	assert_non_null(r);
	assert_true(run_key_fd(r) >= 0);
	for (;;) {
		got = run_try_key(r, key);
		if (got == RUN_KEY_WAIT) {
			waits++;
			pfd = (struct pollfd){ run_key_fd(r), POLLIN, 0 };
			assert_int_equal(poll(&pfd, 1, 5000), 1);
			assert_int_equal(read(run_key_fd(r), &n, sizeof(n)), sizeof(n));
			continue;
		}
		if (got != 1)
			break;
		keys++;
	}
	assert_int_equal(got, 0);
	assert_int_equal(keys, 1500);
	assert_true(waits >= 1);	/* the first page took 50 ms */
	run_totals(r, &t);
	assert_true(t.list_ns >= 40000000);	/* the wait counts, not the page fetched ahead */
	run_free(r);
}

static void
test_list_error(void **state)
{
	struct fixture *f = *state;
	struct run *r = run_new(&f->p, &f->o, 0, NULL, NULL, NULL);
	char key[JOB_KEY_MAX + 1];
	unsigned i;

	served.nkeys = 3000;
	served.fail_page = 2;
	assert_non_null(r);
	for (i = 0; i < 1000; i++)
		assert_int_equal(run_next_key(r, key), 1);
	assert_int_equal(run_next_key(r, key), -1);
	assert_int_equal(run_next_key(r, key), 0);
	assert_string_equal(run_error(r), "listing s3://src/in: boom");
	run_free(r);
}

/* on_record: each producer's records must come in the order it put them. */
static void
count(const struct job_record *rec, void *arg)
{
	struct fixture *f = arg;
	int th = rec->status, seq = rec->exif_tags;

	f->got++;
	if (seq != f->last[th] + 1)
		f->out_of_order++;
	f->last[th] = seq;
}

struct producer {
	struct run *r;
	int id;
};

static void *
produce(void *arg)
{
	struct producer *p = arg;
	struct job_record rec;
	int i;

	memset(&rec, 0, sizeof(rec));
	rec.status = p->id;
	for (i = 0; i < 5000; i++) {
		rec.exif_tags = i;
		rec.outcome = i % 10 == 0 ? JOB_FAILED : JOB_OK;
		rec.bytes_in = 2;
		run_record(p->r, &rec);
	}
	return NULL;
}

static void
test_records(void **state)
{
	struct fixture *f = *state;
	struct run *r = run_new(&f->p, &f->o, 0, NULL, count, f);
	struct producer p[4];
	pthread_t tid[4];
	struct run_totals t;
	int i;

	assert_non_null(r);
	for (i = 0; i < 4; i++) {
		p[i] = (struct producer){ r, i };
		assert_int_equal(pthread_create(&tid[i], NULL, produce, &p[i]), 0);
	}
	for (i = 0; i < 4; i++)
		pthread_join(tid[i], NULL);
	run_totals(r, &t);
	assert_int_equal(f->got, 20000);
	assert_int_equal(f->out_of_order, 0);
	assert_int_equal(t.ok, 18000);
	assert_int_equal(t.failed, 2000);
	assert_int_equal(t.bytes_in, 40000);
	run_free(r);
}

static void
test_without_threads(void **state)
{
	struct fixture *f = *state;
	struct run *r = run_new(&f->p, &f->o, 0, NULL, count, f);
	char key[JOB_KEY_MAX + 1], want[64];
	struct job_record rec;
	struct run_totals t;
	int before = testutil_count_dir("/proc/self/task"), i;

	served.nkeys = 1500;
	assert_non_null(r);
	run_without_threads(r);
	/*
	 * The records thread is gone. pthread_join returns once the thread has cleared its tid,
	 * which can be a moment before the kernel drops its /proc/self/task entry: wait for the
	 * entry (up to 5 s, a settle wait, not a time limit on the code).
	 */
	for (i = 0; i < 500 && testutil_count_dir("/proc/self/task") != before - 1; i++)
		nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
	assert_int_equal(testutil_count_dir("/proc/self/task"), before - 1);
	for (i = 0; i < 1500; i++) {
		assert_int_equal(run_next_key(r, key), 1);
		snprintf(want, sizeof(want), "in/%05d.jpg", i);
		assert_string_equal(key, want);
		if (i == 0)
			assert_int_equal(served.calls, 1);	/* fetched on this thread, */
		if (i == 999)
			assert_int_equal(served.calls, 1);	/* no page ahead */
	}
	assert_int_equal(run_next_key(r, key), 0);
	assert_int_equal(served.calls, 2);
	assert_int_equal(testutil_count_dir("/proc/self/task"), before - 1);
	memset(&rec, 0, sizeof(rec));
	for (i = 0; i < 100; i++) {
		rec.exif_tags = i;
		rec.outcome = JOB_OK;
		run_record(r, &rec);
		assert_int_equal(f->got, i + 1);	/* passed on inside run_record */
	}
	run_totals(r, &t);
	assert_int_equal(t.listed, 1500);
	assert_int_equal(t.ok, 100);
	assert_int_equal(f->out_of_order, 0);
	run_free(r);
}

/* A local --src of n files: d/NNNNN.jpg for the first half, NNNNN.jpg for the rest. */
static void
make_folder(struct fixture *f, char *dir, size_t dirlen, unsigned n)
{
	char name[64];
	unsigned i;

	assert_int_equal(testutil_tmpdir(dir, dirlen, "test_run"), 0);
	snprintf(name, sizeof(name), "%s/d", dir);
	assert_int_equal(mkdir(name, 0755), 0);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), i < n / 2 ? "d/%05u.jpg" : "%05u.jpg", i);
		testutil_write(dir, name, "x");
	}
	snprintf(f->p.src_dir, sizeof(f->p.src_dir), "%s", dir);
	f->p.src_prefix[0] = '\0';
}

static void
test_local_folder(void **state)
{
	struct fixture *f = *state;
	char dir[256], key[JOB_KEY_MAX + 1], want[64];
	struct run_totals t;
	struct run *r;
	unsigned i, pass;

	make_folder(f, dir, sizeof(dir), 2500);
	for (pass = 0; pass < 2; pass++) {
		assert_non_null(r = run_new(&f->p, &f->o, 0, NULL, NULL, NULL));
		if (pass == 1)
			run_without_threads(r);
		/* "01250.jpg" .. "02499.jpg" sort before "d/..." */
		for (i = 0; i < 2500; i++) {
			assert_int_equal(run_next_key(r, key), 1);
			snprintf(want, sizeof(want), i < 1250 ? "%05u.jpg" : "d/%05u.jpg",
			    i < 1250 ? i + 1250 : i - 1250);
			assert_string_equal(key, want);
		}
		assert_int_equal(run_next_key(r, key), 0);
		run_totals(r, &t);
		assert_int_equal(t.listed, 2500);
		assert_int_equal(t.list_pages, 3);
		assert_string_equal(run_error(r), "");
		run_free(r);
	}
	assert_int_equal(served.calls, 0);	/* no LIST */
	testutil_rmtree(dir);
}

static void
test_local_folder_error(void **state)
{
	struct fixture *f = *state;
	char dir[256], key[JOB_KEY_MAX + 1], deep[2048], seg[251];
	struct run *r;
	unsigned i;
	int got;

	make_folder(f, dir, sizeof(dir), 4);	/* 00002.jpg 00003.jpg d/00000.jpg d/00001.jpg */
	memset(seg, 'x', 250);
	seg[250] = '\0';
	snprintf(deep, sizeof(deep), "%s", dir);
	for (i = 0; i < 5; i++) {	/* a path under it over a key's 1,024 bytes */
		snprintf(deep + strlen(deep), sizeof(deep) - strlen(deep), "/%s", seg);
		assert_int_equal(mkdir(deep, 0755), 0);
	}
	testutil_write(deep, "z.jpg", "x");
	assert_non_null(r = run_new(&f->p, &f->o, 0, NULL, NULL, NULL));
	for (i = 0; (got = run_next_key(r, key)) == 1; i++)
		;
	assert_int_equal(got, -1);
	assert_int_equal(i, 0);	/* the first page failed whole */
	assert_non_null(strstr(run_error(r), "listing "));
	assert_non_null(strstr(run_error(r), dir));
	assert_non_null(strstr(run_error(r), "path longer than 1024 bytes"));
	run_free(r);
	testutil_rmtree(dir);
}

static int probe_up;

static int
fake_probe(struct breaker *b)
{
	(void)b;
	return probe_up;
}

/* A failed record of key as the outage leaves it: refused, no HTTP status, started now. */
static void
put_refused(struct run *r, const char *key)
{
	struct job_record rec;

	memset(&rec, 0, sizeof(rec));
	snprintf(rec.key, sizeof(rec.key), "%s", key);
	snprintf(rec.error, sizeof(rec.error), "refused");
	rec.outcome = JOB_FAILED;
	rec.curl_code = CURLE_COULDNT_CONNECT;
	rec.stage[JOB_GET].start_ns = now_ns() - 1;
	run_record(r, &rec);
}

/* A run over 50 keys whose breaker (window_s, the probe answering up) is open, one key held. */
static struct run *
open_run(struct fixture *f, double window_s, int up, char *held)
{
	struct run *r;
	int i;

	served.nkeys = 50;
	probe_up = up;
	f->p.breaker = breaker_new(&f->p.s3, "src", window_s);
	assert_non_null(f->p.breaker);
	f->p.breaker->probe = fake_probe;
	assert_non_null(r = run_new(&f->p, &f->o, 0, NULL, NULL, NULL));
	assert_int_equal(run_next_key(r, held), 1);
	for (i = 0; i < BREAKER_TRIP; i++)
		breaker_note(f->p.breaker, CURLE_COULDNT_CONNECT, 0);
	put_refused(r, held);
	return r;
}

/* Its window ends with no answer, then (a new run) its probe answers. */
static void
test_breaker(void **state)
{
	struct fixture *f = *state;
	char held[JOB_KEY_MAX + 1], key[JOB_KEY_MAX + 1];
	struct run *r = open_run(f, 0.2, 0, held);
	struct run_totals t;
	int n = 0;

	assert_int_equal(run_try_key(r, key), RUN_KEY_WAIT);
	assert_true(run_key_wait_us(r) >= 1000 && run_key_wait_us(r) <= BREAKER_POLL_MS * 1000L);
	assert_int_equal(run_next_key(r, key), 0);	/* waits out the window */
	assert_int_equal(run_next_key(r, key), 0);
	run_totals(r, &t);
	assert_int_equal(t.listed, 50);
	assert_int_equal(t.ok + t.failed, 50);
	assert_int_equal(t.breaker_failed, 50);		/* the held one too */
	assert_int_equal(t.breaker.opened, 1);
	assert_true(t.breaker.down);
	run_free(r);
	breaker_free(f->p.breaker);

	memset(&served, 0, sizeof(served));
	r = open_run(f, 10, 1, held);
	assert_int_equal(run_next_key(r, key), 1);	/* the probe answered: the held key */
	assert_string_equal(key, held);
	put_refused(r, key);	/* a failure after the close, of a job started after it */
	while (run_next_key(r, key) == 1)
		n++;
	assert_int_equal(n, 49);
	run_totals(r, &t);
	assert_int_equal(t.listed, 50);
	assert_int_equal(t.failed, 1);
	assert_int_equal(t.breaker_retried, 1);
	assert_int_equal(t.breaker_failed, 0);
	assert_false(t.breaker.down);
	run_free(r);
	breaker_free(f->p.breaker);
}

/* Constant at 2,000/s: every key at or after its due time, the due times 0.5 ms apart. */
static void
test_paced(void **state)
{
	struct fixture *f = *state;
	struct run *r = run_new(&f->p, &f->o, 0, NULL, NULL, NULL);
	char key[JOB_KEY_MAX + 1];
	struct run_totals t;
	int64_t due, first = 0, prev = 0;
	unsigned i;

	served.nkeys = 300;
	assert_non_null(r);
	run_set_rate(r, ARRIVALS_CONSTANT, 2000, 1, 1000);
	for (i = 0; i < 300; i++) {
		assert_int_equal(run_next_key(r, key), 1);
		due = run_key_due_ns(r);
		assert_true(job_now_ns() >= due);
		if (i == 0)
			first = due;
		else
			assert_int_equal(due - prev, 500000);
		prev = due;
	}
	assert_int_equal(prev - first, 299 * 500000LL);
	assert_int_equal(run_next_key(r, key), 0);
	run_totals(r, &t);
	assert_int_equal(t.listed, 300);
	assert_int_equal(t.unsustained, 0);
	run_free(r);
}

/* At 20/s the second key is due 50 ms after the first: a wait, then the key. */
static void
test_paced_try(void **state)
{
	struct fixture *f = *state;
	struct run *r = run_new(&f->p, &f->o, 0, NULL, NULL, NULL);
	char key[JOB_KEY_MAX + 1];
	struct timespec nap;
	int64_t first;
	long us;
	int got, waits = 0;

	served.nkeys = 2;
	assert_non_null(r);
	run_set_rate(r, ARRIVALS_CONSTANT, 20, 1, 100);
	while ((got = run_try_key(r, key)) == RUN_KEY_WAIT)	/* the first page */
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	assert_int_equal(got, 1);
	first = run_key_due_ns(r);
	while ((got = run_try_key(r, key)) == RUN_KEY_WAIT) {
		us = run_key_wait_us(r);
		assert_true(us > 0 && us <= 50000);
		waits++;
		nap.tv_sec = 0, nap.tv_nsec = us * 1000;
		nanosleep(&nap, NULL);
	}
	assert_int_equal(got, 1);
	assert_true(waits >= 1);
	assert_int_equal(run_key_due_ns(r) - first, 50000000);
	assert_true(job_now_ns() >= run_key_due_ns(r));
	assert_string_equal(key, "in/00001.jpg");
	assert_int_equal(run_try_key(r, key), 0);
	run_free(r);
}

/*
 * At 1,000/s with a bound of 5, a caller that stalls 30 ms after its third key finds 30
 * keys due: the stream ends, that key not counted, and the totals say how far behind.
 */
static void
test_paced_behind(void **state)
{
	struct fixture *f = *state;
	struct run *r = run_new(&f->p, &f->o, 0, NULL, NULL, NULL);
	char key[JOB_KEY_MAX + 1];
	struct run_totals t;
	unsigned i;

	served.nkeys = 1000;
	assert_non_null(r);
	run_set_rate(r, ARRIVALS_CONSTANT, 1000, 1, 5);
	for (i = 0; i < 3; i++)
		assert_int_equal(run_next_key(r, key), 1);
	nanosleep(&(struct timespec){ 0, 30000000 }, NULL);	/* a stalled server */
	assert_int_equal(run_next_key(r, key), 0);
	assert_int_equal(run_next_key(r, key), 0);
	run_totals(r, &t);
	assert_int_equal(t.listed, 3);
	assert_int_equal(t.unsustained, 1);
	assert_int_equal(t.stopped, 0);
	assert_true(t.behind_ns >= 27000000);	/* key 3 was due 3 ms in */
	assert_true(t.backlog_max > 5);
	assert_true(t.gave_up_ns >= 30000000);
	run_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_try_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_without_threads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_local_folder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_local_folder_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_breaker, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paced_try, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paced_behind, setup, teardown),
	};

	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
