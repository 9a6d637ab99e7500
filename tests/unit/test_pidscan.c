/*
 * test_pidscan.c: unit tests of harness/sampler/pidscan.c, with an offer callback that records
 * what it is offered. The first look offers every pid of the machine (this process among them);
 * after a fork the next look offers the child and not this process again; a forgotten pid is
 * offered again at the next look; a pid answered LATER is offered again in the same look once
 * another was adopted (a child listed before its parent); a FAIL stops the look, and the next
 * look offers the same pids again. test_inval feeds NULL.
 */
#include "harness/sampler/pidscan.c"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "../testutil.h"

#define MAXKIDS 2

struct fixture {
	struct pidscan *ps;
	pid_t kid[MAXKIDS];		/* parked children, killed at teardown */
	pid_t later, join;		/* LATER for `later` until `join` was adopted */
	int joined, fail;
	unsigned offers, self, kids[MAXKIDS], later_offers;
};

static int
setup(void **state)
{
	struct fixture *fx;

	if ((fx = calloc(1, sizeof(*fx))) == NULL || (fx->ps = pidscan_new()) == NULL) {
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	int i;

	for (i = 0; i < MAXKIDS; i++)
		testutil_reap(fx->kid[i]);
	pidscan_free(fx->ps);
	free(fx);
	return 0;
}

static enum pidscan_verdict
record(void *arg, pid_t pid)
{
	struct fixture *fx = arg;
	int i;

	fx->offers++;
	fx->self += pid == getpid();
	for (i = 0; i < MAXKIDS; i++)
		fx->kids[i] += pid == fx->kid[i];
	if (fx->fail)
		return PIDSCAN_FAIL;
	if (pid == fx->later) {
		fx->later_offers++;
		return fx->joined ? PIDSCAN_JOINED : PIDSCAN_LATER;
	}
	if (pid == fx->join) {
		fx->joined = 1;
		return PIDSCAN_JOINED;
	}
	return PIDSCAN_DONE;
}

static void
reset(struct fixture *fx)
{
	fx->offers = fx->self = fx->later_offers = 0;
	memset(fx->kids, 0, sizeof(fx->kids));
}

/* A child that waits to be killed. */
static pid_t
park(struct fixture *fx, int i)
{
	if ((fx->kid[i] = fork()) == 0) {
		pause();
		_exit(0);
	}
	assert_true(fx->kid[i] > 0);
	return fx->kid[i];
}

static void
test_new_pids(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(pidscan_run(fx->ps, record, fx), 0);
	assert_int_equal(fx->self, 1);
	assert_true(fx->offers >= 2);	/* init and this process at least */
	reset(fx);
	park(fx, 0);
	assert_int_equal(pidscan_run(fx->ps, record, fx), 0);
	assert_int_equal(fx->kids[0], 1);
	assert_int_equal(fx->self, 0);
	reset(fx);
	pidscan_forget(fx->ps, getpid());
	pidscan_forget(fx->ps, 0);	/* not listed: no change */
	park(fx, 1);			/* so the next look lists /proc */
	assert_int_equal(pidscan_run(fx->ps, record, fx), 0);
	assert_int_equal(fx->self, 1);
	assert_int_equal(fx->kids[1], 1);
	assert_int_equal(fx->kids[0], 0);
}

/* Two new pids: the lower one waits for the higher one, as a child listed before its parent. */
static void
test_later(void **state)
{
	struct fixture *fx = *state;
	pid_t a, b;

	assert_int_equal(pidscan_run(fx->ps, record, fx), 0);
	a = park(fx, 0);
	b = park(fx, 1);
	fx->later = a < b ? a : b;
	fx->join = a < b ? b : a;
	reset(fx);
	assert_int_equal(pidscan_run(fx->ps, record, fx), 0);
	assert_int_equal(fx->later_offers, 2);
	assert_true(fx->joined);
}

/* A failed look keeps the last list: the next one offers the same pids. */
static void
test_fail(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(pidscan_run(fx->ps, record, fx), 0);
	park(fx, 0);
	fx->fail = 1;
	reset(fx);
	assert_int_equal(pidscan_run(fx->ps, record, fx), -1);
	assert_int_equal(fx->offers, 1);
	fx->fail = 0;
	reset(fx);
	assert_int_equal(pidscan_run(fx->ps, record, fx), 0);
	assert_int_equal(fx->kids[0], 1);
	assert_int_equal(fx->self, 0);
}

static void
test_inval(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(pidscan_run(NULL, record, fx), -1);
	assert_int_equal(pidscan_run(fx->ps, NULL, fx), -1);
	pidscan_forget(NULL, 1);
	pidscan_free(NULL);
	assert_int_equal(fx->offers, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_new_pids),
		T(test_later),
		T(test_fail),
		T(test_inval),
	};

	return cmocka_run_group_tests_name("pidscan", tests, NULL, NULL);
}
