/*
 * test_breaker.c: unit tests of models/core/breaker.c, the run's circuit breaker, with no
 * server: the probe is a function of the test's (the struct's probe pointer) and time is the
 * test's clock (step_at). A table checks which request ends are connection failures (refused,
 * timed out, reset, nothing received, with no HTTP status) and which are not (any HTTP answer,
 * a 503 too, success, a partial body, DNS). BREAKER_TRIP failures in a row open it, an answer
 * between them resets the count, 5xx answers never open it; open, no probe runs before its
 * delay, only one caller probes at a time, the delays between failed probes double up to
 * BREAKER_PROBE_MAX_MS, every wait asked of a caller lies in [1, BREAKER_POLL_MS] and ends no
 * later than the next probe, and the window's end gives up for good after a bounded number of
 * probes; a probe that answers closes it, with the time it was open counted. breaker_hold
 * holds a connection failure while open and, once closed, for a job that started before the
 * opening only. State noted in a forked child is seen by the parent (the MAP_SHARED mapping).
 * test_inval feeds NULL breakers and bad arguments.
 */
#include "models/core/breaker.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#define MS INT64_C(1000000)

static int probe_answers, probe_calls;

static int
fake_probe(struct breaker *b)
{
	(void)b;
	probe_calls++;
	return probe_answers;
}

static int
setup(void **state)
{
	struct s3_config cfg;
	struct breaker *b;

	memset(&cfg, 0, sizeof(cfg));
	snprintf(cfg.endpoint, sizeof(cfg.endpoint), "http://127.0.0.1:1");
	if ((b = breaker_new(&cfg, "bucket", 10.0)) == NULL)
		return -1;
	b->probe = fake_probe;
	probe_answers = probe_calls = 0;
	*state = b;
	return 0;
}

static int
teardown(void **state)
{
	breaker_free(*state);
	return 0;
}

/* Opens b with BREAKER_TRIP refused connections; returns the time it opened. */
static int64_t
open_it(struct breaker *b)
{
	int i;

	for (i = 0; i < BREAKER_TRIP; i++)
		breaker_note(b, CURLE_COULDNT_CONNECT, 0);
	assert_int_equal(atomic_load(&b->state), BREAKER_OPEN);
	return atomic_load(&b->opened_ns);
}

static void
test_connection_failures(void **state)
{
	static const struct {
		int code;
		long status;
		int want;
	} cases[] = {
		{ CURLE_COULDNT_CONNECT, 0, 1 }, { CURLE_OPERATION_TIMEDOUT, 0, 1 },
		{ CURLE_SEND_ERROR, 0, 1 }, { CURLE_RECV_ERROR, 0, 1 }, { CURLE_GOT_NOTHING, 0, 1 },
		{ CURLE_OK, 200, 0 }, { CURLE_OK, 503, 0 }, { CURLE_OK, 500, 0 },
		{ CURLE_RECV_ERROR, 200, 0 },	/* the response had begun: the server is alive */
		{ CURLE_OPERATION_TIMEDOUT, 503, 0 }, { CURLE_PARTIAL_FILE, 0, 0 },
		{ CURLE_COULDNT_RESOLVE_HOST, 0, 0 }, { CURLE_URL_MALFORMAT, 0, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(breaker_connection_failure(cases[i].code, cases[i].status),
		    cases[i].want);
}

static void
test_trip(void **state)
{
	struct breaker *b = *state;
	int i;

	for (i = 0; i < BREAKER_TRIP - 1; i++)
		breaker_note(b, CURLE_RECV_ERROR, 0);
	breaker_note(b, CURLE_OK, 200);		/* an answer: the count starts over */
	for (i = 0; i < BREAKER_TRIP - 1; i++)
		breaker_note(b, CURLE_GOT_NOTHING, 0);
	assert_int_equal(breaker_step(b, NULL), BREAKER_CLOSED);
	for (i = 0; i < 100; i++)
		breaker_note(b, CURLE_OK, 503);	/* a live server's 5xx never opens it */
	assert_int_equal(breaker_step(b, NULL), BREAKER_CLOSED);
	open_it(b);
	breaker_note(b, CURLE_COULDNT_CONNECT, 0);	/* noted while open: opens nothing more */
	assert_int_equal(atomic_load(&b->opened), 1);
}

static void
test_backoff_and_give_up(void **state)
{
	struct breaker *b = *state;
	int64_t t0 = open_it(b), now, prev = t0, gap, last_gap = 0;
	struct breaker_stats s;
	enum breaker_state st;
	long wait;
	int calls = 0;

	assert_int_equal(step_at(b, t0 + BREAKER_PROBE_MIN_MS * MS - 1, &wait), BREAKER_OPEN);
	assert_int_equal(probe_calls, 0);	/* not before its delay */
	for (now = t0; (st = step_at(b, now, &wait)) == BREAKER_OPEN; now += MS) {
		assert_true(wait >= 1 && wait <= BREAKER_POLL_MS);
		if (probe_calls == calls)
			continue;
		assert_int_equal(probe_calls, calls + 1);	/* one probe per step at most */
		calls = probe_calls;
		gap = now - prev;
		prev = now;
		assert_true(gap >= last_gap && gap <= BREAKER_PROBE_MAX_MS * MS);
		last_gap = gap;
	}
	assert_int_equal(st, BREAKER_DOWN);
	assert_true(now == t0 + 10000 * MS);
	assert_true(probe_calls >= 5 && probe_calls <= 12);
	assert_true(last_gap == BREAKER_PROBE_MAX_MS * MS);
	probe_answers = 1;	/* down is for good: no more probes */
	assert_int_equal(step_at(b, now + 60000 * MS, &wait), BREAKER_DOWN);
	assert_int_equal(breaker_step(b, NULL), BREAKER_DOWN);
	assert_int_equal(probe_calls, calls);
	breaker_stats(b, &s);
	assert_int_equal(s.opened, 1);
	assert_true(s.down);
	assert_true(s.open_ns == 10000 * MS);
	assert_true(s.window_s == 10.0);
}

static void
test_close(void **state)
{
	struct breaker *b = *state;
	int64_t t0 = open_it(b);
	struct breaker_stats s;
	long wait;

	probe_answers = 0;
	assert_int_equal(step_at(b, t0 + 100 * MS, &wait), BREAKER_OPEN);
	assert_int_equal(probe_calls, 1);
	atomic_store(&b->probing, 1);		/* another caller is probing */
	assert_int_equal(step_at(b, t0 + 500 * MS, &wait), BREAKER_OPEN);
	assert_int_equal(probe_calls, 1);
	atomic_store(&b->probing, 0);
	probe_answers = 1;
	assert_int_equal(step_at(b, t0 + 700 * MS, &wait), BREAKER_CLOSED);
	assert_int_equal(probe_calls, 2);
	breaker_stats(b, &s);
	assert_int_equal(s.opened, 1);
	assert_false(s.down);
	assert_true(s.open_ns == 700 * MS);
	assert_int_equal(atomic_load(&b->fails), 0);
	open_it(b);	/* and it opens again on the next outage */
	breaker_stats(b, &s);
	assert_int_equal(s.opened, 2);
}

static void
test_hold(void **state)
{
	struct breaker *b = *state;
	int64_t t0;
	long wait;

	assert_false(breaker_hold(b, CURLE_COULDNT_CONNECT, 0, 1));	/* never opened */
	t0 = open_it(b);
	assert_true(breaker_hold(b, CURLE_COULDNT_CONNECT, 0, t0 + 5 * MS));
	assert_false(breaker_hold(b, CURLE_OK, 503, t0 - 5 * MS));
	assert_false(breaker_hold(b, CURLE_COULDNT_RESOLVE_HOST, 0, t0 - 5 * MS));
	probe_answers = 1;
	assert_int_equal(step_at(b, t0 + 100 * MS, &wait), BREAKER_CLOSED);
	assert_true(breaker_hold(b, CURLE_RECV_ERROR, 0, t0 - 5 * MS));	/* in flight then */
	assert_false(breaker_hold(b, CURLE_RECV_ERROR, 0, t0 + 200 * MS));	/* started after */
	open_it(b);
	atomic_store(&b->state, BREAKER_DOWN);
	assert_false(breaker_hold(b, CURLE_COULDNT_CONNECT, 0, t0));	/* down: fail it */
}

static void
test_shared_with_child(void **state)
{
	struct breaker *b = *state;
	pid_t pid;
	int st, i;

	if ((pid = fork()) == 0) {
		for (i = 0; i < BREAKER_TRIP; i++)
			breaker_note(b, CURLE_COULDNT_CONNECT, 0);
		_exit(0);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_int_equal(atomic_load(&b->state), BREAKER_OPEN);
	assert_int_equal(atomic_load(&b->opened), 1);
}

static void
test_inval(void **state)
{
	struct breaker_stats s;
	struct s3_config cfg;
	long wait = 99;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	assert_null(breaker_new(NULL, "b", 10));
	assert_null(breaker_new(&cfg, NULL, 10));
	assert_null(breaker_new(&cfg, "b", 0));
	assert_null(breaker_new(&cfg, "b", -1));
	breaker_free(NULL);
	breaker_note(NULL, CURLE_COULDNT_CONNECT, 0);
	assert_int_equal(breaker_step(NULL, &wait), BREAKER_CLOSED);
	assert_int_equal(wait, 0);
	assert_false(breaker_hold(NULL, CURLE_COULDNT_CONNECT, 0, 0));
	breaker_stats(NULL, &s);
	assert_int_equal(s.opened, 0);
	assert_true(s.window_s == 0);
}

/* A test on a fresh breaker (setup, teardown). */
#define ON_BREAKER(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connection_failures), ON_BREAKER(test_trip),
		ON_BREAKER(test_backoff_and_give_up), ON_BREAKER(test_close), ON_BREAKER(test_hold),
		ON_BREAKER(test_shared_with_child), cmocka_unit_test(test_inval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
