/*
 * test_waits.c: unit tests of harness/sampler/waits.c on this process's own threads, and of
 * waits.csv's writer (harness/results/waitscsv.c). test_helpers: a thread named as the
 * toolkit's ("eb-...") sleeps while a model thread sits in pause(); the helper's samples are
 * kept apart and in no class, the model's two are "other" in pause. A thread that names itself
 * only after it was first listed (as the records and lister threads do, just after they
 * start) is still told a helper from its second tick. test_stride: the sampling stride.
 * test_csv: the rows waits.csv gets from a profile.
 */
#include "harness/sampler/waits.c"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>

#include <cmocka.h>

#include "harness/results/results.h"
#include "harness/sampler/procfs.h"

#define TICKS 20
#define SYS_PAUSE 34	/* x86-64 */

static int go[2];		/* the late helper reads one byte, then names itself */
static pid_t late_tid;

static void *
in_pause(void *arg)
{
	pause();
	return arg;
}

static void *
helper_sleep(void *arg)
{
	pthread_setname_np(pthread_self(), "eb-test");
	for (;;)
		usleep(1000000);
	return arg;
}

static void *
late_helper(void *arg)
{
	char c;

	__atomic_store_n(&late_tid, (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
	(void)!read(go[0], &c, 1);
	pthread_setname_np(pthread_self(), "eb-late");
	for (;;)
		usleep(1000000);
	return arg;
}

/* This process's thread count, from /proc/self/stat (procfs.h's reader). */
static long
nthreads(void)
{
	struct procfs_stat st;

	assert_int_equal(procfs_read_stat(getpid(), &st), 0);
	return st.num_threads;
}

/* Polls tid's comm until it reads name (a busy machine may be slow to run the thread). */
static void
wait_named(pid_t tid, const char *name)
{
	char path[64], comm[32];
	int fd, tries;

	snprintf(path, sizeof(path), "/proc/self/task/%d/comm", (int)tid);
	for (tries = 0; tries < 500; tries++) {
		assert_true((fd = open(path, O_RDONLY)) >= 0);
		comm[read_fd(fd, comm, sizeof(comm)) > 0 ? strcspn(comm, "\n") : 0] = '\0';
		close(fd);
		if (strcmp(comm, name) == 0)
			return;
		usleep(10000);
	}
	fail_msg("thread %d never named itself %s", (int)tid, name);
}

static void
tick(struct waits *w, int count)
{
	waits_begin(w);
	assert_int_equal(waits_sample(w, getpid(), nthreads(), count), 0);
	waits_end(w);
}

static void
test_helpers(void **state)
{
	struct waits_totals t;
	struct waits *w;
	pthread_t th[4];
	uint64_t model_pause = 0;
	size_t i;

	(void)state;
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pthread_create(&th[0], NULL, in_pause, NULL), 0);
	assert_int_equal(pthread_create(&th[1], NULL, helper_sleep, NULL), 0);
	assert_int_equal(pthread_create(&th[2], NULL, late_helper, NULL), 0);
	assert_int_equal(pthread_create(&th[3], NULL, in_pause, NULL), 0);
	while (__atomic_load_n(&late_tid, __ATOMIC_ACQUIRE) == 0)
		usleep(1000);
	usleep(100000);		/* all three blocked, the late one still unnamed */
	assert_non_null(w = waits_new());
	tick(w, 0);		/* the baseline: lists the threads, the late one as the model's */
	assert_int_equal(write(go[1], "x", 1), 1);
	wait_named(late_tid, "eb-late");
	for (i = 0; i < TICKS; i++) {
		tick(w, 1);
		usleep(5000);
	}
	waits_totals(w, &t);
	/*
	 * two model threads in pause, both sleepers helpers; the test's own thread reads its
	 * own file in pread64 (a thread reading itself is not "running"): other too
	 */
	assert_true(t.helper_samples * 10 >= 2 * TICKS * 9);
	/* none of the two helpers' sleeps; TSan's own background thread sleeps in nanosleep */
	assert_true(t.by_class[WAITCLASS_sleep] <= TICKS);
	assert_true(t.by_class[WAITCLASS_other] * 10 >= TICKS * 9);
	assert_int_equal(t.samples, t.by_class[WAITCLASS_other] + t.by_class[WAITCLASS_network] +
	    t.by_class[WAITCLASS_lock] + t.by_class[WAITCLASS_pipe] + t.by_class[WAITCLASS_disk] +
	    t.by_class[WAITCLASS_sleep]);
	for (i = 0; i < t.nrows; i++) {
		if (!t.rows[i].helper && t.rows[i].nr == SYS_PAUSE)
			model_pause += t.rows[i].samples;
		if (t.rows[i].helper)
			assert_int_equal(t.rows[i].cls, WAITCLASS_sleep);
	}
	assert_true(model_pause * 10 >= 2 * TICKS * 9);
	assert_int_equal(waits_top_class(&t), WAITCLASS_other);
	assert_int_equal(waits_top_syscall(&t, NULL), SYS_PAUSE);
	waits_free(w);
	for (i = 0; i < 4; i++) {
		pthread_cancel(th[i]);
		pthread_join(th[i], NULL);
	}
	close(go[0]);
	close(go[1]);
}

static void
test_stride(void **state)
{
	(void)state;
	assert_int_equal(waits_stride(0), 1);
	assert_int_equal(waits_stride(64), 1);
	assert_int_equal(waits_stride(65), 2);	/* pthreads at 64 */
	assert_int_equal(waits_stride(128), 2);
	assert_int_equal(waits_stride(129), 3);
	assert_int_equal(waits_stride(133), 3);	/* forkpool at 64: 65 processes */
	assert_int_equal(waits_stride(601), 10);
	assert_int_equal(waits_stride(4096), 64);
}

static void
test_csv(void **state)
{
	struct waits_totals t;
	struct results r;
	char buf[1024];
	size_t n;

	(void)state;
	memset(&t, 0, sizeof(t));
	memset(&r, 0, sizeof(r));
	waits_count(&t, 232, "do_epoll_wait", 0);
	waits_count(&t, 232, "do_epoll_wait", 0);
	waits_count(&t, 202, "futex_do_wait", 1);
	t.unlisted = 3;
	assert_non_null(r.waits = tmpfile());
	results_waits_header(r.waits);
	results_waits(&r, "async,8,all,1,1,0", &t);
	results_waits(&r, "x", NULL);
	rewind(r.waits);
	n = fread(buf, 1, sizeof(buf) - 1, r.waits);
	buf[n] = '\0';
	assert_string_equal(buf,
	    "model,level,client_cpus,rep,clients,rate,thread,class,syscall,syscall_nr,wchan,"
	    "samples\n"
	    "async,8,all,1,1,0,model,network,epoll_wait,232,do_epoll_wait,2\n"
	    "async,8,all,1,1,0,helper,lock,futex,202,futex_do_wait,1\n"
	    "async,8,all,1,1,0,any,,unlisted,,,3\n");
	fclose(r.waits);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_helpers),
		cmocka_unit_test(test_stride),
		cmocka_unit_test(test_csv),
	};

	return cmocka_run_group_tests_name("waits", tests, NULL, NULL);
}
