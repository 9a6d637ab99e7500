/*
 * test_procfs.c: unit tests of harness/sampler/procfs.c. Tables feed the parsers text captured
 * on the Debian test machine (tests/data/proc/: this shell, kthreadd, a kworker whose name
 * holds '/' and '-', radosgw with 601 threads, a zombie) and hand-made text (a comm "(a b) c)"
 * with spaces and parentheses, negative real-time priorities, truncated, unterminated and
 * garbage lines, which must be refused). The readers are checked live: this process, a zombie
 * child (state Z, rss 0), a reaped pid (ENOENT; a kept fd: ESRCH), /proc/loadavg's last pid
 * after a fork, and a kept fd on /proc/PID/stat read again. test_inval feeds NULL and bad pids.
 * (The thread-group counters: test_taskstats.c.)
 */
#include "harness/sampler/procfs.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>
#include <time.h>

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
	struct procfs_stat st, kept;
	struct procfs_cpu c;
	struct procfs_sched sc;
	struct procfs_status ss;
	volatile unsigned long spin;
	int fd;

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
	assert_int_equal(procfs_read_status(getpid(), getpid(), &ss), 0);
	assert_true(ss.vmrss_kib > 0);
	assert_true(ss.vcsw + ss.ivcsw > 0);
	/* A kept fd reads the file anew each time, at offset 0. */
	assert_true((fd = procfs_open_stat(getpid())) >= 0);
	assert_int_equal(procfs_pread_stat(fd, &kept), 0);
	assert_int_equal(kept.pid, getpid());
	assert_int_equal(kept.starttime, st.starttime);
	for (spin = 0; spin < 100000000UL; spin++)	/* a few ticks of CPU */
		;
	assert_int_equal(procfs_pread_stat(fd, &st), 0);
	assert_true(st.utime + st.stime > kept.utime + kept.stime);
	close(fd);
}

/* A child that exited, before and after it is reaped. */
static void
test_read_zombie(void **state)
{
	struct procfs_stat st, kept;
	struct procfs_status ss;
	struct procfs_sched sc;
	siginfo_t si;
	pid_t pid;
	int fd;
	struct timespec cpu;

	(void)state;
	if ((pid = fork()) == 0) {
		/* 50 ms of its own CPU time, so the counters are not zero however slow the CPU is */
		do
			clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
		while (cpu.tv_sec == 0 && cpu.tv_nsec < 50000000L);
		_exit(0);
	}
	assert_true(pid > 0);
	assert_true((fd = procfs_open_stat(pid)) >= 0);
	assert_int_equal(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT), 0);
	assert_int_equal(procfs_read_stat(pid, &st), 0);
	assert_int_equal(st.state, 'Z');
	assert_int_equal(procfs_pread_stat(fd, &kept), 0);	/* the kept fd reads it too */
	assert_memory_equal(&kept, &st, sizeof(st));
	assert_int_equal(st.rss, 0);
	assert_true(st.utime + st.stime > 0);
	assert_int_equal(procfs_read_status(pid, pid, &ss), 0);
	assert_int_equal(ss.vmrss_kib, 0);
	assert_int_equal(procfs_read_sched(pid, pid, &sc), 0);
	assert_true(sc.run_ns > 0);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	errno = 0;
	assert_int_equal(procfs_read_stat(pid, &st), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(procfs_read_sched(pid, pid, &sc), -1);
	errno = 0;
	assert_int_equal(procfs_pread_stat(fd, &kept), -1);
	assert_int_equal(errno, ESRCH);
	close(fd);
}

static void
test_inval(void **state)
{
	struct procfs_cpu c;
	struct procfs_stat st;
	struct procfs_sched sc;
	struct procfs_status ss;
	pid_t lp;

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
	assert_int_equal(procfs_read_status(-1, -1, &ss), -1);
	assert_int_equal(procfs_read_status(getpid(), 0, &ss), -1);
	assert_int_equal(procfs_parse_lastpid("0.20 0.18 0.12 1/80 11206\n", NULL), -1);
	assert_int_equal(procfs_parse_lastpid("0.20 0.18 0.12 1/80 9999999999\n", &lp), -1);
	assert_int_equal(procfs_open_stat(0), -1);
	assert_int_equal(procfs_open_stat(-1), -1);
	assert_int_equal(procfs_pread_stat(-1, &st), -1);
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
		T(test_inval),
	};

	return cmocka_run_group_tests_name("procfs", tests, NULL, NULL);
}
