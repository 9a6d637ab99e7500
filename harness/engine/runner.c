/*
 * runner.c: one model run as a measured child process. See runner.h.
 *
 * The loop sleeps to absolute deadlines on CLOCK_MONOTONIC, so the sample rate does not
 * drift with the time a sample takes. It polls the child with waitid(WNOHANG | WNOWAIT):
 * the child stays a zombie until the last sample has read its final CPU time. The progress
 * comes from the child's status pipe (RUNNER_STATUS_ENV), read without blocking at each
 * sample: the run publishes its own counts, so its trace can stay buffered to the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gate.h"
#include "runner.h"
#include "topo.h"

/*
 * Seconds between the sampler's scans for the model's new descendants: listing /proc was
 * ~0.45 ms of a 10 Hz tick here (0.5% of a core), and a forked worker found up to this late
 * still counts from its birth.
 */
#define SCAN_S 0.5

/* A run being followed. */
struct watch {
	struct sampler *s;
	pid_t pid;
	int out[2];		/* the child's stdout: the summary */
	int status[2];		/* the child's status lines, or -1 */
	int hold[2];		/* the child waits on it before its exec (before_exec), or -1 */
	int log_fd;
	char text[8192];	/* what the child printed on stdout */
	size_t textlen;
	char line[128];		/* a status line being read */
	size_t linelen;
	size_t done;		/* the images of the last status line */
	double t0;
};

static int start(const struct runner_spec *spec, struct watch *w, char *err, size_t errlen);
static void follow(const struct runner_spec *spec, struct watch *w, struct runner_result *res);
static void finish(struct watch *w, struct runner_result *res);
static void close_watch(struct watch *w);
static pid_t spawn(const struct runner_spec *spec, const struct watch *w, char *err,
    size_t errlen);
static void drain(int fd, char *buf, size_t cap, size_t *len);
static void read_status(struct watch *w);
static double now_s(void);

int
runner_run(const struct runner_spec *spec, struct runner_result *res, char *err,
    size_t errlen)
{
	struct watch w;
	int rv = -1;

	memset(res, 0, sizeof(*res));
	if (*spec->interrupt)
		return 1;
	memset(&w, 0, sizeof(w));
	w.out[0] = w.out[1] = w.status[0] = w.status[1] = w.log_fd = -1;
	w.hold[0] = w.hold[1] = -1;
	if (start(spec, &w, err, errlen) == 0) {
		if (spec->started != NULL)
			spec->started(spec->arg);
		follow(spec, &w, res);
		finish(&w, res);
		rv = 0;
	}
	close_watch(&w);
	return rv;
}

/* The pipes, the log, the child and the sampler's first tick: 0, or -1 with err set. */
static int
start(const struct runner_spec *spec, struct watch *w, char *err, size_t errlen)
{
	size_t g;

	if ((w->s = sampler_new()) == NULL || pipe2(w->out, O_CLOEXEC) < 0 ||
	    (spec->progress != NULL && pipe2(w->status, O_CLOEXEC | O_NONBLOCK) < 0) ||
	    (spec->before_exec != NULL && pipe2(w->hold, O_CLOEXEC) < 0) ||
	    (w->log_fd = open(spec->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) < 0) {
		snprintf(err, errlen, "cannot set the run up (%s): %s", spec->log_path,
		    strerror(errno));
		return -1;
	}
	sampler_scan_every(w->s, SCAN_S);
	fcntl(w->out[0], F_SETFL, O_NONBLOCK);
	w->t0 = now_s();
	if ((w->pid = spawn(spec, w, err, errlen)) < 0)
		return -1;
	close(w->out[1]), w->out[1] = -1;
	if (w->status[1] >= 0)
		close(w->status[1]), w->status[1] = -1;
	if (w->hold[1] >= 0) {		/* the child waits for the end of this pipe */
		close(w->hold[0]), w->hold[0] = -1;
		spec->before_exec(w->pid, spec->arg);
		close(w->hold[1]), w->hold[1] = -1;
		w->t0 = now_s();
	}
	sampler_watch(w->s, SAMPLER_MODEL, w->pid, SAMPLER_DESCENDANTS | SAMPLER_FROM_BIRTH);
	for (g = 0; g < spec->nserver; g++)
		sampler_watch(w->s, SAMPLER_SERVER, spec->server[g], 0);
	if (spec->shaper > 0)
		sampler_watch(w->s, SAMPLER_SHAPER, spec->shaper, 0);
	sampler_tick(w->s, NULL, spec->label);
	return 0;
}

/* Samples at spec->hz until the child has exited (not reaped), passing an interrupt on. */
static void
follow(const struct runner_spec *spec, struct watch *w, struct runner_result *res)
{
	struct timespec next;
	siginfo_t si;
	double step = 1.0 / spec->hz;

	clock_gettime(CLOCK_MONOTONIC, &next);
	for (;;) {
		next.tv_nsec += (long)(step * 1e9);
		next.tv_sec += next.tv_nsec / 1000000000L;
		next.tv_nsec %= 1000000000L;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR &&
		    !(*spec->interrupt && !res->interrupted))
			;
		if (*spec->interrupt && !res->interrupted) {
			kill(w->pid, SIGINT);	/* once: a second SIGINT would kill the run */
			res->interrupted = 1;
		}
		drain(w->out[0], w->text, sizeof(w->text), &w->textlen);
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)w->pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0 &&
		    errno != EINTR)
			break;
		sampler_tick(w->s, spec->samples, spec->label);
		if (spec->progress != NULL) {
			read_status(w);
			spec->progress(w->done, now_s() - w->t0, spec->arg);
		}
		if (si.si_pid == w->pid)
			break;
	}
	res->wall_s = now_s() - w->t0;
}

/* Reaps the child; its exit code, rusage, summary line and the sampler's totals into res. */
static void
finish(struct watch *w, struct runner_result *res)
{
	char *out = w->text, *nl;
	size_t g;
	int st;

	while (wait4(w->pid, &st, 0, &res->ru) < 0 && errno == EINTR)
		;
	res->exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	sampler_settle(w->s, SAMPLER_MODEL, &res->ru);
	drain(w->out[0], w->text, sizeof(w->text), &w->textlen);
	out[w->textlen] = '\0';
	/* The summary is the last complete line. */
	while (w->textlen > 0 && out[w->textlen - 1] == '\n')
		out[--w->textlen] = '\0';
	nl = strrchr(out, '\n');
	snprintf(res->summary, sizeof(res->summary), "%s", nl != NULL ? nl + 1 : out);
	for (g = 0; g < SAMPLER_NGROUPS; g++)
		sampler_totals(w->s, (enum sampler_group)g, &res->group[g]);
	sampler_system(w->s, &res->sys);
	res->sampler_cost_s = sampler_cost_s(w->s);
	sampler_waits(w->s, &res->waits);
	res->ticks = res->group[SAMPLER_MODEL].samples;
}

static void
close_watch(struct watch *w)
{
	int *fd[] = { &w->out[0], &w->out[1], &w->status[0], &w->status[1], &w->hold[0],
		&w->hold[1], &w->log_fd };
	size_t i;

	for (i = 0; i < sizeof(fd) / sizeof(fd[0]); i++)
		if (*fd[i] >= 0)
			close(*fd[i]), *fd[i] = -1;
	sampler_free(w->s);
	w->s = NULL;
}

/* Reads the status lines the child wrote since the last sample: the last one counts. */
static void
read_status(struct watch *w)
{
	char buf[512];
	ssize_t got, i;

	while ((got = read(w->status[0], buf, sizeof(buf))) > 0)
		for (i = 0; i < got; i++) {
			if (buf[i] == '\n') {
				w->line[w->linelen] = '\0';
				w->done = (size_t)strtoull(w->line, NULL, 10);
				w->linelen = 0;
			} else if (w->linelen + 1 < sizeof(w->line)) {
				w->line[w->linelen++] = buf[i];
			}
		}
}

/* fork + exec of the run, bound and redirected; the child's pid, or -1. */
static pid_t
spawn(const struct runner_spec *spec, const struct watch *w, char *err, size_t errlen)
{
	char berr[256], fd[16];
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
		if (dup2(w->out[1], STDOUT_FILENO) < 0 || dup2(w->log_fd, STDERR_FILENO) < 0)
			_exit(127);
		if (w->status[1] >= 0) {	/* kept across the exec, named in the environment */
			snprintf(fd, sizeof(fd), "%d", w->status[1]);
			if (fcntl(w->status[1], F_SETFD, 0) < 0 ||
			    setenv(RUNNER_STATUS_ENV, fd, 1) < 0)
				_exit(127);
		}
		if (spec->gate != NULL) {
			snprintf(fd, sizeof(fd), "%d", *spec->gate);
			if (fcntl(*spec->gate, F_SETFD, 0) < 0 || setenv(RUN_GATE_ENV, fd, 1) < 0)
				_exit(127);
		}
		if (spec->endpoint != NULL)
			setenv("AWS_ENDPOINT_URL", spec->endpoint, 1);
		if (w->hold[0] >= 0) {	/* before_exec: until the harness closes its end */
			char c;

			close(w->hold[1]);
			while (read(w->hold[0], &c, 1) < 0 && errno == EINTR)
				;
		}
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
