/*
 * mpi_bench.c: the bench's runs of several clients, over MPI. Rank 0 says each run's command
 * (a broadcast), every rank in the run starts its client on its share behind a start gate,
 * one barrier lets them go, a barrier that sleeps waits for them all to end, and rank 0
 * gathers their start times and CPU and receives their traces, which join its own client's
 * on one timeline (harness/mpi/timeline.h). See mpi_bench.h.
 */
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"
#include "cli.h"
#include "mpi_bench.h"
#include "harness/engine/gate.h"
#include "harness/mpi/comm.h"
#include "harness/mpi/rankrun.h"

#define WORD_END 0
#define WORD_RUN 1
#define ARGS_MAX 8192
#define END_POLL_US 5000

/* Rank 0's word: the end, or a run of `clients` clients and its command's length. */
struct word {
	int32_t op;
	uint32_t clients, len;
};

/* What a rank tells rank 0 after a run. */
struct client_info {
	int32_t ran;		/* its client ran (it was in the run, and every client started) */
	int32_t exit_code;
	int64_t start_ns;	/* its client's start, on its own clock */
	double cpu_s;
};

static int begin(unsigned clients, char *const *argv, int *gate);
static void started(void *arg);
static int end(const char *trace, double *cpu_s, struct timeline_window *w, char *err,
    size_t errlen);
static int serve(const char *exe);
static int unpack(char *buf, uint32_t len, char **args, size_t max);
static void on_signal(int sig);
static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw);

static unsigned my_rank, n_ranks, run_clients;
static int64_t my_offset, my_rtt, *offsets;	/* offsets: rank 0's, of every rank */
static char tmp[64];
static int own_gate = -1, started_done, all_started;
static int64_t own_start;
static struct rankrun child;

static const struct bench_clients ops = { 0, begin, started, end };
static struct bench_clients ops_n;

int
mpi_bench(int argc, char **argv, unsigned rank, unsigned ranks, const char *exe)
{
	struct word w = { WORD_END, 0, 0 };
	int rc;

	my_rank = rank, n_ranks = ranks;
	if (rank == 0 && (offsets = calloc(ranks, sizeof(*offsets))) == NULL)
		comm_abort(EXIT_SETUP);
	comm_clock(&my_offset, &my_rtt);
	comm_gather(&my_offset, sizeof(my_offset), offsets);
	snprintf(tmp, sizeof(tmp), "/tmp/exifbench-bench-XXXXXX");
	if (mkdtemp(tmp) == NULL)
		comm_abort(EXIT_SETUP);
	if (rank == 0) {
		if (getenv("AWS_ENDPOINT_URL") == NULL || getenv("AWS_ENDPOINT_URL")[0] == '\0') {
			fprintf(stderr, "exifbench: bench under mpirun needs a running store: set "
			    "AWS_ENDPOINT_URL (eval \"$(harness/s3-local env)\" for the local one)\n");
			rc = EXIT_SETUP;
		} else {
			ops_n = ops, ops_n.ranks = ranks;
			bench_clients = &ops_n;
			setenv("EXIFBENCH_MPI_CHILD", "1", 1);	/* its runs are plain runs */
			rc = cmd_bench(argc, argv);
		}
		comm_bcast(&w, sizeof(w));
	} else {
		rc = serve(exe);
	}
	nftw(tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(offsets);
	return rc;
}

/* Rank 0, before a run: the word and the command to every rank; its own gate's pair. */
static int
begin(unsigned clients, char *const *argv, int *gate)
{
	static char buf[ARGS_MAX];
	struct word w = { WORD_RUN, clients, 0 };
	size_t n;
	int sv[2];

	for (int i = 1; argv[i] != NULL; i++) {	/* argv[0], the binary, is each rank's */
		n = strlen(argv[i]) + 1;
		if (w.len + n > sizeof(buf))
			return -1;
		memcpy(buf + w.len, argv[i], n);
		w.len += (uint32_t)n;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	comm_bcast(&w, sizeof(w));
	comm_bcast(buf, w.len);
	run_clients = clients, started_done = all_started = 0, own_start = 0;
	own_gate = sv[0], *gate = sv[1];
	return 0;
}

/* Rank 0, once its client runs: every client ready, then the barrier, then go. */
static void
started(void *arg)
{
	int ok = gate_ready(own_gate) == 0;

	(void)arg;
	all_started = comm_all(ok);
	if (all_started) {
		comm_barrier(0);
		if (gate_send(own_gate, 1) < 0 || gate_start_time(own_gate, &own_start) < 0)
			own_start = 0;
	} else if (ok) {
		gate_send(own_gate, 0);
	}
	started_done = 1;
}

/* Rank 0, after the run: the others' traces joined to its client's, their CPU. */
static int
end(const char *trace, double *cpu_s, struct timeline_window *w, char *err, size_t errlen)
{
	struct client_info mine = { 0, 0, 0, 0 }, *all = calloc(n_ranks, sizeof(*all));
	struct timeline_client *c = calloc(run_clients, sizeof(*c));
	char (*paths)[PATH_MAX] = calloc(run_clients, sizeof(*paths)), joined[PATH_MAX + 8];
	int rv = -1;
	unsigned r;

	if (!started_done)	/* the runner never forked: the others still wait for the word */
		all_started = comm_all(0), started_done = 1;
	if (own_gate >= 0)
		close(own_gate), own_gate = -1;
	comm_barrier(END_POLL_US);
	mine.ran = all_started, mine.start_ns = own_start;
	if (all == NULL || c == NULL || paths == NULL)
		comm_abort(EXIT_SETUP);
	comm_gather(&mine, sizeof(mine), all);
	*cpu_s = 0;
	if (!all_started) {
		snprintf(err, errlen, "not every client could start (their logs say why)");
		goto out;
	}
	c[0].trace = trace, c[0].start_ns = own_start;
	for (r = 1; r < run_clients; r++) {
		snprintf(paths[r], sizeof(paths[r]), "%s/from-%u", tmp, r);
		if (comm_recv_folder(r, paths[r], err, errlen) < 0)
			goto out;
		strncat(paths[r], "/trace.csv", sizeof(paths[r]) - strlen(paths[r]) - 1);
		c[r].trace = paths[r], c[r].start_ns = all[r].start_ns - offsets[r];
		*cpu_s += all[r].cpu_s;
	}
	snprintf(joined, sizeof(joined), "%s.all", trace);
	if (timeline_merge(c, run_clients, joined, w, err, errlen) == 0 &&
	    rename(joined, trace) == 0)
		rv = 0;
out:
	for (r = 1; r < run_clients; r++)
		if (paths != NULL && paths[r][0] != '\0')
			unlink(paths[r]), *strrchr(paths[r], '/') = '\0', rmdir(paths[r]);
	free(all);
	free(c);
	free(paths);
	return rv;
}

/* A rank other than 0: each run it is in, until the end. */
static int
serve(const char *exe)
{
	static char buf[ARGS_MAX];
	char *args[256], dir[96], trace[128], err[256];
	struct client_info mine;
	struct rankrun_end e;
	struct word w;
	int in, ok, all;

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	snprintf(dir, sizeof(dir), "%s/run", tmp);
	snprintf(trace, sizeof(trace), "%s/trace.csv", dir);
	for (;;) {
		comm_bcast(&w, sizeof(w));
		if (w.op != WORD_RUN)
			return 0;
		comm_bcast(buf, w.len);
		in = my_rank < w.clients;
		ok = 1;
		memset(&mine, 0, sizeof(mine));
		if (in) {
			mkdir(dir, 0700);
			ok = unpack(buf, w.len, args, 256) == 0 && rankrun_start(&child, exe, args,
			    my_rank, w.clients, NULL, trace, err, sizeof(err)) == 0 &&
			    gate_ready(child.gate) == 0;
		}
		all = comm_all(ok);
		if (all) {
			comm_barrier(0);
			if (in && (gate_send(child.gate, 1) < 0 ||
			    gate_start_time(child.gate, &mine.start_ns) < 0))
				mine.start_ns = 0;
		} else if (in && child.pid > 0) {
			gate_send(child.gate, 0);
		}
		if (in && child.pid > 0) {
			rankrun_wait(&child, &e);
			mine.exit_code = e.exit_code, mine.cpu_s = e.cpu_s;
		}
		comm_barrier(END_POLL_US);
		mine.ran = in && all;
		comm_gather(&mine, sizeof(mine), NULL);
		if (in && all && comm_send_folder(dir, err, sizeof(err)) < 0)
			fprintf(stderr, "exifbench: mpi: rank %u: %s\n", my_rank, err);
		unlink(trace);
		rmdir(dir);
	}
}

/*
 * The command rank 0 sent (its client's, less the binary) into args as this rank's: "run",
 * its options, without --trace FILE, --json and --shard S (rankrun adds this rank's).
 */
static int
unpack(char *buf, uint32_t len, char **args, size_t max)
{
	size_t n = 0;
	uint32_t at = 0;

	while (at < len && n + 1 < max) {
		char *a = buf + at;

		at += (uint32_t)strlen(a) + 1;
		if (strcmp(a, "--trace") == 0 || strcmp(a, "--shard") == 0) {
			at += (uint32_t)strlen(buf + at) + 1;	/* and its value */
			continue;
		}
		if (strcmp(a, "--json") != 0)
			args[n++] = a;
	}
	args[n] = NULL;
	return n > 0 && strcmp(args[0], "run") == 0 ? 0 : -1;
}

static void
on_signal(int sig)
{
	rankrun_signal(&child, sig);
}

static int
rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st, (void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}
