/*
 * test_taskstats.c: unit tests of harness/sampler/taskstats.c. The taskstats query is checked
 * against the sum of every thread's files for this process with two parked threads (the file
 * sum must lie between two queries), and for a zombie child, where the kernel's sum leaves the
 * leader out and taskstats_read_best must still see its CPU. A batch of queries on stopped
 * children must give exactly what one query at a time gives, past a stale reply. A reply built
 * by hand checks the reply parser's bounds. Without taskstats in the kernel, or without the
 * right to query it (CAP_NET_ADMIN: a plain user), the query tests are skipped, saying why; the
 * children of a failed test are killed at teardown. test_inval feeds NULL and bad pids.
 */
#include "harness/sampler/taskstats.c"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "../testutil.h"

struct fixture {
	struct taskstats_nl *nl;	/* NULL: no taskstats here, or no right to query it */
	char err[160];
	pid_t kids[TASKSTATS_BATCH];	/* test_many's children, killed by teardown if left */
};

static int
setup(void **state)
{
	struct taskstats_tgid tg;
	struct fixture *fx;

	if ((fx = calloc(1, sizeof(*fx))) == NULL)
		return -1;
	fx->nl = taskstats_nl_new(fx->err, sizeof(fx->err));
	/* The socket opens for anyone; a query needs CAP_NET_ADMIN (not there for a user). */
	if (fx->nl != NULL && taskstats_read_tgid(fx->nl, getpid(), &tg) < 0) {
		snprintf(fx->err, sizeof(fx->err), "a query of this process was refused: taskstats "
		    "needs CAP_NET_ADMIN (run as root for these tests)");
		taskstats_nl_free(fx->nl);
		fx->nl = NULL;
	}
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	size_t i;

	for (i = 0; i < TASKSTATS_BATCH; i++)	/* a failed assertion left them stopped */
		if (fx->kids[i] > 0) {
			kill(fx->kids[i], SIGKILL);
			waitpid(fx->kids[i], NULL, 0);
		}
	taskstats_nl_free(fx->nl);
	free(fx);
	return 0;
}

static void
need_taskstats(struct fixture *fx)
{
	if (fx->nl == NULL) {
		print_message("no taskstats here (%s): skipped\n", fx->err);
		skip();
	}
}

static pthread_barrier_t gate;

static void *
parked(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&gate);	/* started */
	pthread_barrier_wait(&gate);	/* released */
	return NULL;
}

/* taskstats against the per-thread files, for this process with two parked threads. */
static void
test_tgid_nl(void **state)
{
	struct fixture *fx = *state;
	struct taskstats_tgid files, nl1, nl2;
	struct taskstats_nl *nl = fx->nl;
	pthread_t t[2];
	int i;

	need_taskstats(fx);
	assert_int_equal(pthread_barrier_init(&gate, NULL, 3), 0);
	for (i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, parked, NULL), 0);
	pthread_barrier_wait(&gate);
	assert_int_equal(taskstats_read_tgid(nl, getpid(), &nl1), 0);
	assert_int_equal(taskstats_read_threads(getpid(), &files), 0);
	assert_int_equal(taskstats_read_tgid(nl, getpid(), &nl2), 0);
	pthread_barrier_wait(&gate);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&gate);
	/* Only this thread runs between the reads: the file sum lies between the two queries. */
	assert_true(nl1.sched.run_ns <= files.sched.run_ns);
	assert_true(files.sched.run_ns <= nl2.sched.run_ns);
	assert_true(nl1.sched.slices <= files.sched.slices);
	assert_true(files.sched.slices <= nl2.sched.slices);
	assert_true(nl1.vcsw <= files.vcsw && files.vcsw <= nl2.vcsw);
	assert_true(files.vcsw >= 2);	/* the parked threads blocked at least once */
	assert_int_equal(taskstats_read_tgid(nl, 0, &nl1), -1);
}

/* A zombie child: the per-thread files still list its leader, the kernel's sum does not. */
static void
test_zombie(void **state)
{
	struct fixture *fx = *state;
	struct taskstats_tgid files, best, none;
	siginfo_t si;
	pid_t pid;
	volatile unsigned long spin = 0;

	if ((pid = fork()) == 0) {
		while (spin < 50000000UL)	/* some CPU, so the counters are not zero */
			spin++;
		_exit(0);
	}
	assert_true(pid > 0);
	assert_int_equal(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT), 0);
	assert_int_equal(taskstats_read_threads(pid, &files), 0);
	assert_true(files.sched.run_ns > 0);
	assert_int_equal(taskstats_read_best(fx->nl, pid, 1, &best), 0);
	assert_true(best.sched.run_ns >= files.sched.run_ns);
	assert_int_equal(taskstats_read_best(NULL, pid, 0, &none), 0);
	assert_true(none.sched.run_ns == files.sched.run_ns);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	assert_int_equal(taskstats_read_threads(pid, &files), -1);
	assert_int_equal(taskstats_read_best(NULL, pid, 0, &none), -1);
	assert_int_equal(taskstats_read_best(fx->nl, pid, 0, &best), -1);
}

/*
 * A batch against one query at a time, on stopped children (frozen counters): equal figures,
 * a reaped pid unanswered, and a reply left over from an unanswered request ignored.
 */
static void
test_many(void **state)
{
	struct fixture *fx = *state;
	struct taskstats_ask ask[TASKSTATS_BATCH];
	struct taskstats_tgid one;
	struct nl_req r;
	volatile unsigned long spin;
	uint32_t id = (uint32_t)getpid();
	size_t i, n = TASKSTATS_BATCH;

	need_taskstats(fx);
	for (i = 0; i < n; i++) {
		if ((ask[i].pid = fork()) == 0) {
			for (spin = 0; spin < 1000000UL * i; spin++)
				;
			raise(SIGSTOP);
			_exit(0);
		}
		assert_true(ask[i].pid > 0);
		fx->kids[i] = ask[i].pid;
		assert_int_equal(waitpid(ask[i].pid, NULL, WUNTRACED), ask[i].pid);
	}
	kill(ask[n - 1].pid, SIGKILL);	/* the last one: reaped */
	assert_int_equal(waitpid(ask[n - 1].pid, NULL, 0), ask[n - 1].pid);
	fx->kids[n - 1] = 0;
	/* A request whose reply is never read: left in the socket for the batch to skip. */
	memset(&r, 0, sizeof(r));
	r.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN) + NLA_HDRLEN + sizeof(id);
	r.n.nlmsg_type = fx->nl->family;
	r.n.nlmsg_flags = NLM_F_REQUEST;
	r.n.nlmsg_seq = ++fx->nl->seq;
	r.g.cmd = TASKSTATS_CMD_GET;
	r.g.version = 1;
	((struct nlattr *)r.attr)->nla_len = NLA_HDRLEN + sizeof(id);
	((struct nlattr *)r.attr)->nla_type = TASKSTATS_CMD_ATTR_TGID;
	memcpy(r.attr + NLA_HDRLEN, &id, sizeof(id));
	assert_int_equal(send(fx->nl->fd, &r, r.n.nlmsg_len, 0), (ssize_t)r.n.nlmsg_len);
	assert_int_equal(taskstats_read_many(fx->nl, ask, n), (int)n - 1);
	for (i = 0; i < n - 1; i++) {
		assert_int_equal(ask[i].ok, 1);
		assert_int_equal(taskstats_read_tgid(fx->nl, ask[i].pid, &one), 0);
		assert_memory_equal(&one, &ask[i].tg, sizeof(one));
		testutil_reap(ask[i].pid);
		fx->kids[i] = 0;
	}
	assert_true(ask[n - 2].tg.sched.run_ns > ask[0].tg.sched.run_ns);
	assert_int_equal(ask[n - 1].ok, 0);
	assert_int_equal(taskstats_read_many(fx->nl, ask, 0), 0);
	assert_int_equal(taskstats_read_many(fx->nl, ask, n + 1), -1);
	assert_int_equal(taskstats_read_many(fx->nl, NULL, 1), -1);
	assert_int_equal(taskstats_read_many(NULL, ask, 1), -1);
}

/* A reply built by hand: AGGR_TGID { TGID, STATS }, then cut and corrupted. */
static void
test_nl_reply(void **state)
{
	union {
		struct nlmsghdr n;
		char buf[1024];
	} m;
	struct taskstats ts;
	struct taskstats_tgid tg;
	struct nlattr *agg, *a;
	uint32_t id = 4242;
	size_t len;

	(void)state;
	memset(&m, 0, sizeof(m));
	memset(&ts, 0, sizeof(ts));
	ts.cpu_count = 11;
	ts.cpu_delay_total = 22;
	ts.cpu_run_virtual_total = 33;
	ts.nvcsw = 44;
	ts.nivcsw = 55;
	agg = (struct nlattr *)((char *)NLMSG_DATA(&m.n) + GENL_HDRLEN);
	agg->nla_type = TASKSTATS_TYPE_AGGR_TGID;
	a = (struct nlattr *)((char *)agg + NLA_HDRLEN);
	a->nla_type = TASKSTATS_TYPE_TGID;
	a->nla_len = NLA_HDRLEN + sizeof(id);
	memcpy((char *)a + NLA_HDRLEN, &id, sizeof(id));
	a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
	a->nla_type = TASKSTATS_TYPE_STATS;
	a->nla_len = NLA_HDRLEN + sizeof(ts);
	memcpy((char *)a + NLA_HDRLEN, &ts, sizeof(ts));
	agg->nla_len = (uint16_t)((char *)a + NLA_ALIGN(a->nla_len) - (char *)agg);
	len = NLMSG_LENGTH(GENL_HDRLEN) + agg->nla_len;
	m.n.nlmsg_len = (uint32_t)len;
	m.n.nlmsg_type = 31;

	assert_int_equal(taskstats_parse_reply(&m, len, 4242, &tg), 0);
	assert_int_equal(tg.sched.slices, 11);
	assert_int_equal(tg.sched.wait_ns, 22);
	assert_int_equal(tg.sched.run_ns, 33);
	assert_int_equal(tg.vcsw, 44);
	assert_int_equal(tg.ivcsw, 55);
	assert_int_equal(taskstats_parse_reply(&m, len, 4243, &tg), -1);
	assert_int_equal(taskstats_parse_reply(&m, len - 1, 4242, &tg), -1);
	assert_int_equal(taskstats_parse_reply(&m, NLMSG_LENGTH(0), 4242, &tg), -1);
	a->nla_len = NLA_HDRLEN + 16;	/* stats cut short of nivcsw */
	assert_int_equal(taskstats_parse_reply(&m, len, 4242, &tg), -1);
	a->nla_len = NLA_HDRLEN + sizeof(ts);
	m.n.nlmsg_type = NLMSG_ERROR;
	assert_int_equal(taskstats_parse_reply(&m, len, 4242, &tg), -1);
}

static void
test_inval(void **state)
{
	struct fixture *fx = *state;
	struct taskstats_tgid tg;

	assert_int_equal(taskstats_read_threads(-1, &tg), -1);
	assert_int_equal(taskstats_read_threads(getpid(), NULL), -1);
	assert_int_equal(taskstats_read_tgid(NULL, getpid(), &tg), -1);
	assert_int_equal(taskstats_read_tgid(fx->nl, -1, &tg), -1);
	assert_int_equal(taskstats_read_tgid(fx->nl, getpid(), NULL), -1);
	assert_int_equal(taskstats_read_best(fx->nl, getpid(), 0, NULL), -1);
	assert_int_equal(taskstats_read_best(NULL, -1, 0, &tg), -1);
	assert_int_equal(taskstats_parse_reply(NULL, 100, 1, &tg), -1);
	taskstats_nl_free(NULL);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_tgid_nl),
		T(test_zombie),
		T(test_many),
		T(test_nl_reply),
		T(test_inval),
	};

	return cmocka_run_group_tests_name("taskstats", tests, NULL, NULL);
}
