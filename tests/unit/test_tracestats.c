/*
 * test_tracestats.c: unit tests of harness/results/tracestats.c, a run's figures from its
 * trace CSV.
 * Traces are written to a temporary file with the header `exifbench run --trace` writes
 * (trace_header, so the test follows the real columns). Checked: the trim rule (images
 * ordered by finish, `trim` cut at each end, the window and rate from the cut), nearest-rank
 * latency percentiles end to end and per stage from the kept ok images only, failed images
 * counted in the rate but not the latencies, no trim under 20 images, RFC 4180 keys (commas,
 * quotes, a newline) read as one row, and the labelled copy of every row;
 * and errors: a missing file, an empty file, a header without a needed column.
 * Open loop against a synthetic stalled server (one slot, 10 ms apart, 5 ms of service, one
 * image held 1 s): the service times' p99 stays at 5 ms, as a closed-loop measure would
 * report it, while the response times from the schedule show the queue behind the stall;
 * a closed-loop trace (due_us -1) has no response times.
 */
#include "harness/results/tracestats.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness/results/trace.h"

struct fixture {
	char path[64];
	FILE *f;
};

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	int fd;

	if (fx == NULL)
		return -1;
	snprintf(fx->path, sizeof(fx->path), "/tmp/test_tracestats.XXXXXX");
	if ((fd = mkstemp(fx->path)) < 0 || (fx->f = fdopen(fd, "w")) == NULL)
		return -1;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	if (fx->f != NULL)
		fclose(fx->f);
	unlink(fx->path);
	free(fx);
	return 0;
}

/*
 * One row through trace_row: image i starts at i ms; GET takes get_ms, processing 1 ms, PUT
 * put_ms; ok unless failed (then it ends after its GET).
 */
static void
add_row(FILE *f, const char *key, int64_t start_ms, int64_t get_ms, int64_t put_ms, int failed)
{
	struct job_record r;
	int64_t ms = 1000000, t0 = 1000 * ms, s = t0 + start_ms * ms;

	memset(&r, 0, sizeof(r));
	snprintf(r.key, sizeof(r.key), "%s", key);
	r.outcome = failed ? JOB_FAILED : JOB_OK;
	r.bytes_in = 1024 * 1024, r.bytes_out = failed ? 0 : 1024 * 1024;
	r.get_t.ttfb_us = get_ms * 500, r.get_t.total_us = get_ms * 1000;
	r.put_t.total_us = failed ? -1 : put_ms * 1000;
	r.stage[JOB_GET].start_ns = s, r.stage[JOB_GET].end_ns = s + get_ms * ms;
	if (!failed) {
		r.stage[JOB_PROC].start_ns = s + get_ms * ms;
		r.stage[JOB_PROC].end_ns = s + (get_ms + 1) * ms;
		r.stage[JOB_PUT].start_ns = s + (get_ms + 1) * ms;
		r.stage[JOB_PUT].end_ns = s + (get_ms + 1 + put_ms) * ms;
	}
	assert_int_equal(trace_row(f, &r, t0), 0);
}

/* 100 images finishing 1 ms apart, e2e i+10 ms: trim 0.1 keeps the middle 80. */
static void
test_trim_and_percentiles(void **state)
{
	struct fixture *fx = *state;
	struct tracestats st;
	char err[256], key[32];
	int i;

	assert_int_equal(trace_header(fx->f), 0);
	for (i = 1; i <= 100; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		add_row(fx->f, key, 0, 4, (int64_t)i + 5, 0);	/* ends at i + 10 ms */
	}
	fclose(fx->f), fx->f = NULL;
	assert_int_equal(tracestats_read(fx->path, 0.1, NULL, NULL, NULL, NULL, &st, err,
	    sizeof(err)), 0);
	assert_int_equal(st.rows, 100);
	assert_int_equal(st.ok, 100);
	assert_int_equal(st.kept, 80);
	/* The window: from image 10's finish (20 ms) to image 90's (100 ms). */
	assert_true(fabs(st.window_s - 0.080) < 1e-9);
	assert_true(fabs(st.images_per_s - 1000.0) < 1e-6);
	assert_true(fabs(st.mib_per_s - 80 * 2 / 0.080) < 1e-6);
	/* Kept e2e: 21..100 ms; nearest rank: p50 = 40th = 60, p90 = 72nd = 92, max 100. */
	assert_true(fabs(st.lat_ms[TS_E2E][0] - 60) < 1e-9);
	assert_true(fabs(st.lat_ms[TS_E2E][1] - 92) < 1e-9);
	assert_true(fabs(st.lat_ms[TS_E2E][2] - 100) < 1e-9);
	assert_true(fabs(st.lat_ms[TS_E2E][4] - 100) < 1e-9);
	assert_true(fabs(st.lat_ms[TS_GET][0] - 4) < 1e-9);
	assert_true(fabs(st.lat_ms[TS_PROC][4] - 1) < 1e-9);
	assert_true(fabs(st.lat_ms[TS_PUT][0] - 55) < 1e-9);
	assert_true(fabs(st.lat_ms[TS_TTFB][0] - 2) < 1e-9);
	/* Mean GET + PUT of the kept: 4 + mean(16..95) = 4 + 55.5. */
	assert_true(fabs(st.mean_requests_ms - 59.5) < 1e-9);
}

/* Failed images count in the rate, not in the latencies; under 20 rows nothing is cut. */
static void
test_failed_and_small(void **state)
{
	struct fixture *fx = *state;
	struct tracestats st;
	char err[256];
	int i;

	assert_int_equal(trace_header(fx->f), 0);
	for (i = 0; i < 10; i++)
		add_row(fx->f, "ok", i, 2, 2, 0);		/* e2e 5 ms */
	add_row(fx->f, "bad", 20, 300, 0, 1);			/* ends at 320 ms */
	fclose(fx->f), fx->f = NULL;
	assert_int_equal(tracestats_read(fx->path, 0.2, NULL, NULL, NULL, NULL, &st, err,
	    sizeof(err)), 0);
	assert_int_equal(st.rows, 11);
	assert_int_equal(st.failed, 1);
	assert_int_equal(st.kept, 11);
	assert_true(fabs(st.window_s - 0.320) < 1e-9);
	assert_true(fabs(st.lat_ms[TS_E2E][4] - 5) < 1e-9);	/* the failed one is not in */
	assert_true(fabs(st.lat_ms[TS_GET][4] - 2) < 1e-9);
}

/* Keys with commas, quotes and a newline; every row copied after its label. */
static void
test_quoted_keys_and_copy(void **state)
{
	struct fixture *fx = *state;
	struct tracestats st;
	char err[256], line[1024], *copy = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&copy, &len);
	int lines = 0, header = 0;

	assert_int_equal(trace_header(fx->f), 0);
	add_row(fx->f, "a,b", 0, 1, 1, 0);
	add_row(fx->f, "say \"hi\"", 1, 1, 1, 0);
	add_row(fx->f, "two\nlines", 2, 1, 1, 0);
	fclose(fx->f), fx->f = NULL;
	assert_int_equal(tracestats_read(fx->path, 0, out, "async,8,2,1", "model,level,pus,rep",
	    &header, &st, err, sizeof(err)), 0);
	assert_int_equal(header, 1);
	fclose(out);
	assert_int_equal(st.rows, 3);
	assert_int_equal(st.ok, 3);
	out = fmemopen(copy, len, "r");
	while (fgets(line, sizeof(line), out) != NULL)
		lines++;
	fclose(out);
	assert_int_equal(lines, 5);	/* header, 3 rows, one of them on two lines */
	assert_true(strncmp(copy, "model,level,pus,rep,key,outcome,", 32) == 0);
	assert_non_null(strstr(copy, "\nasync,8,2,1,\"a,b\",\"ok\""));
	assert_non_null(strstr(copy, "\nasync,8,2,1,\"say \"\"hi\"\"\""));
	free(copy);
}

static void
test_inval(void **state)
{
	struct fixture *fx = *state;
	struct tracestats st;
	char err[256];

	assert_int_equal(tracestats_read("/nonexistent/t.csv", 0.1, NULL, NULL, NULL, NULL, &st,
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/t.csv"));
	assert_true(st.lat_ms[TS_E2E][0] == -1 && st.mean_requests_ms == -1);	/* unknown, not 0 */
	fflush(fx->f);
	assert_int_equal(tracestats_read(fx->path, 0.1, NULL, NULL, NULL, NULL, &st, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "empty trace"));
	fputs("key,outcome,bytes_in\n\"k\",\"ok\",3\n", fx->f);
	fflush(fx->f);
	assert_int_equal(tracestats_read(fx->path, 0.1, NULL, NULL, NULL, NULL, &st, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "no column 'bytes_out'"));
}

/*
 * One image of a one-slot open-loop run: due at due_ms, started when the slot is free (start
 * end of the one before), GET then PUT taking svc_ms in all. Returns when it ended.
 */
static int64_t
add_paced(FILE *f, int i, int64_t due_ms, int64_t free_ms, int64_t svc_ms)
{
	struct job_record r;
	int64_t ms = 1000000, t0 = 1000 * ms, s = due_ms > free_ms ? due_ms : free_ms;

	memset(&r, 0, sizeof(r));
	snprintf(r.key, sizeof(r.key), "k%d", i);
	r.outcome = JOB_OK;
	r.due_ns = t0 + due_ms * ms;
	r.stage[JOB_GET].start_ns = t0 + s * ms, r.stage[JOB_GET].end_ns = t0 + s * ms + ms;
	r.stage[JOB_PUT].start_ns = t0 + s * ms + ms;
	r.stage[JOB_PUT].end_ns = t0 + (s + svc_ms) * ms;
	r.get_t.total_us = 1000, r.put_t.total_us = (svc_ms - 1) * 1000;
	assert_int_equal(trace_row(f, &r, t0), 0);
	return s + svc_ms;
}

static void
test_open_loop_stall(void **state)
{
	struct fixture *fx = *state;
	struct tracestats st;
	char err[256];
	int64_t free_ms = 0;
	int i;

	assert_int_equal(trace_header(fx->f), 0);
	for (i = 0; i < 200; i++)
		free_ms = add_paced(fx->f, i, 10 * i, free_ms, i == 50 ? 1000 : 5);
	fclose(fx->f), fx->f = NULL;
	assert_int_equal(tracestats_read(fx->path, 0, NULL, NULL, NULL, NULL, &st, err,
	    sizeof(err)), 0);
	/* service: 199 of 200 at 5 ms; nearest-rank p99 is the 198th: 5 ms */
	assert_true(fabs(st.lat_ms[TS_E2E][2] - 5) < 1e-9);
	assert_true(fabs(st.lat_ms[TS_E2E][4] - 1000) < 1e-9);
	/*
	 * Response: image 50 due at 500 ms ends at 1,500; image 51, due at 510, starts at 1,500
	 * and ends 995 ms after it was due, image 52 990 ms, and so on: the slot gains 5 ms in
	 * every 10, so the queue takes about 200 images to drain. The nearest-rank p99 (the
	 * 198th of 200) is the third worst, 990 ms; the waits are 5 ms less.
	 */
	assert_true(st.lat_ms[TS_RESP][2] >= 980);
	assert_true(fabs(st.lat_ms[TS_RESP][4] - 1000) < 1e-9);
	assert_true(st.lat_ms[TS_WAIT][2] >= 975);
	assert_true(fabs(st.lat_ms[TS_WAIT][0]) < 1e-9 || st.lat_ms[TS_WAIT][0] > 0);
	assert_true(st.lat_ms[TS_RESP][0] >= st.lat_ms[TS_E2E][0]);
}

/* A closed-loop trace: no due times, so no response times or waits. */
static void
test_closed_loop_no_resp(void **state)
{
	struct fixture *fx = *state;
	struct tracestats st;
	char err[256];

	assert_int_equal(trace_header(fx->f), 0);
	add_row(fx->f, "a", 0, 4, 5, 0);
	fclose(fx->f), fx->f = NULL;
	assert_int_equal(tracestats_read(fx->path, 0, NULL, NULL, NULL, NULL, &st, err,
	    sizeof(err)), 0);
	assert_true(st.lat_ms[TS_E2E][0] > 0);
	assert_true(st.lat_ms[TS_RESP][0] == -1 && st.lat_ms[TS_WAIT][2] == -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_trim_and_percentiles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_and_small, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quoted_keys_and_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inval, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_loop_stall, setup, teardown),
		cmocka_unit_test_setup_teardown(test_closed_loop_no_resp, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
