/*
 * test_waitclass.c: unit tests of harness/sampler/waitclass.c. The table holds (syscall file,
 * wchan, state) triples captured on the Debian test machine (kernel 6.18, x86-64) on 3 Dec 2026
 * from real blocked threads: one program made a thread per case, let them block for a second,
 * and read /proc/self/task/TID/{syscall,wchan,stat} of each -- recv on a TCP socket over
 * 127.0.0.1 (45, wait_woken), read on it (0, wait_woken), send on a full TCP socket (44,
 * wait_woken), recvfrom and recvmsg on a unix socketpair (45 and 47,
 * unix_stream_read_generic), accept on a listening TCP socket (43, inet_csk_accept), poll,
 * ppoll and select (glibc calls pselect6) on the TCP socket (7, 271, 270,
 * poll_schedule_timeout.constprop.0), epoll_wait and epoll_pwait on a pipe (232, 281,
 * do_epoll_wait), a contended pthread mutex and a condition variable (202, futex_do_wait),
 * read on an empty pipe and write to a full one (0, 1: anon_pipe_read, anon_pipe_write),
 * waitpid and waitid on a child (61, 247: do_wait), sleep() and clock_nanosleep (230,
 * hrtimer_nanosleep) and syscall(SYS_nanosleep) (35, hrtimer_nanosleep). The disk and page
 * fault rows are not captured (a thread in D state is rare on this machine's cache): they are
 * the kernel's names (io_schedule, folio_wait_bit_common, -1 in D). test_live checks three
 * classes on threads blocked now; test_captured also that a call deciding alone
 * (waitclass_decided) gives the same class with no channel; test_parse the syscall file's first field; test_inval bad
 * arguments.
 */
#include "harness/sampler/waitclass.c"

#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

struct captured {
	const char *syscall, *wchan;
	char state;
	const char *name;	/* the syscall's name */
	enum waitclass cls;
};

static const struct captured captured[] = {
	{ "45 0x6 0x7fa9f65f2ecf 0x1 0x0 0x0 0x0 0x7fa9f65f2e80 0x7fa9f6701974", "wait_woken",
	  'S', "recvfrom", WAITCLASS_network },
	{ "0 0x5 0x7fa9f1de9ecf 0x1 0x8 0x0 0x7ffc8d3cfac7 0x7fa9f1de9e80 0x7fa9f66ef2ec",
	  "wait_woken", 'S', "read", WAITCLASS_network },
	{ "44 0x6 0x55dc36ffd3c0 0x400000 0x0 0x0 0x0 0x7fdfc4721e90 0x7fdfcd842ba4",
	  "wait_woken", 'S', "sendto", WAITCLASS_network },
	{ "45 0x7 0x7fa9f5df1ecf 0x1 0x0 0x0 0x0 0x7fa9f5df1e70 0x7fa9f6701a3a",
	  "unix_stream_read_generic", 'S', "recvfrom", WAITCLASS_network },
	{ "47 0x8 0x7fdfc3f20e70 0x0 0x7fdfcd74afc8 0x0 0x7ffc0ebbd867 0x7fdfc3f20e40 "
	  "0x7fdfcd842ae7", "unix_stream_read_generic", 'S', "recvmsg", WAITCLASS_network },
	{ "43 0x4 0x0 0x0 0x8 0x0 0x7ffc8d3cfac7 0x7fa9efde5e80 0x7fa9f670172f",
	  "inet_csk_accept", 'S', "accept", WAITCLASS_network },
	{ "7 0x7fa9f25eaec8 0x1 0xffffffff 0x7fa9f66058d0 0x0 0x7ffc8d3cfac7 0x7fa9f25eae80 "
	  "0x7fa9f66f326f", "poll_schedule_timeout.constprop.0", 'S', "poll", WAITCLASS_network },
	{ "271 0x7fa9f0de7ec8 0x1 0x0 0x0 0x8 0x0 0x7fa9f0de7e60 0x7fa9f66f3366",
	  "poll_schedule_timeout.constprop.0", 'S', "ppoll", WAITCLASS_network },
	{ "270 0x7 0x7fa9f05e6e40 0x0 0x0 0x0 0x0 0x7fa9f05e6dc0 0x7fa9f66f59ec",
	  "poll_schedule_timeout.constprop.0", 'S', "pselect6", WAITCLASS_network },
	{ "232 0xc 0x7fa9f55f0ec4 0x1 0xffffffff 0x0 0x7ffc8d3cfac7 0x7fa9f55f0e80 "
	  "0x7fa9f66fff36", "do_epoll_wait", 'S', "epoll_wait", WAITCLASS_network },
	{ "281 0xc 0x7fdfc5723ec4 0x1 0xffffffff 0x0 0x8 0x7fdfc5723e80 0x7fdfcd840cae",
	  "do_epoll_wait", 'S', "epoll_pwait", WAITCLASS_network },
	{ "202 0x55c499f14180 0x80 0x2 0x0 0x0 0x0 0x7fa9f4defe98 0x7fa9f667d12b",
	  "futex_do_wait", 'S', "futex", WAITCLASS_lock },
	{ "202 0x55c499f141e8 0x189 0x0 0x0 0x0 0xffffffff 0x7fa9f45eed90 0x7fa9f667cf16",
	  "futex_do_wait", 'S', "futex", WAITCLASS_lock },
	{ "0 0x9 0x7fa9f3dedecf 0x1 0x7fa9f6606b60 0x0 0x7ffc8d3cfac7 0x7fa9f3dede80 "
	  "0x7fa9f66ef2ec", "anon_pipe_read", 'S', "read", WAITCLASS_pipe },
	{ "1 0xf 0x55c499f142e0 0x100000 0x7fa9f66104f0 0x0 0x7ffc8d3cfac7 0x7fa9ef5e4e80 "
	  "0x7fa9f66ef38f", "anon_pipe_write", 'S', "write", WAITCLASS_pipe },
	{ "61 0x4b54 0x0 0x0 0x0 0x0 0x7ffc8d3cfac7 0x7fa9f35ece90 0x7fa9f66cac17", "do_wait",
	  'S', "wait4", WAITCLASS_pipe },
	{ "247 0x1 0x4ba2 0x7fdfc4f22e50 0x4 0x0 0x0 0x7fdfc4f22e10 0x7fdfcd80bcc9", "do_wait",
	  'S', "waitid", WAITCLASS_pipe },
	{ "230 0x0 0x0 0x7fa9f2debe80 0x7fa9f2debe80 0x0 0x7ffc8d3cfac7 0x7fa9f2debe40 "
	  "0x7fa9f66c6545", "hrtimer_nanosleep", 'S', "clock_nanosleep", WAITCLASS_sleep },
	{ "35 0x7fdfc5f24ec0 0x0 0x7fdfcd8422a7 0x0 0x7ffc0ebbd867 0x0 0x7fdfc5f24ea8 "
	  "0x7fdfcd839829", "hrtimer_nanosleep", 'S', "nanosleep", WAITCLASS_sleep },
	/* not captured: the kernel's names for disk and page-fault waits */
	{ "0 0x3 0x0 0x1000 0x0 0x0 0x0 0x0 0x0", "io_schedule", 'D', "read", WAITCLASS_disk },
	{ "-1 0x7ffc0 0x7f00", "folio_wait_bit_common", 'D', "none", WAITCLASS_disk },
	{ "-1 0x7ffc0 0x7f00", "", 'D', "none", WAITCLASS_disk },
	{ "-1 0x7ffc0 0x7f00", "", 0, "none", WAITCLASS_other },
	/* a tty read: wait_woken is not only sockets', but read on a tty is rare in a model */
	{ "61 0x1 0x0 0x0 0x0 0x0 0x0 0x0 0x0", "0", 0, "wait4", WAITCLASS_pipe },
	{ "130 0x7ffc0 0x8 0x0 0x0 0x0 0x0 0x0 0x0", "sigsuspend", 'S', "rt_sigsuspend",
	  WAITCLASS_other },
};

static void
test_captured(void **state)
{
	const struct captured *c;
	size_t i;
	long nr;

	(void)state;
	for (i = 0; i < sizeof(captured) / sizeof(captured[0]); i++) {
		c = &captured[i];
		assert_int_equal(waitclass_parse_syscall(c->syscall, &nr), 0);
		assert_string_equal(waitclass_syscall_name(nr), c->name);
		if (waitclass_of(nr, c->wchan, c->state) != c->cls)
			fail_msg("row %zu (%s, %s): %s, not %s", i, c->name, c->wchan,
			    waitclass_name(waitclass_of(nr, c->wchan, c->state)),
			    waitclass_name(c->cls));
		/* a call that decides alone gives the same class with no channel read */
		if (c->state != 'D' && waitclass_decided(nr) && waitclass_of(nr, "", 0) != c->cls)
			fail_msg("row %zu (%s): decided alone as %s, not %s", i, c->name,
			    waitclass_name(waitclass_of(nr, "", 0)), waitclass_name(c->cls));
	}
	/* read, write and no call at all need their channel */
	assert_false(waitclass_decided(0));
	assert_false(waitclass_decided(1));
	assert_false(waitclass_decided(-1));
	assert_false(waitclass_decided(99999));
	assert_true(waitclass_decided(202) && waitclass_decided(232) && waitclass_decided(7));
}

static void
test_parse(void **state)
{
	char buf[32];
	long nr = 99;

	(void)state;
	assert_int_equal(waitclass_parse_syscall("running\n", &nr), 1);
	assert_int_equal(nr, 99);
	assert_int_equal(waitclass_parse_syscall("-1 0x7ffc 0x4011\n", &nr), 0);
	assert_int_equal(nr, -1);
	assert_int_equal(waitclass_parse_syscall("232\n", &nr), 0);
	assert_int_equal(nr, 232);
	assert_int_equal(waitclass_parse_syscall("", &nr), -1);
	assert_int_equal(waitclass_parse_syscall("x1 2", &nr), -1);
	assert_int_equal(waitclass_parse_syscall("12x 2", &nr), -1);
	assert_int_equal(waitclass_parse_syscall("-5 2", &nr), -1);
	assert_string_equal(waitclass_syscall_text(202, buf, sizeof(buf)), "futex");
	assert_string_equal(waitclass_syscall_text(999, buf, sizeof(buf)), "syscall_999");
	assert_null(waitclass_syscall_name(999));
	assert_string_equal(waitclass_name(WAITCLASS_lock), "lock");
	assert_string_equal(waitclass_phrase(WAITCLASS_network), "waiting on the network");
	assert_int_equal(waitclass_from_name("sleep"), WAITCLASS_sleep);
	assert_int_equal(waitclass_from_name("nap"), -1);
	/* the wchan file has no newline, but one is ignored */
	assert_int_equal(waitclass_of(0, "anon_pipe_read\n", 'S'), WAITCLASS_pipe);
}

static void
test_inval(void **state)
{
	long nr;

	(void)state;
	assert_int_equal(waitclass_parse_syscall(NULL, &nr), -1);
	assert_int_equal(waitclass_parse_syscall("1", NULL), -1);
	assert_string_equal(waitclass_name(WAITCLASS_N), "?");
	assert_string_equal(waitclass_name((enum waitclass)-1), "?");
	assert_string_equal(waitclass_phrase(WAITCLASS_N), "?");
	assert_int_equal(waitclass_from_name(NULL), -1);
	assert_int_equal(waitclass_of(0, NULL, 0), WAITCLASS_other);
	assert_int_equal(waitclass_of(12345, "", 0), WAITCLASS_other);
	assert_string_equal(waitclass_syscall_text(999, NULL, 0), "?");
}

/* Live: threads blocked now in a unix recv, a sleep and a mutex. */
static int socks[2];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pid_t tids[3];	/* each set by its thread, read by the test: __atomic */

static void *
in_recv(void *arg)
{
	char c;

	__atomic_store_n(&tids[0], (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
	(void)!recv(socks[0], &c, 1, 0);
	return arg;
}

static void *
in_sleep(void *arg)
{
	__atomic_store_n(&tids[1], (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
	usleep(3000000);
	return arg;
}

static void *
in_lock(void *arg)
{
	__atomic_store_n(&tids[2], (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
	pthread_mutex_lock(&mu);
	pthread_mutex_unlock(&mu);
	return arg;
}

static void
read_file(pid_t tid, const char *name, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/%s", (int)tid, name);
	assert_true((fd = open(path, O_RDONLY)) >= 0);
	n = read(fd, buf, size - 1);
	close(fd);
	assert_true(n >= 0);
	buf[n] = '\0';
}

static void
test_live(void **state)
{
	static const enum waitclass want[] = { WAITCLASS_network, WAITCLASS_sleep,
		WAITCLASS_lock };
	void *(*fn[])(void *) = { in_recv, in_sleep, in_lock };
	char sc[256], wc[128];
	pthread_t th[3];
	int i, tries, rc;
	pid_t tid;
	long nr;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, socks), 0);
	pthread_mutex_lock(&mu);
	for (i = 0; i < 3; i++)
		assert_int_equal(pthread_create(&th[i], NULL, fn[i], NULL), 0);
	for (i = 0; i < 3; i++) {
		for (tries = 0; tries < 200; tries++) {	/* until it blocks, busy machine or not */
			usleep(10000);
			if ((tid = __atomic_load_n(&tids[i], __ATOMIC_ACQUIRE)) == 0)
				continue;
			read_file(tid, "syscall", sc, sizeof(sc));
			read_file(tid, "wchan", wc, sizeof(wc));
			rc = waitclass_parse_syscall(sc, &nr);
			if (rc == 0 && waitclass_of(nr, wc, 0) == want[i])
				break;
		}
		if (tries == 200)
			fail_msg("thread %d: '%s' '%s' never read as %s", i, sc, wc,
			    waitclass_name(want[i]));
	}
	assert_int_equal(write(socks[1], "x", 1), 1);
	pthread_mutex_unlock(&mu);
	for (i = 0; i < 3; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	close(socks[0]);
	close(socks[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_captured),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_inval),
		cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests_name("waitclass", tests, NULL, NULL);
}
