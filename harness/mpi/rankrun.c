/*
 * rankrun.c: a client's `exifbench run` as a child of the coordinator. See rankrun.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rankrun.h"
#include "harness/engine/gate.h"

#define MAX_ARGS 256

int
rankrun_start(struct rankrun *rr, const char *exe, char *const *args, unsigned index,
    unsigned count, const char *dir, const char *trace, char *err, size_t errlen)
{
	char *argv[MAX_ARGS + 12], shard[32], fdtext[16];
	int sv[2], out[2], n = 0, i;

	memset(rr, 0, sizeof(*rr));
	rr->pid = -1, rr->gate = rr->out = -1;
	snprintf(rr->dir, sizeof(rr->dir), "%s", dir != NULL ? dir : "");
	if (dir != NULL)
		snprintf(rr->trace, sizeof(rr->trace), "%s/logs/run.trace.csv", dir);
	else
		snprintf(rr->trace, sizeof(rr->trace), "%s", trace);
	snprintf(shard, sizeof(shard), "%u/%u", index, count);
	argv[n++] = (char *)exe;
	for (i = 0; args[i] != NULL; i++) {
		if (i >= MAX_ARGS) {
			snprintf(err, errlen, "more than %d arguments", MAX_ARGS);
			return -1;
		}
		argv[n++] = args[i];
	}
	argv[n++] = "--shard", argv[n++] = shard;
	if (dir != NULL)
		argv[n++] = "--results", argv[n++] = rr->dir;
	argv[n++] = "--trace", argv[n++] = rr->trace;
	argv[n++] = "--json";
	argv[n] = NULL;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 ||
	    pipe2(out, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "socketpair or pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	if ((rr->pid = fork()) < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	if (rr->pid == 0) {
		/*
		 * A process group of its own: mpirun's signals reach the client once, through
		 * us, not also directly (a second SIGTERM would kill it mid-write).
		 */
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		dup2(out[1], STDOUT_FILENO);
		fcntl(sv[1], F_SETFD, 0);	/* the gate stays open across exec */
		snprintf(fdtext, sizeof(fdtext), "%d", sv[1]);
		setenv(RUN_GATE_ENV, fdtext, 1);
		setenv("EXIFBENCH_MPI_CHILD", "1", 1);
		execv(exe, argv);
		fprintf(stderr, "exifbench: mpi: cannot run %s: %s\n", exe, strerror(errno));
		_exit(127);
	}
	close(sv[1]);
	close(out[1]);
	rr->gate = sv[0], rr->out = out[0];
	return 0;
}

void
rankrun_signal(const struct rankrun *rr, int sig)
{
	if (rr->pid > 0)
		kill(rr->pid, sig);
}

void
rankrun_wait(struct rankrun *rr, struct rankrun_end *end)
{
	struct rusage ru;
	size_t used = 0;
	ssize_t n;
	int status = 0;
	pid_t got;

	memset(end, 0, sizeof(*end));
	while (rr->out >= 0) {	/* the summary is one line, well under the pipe's size */
		n = read(rr->out, end->summary + used, sizeof(end->summary) - 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || (used += (size_t)n) >= sizeof(end->summary) - 1) {
			char sink[4096];

			while (n > 0 && (n = read(rr->out, sink, sizeof(sink))) > 0)
				;	/* past our buffer: drained so the child never blocks */
			break;
		}
	}
	end->summary[used] = '\0';
	end->summary[strcspn(end->summary, "\n")] = '\0';
	do
		got = wait4(rr->pid, &status, 0, &ru);
	while (got < 0 && errno == EINTR);
	if (got == rr->pid) {
		end->cpu_s = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
		end->max_rss_kib = ru.ru_maxrss;
		end->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
		end->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + end->signal;
	} else {
		end->exit_code = 127;
	}
	if (rr->out >= 0)
		close(rr->out);
	if (rr->gate >= 0)
		close(rr->gate);
	rr->out = rr->gate = -1;
	rr->pid = -1;
}
