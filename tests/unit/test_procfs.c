/*
 * test_procfs.c: unit tests of harness/procfs.c. Tables feed the parsers text captured on the
 * Debian test machine (tests/data/proc/: this shell, kthreadd, a kworker whose name holds '/'
 * and '-', radosgw with 601 threads, a zombie) and hand-made text (a comm "(a b) c)" with
 * spaces and parentheses, negative real-time priorities, truncated, unterminated and garbage
 * lines, which must be refused). The readers are checked live: this process, a zombie child
 * (state Z, rss 0, its task/ still listing the leader), a reaped pid (ENOENT), and the
 * /proc/loadavg's last pid after a fork, the
 * taskstats query against the sum of every thread's files for a three-thread process. A
 * synthetic netlink reply checks the reply parser's bounds. test_inval feeds NULL and bad pids.
 */
#include "../../harness/procfs.c"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "../testutil.h"

struct fixture {
	char *text;
};

static int
setup(void **state)
{
	struct fixture *fx;

	if ((fx = calloc(1, sizeof(*fx))) == NULL)
		return -1;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	free(fx->text);
	free(fx);
	return 0;
}

/* tests/data/proc/<name>, kept in the fixture (freed at teardown or by the next load). */
static const char *
load(struct fixture *fx, const char *name)
{
	char rel[128];

	free(fx->text);
	snprintf(rel, sizeof(rel), "proc/%s", name);
	fx->text = testutil_slurp_data(rel, NULL);
	assert_non_null(fx->text);
	return fx->text;
}

static void
test_stat_table(void **state)
{
	static const struct {
		const char *file;
		int rc;
		int pid;
		const char *comm;
		char st;
		int ppid;
		uint64_t ut, stt, cut, cst;
		long thr;
		uint64_t start, rss;
	} cases[] = {
		{ "pid_stat_bash.txt", 0, 17239, "bash", 'S', 17225, 1, 6, 675, 231, 1, 524495,
		    1007 },
		{ "pid_stat_kthreadd.txt", 0, 2, "kthreadd", 'S', 0, 0, 0, 0, 0, 1, 25, 0 },
		{ "pid_stat_kworker.txt", 0, 32, "kworker/u8:1-kvfree_rcu_reclaim", 'I', 2, 0,
		    106, 0, 0, 1, 26, 0 },
		{ "pid_stat_radosgw.txt", 0, 18999, "radosgw", 'S', 1, 25, 69, 0, 0, 601, 526205,
		    10390 },
		{ "pid_stat_zombie.txt", 0, 26378, "yes", 'Z', 26377, 6, 22, 0, 0, 1, 544622, 0 },
		{ "pid_stat_parens.txt", 0, 4242, "(a b) c)", 'S', 1, 123, 45, 6, 7, 3, 99999,
		    256 },
		{ "pid_stat_rt.txt", 0, 88, "neg", 'R', 1, 500, 20, 0, 0, 2, 1234, 300 },
		{ .file = "pid_stat_truncated.txt", .rc = -1 },
		{ .file = "pid_stat_noparen.txt", .rc = -1 },
		{ .file = "pid_stat_garbage.txt", .rc = -1 },
		{ .file = "schedstat_bash.txt", .rc = -1 },
		{ .file = "stat_real.txt", .rc = -1 },
	};
	struct fixture *fx = *state;
	struct procfs_stat st;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = procfs_parse_stat(load(fx, cases[i].file), &st);

		if (rc != cases[i].rc)
			fail_msg("%s: rc %d, want %d", cases[i].file, rc, cases[i].rc);
		if (rc != 0)
			continue;
		assert_int_equal(st.pid, cases[i].pid);
		assert_string_equal(st.comm, cases[i].comm);
		assert_int_equal(st.state, cases[i].st);
		assert_int_equal(st.ppid, cases[i].ppid);
		assert_int_equal(st.utime, cases[i].ut);
		assert_int_equal(st.stime, cases[i].stt);
		assert_int_equal(st.cutime, cases[i].cut);
		assert_int_equal(st.cstime, cases[i].cst);
		assert_int_equal(st.num_threads, cases[i].thr);
		assert_int_equal(st.starttime, cases[i].start);
		assert_int_equal(st.rss, cases[i].rss);
	}
}

/* Hand-written lines: each cut short of field 24 is refused; a comm too long is truncated. */
static void
test_stat_edges(void **state)
{
	static const char *bad[] = {
		"", " ", "0 (x) S 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 5 0 7",
		"-5 (x) S 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 5 0 7",
		"5 x) S 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 5 0 7",
		"5 (x)S 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 5 0 7",
		"5 (x) 9 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 5 0 7",
		"5 (x) S -1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 5 0 7",
		"5 (x) S 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 5 0",
		"5 (x) S 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 5 0 99999999999999999999999",
		"5 (x) S 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 5 0 7x",
	};
	struct procfs_stat st;
	char line[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (procfs_parse_stat(bad[i], &st) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
	assert_int_equal(procfs_parse_stat("5 (x) S 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 5 0 7",
	    &st), 0);
	assert_int_equal(st.rss, 7);
	snprintf(line, sizeof(line), "9 (%s) R 1 1 1 0 -1 0 0 0 0 0 1 2 3 4 20 0 1 0 5 0 7\n",
	    "0123456789012345678901234567890123456789012345678901234567890123456789");
	assert_int_equal(procfs_parse_stat(line, &st), 0);
	assert_int_equal(strlen(st.comm), sizeof(st.comm) - 1);
	assert_int_equal(st.cstime, 4);
}

static void
test_cpu(void **state)
{
	struct fixture *fx = *state;
	struct procfs_cpu c;

	assert_int_equal(procfs_parse_cpu(load(fx, "stat_real.txt"), &c), 0);
	assert_int_equal(c.user, 408324);
	assert_int_equal(c.nice, 0);
	assert_int_equal(c.system, 121090);
	assert_int_equal(c.idle, 541886);
	assert_int_equal(c.iowait, 1549);
	assert_int_equal(c.irq, 0);
	assert_int_equal(c.softirq, 6952);
	assert_int_equal(c.steal, 682);
	assert_int_equal(procfs_parse_cpu(load(fx, "stat_truncated.txt"), &c), -1);
	assert_int_equal(procfs_parse_cpu(load(fx, "stat_nocpu.txt"), &c), -1);
	assert_int_equal(procfs_parse_cpu("cpu0 1 2 3 4 5 6 7 8\n", &c), -1);
	assert_int_equal(procfs_parse_cpu("cpu  1 2 3 4 5 6 7 8\n", &c), 0);
	assert_int_equal(c.steal, 8);
}

static void
test_sched(void **state)
{
	static const struct {
		const char *file;
		int rc;
		uint64_t run, wait, slices;
	} cases[] = {
		{ "schedstat_bash.txt", 0, 82026248, 27872638, 201 },
		{ "schedstat_zombie.txt", 0, 297114264, 4667683, 29 },
		{ .file = "schedstat_truncated.txt", .rc = -1 },
		{ .file = "schedstat_garbage.txt", .rc = -1 },
		{ .file = "pid_stat_bash.txt", .rc = -1 },
	};
	struct fixture *fx = *state;
	struct procfs_sched sc;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = procfs_parse_sched(load(fx, cases[i].file), &sc);

		if (rc != cases[i].rc)
			fail_msg("%s: rc %d, want %d", cases[i].file, rc, cases[i].rc);
		if (rc == 0) {
			assert_int_equal(sc.run_ns, cases[i].run);
			assert_int_equal(sc.wait_ns, cases[i].wait);
			assert_int_equal(sc.slices, cases[i].slices);
		}
	}
	assert_int_equal(procfs_parse_sched("1 2 3 4\n", &sc), -1);
}

static void
test_status(void **state)
{
	static const struct {
		const char *file;
		int rc;
		uint64_t vcsw, ivcsw, rss;
	} cases[] = {
		{ "status_bash.txt", 0, 174, 27, 4292 },
		{ "status_kthreadd.txt", 0, 75, 0, 0 },
		{ "status_radosgw.txt", 0, 333, 230, 41768 },
		{ "status_zombie.txt", 0, 2, 27, 0 },
		{ .file = "status_novol.txt", .rc = -1 },
		{ .file = "pid_stat_bash.txt", .rc = -1 },
	};
	struct fixture *fx = *state;
	struct procfs_status st;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = procfs_parse_status(load(fx, cases[i].file), &st);

		if (rc != cases[i].rc)
			fail_msg("%s: rc %d, want %d", cases[i].file, rc, cases[i].rc);
		if (rc == 0) {
			assert_int_equal(st.vcsw, cases[i].vcsw);
			assert_int_equal(st.ivcsw, cases[i].ivcsw);
			assert_int_equal(st.vmrss_kib, cases[i].rss);
		}
	}
}

static void
test_lastpid(void **state)
{
	pid_t lp, before, after;

	(void)state;
	assert_int_equal(procfs_parse_lastpid("0.20 0.18 0.12 1/80 11206\n", &lp), 0);
	assert_int_equal(lp, 11206);
	assert_int_equal(procfs_parse_lastpid("0.20 0.18 0.12 1/80\n", &lp), -1);
	assert_int_equal(procfs_parse_lastpid("0.20 0.18 0.12 1/80 11206 7\n", &lp), -1);
	assert_int_equal(procfs_parse_lastpid("0.20 0.18 0.12 1/80 x\n", &lp), -1);
	assert_int_equal(procfs_parse_lastpid(NULL, &lp), -1);
	assert_int_equal(procfs_read_lastpid(&before), 0);
	if ((lp = fork()) == 0)
		_exit(0);
	assert_true(lp > 0);
	waitpid(lp, NULL, 0);
	assert_int_equal(procfs_read_lastpid(&after), 0);
	assert_true(after != before);	/* lp, or a pid another process forked since */
}

static void
test_read_self(void **state)
{
	struct procfs_stat st;
	struct procfs_cpu c;
	struct procfs_sched sc;
	struct procfs_status ss;

	(void)state;
	assert_int_equal(procfs_read_stat(getpid(), &st), 0);
	assert_int_equal(st.pid, getpid());
	assert_int_equal(st.ppid, getppid());
	assert_int_equal(st.state, 'R');
	assert_int_equal(st.num_threads, 1);
	assert_true(st.rss > 0);
	assert_int_equal(procfs_read_cpu(&c), 0);
	assert_true(c.user + c.system + c.idle > 0);
	assert_int_equal(procfs_read_sched(getpid(), getpid(), &sc), 0);
	assert_true(sc.run_ns > 0 && sc.slices > 0);
	assert_int_equal(procfs_read_status(getpid(), &ss), 0);
	assert_true(ss.vmrss_kib > 0);
}

/* A child that exited, before and after it is reaped. */
static void
test_read_zombie(void **state)
{
	struct procfs_stat st;
	struct procfs_status ss;
	struct procfs_tgid tg;
	siginfo_t si;
	pid_t pid;
	volatile unsigned long spin = 0;

	(void)state;
	if ((pid = fork()) == 0) {
		while (spin < 50000000UL)	/* some CPU, so the counters are not zero */
			spin++;
		_exit(0);
	}
	assert_true(pid > 0);
	assert_int_equal(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT), 0);
	assert_int_equal(procfs_read_stat(pid, &st), 0);
	assert_int_equal(st.state, 'Z');
	assert_int_equal(st.rss, 0);
	assert_true(st.utime + st.stime > 0);
	assert_int_equal(procfs_read_status(pid, &ss), 0);
	assert_int_equal(ss.vmrss_kib, 0);
	assert_int_equal(procfs_read_tgid_threads(pid, &tg), 0);
	assert_true(tg.sched.run_ns > 0);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	errno = 0;
	assert_int_equal(procfs_read_stat(pid, &st), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(procfs_read_tgid_threads(pid, &tg), -1);
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
	struct procfs_tgid files, nl1, nl2;
	struct procfs_nl *nl;
	pthread_t t[2];
	char err[128];
	int i;

	(void)state;
	if ((nl = procfs_nl_new(err, sizeof(err))) == NULL) {
		print_message("no taskstats here (%s): skipped\n", err);
		skip();
	}
	assert_int_equal(pthread_barrier_init(&gate, NULL, 3), 0);
	for (i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, parked, NULL), 0);
	pthread_barrier_wait(&gate);
	assert_int_equal(procfs_read_tgid_nl(nl, getpid(), &nl1), 0);
	assert_int_equal(procfs_read_tgid_threads(getpid(), &files), 0);
	assert_int_equal(procfs_read_tgid_nl(nl, getpid(), &nl2), 0);
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
	assert_int_equal(procfs_read_tgid_nl(nl, 0, &nl1), -1);
	procfs_nl_free(nl);
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
	struct procfs_tgid tg;
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

	assert_int_equal(procfs_parse_nl_reply(&m, len, 4242, &tg), 0);
	assert_int_equal(tg.sched.slices, 11);
	assert_int_equal(tg.sched.wait_ns, 22);
	assert_int_equal(tg.sched.run_ns, 33);
	assert_int_equal(tg.vcsw, 44);
	assert_int_equal(tg.ivcsw, 55);
	assert_int_equal(procfs_parse_nl_reply(&m, len, 4243, &tg), -1);
	assert_int_equal(procfs_parse_nl_reply(&m, len - 1, 4242, &tg), -1);
	assert_int_equal(procfs_parse_nl_reply(&m, NLMSG_LENGTH(0), 4242, &tg), -1);
	a->nla_len = NLA_HDRLEN + 16;	/* stats cut short of nivcsw */
	assert_int_equal(procfs_parse_nl_reply(&m, len, 4242, &tg), -1);
	a->nla_len = NLA_HDRLEN + sizeof(ts);
	m.n.nlmsg_type = NLMSG_ERROR;
	assert_int_equal(procfs_parse_nl_reply(&m, len, 4242, &tg), -1);
}

static void
test_inval(void **state)
{
	struct procfs_cpu c;
	struct procfs_stat st;
	struct procfs_sched sc;
	struct procfs_status ss;
	struct procfs_tgid tg;

	(void)state;
	assert_int_equal(procfs_parse_cpu(NULL, &c), -1);
	assert_int_equal(procfs_parse_cpu("cpu  1 2 3 4 5 6 7 8", NULL), -1);
	assert_int_equal(procfs_parse_stat(NULL, &st), -1);
	assert_int_equal(procfs_parse_stat("1 (x) S", NULL), -1);
	assert_int_equal(procfs_parse_sched(NULL, &sc), -1);
	assert_int_equal(procfs_parse_sched("1 2 3", NULL), -1);
	assert_int_equal(procfs_parse_status(NULL, &ss), -1);
	assert_int_equal(procfs_parse_status("Name:\tx\n", NULL), -1);
	assert_int_equal(procfs_parse_status("", &ss), -1);
	assert_int_equal(procfs_read_stat(0, &st), -1);
	assert_int_equal(procfs_read_stat(-1, &st), -1);
	assert_int_equal(procfs_read_sched(getpid(), -1, &sc), -1);
	assert_int_equal(procfs_read_status(-1, &ss), -1);
	assert_int_equal(procfs_read_tgid_threads(-1, &tg), -1);
	assert_int_equal(procfs_read_tgid_threads(getpid(), NULL), -1);
	assert_int_equal(procfs_read_tgid_nl(NULL, getpid(), &tg), -1);
	assert_int_equal(procfs_parse_nl_reply(NULL, 100, 1, &tg), -1);
	procfs_nl_free(NULL);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_stat_table),
		T(test_stat_edges),
		T(test_cpu),
		T(test_sched),
		T(test_status),
		T(test_lastpid),
		T(test_read_self),
		T(test_read_zombie),
		T(test_tgid_nl),
		T(test_nl_reply),
		T(test_inval),
	};

	return cmocka_run_group_tests_name("procfs", tests, NULL, NULL);
}
