/*
 * test_sampler.c: the sampler (harness/sampler/sampler.c over proctab.c, pidscan.c, taskstats.c and
 * procfs.c) against the kernel's own accounting (no S3 server needed). A forked child burns CPU in
 * two threads and forks a grandchild that burns too and is reaped by the child; the sampler
 * watches the child with descendants at 10 Hz, takes its last tick with the child a zombie (waitid
 * WNOWAIT, as `exifbench bench` does), and its cpu_s must agree with wait4's rusage within 5%; a
 * short run (0.4 s, threads that come and go, forked workers) within 2%, and exactly once
 * settled (sampler_settle). A
 * child that sleeps must show off_pct near 100, and a run of the same shape is checked against
 * pidstat (sysstat) within 10%. The CSV rows are checked for shape, and the tick cost is printed
 * (mean over all ticks) with the overhead at 10 Hz as % of one core. Burns are measured in thread
 * CPU time, so a busy machine makes the test slower, never wrong.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../testutil.h"

#include "harness/sampler/sampler.h"

#define TICK_US 100000	/* 10 Hz */

struct fixture {
	struct sampler *s;
	FILE *csv;
	char *csvbuf;
	size_t csvlen;
	pid_t child;
};

static int
setup(void **state)
{
	struct fixture *fx;

	if ((fx = calloc(1, sizeof(*fx))) == NULL || (fx->s = sampler_new()) == NULL ||
	    (fx->csv = open_memstream(&fx->csvbuf, &fx->csvlen)) == NULL)
		return -1;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	testutil_reap(fx->child);
	sampler_free(fx->s);
	if (fx->csv != NULL)
		fclose(fx->csv);
	free(fx->csvbuf);
	free(fx);
	return 0;
}

static void *
burner(void *arg)
{
	testutil_burn_cpu(*(double *)arg);
	return NULL;
}

/* Seconds the child stays alive, idle, after its burn (test_pidstat). */
static double child_linger_s;

/* The child: optional sleep, a grandchild that burns `grand` s, two threads burning `each` s. */
static void
child_main(double sleep_s, double each, double grand)
{
	pthread_t t[2];
	pid_t g = 0;
	int i;

	if (sleep_s > 0)
		usleep((useconds_t)(sleep_s * 1e6));
	if (grand > 0 && (g = fork()) == 0) {
		testutil_burn_cpu(grand);
		_exit(0);
	}
	for (i = 0; i < 2 && each > 0; i++)
		pthread_create(&t[i], NULL, burner, &each);
	for (i = 0; i < 2 && each > 0; i++)
		pthread_join(t[i], NULL);
	if (g > 0)
		waitpid(g, NULL, 0);
	if (child_linger_s > 0)
		usleep((useconds_t)(child_linger_s * 1e6));
	_exit(0);
}

/* Samples fx->child at 10 Hz until it exits; the last tick sees it as a zombie. */
static void
sample_until_exit(struct fixture *fx)
{
	siginfo_t si;

	assert_int_equal(sampler_watch(fx->s, SAMPLER_MODEL, fx->child, 1), 0);
	assert_int_equal(sampler_tick(fx->s, fx->csv, "t,0,1"), 0);
	for (;;) {
		usleep(TICK_US);
		memset(&si, 0, sizeof(si));
		assert_int_equal(waitid(P_PID, (id_t)fx->child, &si,
		    WEXITED | WNOHANG | WNOWAIT), 0);
		assert_int_equal(sampler_tick(fx->s, fx->csv, "t,0,1"), 0);
		if (si.si_pid == fx->child)
			break;	/* that tick saw the zombie */
	}
}

static double
reap(struct fixture *fx)
{
	struct rusage ru;

	assert_int_equal(wait4(fx->child, NULL, 0, &ru), fx->child);
	fx->child = 0;
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static void
test_rusage(void **state)
{
	struct fixture *fx = *state;
	struct sampler_totals t;
	struct sampler_system sys;
	double ru_s, sum;

	if ((fx->child = fork()) == 0)
		child_main(0.2, 1.5, 0.5);
	assert_true(fx->child > 0);
	sample_until_exit(fx);
	ru_s = reap(fx);
	sampler_totals(fx->s, SAMPLER_MODEL, &t);
	print_message("rusage %.3f s, sampler cpu_s %.3f run_s %.3f runq_s %.3f thread_s %.3f "
	    "(on %.1f%% runq %.1f%% off %.1f%%), procs %u threads %u, %u samples, "
	    "cpu %.0f%%\n", ru_s, t.cpu_s, t.run_s, t.runq_s, t.thread_s, t.on_pct, t.runq_pct,
	    t.off_pct, t.max_procs, t.max_threads, t.samples, t.cpu_pct);
	assert_true(ru_s > 3.4);
	if (t.cpu_s < 0.95 * ru_s || t.cpu_s > 1.05 * ru_s)
		fail_msg("sampler cpu_s %.3f vs rusage %.3f: more than 5%% apart", t.cpu_s, ru_s);
	/* run_s misses only the grandchild's last interval at most (reaped, then gone). */
	assert_true(t.run_s > 0.85 * ru_s && t.run_s < 1.05 * ru_s);
	sum = t.on_pct + t.runq_pct + t.off_pct;
	assert_true(sum > 99.999 && sum < 100.001);
	/* child: 3, grandchild: 1 (a sanitizer's runtime may add its own threads) */
	assert_true(t.max_procs == 2 && t.max_threads >= 4);
	assert_true(t.samples >= 10 && t.wall_s > 1.0);
	sampler_system(fx->s, &sys);
	sum = sys.user + sys.nice + sys.system + sys.idle + sys.iowait + sys.irq + sys.softirq +
	    sys.steal;
	assert_true(sum > 99.999 && sum < 100.001);
	assert_true(sys.user > 20);	/* ~3.5 s of user time over ~2 s on 2 CPUs */
	print_message("tick cost %.1f us (mean of %u), %.3f%% of one core at 10 Hz, "
	    "taskstats %s\n", 1e6 * sampler_cost_s(fx->s) / sampler_ticks(fx->s),
	    sampler_ticks(fx->s), 100.0 * sampler_cost_s(fx->s) / sampler_ticks(fx->s) * 10,
	    sampler_uses_taskstats(fx->s) ? "yes" : "no");
}

/*
 * A short run as `exifbench bench` takes one at 1 in flight: a child watched from birth lives
 * ~0.4 s, makes a short-lived thread for each of 20 "requests" (as curl's resolver does) and
 * burns 60 ms in all. Its cpu_s must match rusage within 2% before any settling (the ticks
 * read its CPU clock, exited threads and its own exit included); /proc/PID/stat's 10 ms
 * ticks read 9-27% below here. Then the same with four forked workers that burn and are
 * reaped between ticks (the forkpool): before settling cpu_s is short by what they did after
 * their last tick, and sampler_settle makes it rusage's to the microsecond.
 */
static double short_each = 0.003;

static void
short_child(int workers)
{
	pthread_t t;
	pid_t w[4];
	int i;

	for (i = 0; i < workers; i++)
		if ((w[i] = fork()) == 0) {
			usleep(50000);
			testutil_burn_cpu(0.02);
			_exit(0);
		}
	for (i = 0; i < 20; i++) {
		pthread_create(&t, NULL, burner, &short_each);
		pthread_join(t, NULL);
		usleep(15000);
	}
	for (i = 0; i < workers; i++)
		waitpid(w[i], NULL, 0);
	_exit(0);
}

static void
short_run(struct fixture *fx, int workers, struct sampler_totals *before,
    struct sampler_totals *after, double *ru_s)
{
	struct rusage ru;
	siginfo_t si;

	if ((fx->child = fork()) == 0)
		short_child(workers);
	assert_true(fx->child > 0);
	assert_int_equal(sampler_watch(fx->s, SAMPLER_MODEL, fx->child,
	    SAMPLER_DESCENDANTS | SAMPLER_FROM_BIRTH), 0);
	assert_int_equal(sampler_tick(fx->s, NULL, NULL), 0);
	do {
		usleep(TICK_US);
		memset(&si, 0, sizeof(si));
		assert_int_equal(waitid(P_PID, (id_t)fx->child, &si,
		    WEXITED | WNOHANG | WNOWAIT), 0);
		assert_int_equal(sampler_tick(fx->s, NULL, NULL), 0);
	} while (si.si_pid != fx->child);
	sampler_totals(fx->s, SAMPLER_MODEL, before);
	assert_int_equal(wait4(fx->child, NULL, 0, &ru), fx->child);
	fx->child = 0;
	sampler_settle(fx->s, SAMPLER_MODEL, &ru);
	sampler_totals(fx->s, SAMPLER_MODEL, after);
	*ru_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	print_message("%d workers: rusage %.6f s, sampler %.6f s before settling, %.6f after "
	    "(late %.6f), %u samples\n", workers, *ru_s, before->cpu_s, after->cpu_s,
	    after->late_s, after->samples);
}

static void
test_short(void **state)
{
	struct fixture *fx = *state;
	struct sampler_totals b, a;
	double ru_s;

	short_run(fx, 0, &b, &a, &ru_s);
	assert_true(ru_s > 0.055);
	if (b.cpu_s < 0.98 * ru_s || b.cpu_s > 1.02 * ru_s)
		fail_msg("sampler cpu_s %.4f vs rusage %.4f: more than 2%% apart", b.cpu_s, ru_s);
	assert_true(b.late_s == 0 && a.late_s < 0.02 * ru_s);
	assert_float_equal(a.cpu_s, ru_s > b.cpu_s ? ru_s : b.cpu_s, 1e-9);
}

static void
test_short_forked(void **state)
{
	struct fixture *fx = *state;
	struct sampler_totals b, a;
	double ru_s;

	short_run(fx, 4, &b, &a, &ru_s);
	assert_true(ru_s > 0.135);
	assert_true(a.max_procs == 5);
	/* short only by the workers' CPU after their last tick, known to a clock tick */
	assert_true(b.cpu_s > ru_s - 0.02 && b.cpu_s < 1.02 * ru_s);
	assert_true(a.late_s >= 0 && a.cpu_s >= ru_s - 1e-6 && a.cpu_s < 1.02 * ru_s);
}

/* A child that only sleeps: almost all of its thread time is off CPU. */
static void
test_sleeper(void **state)
{
	struct fixture *fx = *state;
	struct sampler_totals t;

	if ((fx->child = fork()) == 0)
		child_main(1.0, 0, 0);
	assert_true(fx->child > 0);
	sample_until_exit(fx);
	reap(fx);
	sampler_totals(fx->s, SAMPLER_MODEL, &t);
	print_message("sleeper: on %.2f%% runq %.2f%% off %.2f%% cpu_s %.3f vcsw %llu\n",
	    t.on_pct, t.runq_pct, t.off_pct, t.cpu_s, (unsigned long long)t.vcsw);
	assert_true(t.off_pct > 95 && t.on_pct < 5);
	assert_true(t.cpu_s < 0.05);
	assert_true(t.thread_s > 0.7);
	assert_true(t.vcsw >= 1);
}

/* Rows: the header's column count, the label first, t_s growing. */
static void
test_csv(void **state)
{
	struct fixture *fx = *state;
	char *hdr = NULL, *line, *save, *p;
	size_t hlen = 0, cols, n, rows = 0;
	FILE *h;
	double last = -1, t;

	assert_non_null(h = open_memstream(&hdr, &hlen));
	sampler_csv_header(h, "model,level,run");
	fclose(h);
	assert_true(strncmp(hdr, "model,level,run,t_s,cpu_user_pct,", 33) == 0);
	assert_non_null(strstr(hdr, ",cpu_steal_pct,model_cpu_pct,model_on_pct,"));
	assert_non_null(strstr(hdr, ",shaper_rss_kib\n"));
	for (cols = 1, p = hdr; *p; p++)
		cols += *p == ',';
	assert_int_equal(cols, 4 + 8 + 3 * 9);
	if ((fx->child = fork()) == 0)
		child_main(0.5, 0.1, 0);
	sample_until_exit(fx);
	reap(fx);
	fflush(fx->csv);
	for (line = strtok_r(fx->csvbuf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		for (n = 1, p = line; *p; p++)
			n += *p == ',';
		assert_int_equal(n, cols);
		assert_true(strncmp(line, "t,0,1,", 6) == 0);
		t = strtod(line + 6, NULL);
		assert_true(t > last);
		last = t;
		rows++;
	}
	assert_int_equal(rows, sampler_ticks(fx->s) - 1);
	free(hdr);
}

/* pidstat's %CPU x 1 s, summed over its rows, for a two-thread child, against the sampler. */
static void
test_pidstat(void **state)
{
	struct fixture *fx = *state;
	struct sampler_totals t;
	char cmd[128], line[512];
	double sum = 0, ru_s, pct;
	FILE *ps;
	int fields;

	if (access("/usr/bin/pidstat", X_OK) != 0) {
		print_message("no /usr/bin/pidstat: skipped\n");
		skip();
	}
	/*
	 * pidstat sees only whole intervals while the process lives: the CPU before its first
	 * sample and after its last is lost. So the child idles 1.3 s before its burn and 1.5 s
	 * after it, and pidstat, given no count, samples until the child is gone: on a busy
	 * machine the burn takes longer, but all of it still falls inside pidstat's intervals.
	 */
	child_linger_s = 1.5;
	if ((fx->child = fork()) == 0)
		child_main(1.3, 1.0, 0);
	child_linger_s = 0;
	snprintf(cmd, sizeof(cmd), "LC_ALL=C /usr/bin/pidstat -h -u -p %d 1", (int)fx->child);
	assert_non_null(ps = popen(cmd, "r"));
	sample_until_exit(fx);
	ru_s = reap(fx);	/* pidstat ends once the pid is gone, zombie included */
	/* Columns: Time UID PID %usr %system %guest %wait %CPU CPU Command. */
	while (fgets(line, sizeof(line), ps) != NULL) {
		fields = sscanf(line, "%*s %*s %*s %*s %*s %*s %*s %lf", &pct);
		if (line[0] != '#' && fields == 1)
			sum += pct / 100.0;
	}
	pclose(ps);
	sampler_totals(fx->s, SAMPLER_MODEL, &t);
	print_message("pidstat %.3f s, sampler %.3f s, rusage %.3f s\n", sum, t.cpu_s, ru_s);
	if (sum < 0.9 * t.cpu_s || sum > 1.1 * t.cpu_s)
		fail_msg("pidstat %.3f s vs sampler %.3f s: more than 10%% apart", sum, t.cpu_s);
}

static void
test_inval(void **state)
{
	struct fixture *fx = *state;
	struct sampler_totals t;
	struct sampler_system sys;

	assert_int_equal(sampler_watch(fx->s, SAMPLER_NGROUPS, getpid(), 0), -1);
	assert_int_equal(sampler_watch(fx->s, (enum sampler_group)-1, getpid(), 0), -1);
	assert_int_equal(sampler_watch(fx->s, SAMPLER_MODEL, 0, 0), -1);
	assert_int_equal(sampler_watch(fx->s, SAMPLER_MODEL, -1, 0), -1);
	assert_int_equal(sampler_watch(NULL, SAMPLER_MODEL, getpid(), 0), -1);
	assert_int_equal(sampler_tick(NULL, NULL, NULL), -1);
	assert_string_equal(sampler_group_name(SAMPLER_SHAPER), "shaper");
	assert_string_equal(sampler_group_name(SAMPLER_NGROUPS), "?");
	sampler_totals(NULL, SAMPLER_MODEL, &t);
	assert_true(t.samples == 0 && t.cpu_s == 0);
	sampler_totals(fx->s, SAMPLER_NGROUPS, &t);
	assert_true(t.samples == 0);
	sampler_totals(fx->s, SAMPLER_MODEL, NULL);
	sampler_system(NULL, &sys);
	assert_true(sys.idle == 0);
	assert_true(sampler_cost_s(NULL) == 0);
	sampler_free(NULL);
	/* One tick is only a baseline: no totals yet. */
	assert_int_equal(sampler_watch(fx->s, SAMPLER_SHAPER, getpid(), 0), 0);
	assert_int_equal(sampler_tick(fx->s, NULL, NULL), 0);
	sampler_totals(fx->s, SAMPLER_SHAPER, &t);
	assert_true(t.samples == 0 && t.wall_s == 0);
	assert_true(t.max_procs == 1);
	/* Settling needs two ticks, a group and a rusage. */
	sampler_settle(fx->s, SAMPLER_SHAPER, &(struct rusage){ .ru_utime = { 5, 0 } });
	sampler_settle(NULL, SAMPLER_SHAPER, &(struct rusage){ .ru_utime = { 5, 0 } });
	sampler_settle(fx->s, SAMPLER_NGROUPS, &(struct rusage){ .ru_utime = { 5, 0 } });
	sampler_settle(fx->s, SAMPLER_SHAPER, NULL);
	sampler_totals(fx->s, SAMPLER_SHAPER, &t);
	assert_true(t.cpu_s == 0 && t.late_s == 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_rusage),
		T(test_short),
		T(test_short_forked),
		T(test_sleeper),
		T(test_csv),
		T(test_pidstat),
		T(test_inval),
	};

	return cmocka_run_group_tests_name("sampler", tests, NULL, NULL);
}
