/*
 * rankrun.h: one client of a multi-client run, as the MPI layer (bench/mpi_main.c) drives it, with
 * no MPI in it. The client is a plain `exifbench run` child started before MPI_Init (Open MPI
 * advises against fork after it): with the user's options, this rank's --shard, its own
 * result folder and raw trace, --json on a pipe, and the start gate (harness/engine/gate.h)
 * on a socketpair, so that it sets up, then waits for the barrier's go.
 */
#ifndef EXIFBENCH_RANKRUN_H
#define EXIFBENCH_RANKRUN_H

#include <limits.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

struct rankrun {
	pid_t pid;
	int gate;		/* the coordinator's end of the start gate */
	int out;		/* the child's stdout (its --json summary) */
	char dir[PATH_MAX];	/* the child's result folder */
	char trace[PATH_MAX + 32];	/* its raw trace, dir/logs/run.trace.csv */
};

/* How a client ended. */
struct rankrun_end {
	int exit_code;		/* its exit status, or 128 + signal */
	int signal;		/* the signal that killed it, or 0 */
	double cpu_s;		/* its CPU time and its children's (wait4) */
	long max_rss_kib;
	char summary[8192];	/* its --json summary line, "" when it printed none */
};

/*
 * Starts `exe run ARGS --shard INDEX/COUNT --results DIR --trace DIR/logs/run.trace.csv
 * --json` with args (args[0] is "run", NULL-terminated; already free of --results, --trace,
 * --shard and --json) into rr; with dir NULL, no --results and the trace at trace. The
 * child's stderr is ours; it gets SIGTERM if we die. 0, or -1 with err.
 */
int rankrun_start(struct rankrun *rr, const char *exe, char *const *args, unsigned index,
    unsigned count, const char *dir, const char *trace, char *err, size_t errlen);

/* Passes sig on to the child (SIGINT, SIGTERM: it stops taking keys). Async-signal-safe. */
void rankrun_signal(const struct rankrun *rr, int sig);

/* Reads the child's summary, reaps it, closes the fds. */
void rankrun_wait(struct rankrun *rr, struct rankrun_end *end);

#endif
