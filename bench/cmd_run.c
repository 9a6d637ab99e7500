/*
 * cmd_run.c: `exifbench run`: one pipeline run under one concurrency model. Takes the options
 * (run_opts.c) as a pipeline, makes sure the destination bucket exists, runs the model, and
 * prints one line per failed key on stderr, a progress line on a terminal, and a summary
 * (text, or JSON with --json) on stdout. With --trace, every job's record goes to a CSV file.
 *
 * All of that per-record output is written on the run's delivering thread (run.h), never by
 * a model's thread: the trace is a fully buffered stream (one write(2) per 64 KiB, not per
 * row) that only that thread writes, and the progress is the count that thread keeps, drawn
 * on a terminal and, when a harness asks for it (RUNNER_STATUS_ENV), written as a status
 * line to the pipe it passed, at most five times a second. No reader needs the trace while
 * the run goes, and its rows keep the order in which jobs were recorded.
 *
 * With several endpoints (--endpoints, EXIFBENCH_ENDPOINTS) the summary adds each one's jobs,
 * outcomes, GET and PUT times and bytes (harness/results/epstats.h), counted on that thread.
 *
 * With --results DIR the run is also a one-run result folder (run_results.h): its trace goes
 * to DIR/logs/ unless --trace names one, and is read back once the run has ended.
 *
 * Ctrl-C (or SIGTERM) sets a flag: no new key is started, the jobs in flight end and are
 * recorded, the summary says "stopped", and the exit code is 130. A second Ctrl-C kills.
 * --duration sets the same flag from SIGALRM: the run ends as if its keys had run out
 * ("timed_out" in the summary, exit 0 or 1), which is how the harness caps a run's length.
 *
 * With an S3 side, the run's circuit breaker (models/core/breaker.h) is made here, before the
 * model can fork, and handed to the run in the pipeline; the summary says what it did.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "run_opts.h"
#include "run_results.h"
#include "models/core/local.h"
#include "models/core/s3.h"
#include "harness/engine/gate.h"
#include "harness/engine/runner.h"
#include "harness/results/epstats.h"
#include "harness/results/trace.h"

#define EXIT_STOPPED 130	/* 128 + SIGINT, as a shell reports it */
#define MiB (1024.0 * 1024.0)
#define TRACE_BUFFER (64 * 1024)
#define PROGRESS_NS 200000000	/* between two progress lines */

struct run_cli {
	struct run_args a;
	FILE *keys;
	FILE *trace;
	int64_t t0;
	double cpu0_s;		/* the process's CPU time when the model started */
	int progress;		/* stderr is a terminal */
	int status_fd;		/* the harness's status pipe, or -1 */
	/* the delivering thread's (on_record), read by the main thread after a flush */
	int64_t last_progress;
	uint64_t done, failed;
	struct epstats *eps;		/* per endpoint, with more than one; else NULL */
	struct run_folder folder;	/* --results */
	double wall_s;			/* the model's run, for the folder */
	struct run_totals t;		/* its counts, for the folder */
	int ran;			/* t is set */
	char error[512];		/* the run's error, for the folder */
};

static atomic_int stop_flag;	/* set by on_signal, read by every worker thread */
static volatile sig_atomic_t timed_out;	/* the --duration alarm set stop_flag */

static int set_up(struct run_cli *c, struct run **rp);
static int open_files(struct run_cli *c);
static int measure(struct run_cli *c, struct run *r);
static int close_files(struct run_cli *c, int rc);
static void catch_signals(void);
static void on_signal(int sig);
static void on_alarm(int sig);
static int arm_duration(double s);
static int status_fd(void);
static void on_record(const struct job_record *rec, void *arg);
static void progress(struct run_cli *c, int64_t now);
static int prepare_dst(struct run_cli *c);
static void summary(struct run_cli *c, struct run *r, double wall_s);
static void endpoints_summary(const struct run_cli *c, json_t *o);
static const char *ms_text(char buf[16], double ms);
static double cpu_seconds(struct rusage *self, struct rusage *kids);
static int close_folder(struct run_cli *c, int rc);
static int setup_failed(const struct run_cli *c, int rc);

int
cmd_run(int argc, char **argv)
{
	struct run_cli c;
	struct run *r = NULL;
	int rc;

	memset(&c, 0, sizeof(c));
	c.status_fd = -1;
	if ((rc = run_args_parse(&c.a, argc, argv)) >= 0)
		return rc == EXIT_SETUP ? setup_failed(&c, rc) : rc;
	/* From here on a Ctrl-C is a stop request, even before the first key. */
	catch_signals();
	if (prepare_dst(&c) < 0)
		return setup_failed(&c, EXIT_SETUP);
	if (c.a.results_dir != NULL && run_folder_open(&c.folder, &c.a, argc, argv, c.error,
	    sizeof(c.error)) < 0) {
		cli_error("--results: %s", c.error);
		return setup_failed(&c, EXIT_SETUP);
	}
	if ((rc = open_files(&c)) >= 0)
		return close_folder(&c, setup_failed(&c, rc));
	if ((rc = set_up(&c, &r)) < 0)
		rc = measure(&c, r);
	else
		setup_failed(&c, rc);
	run_free(r);	/* before the trace is closed: it delivers what is left */
	epstats_free(c.eps);
	breaker_free(c.a.p.breaker);
	return close_folder(&c, close_files(&c, rc));
}

/*
 * A run that could not start: with --json, its outcome on stdout all the same, as a run that
 * fails midway reports it (nothing listed, the exit code, the error cli_error printed). rc.
 */
static int
setup_failed(const struct run_cli *c, int rc)
{
	if (c->a.json)
		cli_print_json(json_pack("{s:s?, s:i, s:i, s:i, s:i, s:s}", "model",
		    c->a.model != NULL ? c->a.model->name : NULL, "listed", 0, "ok", 0, "failed",
		    0, "exit_code", rc, "error", cli_last_error()));
	return rc;
}

/* With --results, the folder's summary row and final meta.json: rc, or EXIT_SETUP. */
static int
close_folder(struct run_cli *c, int rc)
{
	char err[1024];

	if (c->a.results_dir == NULL)
		return rc;
	if (run_folder_close(&c->folder, &c->a, rc, c->wall_s, c->ran ? &c->t : NULL, c->error,
	    err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: --results: %s\n", err);
		return rc ? rc : EXIT_SETUP;
	}
	if (!c->a.quiet)
		fprintf(stderr, "run: result folder %s (exifbench report %s)\n",
		    c->a.results_dir, c->a.results_dir);
	return rc;
}

/* The trace and the keys file: -1, or the exit code to return now (nothing left open). */
static int
open_files(struct run_cli *c)
{
	const char *trace = c->a.trace_path, *keys = c->a.keys_path;

	/* Fully buffered: only the delivering thread writes it, and nobody reads it mid-run. */
	if (trace != NULL && ((c->trace = fopen(trace, "w")) == NULL ||
	    setvbuf(c->trace, NULL, _IOFBF, TRACE_BUFFER) != 0 || trace_header(c->trace) < 0)) {
		cli_error("cannot write --trace file '%s'", trace);
		if (c->trace != NULL)
			fclose(c->trace);
		return EXIT_SETUP;
	}
	if (keys != NULL && (c->keys = strcmp(keys, "-") == 0 ? stdin : fopen(keys, "r")) ==
	    NULL) {
		cli_error("cannot read --keys file '%s'", keys);
		return close_files(c, EXIT_USAGE);
	}
	return -1;
}

/* The run, its status pipe and its timer: -1 to go on, else the exit code. */
static int
set_up(struct run_cli *c, struct run **rp)
{
	int gate;

	c->a.p.shared_io_thread = c->a.model->shared_io_thread;
	c->progress = !c->a.quiet && isatty(STDERR_FILENO);
	c->status_fd = status_fd();
	if (c->a.p.s3.nendpoints > 1 && (c->eps = epstats_new(c->a.p.s3.nendpoints)) == NULL) {
		cli_error("out of memory");
		return EXIT_SETUP;
	}
	if (c->a.breaker_window_s > 0 && (c->a.p.src_dir[0] == '\0' ||
	    c->a.p.dst_dir[0] == '\0') && (c->a.p.breaker = breaker_new(&c->a.p.s3,
	    c->a.p.src_dir[0] == '\0' ? c->a.p.src_bucket : c->a.p.dst_bucket,
	    c->a.breaker_window_s)) == NULL) {
		cli_error("cannot map the circuit breaker's shared state");
		return EXIT_SETUP;
	}
	if ((*rp = run_new(&c->a.p, &c->a.opts, c->a.limit, &stop_flag, on_record, c)) ==
	    NULL) {
		cli_error("out of memory");
		return EXIT_SETUP;
	}
	if (c->keys != NULL)
		run_set_keys(*rp, c->keys, c->a.keys_path);
	run_rate_apply(&c->a.rate, *rp);
	if (run_set_shard(*rp, c->a.shard.index, c->a.shard.count) < 0) {
		cli_error("out of memory");
		return EXIT_SETUP;
	}
	if ((gate = gate_fd_from_env()) >= 0 && !gate_wait(gate)) {
		close(gate);
		cli_error(atomic_load(&stop_flag) ? "stopped before the start" :
		    "the coordinator called the start off (another client could not start)");
		return atomic_load(&stop_flag) ? EXIT_STOPPED : EXIT_SETUP;
	}
	c->cpu0_s = cpu_seconds(&(struct rusage){ 0 }, &(struct rusage){ 0 });
	c->t0 = job_now_ns();
	if (gate >= 0)
		gate_started(gate, gate_unix_ns());
	if (c->a.duration_s > 0 && arm_duration(c->a.duration_s) < 0) {
		cli_error("--duration: cannot set a timer");
		return EXIT_SETUP;
	}
	return -1;
}

/* Runs the model, prints the summary: the exit code. */
static int
measure(struct run_cli *c, struct run *r)
{
	struct run_totals t;
	int64_t t_end;
	int mrc;

	mrc = c->a.model->run(r);
	t_end = job_now_ns();
	arm_duration(0);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	run_totals(r, &t);	/* every record delivered: no progress line after this */
	c->t = t;
	c->ran = 1;
	progress(c, 0);
	if (c->progress)
		fputs("\r\033[K", stderr);
	c->wall_s = (double)(t_end - c->t0) / 1e9;
	summary(c, r, c->wall_s);
	if (mrc < 0 || run_error(r)[0] != '\0') {
		fprintf(stderr, "exifbench: run: %s\n", run_error(r));
		snprintf(c->error, sizeof(c->error), "%s", run_error(r));
		return EXIT_SETUP;
	}
	if (t.stopped && !timed_out)
		return EXIT_STOPPED;	/* a signal after the last key leaves a whole run */
	if (t.listed == 0 && c->a.keys_path != NULL)
		fprintf(stderr, "exifbench: warning: --keys file '%s' names no key: nothing was "
		    "run\n", c->a.keys_path);
	else if (t.listed == 0 && c->a.shard.count > 1)
		fprintf(stderr, "exifbench: note: share %u/%u of --src holds no key: nothing was "
		    "run here\n", c->a.shard.index, c->a.shard.count);
	else if (t.listed == 0)
		fprintf(stderr, "exifbench: warning: --src holds no file or object: nothing was "
		    "run\n");
	if (t.unsustained)
		return EXIT_UNSUSTAINED;
	return t.failed > 0 ? EXIT_ITEMS : 0;
}

/* Closes the trace and the keys file; rc, or EXIT_SETUP when the trace fell short. */
static int
close_files(struct run_cli *c, int rc)
{
	if (c->trace != NULL && fclose(c->trace) != 0) {
		fprintf(stderr, "exifbench: writing --trace file '%s' failed\n",
		    c->a.trace_path);
		rc = rc ? rc : EXIT_SETUP;
	}
	if (c->keys != NULL && c->keys != stdin)
		fclose(c->keys);
	c->trace = c->keys = NULL;
	return rc;
}

static void
catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART | SA_RESETHAND;	/* a second Ctrl-C kills */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/*
 * The status pipe a harness passed (runner.h), non-blocking and kept from the children a
 * model forks and execs; -1 when there is none.
 */
static int
status_fd(void)
{
	const char *s = getenv(RUNNER_STATUS_ENV);
	char *end;
	long fd;

	if (s == NULL)
		return -1;
	fd = strtol(s, &end, 10);
	unsetenv(RUNNER_STATUS_ENV);
	if (*s == '\0' || *end != '\0' || fd < 3 || fd > 65535 ||
	    fcntl((int)fd, F_SETFD, FD_CLOEXEC) < 0)
		return -1;
	fcntl((int)fd, F_SETFL, O_NONBLOCK);
	return (int)fd;
}

/*
 * Creates the destination bucket, or local folder, unless it exists: 0, or -1 after a
 * one-line error.
 */
static int
prepare_dst(struct run_cli *c)
{
	char probe[LOCATION_DIR_MAX + 4];
	struct s3_result res;
	struct s3 *s3;
	int rv;

	if (c->a.p.dst_dir[0] != '\0') {
		snprintf(probe, sizeof(probe), "%s/x", c->a.p.dst_dir);
		if (local_mkdirs(probe) < 0 || access(c->a.p.dst_dir, W_OK) < 0) {
			cli_error("--dst: cannot create or write folder %s: %s", c->a.p.dst_dir,
			    strerror(errno));
			return -1;
		}
		return 0;
	}
	if ((s3 = s3_new(&c->a.p.s3)) == NULL) {
		cli_error("out of memory");
		return -1;
	}
	rv = s3_check_bucket(s3, c->a.p.dst_bucket, &res);
	if (rv < 0 && res.status == 404)
		rv = s3_create_bucket(s3, c->a.p.dst_bucket, &res);
	if (rv < 0)
		cli_error("--dst: %s", res.error);
	s3_free(s3);
	return rv;
}

/* Sends SIGALRM to on_alarm after s seconds (0 disarms): 0, or -1. */
static int
arm_duration(double s)
{
	struct itimerval it;
	struct sigaction sa;

	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = (time_t)s;
	it.it_value.tv_usec = (suseconds_t)((s - (double)(time_t)s) * 1e6);
	if (s > 0) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_alarm;
		sa.sa_flags = SA_RESTART;
		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGALRM, &sa, NULL) < 0)
			return -1;
	}
	return setitimer(ITIMER_REAL, &it, NULL);
}

static void
on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
	atomic_store(&stop_flag, 1);
}

static void
on_signal(int sig)
{
	int saved = errno;

	(void)sig;
	atomic_store(&stop_flag, 1);
	errno = saved;
}

/* The delivering thread: one record, in the order they were recorded. */
static void
on_record(const struct job_record *rec, void *arg)
{
	struct run_cli *c = arg;
	int64_t now;

	c->done++;
	if (rec->outcome != JOB_OK) {
		c->failed++;
		if (!c->a.quiet)
			fprintf(stderr, "%sexifbench: %s: %s\n", c->progress ? "\r\033[K" : "",
			    rec->key, rec->error);
	}
	if (c->trace != NULL)
		trace_row(c->trace, rec, c->t0);
	epstats_add_record(c->eps, rec);
	if ((c->progress || c->status_fd >= 0) &&
	    (now = job_now_ns()) - c->last_progress >= PROGRESS_NS)
		progress(c, now);
}

/*
 * The counts so far: a status line for the harness and, now != 0, the terminal's progress
 * line. A full status pipe drops the line: the next one says more.
 */
static void
progress(struct run_cli *c, int64_t now)
{
	char line[64];
	ssize_t w;
	double s;
	int n;

	if (now != 0)
		c->last_progress = now;
	if (c->status_fd >= 0) {
		n = snprintf(line, sizeof(line), "%llu %llu\n", (unsigned long long)c->done,
		    (unsigned long long)c->failed);
		w = write(c->status_fd, line, (size_t)n);
		(void)w;
	}
	if (now == 0 || !c->progress)
		return;
	s = (double)(now - c->t0) / 1e9;
	fprintf(stderr, "\r\033[K  run %s: %llu done, %llu failed, %.1f images/s%s",
	    c->a.model->name, (unsigned long long)c->done, (unsigned long long)c->failed,
	    s > 0 ? (double)c->done / s : 0.0, atomic_load(&stop_flag) ? " (stopping)" : "");
}

static void
summary(struct run_cli *c, struct run *r, double wall_s)
{
	struct run_totals t;
	struct rusage self, kids;
	double rate, pct, cpu_s = cpu_seconds(&self, &kids) - c->cpu0_s;
	char shard[32];
	json_t *o;

	snprintf(shard, sizeof(shard), "%u/%u", c->a.shard.index, c->a.shard.count);
	run_totals(r, &t);
	rate = wall_s > 0 ? (double)t.ok / wall_s : 0;
	if (c->a.json) {
		o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:s, s:f,"
		    " s:b, s:I, s:I, s:I, s:f, s:f, s:f, s:f, s:i, s:f, s:f, s:I, s:I, s:b, s:b, s:s,"
		    " s:s, s:s?, s:o}", "model", c->a.model->name, "src_bucket", c->a.p.src_bucket,
		    "src_prefix", c->a.p.src_prefix, "src_dir", c->a.p.src_dir, "dst_bucket",
		    c->a.p.dst_bucket, "dst_prefix", c->a.p.dst_prefix, "dst_dir", c->a.p.dst_dir,
		    "concurrency", (int)c->a.opts.concurrency, "workers",
		    (int)c->a.opts.workers, "transform", transform_kind_name(c->a.p.transform.kind),
		    "cpu_spin_ms", c->a.p.transform.spin_ms, "global_lock", c->a.opts.global_lock,
		    "listed", (json_int_t)t.listed, "ok", (json_int_t)t.ok, "failed",
		    (json_int_t)t.failed, "wall_s", wall_s, "images_per_s", rate, "mib_in",
		    (double)t.bytes_in / MiB, "mib_out", (double)t.bytes_out / MiB,
		    "list_pages", (int)t.list_pages, "list_s", (double)t.list_ns / 1e9,
		    "cpu_s", cpu_s, "max_rss_kib", (json_int_t)self.ru_maxrss,
		    "worker_max_rss_kib", (json_int_t)kids.ru_maxrss, "stopped",
		    t.stopped && !timed_out, "timed_out", (int)timed_out, "error",
		    run_error(r), "stage", c->a.p.stage.kind != STAGE_BUILTIN ?
		    c->a.p.stage.path : "builtin", "shard", c->a.shard.count > 1 ? shard : NULL,
		    "breaker", run_breaker_json(&t));
		run_rate_json(&c->a.rate, &t, o);
		endpoints_summary(c, o);
		cli_print_json(o);
		return;
	}
	/* a decimal under 10%: an I/O-bound run's 0.3% must not read as 0% */
	pct = wall_s > 0 ? 100 * cpu_s / wall_s : 0.0;
	printf("%s: %llu images: %llu ok, %llu failed in %.2f s: %.1f images/s, %.2f MiB/s in,"
	    " CPU %.*f%% of wall, max RSS %.1f MiB%s\n", c->a.model->name,
	    (unsigned long long)t.listed, (unsigned long long)t.ok,
	    (unsigned long long)t.failed, wall_s, rate,
	    wall_s > 0 ? (double)t.bytes_in / MiB / wall_s : 0.0,
	    pct < 10 ? 1 : 0, pct, (double)self.ru_maxrss / 1024,
	    timed_out ? " (--duration reached: later keys were not run)" : t.stopped ?
	    " (stopped by a signal: keys not yet listed were not run)" : "");
	if (t.breaker.opened > 0)
		printf("circuit breaker: opened %u time%s, open %.2f s in all; %s; %llu key%s run "
		    "again, %llu failed \"endpoint down\"\n", t.breaker.opened,
		    t.breaker.opened == 1 ? "" : "s", (double)t.breaker.open_ns / 1e9,
		    t.breaker.down ? "gave up on the endpoint" : "the endpoint answered again",
		    (unsigned long long)t.breaker_retried, t.breaker_retried == 1 ? "" : "s",
		    (unsigned long long)t.breaker_failed);
	run_rate_print(&c->a.rate, &t);
	endpoints_summary(c, NULL);
}

/*
 * With several endpoints, each one's jobs, outcomes, GET and PUT stage times and bytes:
 * the --json summary's "endpoints" array into o, or (o NULL) a line each on stdout.
 */
static void
endpoints_summary(const struct run_cli *c, json_t *o)
{
	const struct s3_config *cfg = &c->a.p.s3;
	struct epstats_row e;
	char t[4][16];
	json_t *arr;
	unsigned i;

	if (c->eps == NULL || (o != NULL && (arr = json_array()) == NULL))
		return;
	for (i = 0; i < epstats_n(c->eps); i++) {
		if (o != NULL) {
			json_array_append_new(arr, epstats_json(c->eps, i, cfg->endpoints[i]));
			continue;
		}
		epstats_get(c->eps, i, &e);
		printf("  endpoint %u %s: %llu jobs, %llu ok, %llu failed; GET p50 %s p99 %s ms, "
		    "PUT p50 %s p99 %s ms; %.2f MiB in, %.2f MiB out\n", i, cfg->endpoints[i],
		    (unsigned long long)e.jobs, (unsigned long long)e.ok,
		    (unsigned long long)e.failed, ms_text(t[0], e.get_p50_ms),
		    ms_text(t[1], e.get_p99_ms), ms_text(t[2], e.put_p50_ms),
		    ms_text(t[3], e.put_p99_ms), (double)e.bytes_in / MiB,
		    (double)e.bytes_out / MiB);
	}
	if (o != NULL)
		json_object_set_new(o, "endpoints", arr);
}

/* ms with one decimal, or "-" when unknown (no job ended ok there). */
static const char *
ms_text(char buf[16], double ms)
{
	if (ms < 0)
		return "-";
	snprintf(buf, 16, "%.1f", ms);
	return buf;
}

/*
 * CPU time of this process and of its reaped children (forkpool's workers), in seconds;
 * their rusage goes to *self and *kids.
 */
static double
cpu_seconds(struct rusage *self, struct rusage *kids)
{
	getrusage(RUSAGE_SELF, self);
	getrusage(RUSAGE_CHILDREN, kids);
	return (double)(self->ru_utime.tv_sec + self->ru_stime.tv_sec + kids->ru_utime.tv_sec +
	    kids->ru_stime.tv_sec) + (double)(self->ru_utime.tv_usec + self->ru_stime.tv_usec +
	    kids->ru_utime.tv_usec + kids->ru_stime.tv_usec) / 1e6;
}
