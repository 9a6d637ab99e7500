/*
 * cmd_run.c: `exifbench run`: one pipeline run under one concurrency model. Parses the
 * options into a pipeline, makes sure the destination bucket exists, runs the model, and
 * prints one line per failed key on stderr, a progress line on a terminal, and a summary
 * (text, or JSON with --json) on stdout. With --trace, every job's record goes to a CSV file.
 *
 * Ctrl-C (or SIGTERM) sets a flag: no new key is started, the jobs in flight end and are
 * recorded, the summary says "stopped", and the exit code is 130. A second Ctrl-C kills.
 * --duration sets the same flag from SIGALRM: the run ends as if its keys had run out
 * ("timed_out" in the summary, exit 0 or 1), which is how the harness caps a run's length.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>

#include "cli.h"
#include "models/model.h"
#include "models/core/s3.h"
#include "harness/engine/topo.h"
#include "harness/results/trace.h"

#define EXIT_STOPPED 130	/* 128 + SIGINT, as a shell reports it */
#define MiB (1024.0 * 1024.0)

struct run_cli {
	const struct model *model;
	struct pipeline p;
	struct model_opts opts;
	unsigned long limit;
	double duration_s;	/* --duration: 0, or the wall time after which no key starts */
	int json, quiet, workers_set, concurrency_set;
	const char *trace_path;
	const char *keys_path;
	FILE *keys;
	FILE *trace;
	int64_t t0;
	double cpu0_s;		/* the process's CPU time when the model started */
	int64_t last_progress;
	int progress;		/* stderr is a terminal */
	uint64_t done, failed;
};

static atomic_int stop_flag;	/* set by on_signal, read by every worker thread */
static volatile sig_atomic_t timed_out;	/* the --duration alarm set stop_flag */

static int parse(struct run_cli *c, int argc, char **argv);
static int parse_uri(const char *opt, const char *uri, char *bucket, char *prefix);
static const char *names(int (*has)(const struct model *), char *buf, size_t len);
static int any_model(const struct model *m);
static int uses_workers(const struct model *m);
static int uses_global_lock(const struct model *m);
static void on_signal(int sig);
static void on_alarm(int sig);
static int arm_duration(double s);
static void print_usage(void);
static void on_record(const struct job_record *rec, void *arg);
static int prepare_dst(struct run_cli *c);
static void summary(struct run_cli *c, struct run *r, double wall_s);
static double cpu_seconds(struct rusage *self, struct rusage *kids);

static const char usage[] =
    "usage: exifbench run --model NAME --src s3://B[/P] --dst s3://B[/P] [options]\n"
    "Runs the pipeline (GET each JPEG under --src, extract its EXIF, optionally transform\n"
    "it, PUT DST/KEY.json) under one concurrency model, and prints a summary.\n"
    "  -m, --model NAME        one of the models listed below\n"
    "  -s, --src s3://B[/P]    the input folder (listed page by page)\n"
    "  -d, --dst s3://B[/P]    the output folder (the bucket is created if missing);\n"
    "                          must not lie inside --src\n"
    "  -c, --concurrency N     requests in flight: threads (pthreads), processes\n"
    "                          (forkpool) or transfers (async, hybrid); default 8, and 1\n"
    "                          for sequential, which accepts no other value\n"
    "  -w, --workers W         hybrid: CPU-stage threads (default: the cores this\n"
    "                          process may use, from hwloc)\n"
    "  -n, --limit N           stop after N keys (default: all)\n"
    "      --duration S        start no key after S seconds; the keys in flight end\n"
    "      --keys FILE         run the keys listed in FILE (one full key of the --src\n"
    "                          bucket per line; - for stdin) instead of listing --src\n"
    "  -t, --transform KIND    none (default), thumbnail or recompress\n"
    "  -q, --quality Q         JPEG quality of the transform, 1..100 (85)\n"
    "      --thumb-max PX      thumbnail: longest side to reach by DCT scaling (160)\n"
    "      --cpu-spin-ms X     burn X ms of CPU per image (measured on the thread's clock)\n"
    "      --global-lock       pthreads: run the CPU stage under one global mutex (a GIL)\n"
    "      --upload-image      also PUT the processed image as DST/KEY\n"
    "      --trace FILE        write one CSV row per image (stage times, CPU, curl timings)\n"
    "  -j, --json              print the summary as one JSON object\n"
    "      --quiet             no progress line and no per-key errors on stderr\n"
    "  -h, --help              this text\n"
    "Exit: 0 every key ok, 1 some keys failed, 2 usage, 3 setup (settings, endpoint,\n"
    "listing, model start), 130 stopped by Ctrl-C (the summary still counts every key).\n"
    "The summary's \"timed_out\" says --duration ended the run (not an error).\n";

int
cmd_run(int argc, char **argv)
{
	struct run_cli c;
	struct sigaction sa;
	struct run *r = NULL;
	struct run_totals t;
	struct rusage ru_self, ru_kids;
	int64_t t_end;
	int rc, mrc;

	memset(&c, 0, sizeof(c));
	if ((rc = parse(&c, argc, argv)) >= 0)
		return rc;
	/* From here on a Ctrl-C is a stop request, even before the first key. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART | SA_RESETHAND;	/* a second Ctrl-C kills */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (prepare_dst(&c) < 0)
		return EXIT_SETUP;
	/* Line-buffered, so a harness can count the rows (its progress) while the run goes. */
	if (c.trace_path != NULL && ((c.trace = fopen(c.trace_path, "w")) == NULL ||
	    setvbuf(c.trace, NULL, _IOLBF, 0) != 0 || trace_header(c.trace) < 0)) {
		fprintf(stderr, "exifbench: cannot write --trace file '%s'\n", c.trace_path);
		if (c.trace != NULL)
			fclose(c.trace);
		return EXIT_SETUP;
	}
	if (c.keys_path != NULL && (c.keys = strcmp(c.keys_path, "-") == 0 ? stdin :
	    fopen(c.keys_path, "r")) == NULL) {
		fprintf(stderr, "exifbench: cannot read --keys file '%s'\n", c.keys_path);
		rc = EXIT_USAGE;
		goto out;
	}
	c.p.shared_io_thread = c.model->shared_io_thread;
	c.progress = !c.quiet && isatty(STDERR_FILENO);
	if ((r = run_new(&c.p, &c.opts, c.limit, &stop_flag, on_record, &c)) == NULL) {
		fprintf(stderr, "exifbench: out of memory\n");
		rc = EXIT_SETUP;
		goto out;
	}
	if (c.keys != NULL)
		run_set_keys(r, c.keys, c.keys_path);

	c.cpu0_s = cpu_seconds(&ru_self, &ru_kids);
	c.t0 = job_now_ns();
	if (c.duration_s > 0 && arm_duration(c.duration_s) < 0) {
		fprintf(stderr, "exifbench: --duration: cannot set a timer\n");
		rc = EXIT_SETUP;
		goto out;
	}
	mrc = c.model->run(r);
	t_end = job_now_ns();
	arm_duration(0);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if (c.progress)
		fputs("\r\033[K", stderr);
	summary(&c, r, (double)(t_end - c.t0) / 1e9);
	run_totals(r, &t);
	if (mrc < 0 || run_error(r)[0] != '\0') {
		fprintf(stderr, "exifbench: run: %s\n", run_error(r));
		rc = EXIT_SETUP;
	} else if (t.stopped && !timed_out) {
		rc = EXIT_STOPPED;	/* a signal after the last key leaves a whole run */
	} else {
		rc = t.failed > 0 ? EXIT_ITEMS : 0;
	}
out:
	if (c.trace != NULL && fclose(c.trace) != 0) {
		fprintf(stderr, "exifbench: writing --trace file '%s' failed\n", c.trace_path);
		rc = rc ? rc : EXIT_SETUP;
	}
	if (c.keys != NULL && c.keys != stdin)
		fclose(c.keys);
	run_free(r);
	return rc;
}

/* Parses argv into c and the environment; -1 to go on, else the exit code to return now. */
static int
parse(struct run_cli *c, int argc, char **argv)
{
	enum { O_THUMB = 256, O_SPIN, O_GIL, O_UPLOAD, O_TRACE, O_QUIET, O_KEYS, O_DURATION };
	static const struct option longopts[] = {
		{ "model", required_argument, NULL, 'm' },
		{ "src", required_argument, NULL, 's' },
		{ "dst", required_argument, NULL, 'd' },
		{ "concurrency", required_argument, NULL, 'c' },
		{ "workers", required_argument, NULL, 'w' },
		{ "limit", required_argument, NULL, 'n' },
		{ "duration", required_argument, NULL, O_DURATION },
		{ "transform", required_argument, NULL, 't' },
		{ "quality", required_argument, NULL, 'q' },
		{ "thumb-max", required_argument, NULL, O_THUMB },
		{ "cpu-spin-ms", required_argument, NULL, O_SPIN },
		{ "global-lock", no_argument, NULL, O_GIL },
		{ "upload-image", no_argument, NULL, O_UPLOAD },
		{ "trace", required_argument, NULL, O_TRACE },
		{ "keys", required_argument, NULL, O_KEYS },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, O_QUIET },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct transform_opts topts = TRANSFORM_OPTS_DEFAULT;
	const char *src = NULL, *dst = NULL;
	const struct model *m;
	char err[512], buf[128];
	unsigned long v;
	size_t n;
	int ch;

	c->p.transform = topts;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "m:s:d:c:w:n:t:q:jh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'm':
			if ((c->model = model_find(optarg)) == NULL) {
				fprintf(stderr, "exifbench: unknown --model '%s' (%s)\n", optarg,
				    names(any_model, buf, sizeof(buf)));
				return EXIT_USAGE;
			}
			break;
		case 's': src = optarg; break;
		case 'd': dst = optarg; break;
		case 'c':
			if (cli_parse_uint("--concurrency", optarg, 1, 4096, &v) < 0)
				return EXIT_USAGE;
			c->opts.concurrency = (unsigned)v, c->concurrency_set = 1;
			break;
		case 'w':
			if (cli_parse_uint("--workers", optarg, 1, 1024, &v) < 0)
				return EXIT_USAGE;
			c->opts.workers = (unsigned)v, c->workers_set = 1;
			break;
		case 'n':
			if (cli_parse_uint("--limit", optarg, 1, ~0UL, &c->limit) < 0)
				return EXIT_USAGE;
			break;
		case O_DURATION:
			if (cli_parse_double("--duration", optarg, 0.001, 86400,
			    &c->duration_s) < 0)
				return EXIT_USAGE;
			break;
		case 't':
			if (transform_kind_parse(optarg, &c->p.transform.kind) < 0) {
				fprintf(stderr, "exifbench: unknown --transform '%s' (none, "
				    "thumbnail, recompress)\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'q':
			if (cli_parse_uint("--quality", optarg, 1, 100, &v) < 0)
				return EXIT_USAGE;
			c->p.transform.quality = (int)v;
			break;
		case O_THUMB:
			if (cli_parse_uint("--thumb-max", optarg, 8, 65535, &v) < 0)
				return EXIT_USAGE;
			c->p.transform.thumb_max = (int)v;
			break;
		case O_SPIN:
			if (cli_parse_double("--cpu-spin-ms", optarg, 0, 60000,
			    &c->p.transform.spin_ms) < 0)
				return EXIT_USAGE;
			break;
		case O_GIL: c->opts.global_lock = 1; break;
		case O_UPLOAD: c->p.upload_image = 1; break;
		case O_TRACE: c->trace_path = optarg; break;
		case O_KEYS: c->keys_path = optarg; break;
		case 'j': c->json = 1; break;
		case O_QUIET: c->quiet = 1; break;
		case 'h': print_usage(); return 0;
		default:
			fputs(usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "exifbench: run: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (c->model == NULL || src == NULL || dst == NULL) {
		fprintf(stderr, "exifbench: run needs --model, --src and --dst (see --help)\n");
		return EXIT_USAGE;
	}
	if (parse_uri("--src", src, c->p.src_bucket, c->p.src_prefix) < 0 ||
	    parse_uri("--dst", dst, c->p.dst_bucket, c->p.dst_prefix) < 0)
		return EXIT_USAGE;
	n = strlen(c->p.src_prefix);
	if (strcmp(c->p.src_bucket, c->p.dst_bucket) == 0 && (n == 0 ||
	    (strncmp(c->p.dst_prefix, c->p.src_prefix, n) == 0 &&
	    (c->p.dst_prefix[n] == '/' || c->p.dst_prefix[n] == '\0')))) {
		fprintf(stderr, "exifbench: --dst %s lies inside --src %s: the outputs would be "
		    "listed as inputs\n", dst, src);
		return EXIT_USAGE;
	}
	m = c->model;
	if (m->max_concurrency > 0 && c->opts.concurrency > m->max_concurrency) {
		fprintf(stderr, "exifbench: the %s model keeps at most %u request in flight; "
		    "--concurrency must be %u at most\n", m->name, m->max_concurrency,
		    m->max_concurrency);
		return EXIT_USAGE;
	}
	if (c->workers_set && !m->uses_workers) {
		fprintf(stderr, "exifbench: --workers applies to the %s model only; "
		    "--concurrency sets the %s model's size\n", names(uses_workers, buf,
		    sizeof(buf)), m->name);
		return EXIT_USAGE;
	}
	if (c->opts.global_lock && !m->uses_global_lock) {
		fprintf(stderr, "exifbench: --global-lock applies to the %s model only\n",
		    names(uses_global_lock, buf, sizeof(buf)));
		return EXIT_USAGE;
	}
	if (!c->concurrency_set)
		c->opts.concurrency = m->max_concurrency > 0 && m->max_concurrency < 8 ?
		    m->max_concurrency : 8;
	if (!c->workers_set)
		c->opts.workers = topo_bound_cores();
	if (s3_config_from_env(&c->p.s3, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: %s\n", err);
		return EXIT_SETUP;
	}
	return -1;
}

static int
parse_uri(const char *opt, const char *uri, char *bucket, char *prefix)
{
	char err[256];

	if (s3url_parse_uri(uri, bucket, JOB_BUCKET_MAX, prefix, JOB_KEY_MAX, err,
	    sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: %s: %s\n", opt, err);
		return -1;
	}
	return 0;
}

/* The names of the models that have `has`, in table order, comma-separated, into buf. */
static const char *
names(int (*has)(const struct model *), char *buf, size_t len)
{
	const struct model *const *m;
	size_t off = 0;

	buf[0] = '\0';
	for (m = model_table; *m != NULL; m++)
		if (has(*m) && off < len)
			off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? ", " : "",
			    (*m)->name);
	return buf;
}

/* The usage, then the models of the table with their one-line summaries. */
static void
print_usage(void)
{
	const struct model *const *m;

	fputs(usage, stdout);
	fputs("models:\n", stdout);
	for (m = model_table; *m != NULL; m++)
		printf("  %-22s  %s\n", (*m)->name, (*m)->summary);
}

static int
any_model(const struct model *m)
{
	return m != NULL;
}

static int
uses_workers(const struct model *m)
{
	return m->uses_workers;
}

static int
uses_global_lock(const struct model *m)
{
	return m->uses_global_lock;
}

/* Creates the destination bucket unless it exists: 0, or -1 after a one-line error. */
static int
prepare_dst(struct run_cli *c)
{
	struct s3_result res;
	struct s3 *s3 = s3_new(&c->p.s3);
	int rv;

	if (s3 == NULL) {
		fprintf(stderr, "exifbench: out of memory\n");
		return -1;
	}
	rv = s3_check_bucket(s3, c->p.dst_bucket, &res);
	if (rv < 0 && res.status == 404)
		rv = s3_create_bucket(s3, c->p.dst_bucket, &res);
	if (rv < 0)
		fprintf(stderr, "exifbench: --dst: %s\n", res.error);
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

/* Runs under the run's lock: one record at a time. */
static void
on_record(const struct job_record *rec, void *arg)
{
	struct run_cli *c = arg;
	int64_t now;
	double s;

	c->done++;
	if (rec->outcome != JOB_OK) {
		c->failed++;
		if (!c->quiet)
			fprintf(stderr, "%sexifbench: %s: %s\n", c->progress ? "\r\033[K" : "",
			    rec->key, rec->error);
	}
	if (c->trace != NULL)
		trace_row(c->trace, rec, c->t0);
	if (!c->progress || (now = job_now_ns()) - c->last_progress < 200000000)
		return;
	c->last_progress = now;
	s = (double)(now - c->t0) / 1e9;
	fprintf(stderr, "\r\033[K  run %s: %llu done, %llu failed, %.1f images/s%s",
	    c->model->name, (unsigned long long)c->done, (unsigned long long)c->failed,
	    s > 0 ? (double)c->done / s : 0.0, atomic_load(&stop_flag) ? " (stopping)" : "");
}

static void
summary(struct run_cli *c, struct run *r, double wall_s)
{
	struct run_totals t;
	struct rusage self, kids;
	double rate, cpu_s = cpu_seconds(&self, &kids) - c->cpu0_s;

	run_totals(r, &t);
	rate = wall_s > 0 ? (double)t.ok / wall_s : 0;
	if (c->json) {
		cli_print_json(json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:s, s:f, s:b, s:I,"
		    " s:I, s:I, s:f, s:f, s:f, s:f, s:i, s:f, s:f, s:I, s:I, s:b, s:b, s:s}",
		    "model", c->model->name, "src_bucket", c->p.src_bucket, "src_prefix",
		    c->p.src_prefix, "dst_bucket", c->p.dst_bucket, "dst_prefix",
		    c->p.dst_prefix, "concurrency", (int)c->opts.concurrency, "workers",
		    (int)c->opts.workers, "transform", transform_kind_name(c->p.transform.kind),
		    "cpu_spin_ms", c->p.transform.spin_ms, "global_lock", c->opts.global_lock,
		    "listed", (json_int_t)t.listed, "ok", (json_int_t)t.ok, "failed",
		    (json_int_t)t.failed, "wall_s", wall_s, "images_per_s", rate, "mib_in",
		    (double)t.bytes_in / MiB, "mib_out", (double)t.bytes_out / MiB,
		    "list_pages", (int)t.list_pages, "list_s", (double)t.list_ns / 1e9,
		    "cpu_s", cpu_s, "max_rss_kib", (json_int_t)self.ru_maxrss,
		    "worker_max_rss_kib", (json_int_t)kids.ru_maxrss, "stopped",
		    t.stopped && !timed_out, "timed_out", (int)timed_out, "error",
		    run_error(r)));
		return;
	}
	printf("%s: %llu images: %llu ok, %llu failed in %.2f s: %.1f images/s, %.2f MiB/s in,"
	    " CPU %.0f%% of wall, max RSS %.1f MiB%s\n", c->model->name,
	    (unsigned long long)t.listed, (unsigned long long)t.ok,
	    (unsigned long long)t.failed, wall_s, rate,
	    wall_s > 0 ? (double)t.bytes_in / MiB / wall_s : 0.0,
	    wall_s > 0 ? 100 * cpu_s / wall_s : 0.0, (double)self.ru_maxrss / 1024,
	    timed_out ? " (--duration reached: later keys were not run)" : t.stopped ?
	    " (stopped by a signal: keys not yet listed were not run)" : "");
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
