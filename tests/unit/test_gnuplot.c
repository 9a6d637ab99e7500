/*
 * test_gnuplot.c: unit tests of harness/report/gnuplot.c, the one place gnuplot is started. With
 * the real gnuplot, table-driven: a script printing a line (on stderr, and on stdout with
 * -e variables), a script with an error, one that exits with status 3, one that kills
 * gnuplot with a signal, and a missing script, each with what gnuplot said captured and err
 * naming the script; long output keeps exactly its tail; the log mode (stderr appended to
 * the log, stdout dropped). With a fake gnuplot first in PATH that reports what it was given:
 * its arguments (no -e when vars is NULL), stdin on /dev/null, stdout on the capture pipe or
 * /dev/null, and no descriptor of ours open in it. gnuplot missing from PATH, or not
 * executable, is -2 with its own message; test_inval: bad arguments, refused before any
 * child. Every test checks that no descriptor and no child are left behind.
 */
#include "harness/report/gnuplot.c"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "../testutil.h"

#define FD_MAX 4096

struct fixture {
	char dir[64];
	char script[128];	/* dir/s.gp, written by write_script */
	char *path;		/* PATH as it was */
	unsigned char fds[FD_MAX];	/* the descriptors open at setup */
	char out[8192], err[512];
};

/* Marks the open descriptors in open[]; returns how many. */
static size_t
open_fds(unsigned char *open)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	size_t n = 0;
	long fd;

	assert_non_null(d);
	memset(open, 0, FD_MAX);
	while ((e = readdir(d)) != NULL)
		if ((fd = strtol(e->d_name, NULL, 10)) > 0 || strcmp(e->d_name, "0") == 0) {
			if (fd != dirfd(d) && fd < FD_MAX)
				open[fd] = 1, n++;
		}
	closedir(d);
	return n;
}

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	const char *path = getenv("PATH");

	if (fx == NULL)
		return -1;
	*state = fx;
	if (testutil_tmpdir(fx->dir, sizeof(fx->dir), "test_gnuplot") < 0)
		return -1;
	snprintf(fx->script, sizeof(fx->script), "%s/s.gp", fx->dir);
	fx->path = strdup(path != NULL ? path : "/usr/bin:/bin");
	open_fds(fx->fds);
	return fx->path != NULL ? 0 : -1;
}

/* Fails when a descriptor or a child is left. */
static int
teardown(void **state)
{
	struct fixture *fx = *state;
	unsigned char now[FD_MAX];
	int rv = 0, st;

	setenv("PATH", fx->path, 1);
	open_fds(now);
	if (memcmp(now, fx->fds, FD_MAX) != 0) {
		fprintf(stderr, "descriptors differ from setup's\n");
		rv = -1;
	}
	if (waitpid(-1, &st, WNOHANG) != -1 || errno != ECHILD) {
		fprintf(stderr, "a child is left\n");
		rv = -1;
	}
	if (testutil_rmtree(fx->dir) < 0)
		rv = -1;
	free(fx->path);
	free(fx);
	return rv;
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f;

	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static void
test_run(void **state)
{
	static const struct {
		const char *vars, *text;
		int rv;
		const char *out;	/* all of out when rv is 0, else in it */
		const char *err;	/* in err when rv is not 0 */
	} c[] = {
		{ NULL, "print 'hello'\n", 0, "hello\n", NULL },
		{ "x = 6 * 7; s = 'a b'", "set print '-'\nprint x, s\n", 0, "42 a b\n", NULL },
		{ NULL, "print nosuchfunction(1)\n", -1, "undefined function",
		  "exited with status 1" },
		{ NULL, "exit error 'no luck'\n", -1, "no luck", "exited with status 1" },
		{ NULL, "print 'bye'\nexit status 3\n", -1, "bye", "exited with status 3" },
		{ NULL, "print 'bye'\nsystem('kill -9 $PPID')\n", -1, "bye",
		  "killed by signal 9" },
	};
	struct fixture *fx = *state;
	size_t i;
	int rv;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		write_file(fx->script, c[i].text, 0644);
		strcpy(fx->err, "untouched");
		rv = gnuplot_run(fx->script, c[i].vars, -1, fx->out, sizeof(fx->out), fx->err,
		    sizeof(fx->err));
		if (rv != c[i].rv || (rv == 0 ? strcmp(fx->out, c[i].out) != 0 :
		    strstr(fx->out, c[i].out) == NULL))
			fail_msg("case %zu: %d, out '%s', err '%s'", i, rv, fx->out, fx->err);
		if (rv == 0)
			assert_string_equal(fx->err, "untouched");
		else if (strstr(fx->err, c[i].err) == NULL || strstr(fx->err, fx->script) == NULL)
			fail_msg("case %zu: err '%s'", i, fx->err);
	}
	assert_int_equal(gnuplot_run("/nonexistent/s.gp", NULL, -1, fx->out, sizeof(fx->out),
	    fx->err, sizeof(fx->err)), -1);
	assert_string_equal(fx->err, "gnuplot /nonexistent/s.gp exited with status 1");
	assert_non_null(strstr(fx->out, "/nonexistent/s.gp"));
}

/* 1000 lines of 5 bytes: out holds exactly the last outlen - 1 of them, or all. */
static void
test_tail(void **state)
{
	static const size_t lens[] = { 2, 3, 64, 1025, 4999, 5000, 5001, 8192 };
	struct fixture *fx = *state;
	char want[5001];
	size_t i, k;

	for (i = 0; i < 1000; i++)
		snprintf(want + 5 * i, 6, "%04zu\n", i + 1);
	write_file(fx->script, "set print '-'\ndo for [i = 1:1000] { print sprintf('%04d', i) }\n",
	    0644);
	for (k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
		memset(fx->out, 'x', sizeof(fx->out));
		assert_int_equal(gnuplot_run(fx->script, NULL, -1, fx->out, lens[k], fx->err,
		    sizeof(fx->err)), 0);
		assert_string_equal(fx->out, lens[k] > 5000 ? want : want + 5001 - lens[k]);
	}
}

/* Without a buffer: stderr appended to the log, stdout dropped. */
static void
test_log(void **state)
{
	struct fixture *fx = *state;
	char log[128], *text;
	int fd;

	snprintf(log, sizeof(log), "%s/gnuplot.log", fx->dir);
	assert_true((fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) >= 0);
	write_file(fx->script, "print 'to stderr'\nset print '-'\nprint 'to stdout'\n", 0644);
	assert_int_equal(gnuplot_run(fx->script, NULL, fd, NULL, 0, fx->err, sizeof(fx->err)),
	    0);
	assert_int_equal(gnuplot_run(fx->script, NULL, -1, NULL, 0, fx->err, sizeof(fx->err)),
	    0);
	write_file(fx->script, "exit error 'no luck'\n", 0644);
	assert_int_equal(gnuplot_run(fx->script, NULL, fd, NULL, 0, fx->err, sizeof(fx->err)),
	    -1);
	assert_non_null(strstr(fx->err, "exited with status 1"));
	close(fd);
	assert_non_null(text = testutil_slurp(log, NULL));
	if (strncmp(text, "to stderr\n", 10) != 0 || strstr(text, "no luck") == NULL ||
	    strstr(text, "to stdout") != NULL)
		fail_msg("log: '%s'", text);
	free(text);
}

/*
 * A fake gnuplot says what it got: its arguments, where its stdin and stdout go, and (ls -l
 * of /proc/self/fd) its descriptors, of which only 0 1 2, those open at setup (inherited from
 * whoever started the test, not ours to close), ls's directory and the shell's script may be
 * open. The shell redirects its own stdout for a moment around `cmd >&2`, hence fds=$(...).
 */
static void
test_child(void **state)
{
	static const char fake[] = "#!/bin/sh\nPATH=/usr/bin:/bin\n"
	    "fds=$(readlink /proc/$$/fd/0 /proc/$$/fd/1)\necho \"$*\" >&2\necho \"$fds\" >&2\n"
	    "exec ls -l /proc/self/fd >&2\n";
	struct fixture *fx = *state;
	char bin[128], exe[160], log[128], want[256], *text, *p, *q;
	int fd, mode, extra, in;
	long n;

	snprintf(bin, sizeof(bin), "%s/bin", fx->dir);
	snprintf(exe, sizeof(exe), "%s/gnuplot", bin);
	snprintf(log, sizeof(log), "%s/gnuplot.log", fx->dir);
	assert_int_equal(mkdir(bin, 0755), 0);
	write_file(exe, fake, 0755);
	setenv("PATH", bin, 1);
	/* Our stdin is not /dev/null for a while, so that gnuplot's being so is seen. */
	assert_true((in = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3)) >= 0);
	assert_true((fd = open(exe, O_RDONLY)) >= 0);
	assert_int_equal(dup2(fd, STDIN_FILENO), 0);
	close(fd);
	for (mode = 0; mode < 2; mode++) {
		if (mode == 0) {
			if (gnuplot_run(fx->script, "x=1", -1, fx->out, sizeof(fx->out), fx->err,
			    sizeof(fx->err)) != 0)
				fail_msg("%s: %s", fx->err, fx->out);
			text = fx->out;
			snprintf(want, sizeof(want), "-e x=1 %s\n/dev/null\npipe:[", fx->script);
		} else {
			assert_true((fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			    0644)) >= 0);
			assert_int_equal(gnuplot_run(fx->script, NULL, fd, NULL, 0, fx->err,
			    sizeof(fx->err)), 0);
			close(fd);
			assert_non_null(text = testutil_slurp(log, NULL));
			snprintf(want, sizeof(want), "%s\n/dev/null\n/dev/null\n", fx->script);
		}
		if (strncmp(text, want, strlen(want)) != 0)
			fail_msg("mode %d: '%s', want '%s...'", mode, text, want);
		/* Lines "... N -> TARGET". */
		for (extra = 0, p = text; (p = strstr(p, " -> ")) != NULL; p += 4) {
			for (q = p; q > text && q[-1] != ' '; q--)
				;
			n = strtol(q, NULL, 10);
			extra += n > 2 && (n >= FD_MAX || !fx->fds[n]) &&
			    strncmp(p + 4, exe, strlen(exe)) != 0 && strncmp(p + 4, "/proc/", 6) != 0;
		}
		if (extra != 0)
			fail_msg("mode %d: %d descriptors not for it to have: '%s'", mode, extra,
			    text);
		if (mode == 1)
			free(text);
	}
	assert_int_equal(dup2(in, STDIN_FILENO), 0);
	close(in);
}

/* Not in PATH, or not executable there: -2, and nothing captured. */
static void
test_no_gnuplot(void **state)
{
	struct fixture *fx = *state;
	char exe[128];

	write_file(fx->script, "print 'hello'\n", 0644);
	setenv("PATH", "/nonexistent", 1);
	strcpy(fx->out, "untouched");
	assert_int_equal(gnuplot_run(fx->script, NULL, -1, fx->out, sizeof(fx->out), fx->err,
	    sizeof(fx->err)), -2);
	assert_string_equal(fx->err, "gnuplot not found: install gnuplot-nox (make deps)");
	assert_string_equal(fx->out, "");
	assert_int_equal(gnuplot_run(fx->script, NULL, -1, NULL, 0, fx->err, sizeof(fx->err)),
	    -2);
	assert_string_equal(fx->err, "gnuplot not found: install gnuplot-nox (make deps)");
	snprintf(exe, sizeof(exe), "%s/gnuplot", fx->dir);
	write_file(exe, "#!/bin/sh\n", 0644);
	setenv("PATH", fx->dir, 1);
	assert_int_equal(gnuplot_run(fx->script, NULL, -1, fx->out, sizeof(fx->out), fx->err,
	    sizeof(fx->err)), -2);
	assert_string_equal(fx->err, "cannot run gnuplot: Permission denied");
}

static void
test_inval(void **state)
{
	struct fixture *fx = *state;
	static const struct {
		int script, log_fd, out;
		size_t outlen;
		const char *want;
	} c[] = {
		{ 0, -1, 1, 8192, "gnuplot: no script" },
		{ 0, -1, 0, 0, "gnuplot: no script" },
		{ 1, -1, 1, 0, "gnuplot: bad output arguments" },
		{ 1, -1, 1, 1, "gnuplot: bad output arguments" },
		{ 1, 2, 1, 8192, "gnuplot: bad output arguments" },	/* a log and a buffer */
		{ 1, -2, 0, 0, "gnuplot: bad output arguments" },
		{ 1, FD_MAX - 1, 0, 0, "cannot run gnuplot: Bad file descriptor" },
	};
	size_t i;

	write_file(fx->script, "print 'hello'\n", 0644);
	assert_int_equal(fcntl(FD_MAX - 1, F_GETFD), -1);	/* not open */
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		strcpy(fx->out, "untouched");
		fx->err[0] = '\0';
		if (gnuplot_run(c[i].script ? fx->script : NULL, NULL, c[i].log_fd,
		    c[i].out ? fx->out : NULL, c[i].outlen, fx->err, sizeof(fx->err)) != -2 ||
		    strcmp(fx->err, c[i].want) != 0)
			fail_msg("case %zu: err '%s', want '%s'", i, fx->err, c[i].want);
		if (c[i].out && c[i].outlen > 0)
			assert_string_equal(fx->out, "");
	}
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_run),
		T(test_tail),
		T(test_log),
		T(test_child),
		T(test_no_gnuplot),
		T(test_inval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
