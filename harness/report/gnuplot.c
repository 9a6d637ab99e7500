/*
 * gnuplot.c: starts gnuplot and waits for it. See gnuplot.h. fork and execvp rather than
 * posix_spawnp: a failed exec comes back to the parent as its errno over a close-on-exec
 * pipe, so a missing gnuplot is told from a failing one everywhere (where posix_spawnp is a
 * plain fork, as under valgrind, a failed exec is a silent exit status 127). Every descriptor
 * opened here is close-on-exec, so none leaks into gnuplot or into another child started
 * meanwhile, and all are closed and the child reaped on every path once it was forked. The
 * child does only async-signal-safe things between fork and exec.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gnuplot.h"

static void gnuplot_child(char *const argv[], int in, int out, int errfd, int report);
static int gnuplot_parent(pid_t pid, const char *script, int rep[2], int cap[2], char *out,
    size_t outlen, char *err, size_t errlen);
static void gnuplot_drain(int fd, char *out, size_t outlen);
static int gnuplot_wait(pid_t pid, const char *script, char *err, size_t errlen);

int
gnuplot_run(const char *script, const char *vars, int log_fd, char *out, size_t outlen,
    char *err, size_t errlen)
{
	char *argv[] = { "gnuplot", "-e", (char *)vars, (char *)script, NULL };
	int null = -1, cap[2] = { -1, -1 }, rep[2] = { -1, -1 }, rv = -2, i, fd_out;
	pid_t pid;

	if (out != NULL && outlen > 0)
		*out = '\0';
	if (script == NULL || log_fd < -1 || (out != NULL && (outlen < 2 || log_fd != -1))) {
		snprintf(err, errlen, "gnuplot: %s", script == NULL ? "no script" :
		    "bad output arguments");
		return -2;
	}
	if (vars == NULL)
		argv[1] = (char *)script, argv[2] = NULL;
	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0 || pipe2(rep, O_CLOEXEC) < 0 ||
	    (out != NULL && pipe2(cap, O_CLOEXEC) < 0)) {
		snprintf(err, errlen, "gnuplot: %s: %s", null < 0 ? "/dev/null" : "pipe",
		    strerror(errno));
		goto done;
	}
	if ((pid = fork()) < 0) {
		snprintf(err, errlen, "gnuplot: fork: %s", strerror(errno));
		goto done;
	}
	if (pid == 0) {
		fd_out = out != NULL ? cap[1] : null;
		gnuplot_child(argv, null, fd_out, out != NULL || log_fd < 0 ? fd_out : log_fd,
		    rep[1]);
	}
	rv = gnuplot_parent(pid, script, rep, out != NULL ? cap : NULL, out, outlen, err,
	    errlen);
done:
	if (null >= 0)
		close(null);
	for (i = 0; i < 2; i++) {
		if (rep[i] >= 0)
			close(rep[i]);
		if (cap[i] >= 0)
			close(cap[i]);
	}
	return rv;
}

/*
 * In the parent, once pid is forked: closes the child's ends of rep and cap (cap NULL: no
 * capture), learns from rep whether the exec failed, drains cap into out and reaps the child.
 * The ends it closes it sets to -1. Returns gnuplot_run's 0, -1 or -2.
 */
static int
gnuplot_parent(pid_t pid, const char *script, int rep[2], int cap[2], char *out, size_t outlen,
    char *err, size_t errlen)
{
	int child_errno = 0, rv;
	ssize_t r;

	close(rep[1]);
	rep[1] = -1;
	/* EOF once exec closed the pipe; the errno when it failed. */
	while ((r = read(rep[0], &child_errno, sizeof(child_errno))) < 0 && errno == EINTR)
		;
	if (cap != NULL) {
		close(cap[1]);
		cap[1] = -1;
		gnuplot_drain(cap[0], out, outlen);
		close(cap[0]);		/* before the wait: no child left blocked on a full pipe */
		cap[0] = -1;
	}
	rv = gnuplot_wait(pid, script, err, errlen);
	if (r == (ssize_t)sizeof(child_errno)) {
		if (child_errno == ENOENT)
			snprintf(err, errlen, "gnuplot not found: install gnuplot-nox (make deps)");
		else
			snprintf(err, errlen, "cannot run gnuplot: %s", strerror(child_errno));
		rv = -2;
	}
	return rv;
}

/*
 * In the child: the three descriptors onto 0, 1 and 2, then exec; on failure, errno to the
 * parent. Each is first moved above 2 if it is not, so that no dup2 overwrites a later one.
 */
static void
gnuplot_child(char *const argv[], int in, int out, int errfd, int report)
{
	int fd[3] = { in, out, errfd }, i, e;

	for (i = 0; i < 3; i++)
		if (fd[i] < 3 && (fd[i] = fcntl(fd[i], F_DUPFD_CLOEXEC, 3)) < 0)
			goto fail;
	for (i = 0; i < 3; i++)
		if (dup2(fd[i], i) < 0)
			goto fail;
	execvp(argv[0], argv);
fail:
	e = errno;
	(void)!write(report, &e, sizeof(e));
	_exit(127);
}

/* Reads fd to its end, keeping the last outlen - 1 bytes in out. */
static void
gnuplot_drain(int fd, char *out, size_t outlen)
{
	char buf[1024];
	size_t len = 0, cap = outlen - 1, n, drop;
	ssize_t r;

	while ((r = read(fd, buf, sizeof(buf))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		n = (size_t)r < cap ? (size_t)r : cap;
		if (len + n > cap) {
			drop = len + n - cap;
			memmove(out, out + drop, len - drop);
			len -= drop;
		}
		memcpy(out + len, buf + (size_t)r - n, n);
		len += n;
	}
	out[len] = '\0';
}

static int
gnuplot_wait(pid_t pid, const char *script, char *err, size_t errlen)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			snprintf(err, errlen, "gnuplot: waitpid: %s", strerror(errno));
			return -1;
		}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFEXITED(st))
		snprintf(err, errlen, "gnuplot %s exited with status %d", script, WEXITSTATUS(st));
	else
		snprintf(err, errlen, "gnuplot %s killed by signal %d", script, WTERMSIG(st));
	return -1;
}
