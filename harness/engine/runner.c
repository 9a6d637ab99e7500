/*
 * runner.c: one model run as a measured child process. See runner.h.
 *
 * The loop sleeps to absolute deadlines on CLOCK_MONOTONIC, so the sample rate does not
 * drift with the time a sample takes. It polls the child with waitid(WNOHANG | WNOWAIT):
 * the child stays a zombie until the last sample has read its final CPU time.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runner.h"
#include "topo.h"
#include "harness/results/tracestats.h"

static pid_t spawn(const struct runner_spec *spec, int out_fd, int log_fd, char *err,
    size_t errlen);
static void drain(int fd, char *buf, size_t cap, size_t *len);
static double now_s(void);

int
runner_run(const struct runner_spec *spec, struct runner_result *res, char *err,
    size_t errlen)
{
	struct sampler *s = NULL;
	struct timespec next;
	siginfo_t si;
	char out[8192];
	size_t outlen = 0, rows = 0, lines = 0, g;
	long offset = 0;
	int pipefd[2] = { -1, -1 }, log_fd = -1, st, rv = -1;
	pid_t pid = -1;
	double t0, step;

	memset(res, 0, sizeof(*res));
	if (*spec->interrupt)
		return 1;
	if ((s = sampler_new()) == NULL || pipe2(pipefd, O_CLOEXEC) < 0 ||
	    (log_fd = open(spec->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) < 0) {
		snprintf(err, errlen, "cannot set the run up (%s): %s", spec->log_path,
		    strerror(errno));
		goto out;
	}
	fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
	t0 = now_s();
	if ((pid = spawn(spec, pipefd[1], log_fd, err, errlen)) < 0)
		goto out;
	close(pipefd[1]), pipefd[1] = -1;
	sampler_watch(s, SAMPLER_MODEL, pid, 1);
	for (g = 0; g < spec->nserver; g++)
		sampler_watch(s, SAMPLER_SERVER, spec->server[g], 0);
	if (spec->shaper > 0)
		sampler_watch(s, SAMPLER_SHAPER, spec->shaper, 0);
	sampler_tick(s, NULL, spec->label);
	step = 1.0 / spec->hz;
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (;;) {
		next.tv_nsec += (long)(step * 1e9);
		next.tv_sec += next.tv_nsec / 1000000000L;
		next.tv_nsec %= 1000000000L;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR &&
		    !(*spec->interrupt && !res->interrupted))
			;
		if (*spec->interrupt && !res->interrupted) {
			kill(pid, SIGINT);	/* once: a second SIGINT would kill the run */
			res->interrupted = 1;
		}
		drain(pipefd[0], out, sizeof(out), &outlen);
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0 &&
		    errno != EINTR)
			break;
		sampler_tick(s, spec->samples, spec->label);
		if (spec->progress != NULL) {
			rows = tracestats_count(spec->trace_path, &offset, &lines);
			spec->progress(rows, now_s() - t0, spec->arg);
		}
		if (si.si_pid == pid)
			break;
	}
	res->wall_s = now_s() - t0;
	while (wait4(pid, &st, 0, &res->ru) < 0 && errno == EINTR)
		;
	res->exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	drain(pipefd[0], out, sizeof(out), &outlen);
	out[outlen] = '\0';
	/* The summary is the last complete line. */
	while (outlen > 0 && out[outlen - 1] == '\n')
		out[--outlen] = '\0';
	snprintf(res->summary, sizeof(res->summary), "%s",
	    strrchr(out, '\n') != NULL ? strrchr(out, '\n') + 1 : out);
	for (g = 0; g < SAMPLER_NGROUPS; g++)
		sampler_totals(s, (enum sampler_group)g, &res->group[g]);
	sampler_system(s, &res->sys);
	res->sampler_cost_s = sampler_cost_s(s);
	res->ticks = res->group[SAMPLER_MODEL].samples;
	rv = 0;
out:
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	if (log_fd >= 0)
		close(log_fd);
	sampler_free(s);
	return rv;
}

/* fork + exec of the run, bound and redirected; the child's pid, or -1. */
static pid_t
spawn(const struct runner_spec *spec, int out_fd, int log_fd, char *err, size_t errlen)
{
	char berr[256];
	pid_t pid, parent = getpid();

	/* Checked here, where a bad list can still be reported. */
	if (spec->cpus != NULL && spec->cpus[0] != '\0' &&
	    topo_pus(spec->cpus, err, errlen) < 0)
		return -1;
	fflush(NULL);
	switch ((pid = fork())) {
	case -1:
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	case 0:
		/* Its own group: a terminal's Ctrl-C reaches the harness, which passes it on. */
		setpgid(0, 0);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent)
			_exit(127);	/* the harness is already gone */
		if (dup2(out_fd, STDOUT_FILENO) < 0 || dup2(log_fd, STDERR_FILENO) < 0)
			_exit(127);
		if (spec->endpoint != NULL)
			setenv("AWS_ENDPOINT_URL", spec->endpoint, 1);
		if (spec->cpus != NULL && spec->cpus[0] != '\0' &&
		    topo_bind(0, spec->cpus, berr, sizeof(berr)) < 0) {
			dprintf(STDERR_FILENO, "exifbench: %s\n", berr);
			_exit(127);
		}
		execv(spec->argv[0], spec->argv);
		dprintf(STDERR_FILENO, "exifbench: cannot run %s: %s\n", spec->argv[0],
		    strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);	/* also here, so a signal sent right away finds the group */
	return pid;
}

/* Appends what the child has written so far, keeping the newest text when it overflows. */
static void
drain(int fd, char *buf, size_t cap, size_t *len)
{
	ssize_t got;

	for (;;) {
		if (*len + 1 >= cap) {
			memmove(buf, buf + cap / 2, *len - cap / 2);
			*len -= cap / 2;
		}
		if ((got = read(fd, buf + *len, cap - 1 - *len)) <= 0)
			break;
		*len += (size_t)got;
	}
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
