/*
 * mpi_main.c: exifbench-mpi, the MPI layer's program of `mpirun -np N exifbench run ...` (exifbench
 * execs it when it finds itself started by mpirun; docs/scale-out.md). Each rank runs one
 * client: a plain `exifbench run` child (rankrun.h) on its share of the keys (--shard
 * RANK/N: a hash of the key), started before MPI_Init. Once every client has set up, one
 * barrier, and all are told to go together; each keeps its own trace. When all have ended,
 * rank 0 gathers every client's result folder and writes the merged one (merge.h) into
 * --results DIR. A client killed mid-run has its missing keys failed with the reason by its
 * own rank (recover.h), so the counts still add up. Ctrl-C: mpirun sends every rank SIGTERM,
 * passed on to the client as a stop (then SIGKILL after odls_base_sigkill_timeout, 1 s by
 * default: raise it to keep the merged folder of a stopped run).
 */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "cli.h"
#include "mpi_bench.h"
#include "mpi_finish.h"
#include "run_opts.h"
#include "harness/engine/gate.h"
#include "harness/mpi/comm.h"
#include "harness/mpi/merge.h"
#include "harness/mpi/rankrun.h"
#include "harness/mpi/recover.h"

#define MAX_ARGS 256
#define START_POLL_US 0	/* the start: MPI_Barrier's own (the clients are all waiting) */
#define END_POLL_US 5000	/* waiting for the other clients to end */


static struct rankrun child;
static volatile sig_atomic_t stopping;

#ifdef __SANITIZE_ADDRESS__
/*
 * Open MPI's components (dlopen'ed by MPI_Init) keep allocations to the end by design, which
 * LeakSanitizer reports from every rank; so leak checking is off in this binary alone (its
 * clients, plain exifbench runs, are still checked, and its own memory is freed).
 */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
	return "detect_leaks=0";
}
#endif

static int take_args(int argc, char **argv, char **args, const char **dir, int *json);
static int parse_quietly(struct run_args *a, int n, char **args, int quiet);
static void on_signal(int sig);
static const char *self_exe(char *buf, size_t len);
static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw);
static double now_s(void);

static const char usage[] =
    "usage: mpirun -np N [--host H1,H2,...] exifbench run --results DIR [run options]\n"
    "One client per rank, each on its share of the keys (a hash of the key), all started\n"
    "after one barrier; rank 0 gathers them into one result folder DIR (trace.csv on one\n"
    "timeline, hosts.csv a row per client, ranks/ each client's own folder).\n"
    "Not with --shard, --trace or --keys - (the layer sets the first two; stdin reaches\n"
    "rank 0 only). docs/scale-out.md has recipes (mpirun, Slurm, Kubernetes).\n";

int
main(int argc, char **argv)
{
	char *args[MAX_ARGS + 1], exe[PATH_MAX], rankdir[PATH_MAX + 64], tmp[64] = "", err[512];
	const char *dir = NULL, *s;
	struct run_args a;
	struct results res;
	struct rank_info mine, *all = NULL;
	struct rankrun_end end;
	unsigned rank, n, env_rank, env_size;
	double clock_s, gather_s = 0;
	int json = 0, nargs, rc = 0, ok = 1;

	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(usage, stdout);
		return 0;
	}
	if ((s = getenv("OMPI_COMM_WORLD_RANK")) == NULL || getenv("OMPI_COMM_WORLD_SIZE") ==
	    NULL) {
		fprintf(stderr, "exifbench-mpi: not started by mpirun (OMPI_COMM_WORLD_RANK is not "
		    "set)\n%s", usage);
		return EXIT_USAGE;
	}
	env_rank = (unsigned)atoi(s), env_size = (unsigned)atoi(getenv("OMPI_COMM_WORLD_SIZE"));
	if (argc > 1 && strcmp(argv[1], "bench") == 0) {
		self_exe(exe, sizeof(exe));
		curl_global_init(CURL_GLOBAL_DEFAULT);
		if (comm_init(&argc, &argv, &rank, &n) < 0) {
			fprintf(stderr, "exifbench-mpi: MPI_Init failed\n");
			return EXIT_SETUP;
		}
		rc = mpi_bench(argc - 1, argv + 1, rank, n, exe);
		comm_finalize();
		return rc;
	}
	if (argc < 2 || strcmp(argv[1], "run") != 0) {
		if (env_rank == 0)
			fprintf(stderr, "exifbench: under mpirun only `run` and `bench` are taken "
			    "(not '%s')\n", argc > 1 ? argv[1] : "");
		return EXIT_USAGE;
	}
	if ((nargs = take_args(argc - 1, argv + 1, args, &dir, &json)) < 0 ||
	    parse_quietly(&a, nargs, args, env_rank != 0) >= 0)
		return EXIT_USAGE;
	if (dir == NULL) {
		if (env_rank == 0)
			fprintf(stderr, "exifbench: run under mpirun needs --results DIR (rank 0 "
			    "writes the merged result folder there)\n");
		return EXIT_USAGE;
	}
	if (a.keys_path != NULL && strcmp(a.keys_path, "-") == 0) {
		if (env_rank == 0)
			fprintf(stderr, "exifbench: run under mpirun: --keys - is not taken (stdin "
			    "reaches rank 0 only): name a file every host can read\n");
		return EXIT_USAGE;
	}
	a.shard.index = env_rank, a.shard.count = env_size;
	memset(&mine, 0, sizeof(mine));
	gethostname(mine.host, sizeof(mine.host) - 1);
	if (env_rank == 0) {
		if (results_open_dir(&res, dir, err, sizeof(err)) < 0 ||
		    mpi_running_meta(&res, env_size, err, sizeof(err)) < 0) {
			snprintf(mine.error, sizeof(mine.error), "--results: %s", err);
			ok = 0;
		} else {
			snprintf(rankdir, sizeof(rankdir), "%s/ranks", dir);
			mkdir(rankdir, 0755);
			snprintf(rankdir, sizeof(rankdir), "%s/ranks/rank-%03u", dir, env_rank);
		}
	} else {
		snprintf(tmp, sizeof(tmp), "/tmp/exifbench-rank-XXXXXX");
		if (mkdtemp(tmp) == NULL) {
			snprintf(mine.error, sizeof(mine.error), "a temporary folder: %s",
			    strerror(errno));
			ok = 0, tmp[0] = '\0';
		}
		snprintf(rankdir, sizeof(rankdir), "%s/rank-%03u", tmp, env_rank);
	}
	if (ok && rankrun_start(&child, self_exe(exe, sizeof(exe)), args, env_rank, env_size,
	    rankdir, NULL, err, sizeof(err)) < 0) {
		snprintf(mine.error, sizeof(mine.error), "starting the client: %s", err);
		ok = 0;
	}
	if (comm_init(&argc, &argv, &rank, &n) < 0) {
		fprintf(stderr, "exifbench-mpi: MPI_Init failed\n");
		return EXIT_SETUP;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (ok && gate_ready(child.gate) < 0)
		ok = 0;	/* the client ended in its set-up: its summary says why */
	mine.ok = comm_all(ok);
	clock_s = now_s();
	comm_clock(&mine.offset_ns, &mine.rtt_ns);
	clock_s = now_s() - clock_s;
	if (mine.ok) {
		mine.barrier_ns = gate_unix_ns();
		mine.barrier_s = comm_barrier(START_POLL_US);
		if (gate_send(child.gate, !stopping) < 0 ||
		    gate_start_time(child.gate, &mine.start_ns) < 0)
			mine.start_ns = 0;
	} else if (child.pid > 0) {
		gate_send(child.gate, 0);
	}
	if (child.pid > 0) {
		rankrun_wait(&child, &end);
		mine.exit_code = end.exit_code, mine.signal = end.signal;
		mine.cpu_s = end.cpu_s, mine.max_rss_kib = end.max_rss_kib;
		if (!mine.ok && mine.error[0] == '\0') {
			json_t *o = json_loads(end.summary, 0, NULL);

			snprintf(mine.error, sizeof(mine.error), "%s", o != NULL ?
			    json_string_value(json_object_get(o, "error")) : "its client ended");
			json_decref(o);
		}
	} else {
		mine.exit_code = EXIT_SETUP;
	}
	if (mine.ok && mine.signal != 0) {
		char why[128];

		snprintf(why, sizeof(why), "client killed by signal %d before this key was "
		    "recorded (rank %u, %s)", mine.signal, rank, mine.host);
		if (recover_keys(&a.p, a.keys_path, a.limit, &a.shard, child.trace, why, &mine.recovered, err, sizeof(err)) < 0)
			snprintf(mine.error, sizeof(mine.error), "accounting for the keys of the "
			    "killed client: %s", err);
	}
	comm_barrier(END_POLL_US);	/* every client has ended: no rank spins meanwhile */
	if (rank == 0 && (all = calloc(n, sizeof(*all))) == NULL)
		comm_abort(EXIT_SETUP);
	comm_gather(&mine, sizeof(mine), all);
	if (mine.ok) {
		gather_s = now_s();
		if (rank != 0 && comm_send_folder(rankdir, err, sizeof(err)) < 0)
			fprintf(stderr, "exifbench: mpi: rank %u: %s\n", rank, err);
		for (unsigned r = 1; rank == 0 && r < n; r++) {
			snprintf(rankdir, sizeof(rankdir), "%s/ranks/rank-%03u", dir, r);
			if (comm_recv_folder(r, rankdir, err, sizeof(err)) < 0)
				fprintf(stderr, "exifbench: mpi: rank %u's folder: %s\n", r, err);
		}
		gather_s = now_s() - gather_s;
	}
	if (rank == 0)
		rc = mpi_finish(&a, dir, &res, all, n, clock_s, gather_s, json);
	if (tmp[0] != '\0')
		nftw(tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(all);
	comm_finalize();
	return rank == 0 ? rc : mine.exit_code > 1 && mine.exit_code != 130 ? mine.exit_code :
	    mine.ok ? 0 : EXIT_SETUP;
}

/*
 * argv (argv[0] "run") into args, less --results DIR (into *dir) and --json (*json); the
 * options this layer sets are refused. The count, or -1 after an error (rank 0 prints it).
 */
static int
take_args(int argc, char **argv, char **args, const char **dir, int *json)
{
	int i, n = 0;
	const char *rank = getenv("OMPI_COMM_WORLD_RANK");

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--results") == 0 && i + 1 < argc) {
			*dir = argv[++i];
		} else if (strncmp(argv[i], "--results=", 10) == 0) {
			*dir = argv[i] + 10;
		} else if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "-j") == 0) {
			*json = 1;
		} else if (strncmp(argv[i], "--shard", 7) == 0 || strncmp(argv[i], "--trace",
		    7) == 0) {
			if (rank != NULL && strcmp(rank, "0") == 0)
				fprintf(stderr, "exifbench: run under mpirun: %s is the MPI layer's "
				    "to set (each rank takes its share, and keeps its trace in "
				    "DIR/ranks/)\n", argv[i]);
			return -1;
		} else if (n >= MAX_ARGS) {
			return -1;
		} else {
			args[n++] = argv[i];
		}
	}
	args[n] = NULL;
	return n;
}

/* run_args_parse, its messages shown by rank 0 only (every rank parses the same line). */
static int
parse_quietly(struct run_args *a, int n, char **args, int quiet)
{
	char *copy[MAX_ARGS + 1];
	int saved = -1, rc, i;

	for (i = 0; i <= n; i++)
		copy[i] = args[i];	/* getopt permutes its argv: the child gets the original */
	memset(a, 0, sizeof(*a));
	if (quiet && (saved = dup(STDERR_FILENO)) >= 0)
		freopen("/dev/null", "w", stderr);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	optind = 1;
	rc = run_args_parse(a, n, copy);
	if (saved >= 0) {
		fflush(stderr);
		dup2(saved, STDERR_FILENO);
		close(saved);
	}
	return rc;
}

static void
on_signal(int sig)
{
	stopping = 1;
	rankrun_signal(&child, sig == SIGTERM ? SIGTERM : SIGINT);
}

/* The exifbench binary this layer runs: EXIFBENCH_EXE (exifbench sets it), or beside us. */
static const char *
self_exe(char *buf, size_t len)
{
	const char *s = getenv("EXIFBENCH_EXE");
	char *slash;
	ssize_t n;

	if (s != NULL) {
		snprintf(buf, len, "%s", s);
		return buf;
	}
	n = readlink("/proc/self/exe", buf, len - 16);
	buf[n > 0 ? n : 0] = '\0';
	if ((slash = strrchr(buf, '/')) != NULL)
		strcpy(slash + 1, "exifbench");
	return buf;
}

static int
rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st, (void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}
