/*
 * test_proctab.c: unit tests of harness/sampler/proctab.c on live processes, with small CPU burns
 * measured in thread CPU time. This process watched alone: its first sample is only a base,
 * the next one counts its burn. Watched with descendants: a forked child joins the group from
 * zero, shows zero threads as a zombie, and once reaped its CPU, which reappears in this
 * process's cutime, is counted once -- the group's cpu_s must match this process's and the
 * child's rusage within a few clock ticks. test_wide: a pool wider than PROCTAB_READS
 * reads only some processes a sample, yet sees each zombie within a rotation, drops the
 * reaped at the sample their parent's cutime shows them, and counts the same CPU. test_inval feeds NULL and bad arguments.
 */
#include "harness/sampler/proctab.c"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "../testutil.h"

#define TICKS_SLACK 0.05	/* s: a few clock ticks of rounding per process */

struct fixture {
	struct proctab *t;
	struct proctab_acc g[2];
	pid_t child;
};

static int
setup(void **state)
{
	struct fixture *fx;

	if ((fx = calloc(1, sizeof(*fx))) == NULL || (fx->t = proctab_new()) == NULL) {
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

	testutil_reap(fx->child);
	proctab_free(fx->t);
	free(fx);
	return 0;
}

/* user + system of ru, in seconds. */
static double
ru_total(const struct rusage *ru)
{
	return (double)ru->ru_utime.tv_sec + (double)ru->ru_utime.tv_usec / 1e6 +
	    (double)ru->ru_stime.tv_sec + (double)ru->ru_stime.tv_usec / 1e6;
}

static double
ru_s(int who)
{
	struct rusage ru;

	getrusage(who, &ru);
	return ru_total(&ru);
}

static double sample(struct fixture *fx);

/*
 * Opens the pipe the children wait on, watches this process with its descendants in group 0
 * and takes the base sample; returns this process's CPU before it.
 */
static double
watch_self(struct fixture *fx, int fd[2])
{
	double self0;

	assert_int_equal(pipe(fd), 0);
	assert_int_equal(proctab_watch(fx->t, 0, getpid(), 1), 0);
	self0 = ru_s(RUSAGE_SELF);
	sample(fx);
	return self0;
}

/* One sample into fx->g; returns group 0's cpu_s. */
static double
sample(struct fixture *fx)
{
	memset(fx->g, 0, sizeof(fx->g));
	assert_int_equal(proctab_sample(fx->t, fx->g), 0);
	return fx->g[0].cpu_s;
}

static void
test_self(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(proctab_watch(fx->t, 1, getpid(), 0), 0);
	assert_int_equal(sample(fx), 0);
	assert_true(fx->g[1].procs == 1 && fx->g[1].threads >= 1 && fx->g[1].rss_kib > 0);
	assert_true(fx->g[1].cpu_s == 0 && fx->g[1].run_s == 0);	/* the base */
	testutil_burn_cpu(0.1);
	sample(fx);
	assert_true(fx->g[1].cpu_s > 0.1 - TICKS_SLACK && fx->g[1].cpu_s < 1.0);
	assert_true(fx->g[1].run_s > 0.09 && fx->g[1].run_s < 1.0);
	assert_true(fx->g[0].procs == 0);
	/* Watched again: moved to group 0, not added twice. */
	assert_int_equal(proctab_watch(fx->t, 0, getpid(), 0), 0);
	sample(fx);
	assert_true(fx->g[0].procs == 1 && fx->g[1].procs == 0);
}

static void
test_descendants(void **state)
{
	struct fixture *fx = *state;
	struct rusage ru;
	siginfo_t si;
	double self0, total = 0, want;
	int fd[2];
	char c;

	self0 = watch_self(fx, fd);
	if ((fx->child = fork()) == 0) {
		testutil_burn_cpu(0.15);
		(void)read(fd[0], &c, 1);	/* wait to be released */
		_exit(0);
	}
	assert_true(fx->child > 0);
	usleep(20000);
	total += sample(fx);
	assert_int_equal(fx->g[0].procs, 2);
	assert_int_equal(write(fd[1], "x", 1), 1);
	assert_int_equal(waitid(P_PID, (id_t)fx->child, &si, WEXITED | WNOWAIT), 0);
	total += sample(fx);
	assert_int_equal(fx->g[0].procs, 2);
	assert_int_equal(fx->g[0].threads, 1);	/* the zombie has none */
	assert_int_equal(wait4(fx->child, NULL, 0, &ru), fx->child);
	fx->child = 0;
	total += sample(fx);
	assert_int_equal(fx->g[0].procs, 1);
	want = ru_s(RUSAGE_SELF) - self0 + ru_total(&ru);
	print_message("group cpu_s %.3f, rusage %.3f\n", total, want);
	assert_true(want > 0.15);
	if (total < want - 2 * TICKS_SLACK || total > want + 2 * TICKS_SLACK)
		fail_msg("cpu_s %.3f vs rusage %.3f", total, want);
	close(fd[0]);
	close(fd[1]);
}

#define WIDE (PROCTAB_READS + 8)

/* Reaps what a failed assertion left of a pool. */
static void
reap_all(pid_t *kids, size_t n)
{
	while (n > 0)
		testutil_reap(kids[--n]);
}

static void
test_wide(void **state)
{
	struct fixture *fx = *state;
	struct rusage ru;
	siginfo_t si;
	pid_t kids[WIDE];
	double self0, total = 0, want, kids_s = 0;
	size_t i, every = (WIDE + 1 + PROCTAB_READS - 1) / PROCTAB_READS;
	int fd[2];
	char c;

	self0 = watch_self(fx, fd);
	for (i = 0; i < WIDE; i++) {
		if ((kids[i] = fork()) == 0) {
			testutil_burn_cpu(0.01);
			(void)read(fd[0], &c, 1);	/* wait to be released */
			_exit(0);
		}
		assert_true(kids[i] > 0);
	}
	usleep(50000);
	total += sample(fx);	/* each child's first: stat read */
	assert_int_equal(fx->g[0].procs, WIDE + 1);
	assert_int_equal(fx->t->reads, WIDE + 1);
	total += sample(fx);	/* the parent and half the children */
	assert_true(fx->t->reads < WIDE + 1 && fx->t->reads > 1);
	assert_int_equal(fx->g[0].procs, WIDE + 1);
	print_message("%zu procs: %zu read a sample\n", (size_t)WIDE + 1, fx->t->reads);
	for (i = 0; i < WIDE; i++)
		assert_int_equal(write(fd[1], "x", 1), 1);
	for (i = 0; i < WIDE; i++)
		assert_int_equal(waitid(P_PID, (id_t)kids[i], &si, WEXITED | WNOWAIT), 0);
	for (i = 0; i < every; i++)
		total += sample(fx);
	assert_int_equal(fx->g[0].procs, WIDE + 1);
	assert_int_equal(fx->g[0].threads, 1);	/* every zombie seen as one */
	for (i = 0; i < WIDE; i++) {
		assert_int_equal(wait4(kids[i], NULL, 0, &ru), kids[i]);
		kids[i] = 0;
		kids_s += ru_total(&ru);
	}
	total += sample(fx);
	assert_int_equal(fx->g[0].procs, 1);	/* the reaped are dropped at once */
	for (i = 0; i < every; i++)
		total += sample(fx);	/* the parent's cutime read */
	want = ru_s(RUSAGE_SELF) - self0 + kids_s;
	print_message("group cpu_s %.3f, rusage %.3f\n", total, want);
	reap_all(kids, WIDE);
	if (total < want - 2 * TICKS_SLACK || total > want + 2 * TICKS_SLACK)
		fail_msg("cpu_s %.3f vs rusage %.3f", total, want);
	close(fd[0]);
	close(fd[1]);
}

static void
test_inval(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(proctab_watch(NULL, 0, getpid(), 0), -1);
	assert_int_equal(proctab_watch(fx->t, -1, getpid(), 0), -1);
	assert_int_equal(proctab_watch(fx->t, 0, 0, 0), -1);
	assert_int_equal(proctab_watch(fx->t, 0, -1, 0), -1);
	assert_int_equal(proctab_sample(NULL, fx->g), -1);
	assert_int_equal(proctab_sample(fx->t, NULL), -1);
	assert_int_equal(proctab_uses_taskstats(NULL), 0);
	proctab_free(NULL);
	/* Nothing watched: a sample sums nothing. */
	assert_int_equal(sample(fx), 0);
	assert_true(fx->g[0].procs == 0 && fx->g[1].procs == 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_self),
		T(test_descendants),
		T(test_wide),
		T(test_inval),
	};

	return cmocka_run_group_tests_name("proctab", tests, NULL, NULL);
}
