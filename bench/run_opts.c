/*
 * run_opts.c: `exifbench run`'s options, into the model, its options and the pipeline. The
 * option loop (cli_options_help) hands each option to the parser of its group (the run's
 * shape, the pipeline's CPU stage); the checks that need every option (the folders:
 * run_where.c; what the model takes) come after the loop. See run_opts.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "run_opts.h"
#include "run_where.h"
#include "models/core/s3.h"
#include "harness/engine/topo.h"
#include "harness/results/results.h"

enum { O_THUMB = 256, O_SPIN, O_GIL, O_UPLOAD, O_TRACE, O_QUIET, O_KEYS, O_DURATION, O_BREAKER,
	O_STAGE, O_STAGE_TIMEOUT, O_STAGE_CMD, O_RESULTS, O_SHARD, O_ENDPOINTS };

/* The result, and what the parse needs beyond it. */
struct parse_state {
	struct run_args *a;
	const char *src, *dst;
	int workers_set, concurrency_set;
};

static int parse_opt(int ch, const char *arg, void *ctx);
static int parse_run_opt(struct run_args *a, struct parse_state *st, int ch, const char *arg);
static int parse_stage_opt(struct run_args *a, int ch, const char *arg);
static int set_endpoints(const char *arg);
static int check_model(struct run_args *a, const struct parse_state *st);
static int check_stage(struct run_args *a);
static int check_results(const struct run_args *a);
static int set_stage(struct run_args *a, const char *opt, const char *arg,
    int (*parse)(struct stage_conf *, const char *, char *, size_t));
static const char *names(int (*has)(const struct model *), char *buf, size_t len);
static int any_model(const struct model *m);
static int uses_workers(const struct model *m);
static int uses_global_lock(const struct model *m);
static void print_usage(void);

static const struct option longopts[] = {
	{ "model", required_argument, NULL, 'm' },
	{ "src", required_argument, NULL, 's' },
	{ "dst", required_argument, NULL, 'd' },
	{ "concurrency", required_argument, NULL, 'c' },
	{ "workers", required_argument, NULL, 'w' },
	{ "limit", required_argument, NULL, 'n' },
	{ "duration", required_argument, NULL, O_DURATION },
	{ "breaker-window", required_argument, NULL, O_BREAKER },
	RUN_RATE_LONGOPTS,
	{ "transform", required_argument, NULL, 't' },
	{ "quality", required_argument, NULL, 'q' },
	{ "thumb-max", required_argument, NULL, O_THUMB },
	{ "cpu-spin-ms", required_argument, NULL, O_SPIN },
	{ "global-lock", no_argument, NULL, O_GIL },
	{ "upload-image", no_argument, NULL, O_UPLOAD },
	{ "stage", required_argument, NULL, O_STAGE },
	{ "stage-timeout-ms", required_argument, NULL, O_STAGE_TIMEOUT },
	{ "stage-cmd", required_argument, NULL, O_STAGE_CMD },
	{ "trace", required_argument, NULL, O_TRACE },
	{ "results", required_argument, NULL, O_RESULTS },
	{ "keys", required_argument, NULL, O_KEYS },
	{ "shard", required_argument, NULL, O_SHARD },
	{ "endpoints", required_argument, NULL, O_ENDPOINTS },
	{ "json", no_argument, NULL, 'j' },
	{ "quiet", no_argument, NULL, O_QUIET },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

const char run_usage[] =
    "usage: exifbench run --model NAME --src WHERE --dst WHERE [options]\n"
    "Runs the pipeline (GET each JPEG under --src, extract its EXIF, optionally transform\n"
    "it, PUT DST/KEY.json) under one concurrency model, and prints a summary. WHERE is\n"
    "s3://B[/P], or a local folder: a path (./photos, /data/in) or file:///PATH, read and\n"
    "written through curl's FILE protocol (docs/local.md); any mix of the two works.\n"
    "async, hybrid: local files are read and written inline on the loop, blocking it.\n"
    "  -m, --model NAME        one of the models listed below\n"
    "  -s, --src WHERE         the input folder (listed page by page; a local one walked,\n"
    "                          regular files, recursively, in byte order of their paths)\n"
    "  -d, --dst WHERE         the output folder (the bucket or folder is created if\n"
    "                          missing); must not lie inside --src (real paths compared)\n"
    "  -c, --concurrency N     requests in flight: threads (pthreads), processes\n"
    "                          (forkpool) or transfers (async, hybrid); default 8, and 1\n"
    "                          for sequential, which accepts no other value\n"
    "  -w, --workers W         hybrid: CPU-stage threads (default: the cores this\n"
    "                          process may use, from hwloc)\n"
    "  -n, --limit N           stop after N keys (default: all)\n"
    "      --duration S        start no key after S seconds; the keys in flight end\n"
    RUN_RATE_HELP
    "      --breaker-window S  the circuit breaker: after 3 connection failures in a row\n"
    "                          (no HTTP answer) across the workers, start no key and probe\n"
    "                          the endpoint (HEAD of the bucket, backing off) for up to S\n"
    "                          seconds (default 10): an answer resumes the run, the keys the\n"
    "                          outage failed run again; none fails every key left, \"endpoint\n"
    "                          down\". 0: no breaker. S3 sides only\n"
    "      --keys FILE         run the keys listed in FILE (one full key of the --src\n"
    "                          bucket, or path relative to a local --src, per line; -\n"
    "                          for stdin) instead of listing --src; \\\\ \\t \\n \\r in a\n"
    "                          key stand for a backslash, tab, newline, CR (dataset ls)\n"
    "      --shard I/N         take only share I (0..N-1) of the keys, by a hash of each\n"
    "                          key, so N runs together take every key once (docs/scale-out.md);\n"
    "                          k8s/N reads I from JOB_COMPLETION_INDEX, slurm reads a job\n"
    "                          array's SLURM_ARRAY_TASK_ID (or an srun step's SLURM_PROCID)\n"
    "      --endpoints URL[,URL...]\n"
    "                          gateways of one store (same keys, same buckets), instead of\n"
    "                          AWS_ENDPOINT_URL (also EXIFBENCH_ENDPOINTS): each key's GET\n"
    "                          and PUTs go to one of them, picked by a hash of the key, so\n"
    "                          each gets about its share; the listing and the bucket check\n"
    "                          use the first; the summary and the trace break jobs down by\n"
    "                          endpoint. A bad URL is an error naming it (exit 2)\n"
    "  -t, --transform KIND    none (default), thumbnail or recompress\n"
    "  -q, --quality Q         JPEG quality of the transform, 1..100 (85)\n"
    "      --thumb-max PX      thumbnail: longest side to reach by DCT scaling (160)\n"
    "      --cpu-spin-ms X     burn X ms of CPU per image (measured on the thread's clock)\n"
    "      --global-lock       pthreads, hybrid: run the CPU stage under one global mutex\n"
    "                          (a GIL): one thread at a time runs it\n"
    "      --upload-image      also PUT the processed image as DST/KEY\n"
    "      --stage FILE.so[:ARG]\n"
    "                          your own CPU stage instead of the built-in one (not with\n"
    "                          --transform or --cpu-spin-ms): a plugin of the C ABI of\n"
    "                          include/exifbench_stage.h, init'd with ARG once per worker\n"
    "                          (docs/stage.md). A crash in it ends the whole run under\n"
    "                          sequential, pthreads, async and hybrid; under forkpool only\n"
    "                          its worker dies (replaced) and the key fails, \"stage crashed\"\n"
    "      --stage-cmd COMMAND\n"
    "                          your own CPU stage as a co-process per worker (/bin/sh -c\n"
    "                          COMMAND), any language, images in and out over its stdin and\n"
    "                          stdout (protocol: docs/stage.md); restarted when it dies (that\n"
    "                          key fails); its CPU counts in the run's. Not with --stage\n"
    "      --stage-timeout-ms MS\n"
    "                          a --stage call over MS fails its key; forkpool kills the\n"
    "                          worker at MS; a thread cannot be stopped, so the other models\n"
    "                          wait for the call to end (a stage that never returns hangs);\n"
    "                          a --stage-cmd co-process is killed at MS under every model\n"
    "      --trace FILE        write one CSV row per image (stage times, CPU, curl timings)\n"
    "      --results DIR       also write the run as a one-run result folder in DIR (a new\n"
    "                          or empty folder): meta.json (the command line, model,\n"
    "                          concurrency, source, destination), summary.csv, trace.csv,\n"
    "                          logs/, as `bench` writes them, for `exifbench report DIR` and\n"
    "                          `exifbench compare DIR1 DIR2`; no sampler runs, so samples.csv\n"
    "                          has no rows and CPU shares and server CPU are not recorded\n"
    "  -j, --json              print the summary as one JSON object\n"
    "      --quiet             no progress line and no per-key errors on stderr\n"
    "  -h, --help              this text\n"
    "Exit: 0 every key ok, 1 some keys failed, 2 usage, 3 setup (settings, endpoint,\n"
    "listing, model start), 4 the --rate was not sustained (the keys run still counted),\n"
    "130 stopped by Ctrl-C (the summary still counts every key).\n"
    "The summary's \"timed_out\" says --duration ended the run (not an error).\n";

int
run_args_parse(struct run_args *a, int argc, char **argv)
{
	struct transform_opts topts = TRANSFORM_OPTS_DEFAULT;
	struct parse_state st = { a, NULL, NULL, 0, 0 };
	int rc;

	a->p.transform = topts;
	a->shard.count = 1;
	a->breaker_window_s = BREAKER_WINDOW_S_DEFAULT;
	if ((rc = cli_options_help(argc, argv, "m:s:d:c:w:n:t:q:jh", longopts, print_usage,
	    run_usage, parse_opt, &st)) >= 0)
		return rc;
	if (optind < argc) {
		fprintf(stderr, "exifbench: run: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (a->model == NULL || st.src == NULL || st.dst == NULL) {
		fprintf(stderr, "exifbench: run needs --model, --src and --dst (see --help)\n");
		return EXIT_USAGE;
	}
	if ((rc = run_where(&a->p, st.src, st.dst)) >= 0 || (rc = check_model(a, &st)) >= 0 ||
	    (rc = check_results(a)) >= 0)
		return rc;
	if (!st.concurrency_set)
		a->opts.concurrency = a->model->max_concurrency > 0 &&
		    a->model->max_concurrency < 8 ? a->model->max_concurrency : 8;
	if (!st.workers_set)
		a->opts.workers = topo_bound_cores();
	if ((rc = run_rate_check(&a->rate)) >= 0 ||
	    (rc = check_stage(a)) >= 0)
		return rc;
	return run_where_config(&a->p);
}

/* One option of the option loop (ctx: the parse_state): -1 to go on, else the exit code. */
static int
parse_opt(int ch, const char *arg, void *ctx)
{
	struct parse_state *st = ctx;
	struct run_args *a = st->a;

	switch (ch) {
	case 't':
	case 'q':
	case O_THUMB:
	case O_SPIN:
	case O_STAGE:
	case O_STAGE_TIMEOUT:
	case O_STAGE_CMD:
		return parse_stage_opt(a, ch, arg);
	case O_GIL: a->opts.global_lock = 1; break;
	case O_UPLOAD: a->p.upload_image = 1; break;
	case O_TRACE: a->trace_path = arg; break;
	case O_RESULTS: a->results_dir = arg; break;
	case O_KEYS: a->keys_path = arg; break;
	case O_ENDPOINTS: return set_endpoints(arg);
	case 'j': a->json = 1; break;
	case O_QUIET: a->quiet = 1; break;
	default:
		if (ch >= RUN_RATE_OPT)
			return run_rate_opt(&a->rate, ch, arg);
		return parse_run_opt(a, st, ch, arg);
	}
	return -1;
}

/* The model, the folders and the run's size and length. */
static int
parse_run_opt(struct run_args *a, struct parse_state *st, int ch, const char *arg)
{
	unsigned long v;
	char buf[256];

	switch (ch) {
	case 'm':
		if ((a->model = model_find(arg)) == NULL) {
			fprintf(stderr, "exifbench: unknown --model '%s' (%s)\n", arg,
			    names(any_model, buf, sizeof(buf)));
			return EXIT_USAGE;
		}
		break;
	case 's': st->src = arg; break;
	case 'd': st->dst = arg; break;
	case 'c':
		if (cli_parse_uint("--concurrency", arg, 1, 4096, &v) < 0)
			return EXIT_USAGE;
		a->opts.concurrency = (unsigned)v, st->concurrency_set = 1;
		break;
	case 'w':
		if (cli_parse_uint("--workers", arg, 1, 1024, &v) < 0)
			return EXIT_USAGE;
		a->opts.workers = (unsigned)v, st->workers_set = 1;
		break;
	case 'n':
		if (cli_parse_uint("--limit", arg, 1, ULONG_MAX, &a->limit) < 0)
			return EXIT_USAGE;
		break;
	case O_DURATION:
		if (cli_parse_double("--duration", arg, 0.001, 86400, &a->duration_s) < 0)
			return EXIT_USAGE;
		break;
	case O_SHARD:
		if (shard_parse(arg, &a->shard, buf, sizeof(buf)) < 0) {
			fprintf(stderr, "exifbench: --shard: %s\n", buf);
			return EXIT_USAGE;
		}
		a->shard_text = arg;
		break;
	case O_BREAKER:
		if (cli_parse_double("--breaker-window", arg, 0, 3600, &a->breaker_window_s) < 0)
			return EXIT_USAGE;
		break;
	}
	return -1;
}

/* The CPU stage: the transform and the spin. */
static int
parse_stage_opt(struct run_args *a, int ch, const char *arg)
{
	unsigned long v;

	switch (ch) {
	case 't':
		if (transform_kind_parse(arg, &a->p.transform.kind) < 0) {
			fprintf(stderr, "exifbench: unknown --transform '%s' (none, "
			    "thumbnail, recompress)\n", arg);
			return EXIT_USAGE;
		}
		break;
	case 'q':
		if (cli_parse_uint("--quality", arg, 1, 100, &v) < 0)
			return EXIT_USAGE;
		a->p.transform.quality = (int)v;
		break;
	case O_THUMB:
		if (cli_parse_uint("--thumb-max", arg, 8, 65535, &v) < 0)
			return EXIT_USAGE;
		a->p.transform.thumb_max = (int)v;
		break;
	case O_SPIN:
		if (cli_parse_double("--cpu-spin-ms", arg, 0, 60000,
		    &a->p.transform.spin_ms) < 0)
			return EXIT_USAGE;
		break;
	case O_STAGE:
		return set_stage(a, "--stage", arg, stage_conf_parse);
	case O_STAGE_CMD:
		return set_stage(a, "--stage-cmd", arg, stage_conf_cmd);
	case O_STAGE_TIMEOUT:
		if (cli_parse_uint("--stage-timeout-ms", arg, 1, 3600000, &v) < 0)
			return EXIT_USAGE;
		a->p.stage.timeout_ms = a->stage_timeout_ms = (long)v;
		break;
	}
	return -1;
}

/* --stage or --stage-cmd (one of them at most): -1 to go on, else the exit code. */
static int
set_stage(struct run_args *a, const char *opt, const char *arg,
    int (*parse)(struct stage_conf *, const char *, char *, size_t))
{
	char buf[256];

	if (a->p.stage.kind != STAGE_BUILTIN || parse(&a->p.stage, arg, buf,
	    sizeof(buf)) < 0) {
		fprintf(stderr, "exifbench: %s: %s\n", opt, a->p.stage.kind == STAGE_BUILTIN ? buf :
		    "one --stage or --stage-cmd at most");
		return EXIT_USAGE;
	}
	a->p.stage.timeout_ms = a->stage_timeout_ms;
	a->stage_text = arg;
	return -1;
}

/*
 * --endpoints: checked here, so a bad URL is a usage error naming it, then handed on as
 * EXIFBENCH_ENDPOINTS, which the S3 settings read (s3_config_from_env) wherever they are read.
 */
static int
set_endpoints(const char *arg)
{
	struct s3_config cfg;
	char err[512];

	memset(&cfg, 0, sizeof(cfg));
	if (s3_config_set_endpoints(&cfg, arg, "--endpoints", err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: %s\n", err);
		return EXIT_USAGE;
	}
	if (setenv("EXIFBENCH_ENDPOINTS", arg, 1) < 0) {
		fprintf(stderr, "exifbench: --endpoints: %s\n", strerror(errno));
		return EXIT_USAGE;
	}
	return -1;
}

/* --results names a folder that does not exist yet or is empty. */
static int
check_results(const struct run_args *a)
{
	char err[PATH_MAX + 128];

	if (a->results_dir == NULL || results_empty_dir(a->results_dir, err, sizeof(err)) == 0)
		return -1;
	fprintf(stderr, "exifbench: --results %s\n", err);
	return EXIT_USAGE;
}

/* A plugin or co-process stage replaces the built-in one; it is started once here, to fail now. */
static int
check_stage(struct run_args *a)
{
	char err[512];

	if (a->p.stage.kind == STAGE_BUILTIN) {
		if (a->stage_timeout_ms > 0) {
			fprintf(stderr, "exifbench: --stage-timeout-ms needs --stage\n");
			return EXIT_USAGE;
		}
		return -1;
	}
	if (a->p.transform.kind != TRANSFORM_NONE || a->p.transform.spin_ms > 0) {
		fprintf(stderr, "exifbench: --stage%s replaces the built-in stage: drop "
		    "--transform and --cpu-spin-ms\n", a->p.stage.kind == STAGE_CMD ? "-cmd" : "");
		return EXIT_USAGE;
	}
	if (stage_check(&a->p.stage, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: --stage%s: %s\n", a->p.stage.kind == STAGE_CMD ?
		    "-cmd" : "", err);
		return EXIT_USAGE;
	}
	return -1;
}

/* The options that only some models take. */
static int
check_model(struct run_args *a, const struct parse_state *st)
{
	const struct model *m = a->model;
	char buf[128];

	if (m->max_concurrency > 0 && a->opts.concurrency > m->max_concurrency) {
		fprintf(stderr, "exifbench: the %s model keeps at most %u request in flight; "
		    "--concurrency must be %u at most\n", m->name, m->max_concurrency,
		    m->max_concurrency);
		return EXIT_USAGE;
	}
	if (st->workers_set && !m->uses_workers) {
		fprintf(stderr, "exifbench: --workers applies to the %s model only; "
		    "--concurrency sets the %s model's size\n", names(uses_workers, buf,
		    sizeof(buf)), m->name);
		return EXIT_USAGE;
	}
	if (a->opts.global_lock && !m->uses_global_lock) {
		names(uses_global_lock, buf, sizeof(buf));
		fprintf(stderr, "exifbench: --global-lock applies to the %s model%s only\n", buf,
		    strchr(buf, ',') != NULL ? "s" : "");
		return EXIT_USAGE;
	}
	return -1;
}

/* The names of the models that have `has`, in table order, comma-separated, into buf. */
static const char *
names(int (*has)(const struct model *), char *buf, size_t len)
{
	const struct model *const *m;

	buf[0] = '\0';
	for (m = model_table; *m != NULL; m++)
		if (has(*m))
			cli_list_add(buf, len, (*m)->name);
	return buf;
}

/* The usage, then the models of the table with their one-line summaries. */
static void
print_usage(void)
{
	const struct model *const *m;

	fputs(run_usage, stdout);
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

