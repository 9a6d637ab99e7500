/*
 * perfrec.c: `perf record` and `perf script` as the harness's children. See perfrec.h.
 *
 * perf runs in a process group of its own (a terminal's Ctrl-C reaches the harness, which
 * stops it) and gets SIGTERM should the harness die (PR_SET_PDEATHSIG). It starts with its
 * events off (-D -1): the harness writes "enable" on its control pipe and waits for the
 * "ack", so the run is let go only once perf records, and a perf that fails says so on its
 * log before any ack. -B leaves out the build-id pass at its end, the slowest part of its
 * exit, which the profile does not need (perf script reads the same files).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "perfrec.h"

struct perfrec {
	pid_t pid;
	int ctl;		/* our end of its control socket, open while it runs */
	int status;
	struct rusage ru;
	char log[4096];
};

static pid_t spawn(char **argv, int out_fd, int log_fd, const int *keep, size_t nkeep);
static int reap(pid_t pid, double timeout_s, int *status, struct rusage *ru);
static void log_reason(const char *log, int status, const char *what, char *why,
    size_t whylen);
static const char *perf_bin(void);
static double now_s(void);

int
perfrec_start(pid_t pid, const char *data_path, const char *log_path,
    struct perfrec **out, char *why, size_t whylen)
{
	struct perfrec *p = NULL;
	int sv[2] = { -1, -1 }, log_fd = -1, rv = -1;
	char hz[16], pids[16], control[64], buf[16] = "";
	char *argv[] = { (char *)perf_bin(), "record", "-q", "-B", "--inherit", "-D", "-1",
		control, "-e", "cpu-clock", "-F", hz, "--call-graph", "dwarf", "-o",
		(char *)data_path, "-p", pids, NULL };
	struct pollfd pfd;
	double end;
	ssize_t got;

	*out = NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		snprintf(why, whylen, "perf not started: %s", strerror(errno));
		free(p);
		return -1;
	}
	p->ctl = sv[0];
	if ((log_fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0) {
		snprintf(why, whylen, "perf not started: %s: %s", log_path, strerror(errno));
		goto out;
	}
	snprintf(p->log, sizeof(p->log), "%s", log_path);
	snprintf(hz, sizeof(hz), "%d", PERFREC_HZ);
	snprintf(pids, sizeof(pids), "%ld", (long)pid);
	/* One socket for both ways: perf reads its commands and writes its acks on it. */
	snprintf(control, sizeof(control), "--control=fd:%d,%d", sv[1], sv[1]);
	if ((p->pid = spawn(argv, log_fd, log_fd, &sv[1], 1)) < 0) {
		snprintf(why, whylen, "perf not started: fork: %s", strerror(errno));
		goto out;
	}
	close(sv[1]), sv[1] = -1;
	pfd = (struct pollfd){ .fd = p->ctl, .events = POLLIN };
	if (send(p->ctl, "enable\n", 7, MSG_NOSIGNAL) == 7)
		for (end = now_s() + PERFREC_START_S; now_s() < end;)
			if (poll(&pfd, 1, 100) > 0) {
				got = read(p->ctl, buf, sizeof(buf) - 1);
				buf[got > 0 ? got : 0] = '\0';
				break;
			}
	if (strncmp(buf, "ack", 3) != 0) {	/* perf ended (the socket's EOF), or is late */
		kill(p->pid, SIGKILL);		/* a no-op on a perf that has ended */
		reap(p->pid, PERFREC_STOP_S, &p->status, &p->ru);
		log_reason(log_path, p->status, "perf could not record", why, whylen);
		if (WIFSIGNALED(p->status) && WTERMSIG(p->status) == SIGKILL)
			snprintf(why, whylen, "perf did not start recording within %d s",
			    PERFREC_START_S);
		goto out;
	}
	*out = p, p = NULL;
	rv = 0;
out:
	if (p != NULL) {
		if (p->pid > 0)
			unlink(data_path);
		if (p->ctl >= 0)
			close(p->ctl);
		free(p);
	}
	if (sv[1] >= 0)
		close(sv[1]);
	if (log_fd >= 0)
		close(log_fd);
	return rv;
}

int
perfrec_stop(struct perfrec *p, struct rusage *ru, char *why, size_t whylen)
{
	int rv = 0;

	memset(ru, 0, sizeof(*ru));
	if (p == NULL)
		return 0;
	kill(p->pid, SIGINT);	/* it may have ended with its target: then a zombie's no-op */
	if (reap(p->pid, PERFREC_STOP_S, &p->status, &p->ru) < 0 ||
	    (!(WIFEXITED(p->status) && WEXITSTATUS(p->status) == 0) &&
	    !(WIFSIGNALED(p->status) && WTERMSIG(p->status) == SIGINT))) {
		log_reason(p->log, p->status, "perf failed", why, whylen);
		rv = -1;
	}
	*ru = p->ru;
	close(p->ctl);
	free(p);
	return rv;
}

int
perfrec_fold(const char *data_path, const char *log_path, struct fold *f,
    struct rusage *ru, char *why, size_t whylen)
{
	char *argv[] = { (char *)perf_bin(), "script", "--no-inline", "-F",
		"comm,period,ip,sym,dso", "-i", (char *)data_path, NULL };
	int out[2] = { -1, -1 }, log_fd, status = 0, rv = 0;
	char *line = NULL;
	size_t cap = 0;
	FILE *in;
	pid_t pid;

	memset(ru, 0, sizeof(*ru));
	if ((log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) < 0 ||
	    pipe2(out, O_CLOEXEC) < 0 || (pid = spawn(argv, out[1], log_fd, NULL, 0)) < 0) {
		snprintf(why, whylen, "perf script not started: %s", strerror(errno));
		if (log_fd >= 0)
			close(log_fd);
		if (out[0] >= 0)
			close(out[0]), close(out[1]);
		return -1;
	}
	close(log_fd);
	close(out[1]);
	if ((in = fdopen(out[0], "r")) == NULL) {
		close(out[0]);
		kill(pid, SIGTERM);
		rv = -1;
	} else {
		while (getline(&line, &cap, in) >= 0)
			if (rv == 0 && fold_line(f, line) < 0)
				rv = -1;	/* read on, so perf script does not block */
		if (rv == 0 && fold_end(f) < 0)
			rv = -1;
		free(line);
		fclose(in);
	}
	if (reap(pid, PERFREC_STOP_S, &status, ru) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		log_reason(log_path, status, "perf script failed", why, whylen);
		return -1;
	}
	if (rv < 0)
		snprintf(why, whylen, "folding the stacks: out of memory");
	return rv;
}

/* fork + exec of argv, stdout to out_fd, stderr to log_fd, keep[] open across the exec. */
static pid_t
spawn(char **argv, int out_fd, int log_fd, const int *keep, size_t nkeep)
{
	pid_t pid, parent = getpid();
	size_t i;
	int null;

	fflush(NULL);
	if ((pid = fork()) != 0)
		return pid;
	setpgid(0, 0);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent)
		_exit(127);
	if ((null = open("/dev/null", O_RDONLY)) < 0 || dup2(null, STDIN_FILENO) < 0 ||
	    dup2(out_fd, STDOUT_FILENO) < 0 || dup2(log_fd, STDERR_FILENO) < 0)
		_exit(127);
	for (i = 0; i < nkeep; i++)
		if (fcntl(keep[i], F_SETFD, 0) < 0)
			_exit(127);
	execvp(argv[0], argv);
	dprintf(STDERR_FILENO, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Waits for pid up to timeout_s, then kills it: 0 with its status and rusage, or -1. */
static int
reap(pid_t pid, double timeout_s, int *status, struct rusage *ru)
{
	struct timespec tick = { 0, 20 * 1000000L };
	double end = now_s() + timeout_s;
	pid_t got;

	for (;;) {
		got = wait4(pid, status, now_s() < end ? WNOHANG : 0, ru);
		if (got == pid)
			return 0;
		if (got < 0 && errno != EINTR)
			return -1;
		if (got == 0 && now_s() >= end)
			kill(pid, SIGKILL);
		else if (got == 0)
			nanosleep(&tick, NULL);
	}
}

/*
 * why: what, then the first telling line of perf's log (with the next one when it only says
 * "Error:", as perf's permission message starts), or how it ended.
 */
static void
log_reason(const char *log, int status, const char *what, char *why, size_t whylen)
{
	char line[512], first[512] = "";
	FILE *f = fopen(log, "r");
	size_t n, more = 0;

	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		n = strcspn(line, "\r\n");
		line[n] = '\0';
		while (n > 0 && line[n - 1] == ' ')
			line[--n] = '\0';
		if (n == 0 || line[0] == '[')
			continue;	/* blank, or perf's "[ perf record: ... ]" */
		if (more) {
			n = strlen(first);
			snprintf(first + n, sizeof(first) - n, " %s", line);
			break;
		}
		if (first[0] == '\0' || strstr(line, "rror") != NULL ||
		    strstr(line, "paranoid") != NULL || strstr(line, "cannot run") != NULL) {
			snprintf(first, sizeof(first), "%s", line);
			if (line[n - 1] == ':')
				more = 1;
			else if (strstr(line, "rror") != NULL || strstr(line, "cannot run") != NULL)
				break;
		}
	}
	if (f != NULL)
		fclose(f);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && strstr(first, "cannot run"))
		snprintf(why, whylen, "perf not found: %s", first);
	else if (first[0] != '\0')
		snprintf(why, whylen, "%s: %s", what, first);
	else if (WIFSIGNALED(status))
		snprintf(why, whylen, "%s: killed by signal %d", what, WTERMSIG(status));
	else
		snprintf(why, whylen, "%s: exit status %d", what, WEXITSTATUS(status));
}

static const char *
perf_bin(void)
{
	const char *p = getenv("EXIFBENCH_PERF");

	return p != NULL && *p != '\0' ? p : "perf";
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
